"""The engagement ranking: who interacts most with the city, and why.

A member's score over a window is the sum, for each interaction, of its kind's weight
decayed by age (``0.5 ** (age_days / half_life_days)``), plus a bonus per distinct active
week (weeks start on Monday 00:00 UTC: Julian day numbers count weeks from a Monday).
Staff, blocked, spam-flagged and erased accounts never rank, nor persons who objected to
the ranking (GDPR art. 21, ``store.objection``). Accounts linked by hand to one person (``members.person_id``) can be counted together.

SQLite does the heavy part: members drive, each reads its own range of a covering index
(migrations 0025 and 0032: each row's Julian day number stored in it), already grouped, so
the window is never sorted. A first pass sums only what orders the persons (weighed,
decayed points, weeks, last day) and cuts the page in SQL; a second reads only the page's
persons for their counts and points per kind, and numpy weighs those rows.
Ties are broken by the most recent interaction, then by the lowest id, so the order is
stable from one run to the next.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import numpy as np
import pandas as pd

from beffroi.config import Settings
from beffroi.french import french_number
from beffroi.labels import KIND_NAMES, network_label
from beffroi.store import OBJECTED_PERSONS, to_db

# The kinds that count, in the order they are shown. ``share`` and ``reaction`` come from
# the ``interactions`` table (where a network says who shared or reacted), the rest are items.
KINDS = ("comment", "reply", "mention", "share", "ugc", "reaction", "dm")
KIND_LABELS = {kind: KIND_NAMES[kind] for kind in KINDS}  # (singular, plural), lower case
RANKED_NETWORKS = ("instagram", "facebook", "x", "bluesky", "mastodon", "snapchat")
LAST_ENGAGEMENTS = 3  # reactions and shares shown among a member's last interactions
# Networks whose members are entered by hand: they rank through their linked accounts.
MANUAL_NETWORKS = ("snapchat",)


@dataclass(frozen=True)
class RankingFilter:
    network: str | None = None  # instagram, facebook, x, snapchat; None: every network
    window_days: int | None = None  # None: settings.engagement.window_days
    theme: str | None = None
    min_active_weeks: int = 0
    not_invited_months: int | None = None
    combine_persons: bool = True
    limit: int | None = 100


@dataclass
class Explanation:
    """What one score is made of."""

    person_id: int
    score: float
    counts: dict[str, int]
    contributions: dict[str, float]
    active_weeks: int
    bonus: float
    accounts: list[dict] = field(default_factory=list)
    last_interactions: list[dict] = field(default_factory=list)
    # Reactions and shares in the window by network, e.g. {"bluesky": {"reaction": 47,
    # "share": 14}}: a person linked across networks shows where they liked and reposted.
    engagement_by_network: dict[str, dict[str, int]] = field(default_factory=dict)


def account_networks(conn: sqlite3.Connection, settings: Settings) -> dict[str, str]:
    """Account key → the network a person sees (sandbox accounts show what they simulate;
    public Instagram posts count as Instagram)."""
    mapping = {row[0]: row[1] for row in conn.execute("SELECT key, network FROM accounts")}
    for account in settings.accounts:
        mapping[account.key] = account.shown_network
    return {k: ("instagram" if v == "instagram_public" else v) for k, v in mapping.items()}


def _window(settings: Settings, now: datetime, filters: RankingFilter) -> tuple[str, str]:
    days = filters.window_days or settings.engagement.window_days
    return to_db(now - timedelta(days=days)), to_db(now)


# Objection (``store.objection``) holds for the person: every account linked to one who
# objected is left out, whether or not persons are combined.
_EXCLUDED = (
    "m.is_staff = 0 AND m.is_blocked = 0 AND m.is_spam = 0 AND m.erased_at IS NULL"
    f" AND coalesce(m.person_id, m.id) NOT IN ({OBJECTED_PERSONS})"
)


def _not_invited(person: str, filters: RankingFilter, now: datetime) -> tuple[str, list]:
    """Leave out persons invited (beyond a mere proposal) in the last N months."""
    clause = (
        f" AND {person} NOT IN ("  # noqa: S608 - ``person`` is one of two fixed expressions
        " SELECT coalesce(m2.person_id, m2.id) FROM invitations inv"
        " JOIN members m2 ON m2.id = inv.member_id WHERE inv.status != 'proposed'"
        " AND coalesce(inv.invited_at, inv.created_at) >= datetime(?, ?))"
    )
    return clause, [to_db(now), f"-{int(filters.not_invited_months)} months"]


def _person_expr(filters: RankingFilter) -> str:
    return "coalesce(m.person_id, m.id)" if filters.combine_persons else "m.id"


SCORE_COLUMNS = [
    "person",
    "score",
    "interactions",
    "active_weeks",
    "bonus",
    "last_at",
    *[f"n_{k}" for k in KINDS],
    *[f"pts_{k}" for k in KINDS],
]


# The kinds each table can hold (items' CHECK constraint; interactions: reactions, shares).
INTERACTION_KINDS = ("share", "reaction")
ITEM_KINDS = tuple(k for k in KINDS if k not in INTERACTION_KINDS)
WEEK_BITS = 60  # distinct weeks are summed as bits of 60-bit masks (sum of distinct powers)


def _week_masks(week: str, weeks: int) -> list[str]:
    """Per member, its distinct active weeks as bit masks (``week`` counts from the
    window's first week): ``sum(DISTINCT 1 << w)`` is the OR of its weeks' bits."""
    if weeks <= WEEK_BITS:
        return [f"sum(DISTINCT 1 << ({week})) AS mask_0"]
    return [
        f"sum(DISTINCT CASE WHEN ({week}) / {WEEK_BITS} = {j}"
        f" THEN 1 << (({week}) % {WEEK_BITS}) ELSE 0 END) AS mask_{j}"
        for j in range((weeks + WEEK_BITS - 1) // WEEK_BITS)
    ]


def _member_part(
    table: str,
    kinds: tuple[str, ...],
    filters: RankingFilter,
    accounts: list[str] | None,
    member_ids: list[int] | None,
    person: str,
    person_clause: str,
    weeks: int,
    order_weights: dict[str, float] | None = None,
) -> tuple[str, list]:
    """One table's window summed per member: members drive, each reads its own range of
    ``<table>_member…`` (covering), so the rows arrive grouped and are never sorted.

    With ``order_weights``, only what orders the persons: the weighed, decayed points in
    one sum, the weeks and the last interaction's day number (three aggregates a row
    instead of thirteen); otherwise the counts and decayed sums of each kind, the weeks
    and the last interaction's text. Each row's Julian day number is the covering index's
    stored ``julianday(created_at)`` (migration 0032), not parsed again."""
    index, inbound, join, params = "interactions_member", "", "", []
    if table == "items":
        index = "items_member_inbound"
        inbound = " AND i.direction = 'in' AND i.kind != 'post'"
        if filters.theme:
            join = " JOIN queue q ON q.item_id = i.id AND q.theme = ?"
            params.append(filters.theme)
    day = "julianday(i.created_at)"  # the index's expression, read from it
    week = f"CAST(({day} + 0.5) / 7 AS INTEGER) - ?"
    decay = f"pow(0.5, (? - {day}) / ?)"
    columns = [f"{person} AS person"]
    if order_weights is not None:
        weight = " ".join(f"WHEN '{k}' THEN {float(order_weights.get(k, 0.0))!r}" for k in kinds)
        columns.append(f"sum(CASE i.kind {weight} END * {decay}) AS points")
        select_params = ["now_day", "half_life"]
        last = f"max({day}) AS last_day"
    else:
        columns.append("count(*) AS n")
        for k in KINDS:
            columns.append(f"sum(i.kind = '{k}') AS n_{k}" if k in kinds else f"0 AS n_{k}")
        for k in KINDS:
            columns.append(
                f"sum(CASE WHEN i.kind = '{k}' THEN {decay} END) AS d_{k}"
                if k in kinds
                else f"NULL AS d_{k}"
            )
        select_params = [p for k in KINDS if k in kinds for p in ("now_day", "half_life")]
        last = "max(i.created_at) AS last_at"
    masks = _week_masks(week, weeks)
    columns += [*masks, last]
    select_params += ["w0"] * len(masks) * (2 if len(masks) > 1 else 1)
    where = " AND i.created_at >= ? AND i.created_at <= ?" + inbound
    where_params: list = ["start", "end"]
    if accounts:
        where += f" AND i.account IN ({','.join('?' * len(accounts))})"
        where_params += accounts
    if member_ids is not None:
        where += f" AND m.id IN ({','.join('?' * len(member_ids)) or 'NULL'})"
        where_params += member_ids
    sql = (
        f"SELECT {', '.join(columns)} FROM members m"  # noqa: S608 - fixed fragments only
        f" CROSS JOIN {table} i INDEXED BY {index} ON i.member_id = m.id{join}"
        f" WHERE {_EXCLUDED}{where}{person_clause} GROUP BY m.id"
    )
    return sql, [*select_params, *params, *where_params]


def _cut_in_sql(filters: RankingFilter, only_person: int | None) -> bool:
    """The page is cut in SQL unless rows are added afterwards (a manual network's members)
    or one person is explained (whatever their weeks or rank)."""
    return filters.network not in MANUAL_NETWORKS and only_person is None


def _score_rows(
    conn: sqlite3.Connection,
    settings: Settings,
    now: datetime,
    filters: RankingFilter,
    only_person: int | None = None,
    member_ids: list[int] | None = None,
    *,
    order_only: bool = False,
) -> list:
    """One row per person: counts and decayed points per kind, active weeks, bonus, score.

    SQLite sums each member's rows of the window off their own covering range (items and
    interactions apart: each table's kinds only), then the members per person: counts,
    decayed sums (each row's decay against ``now``'s Julian day, asked of SQLite once),
    distinct weeks as bit masks. When nothing is added afterwards (the manual networks'
    members), SQLite also orders the persons and keeps the ``limit`` best.

    ``order_only``: the page's persons and nothing else (person, weeks, last day, score),
    in order: what ``rank_members`` reads of the whole window before it asks the page's
    persons alone for their counts and points per kind.
    """
    person = _person_expr(filters)
    start, end = _window(settings, now, filters)
    now_day, w0, w_end = conn.execute(
        "SELECT julianday(?1), CAST((julianday(?2) + 0.5) / 7 AS INTEGER),"
        " CAST((julianday(?1) + 0.5) / 7 AS INTEGER)",
        (to_db(now), start),
    ).fetchone()
    weeks = max(1, w_end - w0 + 1)
    values = {
        "now_day": now_day,
        "half_life": float(settings.engagement.half_life_days),
        "w0": w0,
        "start": start,
        "end": end,
    }
    accounts: list[str] | None = None
    if filters.network and filters.network not in MANUAL_NETWORKS:
        accounts = [k for k, v in account_networks(conn, settings).items() if v == filters.network]
        accounts = accounts or ["\x00none"]
    person_clause, person_params = "", []
    if only_person is not None:
        person_clause = f" AND {person} = ?"
        person_params.append(only_person)
    if filters.not_invited_months:
        clause, clause_params = _not_invited(person, filters, now)
        person_clause += clause
        person_params += clause_params
    tables = [("items", ITEM_KINDS)]
    if not filters.theme:  # reactions and shares carry no theme
        tables.append(("interactions", INTERACTION_KINDS))
    weights = settings.engagement.weights
    parts, params = [], []
    for table, kinds in tables:
        sql, names = _member_part(
            table,
            kinds,
            filters,
            accounts,
            member_ids,
            person,
            person_clause,
            weeks,
            weights if order_only else None,
        )
        parts.append(sql)
        params += [values.get(p, p) if isinstance(p, str) else p for p in names]
        params += person_params
    n_masks = len(_week_masks("w", weeks))
    active = " + ".join(
        f"(max(mask_{j} & {1 << b}) > 0)"
        for j in range(n_masks)
        for b in range(min(WEEK_BITS, weeks - j * WEEK_BITS))
    )
    bonus = float(settings.engagement.active_week_bonus)
    if order_only:
        columns = f"{active} AS weeks, max(last_day) AS last, coalesce(sum(points), 0.0)"
    else:
        columns = (
            f"sum(n) AS n, {', '.join(f'sum(n_{k}) AS n_{k}' for k in KINDS)},"
            f" {', '.join(f'sum(d_{k}) AS d_{k}' for k in KINDS)},"
            f" {active} AS weeks, max(last_at) AS last, ("
            + " + ".join(
                f"coalesce(sum(d_{k}), 0.0) * {float(weights.get(k, 0.0))!r}" for k in KINDS
            )
            + ")"
        )
    tail = ""
    if _cut_in_sql(filters, only_person):
        if filters.min_active_weeks:
            tail += " HAVING weeks >= ?"
            params.append(int(filters.min_active_weeks))
        tail += " ORDER BY round(score, 9) DESC, last DESC, person"
        if filters.limit:
            tail += " LIMIT ?"
            params.append(int(filters.limit))
    sql = f"""
        WITH parts AS ({" UNION ALL ".join(parts)})
        SELECT person, {columns} + ({active}) * {bonus!r} AS score
        FROM parts GROUP BY person{tail}
    """  # noqa: S608 - only fixed fragments are interpolated
    return conn.execute(sql, params).fetchall()


def _person_scores(
    conn: sqlite3.Connection,
    settings: Settings,
    now: datetime,
    filters: RankingFilter,
    member_ids: list[int] | None = None,
) -> pd.DataFrame:
    """The persons' rows of ``_score_rows`` as a DataFrame of SCORE_COLUMNS, points weighed
    (of the members ``member_ids`` only, when given)."""
    rows = _score_rows(conn, settings, now, filters, member_ids=member_ids)
    if not rows:
        return pd.DataFrame(columns=SCORE_COLUMNS)
    # The rows' columns straight into arrays (no intermediate DataFrame): person, n,
    # n_<kind>…, d_<kind>…, weeks, last_at, then SQL's score (weighed again below).
    person, n, *rest = zip(*rows, strict=True)
    counts, decayed = rest[: len(KINDS)], rest[len(KINDS) : 2 * len(KINDS)]
    weeks = np.array(rest[2 * len(KINDS)], dtype=np.int64)
    weights = settings.engagement.weights
    points = {
        k: np.nan_to_num(np.array(d, dtype=float), nan=0.0) * float(weights.get(k, 0.0))
        for k, d in zip(KINDS, decayed, strict=True)
    }
    bonus = weeks * settings.engagement.active_week_bonus
    score = points[KINDS[0]].copy()
    for kind in KINDS[1:]:
        score = score + points[kind]
    columns: dict = {
        "person": np.array(person, dtype=np.int64),
        "score": score + bonus,
        "interactions": np.array(n, dtype=np.int64),
        "active_weeks": weeks,
        "bonus": bonus,
        "last_at": list(rest[2 * len(KINDS) + 1]),
    }
    columns |= {f"n_{k}": np.array(c, dtype=np.int64) for k, c in zip(KINDS, counts, strict=True)}
    columns |= {f"pts_{k}": points[k] for k in KINDS}
    return pd.DataFrame(columns, columns=SCORE_COLUMNS)


ACCOUNT_COLUMNS = [
    "person",
    "member_id",
    "network",
    "external_id",
    "handle",
    "display_name",
    "notes",
]


def _account_rows(conn: sqlite3.Connection, persons: list[int], combine: bool) -> list[tuple]:
    """The accounts of ``persons`` as plain tuples of ACCOUNT_COLUMNS, in id order."""
    if not persons:
        return []
    marks = ",".join("?" * len(persons))
    key = "coalesce(person_id, id)" if combine else "id"
    rows = conn.execute(
        f"SELECT {key} AS person, id, network, external_id, handle, display_name, notes "  # noqa: S608
        f"FROM members WHERE {key} IN ({marks}) ORDER BY id",
        persons,
    ).fetchall()
    return [tuple(r) for r in rows]


def _accounts_by_person(accounts: list[tuple]) -> pd.DataFrame:
    """Per person, what the ranking shows of their accounts (in id order): a plain loop
    over the few account rows of one page, cheaper than a pandas aggregation with lambdas."""
    by_person: dict[int, dict] = {}
    for person, member_id, network, external_id, handle, display_name, _notes in accounts:
        entry = by_person.get(person)
        if entry is None:
            entry = by_person[person] = {
                "member_ids": [],
                "handles": [],
                "networks": set(),
                "display_name": None,
                "first_network": network,
                "first_external_id": external_id,
            }
        entry["member_ids"].append(member_id)
        if handle:
            entry["handles"].append(handle)
        entry["networks"].add(network)
        if entry["display_name"] is None and display_name:
            entry["display_name"] = display_name
    for entry in by_person.values():
        entry["networks"] = sorted(entry["networks"])
    grouped = pd.DataFrame.from_dict(by_person, orient="index", columns=ACCOUNT_GROUP_COLUMNS)
    grouped.index.name = "person"
    return grouped


ACCOUNT_GROUP_COLUMNS = [
    "member_ids",
    "handles",
    "networks",
    "display_name",
    "first_network",
    "first_external_id",
]


def rank_members(
    conn: sqlite3.Connection,
    settings: Settings,
    now: datetime,
    filters: RankingFilter | None = None,
) -> pd.DataFrame:
    """The ranking as a DataFrame, best first: one row per person (or account).

    Columns: rank, person, score, interactions, active_weeks, bonus, last_at, n_<kind> and
    pts_<kind> (the decayed, weighted points of each kind), member_ids, handles, networks,
    display_name, and first_network/first_external_id (what a pseudonym is computed from).
    """
    filters = filters or RankingFilter()
    accounts = None
    if _cut_in_sql(filters, None) and filters.limit:
        # The whole window is read once for the order alone; then only the page's persons
        # for their counts and points per kind (the top 100 of a 1M history: 15% of it).
        page = [int(r[0]) for r in _score_rows(conn, settings, now, filters, order_only=True)]
        accounts = _account_rows(conn, page, filters.combine_persons)
        member_ids = [row[1] for row in accounts]
        scores = _person_scores(conn, settings, now, filters, member_ids)
    else:
        scores = _person_scores(conn, settings, now, filters)
    if filters.network in MANUAL_NETWORKS:
        scores = _manual_network(conn, settings, now, filters, scores)
    if filters.min_active_weeks:
        scores = scores[scores["active_weeks"] >= filters.min_active_weeks]
    # Best score (to 1e-9) first, then the most recent interaction, then the lowest id:
    # three stable sorts of the row numbers, least significant key first.
    negated = (-scores["score"].round(9)).tolist()
    last = scores["last_at"].fillna("").tolist()
    order = sorted(range(len(scores)), key=scores["person"].tolist().__getitem__)
    order.sort(key=last.__getitem__, reverse=True)
    order.sort(key=negated.__getitem__)
    scores = scores.iloc[order[: filters.limit] if filters.limit else order]
    scores = scores.reset_index(drop=True)
    scores.insert(0, "rank", range(1, len(scores) + 1))
    if accounts is None:  # else the page's, read above
        persons = [int(p) for p in scores["person"]]
        accounts = _account_rows(conn, persons, filters.combine_persons)
    grouped = _accounts_by_person(accounts)
    return scores.join(grouped, on="person")


def _manual_network(
    conn: sqlite3.Connection,
    settings: Settings,
    now: datetime,
    filters: RankingFilter,
    scores: pd.DataFrame,
) -> pd.DataFrame:
    """Members of a network without API (Snapchat): every one of them is listed, with the
    score of their linked accounts on other networks when persons are combined."""
    person = "coalesce(m.person_id, m.id)" if filters.combine_persons else "m.id"
    extra, params = "", [filters.network]
    if filters.not_invited_months:
        extra, clause_params = _not_invited(person, filters, now)
        params += clause_params
    rows = conn.execute(
        f"SELECT DISTINCT {person} FROM members m WHERE m.network = ? AND {_EXCLUDED}{extra}",  # noqa: S608
        params,
    ).fetchall()
    persons = pd.DataFrame({"person": [r[0] for r in rows]})
    merged = persons.merge(scores, on="person", how="left")
    for column in merged.columns:
        if column.startswith(("n_", "pts_")) or column in (
            "score",
            "interactions",
            "active_weeks",
            "bonus",
        ):
            merged[column] = merged[column].fillna(0)
    return merged


def explain(
    conn: sqlite3.Connection,
    settings: Settings,
    now: datetime,
    person_id: int,
    filters: RankingFilter | None = None,
    *,
    last: int = 5,
) -> Explanation:
    """What a person's score is made of, with their last interactions and links to them."""
    filters = filters or RankingFilter()
    accounts = _account_rows(conn, [person_id], filters.combine_persons)
    member_ids = [row[1] for row in accounts]
    rows = _score_rows(conn, settings, now, filters, person_id, member_ids)
    row = rows[0] if rows else None
    # One person: the points weighed in plain floats, in the order the DataFrame sums them.
    weights = settings.engagement.weights
    counts = {k: int(row[f"n_{k}"]) if row is not None else 0 for k in KINDS}
    contributions = {
        k: float(row[f"d_{k}"] or 0.0) * float(weights.get(k, 0.0)) if row is not None else 0.0
        for k in KINDS
    }
    active_weeks = int(row["weeks"]) if row is not None else 0
    bonus = active_weeks * settings.engagement.active_week_bonus
    score = 0.0
    if row is not None:
        score = contributions[KINDS[0]]
        for kind in KINDS[1:]:
            score = score + contributions[kind]
        score = score + bonus
    recent: list[dict] = []
    engagement: dict[str, dict[str, int]] = {}
    if member_ids:
        start, end = _window(settings, now, filters)
        marks = ",".join("?" * len(member_ids))
        networks = account_networks(conn, settings)
        rows = conn.execute(
            f"""
            SELECT created_at, kind, account, permalink, text FROM items
            WHERE member_id IN ({marks}) AND direction = 'in' AND kind != 'post'
              AND created_at >= ? AND created_at <= ?
            ORDER BY created_at DESC LIMIT ?
            """,  # noqa: S608
            [*member_ids, start, end, last],
        ).fetchall()
        # Likes and shares have no text: a few of them, so that a liker's score is explained
        # without hiding the words of someone who also writes.
        rows += conn.execute(
            f"""
            SELECT created_at, kind, account, permalink, '' AS text FROM interactions
            WHERE member_id IN ({marks}) AND created_at >= ? AND created_at <= ?
            ORDER BY created_at DESC LIMIT ?
            """,  # noqa: S608
            [*member_ids, start, end, LAST_ENGAGEMENTS],
        ).fetchall()
        for account, kind, n in conn.execute(
            f"""
            SELECT account, kind, count(*) FROM interactions
            WHERE member_id IN ({marks}) AND created_at >= ? AND created_at <= ?
            GROUP BY account, kind
            """,  # noqa: S608
            [*member_ids, start, end],
        ):
            network = networks.get(account, account)
            by_network = engagement.setdefault(network, {})
            by_network[kind] = by_network.get(kind, 0) + n
        rows.sort(key=lambda r: r["created_at"], reverse=True)
        recent = [
            {
                "created_at": r["created_at"],
                "kind": r["kind"],
                "network": networks.get(r["account"], r["account"]),
                "permalink": r["permalink"],
                "text": r["text"],
            }
            for r in rows
        ]
    return Explanation(
        person_id=person_id,
        score=float(score),
        counts=counts,
        contributions=contributions,
        active_weeks=active_weeks,
        bonus=float(bonus),
        accounts=[dict(zip(ACCOUNT_COLUMNS[1:], row[1:], strict=True)) for row in accounts],
        last_interactions=recent,
        engagement_by_network=engagement,
    )


def describe(explanation: Explanation) -> str:
    """The explanation in one French sentence, e.g. for the demo's note or a tooltip."""
    parts = [
        f"{explanation.counts[k]} {KIND_LABELS[k][explanation.counts[k] > 1]}"
        f" ({french_number(explanation.contributions[k])} pts)"
        for k in KINDS
        if explanation.counts[k]
    ]
    plural = "s" if explanation.active_weeks > 1 else ""
    bonus = french_number(explanation.bonus)
    weeks = f"{explanation.active_weeks} semaine{plural} active{plural} (+{bonus})"
    return f"{french_number(explanation.score)} pts = " + ", ".join([*parts, weeks])


def describe_engagement(explanation: Explanation) -> str:
    """Where the reactions and shares were given, in French, e.g. "Bluesky : 47 réactions,
    14 partages ; X : 3 réactions"; empty when there were none."""
    parts = []
    for network in sorted(explanation.engagement_by_network, key=network_label):
        counts = explanation.engagement_by_network[network]
        kinds = [
            f"{counts[k]} {KIND_LABELS[k][counts[k] > 1]}"
            for k in ("reaction", "share")
            if counts.get(k)
        ]
        parts.append(f"{network_label(network)} : {', '.join(kinds)}")
    return " ; ".join(parts)
