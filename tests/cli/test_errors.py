"""One base error for the program, caught once by the command line."""

from __future__ import annotations

import pytest

from beffroi.errors import BeffroiError


def test_every_expected_error_of_every_room_is_a_beffroi_error():
    from beffroi.analytics.report import ReportError
    from beffroi.cli.errors import UsageError
    from beffroi.collectors import CollectorError
    from beffroi.config import ConfigError
    from beffroi.mailer import MailError
    from beffroi.scheduler.drafts import DraftError
    from beffroi.scheduler.lock import AlreadyRunning
    from beffroi.store import DamagedDatabase, StoreError
    from beffroi.store.community import CommunityError
    from beffroi.store.privacy import MemberNotFound

    bases = (ReportError, UsageError, CollectorError, ConfigError, MailError, DraftError,
             AlreadyRunning, StoreError, DamagedDatabase, CommunityError, MemberNotFound)  # fmt: skip
    assert [b.__name__ for b in bases if not issubclass(b, BeffroiError)] == []
    # Their older bases still hold, for the code that catches them.
    assert issubclass(CommunityError, ValueError) and issubclass(MemberNotFound, LookupError)


def test_an_unexpected_error_is_one_sentence_and_a_crash_log_it_names(
    tmp_path, monkeypatch, capsys
):
    from beffroi.cli import cmd_inbox
    from beffroi.cli.main import main

    monkeypatch.setenv("BEFFROI_LOG_DIR", str(tmp_path / "logs"))
    cfg = tmp_path / "b.toml"
    cfg.write_text('[city]\nname = "Ville"\n[database]\npath = "b.db"\n')

    def broken(*args, **kwargs):  # a bug deep in a room: not a BeffroiError
        return {}["absent"]

    monkeypatch.setattr(cmd_inbox, "counters", broken)
    from beffroi.store import connect

    connect(tmp_path / "b.db").close()
    assert main(["-c", str(cfg), "inbox", "status"]) == 70
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err
    assert lines[0].startswith("beffroi: unexpected error (KeyError: 'absent'); details in ")
    log = lines[0].rsplit("details in ", 1)[1]
    text = open(log, encoding="utf-8").read()
    assert "Traceback (most recent call last)" in text and "broken" in text
    assert "command line: beffroi -c" in text


@pytest.mark.parametrize("argv", [["--version"], ["staff", "--help"]])
def test_help_and_version_still_exit_zero(argv, capsys):
    from beffroi.cli.main import main

    with pytest.raises(SystemExit) as exit_:
        main(argv)
    assert exit_.value.code == 0
