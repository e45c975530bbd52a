"""Presence in the inbox: heartbeats kept in the database, gone after two minutes."""

from __future__ import annotations

from datetime import timedelta

from beffroi import inbox
from beffroi.store import connect, data_version
from tests.inbox.helpers import MONDAY_9, ingest, message, queue_row

NAMES = {"claire": "Claire Martin", "bruno": "Bruno Petit"}


def two_messages(db, settings) -> tuple[int, int]:
    ingest(db, settings, message("m1", "Le marché est ouvert dimanche ?"),
           message("m2", "Les poubelles débordent rue de Lille"))  # fmt: skip
    return queue_row(db, "m1")["id"], queue_row(db, "m2")["id"]


def test_who_reads_and_who_writes_then_gone_after_two_minutes(db, example_settings):
    one, two = two_messages(db, example_settings)
    now = MONDAY_9
    inbox.heartbeat(db, "claire", one, writing=False, now=now)
    inbox.heartbeat(db, "bruno", one, writing=True, now=now)
    seen = inbox.colleagues_on(db, [one, two], "alice", now)
    assert seen == {one: [("bruno", "writing"), ("claire", "reading")]}
    assert inbox.presence_sentences(seen[one], NAMES) == [
        "Bruno Petit écrit une réponse",
        "Claire Martin lit ce message",
    ]
    assert inbox.presence_cell(seen[one], NAMES) == "Bruno Petit écrit · Claire Martin lit"
    assert inbox.colleagues_on(db, [one], "claire", now) == {one: [("bruno", "writing")]}

    # Claire moves to the other message: she is no longer on the first.
    inbox.heartbeat(db, "claire", two, writing=False, now=now + timedelta(seconds=5))
    seen = inbox.colleagues_on(db, [one, two], "alice", now + timedelta(seconds=5))
    assert seen == {one: [("bruno", "writing")], two: [("claire", "reading")]}

    # Bruno's tab is closed (no more heartbeats): gone after two minutes, Claire still there.
    for beat in range(1, 8):
        inbox.heartbeat(db, "claire", two, writing=False, now=now + timedelta(seconds=20 * beat))
    later = now + timedelta(seconds=140)
    assert inbox.colleagues_on(db, [one, two], "alice", later) == {two: [("claire", "reading")]}
    inbox.heartbeat(db, "claire", None, writing=False, now=later)
    assert inbox.colleagues_on(db, [one, two], "alice", later) == {}


def test_a_heartbeat_that_changes_nothing_does_not_write(db, example_settings):
    """Every commit makes every dashboard's caches read again: beats write only on change."""
    one, _ = two_messages(db, example_settings)
    # data_version moves only for commits of *other* connections: beat through a second one.
    watcher = db
    path = db.execute("PRAGMA database_list").fetchone()[2]
    other = connect(path, migrate=False)
    try:
        assert inbox.heartbeat(other, "claire", one, writing=False, now=MONDAY_9)
        version = data_version(watcher)
        assert not inbox.heartbeat(
            other, "claire", one, writing=False, now=MONDAY_9 + timedelta(seconds=20)
        )
        assert data_version(watcher) == version
        assert inbox.heartbeat(
            other, "claire", one, writing=True, now=MONDAY_9 + timedelta(seconds=21)
        )
        assert data_version(watcher) != version
        # Kept fresh well before the two minutes run out.
        assert inbox.heartbeat(
            other, "claire", one, writing=True, now=MONDAY_9 + timedelta(seconds=70)
        )
    finally:
        other.close()
