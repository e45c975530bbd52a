"""The engagement ranking: who interacts most with the city, and why.

A member's score over a window is the sum, for each interaction, of its kind's weight
decayed by age (``0.5 ** (age_days / half_life_days)``), plus a bonus per distinct active
week (weeks start on Monday 00:00 UTC: Julian day numbers count weeks from a Monday).
Staff, blocked, spam-flagged and erased accounts never rank, nor persons who objected to
the ranking (GDPR art. 21, ``store.objection``). Accounts linked by hand to one person (``members.person_id``) can be counted together.

SQLite does the heavy part (one pass over a covering index, grouped by person, kind and
week); pandas only sums a few rows per person. Ties are broken by the most recent
interaction, then by the lowest id, so the order is stable from one run to the next.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from datetime import datetime, timedelta

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


def _events_sql(
    conn: sqlite3.Connection,
    settings: Settings,
    now: datetime,
    filters: RankingFilter,
    member_ids: list[int] | None = None,
) -> tuple[str, list]:
    """The interactions in the window as (member_id, kind, created_at, account) rows.

    ``member_ids``: only these members' rows, read through their own index (one person's
    explanation must not scan the whole window).
    """
    start, end = _window(settings, now, filters)
    accounts: list[str] | None = None
    if filters.network and filters.network not in MANUAL_NETWORKS:
        accounts = [k for k, v in account_networks(conn, settings).items() if v == filters.network]
        if not accounts:
            accounts = ["\x00none"]
    marks = ",".join("?" * len(accounts)) if accounts else ""
    account_clause = f" AND i.account IN ({marks})" if accounts else ""
    member_clause = ""
    if member_ids is not None:
        member_clause = f" AND i.member_id IN ({','.join('?' * len(member_ids)) or 'NULL'})"
    theme_join = ""
    params: list = []
    if filters.theme:
        theme_join = " JOIN queue q ON q.item_id = i.id AND q.theme = ?"
        params.append(filters.theme)
    params += [start, end, *(accounts or []), *(member_ids or [])]
    # INDEXED BY: the covering partial index reads a window without touching the rows;
    # left alone, SQLite's planner may prefer items_member and read every row (30× slower).
    # One member's rows are few: their own index (member_id, created_at) finds them.
    index = "items_member" if member_ids is not None else "items_inbound"
    items_sql = (
        "SELECT i.member_id, i.kind, i.created_at, i.account"  # noqa: S608
        f" FROM items i INDEXED BY {index}"
        + theme_join
        + " WHERE i.direction = 'in' AND i.member_id IS NOT NULL"
        + " AND i.created_at >= ? AND i.created_at <= ? AND i.kind != 'post'"
        + account_clause
        + member_clause
    )
    if filters.theme:
        return items_sql, params  # reactions and shares carry no theme
    interactions_sql = (
        " UNION ALL SELECT i.member_id, i.kind, i.created_at, i.account"  # noqa: S608
        " FROM interactions i"
        " WHERE i.created_at >= ? AND i.created_at <= ?" + account_clause + member_clause
    )
    return items_sql + interactions_sql, params + [
        start,
        end,
        *(accounts or []),
        *(member_ids or []),
    ]


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


def _person_scores(
    conn: sqlite3.Connection,
    settings: Settings,
    now: datetime,
    filters: RankingFilter,
    only_person: int | None = None,
    member_ids: list[int] | None = None,
) -> pd.DataFrame:
    """One row per person: counts and decayed points per kind, active weeks, bonus, score.

    SQLite reads the window once off the covering index and sums per member (each row's
    decay against ``now``'s Julian day, asked of SQLite once; its week, into the member's
    list of distinct weeks); the member flags and the person link are then joined per
    member, not per row. Only persons with several linked accounts are merged in pandas.
    """
    events, params = _events_sql(conn, settings, now, filters, member_ids)
    person = _person_expr(filters)
    half_life = float(settings.engagement.half_life_days)
    now_day = conn.execute("SELECT julianday(?)", (to_db(now),)).fetchone()[0]
    extra = ""
    extra_params: list = []
    if only_person is not None:
        extra = f" AND {person} = ?"
        extra_params.append(only_person)
    if filters.not_invited_months:
        clause, clause_params = _not_invited(person, filters, now)
        extra += clause
        extra_params += clause_params
    counts = ", ".join(f"sum(kind = '{k}') AS n_{k}" for k in KINDS)
    decays = ", ".join(f"sum(CASE WHEN kind = '{k}' THEN decay END) AS d_{k}" for k in KINDS)
    sql = f"""
        WITH ev AS (SELECT member_id, kind, created_at,
                           CAST((julianday(created_at) + 0.5) / 7 AS INTEGER) AS week,
                           pow(0.5, (? - julianday(created_at)) / ?) AS decay
                    FROM ({events})),
        g AS (
            SELECT member_id, count(*) AS n, {counts}, {decays},
                   count(DISTINCT week) AS weeks, group_concat(DISTINCT week) AS week_list,
                   max(created_at) AS last_at
            FROM ev GROUP BY member_id
        )
        SELECT {person} AS person, g.* FROM g JOIN members m ON m.id = g.member_id
        WHERE {_EXCLUDED}{extra}
    """  # noqa: S608 - only fixed fragments are interpolated
    rows = conn.execute(sql, [now_day, half_life, *params, *extra_params]).fetchall()
    if not rows:
        return pd.DataFrame(columns=SCORE_COLUMNS)
    names = ["person", "member_id", "n", *[f"n_{k}" for k in KINDS]]
    names += [f"d_{k}" for k in KINDS] + ["weeks", "week_list", "last_at"]
    members = pd.DataFrame([tuple(r) for r in rows], columns=names)
    if members["person"].duplicated().any():
        # Persons with linked accounts: sum their accounts, count their distinct weeks.
        weeks = members.groupby("person")["week_list"].agg(
            lambda lists: len({w for text in lists for w in text.split(",")})
        )
        sums = {c: "sum" for c in names if c.startswith(("n", "d_"))}
        merged = members.groupby("person", sort=True).agg({**sums, "last_at": "max"})
        merged["weeks"] = weeks
        merged = merged.reset_index()
    else:
        merged = members.sort_values("person", kind="stable").reset_index(drop=True)
    weights = settings.engagement.weights
    columns: dict = {"person": merged["person"].to_numpy()}
    points = {
        k: merged[f"d_{k}"].astype(float).fillna(0.0).to_numpy() * float(weights.get(k, 0.0))
        for k in KINDS
    }
    weeks = merged["weeks"].astype(int).to_numpy()
    bonus = weeks * settings.engagement.active_week_bonus
    score = points[KINDS[0]].copy()
    for kind in KINDS[1:]:
        score = score + points[kind]
    columns |= {
        "score": score + bonus,
        "interactions": merged["n"].astype(int).to_numpy(),
        "active_weeks": weeks,
        "bonus": bonus,
        "last_at": merged["last_at"].to_numpy(),
    }
    columns |= {f"n_{k}": merged[f"n_{k}"].astype(int).to_numpy() for k in KINDS}
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


def _accounts_of(conn: sqlite3.Connection, persons: list[int], combine: bool) -> pd.DataFrame:
    if not persons:
        return pd.DataFrame(columns=ACCOUNT_COLUMNS)
    marks = ",".join("?" * len(persons))
    key = "coalesce(person_id, id)" if combine else "id"
    rows = conn.execute(
        f"SELECT {key} AS person, id, network, external_id, handle, display_name, notes "  # noqa: S608
        f"FROM members WHERE {key} IN ({marks}) ORDER BY id",
        persons,
    ).fetchall()
    return pd.DataFrame([tuple(r) for r in rows], columns=ACCOUNT_COLUMNS)


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
    scores = _person_scores(conn, settings, now, filters)
    if filters.network in MANUAL_NETWORKS:
        scores = _manual_network(conn, settings, now, filters, scores)
    if filters.min_active_weeks:
        scores = scores[scores["active_weeks"] >= filters.min_active_weeks]
    scores = scores.assign(
        _last=scores["last_at"].fillna(""), _neg_score=-scores["score"].round(9)
    ).sort_values(["_neg_score", "_last", "person"], ascending=[True, False, True])
    scores = scores.drop(columns=["_last", "_neg_score"])
    if filters.limit:
        scores = scores.head(filters.limit)
    scores = scores.reset_index(drop=True)
    scores.insert(0, "rank", range(1, len(scores) + 1))
    accounts = _accounts_of(conn, [int(p) for p in scores["person"]], filters.combine_persons)
    grouped = accounts.groupby("person").agg(
        member_ids=("member_id", list),
        handles=("handle", lambda s: [h for h in s if h]),
        networks=("network", lambda s: sorted(set(s))),
        display_name=("display_name", lambda s: next((d for d in s if d), None)),
        first_network=("network", "first"),
        first_external_id=("external_id", "first"),
    )
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
    accounts = _accounts_of(conn, [person_id], filters.combine_persons)
    member_ids = [int(m) for m in accounts["member_id"]]
    scores = _person_scores(conn, settings, now, filters, person_id, member_ids)
    row = scores.iloc[0] if not scores.empty else None
    counts = {k: int(row[f"n_{k}"]) if row is not None else 0 for k in KINDS}
    contributions = {k: float(row[f"pts_{k}"]) if row is not None else 0.0 for k in KINDS}
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
        score=float(row["score"]) if row is not None else 0.0,
        counts=counts,
        contributions=contributions,
        active_weeks=int(row["active_weeks"]) if row is not None else 0,
        bonus=float(row["bonus"]) if row is not None else 0.0,
        accounts=accounts.drop(columns=["person"]).to_dict("records"),
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
