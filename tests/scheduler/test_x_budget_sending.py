"""At an X account's budget, publishing and replies go on, or pause too with
``pause_publishing_at_budget = true``; what a reply or a post creates is billed at once.

The X API is intercepted with ``responses``; answers are WRITTEN in X v2's form
(tests.collectors.x_http); the database is a real SQLite file.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
import responses

from beffroi.collectors import Author, Item
from beffroi.collectors.x.payloads import snowflake_time
from beffroi.config.settings import XPricing
from beffroi.inbox import ReplyFailed, send_reply
from beffroi.scheduler import x_budget
from beffroi.scheduler.outbox import publish_cycle
from beffroi.store import sync_accounts, x_usage
from tests.collectors.x_http import API, CITY_ID, NOW, tid, x_account, x_collector
from tests.conftest import settings_with
from tests.inbox.helpers import ingest, queue_row
from tests.scheduler.drafting import approved_draft

BUDGET = 0.05


@pytest.fixture
def http():
    with responses.RequestsMock() as rsps:
        yield rsps


def on_budget(example_settings, pause: bool):
    accounts = [
        a.model_copy(
            update={
                "budget_usd": BUDGET,
                "pause_publishing_at_budget": pause,
                "external_id": CITY_ID,  # no user lookup
            }
        )
        if a.key == "x_ville"
        else a
        for a in example_settings.accounts
    ]
    return settings_with(example_settings, accounts=accounts)


def spend_the_budget(db) -> None:
    """Ten posts read this month: $0.05 at $0.005, the budget."""
    x_usage.save_usage(db, "x_ville", [("mentions", "post_read", 1, 10)], NOW)


def mention(ext: str) -> Item:
    return Item(
        network="x", account="x_ville", external_id=ext, kind="mention", direction="in",
        text="@marcqenbaroeul la piscine est ouverte ?", created_at=snowflake_time(ext),
        author=Author("x", "42", "jeanne_marcq", "Jeanne"), thread_external_id=ext,
    )  # fmt: skip


def collector(settings):
    made = x_collector(settings.account("x_ville"))
    made.pricing = XPricing()
    return made


def test_by_default_replies_go_on_at_the_budget_and_are_billed(db, example_settings, http):
    settings = on_budget(example_settings, pause=False)
    spend_the_budget(db)
    asked = tid(20)
    ingest(db, settings, mention(asked))
    http.post(f"{API}/tweets", status=201, json={"data": {"id": tid(0), "text": "Oui."}})
    send_reply(db, settings, queue_row(db, asked)["id"], "Oui.", actor="alice",
               collector=collector(settings), now=NOW)  # fmt: skip
    assert queue_row(db, asked)["status"] == "replied"
    # The reply created a post: billed in the month's estimate at once.
    assert x_usage.month_estimate(db, "x_ville", XPricing(), NOW) == BUDGET + 0.015


def test_paused_replies_keep_the_draft_and_say_why_in_french(db, example_settings, http):
    settings = on_budget(example_settings, pause=True)
    asked = tid(20)
    ingest(db, settings, mention(asked))
    qid = queue_row(db, asked)["id"]
    spend_the_budget(db)
    with pytest.raises(ReplyFailed) as refused:
        send_reply(db, settings, qid, "Oui, dès 9 h.", actor="alice",
                   collector=collector(settings), now=NOW)  # fmt: skip
    print(refused.value)
    assert "budget X du mois atteint pour x_ville (0,05 $ estimés pour 0,05 $ prévus)" in str(
        refused.value
    )
    assert "brouillon est conservé" in str(refused.value)
    row = queue_row(db, asked)
    assert (row["status"], row["reply_draft"], row["sending_since"]) == (
        "new",
        "Oui, dès 9 h.",
        None,
    )
    assert len(http.calls) == 0  # X was asked nothing
    # Next month (or a raised budget), the same reply goes out.
    http.post(f"{API}/tweets", status=201, json={"data": {"id": tid(0), "text": "Oui."}})
    raised = settings_with(
        settings,
        accounts=[
            a.model_copy(update={"budget_usd": 1.0}) if a.key == "x_ville" else a
            for a in settings.accounts
        ],
    )
    send_reply(db, raised, qid, "Oui, dès 9 h.", actor="alice",
               collector=collector(raised), now=NOW)  # fmt: skip
    assert queue_row(db, asked)["status"] == "replied"


@pytest.mark.parametrize("pause", [False, True])
def test_a_post_on_x_at_the_budget_goes_out_or_waits_as_configured(
    db, example_settings, http, pause
):
    settings = on_budget(example_settings, pause=pause)
    sync_accounts(db, settings)
    spend_the_budget(db)
    draft = approved_draft(db, settings, {"x_ville": "Marché de Noël samedi"}, now=NOW,
                           fixed_at=NOW + timedelta(minutes=5))  # fmt: skip
    if not pause:
        http.post(f"{API}/tweets", status=201, json={"data": {"id": tid(0), "text": "Marché"}})
    at = NOW + timedelta(minutes=6)
    report = publish_cycle(db, settings, {"x_ville": collector(settings)}, now=at, worker="t")
    (row,) = db.execute("SELECT * FROM publications WHERE draft_id = ?", (draft,)).fetchall()
    if not pause:
        assert row["status"] == "published" and len(http.calls) == 1
        assert x_usage.month_estimate(db, "x_ville", XPricing(), at) == BUDGET + 0.015
        return
    assert (row["status"], len(http.calls), report.get("budget_held")) == ("approved", 0, 1)
    assert row["error"].startswith("budget X du mois atteint pour x_ville")
    # Past its grace (two hours for a one-off post), it is missed, for that reason.
    late = NOW + timedelta(hours=3)
    report = publish_cycle(db, settings, {"x_ville": collector(settings)}, now=late, worker="t")
    assert report.get("missed") == 1
    (row,) = db.execute("SELECT * FROM publications WHERE draft_id = ?", (draft,)).fetchall()
    assert row["status"] == "missed" and "budget X" in row["error"]
    assert len(http.calls) == 0


def test_the_pause_sentence_says_whether_posts_and_replies_go_on():
    assert x_budget.still_sending(False) == "Les publications et les réponses continuent."
    assert "aussi en pause" in x_budget.still_sending(True)
    assert x_account(pause_publishing_at_budget=True).pause_publishing_at_budget
    assert not x_account().pause_publishing_at_budget  # documented default: they go on


def test_an_invitation_by_private_message_on_x_waits_too(db, example_settings, http):
    """A DM invitation is a message the city sends on X: paused like a reply, nothing sent,
    nothing claimed (a gap the budget work left open)."""
    from beffroi.inbox import CommunityError, deliver_invitation
    from beffroi.store.community import create_event, propose_invitations

    settings = on_budget(example_settings, pause=True)
    spend_the_budget(db)
    dm = Item(
        network="x", account="x_ville", external_id=tid(30), kind="dm", direction="in",
        text="Bonjour, je voudrais venir aux rencontres", created_at=NOW - timedelta(hours=1),
        author=Author("x", "42", "jeanne_marcq", "Jeanne"), thread_external_id="conv-42",
    )  # fmt: skip
    ingest(db, settings, dm, stream="dms")
    member = db.execute("SELECT id FROM members WHERE handle = 'jeanne_marcq'").fetchone()[0]
    event = create_event(
        db, name="Instameet", kind="instameet", starts_at=NOW + timedelta(days=5), now=NOW
    )
    (inv,) = propose_invitations(db, event, {member: "Bonjour Jeanne, venez !"}, now=NOW)
    with pytest.raises(CommunityError, match="budget X du mois atteint"):
        deliver_invitation(db, inv, lambda _a: collector(settings), settings=settings, now=NOW)
    row = db.execute("SELECT status, sending_since FROM invitations WHERE id = ?", (inv,))
    assert tuple(row.fetchone()) == ("proposed", None)
    assert len(http.calls) == 0
