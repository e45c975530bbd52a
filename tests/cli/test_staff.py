from beffroi.cli.main import main
from beffroi.dashboard.auth import login
from beffroi.store import connect


def write_config(tmp_path):
    cfg = tmp_path / "b.toml"
    cfg.write_text('[city]\nname = "Ville"\n[database]\npath = "b.db"\n')
    return cfg


def test_staff_add_stores_a_hash_that_authenticates(tmp_path, monkeypatch, capsys):
    cfg = write_config(tmp_path)
    monkeypatch.setenv("BEFFROI_NEW_PASSWORD", "correct horse")
    assert main(["-c", str(cfg), "staff", "add", "claire", "--role", "community_manager"]) == 0
    conn = connect(tmp_path / "b.db")
    stored = conn.execute("SELECT password_hash FROM staff").fetchone()[0]
    assert "correct horse" not in stored and stored.startswith("$argon2")
    assert login(conn, "claire", "correct horse").member.role == "community_manager"
    assert login(conn, "claire", "wrong password").member is None
    assert login(conn, "nobody", "correct horse").member is None


def test_short_password_is_refused_and_nothing_written(tmp_path, monkeypatch, capsys):
    cfg = write_config(tmp_path)
    monkeypatch.setenv("BEFFROI_NEW_PASSWORD", "short")
    assert main(["-c", str(cfg), "staff", "add", "claire", "--role", "admin"]) == 2
    assert "at least 8 characters" in capsys.readouterr().err
    assert not (tmp_path / "b.db").exists()
