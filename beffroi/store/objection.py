"""A member's objection to the engagement ranking (GDPR art. 21): profiling stops, answers don't.

Ranking residents by how much they engage is profiling. A person may object to it: from
then on they are left out of every ranking (the managers', the directors' pseudonymised one,
the reports') and out of invitations (the ones proposed and not yet sent are withdrawn, new
ones are refused). Their messages still enter the inbox and are answered like anyone's: the
objection is to being ranked, not to being heard.

The objection holds for the person: when accounts are linked by hand (``person_id``), an
objection on one of them leaves all of them out. Withdrawing it (the person changed their
mind) puts them back. Both are audited with who recorded them.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime

from beffroi.errors import BeffroiError
from beffroi.store.connection import one_row, transaction
from beffroi.store.meta import write_audit
from beffroi.store.times import now_utc, to_db

# The persons (``coalesce(person_id, id)``) one of whose accounts objected; for a query's
# ``... NOT IN (OBJECTED_PERSONS)``.
OBJECTED_PERSONS = "SELECT coalesce(person_id, id) FROM members WHERE objected_at IS NOT NULL"


class ObjectionError(BeffroiError, ValueError):
    """The objection cannot be recorded or withdrawn; the message is French."""


def _member(conn: sqlite3.Connection, member_id: int) -> sqlite3.Row:
    sql = "SELECT id, objected_at, erased_at FROM members WHERE id = ?"
    return one_row(conn, sql, (member_id,), ObjectionError(f"membre {member_id} introuvable"))


def object_to_ranking(
    conn: sqlite3.Connection, member_id: int, *, actor: str, now: datetime | None = None
) -> int:
    """Record the objection; the number of proposed (unsent) invitations withdrawn.
    Recording it twice changes nothing and says so."""
    stamp = to_db(now or now_utc())
    with transaction(conn):
        if _member(conn, member_id)["objected_at"] is not None:
            raise ObjectionError("Cette personne s'est déjà opposée au classement.")
        conn.execute(
            "UPDATE members SET objected_at = ?, objected_by = ? WHERE id = ?",
            (stamp, actor, member_id),
        )
        withdrawn = conn.execute(
            f"DELETE FROM invitations WHERE status = 'proposed' AND member_id IN ("  # noqa: S608 (fixed SQL)
            f"SELECT id FROM members WHERE coalesce(person_id, id) IN ({OBJECTED_PERSONS}))"
        ).rowcount
        detail = {"invitations_withdrawn": withdrawn}
        write_audit(conn, actor, "member.object", "member", member_id, detail, now)
    return withdrawn


def withdraw_objection(
    conn: sqlite3.Connection, member_id: int, *, actor: str, now: datetime | None = None
) -> None:
    """The person withdrew their objection: they may be ranked and invited again."""
    with transaction(conn):
        if _member(conn, member_id)["objected_at"] is None:
            raise ObjectionError("Cette personne ne s'était pas opposée au classement.")
        conn.execute(
            "UPDATE members SET objected_at = NULL, objected_by = NULL WHERE id = ?",
            (member_id,),
        )
        write_audit(conn, actor, "member.object_withdrawn", "member", member_id, None, now)


def has_objected(conn: sqlite3.Connection, member_id: int) -> bool:
    """Whether this member, or the person their account is linked to, objected."""
    row = conn.execute(
        f"SELECT coalesce(person_id, id) IN ({OBJECTED_PERSONS}) FROM members WHERE id = ?",  # noqa: S608
        (member_id,),
    ).fetchone()
    return bool(row and row[0])


def objections(conn: sqlite3.Connection) -> list[dict]:
    """The members who objected, most recent first (for the Communauté page)."""
    rows = conn.execute(
        "SELECT id, network, handle, display_name, objected_at, objected_by FROM members "
        "WHERE objected_at IS NOT NULL ORDER BY objected_at DESC, id"
    ).fetchall()
    return [dict(r) for r in rows]
