"""The simulated city: history, streams and cursors, live activity, what the city sends."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import tomllib
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from beffroi.collectors import (
    AuthExpired,
    Collector,
    OutgoingPost,
    PermanentError,
    RateLimited,
    TransientError,
    build_collector,
)
from beffroi.collectors.sandbox import SandboxCollector
from beffroi.config import example_config_path, settings_from_dict
from beffroi.sandbox import (
    CityProfile,
    SandboxNetwork,
    sandbox_config,
    sandbox_settings,
    state_path,
)

BUILT = datetime(2026, 11, 25, 21, 0, tzinfo=UTC)  # a Wednesday evening
THEMES = {"mobilité", "propreté", "travaux", "sécurité", "culture", "jeunesse", "événements", "démarches"}  # fmt: skip


def make_settings(folder, **sandbox):
    return sandbox_settings(folder / "beffroi.db", **sandbox)


class Clock:
    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now


def collectors(settings, clock):
    return {a.key: SandboxCollector.for_account(settings, a, now=clock) for a in settings.accounts}


def drain(collector, stream, cursor=None):
    """All pages of one pass: (items, last cursor, calls, page sizes)."""
    items, calls, sizes = [], 0, []
    for page in collector.fetch(stream, cursor):
        items += page.items
        calls += page.api_calls
        sizes.append(len(page.items))
        cursor = page.cursor or cursor
    return items, cursor, calls, sizes


@pytest.fixture(scope="module")
def city(tmp_path_factory):
    """A full-size city built once for the read-only tests."""
    settings = make_settings(tmp_path_factory.mktemp("city"))
    network = SandboxNetwork(state_path(settings.database_path))
    network.build(CityProfile.from_settings(settings), BUILT)
    yield settings, network
    network.close()


@pytest.fixture
def small(tmp_path):
    """A small city (fast to build) that tests may change."""
    settings = make_settings(tmp_path, citizens=40, history_days=5)
    clock = Clock(BUILT)
    return settings, clock, collectors(settings, clock)


def rows(network, where="1", params=()):
    return network.conn.execute(f"SELECT * FROM messages WHERE {where}", params).fetchall()


def test_it_is_a_collector_built_from_the_configuration(tmp_path):
    settings = make_settings(tmp_path)
    built = build_collector(settings, settings.account("facebook_ville"))
    assert isinstance(built, SandboxCollector) and isinstance(built, Collector)
    assert (built.network, built.account) == ("facebook", "facebook_ville")
    assert built.streams() == ["comments", "messages", "posts", "engagement"]
    assert build_collector(settings, settings.account("instagram_ville")).streams() == [
        "comments",
        "mentions",
        "messages",
        "ugc",
    ]


def test_same_seed_same_history_other_seed_other_history(tmp_path, city):
    settings, network = city
    again = SandboxNetwork(tmp_path / "again.sqlite")
    again.build(CityProfile.from_settings(settings), BUILT)
    query = "SELECT external_id, text, created_at, author_id FROM messages ORDER BY seq"
    assert again.conn.execute(query).fetchall() == network.conn.execute(query).fetchall()
    other = SandboxNetwork(tmp_path / "other.sqlite")
    other.build(CityProfile.from_settings(make_settings(tmp_path, seed=7)), BUILT)
    assert other.conn.execute(query).fetchall()[:50] != network.conn.execute(query).fetchall()[:50]


def test_history_has_the_size_and_variety_of_a_real_city(city):
    _, network = city
    inbound = rows(network, "direction = 'in' AND kind != 'ugc'")
    assert len(inbound) >= 5000
    first = min(r["created_at"] for r in rows(network))
    assert first >= (BUILT - timedelta(days=93)).strftime("%Y-%m-%d")
    per_citizen = Counter(
        r["author_id"].rsplit("-u", 1)[1] for r in rows(network, "direction = 'in'")
    )
    assert len(per_citizen) >= 600
    # Long tail: a few very active people, many who spoke once or twice.
    counts = sorted(per_citizen.values(), reverse=True)
    assert sum(counts[:10]) > 0.1 * sum(counts)
    assert sum(1 for c in counts if c <= 2) > 0.2 * len(counts)
    kinds = Counter((r["network"], r["kind"], r["direction"]) for r in rows(network))
    for key in [("x", "mention", "in"), ("x", "reply", "in"), ("x", "dm", "in"),
                ("facebook", "comment", "in"), ("facebook", "dm", "in"),
                ("instagram", "comment", "in"), ("instagram", "mention", "in"),
                ("instagram", "ugc", "in"), ("instagram", "dm", "in"),
                ("x", "post", "out"), ("facebook", "post", "out"), ("instagram", "post", "out"),
                ("facebook", "reply", "out"), ("x", "dm", "out")]:  # fmt: skip
        assert kinds[key] > 0, key
    assert {r["theme"] for r in inbound if r["theme"]} == THEMES
    intents = Counter(r["intent"] for r in inbound)
    for intent in ("question", "request", "complaint", "report", "thanks", "emoji",
                   "compliment", "hostile", "spam", "follow_up"):  # fmt: skip
        assert intents[intent] > 10, intent
    texts = [r["text"] for r in inbound if r["intent"] in ("question", "complaint", "report")]
    assert len(set(texts)) > 0.8 * len(texts)  # composed, not a few sentences repeated


def test_people_on_several_networks_have_similar_handles(city):
    _, network = city
    handles: dict[str, set[str]] = {}
    for r in rows(network, "direction = 'in'"):
        handles.setdefault(r["author_id"].rsplit("-u", 1)[1], set()).add(
            (r["network"], r["author_handle"])
        )
    multi = [h for h in handles.values() if len({n for n, _ in h}) >= 2]
    assert len(multi) > 100
    similar = sum(1 for h in multi if len({handle[:4] for _, handle in h}) == 1)
    assert similar > 0.6 * len(multi)


def test_city_posts_include_the_rendezvous(city):
    _, network = city
    posts = [r["text"] for r in rows(network, "kind = 'post'")]
    for tag in ("#instamoment", "#jeudideleconomie", "#minuteculturelle"):
        assert sum(tag in text for text in posts) >= 10, tag


def test_city_replies_mostly_in_business_hours_and_follow_ups_happen(city):
    settings, network = city
    tz = settings.tz
    replies = rows(network, "direction = 'out' AND kind != 'post'")
    local = [datetime.fromisoformat(r["created_at"] + "+00:00").astimezone(tz) for r in replies]
    in_hours = [t for t in local if t.weekday() < 5 and "08:30" <= t.strftime("%H:%M") <= "17:30"]
    assert 0.75 < len(in_hours) / len(replies) < 1
    by_id = {r["external_id"]: r for r in rows(network)}
    answered = [by_id[r["parent"]] for r in replies]
    assert all(p["direction"] == "in" for p in answered)
    delays = sorted(
        (
            datetime.fromisoformat(r["created_at"]) - datetime.fromisoformat(p["created_at"])
        ).total_seconds()
        for r, p in zip(replies, answered, strict=True)
    )
    assert delays[0] > 0 and delays[len(delays) // 2] < 24 * 3600 and delays[-1] > 24 * 3600
    follow_ups = rows(
        network,
        "direction = 'in' AND parent IN (SELECT external_id FROM messages WHERE direction = 'out' AND kind != 'post')",
    )
    assert len(follow_ups) > 100
    between_citizens = rows(
        network,
        "direction = 'in' AND parent IN (SELECT external_id FROM messages WHERE direction = 'in')",
    )
    assert len(between_citizens) > 50
    citizen_hours = Counter(
        datetime.fromisoformat(r["created_at"] + "+00:00").astimezone(tz).hour
        for r in rows(network, "direction = 'in'")
    )
    assert citizen_hours[20] > 5 * citizen_hours[3]


def test_pages_cursors_and_an_idle_pass(small):
    settings, clock, by_key = small
    fb = by_key["facebook_ville"]
    items, cursor, calls, sizes = drain(fb, "comments")
    assert items and max(sizes) <= 100 and calls == len(sizes)
    assert all(i.network == "facebook" and i.external_id.startswith("sim-") for i in items)
    assert len({i.external_id for i in items}) == len(items)
    posts, _, _, _ = drain(fb, "posts")
    assert posts and all(p.kind == "post" and p.direction == "out" for p in posts)
    # Nothing new: one call per stream, no item.
    for stream in fb.streams():
        _, stream_cursor, _, _ = drain(fb, stream)
        again, _, calls, _ = drain(fb, stream, stream_cursor)
        assert (again, calls) == ([], 1)


def test_a_big_stream_is_paged_by_100(city):
    settings, _ = city
    collector = SandboxCollector.for_account(
        settings, settings.account("facebook_ville"), now=Clock(BUILT)
    )
    items, cursor, calls, sizes = drain(collector, "comments")
    assert len(items) > 1000 and sizes[:-1] == [100] * (len(sizes) - 1)
    assert drain(collector, "comments", cursor)[2] == 1


def test_live_activity_arrives_as_the_clock_moves(small):
    settings, clock, by_key = small
    cursors = {(k, s): drain(c, s)[1] for k, c in by_key.items() for s in c.streams()}
    clock.now = BUILT + timedelta(minutes=8)
    new = []
    for (key, stream), cursor in cursors.items():
        new += drain(by_key[key], stream, cursor)[0]
    live = [i for i in new if i.direction == "in"]
    assert 40 <= len(live) <= 80  # about one every 8 seconds
    # Mastodon's few citizens may not speak in 8 minutes (its share is in
    # test_sandbox_newer_networks).
    assert {"x", "facebook", "instagram"} <= {i.network for i in live} <= {
        "x", "facebook", "instagram", "bluesky", "mastodon",
    }  # fmt: skip
    assert all(BUILT < i.created_at <= clock.now for i in new)
    # The same slots give the same messages in another copy of the city.
    twin = SandboxNetwork(settings.database_path.with_name("twin.sqlite"))
    twin.build(CityProfile.from_settings(settings), BUILT)
    twin.advance(BUILT + timedelta(minutes=3))  # advancing in two steps changes nothing
    twin.advance(BUILT + timedelta(minutes=8))
    query = "SELECT external_id, text, created_at FROM messages WHERE origin = 'live'"
    theirs = {(r[0], r[1], r[2]) for r in twin.conn.execute(query)}
    ours = {(r[0], r[1], r[2]) for r in by_key["x_ville"].state.conn.execute(query)}
    assert theirs == ours and {i.external_id for i in new} == {t[0] for t in ours}


def test_a_reply_is_recorded_once_and_comes_back_with_its_id(small):
    settings, clock, by_key = small
    x = by_key["x_ville"]
    mentions, _, _, _ = drain(x, "mentions")
    _, cursor, _, _ = drain(x, "replies")
    question = next(i for i in mentions if i.direction == "in")
    clock.now += timedelta(seconds=1)
    sent = x.reply(question, "Bonjour, c'est transmis au service voirie.")
    assert (sent.direction, sent.parent_external_id, sent.account) == (
        "out",
        question.external_id,
        "x_ville",
    )
    assert sent.kind == "reply" and sent.thread_external_id == question.thread_external_id
    network = x.state
    published = network.published("x_ville")
    assert [(p.external_id, p.text, p.kind) for p in published] == [
        (sent.external_id, "Bonjour, c'est transmis au service voirie.", "reply")
    ]
    # Read back by the replies stream (the city's own tweets), as on the real X.
    back, _, _, _ = drain(x, "replies", cursor)
    assert [i for i in back if i.external_id == sent.external_id] == [sent]
    assert network.published() == published  # every account: still one


def test_a_dm_answer_is_a_dm_in_the_same_conversation(small):
    _, clock, by_key = small
    ig = by_key["instagram_ville"]
    dms, _, _, _ = drain(ig, "messages")
    asked = next(i for i in dms if i.direction == "in")
    sent = ig.reply(asked, "Bonjour, voici le lien du formulaire.")
    assert sent.kind == "dm" and sent.thread_external_id == asked.thread_external_id


def test_follow_ups_come_after_some_replies(small):
    _, clock, by_key = small
    fb = by_key["facebook_ville"]
    comments, cursor, _, _ = drain(fb, "comments")
    asked = [i for i in comments if i.direction == "in"][:20]
    sent = {fb.reply(item, f"Réponse {n}").external_id for n, item in enumerate(asked)}
    clock.now += timedelta(minutes=11)
    later, _, _, _ = drain(fb, "comments", cursor)
    follow_ups = [i for i in later if i.direction == "in" and i.parent_external_id in sent]
    assert 1 <= len(follow_ups) <= 15


def test_publish_and_find_published(small):
    _, clock, by_key = small
    ig = by_key["instagram_ville"]
    before = clock.now
    post_id = ig.publish(OutgoingPost("instagram_ville", "📸 #instamoment du jour", "m-42"))
    assert post_id.startswith("sim-instagram-")
    assert ig.find_published("m-42", before) == post_id
    assert [p.count for p in ig.state.published()] == [1]
    assert ig.find_published("m-42", before + timedelta(minutes=1)) is None
    assert ig.find_published("m-43", before) is None
    assert by_key["facebook_ville"].find_published("m-42", before) is None
    [published] = ig.state.published()
    assert (published.text, published.marker, published.kind) == (
        "📸 #instamoment du jour",
        "m-42",
        "post",
    )
    posts, _, _, _ = drain(ig, "comments")
    [seen] = [i for i in posts if i.external_id == post_id]
    assert "m-42" not in seen.text  # the marker is invisible to readers


@pytest.mark.parametrize(
    ("kind", "error"),
    [("rate_limited", RateLimited), ("auth_expired", AuthExpired), ("transient", TransientError), ("permanent", PermanentError)],
)  # fmt: skip
def test_injected_failures_raise_typed_errors_then_stop(small, kind, error):
    settings, clock, by_key = small
    x = by_key["x_ville"]
    x.state.inject_failure("x_ville", "fetch", kind, count=2, reset_seconds=90)
    for _ in range(2):
        with pytest.raises(error) as caught:
            drain(x, "dms")
    if kind == "rate_limited":
        assert caught.value.reset_at == clock.now + timedelta(seconds=90)
    assert drain(x, "dms")[0]


def test_failures_on_reply_and_publish_record_nothing(small):
    _, clock, by_key = small
    fb = by_key["facebook_ville"]
    item = next(i for i in drain(fb, "messages")[0] if i.direction == "in")
    other = SandboxNetwork(fb.state.path)  # another process's view of the same network
    other.inject_failure("facebook_ville", "reply", "transient")
    other.inject_failure("facebook_ville", "publish", "auth_expired")
    with pytest.raises(TransientError):
        fb.reply(item, "Bonjour")
    with pytest.raises(AuthExpired):
        fb.publish(OutgoingPost("facebook_ville", "Texte", "m-1"))
    assert other.published() == []
    fb.reply(item, "Bonjour")
    assert len(other.published()) == 1


def test_state_survives_reopening(small, tmp_path):
    settings, clock, by_key = small
    fb = by_key["facebook_ville"]
    fb.publish(OutgoingPost("facebook_ville", "Le marché est maintenu", "m-7"))
    count = fb.state.conn.execute("SELECT count(*) FROM messages").fetchone()[0]
    fb.state.close()
    reopened = SandboxCollector.for_account(settings, settings.account("facebook_ville"), now=clock)
    assert reopened.state.conn.execute("SELECT count(*) FROM messages").fetchone()[0] == count
    assert reopened.find_published("m-7", BUILT) is not None
    assert reopened.check()[0][0] is True


def test_an_injected_citizen_message_arrives_in_its_stream(small):
    _, clock, by_key = small
    x = by_key["x_ville"]
    _, cursor, _, _ = drain(x, "mentions")
    new_id = x.state.post_citizen_message(
        "x_ville",
        "mention",
        "@marcqenbaroeul fuite d'eau rue Pasteur",
        handle="camille_t",
        at=clock.now,
    )
    [item] = [i for i in drain(x, "mentions", cursor)[0] if i.external_id == new_id]
    assert (item.kind, item.direction, item.author.handle) == ("mention", "in", "camille_t")


def test_a_configured_unknown_stream_is_a_clear_error(tmp_path):
    settings = make_settings(tmp_path)
    data = tomllib.loads(example_config_path().read_text(encoding="utf-8"))
    config = sandbox_config(data, tmp_path / "b.db")
    config["accounts"][0]["streams"] = ["mentions", "timeline"]
    settings = settings_from_dict(config)
    with pytest.raises(PermanentError, match="timeline"):
        build_collector(settings, settings.account("x_ville")).streams()


PUBLISHER = """
import sys
from beffroi.collectors import OutgoingPost
from beffroi.collectors.sandbox import SandboxCollector
from beffroi.config import load_settings
settings = load_settings(sys.argv[1])
collector = SandboxCollector.for_account(settings, settings.account("facebook_ville"))
print(collector.publish(OutgoingPost("facebook_ville", "Jeudi de l'économie", "m-kill")))
"""


def test_a_process_killed_during_a_slow_publish_has_published_once(tmp_path):
    """What the scheduler's crash tests rely on: the post is on the network, the id is lost."""
    from beffroi.cli.toml_write import dumps

    data = tomllib.loads(example_config_path().read_text(encoding="utf-8"))
    config = tmp_path / "beffroi.toml"
    config.write_text(
        dumps(sandbox_config(data, tmp_path / "beffroi.db", citizens=20, history_days=2))
    )
    settings = make_settings(tmp_path, citizens=20, history_days=2)
    network = SandboxNetwork(state_path(settings.database_path))
    network.build(CityProfile.from_settings(settings), datetime.now(UTC))
    network.set_delay("facebook_ville", "publish", 30)  # after the network recorded it
    started = datetime.now(UTC).replace(microsecond=0)
    process = subprocess.Popen(
        [sys.executable, "-c", PUBLISHER, str(config)], stdout=subprocess.PIPE
    )
    try:
        deadline = time.monotonic() + 20
        while not network.published() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert process.poll() is None  # still "waiting for the network's answer"
        process.send_signal(signal.SIGKILL)
        assert process.wait(timeout=10) == -signal.SIGKILL
    finally:
        if process.poll() is None:
            process.kill()
    [post] = network.published("facebook_ville")
    assert post.marker == "m-kill"
    collector = SandboxCollector.for_account(settings, settings.account("facebook_ville"))
    assert collector.find_published("m-kill", started) == post.external_id
    network.set_delay("facebook_ville", "publish", 0)
    collector.publish(OutgoingPost("facebook_ville", "Autre", "m-other"))
    assert [p.marker for p in network.published()] == ["m-kill", "m-other"]


def test_a_collector_works_from_the_scheduler_threads(small):
    from concurrent.futures import ThreadPoolExecutor

    _, clock, by_key = small
    x = by_key["x_ville"]
    drain(x, "dms")  # first used in this thread

    def everything(stream):
        pages = list(x.fetch(stream, None))
        return [*(i for p in pages for i in p.items), *(i for p in pages for i in p.interactions)]

    with ThreadPoolExecutor(max_workers=3) as pool:
        results = list(pool.map(everything, x.streams()))
    assert all(results)


def test_publishing_twice_shows_in_the_count(small):
    _, clock, by_key = small
    fb = by_key["facebook_ville"]
    fb.publish(OutgoingPost("facebook_ville", "Braderie dimanche", "m-9"))
    fb.publish(OutgoingPost("facebook_ville", "Braderie dimanche", "m-9"))
    fb.publish(OutgoingPost("facebook_ville", "Autre chose", "m-10"))
    assert [(p.marker, p.count) for p in fb.state.published()] == [
        ("m-9", 2),
        ("m-9", 2),
        ("m-10", 1),
    ]


HISTORY_DIGEST = """
import hashlib, sys
from datetime import datetime, UTC, timedelta
from pathlib import Path
from beffroi.sandbox import sandbox_settings
from beffroi.sandbox import CityProfile
from beffroi.sandbox import SandboxNetwork
folder = Path(sys.argv[1])
settings = sandbox_settings(folder / "b.db", citizens=60, history_days=10)
network = SandboxNetwork(folder / "s.sqlite")
built = datetime(2026, 11, 25, 21, tzinfo=UTC)
network.build(CityProfile.from_settings(settings), built)
network.advance(built + timedelta(minutes=10))
digest = hashlib.sha256()
for row in network.conn.execute("SELECT external_id, text, created_at, author_id, parent, thread FROM messages ORDER BY seq"):
    digest.update(repr(tuple(row)).encode())
print(digest.hexdigest())
"""


def test_two_processes_build_the_same_city(tmp_path):
    """Processes hash strings differently: the city must not depend on it."""
    digests = []
    for n, hash_seed in enumerate(("1", "4242")):
        folder = tmp_path / str(n)
        folder.mkdir()
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        out = subprocess.run([sys.executable, "-c", HISTORY_DIGEST, str(folder)], env=env,
                             capture_output=True, text=True, check=True)  # fmt: skip
        digests.append(out.stdout.strip())
    assert digests[0] == digests[1] and len(digests[0]) == 64


def test_check_reports_the_state_and_a_seed_mismatch(tmp_path):
    settings = make_settings(tmp_path, citizens=20, history_days=2)
    collector = SandboxCollector.for_account(
        settings, settings.account("x_ville"), now=Clock(BUILT)
    )
    [(ok, text)] = collector.check()
    assert ok and "not built yet" in text
    drain(collector, "mentions")
    assert all(ok for ok, _ in collector.check())
    other = make_settings(tmp_path, citizens=20, history_days=2, seed=9)
    problems = [
        t
        for ok, t in SandboxCollector.for_account(other, other.account("x_ville")).check()
        if not ok
    ]
    assert len(problems) == 1 and "seed 42" in problems[0]


def test_a_broken_state_file_is_one_clear_error(tmp_path):
    settings = make_settings(tmp_path)
    state_path(settings.database_path).write_text("not a database, sorry" * 100)
    with pytest.raises(PermanentError, match="not a usable simulated network file"):
        build_collector(settings, settings.account("x_ville"))


def test_a_sandbox_account_must_say_what_it_simulates(tmp_path):
    data = tomllib.loads(example_config_path().read_text(encoding="utf-8"))
    config = sandbox_config(data, tmp_path / "b.db")
    del config["accounts"][1]["simulates"]
    settings = settings_from_dict(config)
    with pytest.raises(PermanentError, match="simulates"):
        build_collector(settings, settings.account("facebook_ville"))


def test_the_city_does_not_answer_on_public_holidays(city):
    """11 November 2026 (a Wednesday) is a holiday: only the evening-duty answers happen."""
    settings, network = city
    local = [
        datetime.fromisoformat(r["created_at"] + "+00:00").astimezone(settings.tz)
        for r in rows(network, "direction = 'out' AND kind != 'post'")
    ]
    holiday = [t for t in local if t.date().isoformat() == "2026-11-11"]
    normal_wednesday = [t for t in local if t.date().isoformat() == "2026-11-18"]
    assert len(holiday) < 0.2 * len(normal_wednesday)
