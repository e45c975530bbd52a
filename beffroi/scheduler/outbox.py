"""The publishing outbox: every rendez-vous post goes out once, or a person is told why not.

One cycle (``publish_cycle``, run by the service every ``publish_every_seconds``):

1. **reconcile** rows left in ``publishing`` by a crash: ask the network whether the post
   with that row's marker exists (``find_published``). Found: ``published``. Not found and
   the network's answer is exhaustive (it sees every post): back to ``approved``. Not found
   and the network cannot be sure: ``needs_person``, never a blind second post;
2. **materialise** the occurrences of every series (from the last cycle, or the grace window,
   to the alert horizon) and the due one-off drafts as rows;
3. **attach** the series' next approved draft to each due occurrence, or record it
   ``missed`` (no draft, series paused, or past the grace after the service was down);
4. **publish**: claim each due row atomically, call the network, record the external id.

``alert_cycle`` (its own job) e-mails comms staff once per coming occurrence that no
approved draft covers ``alert_hours_before`` ahead.

Only the holder of the database's service lock runs cycles, and one cycle at a time, so a
row in ``publishing`` at the start of a cycle is always a leftover of a dead process.
"""

from __future__ import annotations

import hashlib
import json
import logging
import sqlite3
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from beffroi.collectors import (
    AuthExpired,
    Collector,
    CollectorError,
    OutgoingPost,
    PermanentError,
    RateLimited,
    SentUnconfirmed,
    TransientError,
    mask_secrets,
)
from beffroi.config import Rendezvous, Settings
from beffroi.scheduler import x_budget
from beffroi.scheduler.series import MAX_LOOKBACK, occurrences
from beffroi.store import from_db, get_meta, publish_keys, set_meta, to_db, x_usage
from beffroi.store import publishing as pub

log = logging.getLogger(__name__)

HORIZON_KEY = "outbox.horizon"
FIRST_CYCLE_KEY = "outbox.first_cycle"  # since when the outbox looks after the series
FIXED_GRACE = timedelta(minutes=120)
# Why a post not tried within its grace is missed. The outbox cannot tell a stopped service
# from one running late (a loaded machine, a long cycle): it says both, never only "stopped".
NOT_SENT_IN_GRACE = (
    "pas publié dans le délai de grâce : le service était arrêté ou en retard à l'heure prévue"
)
RETRY_BASE_SECONDS = 30
BUDGET_RECHECK = timedelta(minutes=15)  # a post held for the X budget is looked at again
# Look this far before a claim for the post when reconciling (clocks differ a little).
RECONCILE_MARGIN = timedelta(minutes=10)


@dataclass
class CycleReport:
    budget_held: int = 0  # posts on X waiting for the budget (pause_publishing_at_budget)
    reconciled: int = 0
    needs_person: int = 0
    published: int = 0
    retried: int = 0
    failed: int = 0
    missed: int = 0
    alerts: int = 0
    errors: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        data = {k: v for k, v in self.__dict__.items() if k != "errors" and v}
        if self.errors:
            data["errors"] = "; ".join(self.errors)
        return data


def marker_for(series_key: str, occurrence: datetime, account: str) -> str:
    """A short id the post carries so that ``find_published`` can recognise it later."""
    digest = hashlib.sha256(f"{series_key}|{to_db(occurrence)}|{account}".encode()).hexdigest()
    return f"bf{digest[:10]}"


def targets_for(
    settings: Settings, key: str, occurrence: datetime, accounts
) -> dict[str, tuple[str, str]]:
    """account -> (marker, network as items record it) for an occurrence's rows."""
    found = {}
    for account in accounts:
        try:
            network = settings.account(account).shown_network
        except KeyError:
            network = None
        found[account] = (marker_for(key, occurrence, account), network)
    return found


def post_text(text: str, hashtags: list[str]) -> str:
    """The draft's text, followed by the series' default hashtags it does not already have."""
    lowered = text.lower()
    missing = [tag for tag in hashtags if tag.lower() not in lowered]
    return text.rstrip() + ("\n\n" + " ".join(missing) if missing else "")


def database_folder(conn: sqlite3.Connection) -> Path:
    row = conn.execute("PRAGMA database_list").fetchone()
    return Path(row[2]).parent


def _rdv_by_key(settings: Settings) -> dict[str, Rendezvous]:
    return {r.key: r for r in settings.rendezvous}


def _grace(settings: Settings, series_key: str) -> timedelta:
    rdv = _rdv_by_key(settings).get(series_key)
    return timedelta(minutes=rdv.grace_minutes) if rdv else FIXED_GRACE


def public_image_url(settings: Settings, image_path: str | None) -> str | None:
    """The draft image's public https address, where ``[media] public_base_url`` serves the
    ``images`` folder (Instagram fetches images itself and takes no upload)."""
    base = settings.media.public_base_url
    if not base or not image_path:
        return None
    return base.rstrip("/") + "/" + image_path.removeprefix("images/")


def sought(collector: Collector, marker: str, text: str, key: str | None = None) -> str | None:
    """What ``find_published`` looks for on this collector's network: the row's own key where
    the network creates posts at a chosen key (None: no key was chosen, so no call was
    made), the hidden marker where the network keeps one, otherwise the exact text that was
    sent (see the protocol)."""
    matches = getattr(collector, "find_published_matches", "text")
    if matches == "key":
        return key
    return marker if matches == "marker" else text


def _find(collector: Collector, wanted: str | None, since: datetime) -> str | None:
    return collector.find_published(wanted, since) if wanted else None


def _publish_key(conn: sqlite3.Connection, pub_id: int, collector: Collector) -> str | None:
    """The key chosen and committed before the call, where the network takes one."""
    choose = getattr(collector, "new_publish_key", None)
    return publish_keys.key_for(conn, pub_id, choose) if callable(choose) else None


def sent_text(settings: Settings, series_key: str, texts_json: str | None, account: str) -> str:
    """The text a publication row sends: its draft's text for the account and the series'
    hashtags. Fixed for a row in ``publishing``: only draft or approved drafts can be edited."""
    texts = json.loads(texts_json or "{}")
    rdv = _rdv_by_key(settings).get(series_key)
    text = texts.get(account, "")
    return post_text(text, rdv.hashtags if rdv else []) if text.strip() else ""


def _exhaustive(collector: Collector) -> bool:
    return bool(getattr(collector, "find_published_is_exhaustive", False))


# ---------------------------------------------------------------- 1. reconcile


def reconcile(
    conn: sqlite3.Connection,
    settings: Settings,
    collectors: Mapping[str, Collector],
    now: datetime,
    report: CycleReport,
) -> None:
    trust_absence = settings.scheduler.trust_network_absence
    rows = conn.execute(
        "SELECT p.id, p.series_key, p.account, p.marker, p.claimed_at, p.claimed_by, "
        "p.attempts, p.publish_key, d.texts FROM publications p LEFT JOIN drafts d ON d.id = p.draft_id "
        "WHERE p.status = 'publishing' ORDER BY p.id"
    ).fetchall()
    for row in rows:
        collector = collectors.get(row["account"])
        claimed_at = from_db(row["claimed_at"]) or now
        facts = {
            "claimed_at": row["claimed_at"],
            "claimed_by": row["claimed_by"],
            "attempt": row["attempts"],
            "checked_at": to_db(now),
            "marker": row["marker"],
        }
        if collector is None:
            facts["network"] = "compte indisponible : impossible de vérifier"
            pub.record_needs_person(conn, row["id"], json.dumps(facts), now)
            report.needs_person += 1
            continue
        try:
            text = sent_text(settings, row["series_key"], row["texts"], row["account"])
            found = _find(
                collector,
                sought(collector, row["marker"], text, row["publish_key"]),
                claimed_at - RECONCILE_MARGIN,
            )
        except CollectorError as exc:
            # Cannot ask now: the row stays in publishing and is checked again next cycle.
            report.errors.append(f"reconcile {row['account']}: {exc}")
            continue
        if found:
            facts["network"] = f"publication retrouvée : {found}"
            if pub.record_published(
                conn, row["id"], found, now, facts=json.dumps(facts), audit="reconcile_found"
            ):
                report.reconciled += 1
        elif trust_absence and _exhaustive(collector):
            facts["network"] = "le réseau confirme ne rien avoir reçu : nouvelle tentative"
            if pub.release_unconfirmed(conn, row["id"], json.dumps(facts), now):
                report.reconciled += 1
        else:
            facts["network"] = (
                "le service s'est arrêté pendant l'envoi et le réseau ne permet pas de "
                "savoir si la publication a eu lieu"
            )
            pub.record_needs_person(conn, row["id"], json.dumps(facts, ensure_ascii=False), now)
            report.needs_person += 1


# ---------------------------------------------------------------- 2-4. plan


def tracked_since(conn: sqlite3.Connection) -> datetime | None:
    """When the first publishing cycle ran on this database (None: never)."""
    return from_db(get_meta(conn, FIRST_CYCLE_KEY))


def _series_window_start(conn: sqlite3.Connection, now: datetime, grace: timedelta) -> datetime:
    horizon = from_db(get_meta(conn, HORIZON_KEY))
    start = now - grace if horizon is None else min(horizon, now - grace)
    return max(start, now - MAX_LOOKBACK)


def _alert(settings: Settings, rdv: Rendezvous, occurrence: datetime) -> None:
    from beffroi.mailer import send_mail

    local = occurrence.astimezone(settings.tz)
    subject = f"[Beffroi] Aucun brouillon approuvé pour « {rdv.name} » du {local:%d/%m à %H:%M}"
    body = (
        f"Bonjour,\n\nLe rendez-vous « {rdv.name} » est prévu le {local:%A %d/%m/%Y à %H:%M} "
        f"({settings.city.timezone}) et aucun brouillon approuvé ne l'attend.\n"
        "Sans brouillon approuvé à l'heure prévue, la publication sera enregistrée comme "
        "manquée.\n\nPréparez et faites approuver un brouillon dans le calendrier de Beffroi.\n"
    )
    send_mail(settings, [settings.alerts.comms_email], subject, body)


def plan_series(
    conn: sqlite3.Connection, settings: Settings, now: datetime, report: CycleReport
) -> None:
    paused = {r[0] for r in conn.execute("SELECT key FROM series WHERE paused = 1")}
    for rdv in settings.rendezvous:
        grace = timedelta(minutes=rdv.grace_minutes)
        start = _series_window_start(conn, now, grace)
        end = now + timedelta(hours=rdv.alert_hours_before)
        when = occurrences(rdv, settings, start, end)
        pub.ensure_occurrences(
            conn,
            rdv.key,
            {o: targets_for(settings, rdv.key, o, rdv.accounts) for o in when},
            now,
        )
        pub.drop_stale_occurrences(conn, rdv.key, [o for o in when if o > now], now)
        # Due occurrences still waiting for a draft, oldest first.
        due = [
            from_db(r[0])
            for r in conn.execute(
                "SELECT DISTINCT occurrence FROM publications WHERE series_key = ? "
                "AND status = 'scheduled' AND occurrence <= ? ORDER BY occurrence",
                (rdv.key, to_db(now)),
            )
        ]
        for occurrence in due:
            if rdv.key in paused:
                report.missed += pub.mark_occurrence_missed(
                    conn, rdv.key, occurrence, "série en pause", now, status="cancelled"
                )
            elif occurrence < now - grace:
                report.missed += pub.mark_occurrence_missed(
                    conn,
                    rdv.key,
                    occurrence,
                    NOT_SENT_IN_GRACE,
                    now,
                )
            elif pub.attach_next_draft(conn, rdv.key, occurrence, now) is None:
                report.missed += pub.mark_occurrence_missed(
                    conn, rdv.key, occurrence, "aucun brouillon approuvé à l'heure prévue", now
                )


def _alert_missing_drafts(
    conn: sqlite3.Connection,
    settings: Settings,
    rdv: Rendezvous,
    now: datetime,
    report: CycleReport,
) -> None:
    """E-mail comms staff once for each coming occurrence no approved draft will cover."""
    approved = conn.execute(
        "SELECT count(*) FROM drafts WHERE series_key = ? AND status = 'approved' "
        "AND fixed_at IS NULL",
        (rdv.key,),
    ).fetchone()[0]
    coming = conn.execute(
        "SELECT occurrence, max(alerted_at IS NOT NULL) FROM publications WHERE series_key = ? "
        "AND status = 'scheduled' AND occurrence > ? GROUP BY occurrence ORDER BY occurrence",
        (rdv.key, to_db(now)),
    ).fetchall()
    limit = now + timedelta(hours=rdv.alert_hours_before)
    for index, (occurrence_text, alerted) in enumerate(coming):
        occurrence = from_db(occurrence_text)
        if index < approved or alerted or occurrence > limit:
            continue
        if settings.alerts.comms_email:
            try:
                _alert(settings, rdv, occurrence)
            except Exception as exc:  # the mail server is down: try again next cycle
                report.errors.append(f"alert {rdv.key}: {mask_secrets(str(exc))}")
                continue
        pub.mark_alerted(conn, rdv.key, occurrence, now)
        report.alerts += 1


def plan_fixed_drafts(
    conn: sqlite3.Connection, settings: Settings, now: datetime, report: CycleReport
) -> None:
    due = conn.execute(
        "SELECT id, fixed_at, texts FROM drafts WHERE status = 'approved' "
        "AND fixed_at IS NOT NULL AND fixed_at <= ? ORDER BY fixed_at, id",
        (to_db(now),),
    ).fetchall()
    for row in due:
        at = from_db(row["fixed_at"])
        key = f"draft:{row['id']}"
        accounts = list(json.loads(row["texts"]))
        targets = targets_for(settings, key, at, accounts)
        if (
            pub.materialise_fixed_draft(conn, row["id"], targets, at, now)
            and at < now - FIXED_GRACE
        ):
            report.missed += pub.mark_occurrence_missed(conn, key, at, NOT_SENT_IN_GRACE, now)


# ---------------------------------------------------------------- 5. publish


def _publish_metered(conn, collector: Collector, post: OutgoingPost, now: datetime) -> str:
    """``collector.publish``, with what X's meter counted saved at once: a post created is
    billed, and the budget must see it before the next post."""
    try:
        return collector.publish(post)
    finally:
        x_budget.after_stream(conn, collector, now)


def _held_for_budget(conn, settings: Settings, row, occurrence: datetime, now, report) -> bool:
    """True when the post waits because its X account reached its budget and pauses its
    posts too: it stays approved (the reason shown with it) and is tried again a little
    later; past its grace it is missed, for that reason."""
    try:
        account = settings.account(row["account"])
    except KeyError:
        return False
    reason = x_usage.sending_paused(conn, account, settings.x.pricing, now)
    if reason is None:
        return False
    past = row["attempts"] == 0 and occurrence < now - _grace(settings, row["series_key"])
    if pub.hold_for_budget(conn, row["id"], reason, None if past else now + BUDGET_RECHECK, now):
        if past:
            report.missed += 1
        else:
            report.budget_held += 1
    return True


# The ``facts`` key of the note on a post the network accepted oddly (shown by Calendrier).
ACCEPTED_ODDLY = "accepted_oddly"


def accepted_note(exc: SentUnconfirmed) -> str:
    """The Calendrier's note for a post the network accepted without its usual answer."""
    words = mask_secrets(str(exc)).split(": ", 1)[-1]
    return f"{words} ; enregistrée comme publiée, sans nouvel envoi (vérifiez-la sur le réseau)."


def publish_due(
    conn: sqlite3.Connection,
    settings: Settings,
    collectors: Mapping[str, Collector],
    now: datetime,
    worker: str,
    report: CycleReport,
    should_stop: Callable[[], bool] = lambda: False,
) -> None:
    rows = conn.execute(
        """
        SELECT p.id, p.series_key, p.occurrence, p.account, p.marker, p.attempts, p.claimed_at,
               p.publish_key, d.texts, d.image_path
        FROM publications p JOIN drafts d ON d.id = p.draft_id
        WHERE p.status = 'approved' AND p.occurrence <= ?
          AND (p.next_attempt_at IS NULL OR p.next_attempt_at <= ?)
        ORDER BY p.occurrence, p.id
        """,
        (to_db(now), to_db(now)),
    ).fetchall()
    folder = database_folder(conn)
    for row in rows:
        if should_stop():
            return  # the service is stopping: the rest stays approved for the next start
        occurrence = from_db(row["occurrence"])
        if _held_for_budget(conn, settings, row, occurrence, now, report):
            continue
        if row["attempts"] == 0 and occurrence < now - _grace(settings, row["series_key"]):
            report.missed += pub.mark_occurrence_missed(
                conn,
                row["series_key"],
                occurrence,
                NOT_SENT_IN_GRACE,
                now,
            )
            continue
        collector = collectors.get(row["account"])
        if collector is None:
            continue  # account disabled or its collector could not be built: stays approved
        text = sent_text(settings, row["series_key"], row["texts"], row["account"])
        if not text:
            # The series gained this account after the draft was approved: never post blank.
            if pub.claim_publication(conn, row["id"], worker, now):
                pub.record_failed(
                    conn, row["id"], "le brouillon n'a pas de texte pour ce compte", now
                )
                report.failed += 1
            continue
        image = str(folder / row["image_path"]) if row["image_path"] else None
        previous_claim = from_db(row["claimed_at"])
        if not pub.claim_publication(conn, row["id"], worker, now):
            continue
        if row["attempts"] > 0:
            # An earlier attempt ended in an error: make sure it did not go out anyway.
            try:
                found = _find(
                    collector,
                    sought(collector, row["marker"], text, row["publish_key"]),
                    (previous_claim or now) - RECONCILE_MARGIN,
                )
            except CollectorError:
                found = None
            if found:
                pub.record_published(conn, row["id"], found, now, audit="reconcile_found")
                report.reconciled += 1
                continue
        post = OutgoingPost(
            account=row["account"],
            text=text,
            marker=row["marker"],
            image_path=image,
            image_url=public_image_url(settings, row["image_path"]),
            key=_publish_key(conn, row["id"], collector),
        )
        attempt = row["attempts"] + 1
        try:
            external_id = _publish_metered(conn, collector, post, now)
        except (RateLimited, TransientError) as exc:
            message = str(exc)
            if attempt >= settings.scheduler.max_publish_attempts:
                pub.record_failed(conn, row["id"], f"{attempt} tentatives : {message}", now)
                report.failed += 1
            else:
                delay = RETRY_BASE_SECONDS * 2 ** (attempt - 1)
                when = now + timedelta(seconds=delay)
                if isinstance(exc, RateLimited) and exc.reset_at and exc.reset_at > when:
                    when = exc.reset_at
                pub.record_retry(conn, row["id"], message, when, now)
                report.retried += 1
            continue
        except SentUnconfirmed as exc:
            # The network took the post (2xx) but described it oddly: it went out. Recorded
            # as published with the network's words, never offered for a second publication.
            facts = {ACCEPTED_ODDLY: accepted_note(exc)}
            pub.record_published(conn, row["id"], None, now, facts=json.dumps(facts,
                                 ensure_ascii=False), audit="published_unconfirmed")  # fmt: skip
            report.published += 1
            continue
        except (PermanentError, AuthExpired) as exc:
            pub.record_failed(conn, row["id"], str(exc), now)
            report.failed += 1
            continue
        except Exception as exc:  # a bug after the call may have happened: ask a person
            log.exception("publishing %s crashed", row["id"])
            facts = {
                "claimed_at": to_db(now),
                "attempt": attempt,
                "network": "erreur inattendue pendant l'envoi : publication incertaine",
            }
            pub.record_needs_person(
                conn,
                row["id"],
                json.dumps(facts, ensure_ascii=False),
                now,
                error=mask_secrets(f"{type(exc).__name__}: {exc}"),
            )
            report.needs_person += 1
            continue
        pub.record_published(conn, row["id"], str(external_id), now)
        report.published += 1


def alert_cycle(conn: sqlite3.Connection, settings: Settings, *, now: datetime) -> dict:
    """E-mail comms staff about coming occurrences without an approved draft.

    A job of its own, so that a slow or unreachable mail server never delays publishing.
    It reads the rows ``publish_cycle`` materialised up to each series' alert horizon.
    """
    report = CycleReport()
    paused = {r[0] for r in conn.execute("SELECT key FROM series WHERE paused = 1")}
    for rdv in settings.rendezvous:
        if rdv.key not in paused:
            _alert_missing_drafts(conn, settings, rdv, now, report)
    return report.as_dict()


def publish_cycle(
    conn: sqlite3.Connection,
    settings: Settings,
    collectors: Mapping[str, Collector],
    *,
    now: datetime,
    worker: str,
    should_stop: Callable[[], bool] = lambda: False,
) -> dict:
    report = CycleReport()
    reconcile(conn, settings, collectors, now, report)
    plan_series(conn, settings, now, report)
    plan_fixed_drafts(conn, settings, now, report)
    publish_due(conn, settings, collectors, now, worker, report, should_stop)
    if get_meta(conn, FIRST_CYCLE_KEY) is None:
        set_meta(conn, FIRST_CYCLE_KEY, to_db(now))
    set_meta(conn, HORIZON_KEY, to_db(now))
    return report.as_dict()
