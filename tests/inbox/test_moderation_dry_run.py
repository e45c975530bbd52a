"""The dry run on the simulated city's history: what a rule would have done over the last
30 days, before an admin switches it on. The figures depend on the day the history is built
(it ends now), so the test checks their consistency and prints them."""

from __future__ import annotations

import tomllib

import pytest

from beffroi.collectors.sandbox import SandboxCollector
from beffroi.config import example_config_path, settings_from_dict
from beffroi.inbox import clean_rule, get_rule, ingest_hooks, list_rules, try_rule
from beffroi.sandbox import sandbox_config
from beffroi.scheduler import collect_all
from beffroi.store import connect, now_utc, sync_accounts


@pytest.fixture(scope="module")
def city(tmp_path_factory):
    folder = tmp_path_factory.mktemp("city")
    data = tomllib.loads(example_config_path().read_text(encoding="utf-8"))
    settings = settings_from_dict(
        sandbox_config(data, folder / "beffroi.db", citizens=60, history_days=30)
    )
    conn = connect(settings.database_path)
    sync_accounts(conn, settings)
    collectors = [SandboxCollector.for_account(settings, a) for a in settings.accounts]
    reports = collect_all(conn, collectors, hooks=ingest_hooks(settings))
    assert all(r.status == "ok" for r in reports), [r.line() for r in reports]
    yield settings, conn
    conn.close()


def test_the_builtin_contact_rule_tried_on_30_days_of_the_simulated_city(city):
    _, conn = city
    [builtin] = [r for r in list_rules(conn) if r.builtin == "hide_contact_details"]
    before = conn.execute("SELECT count(*), max(updated_at) FROM queue").fetchone()
    result = try_rule(conn, get_rule(conn, builtin.id), now_utc())
    print(f"\n{result.looked_at} messages over 30 days; {result.sentence()}")
    for match in result.matches[:5]:
        print(f"  {match['network']}/{match['kind']}: {match['text']!r} — {match['why']}")
    assert result.looked_at > 100
    assert result.would_hide, "the simulated city's citizens publish a phone number sometimes"
    for match in result.matches:
        assert "06 39 98" in match["text"] and match["kind"] != "dm"
        assert match["why"] == "message public; contient un numéro de téléphone (06 … 34)"
    assert result.sentence().startswith(f"Cette règle aurait masqué {len(result.would_hide)} ")
    # A dry run changes nothing.
    assert conn.execute("SELECT count(*), max(updated_at) FROM queue").fetchone() == before
    assert conn.execute("SELECT count(*) FROM moderation_hits").fetchone()[0] == 0


def test_a_keyword_rule_tried_on_the_same_history_lists_what_it_would_hide(city):
    _, conn = city
    rule = clean_rule(
        "Vocabulaire injurieux", {"keywords": ["incapables", "honte"]}, {"hide": True}
    )
    result = try_rule(conn, rule, now_utc())
    print(f"\n{result.sentence()}")
    assert result.matches and all("contient « " in m["why"] for m in result.matches)
    hideable = {(m["network"], m["kind"]) for m in result.would_hide}
    assert hideable <= {
        ("facebook", "comment"),
        ("facebook", "reply"),
        ("instagram", "comment"),
        ("instagram", "reply"),
        ("x", "reply"),
    }
    not_hidden = len(result.matches) - len(result.would_hide)
    if not_hidden:
        assert f"({not_hidden} non masquables)" in result.sentence()
