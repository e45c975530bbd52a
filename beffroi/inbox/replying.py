"""Sending a reply through the item's own collector, so the citizen is answered where they wrote.

The order of operations is what keeps the promise "nothing is lost, nothing is sent twice":

1. ``claim_send`` stores the text as a draft and takes the send-in-progress marker in one
   transaction; a second click (or a second manager) is refused before the network is called;
2. the collector posts the reply;
3. success: the reply is saved as an ``out`` item linked to its parent and the queue row
   becomes ``replied`` with the response time, in one transaction;
   failure: the marker is freed, the draft kept and the network's error stored and shown.

While the marker is held nothing can clear it: closing, reopening, assigning, escalating
and the bulk actions are refused (``store.queue.SENDING``), so no second send can start.

If the process dies between 2 and 3 the marker stays: the next collection sees the reply on
the network and closes the item as replied. Otherwise "Débloquer l'envoi"
(``release_stuck_send``) frees it, and only once the send is older than the collector's own
timeout and the network was asked whether the reply went out (``find_reply``, as the
outbox's reconciliation asks ``find_published`` for posts): found, it is recorded as sent;
proved absent, the item is free again; the network cannot tell: a person looks and decides
(``resolve_stuck_send``), never a blind second reply.
"""

from __future__ import annotations

import json
import logging
import math
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from beffroi.business_hours import SlaClock
from beffroi.collectors import (
    Author,
    Collector,
    CollectorError,
    Item,
    ReplyNotAllowed,
    SentUnconfirmed,
    build_collector,
    mask_secrets,
)
from beffroi.config import Settings
from beffroi.inbox.ingest import answer_conversation
from beffroi.inbox.reply_editor import reply_length, too_long
from beffroi.store import from_db, now_utc, one_row, to_db, transaction, x_usage
from beffroi.store.queue import (
    CLAIM_CHANGED,
    QUEUE_ROW_GONE,
    QueueError,
    claim_send,
    mark_replied,
    note_send_check,
    record_send_check,
    record_send_failure,
    release_send,
    save_draft,
    save_sent_reply,
    sending_claim,
)

# A reply call lasts at most the collector's timeout; this much more covers the clocks of two
# machines (the dashboard that sent, the one that checks) drifting apart.
SEND_MARGIN = timedelta(seconds=30)
DEFAULT_SEND_TIMEOUT = 60.0  # a collector that says nothing: twice the HTTP clients' 30 s
# Look this far before the claim for the reply on the network (clocks differ a little).
FIND_MARGIN = timedelta(minutes=10)

NOTHING_SENDING = "Aucun envoi n'est en cours pour ce message."
SENT_FOUND = "La réponse était bien partie : elle est enregistrée, le message est répondu."
SENT_ABSENT = "Le réseau confirme n'avoir reçu aucune réponse : le message peut être renvoyé."
SENT_UNKNOWN = (
    "Le réseau ne permet pas de savoir si la réponse est partie. Vérifiez la conversation "
    "sur le réseau, puis indiquez ce que vous avez vu : « La réponse est partie » ou "
    "« La réponse n'est pas partie »."
)
CHECK_FIRST = (
    "Vérifiez d'abord l'envoi avec « Débloquer l'envoi » : Beffroi interroge le réseau "
    "avant qu'une personne décide."
)


class ReplyFailed(QueueError):
    """The network refused the reply; the draft is kept and the error stored."""


@dataclass(frozen=True)
class SentReply:
    queue_id: int
    reply_item_id: int
    response_seconds: int
    business_seconds: int


_STORED_ITEM_SQL = """
SELECT i.*, m.external_id AS m_external_id, m.handle AS m_handle,
       m.display_name AS m_display_name
FROM items i LEFT JOIN members m ON m.id = i.member_id
"""


def item_for_queue(conn: sqlite3.Connection, queue_id: int) -> Item:
    """Rebuild the citizen's message as the collector's ``Item`` (raw payload included)."""
    sql = _STORED_ITEM_SQL + "WHERE i.id = (SELECT item_id FROM queue WHERE id = ?)"  # noqa: S608
    return _item(one_row(conn, sql, (queue_id,), QueueError(QUEUE_ROW_GONE)))


def stored_item(conn: sqlite3.Connection, item_id: int) -> Item:
    """A stored message as the collector's ``Item``, to answer it through the collector."""
    missing = QueueError("Ce message n'existe plus.")
    return _item(one_row(conn, _STORED_ITEM_SQL + "WHERE i.id = ?", (item_id,), missing))


def _item(row: sqlite3.Row) -> Item:
    author = None
    if row["m_external_id"]:
        author = Author(
            row["network"], row["m_external_id"], row["m_handle"], row["m_display_name"]
        )
    return Item(
        network=row["network"],
        account=row["account"],
        external_id=row["external_id"],
        kind=row["kind"],
        direction=row["direction"],
        text=row["text"],
        created_at=from_db(row["created_at"]),
        author=author,
        permalink=row["permalink"],
        parent_external_id=row["parent_external_id"],
        thread_external_id=row["thread_external_id"],
        like_count=row["like_count"],
        reply_count=row["reply_count"],
        raw=json.loads(row["raw"]) if row["raw"] else None,
    )


def send_reply(
    conn: sqlite3.Connection,
    settings: Settings,
    queue_id: int,
    text: str,
    *,
    actor: str,
    collector: Collector | None = None,
    now: datetime | None = None,
) -> SentReply:
    """Post ``text`` as the city's reply to queue item ``queue_id``; raise a French error."""
    text = (text or "").strip()
    if not text:
        raise QueueError("La réponse est vide.")
    item = item_for_queue(conn, queue_id)
    _refuse_too_long(conn, settings, queue_id, item, text, actor, now)
    _refuse_over_budget(conn, settings, queue_id, item, text, actor, now)
    claim_send(conn, queue_id, text, actor=actor, now=now)
    try:
        collector = collector or _collector_for(settings, item)
        try:
            reply = collector.reply(item, text)
        finally:
            _save_meter(conn, collector, item.account, now)
    except SentUnconfirmed as exc:
        # The network took the reply: it is sent, whatever its answer looked like.
        reply = _unconfirmed_reply(item, text, queue_id, exc, now)
        return _record_after_send(conn, settings, queue_id, item, reply, actor, now, exc)
    except Exception as exc:  # every failure keeps the draft; none is a traceback
        error = str(exc) if isinstance(exc, CollectorError) else mask_secrets(str(exc))
        record_send_failure(conn, queue_id, error or type(exc).__name__, actor=actor, now=now)
        if isinstance(exc, ReplyNotAllowed):  # refused for good: no "try again" invitation
            raise ReplyFailed(error) from exc
        raise ReplyFailed(f"L'envoi a échoué, le brouillon est conservé : {error}") from exc
    return _record_after_send(conn, settings, queue_id, item, reply, actor, now)


log = logging.getLogger(__name__)

UNCONFIRMED_PREFIX = "sans-identifiant:"  # the external id of a reply the network left unnamed


def _unconfirmed_reply(item: Item, text: str, queue_id: int, exc, now) -> Item:
    """The city's reply as sent, when the network accepted it without a usable id: kept
    under a local id that no network issues, with what the network answered."""
    at = now or now_utc()
    return Item(
        network=item.network,
        account=item.account,
        external_id=f"{UNCONFIRMED_PREFIX}{queue_id}:{to_db(at)}",
        kind="dm" if item.kind == "dm" else "reply",
        direction="out",
        text=text,
        created_at=at,
        parent_external_id=item.external_id,
        thread_external_id=item.thread_external_id,
        raw={"answer": exc.raw, "note": str(exc)},
    )


def _record_after_send(conn, settings, queue_id, item, reply, actor, now, unconfirmed=None):
    """Record a reply that went out. Nothing raised here may free the send marker (the
    reply is on the network: a second send would post it twice) or escape as a traceback:
    when the reply cannot be saved, the message is still marked answered, with a note."""
    try:
        if not isinstance(reply, Item):
            raise TypeError(f"the collector answered {type(reply).__name__}, not the reply")
        sent = _record_sent(conn, settings, queue_id, item, reply, actor, now)
    except Exception as exc:  # noqa: BLE001 (the reply went out: record that, whatever broke)
        note = mask_secrets(f"{type(exc).__name__}: {exc}")[:300]
        _mark_sent_unsaved(conn, settings, queue_id, item, actor, now, note)
        raise QueueError(
            "La réponse est partie, mais Beffroi n'a pas pu l'enregistrer : le message est "
            f"marqué répondu, vérifiez la réponse sur le réseau ({note})."
        ) from exc
    if unconfirmed is not None:
        with transaction(conn):
            note_send_check(conn, queue_id, "sent_unconfirmed", {"note": _note(unconfirmed)},
                            actor=actor, now=now)  # fmt: skip
    return sent


def _note(exc: SentUnconfirmed) -> str:
    network = str(exc).split(": ", 1)[-1]
    return f"{network} ; la réponse est enregistrée comme envoyée, sans nouvel envoi."


UNSAVED_PATIENCE = 30.0  # seconds spent retrying to mark answered a reply that went out


def _mark_sent_unsaved(conn, settings, queue_id, item, actor, now, note: str) -> None:
    """Mark the message answered (no reply row) with a note; a database busy with another
    writer is waited for, up to ``UNSAVED_PATIENCE``: freeing the send marker instead would
    invite a second post. Past that, the marker stays for the stuck-send check."""
    deadline = time.monotonic() + UNSAVED_PATIENCE
    while True:
        try:
            _mark_answered_unsaved(conn, settings, queue_id, item, actor, now, note)
            return
        except sqlite3.OperationalError:
            if time.monotonic() > deadline:
                return
            time.sleep(0.1)


def _mark_answered_unsaved(conn, settings, queue_id, item, actor, now, note: str) -> None:
    clock = SlaClock.from_settings(settings)
    at = now or now_utc()
    with transaction(conn):
        mark_replied(
            conn, queue_id, reply_item_id=None, replied_at=at, by=actor,
            response_seconds=max(0, int((at - item.created_at).total_seconds())),
            business_seconds=clock.business_seconds_between(item.created_at, at),
            now=at, force_author=True,
        )  # fmt: skip
        note_send_check(conn, queue_id, "sent_unsaved", {"note": note}, actor=actor, now=at)


def reply_warning(conn: sqlite3.Connection, settings: Settings, queue_id: int) -> str | None:
    """Before anyone writes: the French sentence saying the network would refuse a reply
    to this message (X since February 2026), or None."""
    item = item_for_queue(conn, queue_id)
    if item.network != "x":
        return None
    try:
        account = settings.account(item.account)
    except KeyError:
        return None
    from beffroi.collectors.x.reply_rules import reply_refusal

    return reply_refusal(
        item.kind,
        item.raw,
        city_id=account.external_id or None,
        handle=account.handle,
        text=item.text,  # the simulated city's raw holds no tweet, only its place in a stream
    )


def sending_paused(
    conn: sqlite3.Connection, settings: Settings, account_key: str, now: datetime | None
) -> str | None:
    """Why nothing may be sent on this account now (an X account paused at its budget with
    ``pause_publishing_at_budget``), in French, or None: replies and DM invitations alike."""
    try:
        account = settings.account(account_key)
    except KeyError:
        return None
    return x_usage.sending_paused(conn, account, settings.x.pricing, now or now_utc())


def _refuse_too_long(
    conn, settings: Settings, queue_id: int, item: Item, text: str, actor: str, now
) -> None:
    """A reply over the network's limit, as the network counts it, is not sent (X took a
    464-character reply once, and it was stored as sent): the text is kept as the draft."""
    refusal = too_long(reply_length(settings, item, text))
    if refusal:
        save_draft(conn, queue_id, text, actor=actor, now=now)
        raise ReplyFailed(refusal)


def _refuse_over_budget(
    conn, settings: Settings, queue_id: int, item: Item, text: str, actor: str, now
) -> None:
    """An X account at its budget with ``pause_publishing_at_budget`` sends nothing: the
    text is kept as the draft, and the sentence says why and until when."""
    reason = sending_paused(conn, settings, item.account, now)
    if reason:
        save_draft(conn, queue_id, text, actor=actor, now=now)
        raise ReplyFailed(f"Réponse non envoyée, le brouillon est conservé : {reason}.")


def _save_meter(conn, collector, account: str, now: datetime | None) -> None:
    """What X's meter counted for this reply (a post created is billed), saved at once.

    Never raises: it runs right after the network call, and a database that refuses this
    small write (locked past the busy timeout) must not turn a reply that went out into a
    failure offered for a second send. The estimate then misses one post, said in the log."""
    meter = getattr(collector, "meter", None)
    if meter is None:
        return
    counted = meter.drain()
    try:
        x_usage.save_usage(conn, account, counted, now or now_utc())
    except sqlite3.Error as exc:
        log.warning("%s: X usage of a reply not saved (%s): %s", account, exc, counted)


def _collector_for(settings: Settings, item: Item) -> Collector:
    try:
        account = settings.account(item.account)
    except KeyError:
        raise PermissionError(
            f"le compte {item.account} n'est plus dans la configuration"
        ) from None
    return build_collector(settings, account)


def _record_sent(
    conn, settings, queue_id, item, reply, actor, now, facts: dict | None = None, checker=None
) -> SentReply:
    """The reply is on the network: save it and mark the conversation answered, together."""
    clock = SlaClock.from_settings(settings)
    replied_at = reply.created_at or (now or now_utc())
    response = max(0, int((replied_at - item.created_at).total_seconds()))
    business = clock.business_seconds_between(item.created_at, replied_at)
    with transaction(conn):
        reply_id = save_sent_reply(conn, item.account, reply, now=now)
        # force_author: the collector may have seen this reply first, as a native one.
        answer_conversation(
            conn, clock, queue_id, item.created_at, reply_id, replied_at, actor,
            now or now_utc(), force_author=True,
        )  # fmt: skip
        if facts is not None:
            note_send_check(conn, queue_id, "send_found", facts, actor=checker, now=now)
    return SentReply(queue_id, reply_id, response, business)


# ---------------------------------------------------------------- a send left marked


@dataclass(frozen=True)
class SendCheck:
    """What checking a stuck send found, for the dashboard.

    ``outcome``: ``found`` (the reply was on the network; now recorded, the item replied),
    ``absent`` (the network proves it never arrived; the item is free to answer again) or
    ``unknown`` (the marker stays; a person decides with ``resolve_stuck_send``).
    ``message`` is the French sentence to show; ``facts`` what was checked.
    """

    queue_id: int
    outcome: str
    message: str
    facts: dict[str, Any] = field(default_factory=dict)


def send_timeout(collector: Any) -> float:
    """The longest the collector's ``reply`` call can last (its own timeout)."""
    for name in ("send_timeout_seconds", "timeout"):
        value = getattr(collector, name, None)
        if isinstance(value, int | float) and not isinstance(value, bool) and value > 0:
            return float(value)
    return DEFAULT_SEND_TIMEOUT


def still_running(collector: Any, since: datetime, now: datetime) -> str | None:
    """The French sentence refusing to settle a send that may still be running (younger
    than the collector's timeout plus ``SEND_MARGIN``), or None when it is surely over."""
    wait = timedelta(seconds=send_timeout(collector)) + SEND_MARGIN
    age = now - since
    if age >= wait:
        return None
    left = math.ceil((wait - age).total_seconds())
    return (
        f"Un envoi est en cours depuis {int(age.total_seconds())} s : attendez encore "
        f"{left} s avant de le débloquer (le réseau peut encore l'accepter)."
    )


def reply_search_is_exhaustive(collector: Any) -> bool:
    """Whether ``find_reply``'s None proves the reply never arrived: the collector's own
    ``find_reply_is_exhaustive`` when it says, else ``find_published_is_exhaustive`` (a
    network that sees every post of the account sees every reply)."""
    exhaustive = getattr(collector, "find_reply_is_exhaustive", None)
    if exhaustive is None:
        exhaustive = getattr(collector, "find_published_is_exhaustive", False)
    return bool(exhaustive)


def ask_network(
    collector: Any, to: Item, text: str, since: datetime, trust_absence: bool, facts: dict
) -> tuple[str, Item | None]:
    """Did the city's ``text`` in answer to ``to`` reach the network after ``since``?

    ``("found", reply)``, ``("absent", None)`` only where the network sees every reply
    (``reply_search_is_exhaustive``) and absence is trusted, else ``("unknown", None)``.
    ``facts["network"]`` gets what the network said, in French.
    """
    if collector is None:
        return "unknown", None
    if not hasattr(collector, "find_reply"):
        facts["network"] = "ce réseau ne permet pas de retrouver une réponse envoyée"
        return "unknown", None
    try:
        found = collector.find_reply(to, text, since - FIND_MARGIN)
    except CollectorError as exc:
        facts["network"] = f"le réseau n'a pas pu répondre : {exc}"
        return "unknown", None
    if found is not None:
        facts["network"] = f"réponse retrouvée : {found.external_id}"
        return "found", found
    if trust_absence and reply_search_is_exhaustive(collector):
        facts["network"] = "le réseau confirme n'avoir reçu aucune réponse"
        return "absent", None
    facts["network"] = "réponse introuvable, mais le réseau ne voit pas tout"
    return "unknown", None


def check_facts(claim: sqlite3.Row, actor: str, now: datetime) -> dict[str, Any]:
    """What a check of a stuck send records first: whose claim, since when, checked by
    whom and when (the network's answer is added to it)."""
    return {
        "claimed_at": claim["sending_since"],
        "claimed_by": claim["sending_by"],
        "checked_at": to_db(now),
        "checked_by": actor,
    }


@dataclass(frozen=True)
class ClaimSettling:
    """How one kind of send claim (a reply's, an invitation's) is settled in the store when
    the network did not find the send."""

    release: Callable[..., object]  # frees the claim: the send can go again
    record: Callable[..., object]  # keeps the claim with what was checked, for a person
    absent_message: str  # what the person is told when the network confirms nothing went
    error: type[Exception]  # the room's error, with a French message for people
    nothing_sending: str  # what settling a row with no claim says

    def claimed_at(self, claim) -> datetime:
        """When the send to settle started; refused (``error``) when nothing is sending."""
        since = from_db(claim["sending_since"])
        if since is None:
            raise self.error(self.nothing_sending)
        return since

    def decision(self, claim, actor: str, went_out: bool) -> dict[str, Any]:
        """What a person's decision records (the check's facts, who decided, what they saw);
        refused before the network was asked (``CHECK_FIRST``)."""
        self.claimed_at(claim)
        if claim["send_check"] is None:
            raise self.error(CHECK_FIRST)
        return {**json.loads(claim["send_check"]), "decided_by": actor, "went_out": went_out}

    def unfound(
        self, conn, row_id: int, claim, outcome: str, facts: dict[str, Any], *, actor, now
    ) -> SendCheck:
        """``absent`` (the network sees everything): the claim is freed; otherwise it is
        kept with ``facts``. ``claim`` is the row as checked: a newer claim is untouched."""
        checked = {"claimed_since": claim["sending_since"], "facts": facts}
        if outcome == "absent":
            self.release(conn, row_id, **checked, actor=actor, now=now)
            return SendCheck(row_id, "absent", self.absent_message, facts)
        self.record(conn, row_id, **checked, actor=actor, now=now)
        return SendCheck(row_id, "unknown", SENT_UNKNOWN, facts)


REPLY_CLAIMS = ClaimSettling(
    release_send, record_send_check, SENT_ABSENT, QueueError, NOTHING_SENDING
)


def release_stuck_send(
    conn: sqlite3.Connection,
    settings: Settings,
    queue_id: int,
    *,
    actor: str,
    collector: Collector | None = None,
    now: datetime | None = None,
) -> SendCheck:
    """ "Débloquer l'envoi": settle a send marker left by a send that never finished.

    Refused (QueueError) while the send may still be running: younger than the collector's
    timeout plus ``SEND_MARGIN``. Then the network is asked for the reply (``find_reply``).
    """
    now = now or now_utc()
    claim = sending_claim(conn, queue_id)
    since = REPLY_CLAIMS.claimed_at(claim)
    item = item_for_queue(conn, queue_id)
    facts = check_facts(claim, actor, now)
    try:
        collector = collector or _collector_for(settings, item)
    except Exception as exc:  # noqa: BLE001 - no collector: the network cannot be asked
        collector = None
        facts["network"] = (
            f"compte indisponible : impossible de vérifier ({mask_secrets(str(exc))})"
        )
    refused = still_running(collector, since, now)
    if refused:
        raise QueueError(refused)
    trust = settings.scheduler.trust_network_absence
    outcome, found = ask_network(collector, item, claim["reply_draft"] or "", since, trust, facts)
    if found is not None:
        by = claim["sending_by"] or actor
        _record_sent(conn, settings, queue_id, item, found, by, now, facts=facts, checker=actor)
        return SendCheck(queue_id, "found", SENT_FOUND, facts)
    return REPLY_CLAIMS.unfound(conn, queue_id, claim, outcome, facts, actor=actor, now=now)


def resolve_stuck_send(
    conn: sqlite3.Connection,
    settings: Settings,
    queue_id: int,
    went_out: bool,
    *,
    actor: str,
    now: datetime | None = None,
) -> None:
    """A person looked on the network after ``release_stuck_send`` could not tell.

    ``went_out``: the reply is there, the item becomes replied (by who sent it, at the time
    of the send; a later collection links the reply itself). Otherwise the marker is freed
    and the draft kept, to send again.
    """
    now = now or now_utc()
    claim = sending_claim(conn, queue_id)
    facts = REPLY_CLAIMS.decision(claim, actor, went_out)
    if not went_out:
        release_send(
            conn, queue_id, claimed_since=claim["sending_since"], facts=facts, actor=actor, now=now
        )
        return
    item = item_for_queue(conn, queue_id)
    sent_at = from_db(claim["sending_since"])
    clock = SlaClock.from_settings(settings)
    with transaction(conn):
        if sending_claim(conn, queue_id)["sending_since"] != claim["sending_since"]:
            raise QueueError(CLAIM_CHANGED)
        mark_replied(
            conn,
            queue_id,
            reply_item_id=None,
            replied_at=sent_at,
            by=claim["sending_by"] or actor,
            response_seconds=max(0, int((sent_at - item.created_at).total_seconds())),
            business_seconds=clock.business_seconds_between(item.created_at, sent_at),
            now=now,
        )
        note_send_check(conn, queue_id, "send_resolved", facts, actor=actor, now=now)
