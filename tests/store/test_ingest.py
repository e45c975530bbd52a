from datetime import UTC, datetime, timedelta

import pytest

from beffroi.collectors import Author, Interaction, Item, Rejected
from beffroi.store import QueueFields, get_cursor, save_page

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


def counts(db):
    return {
        t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
        for t in ("items", "members", "queue", "rejected_payloads", "cursors")
    }


def test_save_page_writes_items_authors_queue_and_cursor(db):
    result = save_page(
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
    save_page(
        db,
        "x_ville",
        "mentions",
        [mention(1), mention(2)],
        "t2",
        rejected=[Rejected({"id": None}, "no id")],
    )
    before = counts(db)
    result = save_page(
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
    save_page(db, "x_ville", "mentions", [mention(1)], "t1")

    def broken(item):
        raise RuntimeError("boom")

    try:
        save_page(db, "x_ville", "mentions", [mention(2), mention(3)], "t3", triage=broken)
    except RuntimeError:
        pass
    assert counts(db)["items"] == 1
    assert get_cursor(db, "x_ville", "mentions") == "t1"


def test_triage_fields_land_in_the_queue(db):
    due = T0 + timedelta(hours=4)
    save_page(
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
    own = Item(
        network="x",
        account="x_ville",
        external_id="o1",
        kind="reply",
        direction="out",
        text="Merci !",
        created_at=T0,
        parent_external_id="t1",
    )
    ugc = Item(
        network="instagram",
        account="x_ville",
        external_id="u1",
        kind="ugc",
        direction="in",
        text="#marcq",
        created_at=T0,
        author=Author("instagram", "p1"),
    )
    save_page(db, "x_ville", "mentions", [own, ugc], None)
    assert counts(db)["queue"] == 0
    assert counts(db)["members"] == 1


def test_none_cursor_keeps_the_stored_one(db):
    save_page(db, "x_ville", "mentions", [mention(1)], "t1")
    save_page(db, "x_ville", "mentions", [], None)
    assert get_cursor(db, "x_ville", "mentions") == "t1"


def test_full_text_search_folds_accents(db):
    item = Item(
        network="x",
        account="x_ville",
        external_id="f1",
        kind="mention",
        direction="in",
        text="Le marché de Noël est génial",
        created_at=T0,
    )
    save_page(db, "x_ville", "mentions", [item], None)
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
    first = save_page(db, "x_ville", "engagement", [], "c1", interactions=page)
    assert (first.fetched, first.new) == (3, 3)
    again = save_page(db, "x_ville", "engagement", [], "c1", interactions=page)
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
    save_page(db, "x_ville", "mentions", [mention(1, author="a1")], "t1")
    assert db.execute("SELECT count(*) FROM members").fetchone()[0] == 2
    assert get_cursor(db, "x_ville", "engagement") == "c1"


def test_an_interaction_without_its_page_is_not_saved(db):
    """One transaction: a page that fails leaves neither its interactions nor its cursor."""
    broken = [liked("a1"), mention(1)]  # an Item where an Interaction belongs
    with pytest.raises(AttributeError):
        save_page(db, "x_ville", "engagement", [], "c9", interactions=broken)
    assert db.execute("SELECT count(*) FROM interactions").fetchone()[0] == 0
    assert get_cursor(db, "x_ville", "engagement") is None


def test_an_interaction_needs_who_and_which_post():
    with pytest.raises(ValueError, match="kind"):
        liked("a1", kind="like")
    with pytest.raises(ValueError, match="who and which post"):
        liked("a1", target="")
