"""Every bad input is one sentence, a non-zero exit, and nothing changed.

A table of bad inputs across every command and the configuration. Each case runs
``beffroi.cli.main.main`` in-process (a few as real subprocesses, at the end) and asserts:
an exit code other than 0 (and other than 70, the last-resort handler's code for a bug),
exactly one line on stderr starting with ``beffroi:``, no traceback, and every file of the
case's folder (configuration, database, WAL) byte-identical afterwards, with no file
added or removed.
"""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import socket
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from beffroi.cli.main import main
from beffroi.collectors import Author, Item
from beffroi.store import connect, transaction
from beffroi.store.connection import _forget_checks
from tests.pages import ingest_items

BASE = '[city]\nname = "Ville"\n[database]\npath = "b.db"\n'
ACC = '[[accounts]]\nkey = "x_ville"\nnetwork = "x"\nhandle = "villedemarcq"\ntoken_env = "BEFFROI_X_TOKEN"\n'
GOOD_CONFIG = BASE + ACC
EMPTY = hashlib.sha256(b"").hexdigest()
PASSWORD = {"BEFFROI_NEW_PASSWORD": "un mot de passe solide"}

BAD_CONFIGS = {
    "empty": "",
    "no_city": '[database]\npath = "b.db"\n',
    "city_name_int": "[city]\nname = 42\n",
    "tz": BASE.replace('name = "Ville"', 'name = "Ville"\ntimezone = "Mars/Olympus"'),
    "unknown_city_key": BASE.replace('name = "Ville"', 'name = "Ville"\nbogus = 1'),
    "unknown_section": "bogus = 1\n" + BASE,
    "db_path_int": '[city]\nname = "V"\n[database]\npath = 12\n',
    "db_path_empty": '[city]\nname = "V"\n[database]\npath = ""\n',
    "acc_missing_network": BASE + '[[accounts]]\nkey = "a"\nhandle = "h"\n',
    "acc_bad_network": BASE + '[[accounts]]\nkey = "a"\nnetwork = "myspace"\nhandle = "h"\n',
    "acc_interval_str": BASE + ACC + 'interval_minutes = "five"\n',
    "acc_interval_neg": BASE + ACC + "interval_minutes = -5\n",
    "acc_interval_zero": BASE + ACC + "interval_minutes = 0\n",
    "acc_interval_inf": BASE + ACC + "interval_minutes = inf\n",
    "acc_interval_nan": BASE + ACC + "interval_minutes = nan\n",
    "acc_streams_str": BASE + ACC + 'streams = "mentions"\n',
    "acc_unknown_key": BASE + ACC + 'colour = "blue"\n',
    "acc_dup_key": BASE + ACC + ACC,
    "acc_missing_key": BASE + '[[accounts]]\nnetwork = "x"\nhandle = "h"\n',
    "accounts_str": 'accounts = "x"\n' + BASE,
    "sla_str": BASE + '[sla]\nurgent_minutes = "fast"\n',
    "sla_neg": BASE + "[sla]\nurgent_minutes = -1\n",
    "retention_small": BASE + "[retention]\nitems_days = 1\n",
    "retention_str": BASE + '[retention]\nitems_days = "forever"\n',
    "retention_float": BASE + "[retention]\nitems_days = 1e400\n",
    "bh_start": BASE + '[business_hours]\nstart = "8h"\n',
    "bh_days": BASE + '[business_hours]\ndays = ["lundi"]\n',
    "bh_end_before_start": BASE + "[business_hours]\nstart = 18:00:00\nend = 08:00:00\n",
    "bh_closure": BASE + '[business_hours]\nclosures = ["demain"]\n',
    "smtp_port": BASE + '[smtp]\nhost = "localhost"\nport = "abc"\n',
    "service_missing_name": BASE + '[[services]]\nkey = "voirie"\n',
    "triage_str": BASE + '[triage]\nurgent_keywords = "danger"\n',
    "city_is_array": 'city = [1, 2]\n[database]\npath = "b.db"\n',
    "database_str": '[city]\nname = "V"\ndatabase = "b.db"\n',
    "reports_recipients": BASE + '[reports]\nrecipients = "dg@example.org"\n',
    "alerts_unknown": BASE + "[alerts]\nbogus = true\n",
    "engagement_window": BASE + "[engagement]\nwindow_days = -3\n",
    "scheduler_zero": BASE + "[scheduler]\nheartbeat_seconds = 0\n",
    "toml_unclosed_table": '[city\nname = "V"\n',
    "toml_dup_key": '[city]\nname = "V"\nname = "W"\n',
    "toml_bare_value": "[city]\nname = V\n",
    "toml_unterminated": '[city]\nname = "V\n',
    "toml_garbage": "not toml at all [\n",
    "toml_dup_table": BASE + '[city]\nname = "W"\n',
    "toml_bad_date": BASE + "[business_hours]\nclosures = [2026-13-45]\n",
}

# Commands that open the database (most of them write), for the database states below.
DATABASE_COMMANDS = {
    "collect": ["collect"],
    "staff_add": ["staff", "add", "claire", "--role", "admin"],
    "staff_list": ["staff", "list"],
    "run": ["run", "--only", "heartbeat"],
    "report": ["report", "--out", "{dir}/r.csv", "--format", "csv"],
    "erase": ["privacy", "erase", "--member", "1"],
    "purge": ["privacy", "purge"],
    "export": ["privacy", "export", "--member", "1", "--out", "{dir}"],
    "inbox_status": ["inbox", "status"],
    "inbox_sweep": ["inbox", "sweep"],
    "init": ["init"],
}
READ_ONLY_COMMANDS = {"report", "inbox_status"}  # they work on a read-only file
DATABASE_STATES = ("damaged", "not_sqlite", "newer", "folder", "missing_folder", "read_only")

# Bad arguments, on a sound database and configuration.
BAD_ARGUMENTS = {
    "unknown_command": ["frobnicate"],
    "unknown_option": ["--frobnicate"],
    "init_two_paths": ["init", "a.toml", "b.toml"],
    "collect_no_network": ["collect", "--network"],
    "collect_unknown_network": ["collect", "--network", "myspace"],
    "collect_unknown_option": ["collect", "--bogus"],
    "collect_db_missing_folder": ["collect", "--db", "/nonexistent/dir/b.db"],
    "collect_db_folder": ["collect", "--db", "{dir}"],
    "staff_no_action": ["staff"],
    "staff_unknown_action": ["staff", "remove", "claire"],
    "staff_add_no_name": ["staff", "add"],
    "staff_add_no_role": ["staff", "add", "claire"],
    "staff_add_bad_role": ["staff", "add", "claire", "--role", "king"],
    "staff_add_empty": ["staff", "add", "", "--role", "admin"],
    "staff_add_blank": ["staff", "add", "   ", "--role", "admin"],
    "staff_add_space_before": ["staff", "add", " claire", "--role", "admin"],
    "staff_add_space_after": ["staff", "add", "claire ", "--role", "admin"],
    "staff_add_space_inside": ["staff", "add", "claire dupont", "--role", "admin"],
    "staff_add_tab": ["staff", "add", "claire\t", "--role", "admin"],
    "staff_add_newline": ["staff", "add", "cla\nire", "--role", "admin"],
    "staff_add_control": ["staff", "add", "cla\x07ire", "--role", "admin"],
    "staff_add_10000": ["staff", "add", "a" * 10_000, "--role", "admin"],
    "staff_add_65": ["staff", "add", "a" * 65, "--role", "admin"],
    "staff_add_name_empty": ["staff", "add", "claire", "--role", "admin", "--name", ""],
    "staff_add_name_10000": ["staff", "add", "claire", "--role", "admin", "--name", "C" * 10_000],
    "staff_add_name_control": ["staff", "add", "claire", "--role", "admin", "--name", "C\x1bD"],
    "staff_add_email_bad": ["staff", "add", "claire", "--role", "admin", "--email", "pas-un-mail"],
    "staff_add_email_empty": ["staff", "add", "claire", "--role", "admin", "--email", ""],
    "staff_list_extra": ["staff", "list", "extra"],
    "demo_port_text": ["demo", "--port", "abc"],
    "demo_mail_port_text": ["demo", "--mail-port", "abc"],
    "run_every_nan": ["run", "--collect-every", "nan"],
    "run_every_inf": ["run", "--collect-every", "inf"],
    "run_every_minus_inf": ["run", "--collect-every", "-inf"],
    "run_every_zero": ["run", "--collect-every", "0"],
    "run_every_negative": ["run", "--collect-every", "-5"],
    "run_every_tiny": ["run", "--collect-every", "1e-9"],
    "run_every_huge": ["run", "--collect-every", "1e12"],
    "run_every_text": ["run", "--collect-every", "souvent"],
    "run_every_empty": ["run", "--collect-every", ""],
    "run_only_comma": ["run", "--only", ","],
    "run_only_blank": ["run", "--only", " , "],
    "run_only_empty": ["run", "--only", ""],
    "run_only_unknown": ["run", "--only", "collect,bogus"],
    "run_db_missing_folder": ["run", "--db", "/nonexistent/dir/b.db"],
    "run_db_folder": ["run", "--db", "{dir}"],
    "report_no_out": ["report"],
    "report_date_9999": ["report", "--out", "{dir}/r.pdf", "--date", "9999-12-31"],
    "report_date_0001": ["report", "--out", "{dir}/r.pdf", "--date", "0001-01-01"],
    "report_date_word": ["report", "--out", "{dir}/r.pdf", "--date", "hier"],
    "report_date_feb30": ["report", "--out", "{dir}/r.pdf", "--date", "2026-02-30"],
    "report_date_empty": ["report", "--out", "{dir}/r.pdf", "--date", ""],
    "report_period_year": ["report", "--out", "{dir}/r.pdf", "--period", "year"],
    "report_format_xls": ["report", "--out", "{dir}/r.xls", "--format", "xls"],
    "report_out_folder": ["report", "--out", "{dir}"],
    "report_out_missing_folder": ["report", "--out", "/nonexistent/dir/r.pdf"],
    "report_out_proc": ["report", "--out", "/proc/r.pdf", "--format", "csv"],
    "doctor_unknown_network": ["doctor", "--network", "myspace"],
    "doctor_unknown_option": ["doctor", "--bogus"],
    "dashboard_port_zero": ["dashboard", "--port", "0"],
    "dashboard_port_big": ["dashboard", "--port", "70000"],
    "dashboard_port_text": ["dashboard", "--port", "abc"],
    "dashboard_port_negative": ["dashboard", "--port", "-1"],
    "dashboard_host_256": ["dashboard", "--host", "256.1.1.1"],
    "dashboard_host_empty": ["dashboard", "--host", ""],
    "dashboard_host_blank": ["dashboard", "--host", "  "],
    "dashboard_host_space_before": ["dashboard", "--host", " 127.0.0.1"],
    "dashboard_host_url": ["dashboard", "--host", "http://localhost"],
    "dashboard_host_with_port": ["dashboard", "--host", "127.0.0.1:8501"],
    "dashboard_host_unknown_name": ["dashboard", "--host", "mairie.invalid"],
    "dashboard_host_bad_ipv6": ["dashboard", "--host", "::g"],
    "dashboard_host_elsewhere": ["dashboard", "--host", "192.0.2.1"],  # TEST-NET-1: not ours
    "dashboard_host_too_long": ["dashboard", "--host", "a" * 300],
    "privacy_no_action": ["privacy"],
    "privacy_unknown_action": ["privacy", "forget"],
    "erase_nobody": ["privacy", "erase"],
    "erase_both": ["privacy", "erase", "--member", "1", "--handle", "x:a"],
    "erase_handle_no_network": ["privacy", "erase", "--handle", "jeanne"],
    "erase_handle_empty_network": ["privacy", "erase", "--handle", ":jeanne"],
    "erase_handle_empty_handle": ["privacy", "erase", "--handle", "x:"],
    "erase_handle_only_at": ["privacy", "erase", "--handle", "x:@"],
    "erase_handle_unknown": ["privacy", "erase", "--handle", "x:personne"],
    "erase_member_unknown": ["privacy", "erase", "--member", "424242"],
    "erase_member_text": ["privacy", "erase", "--member", "un"],
    "export_nobody": ["privacy", "export"],
    "export_unknown": ["privacy", "export", "--handle", "x:personne", "--out", "{dir}"],
    "export_out_missing": ["privacy", "export", "--member", "1", "--out", "/nonexistent/dir"],
    "export_out_file": ["privacy", "export", "--member", "1", "--out", "{dir}/b.toml"],
    "purge_extra": ["privacy", "purge", "now"],
    "inbox_no_action": ["inbox"],
    "inbox_unknown_action": ["inbox", "empty"],
    "inbox_db_missing": ["inbox", "status", "--db", "/nonexistent/dir/b.db"],
    "inbox_db_folder": ["inbox", "status", "--db", "{dir}"],
    "inbox_sweep_db_missing_folder": ["inbox", "sweep", "--db", "/nonexistent/dir/b.db"],
    "config_missing": ["--config", "{dir}/absent.toml", "staff", "list"],
    "config_folder": ["--config", "{dir}", "staff", "list"],
    "config_unreadable": ["--config", "/proc/self/mem", "staff", "list"],
    "config_option_no_value": ["staff", "list", "--config"],
}

CONFIG_COMMANDS = {
    "staff_list": ["staff", "list"],
    "report": ["report", "--out", "{dir}/r.csv", "--format", "csv"],
    "inbox_status": ["inbox", "status"],
}

CASES: list[tuple[str, str, str | bytes, list[str], dict]] = []
for state in DATABASE_STATES:
    for name, argv in DATABASE_COMMANDS.items():
        if state == "read_only" and name in READ_ONLY_COMMANDS:
            continue
        if state == "missing_folder" and name == "init":
            continue  # init creates the folder, and says so
        env = PASSWORD if name == "staff_add" else {}
        CASES.append((f"db_{state}-{name}", state, GOOD_CONFIG, argv, env))
for name, argv in BAD_ARGUMENTS.items():
    env = {} if name == "staff_add_no_terminal" else PASSWORD
    CASES.append((f"arg-{name}", "sound", GOOD_CONFIG, argv, env))
CASES.append(
    (
        "arg-staff_add_no_terminal",
        "sound",
        GOOD_CONFIG,
        ["staff", "add", "claire", "--role", "admin"],
        {},
    )
)
CASES.append(
    (
        "arg-staff_add_short_password",
        "sound",
        GOOD_CONFIG,
        ["staff", "add", "claire", "--role", "admin"],
        {"BEFFROI_NEW_PASSWORD": "court"},
    )
)
for cname, text in BAD_CONFIGS.items():
    for name, argv in CONFIG_COMMANDS.items():
        CASES.append((f"config_{cname}-{name}", "sound", text, argv, {}))
CASES.append(
    ("config_not_utf8-staff_list", "sound", b'[city]\nname = "Vill\xe9"\n', ["staff", "list"], {})
)


def _template(folder: Path, items: int) -> Path:
    path = folder / "b.db"
    conn = connect(path)
    rng = random.Random(7)
    now = datetime(2026, 11, 30, 9, tzinfo=UTC)
    for page in range(items // 200):
        ingest_items(
            conn,
            "x_ville",
            "mentions",
            [
                Item(
                    "x", "x_ville", f"{page}-{n}", "mention", "in",
                    " ".join(rng.choice(("bus", "rue", "école", "marché", "parc", "voirie")) for _ in range(30)),
                    now - timedelta(minutes=page * 200 + n), Author("x", f"{n % 50}", f"citoyen{n % 50}", None),
                )
                for n in range(200)
            ],
            None,
        )  # fmt: skip
    conn.close()
    return path


@pytest.fixture(scope="module")
def templates(tmp_path_factory):
    folder = tmp_path_factory.mktemp("templates")
    sound = _template(folder, 2_000)
    damaged = folder / "damaged.db"
    shutil.copyfile(sound, damaged)
    size = damaged.stat().st_size
    assert size > 256 * 1024
    with open(damaged, "r+b") as f:  # 64 KB in the middle, the header intact
        f.seek(size // 2)
        f.write(random.Random(3).randbytes(64 * 1024))
    newer = folder / "newer.db"
    shutil.copyfile(sound, newer)
    conn = connect(newer)
    with transaction(conn):
        conn.execute("INSERT INTO migrations (id, name) VALUES (9999, '9999_future')")
    conn.close()
    return {"sound": sound, "damaged": damaged, "newer": newer}


def _prepare(folder: Path, state: str, config: str | bytes, templates) -> list[Path]:
    """Lay the case's files in ``folder``; return the paths made read-only to undo."""
    cfg = folder / "b.toml"
    text = config if isinstance(config, bytes) else config.encode("utf-8")
    if state == "missing_folder":
        text = text.replace(b'path = "b.db"', b'path = "absent/dir/b.db"')  # caught if created
    cfg.write_bytes(text)
    db = folder / "b.db"
    if state in ("sound", "read_only"):
        shutil.copyfile(templates["sound"], db)
    elif state in ("damaged", "newer"):
        shutil.copyfile(templates[state], db)
    elif state == "not_sqlite":
        db.write_bytes(b"Compte rendu du conseil municipal\n" * 200)
    elif state == "folder":
        db.mkdir()
    if state != "read_only":
        return []
    frozen = [db, folder]
    for path in frozen:
        if subprocess.run(["chattr", "+i", str(path)], capture_output=True).returncode != 0:
            _thaw(frozen)
            if os.geteuid() == 0:
                pytest.skip("cannot make a file read-only for root here (chattr +i)")
            db.chmod(0o444)
            folder.chmod(0o555)
            return []
    return frozen


def _thaw(paths: list[Path]) -> None:
    for path in paths:
        subprocess.run(["chattr", "-i", str(path)], capture_output=True)


def _snapshot(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        if p.is_file()
        else "dir"
        for p in sorted(folder.rglob("*"))
    }


def _one_sentence(err: str) -> None:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, f"expected one line on stderr, got: {err!r}"
    assert lines[0].startswith("beffroi: "), lines[0]
    assert "Traceback" not in err and 'File "' not in err


@pytest.mark.parametrize(
    ("case", "state", "config", "argv", "env"), CASES, ids=[c[0] for c in CASES]
)
def test_bad_input_is_one_sentence_and_changes_nothing(
    case, state, config, argv, env, tmp_path, templates, monkeypatch, capsys
):
    folder = tmp_path / "city"
    folder.mkdir()
    logs = tmp_path / "logs"
    monkeypatch.setenv("BEFFROI_LOG_DIR", str(logs))
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    _forget_checks()
    frozen = _prepare(folder, state, config, templates)
    try:
        before = _snapshot(folder)
        args = [a.replace("{dir}", str(folder)) for a in argv]
        if not any(a in ("--config", "-c") for a in args):
            args = ["--config", str(folder / "b.toml"), *args]
        try:
            code = main(args)
        except SystemExit as exc:  # only --help and --version may exit by themselves
            code = exc.code
        out, err = capsys.readouterr()
        after = _snapshot(folder)
    finally:
        _thaw(frozen)
    assert code not in (0, None), f"exit code {code}; stdout: {out!r}"
    assert code != 70, f"the last-resort handler caught a bug: {err}"
    _one_sentence(err)
    if argv[0] in ("report", "inbox", "doctor") and argv[1:2] != ["sweep"]:
        # A read-only connection to a WAL database leaves SQLite's empty -wal and its -shm
        # index behind (only the last writer removes them); the database itself is intact.
        after = {
            k: v
            for k, v in after.items()
            if not k.endswith("-shm") and not (k.endswith("-wal") and v == EMPTY)
        }
    assert after == before, "a file changed, appeared or vanished"
    assert not logs.exists(), "a crash log was written"


def test_dashboard_on_a_port_in_use_is_one_sentence(tmp_path, templates, capsys):
    """A port another program listens on: refused before the database is opened."""
    folder = tmp_path / "city"
    folder.mkdir()
    _prepare(folder, "sound", GOOD_CONFIG, templates)
    before = _snapshot(folder)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        argv = ["--config", str(folder / "b.toml"), "dashboard", "--port", str(port)]
        code = main(argv)
    _, err = capsys.readouterr()
    assert code == 2, err
    _one_sentence(err)
    assert f"port {port} is already in use" in err
    assert _snapshot(folder) == before


def test_the_table_has_at_least_150_cases():
    assert len(CASES) >= 150, len(CASES)


# ------------------------------------------------------------ a few real processes


@pytest.mark.parametrize(
    ("state", "argv", "needle"),
    [
        ("damaged", ["staff", "add", "claire", "--role", "admin"], "is damaged"),
        ("damaged", ["privacy", "erase", "--member", "1"], "beffroi doctor"),
        ("sound", ["run", "--collect-every", "nan"], "positive number of seconds"),
        ("sound", ["staff", "add", "claire", "--role", "admin"], "BEFFROI_NEW_PASSWORD"),
        ("read_only", ["run", "--only", "heartbeat"], "read-only"),
        ("sound", ["dashboard", "--host", "256.1.1.1"], "invalid address '256.1.1.1'"),
    ],
)
def test_bad_input_in_a_real_process(state, argv, needle, tmp_path, templates):
    folder = tmp_path / "city"
    folder.mkdir()
    frozen = _prepare(folder, state, GOOD_CONFIG, templates)
    try:
        before = _snapshot(folder)
        env = {k: v for k, v in os.environ.items() if not k.startswith("BEFFROI_")}
        env["BEFFROI_LOG_DIR"] = str(tmp_path / "logs")
        if argv[:2] == ["staff", "add"] and state != "sound":
            env.update(PASSWORD)
        proc = subprocess.run(
            [sys.executable, "-m", "beffroi", "--config", str(folder / "b.toml"), *argv],
            capture_output=True,
            text=True,
            stdin=subprocess.DEVNULL,
            env=env,
            timeout=120,
        )
        after = _snapshot(folder)
    finally:
        _thaw(frozen)
    assert proc.returncode == 2, proc.stderr
    _one_sentence(proc.stderr)
    assert needle in proc.stderr
    assert after == before
