"""Dashboard sessions kept by a cookie: only hashes stored, a one-time code traded once for
the token, revocation final, on a real SQLite file."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from beffroi.store import (
    claim_session,
    find_session,
    open_session,
    revoke_session,
    session_state,
    touch_session,
)

NOW = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)


def test_a_code_is_traded_once_for_a_token_and_only_hashes_are_stored(db):
    session_id, code = open_session(db, "claire", now=NOW)
    token = claim_session(db, code, now=NOW + timedelta(seconds=3))
    assert token and token != code
    assert claim_session(db, code, now=NOW + timedelta(seconds=4)) is None  # once only
    found = find_session(db, token)
    assert (found["id"], found["username"], found["logged_in_at"]) == (session_id, "claire", NOW)
    assert session_state(db, session_id) == {
        "last_seen_at": NOW,
        "revoked": False,
        "claimed": True,
    }
    stored = " ".join(str(v) for v in db.execute("SELECT * FROM dashboard_sessions").fetchone())
    assert token not in stored and code not in stored
    assert find_session(db, "not-" + token) is None and find_session(db, "") is None


def test_a_late_code_opens_nothing(db):
    _, code = open_session(db, "claire", now=NOW)
    assert claim_session(db, code, now=NOW + timedelta(minutes=5)) is None


def test_use_is_noted_at_most_once_a_minute_and_a_revoked_session_is_gone(db):
    session_id, code = open_session(db, "claire", now=NOW)
    token = claim_session(db, code, now=NOW)
    assert not touch_session(db, session_id, now=NOW + timedelta(seconds=30))
    assert touch_session(db, session_id, now=NOW + timedelta(seconds=90))
    assert find_session(db, token)["last_seen_at"] == NOW + timedelta(seconds=90)
    assert revoke_session(db, session_id, actor="claire", reason="logout", now=NOW)
    assert not revoke_session(db, session_id, actor="claire", reason="logout", now=NOW)
    assert find_session(db, token) is None
    assert session_state(db, session_id)["revoked"]
    audit = db.execute("SELECT actor, action, detail FROM audit WHERE action = 'session_end'")
    assert [tuple(r) for r in audit] == [("claire", "session_end", '{"reason": "logout"}')]


def test_sessions_past_any_limit_are_forgotten(db):
    from beffroi.store import prune_sessions

    open_session(db, "claire", now=NOW - timedelta(days=3))
    kept, _ = open_session(db, "claire", now=NOW)
    assert prune_sessions(db, before=NOW - timedelta(hours=12)) == 1
    assert [r[0] for r in db.execute("SELECT id FROM dashboard_sessions")] == [kept]
