"""`beffroi privacy erase|purge` on a real configuration and database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from beffroi.cli.main import main
from beffroi.collectors import Author, Item, Page
from beffroi.inbox import ingest_page
from beffroi.store import connect
from beffroi.store.privacy import ERASED_TEXT
from tests.pages import ingest_items


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


def test_export_gives_everything_held_about_the_person_as_json_and_escaped_html(tmp_path, capsys):
    import json

    from tests.store.test_privacy import JEANNE, NOW, forensic_city

    cfg, db_path, jeanne = forensic_city(tmp_path)
    conn = connect(db_path)
    hostile = '<img src=x onerror="alert(1)"> & </table><script>x()</script>'
    ingest_items(
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
    assert [(n["about_message"], n["body"]) for n in data["internal_notes"]] == [
        ("c1", "Lampadaire trombonesque, @admin"),
        (None, "Habituée, ton cornemusique"),
    ]
    page = (out / f"beffroi-acces-x-{jeanne}.html").read_text(encoding="utf-8")
    assert "<script>" not in page and "<img" not in page
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt; &amp; &lt;/table&gt;" in page
    assert "Les données que Ville détient sur @jeanne_erase" in page
    assert "06 12 34 56 78" in page and "Message privé" in page
    assert "à votre sujet (2)" in page and "cornemusique" in page
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


def test_erasure_rewrites_the_archived_weekly_reports_that_quoted_the_person(tmp_path, capsys):
    """The scheduler archives each weekly PDF beside the database; its theme examples
    quote citizens (masked names, but their words): after an erasure, no archived report
    quotes the person any more."""

    from beffroi.analytics.report import build_report, choose_period, render_pdf
    from beffroi.config import load_settings
    from tests.analytics.helpers import item, save

    cfg = tmp_path / "b.toml"
    cfg.write_text('[city]\nname = "Ville"\n[database]\npath = "b.db"\n')
    settings = load_settings(cfg)
    conn = connect(tmp_path / "b.db")
    monday = datetime(2026, 11, 23, 9, tzinfo=UTC)
    words = ["le trottoir est défoncé rue Pasteur depuis des semaines, qui répare ?"] * 5
    words.append("Le lampadaire xylophonique grésille toute la nuit, qui vient le réparer ?")
    authors = ["paul", "anne", "marc", "lea", "tom", "jeanne_zebulon"]
    save(
        conn,
        [
            item(who, at=monday + timedelta(hours=n), text=text)
            for n, (who, text) in enumerate(zip(authors, words, strict=True))
        ],
        theme="voirie",
        needs_reply=True,
    )
    now = datetime(2026, 12, 1, 8, tzinfo=UTC)
    folder = tmp_path / "reports"
    folder.mkdir()
    archived = folder / "beffroi-rapport-semaine-2026-11-23.pdf"
    period = choose_period("week", settings, now, monday.date())
    archived.write_bytes(render_pdf(build_report(conn, settings, period, now)))
    other = folder / "beffroi-rapport-semaine-2026-11-16.pdf"
    other.write_bytes(b"%PDF-1.4 another week\n")
    conn.close()

    from tests.analytics.test_report import pdf_text as text_of

    assert "xylophonique" in text_of(archived)
    code = main(["-c", str(cfg), "privacy", "erase", "--handle", "instagram:jeanne_zebulon"])
    assert code == 0, capsys.readouterr().err
    assert "1 archived report(s) rewritten" in capsys.readouterr().out
    rewritten = text_of(archived)
    assert "xylophonique" not in rewritten and "Pasteur" in rewritten
    assert other.read_bytes() == b"%PDF-1.4 another week\n"  # she wrote nothing that week


def test_object_and_withdraw_by_handle(tmp_path, capsys):
    from beffroi.analytics import rank_members
    from beffroi.config import load_settings

    cfg, conn = setup(tmp_path, handles=("jeanne_m", "paul"))
    settings = load_settings(cfg)
    now = datetime.now(UTC)
    assert sorted(rank_members(conn, settings, now)["handles"].sum()) == ["jeanne_m", "paul"]
    argv = ["-c", str(cfg), "privacy", "object", "--handle", "x:@Jeanne_M", "--actor", "claire"]
    assert main(argv) == 0
    assert "objection recorded" in capsys.readouterr().out
    assert list(rank_members(conn, settings, now)["handles"].sum()) == ["paul"]
    assert main(argv) == 2
    assert "déjà opposée" in capsys.readouterr().err
    assert main([*argv, "--withdraw"]) == 0
    assert "objection withdrawn" in capsys.readouterr().out
    assert sorted(rank_members(conn, settings, now)["handles"].sum()) == ["jeanne_m", "paul"]
    actions = conn.execute(
        "SELECT actor, action FROM audit WHERE action LIKE 'member.object%' ORDER BY id"
    ).fetchall()
    assert [tuple(a) for a in actions] == [
        ("claire", "member.object"),
        ("claire", "member.object_withdrawn"),
    ]
    assert main(["-c", str(cfg), "privacy", "object", "--handle", "x:nobody"]) == 2
    assert "nothing was changed" in capsys.readouterr().err
