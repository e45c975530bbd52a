"""Sending an invitation to a meet-up: a DM through the collector, where the network can.

It lives in the inbox because sending through a collector is the inbox's job; the store
keeps the SQL (``invitation_to_send``, ``record_invitation_sent``...). The DM answers the
member's last private message, so it lands in the conversation they opened; elsewhere
(Snapchat, no DM yet, no collector able to send) the invitation is marked ``invited`` by
hand and its message is shown to copy.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from beffroi.collectors import mask_secrets
from beffroi.inbox.replying import stored_item
from beffroi.store.community import (
    invitation_to_send,
    record_invitation_error,
    record_invitation_sent,
    set_status,
)


@dataclass(frozen=True)
class Delivery:
    """How an invitation left: by DM or to copy by hand, and the network's error if any."""

    invitation_id: int
    via: str  # 'dm' or 'manual'
    message: str
    error: str | None = None


def deliver_invitation(
    conn: sqlite3.Connection,
    invitation_id: int,
    collector_for: Callable[[str], Any | None],
    *,
    actor: str = "system",
    now: datetime | None = None,
) -> Delivery:
    """Send a proposed invitation as a DM where the network allows it, else mark it manual.

    ``collector_for(account_key)`` gives the collector of one of the city's accounts (or
    None when it cannot send). A network error is recorded on the invitation, which stays
    ``proposed``.
    """
    message, dm_item = invitation_to_send(conn, invitation_id)
    to = stored_item(conn, dm_item) if dm_item is not None else None
    collector = collector_for(to.account) if to is not None else None
    if to is None or collector is None:
        set_status(conn, invitation_id, "invited", actor=actor, now=now, sent_via="manual")
        return Delivery(invitation_id, "manual", message)
    try:
        sent = collector.reply(to, message)
    except Exception as exc:  # noqa: BLE001 - any network failure is recorded, not raised
        error = mask_secrets(f"{type(exc).__name__}: {exc}")
        record_invitation_error(conn, invitation_id, error, now)
        return Delivery(invitation_id, "dm", message, error=error)
    record_invitation_sent(conn, invitation_id, to.account, sent, actor=actor, now=now)
    return Delivery(invitation_id, "dm", message)
