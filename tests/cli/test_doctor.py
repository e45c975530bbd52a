"""``beffroi doctor``: real collectors, their HTTP intercepted, plain-words lines."""

from __future__ import annotations

import pytest
import responses

from beffroi.cli.main import main
from tests.city_config import meta_accounts_toml

GRAPH = "https://graph.facebook.com/v24.0/"
WEB_INFO = "https://i.instagram.com/api/v1/tags/web_info/"
TOKEN = "EAAB-doctor-secret-token"

CONFIG = (
    '[city]\nname = "Marcq-en-Barœul"\n\n'
    + meta_accounts_toml(facebook_streams=["comments", "messages", "posts"])
    + """[[accounts]]
key = "instagram_public"
network = "instagram_public"
handle = "marcqenbaroeul"
hashtags = ["marcqenbaroeul"]
secret_envs = { username = "BEFFROI_INSTALOADER_USER", session_file = "BEFFROI_INSTALOADER_SESSION" }

[[accounts]]
key = "old_page"
network = "facebook"
handle = "old"
enabled = false
"""
)


@pytest.fixture
def config(tmp_path):
    path = tmp_path / "beffroi.toml"
    path.write_text(CONFIG, encoding="utf-8")
    return str(path)


@pytest.fixture
def rsps():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


def healthy(rsps):
    rsps.get(GRAPH + "1001", json={"id": "1001", "name": "Ville de Marcq",
                                   "conversations": {"data": []}})  # fmt: skip
    rsps.get(GRAPH + "me", json={"id": "1001", "name": "Ville de Marcq",
             "instagram_business_account": {"id": "17841400000000001",
                                            "username": "marcqenbaroeul"},
             "conversations": {"data": []}})  # fmt: skip
    ig = "17841400000000001"  # configured: read as itself, then one probe per permission
    rsps.get(GRAPH + ig, json={"id": ig, "username": "marcqenbaroeul"})
    for edge in ("media", "tags", "content_publishing_limit"):
        rsps.get(GRAPH + f"{ig}/{edge}", json={"data": []})
    rsps.get(GRAPH + "me/conversations", json={"data": []})
    recent = {"sections": [], "more_available": False}
    rsps.get(WEB_INFO, json={"data": {"recent": recent}, "status": "ok"})


def test_all_good_exits_0_with_one_line_per_fact(config, rsps, monkeypatch, capsys):
    monkeypatch.setenv("BEFFROI_META_PAGE_TOKEN", TOKEN)
    healthy(rsps)
    assert main(["-c", config, "doctor"]) == 0
    out = capsys.readouterr().out
    assert "✗" not in out
    assert "✓ facebook_ville: Page token works for « Ville de Marcq » (id 1001)" in out
    assert "✓ facebook_ville: Messenger conversations are readable" in out
    assert "✓ instagram_ville: token works for @marcqenbaroeul" in out
    assert "✓ instagram_public: #marcqenbaroeul readable anonymously (0 recent posts)" in out
    assert "✓ instagram_ville : flux « messages » : lire et répondre aux messages" in out
    assert "(instagram_manage_messages, pages_manage_metadata)" in out
    assert "old_page" not in out  # disabled accounts are not checked
    # One cheap request per account, and Instagram one more per permission it names.
    assert len(rsps.calls) == 1 + 5 + 1
    assert TOKEN not in out


def test_missing_token_and_expired_token_exit_1(config, rsps, monkeypatch, capsys):
    healthy(rsps)
    assert main(["-c", config, "doctor", "--network", "facebook"]) == 1
    out = capsys.readouterr().out
    assert (
        "✗ facebook_ville: no Page access token: the environment variable "
        "BEFFROI_META_PAGE_TOKEN is not set"
    ) in out
    assert len(rsps.calls) == 0
    monkeypatch.setenv("BEFFROI_META_PAGE_TOKEN", TOKEN)
    rsps.replace("GET", GRAPH + "1001", status=400, json={"error": {
        "message": "Error validating access token: Session has expired on Tuesday",
        "type": "OAuthException", "code": 190, "error_subcode": 463}})  # fmt: skip
    assert main(["-c", config, "doctor", "-n", "facebook"]) == 1
    out = capsys.readouterr().out
    assert "✗ facebook_ville: the access token has expired" in out
    assert "Renew the Page access token" in out


def test_missing_messages_permission_is_named(config, rsps, monkeypatch, capsys):
    monkeypatch.setenv("BEFFROI_META_PAGE_TOKEN", TOKEN)
    rsps.get(GRAPH + "1001", status=403, json={"error": {
        "message": "(#230) Requires pages_messaging permission to manage the object",
        "type": "OAuthException", "code": 230}})  # fmt: skip
    assert main(["-c", config, "doctor", "-n", "facebook"]) == 1
    out = capsys.readouterr().out
    assert "✗ facebook_ville: a permission is missing" in out and "pages_messaging" in out
    from urllib.parse import unquote

    assert "conversations.limit(1){id}" in unquote(rsps.calls[0].request.url)


def test_a_collector_without_check_is_said_so(config, monkeypatch, capsys):
    import beffroi.cli.cmd_doctor as doctor

    class Plain:
        network = "sandbox"
        account = "demo"

    lines = doctor._lines("demo", Plain(), None)
    assert lines == [(None, "demo: this collector (sandbox) cannot check itself")]
    broken = doctor._lines("x_ville", None, ModuleNotFoundError("No module named 'tweepy'"))
    assert broken[0][0] is False and "cannot build its collector" in broken[0][1]


def test_config_error_is_one_sentence(tmp_path, capsys):
    path = tmp_path / "bad.toml"
    path.write_text("[city]\nnam = 'x'\n", encoding="utf-8")
    assert main(["-c", str(path), "doctor"]) == 2
    assert "beffroi:" in capsys.readouterr().err


def test_doctor_checks_the_whole_database_read_only(tmp_path, capsys):
    import sqlite3

    from beffroi.store import connect
    from tests.store.test_connection import _damaged

    cfg = tmp_path / "b.toml"
    cfg.write_text('[city]\nname = "Ville"\n[database]\npath = "b.db"\n')
    connect(tmp_path / "b.db").close()
    assert main(["-c", str(cfg), "doctor"]) == 1  # no enabled account
    out = capsys.readouterr().out
    assert "✓ database" in out and "integrity check passed" in out
    assert "every reference points to an existing row" in out
    # A row pointing to a missing one (written with foreign keys off, as an old tool might).
    raw = sqlite3.connect(tmp_path / "b.db")
    raw.execute(
        "INSERT INTO queue (item_id, created_at, updated_at) VALUES (999, '2026-01-01', '2026-01-01')"
    )
    raw.commit()
    raw.close()
    assert main(["-c", str(cfg), "doctor"]) == 1
    assert "✗ database" in capsys.readouterr().out.split("point to missing rows")[0]
    # A damaged file: named, with what to do; nothing written.
    (tmp_path / "b.db").unlink()
    damaged = _damaged(tmp_path)
    before = damaged.read_bytes()
    assert main(["-c", str(cfg), "doctor"]) == 1
    out = capsys.readouterr().out
    assert f"✗ database {damaged}: damaged (" in out and "restore the last backup" in out
    assert damaged.read_bytes() == before
