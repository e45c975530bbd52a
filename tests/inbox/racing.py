"""Worker processes for the send races: each has its own connection to the real SQLite file
and its own collector on the simulated network (as two dashboard processes would).

Imported by name in the spawned processes, so it holds only what they run.
"""

from __future__ import annotations

import time

from beffroi import inbox
from beffroi.config import settings_from_dict
from beffroi.store import connect
from beffroi.store.community import CommunityError

FIRST_TEXT = "Bonjour, le marché est ouvert de 10 h à 20 h."
SECOND_TEXT = "Bonjour ! Ouvert de 10 h à 20 h samedi."
# What the other manager does once manager A's send is in flight; they stop at the first
# refusal, as a person does who reads "a reply is being sent".
STEPS = {
    "close": ("close", "reopen", "send"),
    "bulk_close": ("close_many", "reopen", "send"),
    "reopen": ("reopen", "send"),
    "release": ("release", "send"),
    "assign": ("assign", "send"),
    "bulk_assign": ("assign_many", "send"),
    "round_robin": ("distribute", "send"),
    "second_send": ("send",),
}


class Skipped(inbox.QueueError):
    """A bulk action that skipped the item (it reports a count, not an error)."""


def _counted(done: int, refusal: str) -> None:
    """A bulk action reports how many items it changed: none is its way of refusing."""
    if not done:
        raise Skipped(refusal)


# Each step as manager B (bruno) takes it, on the item ``qid``.
ACTIONS = {
    "send": lambda conn, settings, qid: inbox.send_reply(
        conn, settings, qid, SECOND_TEXT, actor="bruno"
    ),
    "close": lambda conn, settings, qid: inbox.close(conn, qid, "no_reply_needed", actor="bruno"),
    "close_many": lambda conn, settings, qid: _counted(
        inbox.close_many(conn, [qid], "duplicate", actor="bruno"), "0 clos"
    ),
    "reopen": lambda conn, settings, qid: inbox.reopen(conn, qid, actor="bruno"),
    "release": lambda conn, settings, qid: inbox.release_stuck_send(
        conn, settings, qid, actor="bruno"
    ),
    "assign": lambda conn, settings, qid: inbox.assign(conn, qid, "bruno", actor="bruno"),
    "assign_many": lambda conn, settings, qid: _counted(
        inbox.assign_many(conn, [qid], "bruno", actor="bruno"), "0 attribué"
    ),
    "distribute": lambda conn, settings, qid: _counted(
        len(inbox.distribute(conn, actor="bruno", queue_ids=[qid])), "0 attribué"
    ),
}


def _step(conn, settings, name: str, qid: int) -> None:
    ACTIONS[name](conn, settings, qid)


def _claim(conn, qid: int) -> str | None:
    return conn.execute("SELECT sending_since FROM queue WHERE id = ?", (qid,)).fetchone()[0]


def _wait_for_claim(conn, qid: int, seconds: float = 120) -> str | None:
    """Until manager A's send holds the item (condition-based: no assumption on CPU)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        row = conn.execute(
            "SELECT sending_since, status FROM queue WHERE id = ?", (qid,)
        ).fetchone()
        if row[0] is not None or row[1] == "replied":
            return row[0]
        time.sleep(0.002)
    return None


def worker(data: dict, jobs, results) -> None:
    settings = settings_from_dict(data)
    conn = connect(settings.database_path, migrate=False)
    try:
        while (job := jobs.get()) is not None:
            kind, action, target = job
            try:
                outcome = _run(conn, settings, kind, action, target)
            except Exception as exc:  # noqa: BLE001 - reported to the test, never a silent hang
                outcome = [("crash", f"{type(exc).__name__}: {exc}")]
            results.put((kind, action, target, outcome))
    finally:
        conn.close()


def _run(conn, settings, kind: str, action: str, target: int) -> list:
    if kind == "send":
        try:
            inbox.send_reply(conn, settings, target, FIRST_TEXT, actor="alice")
            return [("send", "ok")]
        except inbox.QueueError as exc:
            return [("send", str(exc))]
    if kind == "invite":
        collectors = {}

        def collector_for(account):
            if account not in collectors:
                collectors[account] = settings_collector(settings, account)
            return collectors[account]

        try:
            delivery = inbox.deliver_invitation(conn, target, collector_for, actor=action)
            return [("invite", delivery.error or "ok")]
        except CommunityError as exc:
            return [("invite", str(exc))]
    claim = _wait_for_claim(conn, target)
    if claim is None:
        return [("wait", "no claim seen")]
    done = []
    for name in STEPS[action]:
        try:
            _step(conn, settings, name, target)
        except inbox.QueueError as exc:
            done.append((name, str(exc)))
            break
        done.append((name, "ok"))
    # In flight: A's send still held the item when B's first action was over (on a loaded
    # machine A may have finished first; then only "no double reply" is asserted).
    in_flight = _claim(conn, target) == claim if done[0][1] != "ok" else None
    return [*done, ("in_flight", in_flight)]


def settings_collector(settings, account_key: str):
    from beffroi.collectors import build_collector

    return build_collector(settings, settings.account(account_key))
