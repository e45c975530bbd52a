"""Reading events and invitations: drafting messages, following answers, and what an
event changed (attendance rate, and whether attendees engaged more afterwards).

Writes go through ``beffroi.store.community``; this module only reads.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

import pandas as pd

from beffroi.analytics.ranking import RankingFilter, account_networks, rank_members
from beffroi.config import Settings
from beffroi.store import from_db
from beffroi.store.community import DEFAULT_TEMPLATE, draft_message, get_event

NETWORK_LABELS = {
    "instagram": "Instagram",
    "facebook": "Facebook",
    "x": "X",
    "bluesky": "Bluesky",
    "mastodon": "Mastodon",
    "snapchat": "Snapchat",
    "sandbox": "la ville simulée",
}


def list_events(conn: sqlite3.Connection) -> pd.DataFrame:
    """Every event with its invitation counts per state, most recent first."""
    rows = conn.execute(
        """
        SELECT e.id, e.name, e.kind, e.starts_at, e.place, e.capacity, e.min_age, e.max_age,
               count(i.id) AS invitations,
               sum(i.status = 'proposed') AS proposed, sum(i.status = 'invited') AS invited,
               sum(i.status = 'accepted') AS accepted, sum(i.status = 'declined') AS declined,
               sum(i.status = 'attended') AS attended, sum(i.status = 'no_show') AS no_show
        FROM events e LEFT JOIN invitations i ON i.event_id = e.id
        GROUP BY e.id ORDER BY e.starts_at DESC
        """
    ).fetchall()
    columns = [
        "id",
        "name",
        "kind",
        "starts_at",
        "place",
        "capacity",
        "min_age",
        "max_age",
        "invitations",
        "proposed",
        "invited",
        "accepted",
        "declined",
        "attended",
        "no_show",
    ]
    frame = pd.DataFrame([tuple(r) for r in rows], columns=columns)
    counts = columns[8:]
    frame[counts] = frame[counts].fillna(0).astype(int)
    return frame


def list_invitations(conn: sqlite3.Connection, event_id: int) -> pd.DataFrame:
    rows = conn.execute(
        """
        SELECT i.id, i.member_id, m.network, m.external_id, m.handle, m.display_name, i.status,
               i.sent_via,
               i.is_minor, i.consent_recorded_at, i.consent_recorded_by, i.invited_at,
               i.responded_at, i.send_error, i.message
        FROM invitations i JOIN members m ON m.id = i.member_id
        WHERE i.event_id = ? ORDER BY i.id
        """,
        (event_id,),
    ).fetchall()
    columns = [
        "id",
        "member_id",
        "network",
        "external_id",
        "handle",
        "display_name",
        "status",
        "sent_via",
        "is_minor",
        "consent_recorded_at",
        "consent_recorded_by",
        "invited_at",
        "responded_at",
        "send_error",
        "message",
    ]
    return pd.DataFrame([tuple(r) for r in rows], columns=columns)


def draft_messages(
    conn: sqlite3.Connection,
    settings: Settings,
    event_id: int,
    member_ids: Iterable[int],
    template: str = DEFAULT_TEMPLATE,
) -> dict[int, str]:
    """One French invitation per member, ready for ``store.community.propose_invitations``."""
    event = get_event(conn, event_id)
    ids = list(member_ids)
    if not ids:
        return {}
    marks = ",".join("?" * len(ids))
    rows = conn.execute(
        f"SELECT id, network, handle, display_name FROM members WHERE id IN ({marks})",  # noqa: S608
        ids,
    ).fetchall()
    networks = account_networks(conn, settings)
    messages = {}
    for row in rows:
        member = dict(row)
        network = _member_network(conn, networks, row)
        messages[row["id"]] = draft_message(
            event,
            member,
            city=settings.city.name,
            tz=settings.tz,
            template=template,
            network_label=NETWORK_LABELS.get(network, network),
        )
    return messages


def _member_network(conn: sqlite3.Connection, networks: dict[str, str], row) -> str:
    """The network a member is seen on: their items' account, else their own network."""
    found = conn.execute(
        "SELECT account FROM items WHERE member_id = ? ORDER BY created_at DESC LIMIT 1",
        (row["id"],),
    ).fetchone()
    if found is not None:
        return networks.get(found[0], row["network"])
    return row["network"]


@dataclass(frozen=True)
class EventOutcome:
    event_id: int
    invited: int  # invitations that left (every state but proposed)
    accepted: int  # accepted, attended or no-show
    attended: int
    no_show: int
    attendance_rate: float | None  # attended / (attended + no_show)
    days: int
    complete: bool  # False while the "after" period is not over yet
    per_attendee: pd.DataFrame  # person, handles, score_before, score_after, n_before, n_after
    engaged_more: int  # attendees whose score rose


def event_outcome(
    conn: sqlite3.Connection,
    settings: Settings,
    event_id: int,
    now: datetime,
    *,
    days: int = 30,
) -> EventOutcome:
    """Attendance, and each attendee's score over ``days`` before vs after the event."""
    event = get_event(conn, event_id)
    counts = dict(
        conn.execute(
            "SELECT status, count(*) FROM invitations WHERE event_id = ? GROUP BY status",
            (event_id,),
        ).fetchall()
    )
    attended = counts.get("attended", 0)
    no_show = counts.get("no_show", 0)
    marked = attended + no_show
    attendees = [
        r[0]
        for r in conn.execute(
            "SELECT coalesce(m.person_id, m.id) FROM invitations i "
            "JOIN members m ON m.id = i.member_id WHERE i.event_id = ? AND i.status = 'attended'",
            (event_id,),
        )
    ]
    after_end = min(now, event.starts_at + timedelta(days=days))
    filters = RankingFilter(window_days=days, limit=None)
    before = rank_members(conn, settings, event.starts_at, filters).set_index("person")
    after_days = max(1, (after_end - event.starts_at).days) if after_end > event.starts_at else 1
    after = rank_members(
        conn, settings, after_end, RankingFilter(window_days=after_days, limit=None)
    ).set_index("person")
    per = pd.DataFrame({"person": attendees})
    per["handles"] = [
        before["handles"].get(p) if p in before.index else after["handles"].get(p)
        for p in attendees
    ]
    per["score_before"] = [float(before["score"].get(p, 0.0)) for p in attendees]
    per["score_after"] = [float(after["score"].get(p, 0.0)) for p in attendees]
    per["n_before"] = [int(before["interactions"].get(p, 0)) for p in attendees]
    per["n_after"] = [int(after["interactions"].get(p, 0)) for p in attendees]
    return EventOutcome(
        event_id=event_id,
        invited=sum(v for k, v in counts.items() if k != "proposed"),
        accepted=sum(counts.get(k, 0) for k in ("accepted", "attended", "no_show")),
        attended=attended,
        no_show=no_show,
        attendance_rate=(attended / marked) if marked else None,
        days=days,
        complete=now >= event.starts_at + timedelta(days=days),
        per_attendee=per,
        engaged_more=int((per["score_after"] > per["score_before"]).sum()),
    )


def events_between(conn: sqlite3.Connection, start: datetime, end: datetime) -> pd.DataFrame:
    """Events of a period with their attendance, for the directors' report."""
    frame = list_events(conn)
    if frame.empty:
        return frame
    starts = frame["starts_at"].map(from_db)
    frame = frame[(starts >= start) & (starts < end)].copy()
    marked = frame["attended"] + frame["no_show"]
    frame["attendance_rate"] = (frame["attended"] / marked.where(marked > 0)).round(3)
    return frame


def find_members(conn: sqlite3.Connection, query: str, limit: int = 50) -> list[dict]:
    """Members whose handle or display name contains ``query`` (for linking accounts)."""
    pattern = f"%{query.strip().lstrip('@')}%"
    rows = conn.execute(
        "SELECT id, network, handle, display_name FROM members "
        "WHERE erased_at IS NULL AND (handle LIKE ? OR display_name LIKE ?) "
        "ORDER BY handle LIMIT ?",
        (pattern, pattern, limit),
    ).fetchall()
    return [dict(r) for r in rows]


__all__ = [
    "EventOutcome",
    "draft_messages",
    "event_outcome",
    "find_members",
    "events_between",
    "list_events",
    "list_invitations",
]
