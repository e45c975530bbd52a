"""Sending an invitation to a meet-up: a DM through the collector, where the network can.

It lives in the inbox because sending through a collector is the inbox's job; the store
keeps the SQL (``invitation_to_send``, ``record_invitation_sent``...). The DM answers the
member's last private message, so it lands in the conversation they opened; elsewhere
(Snapchat, no DM yet, no collector able to send) the invitation is marked ``invited`` by
hand and its message is shown to copy.

Like a reply, an invitation is claimed before the network is called
(``claim_invitation_send``): a double click on "Envoyer l'invitation" is refused, and a
claim left by a crash is settled by asking the network (``release_stuck_invitation``) or,
where it cannot tell, by a person (``resolve_stuck_invitation``).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from beffroi.collectors import mask_secrets
from beffroi.config import Settings
from beffroi.inbox.replying import (
    ClaimSettling,
    SendCheck,
    ask_network,
    check_facts,
    sending_paused,
    still_running,
    stored_item,
)
from beffroi.store import now_utc
from beffroi.store.community import (
    CommunityError,
    claim_invitation_send,
    invitation_claim,
    invitation_to_send,
    record_invitation_check,
    record_invitation_error,
    record_invitation_sent,
    release_invitation_send,
    set_status,
)

INVITATION_FOUND = "L'invitation était bien partie : elle est enregistrée comme envoyée."
INVITATION_ABSENT = (
    "Le réseau confirme n'avoir reçu aucune invitation : elle peut être envoyée à nouveau."
)
NOTHING_SENDING = "Aucun envoi n'est en cours pour cette invitation."
INVITATION_CLAIMS = ClaimSettling(
    release_invitation_send,
    record_invitation_check,
    INVITATION_ABSENT,
    CommunityError,
    NOTHING_SENDING,
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
    settings: Settings | None = None,
) -> Delivery:
    """Send a proposed invitation as a DM where the network allows it, else mark it manual.

    With ``settings``, an X account paused at its budget (``pause_publishing_at_budget``)
    refuses the DM before anything is claimed or sent, as it refuses replies.

    ``collector_for(account_key)`` gives the collector of one of the city's accounts (or
    None when it cannot send). A network error is recorded on the invitation, which stays
    ``proposed``. A second call while the first is sending raises CommunityError.
    """
    message, dm_item = invitation_to_send(conn, invitation_id)
    to = stored_item(conn, dm_item) if dm_item is not None else None
    collector = collector_for(to.account) if to is not None else None
    if settings is not None and to is not None and collector is not None:
        paused = sending_paused(conn, settings, to.account, now)
        if paused:
            raise CommunityError(f"Invitation non envoyée : {paused}.")
    claim_invitation_send(conn, invitation_id, actor=actor, now=now)
    if to is None or collector is None:
        set_status(
            conn, invitation_id, "invited", actor=actor, now=now, sent_via="manual", claimed=True
        )
        return Delivery(invitation_id, "manual", message)
    try:
        sent = collector.reply(to, message)
    except Exception as exc:  # noqa: BLE001 - any network failure is recorded, not raised
        error = mask_secrets(f"{type(exc).__name__}: {exc}")
        record_invitation_error(conn, invitation_id, error, now)
        return Delivery(invitation_id, "dm", message, error=error)
    record_invitation_sent(conn, invitation_id, to.account, sent, actor=actor, now=now)
    return Delivery(invitation_id, "dm", message)


def release_stuck_invitation(
    conn: sqlite3.Connection,
    invitation_id: int,
    collector_for: Callable[[str], Any | None],
    *,
    actor: str,
    trust_absence: bool = True,
    now: datetime | None = None,
) -> SendCheck:
    """Settle an invitation claim a crash left behind, as ``release_stuck_send`` does for a
    reply: refused while the send may still run, then the network is asked for the DM."""
    now = now or now_utc()
    row = invitation_claim(conn, invitation_id)
    since = INVITATION_CLAIMS.claimed_at(row)
    message, dm_item = invitation_to_send(conn, invitation_id)
    to = stored_item(conn, dm_item) if dm_item is not None else None
    collector = collector_for(to.account) if to is not None else None
    refused = still_running(collector, since, now)
    if refused:
        raise CommunityError(refused)
    facts = check_facts(row, actor, now)
    if to is None:
        facts["network"] = "aucun message privé à retrouver"
        outcome, found = "unknown", None
    else:
        outcome, found = ask_network(collector, to, message, since, trust_absence, facts)
    if found is not None and to is not None:
        by = row["sending_by"] or actor
        record_invitation_sent(conn, invitation_id, to.account, found, actor=by, now=now)
        return SendCheck(invitation_id, "found", INVITATION_FOUND, facts)
    return INVITATION_CLAIMS.unfound(conn, invitation_id, row, outcome, facts, actor=actor, now=now)


def resolve_stuck_invitation(
    conn: sqlite3.Connection,
    invitation_id: int,
    went_out: bool,
    *,
    actor: str,
    now: datetime | None = None,
) -> None:
    """A person looked on the network after ``release_stuck_invitation`` could not tell:
    ``went_out`` marks the invitation ``invited`` (by hand), otherwise frees it to resend."""
    row = invitation_claim(conn, invitation_id)
    facts = INVITATION_CLAIMS.decision(row, actor, went_out)
    if went_out:
        set_status(
            conn, invitation_id, "invited", actor=actor, now=now, sent_via="manual", claimed=True
        )
    else:
        release_invitation_send(
            conn, invitation_id, claimed_since=row["sending_since"], facts=facts, actor=actor,
            now=now,
        )  # fmt: skip
