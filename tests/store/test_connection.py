import sqlite3
import subprocess
import sys

import pytest

from beffroi.store import StoreError, connect


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


def test_opening_again_keeps_the_locks_of_open_connections(tmp_path):
    """Reading the header with open()/close() would drop every POSIX lock this process holds
    on the file (SQLite's documented hazard): another process closing its connection then
    deletes the WAL and shared memory under our open connections, and the dashboard answers
    "database disk image is malformed" until restarted."""
    path = tmp_path / "b.db"
    held = connect(path)
    again = connect(path, readonly=True)  # what every cached dashboard read does
    other = (
        "import sqlite3, sys; c = sqlite3.connect(sys.argv[1], isolation_level=None);"
        "c.execute('PRAGMA journal_mode = WAL'); c.execute('SELECT count(*) FROM migrations');"
        "c.close()"
    )
    subprocess.run([sys.executable, "-c", other, str(path)], check=True, timeout=30)
    assert (tmp_path / "b.db-wal").exists() and (tmp_path / "b.db-shm").exists()
    assert again.execute("SELECT count(*) FROM migrations").fetchone()[0] > 0
    held.close()
    again.close()
