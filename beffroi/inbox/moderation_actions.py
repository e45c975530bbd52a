"""What moderation does outside the ingestion transaction: network calls, alerts, undo.

Hides and unhides are queued (``network_actions``) by a rule at ingestion, by a manager's
"Masquer sur le réseau" / "Réafficher", or by an undo. ``perform_network_actions`` claims the due requests
and calls the item's collector (``hide(item, hidden)``) once the database is free again:

- success: ``done``; the network's calls are idempotent, so a request claimed twice (a crash
  between the call and the record) costs one harmless repeat;
- the network is down or limiting (``TransientError``, ``RateLimited``): retried after
  1 min, 5 min, 30 min, 2 h (or the network's own reset time), then ``failed``;
- the token or a permission (``AuthExpired``) or the request itself (``PermanentError``):
  ``failed`` at once, the French sentence kept for the page;
- the network cannot hide this message (Mastodon, Bluesky, a mention on X):
  ``unsupported``, with the French reason.

Every attempt is in the audit, on the message's history, under who asked (a person, or
``modération`` for a rule). ``after_ingestion`` is what a collection pass calls once its
pages are saved: the network actions, then the rules' e-mail alerts.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from beffroi.collectors import (
    CollectorError,
    RateLimited,
    TransientError,
    build_collector,
    mask_secrets,
)
from beffroi.collectors.moderation import HideUnsupported, cannot_hide
from beffroi.config import Settings
from beffroi.inbox.replying import stored_item
from beffroi.labels import network_label
from beffroi.mailer import MailError, send_mail
from beffroi.store import now_utc, one_row
from beffroi.store.moderation import (
    ModerationError,
    claim_moderation_alerts,
    claim_network_actions,
    finish_network_action,
    queue_network_action,
    release_moderation_alert,
    undo_hit,
)
from beffroi.store.queue import QUEUE_ROW_GONE, QueueError

RETRY_DELAYS = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
)
# A request still "running" after this long was cut off by a crash: it is due again.
STALE = timedelta(minutes=10)


@dataclass
class Performed:
    """What one ``perform_network_actions`` pass did; ``messages`` are French, one per request."""

    done: int = 0
    retried: int = 0
    failed: int = 0
    unsupported: int = 0
    messages: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"{self.done} fait(s), {self.retried} à réessayer, {self.failed} en échec, "
            f"{self.unsupported} impossible(s)"
        )


def _collector(settings: Settings, account: str, cache: dict[str, Any]) -> Any:
    if account not in cache:
        try:
            cache[account] = build_collector(settings, settings.account(account))
        except KeyError:
            raise HideUnsupported(
                f"Le compte {account} n'est plus dans la configuration : impossible d'agir "
                "sur ce message."
            ) from None
    return cache[account]


def perform_network_actions(
    conn: sqlite3.Connection,
    settings: Settings,
    now: datetime | None = None,
    *,
    collectors: Mapping[str, Any] | None = None,
    item_id: int | None = None,
) -> Performed:
    """Perform the due hide/unhide requests (only ``item_id``'s when given)."""
    now = now or now_utc()
    cache: dict[str, Any] = dict(collectors or {})
    result = Performed()
    for row in claim_network_actions(conn, now, stale=STALE, item_id=item_id):
        hidden = row["action"] == "hide"
        retry_at = None
        try:
            item = stored_item(conn, row["item_id"])
            impossible = cannot_hide(item.network, item.kind)
            if impossible:  # said before any collector is built or any request is made
                raise HideUnsupported(impossible)
            collector = _collector(settings, item.account, cache)
            if not hasattr(collector, "hide"):
                raise HideUnsupported(
                    cannot_hide(item.network, item.kind)
                    or f"{network_label(item.network)} ne permet pas de masquer un message."
                )
            collector.hide(item, hidden)
        except HideUnsupported as exc:
            status, error = "unsupported", str(exc)
        except (RateLimited, TransientError) as exc:
            error = str(exc)
            attempt = row["attempts"]
            if attempt < len(RETRY_DELAYS):
                status = "pending"
                retry_at = now + RETRY_DELAYS[attempt]
                if isinstance(exc, RateLimited) and exc.reset_at and exc.reset_at > retry_at:
                    retry_at = exc.reset_at
            else:
                status = "failed"
        except (CollectorError, QueueError) as exc:
            status, error = "failed", str(exc)
        except Exception as exc:  # noqa: BLE001 - a bug in a collector: recorded, not raised
            status, error = "failed", mask_secrets(f"{type(exc).__name__}: {exc}")
        else:
            status, error = "done", None
        finish_network_action(conn, row["id"], status, error=error, retry_at=retry_at, now=now)
        result.messages.append(_outcome(hidden, status, error, retry_at, settings))
        if status == "done":
            result.done += 1
        elif status == "pending":
            result.retried += 1
        elif status == "unsupported":
            result.unsupported += 1
        else:
            result.failed += 1
    return result


def _outcome(hidden: bool, status: str, error, retry_at, settings: Settings) -> str:
    if status == "done":
        return "Message masqué sur le réseau." if hidden else "Message réaffiché sur le réseau."
    if status == "pending":
        when = retry_at.astimezone(settings.tz)
        return f"{error} Nouvel essai automatique à {when:%H:%M}."
    return error or "Le réseau a refusé."


def set_hidden_on_network(
    conn: sqlite3.Connection,
    settings: Settings,
    queue_id: int,
    *,
    hidden: bool,
    actor: str,
    reason: str | None = None,
    collector: Any = None,
    now: datetime | None = None,
) -> str:
    """A manager's "Masquer sur le réseau" (``hidden``) or "Réafficher": queued, audited,
    then performed at once; returns the French outcome. Not done now (refused, impossible,
    or to be retried automatically) raises ``QueueError`` with the French reason."""
    now = now or now_utc()
    sql = (
        "SELECT i.id, i.network, i.kind, i.account FROM queue q JOIN items i ON i.id = q.item_id "
        "WHERE q.id = ?"
    )
    row = one_row(conn, sql, (queue_id,), QueueError(QUEUE_ROW_GONE))
    impossible = cannot_hide(row["network"], row["kind"])
    if impossible:
        raise QueueError(impossible)
    why = reason or ("masqué par un responsable" if hidden else "réaffiché par un responsable")
    action = "hide" if hidden else "unhide"
    try:
        queue_network_action(conn, queue_id, action, actor=actor, reason=why, now=now)
    except ModerationError as exc:
        raise QueueError(str(exc)) from None
    collectors = {row["account"]: collector} if collector is not None else None
    done = perform_network_actions(conn, settings, now, collectors=collectors, item_id=row["id"])
    if not done.messages:
        raise QueueError(
            "Une demande est déjà en cours pour ce message : elle sera faite au prochain passage."
        )
    if not done.done:  # refused, impossible, or to be retried later: the person must know
        raise QueueError(done.messages[-1])
    return done.messages[-1]


def undo_moderation(
    conn: sqlite3.Connection,
    settings: Settings,
    hit_id: int,
    *,
    actor: str,
    collector: Any = None,
    now: datetime | None = None,
) -> str:
    """Reverse a rule's action on a message (reopen, priority, assignee, label, unhide);
    the unhide is performed at once. Returns the French outcome."""
    now = now or now_utc()
    reversed_ = undo_hit(conn, hit_id, actor=actor, now=now)
    parts = []
    if reversed_.get("rouvert"):
        parts.append("message rouvert")
    if reversed_.get("reclos"):
        parts.append("message reclos comme sans réponse nécessaire")
    if "priorité" in reversed_:
        parts.append("priorité remise")
    if "attribution retirée" in reversed_:
        parts.append("attribution retirée")
    if "étiquette retirée" in reversed_:
        parts.append("étiquette retirée")
    if reversed_.get("masquage annulé avant d'être fait"):
        parts.append("masquage annulé avant d'être fait")
    if reversed_.get("réaffichage demandé"):
        item_id, account = conn.execute(
            "SELECT h.item_id, i.account FROM moderation_hits h JOIN items i ON i.id = h.item_id "
            "WHERE h.id = ?",
            (hit_id,),
        ).fetchone()
        collectors = {account: collector} if collector is not None else None
        done = perform_network_actions(conn, settings, now, collectors=collectors, item_id=item_id)
        said = done.messages[-1] if done.messages else "Réaffichage en attente."
        return f"Annulé : {', '.join(parts) or 'rien d’autre à défaire'}. {said}"
    return "Annulé : " + (", ".join(parts) if parts else "rien à défaire") + "."


# ---------------------------------------------------------------- e-mail alerts


def send_alerts(conn: sqlite3.Connection, settings: Settings, now: datetime) -> int:
    """Mail each hit whose rule asked for an alert (once; a failed mail is tried again)."""
    sent = 0
    for hit in claim_moderation_alerts(conn, now):
        text = conn.execute(
            "SELECT i.text, i.network, i.permalink FROM items i WHERE i.id = ?", (hit["item_id"],)
        ).fetchone()
        body = "\n".join(
            [
                f"La règle de modération « {hit['rule_name']} » s'est appliquée à un message.",
                "",
                f"Pourquoi : {hit['why']}",
                f"Réseau : {network_label(text['network'])}",
                f"Message : « {' '.join((text['text'] or '').split())} »",
                f"Lien : {text['permalink'] or '(voir le tableau de bord)'}",
                f"Référence Beffroi : file n°{hit['queue_id']}",
                "",
                "Chaque action automatique peut être annulée sur la page Modération.",
            ]
        )
        try:
            send_mail(
                settings, [hit["alert_to"]], f"[Beffroi] Modération : {hit['rule_name']}", body
            )
        except MailError:
            release_moderation_alert(conn, hit["id"])
            continue
        sent += 1
    return sent


def after_ingestion(
    conn: sqlite3.Connection,
    settings: Settings,
    now: datetime,
    *,
    collectors: Mapping[str, Any] | None = None,
) -> str | None:
    """After a collection pass: perform the queued network actions (through ``collectors``
    by account when given, else built from the configuration), send the rules' alerts.
    A line for the scheduler's log, or None when there was nothing to do."""
    done = perform_network_actions(conn, settings, now, collectors=collectors)
    alerts = send_alerts(conn, settings, now)
    if not done.messages and not alerts:
        return None
    return f"modération : {done.summary()}, {alerts} alerte(s) envoyée(s)"
