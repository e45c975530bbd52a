"""Pseudonyms stay the same across processes: the dashboard, the command line and the mailed
reports must call the same person by the same pseudonym (issue "dashboard": without
``BEFFROI_PSEUDONYM_KEY`` each process used to invent its own key)."""

from __future__ import annotations

import os
import stat
import subprocess
import sys

from beffroi.analytics.pseudonym import key_file_path, pseudonym, pseudonym_key
from beffroi.cli.main import main
from beffroi.config import load_settings

PRINT_PSEUDONYM = (
    "import sys; from beffroi.config import load_settings;"
    "from beffroi.analytics.pseudonym import pseudonym, pseudonym_key;"
    "k = pseudonym_key(load_settings(sys.argv[1]));"
    "print(pseudonym(k, 'bluesky', 'did:plc:abc'), k.stable)"
)


def _config(tmp_path):
    cfg = tmp_path / "b.toml"
    cfg.write_text('[city]\nname = "Ville"\n[database]\npath = "b.db"\n')
    return cfg


def _pseudonym_in_a_new_process(cfg, env):
    done = subprocess.run(
        [sys.executable, "-c", PRINT_PSEUDONYM, str(cfg)],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    return done.stdout.split()


def test_init_keeps_a_key_that_every_process_shares(tmp_path, capsys):
    cfg = _config(tmp_path)
    env = {k: v for k, v in os.environ.items() if k != "BEFFROI_PSEUDONYM_KEY"}
    assert main(["-c", str(cfg), "init"]) == 0
    key_file = key_file_path(load_settings(cfg))
    assert f"pseudonymisation key kept in {key_file}" in capsys.readouterr().out
    first = _pseudonym_in_a_new_process(cfg, env)
    second = _pseudonym_in_a_new_process(cfg, env)
    assert first == second and first[1] == "True"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    # A second init keeps the key: pseudonyms do not change when init is run again.
    before = key_file.read_bytes()
    assert main(["-c", str(cfg), "init"]) == 0
    assert key_file.read_bytes() == before


def test_the_environment_variable_wins_over_the_key_file(tmp_path, monkeypatch):
    cfg = _config(tmp_path)
    assert main(["-c", str(cfg), "init"]) == 0
    settings = load_settings(cfg)
    from_file = pseudonym(pseudonym_key(settings), "x", "1")
    monkeypatch.setenv("BEFFROI_PSEUDONYM_KEY", "clé-de-la-ville")
    assert pseudonym_key(settings).stable
    assert pseudonym(pseudonym_key(settings), "x", "1") == pseudonym(
        b"cl\xc3\xa9-de-la-ville", "x", "1"
    )
    assert pseudonym(pseudonym_key(settings), "x", "1") != from_file


def test_without_key_nor_file_the_key_is_per_process_and_said_unstable(tmp_path, monkeypatch):
    monkeypatch.delenv("BEFFROI_PSEUDONYM_KEY", raising=False)
    settings = load_settings(_config(tmp_path))
    assert not key_file_path(settings).exists()
    assert pseudonym_key(settings).stable is False
