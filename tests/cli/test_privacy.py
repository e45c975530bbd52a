"""`beffroi privacy erase|purge` on a real configuration and database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from beffroi.cli.main import main
from beffroi.collectors import Author, Item, Page
from beffroi.inbox import ingest_page
from beffroi.store import connect
from beffroi.store.privacy import ERASED_TEXT


def setup(tmp_path, handles=("jeanne_m",), days_ago=1):
    cfg = tmp_path / "b.toml"
    cfg.write_text('[city]\nname = "Ville"\n[database]\npath = "b.db"\n')
    conn = connect(tmp_path / "b.db")
    when = datetime.now(UTC).replace(microsecond=0) - timedelta(days=days_ago)
    for n, handle in enumerate(handles):
        item = Item(
            "x", "x_ville", f"{n}", "mention", "in", "Bonjour", when, Author("x", f"id{n}", handle)
        )
        ingest_page(conn, "x_ville", "mentions", Page([item], None))
    return cfg, conn


def test_erase_by_handle(tmp_path, capsys):
    cfg, conn = setup(tmp_path)
    assert main(["-c", str(cfg), "privacy", "erase", "--handle", "x:@Jeanne_M"]) == 0
    assert "1 message(s) blanked" in capsys.readouterr().out
    assert conn.execute("SELECT text FROM items").fetchone()[0] == ERASED_TEXT
    audit = conn.execute("SELECT actor FROM audit WHERE action = 'member_erase'").fetchone()
    assert audit[0].startswith("cli:")


def test_erase_refuses_unknown_or_ambiguous_handles(tmp_path, capsys):
    cfg, conn = setup(tmp_path, handles=("twin", "twin"))
    assert main(["-c", str(cfg), "privacy", "erase", "--handle", "x:nobody"]) == 2
    assert "no member 'nobody' on x" in capsys.readouterr().err
    assert main(["-c", str(cfg), "privacy", "erase", "--handle", "x:twin"]) == 2
    assert "several members match (1, 2)" in capsys.readouterr().err
    assert main(["-c", str(cfg), "privacy", "erase", "--handle", "twin"]) == 2
    assert "NETWORK:HANDLE" in capsys.readouterr().err
    assert main(["-c", str(cfg), "privacy", "erase", "--member", "42"]) == 2
    assert "no member with id 42" in capsys.readouterr().err
    assert (
        conn.execute("SELECT count(*) FROM members WHERE erased_at IS NOT NULL").fetchone()[0] == 0
    )


def test_purge_uses_the_configured_retention(tmp_path, capsys):
    cfg, conn = setup(tmp_path, handles=("old",), days_ago=800)
    assert main(["-c", str(cfg), "privacy", "purge"]) == 0
    out = capsys.readouterr().out
    assert "purged: 1 message(s), 1 queue row(s)" in out and "1 member(s)" in out
    assert conn.execute("SELECT count(*) FROM items").fetchone()[0] == 0
