"""``beffroi doctor`` for Bluesky and Mastodon (French lines, real SDKs, HTTP intercepted)
and the X cost projection. Mastodon answers are RECORDED (../shared/fixtures/mastodon:
verify_credentials from conversations.json, /api/v2/instance from hashtag_tl.json), through
``responses``; the Bluesky session is WRITTEN (createSession), resolveHandle and
describeRepo RECORDED, through a local pytest-httpserver."""

from __future__ import annotations

import json

import pytest
import responses

from beffroi.cli.main import main
from tests.collectors.test_bluesky import SESSION
from tests.conftest import shared_fixture


def mastodon_answer(name: str, index: int) -> dict:
    cassette = json.loads(shared_fixture(f"mastodon/{name}").read_text(encoding="utf-8"))
    return cassette[index]["response"]["body"]


def config(tmp_path, pds_url: str) -> str:
    path = tmp_path / "beffroi.toml"
    path.write_text(
        f"""
[city]
name = "Marcq-en-Barœul"

[[accounts]]
key = "masto_ville"
network = "mastodon"
handle = "mastodonpy_test"
instance_url = "http://localhost:3000"
token_env = "BEFFROI_MASTODON_TOKEN"

[[accounts]]
key = "bsky_ville"
network = "bluesky"
handle = "test.marshal.dev"
instance_url = "{pds_url}"
secret_envs = {{ app_password = "BEFFROI_BLUESKY_APP_PASSWORD" }}

[[accounts]]
key = "x_ville"
network = "x"
handle = "marcqenbaroeul"
external_id = "1001"
streams = ["mentions", "replies", "dms", "engagement"]
budget_usd = 5.0
""",
        encoding="utf-8",
    )
    return str(path)


@pytest.fixture
def rsps():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.add_passthru("http://localhost:")  # the local Bluesky server
        yield mock


def test_doctor_speaks_french_for_the_new_networks(tmp_path, httpserver, rsps, monkeypatch, capsys):
    monkeypatch.setenv("BEFFROI_MASTODON_TOKEN", "masto-sekret-42")
    monkeypatch.setenv("BEFFROI_BLUESKY_APP_PASSWORD", "app-pass")
    rsps.get(
        "http://localhost:3000/api/v1/accounts/verify_credentials",
        json=mastodon_answer("conversations.json", 0),
    )
    rsps.get("http://localhost:3000/api/v2/instance/", json=mastodon_answer("hashtag_tl.json", 1))
    httpserver.expect_request(
        "/xrpc/com.atproto.server.createSession", method="POST"
    ).respond_with_json(SESSION)
    for nsid, name in (
        ("com.atproto.identity.resolveHandle", "resolve_handle.json"),
        ("com.atproto.repo.describeRepo", "did_doc.json"),
    ):
        httpserver.expect_request(f"/xrpc/{nsid}").respond_with_json(
            json.loads(shared_fixture(f"bluesky/{name}").read_text(encoding="utf-8"))
        )
    code = main(["--config", config(tmp_path, httpserver.url_for("").rstrip("/")), "doctor"])
    out = capsys.readouterr().out
    assert code == 1  # the X account has no credentials
    assert "✓ masto_ville : jeton accepté par http://localhost:3000" in out
    # The recorded token is @admin's: the doctor says the configured handle is not its own.
    assert "✗ masto_ville : le jeton est celui de @admin, pas de @mastodonpy_test" in out
    assert "✓ masto_ville : limite de l'instance : 500 caractères" in out
    assert "✓ bsky_ville : connexion Bluesky réussie (@test.marshal.dev)" in out
    assert (
        "· x_ville : toutes les 5 min, un mois sans activité fait 34560 requêtes sur X "
        "(0,00 $ : X facture les ressources renvoyées) ; un mois d'activité habituelle coûte "
        "environ 28,50 $"
    ) in out
    assert "✗ x_ville : ce coût habituel dépasse le budget de 5,00 $" in out
    assert "masto-sekret-42" not in out and "app-pass" not in out
