"""``beffroi collect`` end to end for the Meta accounts: config, wiring, runner, SQLite.

The Graph API is imitated at the HTTP layer; everything else is the real program. The
second run is an idle pass: one request per stream, nothing new.
"""

from __future__ import annotations

import sqlite3

from beffroi.cli.main import main
from tests.city_config import meta_accounts_toml
from tests.collectors.graph_http import GRAPH, TOKEN, stamp

CONFIG = '[city]\nname = "Marcq-en-Barœul"\n\n[database]\npath = "b.db"\n\n' + meta_accounts_toml()

FEED = {
    "data": [
        {
            "id": "1001_5001",
            "created_time": "2026-11-18T09:00:00+0000",
            "comments": {
                "data": [
                    {"id": "5001_2", "message": "Bonjour, samedi 9h-12h.", "created_time":
                     "2099-11-19T10:00:00+0000", "from": {"id": "1001", "name": "Ville"},
                     "parent": {"id": "5001_1"}},
                    {"id": "5001_1", "message": "Le marché est-il ouvert samedi ?",
                     "created_time": "2099-11-19T09:00:00+0000"},
                ]
            },
        }
    ]
}  # fmt: skip
CONVERSATIONS = {
    "data": [
        {"id": "t_1", "updated_time": "2099-11-19T12:00:00+0000", "messages": {"data": [
            {"id": "m_1", "created_time": "2099-11-19T12:00:00+0000",
             "from": {"id": "55", "name": "Inès"}, "message": "Où déposer des encombrants ?"}]}}
    ]
}  # fmt: skip
POSTS = {
    "data": [{"id": "1001_5001", "message": "Marché", "created_time": "2099-11-18T09:00:00+0000"}]
}
MEDIA = {
    "data": [
        {"id": "m1", "timestamp": stamp(15, 12), "comments_count": 1, "comments": {"data": [
            {"id": "c1", "text": "Magnifique !", "timestamp": "2099-11-19T11:00:00+0000",
             "username": "lea.mq", "from": {"id": "u1", "username": "lea.mq"}}]}}
    ]
}  # fmt: skip


def test_collect_twice_second_pass_is_one_request_per_stream(tmp_path, rsps, monkeypatch, capsys):
    config = tmp_path / "beffroi.toml"
    config.write_text(CONFIG, encoding="utf-8")
    monkeypatch.setenv("BEFFROI_META_PAGE_TOKEN", TOKEN)
    rsps.get(GRAPH + "1001/feed", json=FEED)
    rsps.get(GRAPH + "1001/conversations", json=CONVERSATIONS)
    rsps.get(GRAPH + "1001/posts", json=POSTS)
    rsps.get(GRAPH + "17841400000000001/media", json=MEDIA)
    rsps.get(GRAPH + "17841400000000001/tags", json={"data": []})
    rsps.get(GRAPH + "me/conversations", json={"data": []})

    assert main(["-c", str(config), "collect"]) == 0
    first = capsys.readouterr()
    assert "6 streams, 5 new items, 0 errors" in first.err
    assert len(rsps.calls) == 6

    assert main(["-c", str(config), "collect"]) == 0
    second = capsys.readouterr()
    assert "6 streams, 0 new items, 0 errors" in second.err
    assert len(rsps.calls) == 12  # the idle pass: one request per stream
    for line in second.out.splitlines():
        assert "API calls   1" in line, line
    assert TOKEN not in first.out + first.err + second.out + second.err

    conn = sqlite3.connect(tmp_path / "b.db")
    rows = conn.execute(
        "SELECT account, external_id, kind, direction, parent_external_id FROM items "
        "ORDER BY account, external_id"
    ).fetchall()
    assert rows == [
        ("facebook_ville", "1001_5001", "post", "out", None),
        ("facebook_ville", "5001_1", "comment", "in", "1001_5001"),
        ("facebook_ville", "5001_2", "reply", "out", "5001_1"),
        ("facebook_ville", "m_1", "dm", "in", None),
        ("instagram_ville", "c1", "comment", "in", "m1"),
    ]
