"""Publishing through the simulated city with a frozen clock."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from beffroi.scheduler.drafts import (
    DraftError,
    resolve_publication,
)
from beffroi.scheduler.outbox import publish_cycle
from beffroi.scheduler.series import occurrences
from beffroi.store import publishing as pub
from beffroi.store import to_db
from tests.scheduler.drafting import approved_draft, lea_saves
from tests.scheduler.sandbox_city import (
    scheduler_city,
)

START = datetime(2026, 10, 5, 8, 0, tzinfo=UTC)  # a Monday, three weeks before the change
JEUDI = {"x_ville": "Jeudi de l'économie n°{n}", "facebook_ville": "Jeudi de l'économie n°{n} !"}


@pytest.fixture
def city(tmp_path):
    with scheduler_city(tmp_path, START) as city:
        yield city


def approved(conn, settings, n, now, series="jeudi_economie"):
    texts = {k: v.format(n=n) for k, v in JEUDI.items()}
    return approved_draft(conn, settings, texts, now=now, series_key=series, title=f"n°{n}")


def run(conn, settings, collectors, clock, at):
    clock.now = at
    return publish_cycle(conn, settings, collectors, now=at, worker="test")


def test_weekly_series_publishes_on_thursdays_at_11_paris_across_the_dst_change(city):
    settings, clock, network, conn, collectors = city
    drafts = [approved(conn, settings, n, START) for n in range(1, 7)]
    rdv = next(r for r in settings.rendezvous if r.key == "jeudi_economie")
    due = occurrences(rdv, settings, START, START + timedelta(weeks=6))
    steps = sorted(
        {START + timedelta(hours=6 * i) for i in range(4 * 7 * 6)}
        | {o + timedelta(minutes=1) for o in due}
    )
    for at in steps:
        run(conn, settings, collectors, clock, at)
    for account in ("x_ville", "facebook_ville"):
        posts = network.published(account)
        assert len(posts) == 6
        assert len({p.marker for p in posts}) == 6
        local = [p.created_at.astimezone(settings.tz) for p in posts]
        assert all((d.weekday(), d.hour, d.minute) == (3, 11, 1) for d in local)
        # Before and after the change on 25 October, the UTC hour moved.
        assert {p.created_at.hour for p in posts} == {9, 10}
        assert [p.text.split("\n")[0] for p in posts] == [
            JEUDI[account].format(n=n) for n in range(1, 7)
        ]
        assert all(p.text.endswith("#jeudideleconomie") for p in posts)
    statuses = {
        conn.execute("SELECT status FROM drafts WHERE id = ?", (d,)).fetchone()[0] for d in drafts
    }
    assert statuses == {"published"}
    # The week after, no draft is left: the occurrence is recorded missed, never skipped.
    run(conn, settings, collectors, clock, due[-1] + timedelta(weeks=1, minutes=1))
    last = conn.execute(
        "SELECT DISTINCT status FROM publications WHERE series_key = 'jeudi_economie' "
        "AND occurrence = ?",
        (to_db(due[-1] + timedelta(weeks=1)),),
    ).fetchall()
    assert [r[0] for r in last] == ["missed"]


def test_transient_errors_are_retried_with_backoff_then_published_once(city):
    settings, clock, network, conn, collectors = city
    thursday = datetime(2026, 10, 8, 9, 0, tzinfo=UTC)
    approved(conn, settings, 1, START)
    network.inject_failure("x_ville", "publish", "transient", count=2)
    report = run(conn, settings, collectors, clock, thursday)
    assert report["retried"] == 1 and report["published"] == 1  # facebook went out
    row = conn.execute(
        "SELECT * FROM publications WHERE account = 'x_ville' AND occurrence = ?",
        ("2026-10-08 09:00:00",),
    ).fetchone()
    assert (row["status"], row["attempts"], row["next_attempt_at"]) == (
        "approved",
        1,
        "2026-10-08 09:00:30",
    )
    assert "simulated transient" in row["error"]
    assert run(conn, settings, collectors, clock, thursday + timedelta(seconds=10)) == {}
    assert run(conn, settings, collectors, clock, thursday + timedelta(seconds=31))["retried"] == 1
    assert (
        run(conn, settings, collectors, clock, thursday + timedelta(seconds=92))["published"] == 1
    )
    row = conn.execute("SELECT * FROM publications WHERE id = ?", (row["id"],)).fetchone()
    assert (row["status"], row["attempts"], row["error"]) == ("published", 3, None)
    assert len(network.published("x_ville")) == 1


def test_too_many_errors_end_failed_with_the_error_shown(city):
    settings, clock, network, conn, collectors = city
    thursday = datetime(2026, 10, 8, 9, 0, tzinfo=UTC)
    draft = approved(conn, settings, 1, START)
    network.inject_failure("facebook_ville", "publish", "transient", count=10)
    at = thursday
    for _ in range(settings.scheduler.max_publish_attempts):
        run(conn, settings, collectors, clock, at)
        at += timedelta(minutes=30)
    row = conn.execute(
        "SELECT * FROM publications WHERE account = 'facebook_ville' AND occurrence = '2026-10-08 09:00:00'"
    ).fetchone()
    assert row["status"] == "failed"
    assert row["error"].startswith(f"{settings.scheduler.max_publish_attempts} tentatives")
    assert network.published("facebook_ville") == []
    assert len(network.published("x_ville")) == 1
    assert (
        conn.execute("SELECT status FROM drafts WHERE id = ?", (draft,)).fetchone()[0] == "failed"
    )


def test_a_permanent_error_fails_at_once(city):
    settings, clock, network, conn, collectors = city
    approved(conn, settings, 1, START)
    network.inject_failure("x_ville", "publish", "permanent")
    report = run(conn, settings, collectors, clock, datetime(2026, 10, 8, 9, 0, tzinfo=UTC))
    assert report["failed"] == 1 and report["published"] == 1


@pytest.mark.parametrize("exhaustive", [True, False], ids=["network-knows", "network-unsure"])
def test_a_row_left_publishing_is_reconciled_before_any_retry(city, exhaustive):
    settings, clock, network, conn, collectors = city
    # The simulated network sees every post; a real one may not (X without search access).
    for collector in collectors.values():
        collector.find_published_is_exhaustive = exhaustive
    thursday = datetime(2026, 10, 8, 9, 0, tzinfo=UTC)
    approved(conn, settings, 1, START)
    # Materialise and attach without publishing (no collectors), then play a crash:
    # x_ville was claimed and the network got the post; facebook_ville was claimed only.
    run(conn, settings, {}, clock, thursday)
    rows = {
        r["account"]: r
        for r in conn.execute("SELECT * FROM publications WHERE status = 'approved'")
    }
    for row in rows.values():
        assert pub.claim_publication(conn, row["id"], "dead:1", thursday)
    from beffroi.collectors import OutgoingPost

    posted = collectors["x_ville"].publish(
        OutgoingPost("x_ville", "Jeudi", rows["x_ville"]["marker"])
    )
    report = run(conn, settings, collectors, clock, thursday + timedelta(minutes=1))
    x = conn.execute("SELECT * FROM publications WHERE id = ?", (rows["x_ville"]["id"],)).fetchone()
    assert (x["status"], x["external_id"]) == ("published", posted)
    assert "retrouvée" in json.loads(x["facts"])["network"]
    assert len(network.published("x_ville")) == 1
    fb = conn.execute(
        "SELECT * FROM publications WHERE id = ?", (rows["facebook_ville"]["id"],)
    ).fetchone()
    if exhaustive:
        assert fb["status"] == "published" and report["published"] == 1
    else:
        # The network cannot say: a person decides, with the facts, and nothing is re-sent.
        assert fb["status"] == "needs_person" and network.published("facebook_ville") == []
        facts = json.loads(fb["facts"])
        assert facts["claimed_by"] == "dead:1" and facts["marker"] == fb["marker"]
        with pytest.raises(DraftError, match="rôle"):
            resolve_publication(conn, fb["id"], "retry", username="lea", role="comms", now=thursday)
        resolve_publication(
            conn, fb["id"], "retry", username="chef", role="comms_lead", now=thursday
        )
        run(conn, settings, collectors, clock, thursday + timedelta(minutes=2))
        fb = conn.execute("SELECT * FROM publications WHERE id = ?", (fb["id"],)).fetchone()
        assert (fb["status"], fb["resolved_by"]) == ("published", "chef")
    assert len(network.published("facebook_ville")) == 1


def test_a_person_marks_an_uncertain_post_published_with_its_link(city):
    settings, clock, network, conn, collectors = city
    thursday = datetime(2026, 10, 8, 9, 0, tzinfo=UTC)
    approved(conn, settings, 1, START)
    run(conn, settings, {}, clock, thursday)
    row = conn.execute("SELECT * FROM publications WHERE account = 'x_ville'").fetchone()
    pub.claim_publication(conn, row["id"], "dead:1", thursday)
    pub.record_needs_person(conn, row["id"], "{}", thursday)
    with pytest.raises(DraftError, match="lien"):
        resolve_publication(
            conn, row["id"], "published", username="chef", role="admin", now=thursday
        )
    resolve_publication(
        conn,
        row["id"],
        "published",
        username="chef",
        role="admin",
        now=thursday,
        link="https://x.com/marcqenbaroeul/status/1850000000000000001",
    )
    row = conn.execute("SELECT * FROM publications WHERE id = ?", (row["id"],)).fetchone()
    assert (row["status"], row["external_id"]) == ("published", "1850000000000000001")
    assert row["permalink"].startswith("https://x.com/")


def test_editing_an_approved_draft_takes_it_out_of_the_queue_until_approved_again(city):
    settings, clock, network, conn, collectors = city
    thursday = datetime(2026, 10, 8, 9, 0, tzinfo=UTC)
    first = approved(conn, settings, 1, START)
    second = approved(conn, settings, 2, START)
    corrected = {"x_ville": "Corrigé", "facebook_ville": "Corrigé"}
    lea_saves(
        conn,
        settings,
        corrected,
        draft_id=first,
        series_key="jeudi_economie",
        now=START,
        title="n°1",
    )
    run(conn, settings, collectors, clock, thursday)
    # The edited draft waits for approval: the occurrence took the next approved one.
    assert [p.text.split("\n")[0] for p in network.published("x_ville")] == [
        "Jeudi de l'économie n°2"
    ]
    assert (
        conn.execute("SELECT status FROM drafts WHERE id = ?", (second,)).fetchone()[0]
        == "published"
    )
    assert conn.execute("SELECT status FROM drafts WHERE id = ?", (first,)).fetchone()[0] == "draft"
    with pytest.raises(DraftError, match="published"):
        too_late = {"x_ville": "Trop tard", "facebook_ville": "Trop tard"}
        lea_saves(
            conn, settings, too_late, draft_id=second, series_key="jeudi_economie", now=thursday
        )


def test_one_off_draft_goes_out_at_its_time_once(city):
    settings, clock, network, conn, collectors = city
    at = datetime(2026, 10, 6, 15, 30, tzinfo=UTC)
    closing = {"x_ville": "Fermeture exceptionnelle de la mairie à 16 h"}
    draft = approved_draft(conn, settings, closing, fixed_at=at, now=START)
    run(conn, settings, collectors, clock, at - timedelta(minutes=1))
    assert network.published("x_ville") == []
    run(conn, settings, collectors, clock, at)
    run(conn, settings, collectors, clock, at + timedelta(minutes=1))
    posts = network.published("x_ville")
    assert [p.text for p in posts] == ["Fermeture exceptionnelle de la mairie à 16 h"]
    assert (
        conn.execute("SELECT status FROM drafts WHERE id = ?", (draft,)).fetchone()[0]
        == "published"
    )


def test_an_account_added_to_the_series_after_approval_never_gets_a_blank_post(city, tmp_path):
    settings, clock, network, conn, collectors = city
    approved(conn, settings, 1, START)
    grown = [
        r.model_copy(update={"accounts": [*r.accounts, "instagram_ville"]})
        if r.key == "jeudi_economie"
        else r
        for r in settings.rendezvous
    ]
    from tests.conftest import settings_with

    bigger = settings_with(settings, rendezvous=grown)
    run(conn, bigger, collectors, clock, datetime(2026, 10, 8, 9, 0, tzinfo=UTC))
    row = conn.execute(
        "SELECT status, error FROM publications WHERE account = 'instagram_ville' "
        "AND series_key = 'jeudi_economie'"
    ).fetchone()
    assert tuple(row) == ("failed", "le brouillon n'a pas de texte pour ce compte")
    assert network.published("instagram_ville") == []
    assert len(network.published("x_ville")) == 1
