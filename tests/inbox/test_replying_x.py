"""Replying through the real X collector, HTTP intercepted with ``responses``."""

from __future__ import annotations

import pytest
import responses

from beffroi.collectors import Author, Item
from beffroi.collectors.x.payloads import snowflake_time
from beffroi.inbox import ReplyFailed, send_reply
from tests.collectors.x_http import API, NOW, forbid, tid, x_collector
from tests.inbox.helpers import ingest, queue_row


@pytest.fixture
def http():
    with responses.RequestsMock() as rsps:
        yield rsps


def mention(ext: str) -> Item:
    return Item(
        network="x",
        account="x_ville",
        external_id=ext,
        kind="mention",
        direction="in",
        text="@marcqenbaroeul la déchetterie est ouverte le dimanche ?",
        created_at=snowflake_time(ext),
        author=Author("x", "42", "jeanne_marcq", "Jeanne"),
        thread_external_id=ext,
    )


def test_a_refused_tweet_keeps_the_draft_then_the_retry_is_recorded(db, example_settings, http):
    asked = tid(25)
    ingest(db, example_settings, mention(asked))
    qid = queue_row(db, asked)["id"]
    forbid(
        http,
        "POST",
        f"{API}/tweets",
        "You are not allowed to create a Tweet with duplicate content.",
    )
    with pytest.raises(ReplyFailed, match="brouillon est conservé"):
        send_reply(db, example_settings, qid, "Oui, de 9 h à 12 h.", actor="alice",
                   collector=x_collector(), now=NOW)  # fmt: skip
    row = queue_row(db, asked)
    assert row["status"] == "new" and row["reply_draft"] == "Oui, de 9 h à 12 h."
    assert "duplicate content" in row["last_error"]
    assert row["sending_since"] is None

    posted = tid(0)
    http.post(
        f"{API}/tweets", status=201, json={"data": {"id": posted, "text": "Oui, de 9 h à 12 h."}}
    )
    sent = send_reply(db, example_settings, qid, "Oui, de 9 h à 12 h.", actor="alice",
                      collector=x_collector(), now=NOW)  # fmt: skip
    expected = int((snowflake_time(posted) - snowflake_time(asked)).total_seconds())
    assert sent.response_seconds == expected and 1499 <= expected <= 1501
    row = queue_row(db, asked)
    assert (row["status"], row["replied_by"], row["response_seconds"], row["last_error"]) == (
        "replied",
        "alice",
        expected,
        None,
    )
    out = db.execute("SELECT * FROM items WHERE external_id = ?", (posted,)).fetchone()
    assert (out["direction"], out["parent_external_id"]) == ("out", asked)
    assert len(http.calls) == 2


def test_a_reply_sent_from_the_dashboard_answers_the_earlier_messages_too(
    db, example_settings, http
):
    """Jeanne wrote twice in one thread; answering the latest answers both, as a native
    reply does: nothing of the conversation stays open at the top of the list."""
    first, second = tid(40), tid(25)
    again = Item(**{**mention(second).__dict__, "thread_external_id": first})
    ingest(db, example_settings, mention(first), again)
    assert queue_row(db, second)["previous_queue_id"] == queue_row(db, first)["id"]
    posted = tid(0)
    http.post(f"{API}/tweets", status=201, json={"data": {"id": posted, "text": "Oui."}})
    send_reply(db, example_settings, queue_row(db, second)["id"], "Oui.", actor="alice",
               collector=x_collector(), now=NOW)  # fmt: skip
    rows = [queue_row(db, ext) for ext in (first, second)]
    assert [(r["status"], r["replied_by"]) for r in rows] == [("replied", "alice")] * 2
    assert rows[0]["reply_item_id"] == rows[1]["reply_item_id"]
    assert rows[0]["response_seconds"] > rows[1]["response_seconds"]  # each its own time
    assert len(http.calls) == 1
