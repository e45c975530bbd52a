"""The X collector through the real runner (``collect_all``) into a real SQLite file."""

from __future__ import annotations

import json

import responses

from beffroi.scheduler.collection import collect_all
from tests.city_config import city_toml
from tests.collectors.x_http import (
    CITY_ID,
    DM_URL,
    EMPTY,
    MENTIONS_URL,
    NOW,
    SEARCH_URL,
    SECRETS,
    body,
    tid,
    tweet,
    x_collector,
)

CITIZEN = {"id": "2002", "username": "jeanne_marcq", "name": "Jeanne"}


@responses.activate
def test_collect_all_stores_items_cursors_and_runs(db):
    mention, post, reply, native = tid(50), tid(40), tid(20), tid(10)
    responses.get(
        MENTIONS_URL,
        json=body([tweet(mention, "@marcqenbaroeul trottoir cassé", "2002")], users=[CITIZEN]),
    )
    responses.get(
        SEARCH_URL,
        json=body(
            [
                tweet(
                    native,
                    "@jeanne_marcq transmis à la voirie",
                    CITY_ID,
                    conversation=mention,
                    replied_to=mention,
                ),
                tweet(reply, "@marcqenbaroeul super", "2002", conversation=post, replied_to=post),
                tweet(post, "Marché de Noël samedi", CITY_ID),
            ],
            users=[CITIZEN],
        ),
    )
    responses.get(
        DM_URL,
        status=401,
        json={"title": "Unauthorized", "detail": f"bad token {SECRETS['access_token']}"},
    )
    collector = x_collector()
    reports = collect_all(db, [collector], now=lambda: NOW)
    assert [(r.stream, r.status, r.new, r.api_calls) for r in reports] == [
        ("mentions", "ok", 1, 1),
        ("replies", "ok", 3, 1),
        ("dms", "error", 0, 0),
    ]

    rows = db.execute(
        "SELECT external_id, kind, direction, parent_external_id, thread_external_id, member_id"
        " FROM items ORDER BY external_id"
    ).fetchall()
    assert [tuple(r)[:5] for r in rows] == sorted(
        [
            (mention, "mention", "in", None, mention),
            (post, "post", "out", None, post),
            (reply, "reply", "in", post, post),
            (native, "reply", "out", mention, mention),
        ]
    )
    handles = db.execute("SELECT handle FROM members").fetchall()
    assert [h[0] for h in handles] == ["jeanne_marcq"]  # the city is not a member
    queued = db.execute(
        "SELECT i.external_id FROM queue q JOIN items i ON i.id = q.item_id ORDER BY 1"
    ).fetchall()
    assert [q[0] for q in queued] == sorted([mention, reply])

    cursors = dict(db.execute("SELECT stream, cursor FROM cursors").fetchall())
    assert json.loads(cursors["mentions"]) == {"since_id": mention}
    assert json.loads(cursors["replies"])["conversations"] == {post: tweet_time(post)}
    assert "dms" not in cursors

    runs = db.execute(
        "SELECT stream, status, fetched, new, api_calls, error_kind, error FROM collection_runs"
        " ORDER BY id"
    ).fetchall()
    assert [tuple(r)[:6] for r in runs] == [
        ("mentions", "ok", 1, 1, 1, None),
        ("replies", "ok", 3, 3, 1, None),
        ("dms", "error", 0, 0, 0, "auth_expired"),
    ]
    assert "x_ville" in runs[2]["error"] and SECRETS["access_token"] not in runs[2]["error"]

    # Second pass: idle, one request per stream, nothing new, cursors kept.
    responses.replace(responses.GET, MENTIONS_URL, json=EMPTY)
    responses.replace(responses.GET, SEARCH_URL, json=EMPTY)
    responses.replace(responses.GET, DM_URL, json=EMPTY)
    before = len(responses.calls)
    again = collect_all(db, [collector], now=lambda: NOW)
    assert [(r.status, r.new, r.api_calls) for r in again] == [("ok", 0, 1)] * 3
    assert len(responses.calls) - before == 3
    assert db.execute("SELECT count(*) FROM items").fetchone()[0] == 4
    search_query = responses.calls[before + 1].request.url
    assert f"conversation_id%3A{post}" in search_query


def tweet_time(external_id: str) -> str:
    from beffroi.collectors.x.payloads import snowflake_time

    return snowflake_time(external_id).replace(microsecond=0).isoformat()


X_CONFIG = (
    city_toml("b.db")
    + """[[accounts]]
key = "x_ville"
network = "x"
handle = "marcqenbaroeul"
external_id = "1001"
token_env = "BEFFROI_X_BEARER_TOKEN"
secret_envs = { user_access_token = "BEFFROI_X_USER_ACCESS_TOKEN", user_access_secret = "BEFFROI_X_USER_ACCESS_SECRET", consumer_key = "BEFFROI_X_CONSUMER_KEY", consumer_secret = "BEFFROI_X_CONSUMER_SECRET" }
"""
)


@responses.activate
def test_beffroi_collect_network_x_from_a_configuration(tmp_path, monkeypatch, capsys):
    from beffroi.cli.main import main

    cfg = tmp_path / "b.toml"
    cfg.write_text(X_CONFIG, encoding="utf-8")
    monkeypatch.setenv("BEFFROI_X_BEARER_TOKEN", SECRETS["bearer_token"])
    for name, env in [
        ("consumer_key", "BEFFROI_X_CONSUMER_KEY"),
        ("consumer_secret", "BEFFROI_X_CONSUMER_SECRET"),
        ("access_token", "BEFFROI_X_USER_ACCESS_TOKEN"),
    ]:
        monkeypatch.setenv(env, SECRETS[name])
    # BEFFROI_X_USER_ACCESS_SECRET is left unset: DMs must say so, the rest must work.
    mention = tid(5)
    responses.get(
        MENTIONS_URL,
        json=body([tweet(mention, "@marcqenbaroeul bonjour", "2002")], users=[CITIZEN]),
    )
    responses.get(SEARCH_URL, json=EMPTY)
    assert main(["-c", str(cfg), "collect", "--network", "x"]) == 1
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert lines[0].startswith("x_ville") and "mentions" in lines[0] and "new     1" in lines[0]
    assert "replies" in lines[1] and "API calls   1" in lines[1]
    assert "auth_expired" in lines[2] and "set BEFFROI_X_USER_ACCESS_SECRET (" in lines[2]
    assert "3 streams, 1 new items, 1 errors" in err
    assert len(responses.calls) == 2
    for secret in SECRETS.values():
        assert secret not in out + err
