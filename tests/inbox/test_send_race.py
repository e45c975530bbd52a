"""No citizen is answered twice: two processes race every pair of actions on one item.

Manager A sends a reply through the simulated network, slowed so that the reply is recorded
and the call then lasts ``DELAY`` more (``set_delay(..., "after")``); manager B, in another
process on the same SQLite file, acts as soon as A's send holds the item: close, bulk close,
reopen, "Débloquer l'envoi", assign, bulk assign, round-robin, or a second send, each
followed by what a person would do next (reopen, send again). Every round is a fresh
message; at the end the network holds exactly one reply per message.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import tomllib
import types
from collections import Counter
from datetime import timedelta

import pytest

from beffroi import inbox
from beffroi.collectors.sandbox import SandboxCollector
from beffroi.config import example_config_path, settings_from_dict
from beffroi.sandbox import SandboxNetwork, sandbox_config, state_path
from beffroi.scheduler import collect_all
from beffroi.store import connect, now_utc, sync_accounts
from beffroi.store.queue import SENDING
from tests.inbox.helpers import add_managers
from tests.inbox.racing import STEPS, worker


@pytest.fixture(autouse=True)
def _plain_main(monkeypatch):
    """Streamlit's AppTest, run earlier in the same pytest process, leaves the dashboard's
    script as ``__main__``; a spawned worker would run it again instead of the race."""
    monkeypatch.setitem(sys.modules, "__main__", types.ModuleType("__main__"))


ROUNDS = int(os.environ.get("BEFFROI_RACE_ROUNDS", "3"))  # per pair of actions
DELAY = 1.0  # seconds the network call lasts after the reply is recorded
RESULT_WAIT = 600  # a guard against a hang only; each round waits on conditions


def city_data(folder) -> dict:
    data = tomllib.loads(example_config_path().read_text(encoding="utf-8"))
    return sandbox_config(data, folder / "beffroi.db", citizens=10, history_days=1)


def collect(conn, settings):
    collectors = [SandboxCollector.for_account(settings, a) for a in settings.accounts]
    reports = collect_all(conn, collectors, hooks=inbox.ingest_hooks(settings))
    assert all(r.status == "ok" for r in reports), [r.line() for r in reports]


@pytest.fixture
def race_city(tmp_path):
    data = city_data(tmp_path)
    settings = settings_from_dict(data)
    conn = connect(settings.database_path)
    sync_accounts(conn, settings)
    add_managers(conn, "alice", "bruno")
    collect(conn, settings)
    network = SandboxNetwork(state_path(settings.database_path))
    yield data, settings, conn, network
    network.close()
    conn.close()


def new_questions(settings, conn, network, count: int) -> list[tuple[str, int]]:
    at = now_utc() - timedelta(minutes=20)
    exts = [
        network.post_citizen_message(
            "x_ville",
            "mention",
            f"Question {n} : le marché ouvre à quelle heure ?",
            handle=f"habitant{n}",
            at=at,
        )  # fmt: skip
        for n in range(count)
    ]
    collect(conn, settings)
    found = []
    for ext in exts:
        row = conn.execute(
            "SELECT q.id, q.status FROM queue q JOIN items i ON i.id = q.item_id "
            "WHERE i.external_id = ?",
            (ext,),
        ).fetchone()
        assert row["status"] == "new", ext
        found.append((ext, row["id"]))
    return found


def member_with_a_dm(settings, conn, network) -> int:
    """A citizen who wrote to the city in private (an invitation answers that DM)."""
    ext = network.post_citizen_message(
        "x_ville", "dm", "Bonjour, je voudrais participer aux balades.", handle="marie59"
    )
    collect(conn, settings)
    return conn.execute("SELECT member_id FROM items WHERE external_id = ?", (ext,)).fetchone()[0]


def replies_per_message(network) -> Counter:
    rows = network.conn.execute(
        "SELECT parent FROM messages WHERE origin = 'api' AND direction = 'out'"
    ).fetchall()
    return Counter(r[0] for r in rows)


class Pair:
    """Two worker processes (spawned: nothing shared but the files) and their queues."""

    def __init__(self, data: dict) -> None:
        ctx = multiprocessing.get_context("spawn")
        self.jobs = [ctx.Queue(), ctx.Queue()]
        self.results = ctx.Queue()
        self.procs = [
            ctx.Process(target=worker, args=(data, jobs, self.results), daemon=True)
            for jobs in self.jobs
        ]
        for proc in self.procs:
            proc.start()

    def race(self, first: tuple, second: tuple) -> dict:
        self.jobs[1].put(second)  # B waits for A's claim, then acts
        self.jobs[0].put(first)
        got = [self.results.get(timeout=RESULT_WAIT) for _ in range(2)]
        return {(kind, action): outcome for kind, action, _target, outcome in got}

    def close(self) -> None:
        for jobs in self.jobs:
            jobs.put(None)
        for proc in self.procs:
            proc.join(timeout=60)
            if proc.is_alive():
                proc.kill()


@pytest.mark.slow
def test_two_processes_racing_every_pair_of_actions_never_answer_twice(race_city):
    data, settings, conn, network = race_city
    actions = list(STEPS)
    items = new_questions(settings, conn, network, len(actions) * ROUNDS)
    network.set_delay("x_ville", "reply", DELAY, "after")
    pair = Pair(data)
    outcomes: dict[str, Counter] = {action: Counter() for action in actions}
    late = Counter()
    try:
        for n, (_ext, qid) in enumerate(items):
            action = actions[n % len(actions)]
            got = pair.race(("send", "send", qid), ("other", action, qid))
            assert got[("send", "send")] == [("send", "ok")], (action, got)
            *steps, (_, in_flight) = got[("other", action)]
            if in_flight is False:
                late[action] += 1  # A's send was over before B's first action was
            else:
                outcomes[action][steps[0]] += 1
    finally:
        pair.close()
    per_message = replies_per_message(network)
    doubles = sorted(ext for ext, _ in items if per_message[ext] > 1)
    print(
        "SEND RACE",
        {"rounds": len(items), "double_replies": len(doubles), "late_rounds": dict(late),
         "refusals_in_flight": {a: dict(c) for a, c in outcomes.items()}},
    )  # fmt: skip
    assert doubles == []
    assert all(per_message[ext] == 1 for ext, _ in items)
    statuses = Counter(
        conn.execute("SELECT status FROM queue WHERE id = ?", (qid,)).fetchone()[0]
        for _, qid in items
    )
    assert statuses == {"replied": len(items)}
    # What manager B was told whenever A's send was still in flight: a refusal, in French.
    assert sum(late.values()) < len(items), "no round raced a send in flight"
    expected = {
        "close": {("close", SENDING)},
        "assign": {("assign", SENDING)},
        "reopen": {("reopen", "Ce message est déjà ouvert.")},
        "bulk_close": {("close_many", "0 clos")},
        "bulk_assign": {("assign_many", "0 attribué")},
        "round_robin": {("distribute", "0 attribué")},
        "second_send": {
            (
                "send",
                "Une réponse à ce message est déjà en cours d'envoi. Votre texte n'est pas "
                "perdu : il est conservé en brouillon.",
            )
        },
    }
    for action, refusals in expected.items():
        assert set(outcomes[action]) <= refusals, outcomes[action]
    for step, message in outcomes["release"]:
        assert step == "release" and message.startswith("Un envoi est en cours depuis")


@pytest.mark.slow
def test_a_double_click_on_send_invitation_sends_one_dm(race_city):
    from beffroi.store.community import create_event, propose_invitations

    data, settings, conn, network = race_city
    member = member_with_a_dm(settings, conn, network)
    event = create_event(
        conn, name="Balade du beffroi", kind="instameet", starts_at=now_utc() + timedelta(days=9)
    )
    (invitation,) = propose_invitations(conn, event, {member: "Bonjour, venez samedi !"})
    network.set_delay("x_ville", "reply", DELAY, "after")
    pair = Pair(data)
    try:
        pair.jobs[0].put(("invite", "alice", invitation))
        pair.jobs[1].put(("invite", "bruno", invitation))
        got = [pair.results.get(timeout=RESULT_WAIT) for _ in range(2)]
    finally:
        pair.close()
    dms = network.conn.execute(
        "SELECT count(*) FROM messages WHERE origin = 'api' AND text = 'Bonjour, venez samedi !'"
    ).fetchone()[0]
    told = sorted(outcome[0][1] for *_, outcome in got)
    assert dms == 1, told
    refused = [t for t in told if t != "ok"]
    assert len(refused) == 1 and refused[0] in (
        "Cette invitation est déjà en cours d'envoi.",
        "cette invitation est déjà partie",
    ), told
    row = conn.execute("SELECT status, sending_since FROM invitations WHERE id = ?", (invitation,))
    assert tuple(row.fetchone()) == ("invited", None)
