"""The scheduler's part in moderation: a collection pass performs the hides its pages
queued (after their transactions), and the ``moderation`` job retries the ones the network
refused for now, on the simulated city."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from beffroi.inbox import ingest_hooks, list_hits, set_rule_enabled
from beffroi.scheduler import SchedulerService, collect_all
from beffroi.store import connect, sync_accounts
from tests.scheduler.sandbox_city import Clock, city_settings, collectors_for, network_for

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


def test_a_published_number_is_hidden_by_the_pass_then_retried_by_the_job(tmp_path):
    settings = city_settings(tmp_path)
    clock = Clock(NOW)
    network = network_for(settings, NOW)
    conn = connect(settings.database_path)
    sync_accounts(conn, settings)
    collectors = collectors_for(settings, clock)
    collect_all(conn, collectors.values(), hooks=ingest_hooks(settings), now=clock)
    builtin = conn.execute("SELECT id FROM moderation_rules WHERE builtin IS NOT NULL").fetchone()
    set_rule_enabled(conn, builtin[0], True, actor="admin", now=NOW)

    ext = network.post_citizen_message(
        "facebook_ville", "comment", "Perdu un chat gris, appelez le 06 39 98 55 66", at=NOW
    )
    network.inject_failure("facebook_ville", "hide", "transient")
    clock.now = NOW + timedelta(minutes=1)
    service = SchedulerService(
        settings,
        collectors=collectors.values(),
        hooks=ingest_hooks(settings),
        now=clock,
        only=["collect", "moderation"],
    )
    specs = {spec.name: spec for spec in service.job_specs()}
    collect_job = specs["collect:facebook_ville"]
    summary = collect_job.func(conn, clock.now)
    assert "modération : 0 fait(s), 1 à réessayer" in summary
    assert not network.is_hidden(ext)

    assert specs["moderation"].func(conn, clock.now) is None  # not due yet
    assert specs["moderation"].func(conn, clock.now + timedelta(minutes=2)) == (
        "modération : 1 fait(s), 0 à réessayer, 0 en échec, 0 impossible(s), 0 alerte(s) envoyée(s)"
    )
    assert network.is_hidden(ext)
    [hit] = [h for h in list_hits(conn) if h["rule_id"] == builtin[0]]
    assert (hit["network_action"], hit["network_status"]) == ("hide", "done")
    network.close()
    conn.close()
