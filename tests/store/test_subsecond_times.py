"""Sub-second times (issue 12): X's DM events are stamped to the millisecond, and two DMs
119 ms apart (tweepy's recorded DM session) must not share a ``created_at`` nor be shown
out of order. The store keeps microseconds when a network gives them; whole-second times
keep their usual text, and text order stays time order."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from beffroi.collectors import Author, Item, Page
from beffroi.inbox import get_entry, ingest_hooks, ingest_page, thread
from beffroi.store import from_db, to_db

FIRST = datetime(2026, 11, 30, 9, 15, 2, 881000, tzinfo=UTC)
SECOND = FIRST + timedelta(milliseconds=119)  # 09:15:03.000: the next second
THIRD = FIRST + timedelta(milliseconds=60)  # 09:15:02.941: the same second as the first


def dm(ext: str, text: str, at: datetime) -> Item:
    return Item("x", "x_ville", ext, "dm", "in", text, at, author=Author("x", "42", "jeanne"),
                thread_external_id="42-1001")  # fmt: skip


def test_times_keep_their_fraction_and_text_order_is_time_order():
    stamps = [to_db(t) for t in (FIRST, THIRD, SECOND, FIRST.replace(microsecond=0))]
    assert stamps == [
        "2026-11-30 09:15:02.881000",
        "2026-11-30 09:15:02.941000",
        "2026-11-30 09:15:03",
        "2026-11-30 09:15:02",
    ]
    assert [from_db(s) for s in stamps] == [FIRST, THIRD, SECOND, FIRST.replace(microsecond=0)]
    assert sorted(stamps) == [stamps[3], stamps[0], stamps[1], stamps[2]]
    assert to_db(datetime(1, 1, 1, 0, 0, 0, 5, tzinfo=UTC)) == "0001-01-01 00:00:00.000005"


def test_two_dms_a_fraction_of_a_second_apart_are_stored_and_shown_in_order(db, example_settings):
    # X lists DM events newest first: the later one is stored first (a lower items.id).
    page = Page([dm("3", "merci", THIRD), dm("1", "Bonjour,", FIRST)], None)
    ingest_page(db, "x_ville", "dms", page, hooks=ingest_hooks(example_settings))
    stored = dict(db.execute("SELECT external_id, created_at FROM items").fetchall())
    assert stored == {"1": "2026-11-30 09:15:02.881000", "3": "2026-11-30 09:15:02.941000"}
    queue_id = db.execute(
        "SELECT q.id FROM queue q JOIN items i ON i.id = q.item_id WHERE i.external_id = '3'"
    ).fetchone()[0]
    shown = thread(db, get_entry(db, example_settings, queue_id))
    assert [(m["text"], m["created_at"]) for m in shown] == [
        ("Bonjour,", FIRST),
        ("merci", THIRD),
    ]
