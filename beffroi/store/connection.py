"""Opening the database: checks, pragmas and migrations.

Every connection uses WAL (readers never block the writer), a busy timeout (two processes
writing at once wait instead of failing), foreign keys and ``secure_delete`` (a deleted or
overwritten row is zeroed in the file, so an erased citizen cannot be read back from free
pages, whatever default this machine's SQLite was built with). A file that is not a
Beffroi SQLite database, a damaged one (``PRAGMA quick_check``, once per process and
file, skipped when the file is exactly as its last passing check saw it: see
:mod:`beffroi.store.check_memo`), or one written by a newer Beffroi, is refused before
anything is written.

A long-lived process whose first screen must not wait for the check (the dashboard) starts
it in the background (:func:`check_in_background`): reads go on meanwhile, and every write
transaction (:func:`transaction`) waits for the check and is refused if it failed.

Read-only opening (``readonly=True``: ``inbox status``, ``report``, ``doctor``, the
dashboard's reads) uses a ``mode=ro`` URI and never migrates: it works on a file the user
may not write, and a database that needs migrating says so instead of being changed.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from contextlib import contextmanager
from importlib import resources
from pathlib import Path

from beffroi.errors import BeffroiError
from beffroi.store import check_memo

BUSY_TIMEOUT_MS = 15_000
RECOVERY_HINT = "restore the last backup, or run `beffroi doctor` to see what is wrong"

# Files whose quick_check passed in this process (resolved path -> seconds it took; 0.0
# when the memo vouched for the unchanged file), checks under way in the background, and
# files found damaged (the sentence, raised again at every later connection or write).
_checked: dict[str, float] = {}
_pending: dict[str, threading.Event] = {}
_failed: dict[str, StoreError] = {}
_checked_lock = threading.Lock()


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


class DamagedDatabase(StoreError):
    """``PRAGMA quick_check`` found the file damaged; nothing was written to it."""


def _check_writable(path: Path) -> None:
    """A command that writes refuses a file (or folder) it may not write, before SQLite
    opens it read-only behind its back and fails half-way with a traceback."""
    folder = path.parent
    if not folder.exists():
        raise StoreError(
            f"the folder of the database does not exist: {folder} "
            "(create it or correct database.path; nothing was created)"
        )
    if path.exists() and not os.access(path, os.W_OK):
        raise StoreError(f"{path} is read-only and this command writes to it; nothing was changed")
    if not os.access(folder, os.W_OK):
        raise StoreError(
            f"the folder {folder} is read-only, and SQLite must write its journal beside "
            "the database; nothing was changed"
        )


def quick_check(
    conn: sqlite3.Connection, path: Path, *, force: bool = False, wait: bool = True
) -> None:
    """Run ``PRAGMA quick_check`` once per process and file; raise DamagedDatabase.

    Damage shows either as quick_check's own report or as SQLite refusing to read a page
    ("database disk image is malformed"); both become one sentence naming the file. A file
    the memo recalls unchanged since its last passing check is not read again. When a
    background check of the file is under way, ``wait`` says whether to wait for it
    (writers) or go on (readers).
    """
    key = str(path.resolve())
    with _checked_lock:
        if key in _failed:
            raise _failed[key]
        if key in _checked and not force:
            return
        pending = _pending.get(key)
    if pending is not None and not force:
        if wait:
            pending.wait()
            quick_check(conn, path, wait=False)  # raises what the background check found
        return
    if not force and check_memo.recalls(path):
        with _checked_lock:
            _checked[key] = 0.0
        return
    _run_check(conn, path, key)


def _run_check(conn: sqlite3.Connection, path: Path, key: str) -> None:
    seen = check_memo.identity(path)
    started = time.perf_counter()
    try:
        rows = [r[0] for r in conn.execute("PRAGMA quick_check(1)")]
    except sqlite3.DatabaseError as exc:
        if "file is not a database" in str(exc):
            raise
        if isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc):
            raise  # busy, not damaged: connect() says the file cannot be used now
        rows = [str(exc)]
    if rows != ["ok"]:
        detail = " ".join(rows[0].replace("***", " ").split())
        raise DamagedDatabase(
            f"the database {path} is damaged ({detail}); nothing was written: " + RECOVERY_HINT
        )
    seconds = time.perf_counter() - started
    check_memo.remember(path, seen, seconds)
    with _checked_lock:
        _checked[key] = seconds


def check_in_background(path: str | Path) -> None:
    """Start this file's quick_check on a thread of its own (read-only connection), unless
    it passed already in this process or the memo recalls the file unchanged. Until it
    ends, readers go on and writers wait; if it fails, both are refused with its sentence.
    """
    path = Path(path)
    if not path.is_file():
        return  # nothing to check yet: connect() creates it (and checks it, at once)
    key = str(path.resolve())
    with _checked_lock:
        if key in _checked or key in _failed or key in _pending:
            return
    if check_memo.recalls(path):
        with _checked_lock:
            _checked[key] = 0.0
        return
    done = threading.Event()
    with _checked_lock:
        _pending[key] = done

    def work() -> None:
        try:
            conn = _open_readonly(path)
            try:
                _run_check(conn, path, key)
            finally:
                conn.close()
        except StoreError as exc:
            with _checked_lock:
                _failed[key] = exc
        except sqlite3.DatabaseError as exc:
            with _checked_lock:
                _failed[key] = StoreError(f"{path} cannot be used as a Beffroi database: {exc}")
        finally:
            with _checked_lock:
                _pending.pop(key, None)
            done.set()

    threading.Thread(target=work, name="beffroi-quick-check", daemon=True).start()


def check_state(path: str | Path) -> str | StoreError:
    """``"passed"``, ``"running"``, ``"unknown"`` (never checked in this process) or the
    error a failed check found: what a screen shows while the background check runs."""
    key = str(Path(path).resolve())
    with _checked_lock:
        if key in _failed:
            return _failed[key]
        if key in _checked:
            return "passed"
        return "running" if key in _pending else "unknown"


def await_check(path: str | Path, seconds: float) -> str | StoreError:
    """Wait at most ``seconds`` for a background check of ``path``; its ``check_state``."""
    with _checked_lock:
        pending = _pending.get(str(Path(path).resolve()))
    if pending is not None:
        pending.wait(seconds)
    return check_state(path)


def _wait_for_check(conn: sqlite3.Connection) -> None:
    """Before a write: wait for the background check of ``conn``'s file, if one runs."""
    if not _pending and not _failed:
        return
    row = conn.execute("PRAGMA database_list").fetchone()
    if row is None or not row[2]:
        return
    quick_check(conn, Path(row[2]), wait=True)


def _forget_checks() -> None:
    """Tests that damage a file this process already checked call this."""
    with _checked_lock:
        _checked.clear()
        _failed.clear()


def _configure(conn: sqlite3.Connection, readonly: bool) -> None:
    conn.row_factory = sqlite3.Row
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA foreign_keys = ON")
    if not readonly:
        conn.execute("PRAGMA secure_delete = ON")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")


def connect(
    path: str | Path, *, readonly: bool = False, migrate: bool = True, check: bool = True
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
        conn = _open_readonly(path)
    else:
        _check_writable(path)
        conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    try:
        _configure(conn, readonly)
        if check:
            # While a background check runs, a connection opens at once; its writes wait.
            quick_check(conn, path, wait=False)
        if migrate and not readonly:
            apply_migrations(conn)
        else:
            check_version(conn, readonly=readonly)
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


def _open_readonly(path: Path) -> sqlite3.Connection:
    """``mode=ro``; in a folder nobody may write (a read-only mount), a WAL database whose
    ``-shm`` cannot be created is opened ``immutable=1``: nobody can change it there."""
    uri = f"file:{path.resolve()}?mode=ro"
    conn = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
    if os.access(path.parent, os.W_OK) or Path(f"{path}-shm").exists():
        return conn
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return conn
    except sqlite3.OperationalError:
        conn.close()
    return sqlite3.connect(
        uri + "&immutable=1", uri=True, isolation_level=None, check_same_thread=False
    )


@contextmanager
def transaction(conn: sqlite3.Connection):
    """One write transaction, taken immediately; commits on success, rolls back on error.

    While the file's background check runs, it waits for it (and is refused if it failed)."""
    _wait_for_check(conn)
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    else:
        conn.execute("COMMIT")


def one_row(conn: sqlite3.Connection, sql: str, params: tuple, missing: Exception) -> sqlite3.Row:
    """The row ``sql`` selects, or ``missing`` raised: what a person asked about is gone (a
    message closed meanwhile, an invitation erased), said by the room's own French error."""
    row = conn.execute(sql, params).fetchone()
    if row is None:
        raise missing
    return row


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


def check_version(conn: sqlite3.Connection, *, readonly: bool = False) -> None:
    """Refuse a database written by a newer Beffroi; opened read-only, also one that needs
    migrating (a read-only command must not change it, and its queries would fail)."""
    known = {n for n, _, _ in _migration_files()}
    applied = _applied(conn)
    newer = applied - known
    if newer:
        raise StoreError(
            f"this database was written by a newer version of Beffroi (migration {max(newer)}); "
            "upgrade Beffroi before using it"
        )
    missing = known - applied
    if readonly and missing:
        raise StoreError(
            "this database needs migrating to this version of Beffroi "
            f"(migration {min(missing)} not applied yet); run a command that writes, such "
            "as `beffroi init`, with write access to it first"
        )


def apply_migrations(conn: sqlite3.Connection) -> list[str]:
    """Apply each migration not applied yet, in order, each in its own transaction."""
    check_version(conn)
    done: list[str] = []
    applied = _applied(conn)
    for number, name, sql in _migration_files():
        if number in applied:
            continue  # no write transaction for nothing (it would wait for a running check)
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
