"""Indicators: is the city answering well, and is its community alive?

Responsiveness is measured from the citizen's message to the city's first reply, in the
city's business hours (the same clock as the inbox's SLA). Activity counts inbound messages
by network, kind, theme, hour and weekday (local time), new vs returning members, the
city's best posts and each rendez-vous series over time.

Everything is aggregated in SQLite first; only one period's messages that needed a reply are
loaded row by row (their business-hour durations cannot be computed in SQL).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import pandas as pd

from beffroi.analytics.ranking import account_networks
from beffroi.business_hours import SlaClock
from beffroi.config import Settings
from beffroi.french import MONTHS, WEEKDAYS
from beffroi.store import from_db, to_db

NO_THEME = "sans thème"
DB_TIMES = "%Y-%m-%d %H:%M:%S"


# ---------------------------------------------------------------- periods


@dataclass(frozen=True)
class Period:
    """A report period in UTC, [start, end), with the one before it for comparisons."""

    kind: str  # week | month
    start: datetime
    end: datetime
    previous_start: datetime
    label: str
    tz: object = field(compare=False, repr=False, default=UTC)

    @property
    def previous(self) -> Period:
        return period_containing(self.kind, self.previous_start.astimezone(self.tz).date(), self.tz)


def _local_midnight(day: date, tz) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=tz).astimezone(UTC)


def period_containing(kind: str, day: date, tz) -> Period:
    """The local week (Monday to Sunday) or calendar month that contains ``day``."""
    if kind == "week":
        first = day - timedelta(days=day.weekday())
        after = first + timedelta(days=7)
        before = first - timedelta(days=7)
        iso = first.isocalendar()
        label = f"semaine {iso.week} ({first:%d/%m} – {after - timedelta(days=1):%d/%m/%Y})"
    elif kind == "month":
        first = day.replace(day=1)
        after = (first + timedelta(days=32)).replace(day=1)
        before = (first - timedelta(days=1)).replace(day=1)
        label = f"{MONTHS[first.month - 1]} {first.year}"
    else:
        raise ValueError(f"unknown period {kind!r}: week or month")
    return Period(
        kind,
        _local_midnight(first, tz),
        _local_midnight(after, tz),
        _local_midnight(before, tz),
        label,
        tz,
    )


def last_complete_period(kind: str, now: datetime, tz) -> Period:
    """The last week or month that ended before ``now`` (what a Monday report covers)."""
    today = now.astimezone(tz).date()
    current = period_containing(kind, today, tz)
    return period_containing(kind, current.previous_start.astimezone(tz).date(), tz)


# ---------------------------------------------------------------- business hours


def business_clock(settings: Settings) -> Callable[[datetime, datetime], float]:
    """Business minutes between two instants on the same clock as the queue's deadlines
    (``beffroi.business_hours``), so a report's delays and the inbox's agree."""
    clock = SlaClock.from_settings(settings)
    return lambda start, end: float(clock.business_minutes_between(start, end))


def business_minutes(settings: Settings, start: datetime, end: datetime) -> float:
    return business_clock(settings)(start, end)


# ---------------------------------------------------------------- responsiveness


@dataclass(frozen=True)
class Scope:
    """Optional filters of the indicators."""

    network: str | None = None
    theme: str | None = None
    manager: str | None = None


def _accounts_for(conn: sqlite3.Connection, settings: Settings, network: str | None):
    if network is None:
        return None
    return [k for k, v in account_networks(conn, settings).items() if v == network] or ["\x00"]


def _scope_clauses(
    conn: sqlite3.Connection, settings: Settings, start: datetime, end: datetime, scope: Scope
) -> tuple[list[str], list]:
    """WHERE clauses on items ``i`` and queue ``q`` for a period, a network and a theme."""
    clauses = ["i.created_at >= ?", "i.created_at < ?"]
    params: list = [to_db(start), to_db(end)]
    accounts = _accounts_for(conn, settings, scope.network)
    if accounts:
        clauses.append(f"i.account IN ({','.join('?' * len(accounts))})")
        params += accounts
    if scope.theme:
        clauses.append("coalesce(q.theme, ?) = ?")
        params += [NO_THEME, scope.theme]
    return clauses, params


def responses(
    conn: sqlite3.Connection,
    settings: Settings,
    start: datetime,
    end: datetime,
    scope: Scope = Scope(),
) -> pd.DataFrame:
    """One row per message of the period that needed a reply, with its business-hour delay.

    The first reply is the queue's, or else the city's first item answering the message on
    the network (a reply written in the app), so the figure holds whichever tool was used.
    The queue's delay was measured when the reply was recorded (``business_response_seconds``,
    on the same clock); only the second kind is measured here.

    Columns: created_at (UTC), network, theme, manager, priority, replied (bool),
    minutes (business minutes to the first reply, NaN if unanswered), within_sla (bool).
    """
    clauses, params = _scope_clauses(conn, settings, start, end, scope)
    clauses += ["i.direction = 'in'", "q.needs_reply = 1"]
    # Only columns of items_inbound are read from ``i`` (the window is read off the index),
    # and of queue_needs_reply from ``q`` (migration 0032: one seek a message); the
    # message's network and id are looked up (as ``s``) only when the queue holds no
    # reply time, to find the city's reply written on the network.
    if scope.manager:
        clauses.append("coalesce(q.replied_by, q.assignee) = ?")
        params.append(scope.manager)
    # The blanks are named in SQL (no theme, no manager); rows come back as plain tuples.
    cursor = conn.cursor()
    cursor.row_factory = None
    rows = cursor.execute(
        f"""
        SELECT i.created_at, i.account, coalesce(nullif(q.theme, ''), ?) AS theme,
               coalesce(nullif(coalesce(q.replied_by, q.assignee), ''), '—') AS manager,
               q.priority, q.business_response_seconds,
               coalesce(q.replied_at,
                        (SELECT min(r.created_at) FROM items s JOIN items r
                           ON r.network = s.network AND r.parent_external_id = s.external_id
                         WHERE s.id = i.id AND r.direction = 'out')) AS replied_at
        FROM items i INDEXED BY items_inbound JOIN queue q ON q.item_id = i.id
        WHERE {" AND ".join(clauses)}
        """,  # noqa: S608 - fixed fragments only
        [NO_THEME, *params],
    ).fetchall()
    columns = [
        "created_at",
        "network",
        "theme",
        "manager",
        "priority",
        "replied",
        "minutes",
        "within_sla",
    ]
    if not rows:
        frame = pd.DataFrame([], columns=columns)
        frame["minutes"] = frame["minutes"].astype(float)
        return frame
    created_text, account, theme, manager, priority, measured, replied_text = (
        pd.Series(column) for column in zip(*rows, strict=True)
    )
    # Vectorised: one pass per column, dictionaries applied to the few distinct values
    # (accounts, priorities). Only replies the queue did not measure (written on the
    # network itself) go through the business clock, one by one.
    created = pd.to_datetime(created_text.str.slice(0, 19), format=DB_TIMES, utc=True)
    replied = replied_text.notna()
    minutes = measured.astype(float) / 60
    unmeasured = measured.isna() & replied
    if unmeasured.any():
        minutes_between = business_clock(settings)
        minutes[unmeasured] = [
            minutes_between(from_db(c), from_db(r))
            for c, r in zip(created_text[unmeasured], replied_text[unmeasured], strict=True)
        ]
    networks = account_networks(conn, settings)
    shown = {a: networks.get(a, a) for a in account.unique()}
    sla = {p: settings.sla.minutes_for(p) for p in priority.unique()}
    frame = pd.DataFrame(
        {
            "created_at": created,
            "network": account.map(shown),
            "theme": theme,
            "manager": manager,
            "priority": priority,
            "replied": replied,
            "minutes": minutes,
            "within_sla": minutes.notna() & (minutes <= priority.map(sla)),
        },
        columns=columns,
    )
    return frame


def compared_ends(period: Period, now: datetime) -> tuple[datetime, datetime]:
    """Where the period and the one it is compared with stop. A period still running is
    compared with the same elapsed span of the previous one (Monday to Thursday 10:00 with
    Monday to Thursday 10:00): against a whole week, every count and rate would seem to
    fall only because the week is not over. The Rapports page and the report files both
    use it, so a downloaded report says what the screen says."""
    if period.end <= now:
        return period.end, period.previous.end
    elapsed = max(now - period.start, timedelta(0))
    return now, min(period.previous.start + elapsed, period.previous.end)


def received_between(frame: pd.DataFrame, start: datetime, end: datetime) -> pd.DataFrame:
    """The rows of a ``responses`` frame received in [start, end): one wide read can then
    serve a period, the one before it and a trend."""
    inside = (frame["created_at"] >= start) & (frame["created_at"] < end)
    return frame[inside].reset_index(drop=True)


def managers(conn: sqlite3.Connection) -> list[str]:
    """Staff who answered at least one message (the filter of the responsiveness view).

    Each name is the next one after the previous in ``queue_replied_by`` (migration 0032):
    one index seek per manager, however many messages they answered."""
    rows = conn.execute(
        """
        WITH RECURSIVE names(name) AS (
            SELECT min(replied_by) FROM queue WHERE replied_by IS NOT NULL
            UNION ALL
            SELECT (SELECT min(q.replied_by) FROM queue q
                    WHERE q.replied_by IS NOT NULL AND q.replied_by > names.name)
            FROM names WHERE names.name IS NOT NULL
        )
        SELECT name FROM names WHERE name IS NOT NULL
        """
    ).fetchall()
    return [r[0] for r in rows]


def summarise_responses(frame: pd.DataFrame, by: str | list[str] | None = None) -> pd.DataFrame:
    """Response rate, median and 90th-percentile delay, share within SLA (per group)."""

    def one(group: pd.DataFrame) -> pd.Series:
        answered = group["minutes"].dropna()
        return pd.Series(
            {
                "needing_reply": len(group),
                "replied": int(group["replied"].sum()),
                "response_rate": group["replied"].mean() if len(group) else float("nan"),
                "median_minutes": answered.median() if len(answered) else float("nan"),
                "p90_minutes": answered.quantile(0.9) if len(answered) else float("nan"),
                "within_sla": group["within_sla"].mean() if len(group) else float("nan"),
            }
        )

    if by is None:
        return one(frame).to_frame().T
    if frame.empty:
        return pd.DataFrame(
            columns=[
                *([by] if isinstance(by, str) else by),
                "needing_reply",
                "replied",
                "response_rate",
                "median_minutes",
                "p90_minutes",
                "within_sla",
            ]
        )
    return frame.groupby(by).apply(one, include_groups=False).reset_index()


def weekly_trend(frame: pd.DataFrame, tz) -> pd.DataFrame:
    """Responsiveness per local week (the week's Monday)."""
    if frame.empty:
        return summarise_responses(frame.assign(week=[]), "week")
    local = frame["created_at"].dt.tz_convert(tz)
    weeks = (local.dt.normalize() - pd.to_timedelta(local.dt.day_of_week, unit="D")).dt.date
    return summarise_responses(frame.assign(week=weeks), "week")


# ---------------------------------------------------------------- activity


def inbound_buckets(
    conn: sqlite3.Connection,
    settings: Settings,
    start: datetime,
    end: datetime,
    scope: Scope = Scope(),
) -> pd.DataFrame:
    """Inbound messages counted per account, kind, theme and UTC hour in SQL, then put in
    local time: columns network, kind, theme, local (hour start), hour, weekday, day, n."""
    clauses, params = _scope_clauses(conn, settings, start, end, scope)
    clauses += ["i.direction = 'in'", "i.kind != 'post'"]
    rows = conn.execute(
        f"""
        SELECT i.account, i.kind, q.theme, substr(i.created_at, 1, 13) AS hour, count(*) AS n
        FROM items i INDEXED BY items_inbound LEFT JOIN queue q ON q.item_id = i.id
        WHERE {" AND ".join(clauses)}
        GROUP BY 1, 2, 3, 4
        """,  # noqa: S608 - fixed fragments only
        params,
    ).fetchall()
    networks = account_networks(conn, settings)
    frame = pd.DataFrame(
        [tuple(r) for r in rows], columns=["account", "kind", "theme", "hour_utc", "n"]
    )
    if frame.empty:
        return pd.DataFrame(
            columns=["network", "kind", "theme", "local", "hour", "weekday", "day", "n"]
        )
    utc = pd.to_datetime(frame["hour_utc"] + ":00:00", utc=True)
    local = utc.dt.tz_convert(settings.tz)
    return pd.DataFrame(
        {
            "network": frame["account"].map(lambda a: networks.get(a, a)),
            "kind": frame["kind"],
            "theme": frame["theme"].fillna(NO_THEME),
            "local": local,
            "hour": local.dt.hour,
            "weekday": local.dt.day_of_week.map(lambda d: WEEKDAYS[d]),
            "day": local.dt.date,
            "n": frame["n"].astype(int),
        }
    )


def volume_by(buckets: pd.DataFrame, column: str) -> pd.DataFrame:
    """Inbound messages per value of one column (network, kind, theme, hour, weekday, day)."""
    if buckets.empty:
        return pd.DataFrame(columns=[column, "n"])
    out = buckets.groupby(column, as_index=False)["n"].sum()
    if column == "weekday":
        out["order"] = out["weekday"].map(WEEKDAYS.index)
        return out.sort_values("order").drop(columns="order").reset_index(drop=True)
    if column in ("hour", "day"):
        return out.sort_values(column).reset_index(drop=True)
    return out.sort_values("n", ascending=False).reset_index(drop=True)


def members_new_returning(
    conn: sqlite3.Connection, start: datetime, end: datetime
) -> dict[str, int]:
    """Members who wrote in the period: first seen in it (new) or before (returning)."""
    row = conn.execute(
        """
        SELECT sum(m.first_seen_at >= ?), sum(m.first_seen_at < ?)
        FROM members m
        WHERE m.id IN (SELECT DISTINCT member_id FROM items INDEXED BY items_inbound
                       WHERE direction = 'in' AND member_id IS NOT NULL
                         AND created_at >= ? AND created_at < ?)
        """,
        (to_db(start), to_db(start), to_db(start), to_db(end)),
    ).fetchone()
    return {"new": int(row[0] or 0), "returning": int(row[1] or 0)}


def top_posts(
    conn: sqlite3.Connection,
    settings: Settings,
    start: datetime,
    end: datetime,
    limit: int = 5,
) -> pd.DataFrame:
    """The city's own posts of the period ranked by likes + replies + citizen comments."""
    rows = conn.execute(
        """
        SELECT p.id, p.account, p.created_at, p.permalink, p.text,
               coalesce(p.like_count, 0) AS likes,
               (SELECT count(*) FROM items c
                WHERE c.network = p.network AND c.thread_external_id = p.external_id
                  AND c.direction = 'in') AS comments,
               coalesce(p.reply_count, 0) AS replies
        FROM items p
        WHERE p.kind = 'post' AND p.direction = 'out' AND p.created_at >= ? AND p.created_at < ?
        """,
        (to_db(start), to_db(end)),
    ).fetchall()
    networks = account_networks(conn, settings)
    frame = pd.DataFrame(
        [tuple(r) for r in rows],
        columns=[
            "id",
            "account",
            "created_at",
            "permalink",
            "text",
            "likes",
            "comments",
            "replies",
        ],
    )
    frame["network"] = frame["account"].map(lambda a: networks.get(a, a))
    frame["engagement"] = frame["likes"] + frame[["comments", "replies"]].max(axis=1)
    return (
        frame.sort_values(["engagement", "created_at"], ascending=[False, False])
        .head(limit)
        .reset_index(drop=True)
    )


def series_engagement(conn: sqlite3.Connection, start: datetime, end: datetime) -> pd.DataFrame:
    """Each rendez-vous series' published occurrences with their engagement."""
    rows = conn.execute(
        """
        SELECT coalesce(s.name, pub.series_key) AS series, pub.occurrence, pub.account,
               coalesce(p.like_count, 0) AS likes,
               (SELECT count(*) FROM items c
                WHERE c.network = p.network AND c.thread_external_id = p.external_id
                  AND c.direction = 'in') AS comments
        FROM publications pub
        JOIN items p ON p.account = pub.account AND p.external_id = pub.external_id
        LEFT JOIN series s ON s.key = pub.series_key
        WHERE pub.status = 'published' AND pub.series_key NOT LIKE 'draft:%'
          AND pub.occurrence >= ? AND pub.occurrence < ?
        ORDER BY pub.occurrence
        """,
        (to_db(start), to_db(end)),
    ).fetchall()
    frame = pd.DataFrame(
        [tuple(r) for r in rows], columns=["series", "occurrence", "account", "likes", "comments"]
    )
    frame["engagement"] = frame["likes"] + frame["comments"]
    frame["occurrence"] = pd.to_datetime(frame["occurrence"], utc=True)
    return frame
