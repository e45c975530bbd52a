"""X cursors are typed (``XCursor``) but stored as the JSON they always were: every cursor a
city's database already holds reads back, and goes on, unchanged."""

from __future__ import annotations

import json

import pytest

from tests.collectors.x_http import EMPTY, MENTIONS_URL, body, params, tid, tweet, x_collector

# Cursors as the collector wrote them before it had a type (one per stream and state).
STORED = [
    {"since_id": "1795000000000000000"},
    {"since_id": "1795000000000000000", "walk": {"next_token": "P2", "pending_newest": "17"}},
    {
        "since_id": "1795000000000000000",
        "conversations": {"1794000000000000000": "2026-11-24T10:00:00+00:00"},
        "walk": {"query": "(from:marcqenbaroeul) -is:retweet", "next_token": "P2", "floor": "9"},
    },
    {"newest": "1795000000000000001"},
    {
        "tweets": {"1794": {"seen": {"likes": 3}, "refreshed": "2026-11-24T10:00:00+00:00"}},
        "refused": {"likes": {"at": "2026-11-24T10:00:00+00:00", "why": "403", "auth": True}},
        "walk": {"tweet": "1794", "endpoint": "likes", "next_token": "7140dibdnow9c7"},
    },
]


@pytest.mark.parametrize("stored", STORED)
def test_every_stored_cursor_reads_back_to_the_same_json(stored):
    from beffroi.collectors.x import XCursor

    text = json.dumps(stored)
    assert json.loads(XCursor.load(text).dump()) == stored


@pytest.mark.parametrize("junk", ["", "[]", '"text"', "{not json", '{"walk": 3, "since_id": []}'])
def test_an_unreadable_cursor_starts_afresh(junk):
    from beffroi.collectors.x import XCursor

    assert XCursor.load(junk).dump() == "{}"


def test_a_bare_since_id_from_the_oldest_format_is_still_a_since_id(rsps):
    """The oldest cursors were the bare since_id. ``json.loads`` reads one as a number, which
    the untyped loader then dropped: the stream started again from nothing."""
    since, newer = tid(60), tid(1)
    rsps.get(MENTIONS_URL, json=body([tweet(newer, "@marcqenbaroeul bonjour", "2002")]))
    [page] = list(x_collector().fetch("mentions", since))
    assert params(rsps.calls[0])["since_id"] == since
    assert json.loads(page.cursor) == {"since_id": newer}


def test_a_next_token_of_the_wrong_type_ends_the_walk_instead_of_being_sent(rsps):
    since, newer = tid(60), tid(1)
    page_body = body([tweet(newer, "@marcqenbaroeul bonjour", "2002")])
    page_body["meta"]["next_token"] = ["not", "a", "token"]
    rsps.get(MENTIONS_URL, json=page_body)
    rsps.get(MENTIONS_URL, json=EMPTY)
    pages = list(x_collector().fetch("mentions", json.dumps({"since_id": since})))
    assert len(rsps.calls) == 1 and len(pages) == 1
    assert json.loads(pages[0].cursor) == {"since_id": newer}
