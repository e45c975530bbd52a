"""Opening the database: checks, pragmas and migrations.

Every connection uses WAL (readers never block the writer), a busy timeout (two processes
writing at once wait instead of failing) and foreign keys. A file that is not a Beffroi
SQLite database, or one written by a newer Beffroi, is refused before anything is written.
"""

from __future__ import annotations

import sqlite3
from contextlib import contextmanager
from importlib import resources
from pathlib import Path

from beffroi.errors import BeffroiError

BUSY_TIMEOUT_MS = 15_000


class StoreError(BeffroiError):
    """The database cannot be used; the message says why in one sentence."""


def _migration_files() -> list[tuple[int, str, str]]:
    folder = resources.files("beffroi.store") / "migrations"
    found = []
    for entry in folder.iterdir():
        name = entry.name
        if name.endswith(".sql") and name[:4].isdigit():
            found.append((int(name[:4]), name[:-4], entry.read_text(encoding="utf-8")))
    found.sort()
    numbers = [n for n, _, _ in found]
    if len(numbers) != len(set(numbers)):
        raise StoreError(f"two migrations share a number: {numbers}")
    return found


def _check_file(path: Path) -> None:
    """Refuse a folder early. The file itself is never opened here: a plain open() and
    close() of a database file drops every POSIX lock this process's SQLite connections
    hold on it, so another process could delete the WAL they write to (lost writes; see
    SQLite's "How To Corrupt An SQLite Database File", 2.2). SQLite reads the header."""
    if path.is_dir():
        raise StoreError(f"{path} is a folder, not a database file")


def _configure(conn: sqlite3.Connection, readonly: bool) -> None:
    conn.row_factory = sqlite3.Row
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA foreign_keys = ON")
    if not readonly:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")


def connect(
    path: str | Path, *, readonly: bool = False, migrate: bool = True
) -> sqlite3.Connection:
    """Open (and by default migrate) the database at ``path``.

    Connections are in autocommit mode (``isolation_level=None``): writers open explicit
    ``BEGIN IMMEDIATE`` transactions through :func:`transaction`, so the write lock is taken
    up front and two writers queue on the busy timeout instead of deadlocking.
    """
    path = Path(path)
    _check_file(path)
    if readonly:
        if not path.exists():
            raise StoreError(f"database not found: {path}")
        conn = sqlite3.connect(
            f"file:{path.resolve()}?mode=ro",
            uri=True,
            isolation_level=None,
            check_same_thread=False,
        )
    else:
        if not path.parent.exists():
            raise StoreError(f"folder does not exist for the database: {path.parent}")
        conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    try:
        _configure(conn, readonly)
        if migrate and not readonly:
            apply_migrations(conn)
        else:
            check_version(conn)
    except sqlite3.DatabaseError as exc:
        conn.close()
        if "file is not a database" in str(exc):
            # SQLite stops at the header: nothing was written to the file.
            raise StoreError(f"{path} is not a SQLite database; refusing to touch it") from None
        raise StoreError(f"{path} cannot be used as a Beffroi database: {exc}") from None
    except StoreError:
        conn.close()
        raise
    return conn


@contextmanager
def transaction(conn: sqlite3.Connection):
    """One write transaction, taken immediately; commits on success, rolls back on error."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    else:
        conn.execute("COMMIT")


def _applied(conn: sqlite3.Connection) -> set[int]:
    exists = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type='table' AND name='migrations'"
    ).fetchone()
    if not exists:
        other = conn.execute(
            "SELECT count(*) FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
        ).fetchone()[0]
        if other:
            raise StoreError("this SQLite file belongs to another program (no Beffroi tables)")
        return set()
    return {row[0] for row in conn.execute("SELECT id FROM migrations")}


def check_version(conn: sqlite3.Connection) -> None:
    known = {n for n, _, _ in _migration_files()}
    applied = _applied(conn)
    newer = applied - known
    if newer:
        raise StoreError(
            f"this database was written by a newer version of Beffroi (migration {max(newer)}); "
            "upgrade Beffroi before using it"
        )


def apply_migrations(conn: sqlite3.Connection) -> list[str]:
    """Apply each migration not applied yet, in order, each in its own transaction."""
    check_version(conn)
    done: list[str] = []
    for number, name, sql in _migration_files():
        with transaction(conn):
            # Re-read inside the write lock: another process may have just migrated.
            if number in _applied(conn):
                continue
            if number == 1:
                conn.execute(
                    "CREATE TABLE IF NOT EXISTS migrations (id INTEGER PRIMARY KEY, name TEXT NOT NULL,"
                    " applied_at TEXT NOT NULL DEFAULT (datetime('now')))"
                )
            for statement in _split_sql(sql):
                conn.execute(statement)
            conn.execute("INSERT INTO migrations (id, name) VALUES (?, ?)", (number, name))
            done.append(name)
    return done


def _split_sql(script: str) -> list[str]:
    """Split a migration into statements (executescript would commit our transaction)."""
    statements, buffer = [], ""
    for line in script.splitlines(keepends=True):
        if line.strip().startswith("--") and not buffer.strip():
            continue
        buffer += line
        if sqlite3.complete_statement(buffer):
            statements.append(buffer.strip())
            buffer = ""
    if buffer.strip():
        statements.append(buffer.strip())
    return statements


@contextmanager
def opened(path: str | Path, **kwargs):
    conn = connect(path, **kwargs)
    try:
        yield conn
    finally:
        conn.close()
