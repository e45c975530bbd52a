"""A rendez-vous post on Bluesky goes out exactly once, by construction: the outbox row
chooses and commits its record key (a TID) before the call, and after a crash asks the PDS
for the record at that key (``getRecord``). Real SQLite database, the real outbox, the
atproto SDK against a local HTTP server (pytest-httpserver).

Fixtures: the getRecord answer is RECORDED (../shared/fixtures/bluesky/post_record.json, its
URI rewritten to the row's key); createSession, createRecord and the RecordNotFound error
are WRITTEN from the lexicons.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from beffroi.collectors.bluesky import BlueskyCollector
from beffroi.config import example_config_path, load_settings
from beffroi.scheduler.outbox import publish_cycle
from beffroi.store import connect, publish_keys, sync_accounts
from beffroi.store import publishing as pub
from tests.collectors.test_bluesky import CITY, SESSION, account
from tests.conftest import settings_with, shared_fixture
from tests.scheduler.drafting import approved_draft

THURSDAY_11 = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)


def next_worker_cycle(conn, settings, collector) -> dict:
    """The publishing pass of the worker that starts after the crash, a minute later."""
    return publish_cycle(
        conn,
        settings,
        {"bluesky_ville": collector},
        now=THURSDAY_11 + timedelta(minutes=1),
        worker="next",
    )


TEXT = "Jeudi de l'économie : la pépinière d'entreprises"


@pytest.fixture
def setup(tmp_path, httpserver):
    base = load_settings(example_config_path())
    bsky = account(key="bluesky_ville", streams=["notifications"])
    rendezvous = [
        r.model_copy(update={"accounts": ["bluesky_ville"]}) if r.key == "jeudi_economie" else r
        for r in base.rendezvous
    ]
    settings = settings_with(
        base,
        accounts=[*base.accounts, bsky],
        rendezvous=rendezvous,
        database=base.database.model_copy(update={"path": tmp_path / "b.db"}),
    )
    conn = connect(settings.database_path)
    sync_accounts(conn, settings)
    approved_draft(
        conn,
        settings,
        {"bluesky_ville": TEXT},
        now=THURSDAY_11 - timedelta(days=2),
        series_key="jeudi_economie",
    )
    publish_cycle(conn, settings, {}, now=THURSDAY_11, worker="plan")
    row = conn.execute(
        "SELECT * FROM publications WHERE account = 'bluesky_ville' AND status = 'approved'"
    ).fetchone()
    httpserver.expect_request(
        "/xrpc/com.atproto.server.createSession", method="POST"
    ).respond_with_json(SESSION)
    collector = BlueskyCollector(
        bsky,
        password="app-pass",
        pds_url=httpserver.url_for("").rstrip("/"),
        now=lambda: THURSDAY_11,
    )
    yield settings, conn, row["id"], collector, httpserver
    conn.close()


def created(server, key):
    server.expect_request("/xrpc/com.atproto.repo.createRecord", method="POST").respond_with_json(
        {"uri": f"at://{CITY}/app.bsky.feed.post/{key}", "cid": "bafynew"}
    )


def requests(server, nsid):
    return [r for r, _ in server.log if r.path == f"/xrpc/{nsid}"]


def status(conn, row_id):
    row = conn.execute("SELECT * FROM publications WHERE id = ?", (row_id,)).fetchone()
    return row["status"], row["external_id"], row["publish_key"]


def test_the_key_is_stored_before_the_call_and_sent_with_it(setup):
    settings, conn, row_id, collector, server = setup
    stored = {}

    def create(request):
        # At the moment of the call, the row already holds the key it sends.
        stored["at_call"] = publish_keys.stored_key(connect(settings.database_path), row_id)
        from werkzeug import Response

        body = json.loads(request.data)
        return Response(
            json.dumps({"uri": f"at://{CITY}/app.bsky.feed.post/{body['rkey']}", "cid": "b"}),
            content_type="application/json",
        )

    server.expect_request(
        "/xrpc/com.atproto.repo.createRecord", method="POST"
    ).respond_with_handler(create)
    report = publish_cycle(
        conn, settings, {"bluesky_ville": collector}, now=THURSDAY_11, worker="w"
    )
    assert report["published"] == 1
    state, external_id, key = status(conn, row_id)
    sent = json.loads(requests(server, "com.atproto.repo.createRecord")[0].data)
    assert stored["at_call"] == key == sent["rkey"]
    assert (state, external_id) == ("published", f"at://{CITY}/app.bsky.feed.post/{key}")


def test_crash_after_the_post_was_created_finds_it_at_its_key(setup):
    settings, conn, row_id, collector, server = setup
    assert pub.claim_publication(conn, row_id, "dead:1", THURSDAY_11)
    key = publish_keys.key_for(conn, row_id, collector.new_publish_key)
    record = json.loads(shared_fixture("bluesky/post_record.json").read_text(encoding="utf-8"))
    record["uri"] = f"at://{CITY}/app.bsky.feed.post/{key}"
    server.expect_request("/xrpc/com.atproto.repo.getRecord").respond_with_json(record)
    report = next_worker_cycle(conn, settings, collector)
    assert report["reconciled"] == 1
    assert status(conn, row_id) == ("published", record["uri"], key)
    assert requests(server, "com.atproto.repo.createRecord") == []  # never a second post
    assert requests(server, "com.atproto.repo.getRecord")[0].args["rkey"] == key


def test_crash_before_the_post_was_created_sends_it_at_the_same_key(setup):
    settings, conn, row_id, collector, server = setup
    assert pub.claim_publication(conn, row_id, "dead:1", THURSDAY_11)
    key = publish_keys.key_for(conn, row_id, collector.new_publish_key)
    server.expect_request("/xrpc/com.atproto.repo.getRecord").respond_with_json(
        {"error": "RecordNotFound", "message": "Could not locate record"}, status=400
    )
    created(server, key)
    report = next_worker_cycle(conn, settings, collector)
    assert (report["reconciled"], report["published"]) == (1, 1)
    (call,) = requests(server, "com.atproto.repo.createRecord")
    assert json.loads(call.data)["rkey"] == key
    assert status(conn, row_id) == ("published", f"at://{CITY}/app.bsky.feed.post/{key}", key)


def test_crash_before_any_key_was_chosen_needs_no_question(setup):
    """No key stored means the call was never made: nothing to ask, the row goes again."""
    settings, conn, row_id, collector, server = setup
    assert pub.claim_publication(conn, row_id, "dead:1", THURSDAY_11)
    server.expect_request("/xrpc/com.atproto.repo.createRecord", method="POST").respond_with_json(
        {"uri": f"at://{CITY}/app.bsky.feed.post/3lbnew0000000", "cid": "b"}
    )
    report = next_worker_cycle(conn, settings, collector)
    assert (report["reconciled"], report["published"]) == (1, 1)
    assert requests(server, "com.atproto.repo.getRecord") == []
    assert len(requests(server, "com.atproto.repo.createRecord")) == 1
