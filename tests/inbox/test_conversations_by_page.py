"""Conversation bookkeeping reads a page's facts once per page (issue 16), and a page that
holds a whole conversation ends as the same conversation collected page by page."""

from __future__ import annotations

from dataclasses import replace

from beffroi.collectors import Page
from beffroi.inbox import ingest_hooks, ingest_page
from beffroi.store import connect
from tests.inbox.helpers import citizen, city_reply, ingest, later, message, queue_row

QUESTION = "Le marché est ouvert dimanche ?"


def conversation():
    """m1 asked, r1 answered, m2 follows up under r1, m3 (someone else) in the same thread,
    m4: a DM from the first citizen, answered by the city's d1 (no parent: its thread)."""
    return [
        message("m1", QUESTION),
        city_reply("r1", "m1", at=later(20)),
        message("m2", "Et il y a un parking ?", at=later(60), parent="r1", thread="m1"),
        message("m3", "Moi aussi je veux savoir ?", at=later(61), thread="m1", author=citizen(2)),
        message("m4", "Bonjour, mon passeport est-il prêt ?", at=later(70), kind="dm", thread="d"),
        replace(city_reply("d1", None, at=later(90), thread="d"), kind="dm"),
    ]


def outcome(db) -> list[tuple]:
    names = {row["id"]: ext for ext in ("m1", "m2", "m3", "m4") if (row := queue_row(db, ext))}
    return [
        (
            ext,
            (row := queue_row(db, ext))["status"],
            row["response_seconds"],
            names.get(row["previous_queue_id"]),
        )
        for ext in ("m1", "m2", "m3", "m4")
    ]


def test_one_page_holding_the_conversation_ends_as_page_by_page(db, tmp_path, example_settings):
    for item in conversation():
        ingest(db, example_settings, item)
    expected = outcome(db)
    assert expected == [
        ("m1", "replied", 1200, None),
        ("m2", "new", None, "m1"),
        ("m3", "new", None, None),
        ("m4", "replied", 1200, None),
    ]
    for order in (conversation(), conversation()[::-1]):
        other = connect(tmp_path / f"one-page-{len(order)}-{order[0].external_id}.db")
        ingest(other, example_settings, *order)
        assert outcome(other) == expected
        other.close()


def test_conversation_reads_do_not_grow_with_the_page(db, example_settings):
    # Each message follows up on its author's earlier one, in a thread the city answered:
    # before, two reads per message (its parent, its previous message); now per page.
    hooks = ingest_hooks(example_settings)
    ingest(
        db, example_settings, *[message(f"a{n}", QUESTION, author=citizen(n)) for n in range(60)]
    )
    ingest(db, example_settings, *[city_reply(f"r{n}", f"a{n}", at=later(5)) for n in range(60)])

    def reads(first: int, size: int) -> int:
        seen: list[str] = []
        page = [
            message(
                f"b{n}",
                "Et le parking ?",
                at=later(30),
                parent=f"r{n}",
                thread=f"a{n}",
                author=citizen(n),
            )
            for n in range(first, first + size)
        ]
        db.set_trace_callback(seen.append)
        ingest_page(db, "x_ville", "mentions", Page(page, None), hooks=hooks)
        db.set_trace_callback(None)
        return sum(1 for sql in seen if sql.lstrip().upper().startswith(("SELECT", "WITH")))

    small, large = reads(0, 5), reads(5, 50)
    print(f"SELECT statements: {small} for 5 messages, {large} for 50")
    assert large == small
    assert all(
        queue_row(db, f"b{n}")["previous_queue_id"] == queue_row(db, f"a{n}")["id"]
        for n in range(55)
    )
