import json
from datetime import UTC, datetime, timedelta

import pytest

from beffroi.collectors import Author, Interaction, Item, Page, Rejected
from beffroi.inbox import QueueFields, ingest_hooks, ingest_page
from beffroi.store import get_cursor
from tests.pages import ingest_items

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def mention(n: int, likes: int = 0, author: str = "a1") -> Item:
    return Item(
        network="x",
        account="x_ville",
        external_id=f"t{n}",
        kind="mention",
        direction="in",
        text=f"Bonjour @ville, question {n} ?",
        created_at=T0 + timedelta(minutes=n),
        author=Author("x", author, f"@{author}", f"Citoyen {author}"),
        like_count=likes,
    )


def x_item(external_id: str, kind: str, direction: str, text: str, **more) -> Item:
    """An item of the city's X account at T0, without author unless ``more`` names one."""
    return Item("x", "x_ville", external_id, kind, direction, text, T0, **more)


def counts(db):
    return {
        t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
        for t in ("items", "members", "queue", "rejected_payloads", "cursors")
    }


def test_save_page_writes_items_authors_queue_and_cursor(db):
    result = ingest_items(
        db,
        "x_ville",
        "mentions",
        [mention(1), mention(2, author="a2")],
        "t2",
        rejected=[Rejected({"id": None}, "no id")],
    )
    assert (result.fetched, result.new, result.rejected) == (2, 2, 1)
    assert counts(db) == {
        "items": 2,
        "members": 2,
        "queue": 2,
        "rejected_payloads": 1,
        "cursors": 1,
    }
    assert get_cursor(db, "x_ville", "mentions") == "t2"


def test_saving_the_same_page_twice_changes_only_counters(db):
    ingest_items(
        db,
        "x_ville",
        "mentions",
        [mention(1), mention(2)],
        "t2",
        rejected=[Rejected({"id": None}, "no id")],
    )
    before = counts(db)
    result = ingest_items(
        db,
        "x_ville",
        "mentions",
        [mention(1, likes=5), mention(2)],
        "t2",
        rejected=[Rejected({"id": None}, "no id")],
    )
    assert result.new == 0
    assert counts(db) == before
    assert db.execute("SELECT like_count FROM items WHERE external_id='t1'").fetchone()[0] == 5


def test_page_is_atomic_when_triage_fails(db):
    ingest_items(db, "x_ville", "mentions", [mention(1)], "t1")

    def broken(item):
        raise RuntimeError("boom")

    try:
        ingest_items(db, "x_ville", "mentions", [mention(2), mention(3)], "t3", triage=broken)
    except RuntimeError:
        pass
    assert counts(db)["items"] == 1
    assert get_cursor(db, "x_ville", "mentions") == "t1"


def test_triage_fields_land_in_the_queue(db):
    due = T0 + timedelta(hours=4)
    ingest_items(
        db,
        "x_ville",
        "mentions",
        [mention(1)],
        "t1",
        triage=lambda item: QueueFields(True, "question", "mobilité", "high", due),
    )
    row = db.execute("SELECT needs_reply, theme, priority, due_at, status FROM queue").fetchone()
    assert tuple(row) == (1, "mobilité", "high", "2026-11-02 13:00:00", "new")


def test_outbound_and_ugc_items_do_not_enter_the_queue(db):
    own = x_item("o1", "reply", "out", "Merci !", parent_external_id="t1")
    ugc = Item("instagram", "x_ville", "u1", "ugc", "in", "#marcq", T0, Author("instagram", "p1"))
    ingest_items(db, "x_ville", "mentions", [own, ugc], None)
    assert counts(db)["queue"] == 0
    assert counts(db)["members"] == 1


def test_none_cursor_keeps_the_stored_one(db):
    ingest_items(db, "x_ville", "mentions", [mention(1)], "t1")
    ingest_items(db, "x_ville", "mentions", [], None)
    assert get_cursor(db, "x_ville", "mentions") == "t1"


def test_full_text_search_folds_accents(db):
    item = x_item("f1", "mention", "in", "Le marché de Noël est génial")
    ingest_items(db, "x_ville", "mentions", [item], None)
    hits = db.execute("SELECT rowid FROM items_fts WHERE items_fts MATCH 'marche'").fetchall()
    assert len(hits) == 1


def liked(who: str, target: str = "p1", kind: str = "reaction") -> Interaction:
    return Interaction(
        network="x",
        account="x_ville",
        kind=kind,
        author=Author("x", who, f"@{who}", f"Citoyen {who}"),
        target_external_id=target,
        created_at=T0,
        permalink=f"https://x.com/ville/status/{target}",
    )


def test_reactions_and_shares_are_saved_with_their_page_once(db):
    page = [liked("a1"), liked("a1", kind="share"), liked("a2")]
    first = ingest_items(db, "x_ville", "engagement", [], "c1", interactions=page)
    assert (first.fetched, first.new) == (3, 3)
    again = ingest_items(db, "x_ville", "engagement", [], "c1", interactions=page)
    assert (again.fetched, again.new) == (3, 0)
    rows = db.execute(
        "SELECT m.external_id, i.kind, i.target_external_id, i.created_at FROM interactions i"
        " JOIN members m ON m.id = i.member_id ORDER BY 1, 2"
    ).fetchall()
    assert [tuple(r) for r in rows] == [
        ("a1", "reaction", "p1", "2026-11-02 09:00:00"),
        ("a1", "share", "p1", "2026-11-02 09:00:00"),
        ("a2", "reaction", "p1", "2026-11-02 09:00:00"),
    ]
    # The liker who also comments is one member, not two.
    ingest_items(db, "x_ville", "mentions", [mention(1, author="a1")], "t1")
    assert db.execute("SELECT count(*) FROM members").fetchone()[0] == 2
    assert get_cursor(db, "x_ville", "engagement") == "c1"


def test_an_interaction_without_its_page_is_not_saved(db):
    """One transaction: a page that fails leaves neither its interactions nor its cursor."""
    broken = [liked("a1"), mention(1)]  # an Item where an Interaction belongs
    with pytest.raises(AttributeError):
        ingest_items(db, "x_ville", "engagement", [], "c9", interactions=broken)
    assert db.execute("SELECT count(*) FROM interactions").fetchone()[0] == 0
    assert get_cursor(db, "x_ville", "engagement") is None


def test_an_interaction_needs_who_and_which_post():
    with pytest.raises(ValueError, match="kind"):
        liked("a1", kind="like")
    with pytest.raises(ValueError, match="who and which post"):
        liked("a1", target="")


# ---------------------------------------------------------------- issue 12: the store accepts
# whatever the parsers accept. Each of these failed on main (59cd8f0) with the exception named.


def item_row(db, external_id):
    row = db.execute(
        "SELECT i.external_id, i.text, i.permalink, i.like_count, i.reply_count, i.raw,"
        " m.external_id AS member, m.handle, m.display_name, q.status"
        " FROM items i LEFT JOIN members m ON m.id = i.member_id"
        " LEFT JOIN queue q ON q.item_id = i.id WHERE i.external_id = ?",
        (external_id,),
    ).fetchone()
    return None if row is None else dict(row)


def test_lone_surrogates_in_text_ids_and_names_are_stored_replaced(db):
    """UnicodeEncodeError in save_items and _upsert_author on main."""
    bad = mention(1)
    bad = Item(
        **{
            **bad.__dict__,
            "external_id": "t\udc01",
            "text": "Merci \ud83d pour tout \ud83d\ude00",
            "author": Author("x", "a\udc00", "@\ud83d", "Jean \ud83d"),
            "raw": {"id": "t\udc01", "text": "Merci \ud83d"},
        }
    )
    result = ingest_items(db, "x_ville", "mentions", [bad, mention(2)], "c2")
    assert (result.fetched, result.new, result.rejected) == (2, 2, 0)
    assert item_row(db, "t\\udc01") == {
        "external_id": "t\\udc01",
        "text": "Merci \ufffd pour tout \U0001f600",
        "permalink": None,
        "like_count": 0,
        "reply_count": None,
        "raw": '{"id": "t\\udc01", "text": "Merci \\ud83d"}',
        "member": "a\\udc00",
        "handle": "@\ufffd",
        "display_name": "Jean \ufffd",
        "status": "new",
    }
    # The raw payload is still exactly what the network sent.
    assert json.loads(item_row(db, "t\\udc01")["raw"]) == {"id": "t\udc01", "text": "Merci \ud83d"}
    assert item_row(db, "t2")["text"] == "Bonjour @ville, question 2 ?"
    assert get_cursor(db, "x_ville", "mentions") == "c2"


def test_counts_past_64_bits_and_permalinks_that_are_not_text_become_null(db):
    """OverflowError (like_count 10**30) and ProgrammingError (permalink a list) on main."""
    huge = Item(**{**mention(1).__dict__, "like_count": 10**30, "reply_count": -(2**64)})
    listed = Item(**{**mention(2).__dict__, "permalink": ["https://x.com/a"]})
    objected = Item(**{**mention(3).__dict__, "permalink": {"url": "https://x.com/b"}})
    result = ingest_items(db, "x_ville", "mentions", [huge, listed, objected, mention(4)], "c4")
    assert (result.new, result.rejected) == (4, 0)
    assert [
        (r["external_id"], r["permalink"], r["like_count"], r["reply_count"])
        for r in map(lambda n: item_row(db, f"t{n}"), (1, 2, 3))
    ] == [("t1", None, None, None), ("t2", None, 0, None), ("t3", None, 0, None)]
    # A later page with a readable count updates it; an unreadable one keeps the stored one.
    ingest_items(db, "x_ville", "mentions", [mention(1, likes=7)], None)
    ingest_items(db, "x_ville", "mentions", [huge], None)
    assert item_row(db, "t1")["like_count"] == 7
    assert get_cursor(db, "x_ville", "mentions") == "c4"


def test_an_item_that_cannot_be_stored_is_rejected_and_the_rest_of_its_page_saved(db):
    raw = {"id": "t1", "text": {"not": "text"}}
    unreadable = Item(**{**mention(1).__dict__, "text": {"not": "text"}, "raw": raw})
    result = ingest_items(db, "x_ville", "mentions", [unreadable, mention(2)], "c2")
    assert (result.fetched, result.new, result.rejected) == (2, 1, 1)
    assert item_row(db, "t1") is None and item_row(db, "t2")["status"] == "new"
    rows = [
        dict(r)
        for r in db.execute("SELECT account, stream, reason, payload FROM rejected_payloads")
    ]
    assert rows == [
        {
            "account": "x_ville",
            "stream": "mentions",
            "reason": "item t1 cannot be stored: expected a text, got dict",
            "payload": '{"id": "t1", "text": {"not": "text"}}',
        }
    ]
    assert get_cursor(db, "x_ville", "mentions") == "c2"


def test_the_reject_path_accepts_any_payload(db):
    """UnicodeEncodeError in _save_rejected on main: the reject path itself failed."""
    deep: list = []
    for _ in range(1000):
        deep = [deep]
    payloads = [
        Rejected({"text": "\ud83d"}, "tweet t\ud83d: unreadable"),
        Rejected({"n": 10**5000}, "a 5,000-digit number"),
        Rejected(deep, "nested 1,000 deep"),
        Rejected({1: "a", "b": 2}, "keys of mixed types"),
    ]
    result = ingest_items(db, "x_ville", "mentions", [mention(1)], "c1\udc00", rejected=payloads)
    assert (result.new, result.rejected) == (1, 4)
    rows = db.execute("SELECT reason, payload FROM rejected_payloads ORDER BY id").fetchall()
    assert [r["reason"] for r in rows] == [
        "tweet t\ufffd: unreadable",
        "a 5,000-digit number",
        "nested 1,000 deep",
        "keys of mixed types",
    ]
    assert json.loads(rows[0]["payload"]) == {"text": "\ud83d"}
    assert json.loads(rows[1]["payload"])["n"].startswith("0x")
    assert json.loads(rows[3]["payload"]) == {"1": "a", "b": 2}
    assert get_cursor(db, "x_ville", "mentions") == "c1\\udc00"


def test_messages_dated_year_1_or_9999_go_through_triage_and_the_sla_clock(db, example_settings):
    """OverflowError: date value out of range in business_hours (triage hook) on main."""
    late = Item(**{**mention(1).__dict__, "created_at": datetime(9999, 12, 31, 23, 0, tzinfo=UTC)})
    early = Item(**{**mention(2).__dict__, "created_at": datetime(1, 1, 1, tzinfo=UTC)})
    reply = x_item("r2", "reply", "out", "Bonjour, voici la réponse.", parent_external_id="t2")
    page = Page([late, early, reply], "c2")
    result = ingest_page(
        db, "x_ville", "mentions", page, hooks=ingest_hooks(example_settings), now=T0
    )
    assert result.new == 3
    rows = db.execute(
        "SELECT i.external_id, i.created_at, q.status, q.due_at, q.response_seconds"
        " FROM queue q JOIN items i ON i.id = q.item_id ORDER BY i.external_id"
    ).fetchall()
    assert [tuple(r) for r in rows] == [
        ("t1", "9999-12-31 23:00:00", "new", "9999-12-31 23:59:59.999999", None),
        # Answered 2,025 years later: the response time is what it is, the clock did not stop.
        ("t2", "0001-01-01 00:00:00", "replied", "0001-01-01 12:20:39", 63929206800),
    ]
    assert get_cursor(db, "x_ville", "mentions") == "c2"
