from datetime import timedelta

from beffroi.cli.main import main
from beffroi.config import load_settings
from beffroi.store import connect, now_utc
from tests.inbox.helpers import ingest, message


def test_inbox_sweep_and_status_from_the_command_line(tmp_path, smtp_server, capsys):
    host, port, received = smtp_server
    cfg = tmp_path / "b.toml"
    cfg.write_text(
        '[city]\nname = "Ville"\n[database]\npath = "b.db"\n'
        f'[smtp]\nhost = "{host}"\nport = {port}\n'
        '[alerts]\non_duty_email = "astreinte@ville.test"\n'
        '[[accounts]]\nkey = "x_ville"\nnetwork = "x"\nhandle = "ville"\n'
    )
    settings = load_settings(cfg)
    conn = connect(tmp_path / "b.db")
    old = now_utc() - timedelta(days=14)
    ingest(conn, settings, message("m1", "Le marché est ouvert dimanche ?", at=old))
    conn.close()
    assert main(["-c", str(cfg), "inbox", "sweep"]) == 0
    assert "newly overdue: 1, alerted in one digest: 1" in capsys.readouterr().out
    assert main(["-c", str(cfg), "inbox", "sweep"]) == 0
    assert "newly overdue: 0, alerted in one digest: 0" in capsys.readouterr().out
    assert len(received) == 1
    assert main(["-c", str(cfg), "inbox", "status"]) == 0
    out = capsys.readouterr().out
    assert "open: 1" in out and "overdue: 1" in out
