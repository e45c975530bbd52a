"""After a crash mid-publication on a real network (X here, through HTTP intercepted with
``responses``), the outbox finds the post by the text it sent: X keeps no hidden marker."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
import responses

from beffroi.scheduler.outbox import publish_cycle
from beffroi.store import publishing as pub
from tests.collectors.x_http import API, CITY_ID, tid, x_collector
from tests.scheduler.drafting import THURSDAY_11, jeudi_approved

TEXT = "Jeudi de l'économie : la pépinière d'entreprises https://marcq.fr/eco"
TWEETS_URL = f"{API}/users/{CITY_ID}/tweets"


@pytest.fixture
def crashed(tmp_path):
    """A jeudi de l'économie row claimed by a process that died during the network call."""
    settings, conn = jeudi_approved(tmp_path, TEXT)
    publish_cycle(conn, settings, {}, now=THURSDAY_11, worker="plan")  # rows, nothing sent
    row = conn.execute(
        "SELECT * FROM publications WHERE account = 'x_ville' AND status = 'approved'"
    ).fetchone()
    assert pub.claim_publication(conn, row["id"], "dead:1", THURSDAY_11)
    yield settings, conn, row["id"]
    conn.close()


def test_a_crashed_tweet_is_found_by_its_text_and_never_sent_again(crashed):
    settings, conn, row_id = crashed
    sent = TEXT + "\n\n#jeudideleconomie"  # the series' hashtag, as the outbox adds it
    with responses.RequestsMock() as http:
        http.get(
            TWEETS_URL,
            json={
                "data": [
                    {"id": tid(3), "text": "Minute culturelle : la Villa Bagatelle"},
                    # X rewrote the link; the text is otherwise what was sent.
                    {"id": tid(2), "text": sent.replace("https://marcq.fr/eco", "https://t.co/x1")},
                ],
                "meta": {"result_count": 2},
            },
        )
        report = publish_cycle(
            conn, settings, {"x_ville": x_collector()}, now=THURSDAY_11 + timedelta(minutes=1),
            worker="next",
        )  # fmt: skip
        assert [c.request.method for c in http.calls] == ["GET"]  # looked, never posted
    row = conn.execute("SELECT * FROM publications WHERE id = ?", (row_id,)).fetchone()
    assert (row["status"], row["external_id"]) == ("published", tid(2))
    assert report["reconciled"] == 1
    assert "retrouvée" in json.loads(row["facts"])["network"]


def test_a_crashed_tweet_not_found_waits_for_a_person(crashed):
    settings, conn, row_id = crashed
    with responses.RequestsMock() as http:
        http.get(TWEETS_URL, json={"data": [{"id": tid(3), "text": "Autre chose"}], "meta": {}})
        publish_cycle(
            conn, settings, {"x_ville": x_collector()}, now=THURSDAY_11 + timedelta(minutes=1),
            worker="next",
        )  # fmt: skip
        assert [c.request.method for c in http.calls] == ["GET"]
    row = conn.execute("SELECT * FROM publications WHERE id = ?", (row_id,)).fetchone()
    assert row["status"] == "needs_person"  # X cannot prove absence: no blind second tweet
