"""X on a metered budget: the month's estimated cost per account, the pause at the budget,
and the e-mail that tells the admins (in French).

The X collector counts every request and the resources X returned (``collectors.x.meter``);
after each stream the counts are saved per account, stream and day (``store.x_usage``).
Before each X stream, the month's estimate at the configured prices (``[x.pricing]``) is
compared with the account's ``budget_usd``: reached, the stream is not read (an error of
kind ``budget`` on the health page) until the next month, or until an admin raises the
budget (the pause is then lifted at the next pass). Publishing and replies go on, unless the
account sets ``pause_publishing_at_budget`` (``x_usage.sending_paused``).
"""

from __future__ import annotations

import logging
import sqlite3
from datetime import datetime, timedelta

from beffroi.collectors import CollectorError
from beffroi.config import Settings
from beffroi.config.settings import XPricing
from beffroi.french import dollars
from beffroi.store import x_usage
from beffroi.store.x_usage import estimate, month_of, price

__all__ = [
    "BudgetReached",
    "after_stream",
    "before_stream",
    "estimate",
    "month_of",
    "month_summary",
    "notify_admins",
    "price",
    "projection",
    "still_sending",
]

log = logging.getLogger(__name__)

# Typical daily activity assumed by the doctor when nothing was measured yet.
TYPICAL_PER_DAY = {
    "mentions": ("post_read", 20),
    "replies": ("post_read", 40),
    "dms": ("dm_event_read", 5),
    "engagement": ("user_read", 60),
}


class BudgetReached(CollectorError):
    kind = "budget"


def _pricing(collector) -> XPricing:
    return getattr(collector, "pricing", None) or XPricing()


def before_stream(conn: sqlite3.Connection, collector, now: datetime) -> None:
    """Raise ``BudgetReached`` (French) when the account's month estimate reached its budget."""
    budget = getattr(collector, "budget_usd", None)
    if getattr(collector, "network", None) != "x" or budget is None:
        return
    month = month_of(now)
    spent = estimate(x_usage.usage_rows(conn, month, collector.account), _pricing(collector))
    if spent < budget:
        if any(p["account"] == collector.account for p in x_usage.pauses(conn, month)):
            x_usage.lift(conn, collector.account, month)  # the budget was raised
        return
    x_usage.pause(conn, collector.account, month, spent, budget, now)
    raise BudgetReached(
        f"{collector.account} : budget X du mois atteint ({dollars(spent)} estimés pour "
        f"{dollars(budget)} prévus) ; la collecte sur X est en pause jusqu'au mois prochain ou "
        "jusqu'à ce qu'un administrateur relève budget_usd. "
        + still_sending(getattr(collector, "pause_publishing_at_budget", False))
    )


def still_sending(paused_too: bool) -> str:
    """The sentence that says what happens to posts and replies at the budget."""
    if paused_too:
        return "Les publications et les réponses sur X sont aussi en pause."
    return "Les publications et les réponses continuent."


def after_stream(conn: sqlite3.Connection, collector, now: datetime) -> None:
    """Save what the collector's meter counted (every request, even a failed one)."""
    meter = getattr(collector, "meter", None)
    if meter is not None:
        x_usage.save_usage(conn, collector.account, meter.drain(), now)


def month_summary(conn: sqlite3.Connection, settings: Settings, now: datetime) -> list[dict]:
    """Per X account: requests, resources, estimate and budget of the month so far, the
    previous month's estimate (the trend), and whether collection is paused."""
    month = month_of(now)
    previous = month_of(now.replace(day=1) - timedelta(days=1))
    paused = {p["account"] for p in x_usage.pauses(conn, month)}
    out = []
    for account in settings.enabled_accounts("x"):
        if account.network != "x":
            continue
        rows = x_usage.usage_rows(conn, month, account.key)
        out.append(
            {
                "account": account.key,
                "requests": sum(r["requests"] for r in rows),
                "resources": sum(r["resources"] for r in rows),
                "estimate_usd": estimate(rows, settings.x.pricing),
                "previous_usd": estimate(
                    x_usage.usage_rows(conn, previous, account.key), settings.x.pricing
                ),
                "budget_usd": account.budget_usd,
                "paused": account.key in paused,
                "publish_only": account.publish_only,
            }
        )
    return out


def projection(account, pricing: XPricing, streams: list[str]) -> tuple[int, float, float]:
    """For the doctor: a month (30 days) of passes at the account's interval: requests of an
    idle month, its cost (X bills resources returned, so an idle request costs nothing), and
    the cost of a typical month (``TYPICAL_PER_DAY``)."""
    passes = 30 * 24 * 60 // account.interval_minutes
    requests = passes * len(streams)
    typical = sum(
        30 * count * price(pricing, resource)
        for stream, (resource, count) in TYPICAL_PER_DAY.items()
        if stream in streams
    )
    return requests, 0.0, round(typical, 2)


def notify_admins(conn: sqlite3.Connection, settings: Settings, now: datetime) -> int:
    """E-mail the admins once per account and month that X collection paused (French)."""
    from beffroi.mailer import MailError, send_mail

    month = month_of(now)
    todo = [p for p in x_usage.pauses(conn, month) if not p["mailed_at"]]
    if not todo:
        return 0
    admins = [
        r[0]
        for r in conn.execute(
            "SELECT email FROM staff WHERE role = 'admin' AND active = 1 AND email IS NOT NULL"
        )
    ]
    sent = 0
    for pause in todo:
        body = (
            "Bonjour,\n\n"
            f"Le compte X « {pause['account']} » a atteint son budget du mois {month} : "
            f"{dollars(pause['estimate'])} estimés pour {dollars(pause['budget'])} prévus.\n"
            "La collecte sur X est en pause jusqu'au mois prochain. Pour la reprendre dès "
            "maintenant, relevez budget_usd de ce compte dans la configuration.\n"
            f"{still_sending(_pauses_sending(settings, pause['account']))}\n\n— Beffroi"
        )
        try:
            send_mail(settings, admins, f"Beffroi : budget X atteint ({pause['account']})", body)
        except MailError as exc:
            log.warning("X budget mail not sent: %s", exc)
            continue
        x_usage.mark_mailed(conn, pause["account"], month, now)
        sent += 1
    return sent


def _pauses_sending(settings: Settings, key: str) -> bool:
    try:
        return settings.account(key).pause_publishing_at_budget
    except KeyError:
        return False
