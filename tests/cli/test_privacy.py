"""`beffroi privacy erase|purge` on a real configuration and database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from beffroi.cli.main import main
from beffroi.collectors import Author, Item
from beffroi.store import connect, save_page
from beffroi.store.privacy import ERASED_TEXT


def setup(tmp_path, handles=("jeanne_m",), days_ago=1):
    cfg = tmp_path / "b.toml"
    cfg.write_text('[city]\nname = "Ville"\n[database]\npath = "b.db"\n')
    conn = connect(tmp_path / "b.db")
    when = datetime.now(UTC).replace(microsecond=0) - timedelta(days=days_ago)
    for n, handle in enumerate(handles):
        save_page(
            conn,
            "x_ville",
            "mentions",
            [
                Item(
                    "x",
                    "x_ville",
                    f"{n}",
                    "mention",
                    "in",
                    "Bonjour",
                    when,
                    Author("x", f"id{n}", handle, None),
                )
            ],
            None,
        )
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


def test_export_gives_everything_held_about_the_person_as_json_and_escaped_html(tmp_path, capsys):
    import json

    from beffroi.config import load_settings
    from tests.store.test_privacy import JEANNE, NOW, _forensic_city

    cfg = tmp_path / "b.toml"
    cfg.write_text(
        '[city]\nname = "Ville"\n[database]\npath = "b.db"\n'
        '[[accounts]]\nkey = "x_ville"\nnetwork = "x"\nhandle = "villedemarcq"\n'
        'token_env = "BEFFROI_X_TOKEN"\n'
    )
    db_path = tmp_path / "b.db"
    jeanne = _forensic_city(db_path, load_settings(cfg))
    conn = connect(db_path)
    hostile = '<img src=x onerror="alert(1)"> & </table><script>x()</script>'
    save_page(
        conn,
        "x_ville",
        "mentions",
        [Item("x", "x_ville", "h1", "mention", "in", hostile, NOW, JEANNE)],
        None,
    )
    conn.close()
    out = tmp_path / "acces"
    out.mkdir()
    code = main(
        ["-c", str(cfg), "privacy", "export", "--handle", "x:jeanne_erase", "--out", str(out)]
    )
    assert code == 0, capsys.readouterr().err
    data = json.loads((out / f"beffroi-acces-x-{jeanne}.json").read_text(encoding="utf-8"))
    assert data["member"]["handle"] == "jeanne_erase"
    assert data["member"]["display_name"] == "Jeanne Zébulonne"
    assert [m["external_id"] for m in data["messages"]] == ["c1", "d1", "h1"]
    assert (
        data["messages"][0]["needs_reply"] == 1 and data["messages"][0]["queue_status"] == "replied"
    )
    assert [m["text"] for m in data["city_messages"]] == [
        "@jeanne_erase Bonjour Jeanne, un agent passe au 7 rue Imaginaire",
        "Bonjour Jeanne, nous vous rappelons au 06 12 34 56 78",
    ]
    assert [i["message"] for i in data["invitations"]] == ["Bonjour Jeanne, venez !"]
    page = (out / f"beffroi-acces-x-{jeanne}.html").read_text(encoding="utf-8")
    assert "<script>" not in page and "<img" not in page
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt; &amp; &lt;/table&gt;" in page
    assert "Les données que Ville détient sur @jeanne_erase" in page
    assert "06 12 34 56 78" in page and "message privé" in page
    conn = connect(db_path)
    audit = conn.execute("SELECT detail FROM audit WHERE action = 'member_export'").fetchone()
    assert json.loads(audit[0])["messages"] == 3
    conn.close()
    # An unknown person is one sentence and writes nothing.
    assert (
        main(["-c", str(cfg), "privacy", "export", "--handle", "x:nobody", "--out", str(out)]) == 2
    )
    assert "nothing was exported" in capsys.readouterr().err
    assert len(list(out.iterdir())) == 2
