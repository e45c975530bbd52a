"""The send claim a row carries while its text goes out, and the two ways to settle it.

A reply (``queue``) and a DM invitation (``invitations``) are claimed the same way before
they leave (``sending_since``, ``sending_by``; ``send_check`` once a stuck send was
checked), so that two people never send one text twice and a crash leaves a trace. When a
crash left a claim behind, the inbox asks the network and then either frees the claim (the
text did not go out: it can be sent again) or keeps it with what was checked, for the
person who decides. Both tables share this code; each says only its names.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from beffroi.store.connection import transaction
from beffroi.store.meta import write_audit
from beffroi.store.times import now_utc, to_db

# The tables that carry a send claim (a table name is only ever taken from here), with
# their audit lines' target and the prefix of their actions ("release_send", "send_uncertain").
CLAIM_TABLES = {"queue": ("queue", ""), "invitations": ("invitation", "invitation.")}
# The two ways to settle a stuck claim: the columns set (from here only) and the audit action.
_FREE = ("sending_since = NULL, sending_by = NULL, send_check = NULL", "release_send")
_KEEP = ("send_check = ?", "send_uncertain")

Facts = Mapping[str, Any]  # what was checked, stored as JSON and in the audit line


@dataclass(frozen=True)
class SendClaims:
    """The send claims of one table, with its room's error and what a changed claim says."""

    table: str  # one of CLAIM_TABLES
    error: type[Exception]  # the room's error, with a French message for people
    changed: str  # what freeing a claim that changed meanwhile says

    def __post_init__(self) -> None:
        if self.table not in CLAIM_TABLES:
            raise ValueError(f"no send claim in table {self.table!r}")

    def release(
        self, conn, row_id: int, *, claimed_since: str, facts: Facts, actor: str, now=None
    ) -> None:
        """Free a stuck claim once it was established that the text did not go out (the row
        can be sent again): after asking the network, or on a person's decision.

        ``claimed_since`` is the claim that was checked: a newer claim (another send started
        meanwhile) is never freed by an older check; that raises ``error``.
        """
        if not self._settle(conn, row_id, claimed_since, facts, actor, now, _FREE):
            raise self.error(self.changed)

    def record_check(
        self, conn, row_id: int, *, claimed_since: str, facts: Facts, actor: str, now=None
    ) -> bool:
        """The network could not say whether a stuck text went out: keep the claim and store
        what was checked, for the person who decides (False: the claim changed meanwhile,
        nothing is stored)."""
        return self._settle(conn, row_id, claimed_since, facts, actor, now, _KEEP)

    def _settle(self, conn, row_id, claimed_since, facts, actor, now, how) -> bool:
        """One statement on the claim that was checked, and its audit line when it changed."""
        now = now or now_utc()
        columns, action = how
        values = (json.dumps(dict(facts), ensure_ascii=False),) if how is _KEEP else ()
        with transaction(conn):
            cur = conn.execute(
                f"UPDATE {self.table} SET {columns}, updated_at = ? "  # noqa: S608
                "WHERE id = ? AND sending_since = ?",
                (*values, to_db(now), row_id, claimed_since),
            )
            if cur.rowcount:
                target_kind, prefix = CLAIM_TABLES[self.table]
                write_audit(conn, actor, prefix + action, target_kind, row_id, dict(facts), now)
        return bool(cur.rowcount)
