"""A rendez-vous post the network accepted (2xx) without the id Beffroi expects went out:
the outbox records it as published, with a note in French, and never offers it for a second
publication (issue 12). The real outbox and X client, HTTP intercepted with ``responses``;
the answer is tweepy's recorded ``POST /2/tweets`` (x/create_and_delete_tweet.json) with its
``data.id`` changed, as the mutation suite found it."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
import responses

from beffroi.scheduler.outbox import publish_cycle
from beffroi.store.calendar import publications_between
from tests.collectors.x_http import API, x_collector
from tests.conftest import shared_fixture
from tests.scheduler.drafting import THURSDAY_11, jeudi_approved

TEXT = "Jeudi de l'économie : la pépinière d'entreprises"


def recorded_created() -> dict:
    entries = json.loads(shared_fixture("x/create_and_delete_tweet.json").read_text("utf-8"))
    return entries[0]["response"]["body"]


@pytest.fixture
def planned(tmp_path):
    settings, conn = jeudi_approved(tmp_path, TEXT)
    yield settings, conn
    conn.close()


@pytest.mark.parametrize("odd_id", ["0", {"a": 1}, None], ids=["zero", "object", "null"])
def test_a_post_accepted_without_its_id_is_published_with_a_note_never_resent(planned, odd_id):
    settings, conn = planned
    answer = recorded_created()
    answer["data"]["id"] = odd_id
    with responses.RequestsMock() as http:
        http.post(f"{API}/tweets", json=answer, status=201)
        report = publish_cycle(
            conn, settings, {"x_ville": x_collector()}, now=THURSDAY_11, worker="w"
        )
        # Later cycles: nothing is posted again (no request is registered for a second post).
        for minutes in (1, 10, 60):
            publish_cycle(
                conn, settings, {"x_ville": x_collector()},
                now=THURSDAY_11 + timedelta(minutes=minutes), worker="w",
            )  # fmt: skip
        assert [c.request.method for c in http.calls] == ["POST"]
    row = conn.execute("SELECT * FROM publications WHERE account = 'x_ville'").fetchone()
    assert (row["status"], row["error"], row["external_id"]) == ("published", None, None)
    assert report["published"] == 1 and "needs_person" not in report
    note = json.loads(row["facts"])["accepted_oddly"]
    assert "X a accepté la publication" in note and "sans nouvel envoi" in note
    # What the Calendrier reads (store level): published, with the note.
    [shown] = [
        p for p in publications_between(conn, "2026-11-01", "2026-12-01")
        if p["account"] == "x_ville"
    ]  # fmt: skip
    assert shown["status"] == "published" and "sans nouvel envoi" in shown["facts"]
