"""Erasure on request and retention purge, on a real SQLite database."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from beffroi.collectors import Author, Interaction, Item, Rejected
from beffroi.config.settings import Retention
from beffroi.store import to_db
from beffroi.store.privacy import (
    ERASED_TEXT,
    MemberNotFound,
    erase_member,
    find_member,
    purge_expired,
)
from tests.pages import ingest_items

NOW = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)


def item(external_id, when, handle="jeanne_m", text="Le bus 18 est en retard", **kw):
    author = None if handle is None else Author("x", f"id-{handle}", handle, handle.title())
    return Item(
        network="x",
        account="x_ville",
        external_id=external_id,
        kind=kw.pop("kind", "mention"),
        direction=kw.pop("direction", "in"),
        text=text,
        created_at=when,
        author=author,
        permalink=f"https://x.com/{handle}/status/{external_id}",
        raw={"id": external_id, "text": text, "user": handle},
        **kw,
    )


def member_id(db, handle):
    return find_member(db, "x", handle)[0]


def test_erase_member_forgets_the_person_and_their_words(db):
    ingest_items(
        db,
        "x_ville",
        "mentions",
        [
            item("1", NOW - timedelta(hours=2)),
            item("2", NOW - timedelta(hours=1), text="Et la piste cyclable ?"),
            item("3", NOW, handle="paul", text="Bravo pour le marché"),
            item(
                "4",
                NOW,
                handle=None,
                direction="out",
                kind="reply",
                text="@Jeanne_M bonjour, le service voirie est prévenu. @jeanne_mx aussi.",
                parent_external_id="1",
            ),
        ],
        None,
        now=NOW,
    )
    jeanne = member_id(db, "@JEANNE_M")
    db.execute(
        "INSERT INTO events (name, kind, starts_at, created_at) VALUES ('Instameet', 'instameet', ?, ?)",
        (to_db(NOW), to_db(NOW)),
    )
    db.execute(
        "INSERT INTO invitations (event_id, member_id, created_at, updated_at) VALUES (1, ?, ?, ?)",
        (jeanne, to_db(NOW), to_db(NOW)),
    )

    result = erase_member(db, jeanne, actor="dpo@mairie", now=NOW)

    assert (result.items, result.invitations, result.mentions) == (2, 1, 1)
    member = db.execute("SELECT * FROM members WHERE id = ?", (jeanne,)).fetchone()
    assert member["handle"] is None and member["display_name"] is None
    assert member["erased_at"] == to_db(NOW)
    rows = db.execute(
        "SELECT text, raw, permalink FROM items WHERE member_id = ?", (jeanne,)
    ).fetchall()
    assert [tuple(r) for r in rows] == [(ERASED_TEXT, None, None)] * 2
    # Search no longer finds their words.
    assert (
        db.execute("SELECT count(*) FROM items_fts WHERE items_fts MATCH 'cyclable'").fetchone()[0]
        == 0
    )
    # The city's reply no longer names them, but another handle that starts alike is kept.
    reply = db.execute("SELECT text FROM items WHERE external_id = '4'").fetchone()[0]
    assert "jeanne_m " not in reply.lower() and "@jeanne_mx" in reply
    assert reply.startswith("@[effacé] bonjour")
    # Other citizens are untouched.
    paul = db.execute("SELECT text, raw FROM items WHERE external_id = '3'").fetchone()
    assert paul["text"] == "Bravo pour le marché" and paul["raw"] is not None
    assert db.execute("SELECT count(*) FROM invitations").fetchone()[0] == 0
    audit = db.execute("SELECT * FROM audit WHERE action = 'member_erase'").fetchone()
    assert audit["actor"] == "dpo@mairie" and audit["target_id"] == str(jeanne)
    assert "jeanne" not in (audit["detail"] or "").lower()


def test_an_erased_member_is_not_named_again_by_the_next_collection(db):
    ingest_items(db, "x_ville", "mentions", [item("1", NOW)], None, now=NOW)
    jeanne = member_id(db, "jeanne_m")
    erase_member(db, jeanne, actor="cli", now=NOW)
    # The same message fetched again (overlapping page), and a new one.
    ingest_items(
        db,
        "x_ville",
        "mentions",
        [item("1", NOW), item("5", NOW + timedelta(minutes=1))],
        None,
        now=NOW,
    )
    member = db.execute(
        "SELECT handle, display_name FROM members WHERE id = ?", (jeanne,)
    ).fetchone()
    assert tuple(member) == (None, None)
    assert db.execute("SELECT text FROM items WHERE external_id = '1'").fetchone()[0] == ERASED_TEXT


def test_erasing_an_unknown_member_changes_nothing(db):
    with pytest.raises(MemberNotFound):
        erase_member(db, 999, actor="cli")
    assert db.execute("SELECT count(*) FROM audit").fetchone()[0] == 0


def test_purge_applies_each_retention_limit(db):
    retention = Retention(items_days=730, raw_payload_days=90, rejected_days=30)
    old = NOW - timedelta(days=800)
    middle = NOW - timedelta(days=200)
    recent = NOW - timedelta(days=10)
    ingest_items(
        db,
        "x_ville",
        "mentions",
        [
            item("old-in", old, handle="ancien"),
            item("old-out", old, handle=None, direction="out", kind="post", text="Vœux 2024"),
            item("middle", middle, handle="paul"),
            item("recent", recent, handle="paul"),
        ],
        None,
        rejected=[Rejected({"weird": 1}, "no id")],
        now=old,  # the rejected payload was stored long ago
    )
    ingest_items(db, "x_ville", "mentions", [], None, rejected=[Rejected({"w": 2}, "x")], now=NOW)
    assert db.execute("SELECT count(*) FROM queue").fetchone()[0] == 3

    result = purge_expired(db, retention, now=NOW)

    assert (result.items, result.queue, result.raw_cleared, result.rejected, result.members) == (
        1,
        1,
        2,  # middle and the city's old post; old-in was deleted, recent is kept
        1,
        1,  # "ancien" has no message left
    )
    left = {r["external_id"]: r["raw"] for r in db.execute("SELECT external_id, raw FROM items")}
    assert set(left) == {"old-out", "middle", "recent"}  # the city's own post stays
    assert left["middle"] is None and left["old-out"] is None
    assert json.loads(left["recent"])["id"] == "recent"
    assert db.execute("SELECT count(*) FROM queue").fetchone()[0] == 2
    assert find_member(db, "x", "ancien") == [] and find_member(db, "x", "paul")
    assert db.execute("SELECT count(*) FROM rejected_payloads").fetchone()[0] == 1
    assert db.execute("SELECT count(*) FROM audit WHERE action = 'purge'").fetchone()[0] == 1
    # A second pass finds nothing more and writes no audit row.
    assert purge_expired(db, retention, now=NOW) == type(result)()
    assert db.execute("SELECT count(*) FROM audit WHERE action = 'purge'").fetchone()[0] == 1


def test_purge_works_in_batches(db):
    retention = Retention(items_days=30, raw_payload_days=10, rejected_days=10)
    ingest_items(
        db,
        "x_ville",
        "mentions",
        [item(str(i), NOW - timedelta(days=40, minutes=i), handle=f"p{i % 3}") for i in range(25)]
        + [item(f"r{i}", NOW - timedelta(days=20, minutes=i)) for i in range(7)],
        None,
        now=NOW,
    )
    result = purge_expired(db, retention, now=NOW, batch=4)
    assert (result.items, result.queue, result.raw_cleared) == (25, 25, 7)
    assert db.execute("SELECT count(*) FROM items").fetchone()[0] == 7
    assert db.execute("SELECT count(*) FROM items WHERE raw IS NOT NULL").fetchone()[0] == 0


def like(handle, target, when, kind="reaction"):
    return Interaction(
        "x", "x_ville", kind, Author("x", f"id-{handle}", handle, handle), target, when
    )


def test_erasure_deletes_reactions_and_shares_and_a_later_like_is_not_kept(db):
    ingest_items(db, "x_ville", "mentions", [item("1", NOW - timedelta(days=1))], "1")
    ingest_items(
        db,
        "x_ville",
        "engagement",
        [],
        "c1",
        interactions=[like("jeanne_m", "p1", NOW), like("jeanne_m", "p1", NOW, "share")],
    )
    jeanne = member_id(db, "jeanne_m")
    result = erase_member(db, jeanne, actor="dpo@mairie", now=NOW)
    assert result.interactions == 2
    assert db.execute("SELECT count(*) FROM interactions").fetchone()[0] == 0
    # X still lists her like of another post: the city does not record it again.
    again = ingest_items(
        db, "x_ville", "engagement", [], "c2", interactions=[like("jeanne_m", "p2", NOW)]
    )
    assert again.new == 0
    assert db.execute("SELECT count(*) FROM interactions").fetchone()[0] == 0
    assert db.execute("SELECT handle FROM members WHERE id = ?", (jeanne,)).fetchone()[0] is None


def test_retention_purges_old_reactions_and_the_people_seen_only_in_them(db):
    old, recent = NOW - timedelta(days=40), NOW - timedelta(days=2)
    ingest_items(
        db,
        "x_ville",
        "engagement",
        [],
        "c1",
        interactions=[like("ancien", "p0", old), like("recent", "p9", recent)],
    )
    retention = Retention(items_days=30, raw_payload_days=10, rejected_days=10)
    result = purge_expired(db, retention, now=NOW)
    assert (result.interactions, result.members) == (1, 1)
    left = db.execute(
        "SELECT m.handle FROM interactions i JOIN members m ON m.id = i.member_id"
    ).fetchall()
    assert [r[0] for r in left] == ["recent"]
