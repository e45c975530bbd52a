"""A start on an unchanged file does not read it again; any change, or damage, still does.

Each "start" is a new process's view: ``_forget_checks()`` drops what this process knows,
as a fresh process would not know it; only the memo (outside the database) remains.
"""

from __future__ import annotations

import os
import random
import shutil
import threading

import pytest

from beffroi.store import (
    DamagedDatabase,
    StoreError,
    await_check,
    check_in_background,
    check_memo,
    check_state,
    connect,
    set_meta,
    transaction,
)
from beffroi.store.connection import _checked, _forget_checks
from tests.store.test_connection import _damaged


def _start(path, **kwargs):
    """What a new process does: open the file (and close it); True if it was read."""
    _forget_checks()
    connect(path, **kwargs).close()
    return _checked[str(path.resolve())] > 0.0


def _sound(tmp_path):
    path = tmp_path / "b.db"
    conn = connect(path)
    set_meta(conn, "k", "v")
    conn.close()
    return path


def test_an_unchanged_file_is_not_read_again_and_the_memo_is_not_in_the_database(tmp_path):
    path = _sound(tmp_path)
    assert _start(path)  # the write above changed the file: checked again
    before = path.read_bytes()
    assert not _start(path)
    assert not _start(path, readonly=True)
    assert path.read_bytes() == before
    memo = check_memo._memo_path(path)
    assert memo.is_file() and not memo.is_relative_to(tmp_path)


def test_starts_beside_a_running_service_are_not_read_again(tmp_path):
    """While another connection keeps a WAL with frames in it (the running service), each
    start opens that WAL; SQLite run as root then `fchown`s it to the database's owner,
    which moves its status-change time and nothing else. Found at 1M items: every
    `beffroi report` beside the service re-read the whole file (3.2 s of CPU)."""
    path = _sound(tmp_path)
    service = connect(path)
    service.execute("PRAGMA wal_autocheckpoint = 0")
    set_meta(service, "k", "w")  # frames in the WAL, kept while the service is open
    try:
        assert _start(path)  # the write above: checked again, once
        assert not _start(path, readonly=True)
        assert not _start(path, readonly=True)
        assert not _start(path)
    finally:
        service.close()


def test_any_write_means_the_next_start_checks_again(tmp_path):
    path = _sound(tmp_path)
    _start(path)
    conn = connect(path)
    set_meta(conn, "k", "w")
    conn.close()
    assert _start(path)


def test_damage_after_a_passing_check_is_found_even_with_its_times_put_back(tmp_path):
    sound = tmp_path / "sound.db"
    conn = connect(sound)
    for n in range(300):
        set_meta(conn, f"k{n}", "rue " * 200)
    conn.close()
    assert _start(sound)
    assert not _start(sound)
    st = sound.stat()
    size = st.st_size
    with open(sound, "r+b") as f:
        f.seek(size // 2)
        f.write(random.Random(5).randbytes(64 * 1024))
    os.utime(sound, ns=(st.st_atime_ns, st.st_mtime_ns))  # touch -d: mtime back, not ctime
    assert sound.stat().st_size == size and sound.stat().st_mtime_ns == st.st_mtime_ns
    _forget_checks()
    with pytest.raises(StoreError, match="damaged|malformed"):  # the schema may be hit first
        connect(sound)


def test_a_damaged_copy_in_place_of_a_checked_file_is_found(tmp_path):
    path = _damaged(tmp_path)
    sound = tmp_path / "sound.db"
    conn = connect(sound)
    set_meta(conn, "k", "v")
    conn.close()
    _start(sound)
    shutil.copyfile(path, tmp_path / "copy.db")
    os.replace(tmp_path / "copy.db", sound)  # another inode where the checked file was
    _forget_checks()
    with pytest.raises(StoreError, match="damaged|malformed"):  # the schema may be hit first
        connect(sound)


def test_no_memo_when_the_state_folder_cannot_be_written(tmp_path, monkeypatch):
    path = _sound(tmp_path)
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    monkeypatch.setenv("XDG_STATE_HOME", str(blocker))
    assert _start(path) and _start(path)  # no memo: every start checks, nothing fails


def test_background_check_of_a_damaged_file_refuses_writes_then_everything(tmp_path):
    path = _damaged(tmp_path)
    _forget_checks()
    before = path.read_bytes()
    check_in_background(path)
    try:  # opens at once while the check runs (refused if it already ended)
        writer = connect(path, migrate=False)
    except DamagedDatabase:
        writer = None
    if writer is not None:
        with pytest.raises(DamagedDatabase):  # the write waits for the check, then is refused
            with transaction(writer):
                writer.execute("INSERT INTO meta (key, value) VALUES ('x', 'y')")
        writer.close()
    assert isinstance(await_check(path, 60), DamagedDatabase)
    assert isinstance(check_state(path), DamagedDatabase)
    with pytest.raises(StoreError, match="is damaged"):
        connect(path, readonly=True)
    assert path.read_bytes() == before
    _forget_checks()


def test_background_check_of_a_sound_file_lets_writes_through_after_it(tmp_path):
    path = _sound(tmp_path)
    conn = connect(path)
    for n in range(2000):
        set_meta(conn, f"k{n}", "rue " * 100)
    conn.close()
    _forget_checks()
    check_in_background(path)
    assert check_state(path) in ("running", "passed")
    writer = connect(path, migrate=False)
    done = threading.Event()

    def write():
        with transaction(writer):
            writer.execute("INSERT INTO meta (key, value) VALUES ('after', 'check')")
        done.set()

    thread = threading.Thread(target=write)
    thread.start()
    thread.join(60)
    assert done.is_set()
    assert await_check(path, 0) == "passed"
    writer.close()


def test_a_background_check_of_a_file_not_yet_created_leaves_it_to_connect(tmp_path):
    """The dashboard on a new database: nothing to check; connect() creates and checks it."""
    path = tmp_path / "new.db"
    _forget_checks()
    check_in_background(path)
    assert check_state(path) == "unknown"
    conn = connect(path)
    with transaction(conn):
        conn.execute("INSERT INTO meta (key, value) VALUES ('a', 'b')")
    conn.close()
    assert check_state(path) == "passed"
