"""Erasure on request and retention purge, on a real SQLite database."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from beffroi.collectors import Author, Interaction, Item, Rejected
from beffroi.config.settings import Retention
from beffroi.store import connect, sync_accounts, to_db, write_audit
from beffroi.store.notes import add_note
from beffroi.store.privacy import (
    ERASED_REPLY,
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
            item(
                "6",
                NOW,
                handle=None,
                direction="out",
                kind="post",
                text="Merci @Jeanne_M et @jeanne_mx pour vos idées. Bravo @jeanne_m.",
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

    assert (result.items, result.invitations, result.mentions, result.replies) == (2, 1, 1, 1)
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
    # The city's reply to them is blanked (it may repeat what they gave); its other
    # messages no longer name them, but another handle that starts alike is kept.
    reply = db.execute("SELECT text FROM items WHERE external_id = '4'").fetchone()[0]
    assert reply == ERASED_REPLY
    post = db.execute("SELECT text FROM items WHERE external_id = '6'").fetchone()[0]
    assert post == "Merci @[effacé] et @jeanne_mx pour vos idées. Bravo @[effacé]."
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


# ---------------------------------------------------------------- the forensic search
#
# After `beffroi privacy erase`, nothing of the person may be read back from the bytes of
# the database file and its WAL: not their words in the full-text index's segments, not
# the city's replies to them, not other people's messages naming them, not a derived
# column. SQLite is forced to default to secure_delete OFF on every connection (this
# machine's build defaults to ON), so the test proves that Beffroi sets it itself.

JEANNE = Author("x", "4815162342", "jeanne_erase", "Jeanne Zébulonne")
PAUL = Author("x", "1234567", "paul_voisin", "Paul Voisin")
CITY = Author("x", "id-city", "villedemarcq", "Ville de Marcq")
# What must not survive, as the bytes a forensic search looks for (case-insensitive).
NEEDLES = (
    "jeanne",  # handle and first name
    "zébulonne",
    "zebulonne",  # as the full-text index folds it
    "xylophonique",  # a word only she wrote (comment)
    "quorabilit",  # a word only she wrote (DM)
    "06 12 34 56 78",  # her phone number, repeated by the city
    "imaginaire",  # her street, repeated by the city
    "trombonesque",  # an internal note on her message
    "cornemusique",  # an internal note on her as a member
)


def _forensic_city(db_path, settings):
    from beffroi.collectors import Page
    from beffroi.inbox import ingest_hooks, ingest_page

    hooks = ingest_hooks(settings)
    conn = connect(db_path)
    sync_accounts(conn, settings)
    t0 = NOW - timedelta(hours=3)

    def msg(ext, text, author, kind, direction="in", parent=None, thread=None, minutes=0):
        return Item(
            network="x",
            account="x_ville",
            external_id=ext,
            kind=kind,
            direction=direction,
            text=text,
            created_at=t0 + timedelta(minutes=minutes),
            author=author,
            permalink=f"https://x.com/{author.handle}/status/{ext}",
            parent_external_id=parent,
            thread_external_id=thread or parent or ext,
            raw={"id": ext, "text": text, "user": {"screen_name": author.handle}},
        )

    page = [
        msg("post1", "Concertation sur l'éclairage public", CITY, "post", "out"),
        msg("c1", "Le lampadaire xylophonique grésille, c'est réparé quand ?", JEANNE,
            "comment", parent="post1", thread="post1", minutes=1),
        msg("c2", "@jeanne_erase tu as raison, Jeanne Zébulonne a vu juste", PAUL,
            "comment", parent="post1", thread="post1", minutes=2),
        msg("r1", "@jeanne_erase Bonjour Jeanne, un agent passe au 7 rue Imaginaire",
            CITY, "reply", "out", parent="c1", thread="post1", minutes=3),
        msg("d1", "Ma quorabilité : 06 12 34 56 78, 7 rue Imaginaire", JEANNE, "dm",
            thread="dm-88123", minutes=4),
        msg("d2", "Bonjour Jeanne, nous vous rappelons au 06 12 34 56 78", CITY, "dm",
            "out", thread="dm-88123", minutes=5),
    ]  # fmt: skip
    ingest_page(conn, "x_ville", "mentions", Page(page, None), hooks=hooks, now=NOW)
    jeanne = find_member(conn, "x", "jeanne_erase")[0]
    paul_item = conn.execute("SELECT id FROM items WHERE external_id = 'c2'").fetchone()[0]
    conn.execute(
        "UPDATE queue SET reply_draft = 'Merci, Jeanne Zébulonne est prévenue' WHERE item_id = ?",
        (paul_item,),
    )
    conn.execute(
        "INSERT INTO events (name, kind, starts_at, created_at) VALUES ('Instameet', 'instameet', ?, ?)",
        (to_db(NOW), to_db(NOW)),
    )
    paul = find_member(conn, "x", "paul_voisin")[0]
    for member, text in (
        (jeanne, "Bonjour Jeanne, venez !"),
        (paul, "Paul, venez avec @jeanne_erase"),
    ):
        conn.execute(
            "INSERT INTO invitations (event_id, member_id, message, created_at, updated_at)"
            " VALUES (1, ?, ?, ?, ?)",
            (member, text, to_db(NOW), to_db(NOW)),
        )  # fmt: skip
    write_audit(conn, "cm", "queue_close", "queue", 1, {"reason": "Jeanne Zébulonne rappelée"})
    # The team's internal notes: on her message, on her, and on Paul's message naming her.
    her_queue = conn.execute(
        "SELECT q.id FROM queue q JOIN items i ON i.id = q.item_id WHERE i.external_id = 'c1'"
    ).fetchone()[0]
    paul_queue = conn.execute("SELECT id FROM queue WHERE item_id = ?", (paul_item,)).fetchone()[0]
    add_note(
        conn,
        author="cm",
        body="Lampadaire trombonesque, @admin",
        queue_id=her_queue,
        mentions=["admin"],
        now=NOW,
    )
    add_note(conn, author="cm", body="Habituée, ton cornemusique", member_id=jeanne, now=NOW)
    add_note(conn, author="cm", body="Voisin de Jeanne Zébulonne", queue_id=paul_queue, now=NOW)
    # Search the words once (the dashboard's inbox search does): the index is written.
    assert (
        conn.execute(
            "SELECT count(*) FROM items_fts WHERE items_fts MATCH 'xylophonique'"
        ).fetchone()[0]
        == 1
    )
    conn.close()
    return jeanne


def forensic_city(folder):
    """The configuration and database of the forensic tests; returns (config, db, her id)."""
    from beffroi.config import load_settings

    cfg = folder / "b.toml"
    cfg.write_text(
        '[city]\nname = "Ville"\n[database]\npath = "b.db"\n'
        '[[accounts]]\nkey = "x_ville"\nnetwork = "x"\nhandle = "villedemarcq"\n'
        'token_env = "BEFFROI_X_TOKEN"\n'
    )
    db_path = folder / "b.db"
    return cfg, db_path, _forensic_city(db_path, load_settings(cfg))


def _found(db_path) -> dict[str, int]:
    data = b""
    for suffix in ("", "-wal"):
        part = db_path.parent / (db_path.name + suffix)
        if part.exists():
            data += part.read_bytes()
    low = data.lower()
    return {n: low.count(n.encode("utf-8")) for n in NEEDLES if low.count(n.encode("utf-8"))}


@pytest.fixture
def secure_delete_off(monkeypatch):
    """Every SQLite connection of this test starts with secure_delete OFF."""
    import sqlite3

    real = sqlite3.connect

    def connect_without_secure_delete(*args, **kwargs):
        conn = real(*args, **kwargs)
        conn.execute("PRAGMA secure_delete = OFF")
        return conn

    monkeypatch.setattr(sqlite3, "connect", connect_without_secure_delete)
    probe = sqlite3.connect(":memory:")
    assert probe.execute("PRAGMA secure_delete").fetchone()[0] == 0
    probe.close()


def test_after_erasure_a_byte_search_of_the_file_and_wal_finds_nothing(
    tmp_path, secure_delete_off, capsys
):
    from beffroi.cli.main import main

    cfg, db_path, _ = forensic_city(tmp_path)
    before = _found(db_path)
    assert set(before) == set(NEEDLES), before  # the search does find what is there

    assert main(["-c", str(cfg), "privacy", "erase", "--handle", "x:jeanne_erase"]) == 0
    print(capsys.readouterr().out)

    found = _found(db_path)
    print(f"bytes found before erasure: {before}; after: {found}")
    assert found == {}
    # The rest stays: Paul's message (his words, her name masked), the city's post.
    conn = connect(db_path, readonly=True)
    texts = dict(conn.execute("SELECT external_id, text FROM items").fetchall())
    assert texts["c2"] == "@[effacé] tu as raison, [effacé] a vu juste"
    assert texts["post1"] == "Concertation sur l'éclairage public"
    assert texts["r1"] == texts["d2"] == ERASED_REPLY
    rule = conn.execute(
        "SELECT q.triage_rule FROM queue q JOIN items i ON i.id = q.item_id WHERE i.external_id = 'c2'"
    ).fetchone()[0]
    assert rule == "between_citizens:@[effacé]"
    invitations = [tuple(r) for r in conn.execute("SELECT message FROM invitations")]
    assert invitations == [("Paul, venez avec @[effacé]",)]
    # Her notes went (and the mention of a colleague in one); Paul's note stays, masked.
    notes = [tuple(r) for r in conn.execute("SELECT body FROM notes")]
    assert notes == [("Voisin de [effacé]",)]
    assert conn.execute("SELECT count(*) FROM note_mentions").fetchone()[0] == 0
    assert (db_path.parent / "b.db-wal").stat().st_size == 0
    conn.close()


def test_after_the_retention_purge_a_byte_search_finds_nothing_of_what_went(
    tmp_path, secure_delete_off
):
    db_path = tmp_path / "b.db"
    conn = connect(db_path)
    old = NOW - timedelta(days=800)
    ingest_items(
        conn,
        "x_ville",
        "mentions",
        [
            item("o1", old, handle="ancien_habitant", text="Le xylophonique lampadaire"),
            item("o2", old, handle="ancien_habitant", kind="dm", text="quorabilité 06 12 34 56 78"),
            item("o3", old, handle=None, direction="out", kind="dm", text="au 7 rue Imaginaire"),
            item("new", NOW, handle="paul", text="Bravo pour le marché"),
        ],
        None,
        now=old,
    )
    conn.execute("SELECT count(*) FROM items_fts WHERE items_fts MATCH 'xylophonique'").fetchone()
    # The team's note on the old member goes with them (and its mention of a colleague).
    old_member = find_member(conn, "x", "ancien_habitant")[0]
    add_note(conn, author="cm", body="Ancien, trombonesque @admin", member_id=old_member,
             mentions=["admin"], now=old)  # fmt: skip
    assert b"trombonesque" in db_path.read_bytes() + (tmp_path / "b.db-wal").read_bytes()
    result = purge_expired(conn, Retention(items_days=730, raw_payload_days=90), now=NOW)
    assert conn.execute("SELECT count(*) FROM notes").fetchone()[0] == 0
    assert conn.execute("SELECT count(*) FROM note_mentions").fetchone()[0] == 0
    conn.close()
    assert (result.items, result.members) == (3, 1)
    found = _found(db_path)
    found.pop("jeanne", None)  # the item() helper's default author is not in this test
    assert found == {}
    assert b"ancien_habitant" not in db_path.read_bytes()
