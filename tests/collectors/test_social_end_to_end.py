"""Bluesky and Mastodon through the whole pipe: collected by the real collection pass
into a real SQLite database, queued, closed by a reply staff wrote in the network's own app,
and counted in the engagement ranking with the likes, reposts, favourites and reblogs of
each person.

Bluesky (local pytest-httpserver): WRITTEN notifications from the lexicon
(tests.collectors.test_bluesky.NOTIFICATIONS) and a WRITTEN author feed. Mastodon
(``responses``): the RECORDED mention of notifications.json, and a WRITTEN favourite and
reblog notification in the same form (the recordings hold none).
"""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime

import pytest
import responses

from beffroi.analytics.ranking import rank_members
from beffroi.inbox.ingest import ingest_hooks
from beffroi.scheduler.collection import collect_stream
from beffroi.store import sync_accounts
from tests.collectors.test_bluesky import CITY, NOTIFICATIONS, SESSION
from tests.collectors.test_bluesky import account as bsky_account
from tests.collectors.test_bluesky import collector as bsky_collector
from tests.collectors.test_mastodon_recorded import ADMIN_ID, INSTANCE, TEST_ID, recorded
from tests.collectors.test_mastodon_recorded import account as masto_account
from tests.collectors.test_mastodon_recorded import collector as masto_collector
from tests.conftest import settings_with

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
AUGUST = datetime(2026, 8, 2, tzinfo=UTC)  # the Mastodon recordings' month


@pytest.fixture
def settings(example_settings):
    return settings_with(
        example_settings,
        accounts=[*example_settings.accounts, bsky_account(), masto_account()],
    )


def queue(conn, account):
    return [
        tuple(r)
        for r in conn.execute(
            "SELECT i.external_id, q.status FROM queue q JOIN items i ON i.id = q.item_id "
            "WHERE i.account = ? ORDER BY i.external_id",
            (account,),
        )
    ]


def test_bluesky_collected_queued_closed_by_a_native_reply_and_ranked(db, settings, httpserver):
    sync_accounts(db, settings)
    httpserver.expect_request(
        "/xrpc/com.atproto.server.createSession", method="POST"
    ).respond_with_json(SESSION)
    httpserver.expect_request("/xrpc/app.bsky.notification.listNotifications").respond_with_json(
        {"notifications": NOTIFICATIONS}
    )
    mention = NOTIFICATIONS[1]
    own_reply = {
        "post": {
            "uri": f"at://{CITY}/app.bsky.feed.post/3lbcityreply1",
            "cid": "bafycity",
            "author": {"did": CITY, "handle": "test.marshal.dev"},
            "record": {
                "$type": "app.bsky.feed.post",
                "text": "Merci, l'équipe voirie passe demain.",
                "createdAt": "2026-12-01T09:00:00.000Z",
                "reply": {
                    "root": {"uri": mention["uri"], "cid": mention["cid"]},
                    "parent": {"uri": mention["uri"], "cid": mention["cid"]},
                },
            },
            "indexedAt": "2026-12-01T09:00:01.000Z",
        }
    }
    httpserver.expect_request("/xrpc/app.bsky.feed.getAuthorFeed").respond_with_json(
        {"feed": [own_reply]}
    )
    collector = bsky_collector(httpserver)
    hooks = ingest_hooks(settings)
    report = collect_stream(db, collector, "notifications", hooks=hooks, now=lambda: NOW)
    assert (report.status, report.new) == ("ok", 4)  # 2 items, a like and a repost
    assert [s for _, s in queue(db, "bsky_ville")] == ["new", "new"]
    collect_stream(db, collector, "own", hooks=hooks, now=lambda: NOW)
    assert dict(queue(db, "bsky_ville")) == {
        mention["uri"]: "replied",  # answered in the Bluesky app: the queue item is done
        NOTIFICATIONS[0]["uri"]: "new",
    }

    ranking = rank_members(db, settings, NOW)

    def person(handle):
        (row,) = [r for _, r in ranking.iterrows() if handle in r["handles"]]
        return row

    jeanne, paul = person("@jeanne.bsky.social"), person("@paul.bsky.social")
    assert (jeanne["n_reaction"], jeanne["n_reply"], jeanne["n_mention"]) == (1, 1, 1)
    assert paul["n_share"] == 1
    assert "bluesky" in paul["networks"]


def test_mastodon_favourites_and_reblogs_count_by_person(db, settings):
    sync_accounts(db, settings)
    mention = recorded("notifications.json")[1]["response"]["body"]
    city_status = copy.deepcopy(mention[0]["status"])
    city_status["account"] = dict(city_status["account"], id=TEST_ID, acct="mastodonpy_test")
    fan = mention[0]["account"]
    written = [
        {"id": "31", "type": "favourite", "created_at": "2026-08-01T14:00:00.000Z",
         "account": fan, "status": city_status},
        {"id": "32", "type": "reblog", "created_at": "2026-08-01T14:05:00.000Z",
         "account": fan, "status": city_status},
    ]  # fmt: skip
    with responses.RequestsMock() as http:
        http.get(f"{INSTANCE}/api/v1/notifications", body=json.dumps(written + mention),
                 content_type="application/json")  # fmt: skip
        report = collect_stream(db, masto_collector(), "notifications", now=lambda: AUGUST)
    assert (report.status, report.new) == ("ok", 3)  # the mention, a favourite, a reblog
    ranking = rank_members(db, settings, AUGUST)
    (admin,) = [r for _, r in ranking.iterrows() if "@admin" in str(r["handles"])]
    assert (admin["n_reaction"], admin["n_share"], admin["n_mention"]) == (1, 1, 1)
    assert "mastodon" in admin["networks"]
    assert ADMIN_ID != TEST_ID
