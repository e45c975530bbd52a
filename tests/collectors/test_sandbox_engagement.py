"""The simulated city's ``engagement`` stream: who liked and shared the city's posts."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from beffroi.collectors.sandbox import SandboxCollector
from beffroi.sandbox import SETTLE, from_text
from beffroi.scheduler.collection import collect_stream
from beffroi.store import connect
from tests.collectors.test_sandbox import BUILT, Clock, collectors, make_settings


def engagement_pass(collector, cursor=None):
    found, calls = [], 0
    for page in collector.fetch("engagement", cursor):
        assert page.items == []
        found += page.interactions
        calls += page.api_calls
        cursor = page.cursor or cursor
    return found, cursor, calls


def test_x_and_facebook_list_likes_and_shares_instagram_does_not(tmp_path):
    settings = make_settings(tmp_path, citizens=60, history_days=10)
    by_key = collectors(settings, Clock(BUILT))
    assert "engagement" in by_key["x_ville"].streams()
    assert "engagement" in by_key["facebook_ville"].streams()
    assert "engagement" not in by_key["instagram_ville"].streams()  # Instagram gives a count only
    x, _, calls = engagement_pass(by_key["x_ville"])
    facebook, _, _ = engagement_pass(by_key["facebook_ville"])
    assert Counter(i.kind for i in x).keys() == {"reaction", "share"}
    assert {i.kind for i in facebook} == {"reaction"}  # Facebook does not say who shared
    posts = {
        r["external_id"]: r
        for r in by_key["x_ville"].state.conn.execute(
            "SELECT * FROM messages WHERE account = 'x_ville' AND kind = 'post'"
        )
    }
    for interaction in x:
        post = posts[interaction.target_external_id]
        # A network does not say when a like happened: the post's own time stands in.
        assert interaction.created_at == from_text(post["created_at"])
        assert interaction.created_at <= BUILT - SETTLE
        assert interaction.author.external_id.startswith("sim-x-u")
    settled = [p for p in posts.values() if from_text(p["created_at"]) <= BUILT - SETTLE]
    assert calls == len(settled)  # one request per post read
    # A person likes a post once; the same people the next time (seeded by the post's id).
    assert len({(i.author.external_id, i.kind, i.target_external_id) for i in x}) == len(x)
    again, _, _ = engagement_pass(collectors(settings, Clock(BUILT))["x_ville"])
    assert again == x


def test_a_post_is_listed_once_after_it_settles(tmp_path):
    settings = make_settings(tmp_path, citizens=60, history_days=3)
    clock = Clock(BUILT)
    x = collectors(settings, clock)["x_ville"]
    first, cursor, _ = engagement_pass(x)
    listed = {i.target_external_id for i in first}
    young = [
        r["external_id"]
        for r in x.state.conn.execute(
            "SELECT external_id, created_at FROM messages WHERE account = 'x_ville'"
            " AND kind = 'post' AND created_at > ?",
            ((BUILT - SETTLE).strftime("%Y-%m-%d %H:%M:%S"),),
        )
    ]
    assert young and not listed & set(young)
    same, cursor_again, calls = engagement_pass(x, cursor)
    assert same == [] and cursor_again == cursor and calls == 1  # an idle pass: one call
    clock.now = BUILT + SETTLE + timedelta(minutes=1)
    later, _, _ = engagement_pass(x, cursor)
    assert set(young) <= {i.target_external_id for i in later}
    assert not listed & {i.target_external_id for i in later}


def test_the_people_who_like_are_the_members_who_comment(tmp_path):
    """Collected like the rest: the liker who comments is one member, scored for both."""
    settings = make_settings(tmp_path, citizens=60, history_days=10)
    conn = connect(settings.database_path)
    x = SandboxCollector.for_account(settings, settings.accounts[0], now=Clock(BUILT))
    assert x.account == "x_ville"
    for stream in x.streams():
        report = collect_stream(conn, x, stream)
        assert report.status == "ok", report.error
    stored = conn.execute("SELECT count(*) FROM interactions").fetchone()[0]
    both = conn.execute(
        "SELECT count(DISTINCT member_id) FROM interactions"
        " WHERE member_id IN (SELECT member_id FROM items WHERE direction = 'in')"
    ).fetchone()[0]
    assert stored > 0 and both > 0
    # A second collection lists nothing new and stores nothing twice.
    report = collect_stream(conn, x, "engagement")
    assert (report.status, report.new) == ("ok", 0)
    assert conn.execute("SELECT count(*) FROM interactions").fetchone()[0] == stored
    conn.close()
