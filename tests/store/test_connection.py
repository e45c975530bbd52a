import sqlite3
import subprocess
import sys

import pytest

from beffroi.store import StoreError, connect
from tests.store.test_privacy import secure_delete_off  # noqa: F401 (a fixture)


def test_new_database_is_migrated_with_wal_and_foreign_keys(tmp_path):
    conn = connect(tmp_path / "b.db")
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    for name in (
        "accounts",
        "members",
        "items",
        "items_fts",
        "queue",
        "cursors",
        "collection_runs",
        "rejected_payloads",
        "series",
        "drafts",
        "publications",
        "events",
        "invitations",
        "staff",
        "audit",
        "migrations",
    ):
        assert name in tables
    applied = [r[0] for r in conn.execute("SELECT id FROM migrations ORDER BY id")]
    conn.close()
    # Reopening applies nothing twice.
    conn = connect(tmp_path / "b.db")
    assert [r[0] for r in conn.execute("SELECT id FROM migrations ORDER BY id")] == applied
    conn.close()


def test_a_database_that_ran_migration_6_before_the_purge_indexes_gets_them(tmp_path):
    """0006 once ended without queue_reply_item; a database that ran that 0006 gets the
    index from 0007 (an index added to an applied file would never reach it)."""
    conn = connect(tmp_path / "b.db")
    conn.execute("DROP INDEX queue_reply_item")
    conn.execute("DELETE FROM migrations WHERE id = 7")
    conn.close()
    conn = connect(tmp_path / "b.db")
    indexes = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='index'")}
    assert {"queue_reply_item", "queue_previous"} <= indexes
    conn.close()


def test_file_that_is_not_sqlite_is_refused_and_untouched(tmp_path):
    path = tmp_path / "notes.db"
    path.write_bytes(b"hello, this is not a database\n" * 10)
    before = path.read_bytes()
    with pytest.raises(StoreError, match="not a SQLite database"):
        connect(path)
    assert path.read_bytes() == before
    assert not (tmp_path / "notes.db-wal").exists()


def test_database_from_a_newer_version_is_refused(tmp_path):
    path = tmp_path / "b.db"
    conn = connect(path)
    conn.execute("INSERT INTO migrations (id, name) VALUES (9999, 'from_the_future')")
    conn.close()
    with pytest.raises(StoreError, match="newer version of Beffroi"):
        connect(path)


def test_foreign_sqlite_file_is_refused(tmp_path):
    path = tmp_path / "other.db"
    raw = sqlite3.connect(path)
    raw.execute("CREATE TABLE recipes (name TEXT)")
    raw.commit()
    raw.close()
    with pytest.raises(StoreError, match="another program"):
        connect(path)


OTHER_PROCESS_WRITES = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("INSERT INTO meta (key, value) VALUES ('other', 'process')")
conn.close()  # the last connection it knows of: SQLite checkpoints and may delete the WAL
"""


def test_opening_more_connections_keeps_the_first_ones_locks(tmp_path):
    """A POSIX lock belongs to the process: reading the file with a plain open() and close()
    would drop the locks every SQLite connection of this process holds on it. Another
    process would then believe nobody reads the database, delete its WAL, and writes of
    this process would go to a deleted file: lost (SQLite's "How to corrupt", 2.2)."""

    path = tmp_path / "b.db"
    first = connect(path)
    first.execute("INSERT INTO meta (key, value) VALUES ('first', '1')")
    for _ in range(3):
        connect(path, readonly=True).close()  # what every dashboard read does
    subprocess.run([sys.executable, "-c", OTHER_PROCESS_WRITES, str(path)], check=True)
    first.execute("INSERT INTO meta (key, value) VALUES ('after', '2')")
    assert path.with_name("b.db-wal").exists()  # still the WAL the first connection writes to
    check = subprocess.run(
        [sys.executable, "-c",
         "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); "
         "print(sorted(r[0] for r in c.execute('SELECT key FROM meta')))", str(path)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    first.close()
    assert "'after'" in check.stdout and "'other'" in check.stdout, check.stdout


# ------------------------------------------------- damaged, read-only, secure_delete


def _damaged(tmp_path):
    """A real database with 64 KB overwritten in its middle (header intact)."""
    import random

    from tests.pages import ingest_items
    from tests.store.test_privacy import NOW, item

    path = tmp_path / "b.db"
    conn = connect(path)
    for page in range(8):
        ingest_items(
            conn,
            "x_ville",
            "mentions",
            [item(f"{page}-{n}", NOW, handle=f"c{n}", text="rue " * 200) for n in range(100)],
            None,
        )
    conn.close()
    size = path.stat().st_size
    with open(path, "r+b") as f:
        f.seek(size // 2)
        f.write(random.Random(5).randbytes(64 * 1024))
    return path


def test_a_damaged_database_is_refused_in_one_sentence_and_not_written(tmp_path):
    from beffroi.store import DamagedDatabase
    from beffroi.store.connection import _forget_checks

    path = _damaged(tmp_path)
    _forget_checks()
    before = path.read_bytes()
    for readonly in (False, True):
        with pytest.raises(DamagedDatabase) as caught:
            connect(path, readonly=readonly)
        message = str(caught.value)
        assert str(path) in message and "is damaged" in message
        assert "restore the last backup" in message and "beffroi doctor" in message
        assert "\n" not in message
    assert path.read_bytes() == before


def test_quick_check_runs_once_per_process_and_file(tmp_path):
    from beffroi.store.connection import _checked, _forget_checks

    _forget_checks()
    path = tmp_path / "b.db"
    connect(path).close()
    key = str(path.resolve())
    first = _checked[key]
    connect(path).close()
    connect(path, readonly=True).close()
    assert _checked[key] == first  # not measured again: not run again


@pytest.mark.usefixtures("secure_delete_off")
def test_write_connections_set_secure_delete_whatever_the_default(tmp_path):
    conn = connect(tmp_path / "b.db")
    assert conn.execute("PRAGMA secure_delete").fetchone()[0] == 1
    conn.close()


def test_a_missing_folder_is_an_error_and_nothing_is_created(tmp_path):
    target = tmp_path / "absent" / "dir" / "b.db"
    with pytest.raises(StoreError, match="folder of the database does not exist"):
        connect(target)
    assert not (tmp_path / "absent").exists()


@pytest.fixture
def frozen(tmp_path):
    """Make files read-only even for root (chattr +i), undone at the end."""
    done = []

    def freeze(*paths):
        for path in paths:
            if subprocess.run(["chattr", "+i", str(path)], capture_output=True).returncode:
                pytest.skip("chattr +i is not available here")
            done.append(path)

    yield freeze
    for path in reversed(done):
        subprocess.run(["chattr", "-i", str(path)], capture_output=True)


def test_read_only_file_opens_read_only_without_migrating(tmp_path, frozen):
    path = tmp_path / "b.db"
    connect(path).close()
    frozen(path, tmp_path)
    with pytest.raises(StoreError, match="read-only"):
        connect(path)
    conn = connect(path, readonly=True)
    assert conn.execute("SELECT count(*) FROM migrations").fetchone()[0] >= 6
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        conn.execute("INSERT INTO meta (key, value) VALUES ('x', 'y')")
    conn.close()


def test_a_database_that_needs_migrating_says_so_when_opened_read_only(tmp_path):
    path = tmp_path / "b.db"
    connect(path).close()
    conn = sqlite3.connect(path)
    conn.execute("DELETE FROM migrations WHERE id = 7")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with pytest.raises(StoreError, match="needs migrating"):
        connect(path, readonly=True)
    assert path.read_bytes() == before
