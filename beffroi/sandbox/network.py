"""The simulated network's state: its own SQLite file, shared by every process that uses it.

The state file plays the part of the five networks' servers. It survives restarts,
several processes may read and write it at once (WAL, ``BEGIN IMMEDIATE``), and tests use
its small public API to see what the city sent (``published``), to make the network fail
(``inject_failure``) or slow (``set_delay``), and to make a citizen speak
(``post_citizen_message``).

Every message has a sequence number; a stream's cursor is the last sequence number read, so
a reader can never miss a message written by another process after it looked.
"""

from __future__ import annotations

import json
import math
import random
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from beffroi.sandbox.compose import KIND_WEIGHTS, Citizen, make_citizens, writing_network
from beffroi.sandbox.errors import FAILURE_KINDS, SandboxError
from beffroi.sandbox.history import (
    CityProfile,
    IdMaker,
    Msg,
    SimAccount,
    build_history,
    citizen_msg,
    city_answers,
    follow_up_msg,
    reply_stream,
    stream_for,
)

OPERATIONS = ("fetch", "reply", "publish", "hide", "delete_reply", "like", "block", "mute")
# Live activity older than this is not generated after a long stop: a demo restarted a week
# later catches up two hours of activity, not 75,000 messages.
MAX_CATCH_UP = timedelta(hours=2)
NATIVE_REPLY_RATE = 0.2  # share of live messages the city's CM answers in the app itself
FOLLOW_UP_AFTER_API_REPLY = 0.3
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS messages (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    external_id  TEXT NOT NULL UNIQUE,
    account      TEXT NOT NULL,
    network      TEXT NOT NULL,
    stream       TEXT NOT NULL,
    kind         TEXT NOT NULL,
    direction    TEXT NOT NULL,
    author_id    TEXT,
    author_handle TEXT,
    author_name  TEXT,
    text         TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    parent       TEXT,
    thread       TEXT,
    like_count   INTEGER,
    marker       TEXT,
    origin       TEXT NOT NULL,
    intent       TEXT,
    theme        TEXT,
    image_path   TEXT,
    link         TEXT
);
CREATE INDEX IF NOT EXISTS messages_stream ON messages(account, stream, seq);
CREATE INDEX IF NOT EXISTS messages_marker ON messages(account, marker) WHERE marker IS NOT NULL;
CREATE INDEX IF NOT EXISTS messages_origin ON messages(origin, account);
CREATE TABLE IF NOT EXISTS pending (
    id       INTEGER PRIMARY KEY,
    due_at   TEXT NOT NULL,
    row      TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS failures (
    id            INTEGER PRIMARY KEY,
    account       TEXT NOT NULL,
    operation     TEXT NOT NULL,
    kind          TEXT NOT NULL,
    remaining     INTEGER NOT NULL,
    reset_seconds REAL NOT NULL DEFAULT 60
);
-- Citizens' comments the city hid (as Facebook's is_hidden, X's hidden replies).
CREATE TABLE IF NOT EXISTS hidden (
    external_id  TEXT PRIMARY KEY,
    account      TEXT NOT NULL,
    hidden_at    TEXT NOT NULL
);
-- What the city did on the network from the inbox besides replying (issue 14): a like of
-- a message, a block or mute of an author (target: the message's or the author's id).
CREATE TABLE IF NOT EXISTS acts (
    account    TEXT NOT NULL,
    act        TEXT NOT NULL CHECK (act IN ('like', 'block', 'mute')),
    target     TEXT NOT NULL,
    done_at    TEXT NOT NULL,
    PRIMARY KEY (account, act, target)
);
CREATE TABLE IF NOT EXISTS delays (
    account    TEXT NOT NULL,
    operation  TEXT NOT NULL,
    seconds    REAL NOT NULL,
    moment     TEXT NOT NULL DEFAULT 'after',
    PRIMARY KEY (account, operation)
);
"""

COLUMNS = (
    "external_id", "account", "network", "stream", "kind", "direction", "author_id",
    "author_handle", "author_name", "text", "created_at", "parent", "thread", "like_count",
    "marker", "origin", "intent", "theme", "image_path", "link",
)  # fmt: skip


INSERT_MESSAGE = """
INSERT OR IGNORE INTO messages (
    external_id, account, network, stream, kind, direction, author_id,
    author_handle, author_name, text, created_at, parent, thread, like_count,
    marker, origin, intent, theme, image_path, link
) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
"""


def to_text(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime(TIME_FORMAT)


def from_text(text: str) -> datetime:
    return datetime.strptime(text[:19], TIME_FORMAT).replace(tzinfo=UTC)


def state_path(database_path: str | Path) -> Path:
    """Where the simulated network keeps its state: beside the Beffroi database."""
    path = Path(database_path)
    return path.with_name(path.name + ".sandbox.sqlite")


@dataclass(frozen=True)
class Published:
    """Something the city sent to the simulated network through its API."""

    account: str
    network: str
    external_id: str
    kind: str  # post | reply | dm
    text: str
    marker: str | None
    created_at: datetime
    parent_external_id: str | None
    image_path: str | None = None
    link: str | None = None
    # How many times the city sent this same thing (same marker; for a reply, same parent
    # and text): more than 1 means it was published twice.
    count: int = 1


class SandboxNetwork:
    """The simulated X, Facebook, Instagram, Bluesky and Mastodon of one city, in one SQLite
    file."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # One connection per thread: the scheduler runs collectors in a thread pool.
        self._local = threading.local()
        try:
            self.conn.executescript(SCHEMA)
        except sqlite3.DatabaseError as exc:
            self.close()
            raise SandboxError(
                f"{self.path} is not a usable simulated network file ({exc})"
            ) from None
        self._citizens: list[Citizen] | None = None
        self._profile: CityProfile | None = None

    @property
    def conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, isolation_level=None, timeout=30)
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA busy_timeout = 30000")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            self._local.conn = conn
        return conn

    def close(self) -> None:
        """Close this thread's connection (other threads' close when they end)."""
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None

    def __enter__(self) -> SandboxNetwork:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    def _meta(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def _set_meta(self, key: str, value: str) -> None:
        self.conn.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, value),
        )

    # ------------------------------------------------------------------ building

    @property
    def built(self) -> bool:
        return self._meta("built_at") is not None

    @property
    def built_at(self) -> datetime | None:
        text = self._meta("built_at")
        return from_text(text) if text else None

    @property
    def profile(self) -> CityProfile:
        if self._profile is None:
            text = self._meta("profile")
            if text is None:
                raise SandboxError(f"the simulated network {self.path} has not been built")
            self._profile = CityProfile.from_json(text)
        return self._profile

    def citizens(self) -> list[Citizen]:
        if self._citizens is None:
            self._citizens = make_citizens(self.profile.seed, self.profile.citizens)
        return self._citizens

    def build(self, profile: CityProfile, now: datetime) -> int:
        """Write the city's history ending at ``now``, once; return how many messages.

        A file already built is left as it is (0 returned), except that accounts added to
        the configuration since are added (with live activity only).
        """
        with self._write():
            if self._meta("built_at") is not None:
                self._add_accounts(profile)
                return 0
            citizens = make_citizens(profile.seed, profile.citizens)
            messages = build_history(profile, citizens, now)
            self._insert([_row(m) for m in messages])
            self._set_meta("profile", profile.to_json())
            self._set_meta("built_at", to_text(now))
            self._set_meta("live_slot", str(self._slot(now, profile)))
            self._profile, self._citizens = profile, citizens
        return len(messages)

    def _add_accounts(self, profile: CityProfile) -> None:
        known = self.profile
        missing = [a for a in profile.accounts if known.account(a.key) is None]
        if missing:
            merged = CityProfile(**{**known.__dict__, "accounts": known.accounts + tuple(missing)})
            self._set_meta("profile", merged.to_json())
            self._profile = merged

    @staticmethod
    def _slot(moment: datetime, profile: CityProfile) -> int:
        return math.floor(moment.timestamp() / profile.live_every_seconds)

    def _insert(self, rows: list[dict]) -> int:
        before = self.conn.total_changes
        self.conn.executemany(
            INSERT_MESSAGE,
            [tuple(row.get(c) for c in COLUMNS) for row in rows],
        )
        return self.conn.total_changes - before

    # ------------------------------------------------------------------ live activity

    def advance(self, now: datetime) -> int:
        """Generate the city's live activity up to ``now``; return how many new messages.

        About one citizen message every ``live_every_seconds``, deterministic from the seed
        and the time slot, so two processes advancing the same file agree on every message;
        then the due native replies and follow-ups.
        """
        profile = self.profile
        if not profile.accounts:
            return 0
        period = profile.live_every_seconds
        hours = profile.hours()
        with self._write():
            last = int(self._meta("live_slot") or self._slot(now, profile))
            slot = max(last + 1, self._slot(now - MAX_CATCH_UP, profile))
            rows, pending = [], []
            while True:
                rng = random.Random(f"{profile.seed}:live:{slot}")
                moment = datetime.fromtimestamp((slot + rng.random()) * period, UTC)
                if moment > now:
                    break
                message, later = self._live_message(rng, slot, moment, hours)
                rows.append(_row(message))
                pending.extend(later)
                last = slot
                slot += 1
            self._set_meta("live_slot", str(last))
            for msg in pending:
                self.conn.execute(
                    "INSERT INTO pending (due_at, row) VALUES (?, ?)",
                    (to_text(msg.created_at), json.dumps(_row(msg))),
                )
            due = self.conn.execute(
                "DELETE FROM pending WHERE due_at <= ? RETURNING row", (to_text(now),)
            ).fetchall()
            rows.extend(json.loads(r[0]) for r in due)
            rows.sort(key=lambda r: (r["created_at"], r["external_id"]))
            return self._insert(rows)

    def _live_message(
        self, rng: random.Random, slot: int, moment: datetime, hours
    ) -> tuple[Msg, list[Msg]]:
        profile = self.profile
        citizens = self.citizens()
        # As in the history: someone speaks, on one of their networks (choosing the account
        # first would give Mastodon as much of the town's voice as Facebook).
        citizen = rng.choices(citizens, [c.weight for c in citizens])[0]
        network = writing_network(rng, citizen, {a.network for a in profile.accounts})
        account = rng.choice([a for a in profile.accounts if a.network == network])
        kinds = KIND_WEIGHTS[network]
        kind = rng.choices(list(kinds), weights=list(kinds.values()))[0]
        parent_post = None
        if kind in ("comment", "reply"):
            parent_post = self._latest_post(account.key)
        new_id = IdMaker(prefix=f"L{slot}-")
        msg = citizen_msg(rng, new_id, account, citizen, kind, moment, parent_post, "live")
        later: list[Msg] = []
        if rng.random() < NATIVE_REPLY_RATE:
            far = moment + timedelta(days=30)
            later = city_answers(rng, new_id, msg, hours, far, "live")
        return msg, later

    def _latest_post(self, account: str) -> Msg | None:
        row = self.conn.execute(
            "SELECT external_id, theme FROM messages WHERE account = ? AND kind = 'post' "
            "ORDER BY seq DESC LIMIT 1",
            (account,),
        ).fetchone()
        if row is None:
            return None
        a = self.profile.account(account)
        return Msg(
            row[0], account, a.network if a else "x", "", "post", "out", "", _EPOCH, theme=row[1]
        )

    # ------------------------------------------------------------------ reading

    def page(self, account: str, stream: str, after: int, limit: int = 100) -> list[sqlite3.Row]:
        return self.conn.execute(
            "SELECT * FROM messages WHERE account = ? AND stream = ? AND seq > ? "
            "ORDER BY seq LIMIT ?",
            (account, stream, after, limit),
        ).fetchall()

    def settled_posts(
        self, account: str, after: int, settled_before: datetime, limit: int
    ) -> list[sqlite3.Row]:
        """The account's posts after ``seq`` old enough for their engagement to be listed.

        Stops at the first post still too young, so the cursor never passes a post whose
        likes have not been listed yet.
        """
        rows = self.conn.execute(
            "SELECT seq, external_id, created_at, like_count FROM messages "
            "WHERE account = ? AND kind = 'post' AND direction = 'out' AND seq > ? "
            "ORDER BY seq LIMIT ?",
            (account, after, limit),
        ).fetchall()
        settled = []
        for row in rows:
            if from_text(row["created_at"]) > settled_before:
                break
            settled.append(row)
        return settled

    def message(self, external_id: str) -> sqlite3.Row | None:
        return self.conn.execute(
            "SELECT * FROM messages WHERE external_id = ?", (external_id,)
        ).fetchone()

    def counts(self) -> dict[tuple[str, str, str], int]:
        """(network, kind, direction) -> messages, for checks and the demo's summary."""
        rows = self.conn.execute(
            "SELECT network, kind, direction, count(*) FROM messages GROUP BY 1, 2, 3"
        ).fetchall()
        return {(r[0], r[1], r[2]): r[3] for r in rows}

    def published(self, account: str | None = None) -> list[Published]:
        """Every post and reply the city sent through the API, oldest first."""
        rows = self.conn.execute(
            """
            SELECT *, count(*) OVER (
                PARTITION BY account, coalesce(marker, parent || char(0) || text)
            ) AS same
            FROM messages WHERE origin = 'api' AND (? IS NULL OR account = ?)
            ORDER BY seq
            """,
            (account, account),
        ).fetchall()
        return [
            Published(
                r["account"],
                r["network"],
                r["external_id"],
                r["kind"],
                r["text"],
                r["marker"],
                from_text(r["created_at"]),
                r["parent"],
                r["image_path"],
                r["link"],
                r["same"],
            )
            for r in rows
        ]

    def find_post(self, account: str, marker: str, since: datetime) -> str | None:
        row = self.conn.execute(
            "SELECT external_id FROM messages WHERE account = ? AND marker = ? "
            "AND kind = 'post' AND created_at >= ? ORDER BY seq LIMIT 1",
            (account, marker, to_text(since)),
        ).fetchone()
        return row[0] if row else None

    def find_reply(
        self, account: str, parent: str, text: str, since: datetime
    ) -> sqlite3.Row | None:
        """The city's first reply to ``parent`` with exactly ``text``, sent since ``since``."""
        return self.conn.execute(
            "SELECT * FROM messages WHERE account = ? AND parent = ? AND text = ? "
            "AND origin = 'api' AND created_at >= ? ORDER BY seq LIMIT 1",
            (account, parent, text, to_text(since)),
        ).fetchone()

    # ------------------------------------------------------------------ writing as the city

    def set_hidden(self, account: str, external_id: str, hidden: bool, now: datetime) -> None:
        """Hide a message of ``account``'s conversations, or show it again (idempotent)."""
        with self._write():
            row = self.message(external_id)
            if row is None or row["account"] != account:
                raise SandboxError(f"no message {external_id} on account {account}")
            if hidden:
                self.conn.execute(
                    "INSERT OR IGNORE INTO hidden (external_id, account, hidden_at) VALUES (?, ?, ?)",
                    (external_id, account, to_text(now)),
                )
            else:
                self.conn.execute("DELETE FROM hidden WHERE external_id = ?", (external_id,))

    def record_act(self, account: str, act: str, target: str, now: datetime) -> None:
        """A like, block or mute by the city (idempotent, as the real networks' are)."""
        with self._write():
            self.conn.execute(
                "INSERT OR IGNORE INTO acts (account, act, target, done_at) VALUES (?, ?, ?, ?)",
                (account, act, target, to_text(now)),
            )

    def acts(self, account: str) -> set[tuple[str, str]]:
        """(act, target) of everything the city did on ``account``'s network."""
        rows = self.conn.execute("SELECT act, target FROM acts WHERE account = ?", (account,))
        return {(r[0], r[1]) for r in rows}

    def delete_city_message(self, account: str, external_id: str) -> bool:
        """The city deletes one of its own messages (a reply); False if it was not there."""
        with self._write():
            return bool(
                self.conn.execute(
                    "DELETE FROM messages WHERE external_id = ? AND account = ? AND direction = 'out'",
                    (external_id, account),
                ).rowcount
            )

    def is_hidden(self, external_id: str) -> bool:
        row = self.conn.execute(
            "SELECT 1 FROM hidden WHERE external_id = ?", (external_id,)
        ).fetchone()
        return row is not None

    def record_reply(
        self, account: str, to_external_id: str, text: str, now: datetime
    ) -> sqlite3.Row:
        """Store the city's reply to a message; return its row. Unknown message: error."""
        with self._write():
            parent = self.message(to_external_id)
            if parent is None or parent["account"] != account:
                raise SandboxError(f"no message {to_external_id} on account {account}")
            seq = self._next_api_id()
            a = self.profile.account(account)
            kind = "dm" if parent["kind"] == "dm" else "reply"
            row = {
                "external_id": f"sim-{parent['network']}-R{seq}",
                "account": account,
                "network": parent["network"],
                "stream": reply_stream(parent["network"], parent["stream"], kind),
                "kind": kind,
                "direction": "out",
                "author_id": f"sim-{parent['network']}-city-{account}",
                "author_handle": a.handle if a else account,
                "author_name": a.handle if a else account,
                "text": text,
                "created_at": to_text(now),
                "parent": to_external_id,
                "thread": parent["thread"],
                "origin": "api",
            }
            self._insert([row])
            self._maybe_follow_up(parent, row, now)
            return self.message(row["external_id"])

    def _maybe_follow_up(self, parent: sqlite3.Row, reply: dict, now: datetime) -> None:
        """Sometimes the citizen answers the city's reply a few minutes later."""
        if parent["direction"] != "in" or not parent["author_id"]:
            return
        rng = random.Random(f"{self.profile.seed}:follow:{reply['external_id']}")
        if rng.random() >= FOLLOW_UP_AFTER_API_REPLY:
            return
        citizen = self._citizen_of(parent["author_id"])
        root = Msg(
            parent["external_id"], parent["account"], parent["network"], parent["stream"],
            parent["kind"], "in", parent["text"], now, citizen=citizen,
            thread=parent["thread"], theme=parent["theme"],
        )  # fmt: skip
        city = Msg(
            reply["external_id"], reply["account"], reply["network"], "", "reply", "out", "", now
        )
        new_id = IdMaker(prefix=f"F{reply['external_id'].rsplit('-', 1)[-1]}-")
        at = now + timedelta(seconds=rng.uniform(60, 600))
        follow = follow_up_msg(rng, new_id, root, city, at, "live")
        row = _row(follow)
        if citizen is None:
            row.update(
                author_id=parent["author_id"],
                author_handle=parent["author_handle"],
                author_name=parent["author_name"],
            )
        self.conn.execute(
            "INSERT INTO pending (due_at, row) VALUES (?, ?)", (row["created_at"], json.dumps(row))
        )

    def bio_of(self, author_id: str, network: str) -> str | None:
        """The profile text of a simulated citizen on ``network`` (what the network's API
        shows beside a name), or None."""
        citizen = self._citizen_of(author_id)
        return citizen.bios.get(network) if citizen else None

    def _citizen_of(self, author_id: str) -> Citizen | None:
        tail = author_id.rsplit("-u", 1)
        if len(tail) == 2 and tail[1].isdigit():
            index = int(tail[1]) - 1
            citizens = self.citizens()
            if 0 <= index < len(citizens):
                return citizens[index]
        return None

    def record_post(
        self,
        account: str,
        text: str,
        marker: str | None,
        now: datetime,
        image_path: str | None = None,
        link: str | None = None,
    ) -> str:
        with self._write():
            a = self.profile.account(account)
            if a is None:
                raise SandboxError(f"unknown account {account} on the simulated network")
            external_id = f"sim-{a.network}-P{self._next_api_id()}"
            self._insert(
                [
                    {
                        "external_id": external_id,
                        "account": account,
                        "network": a.network,
                        "stream": stream_for(a.network, "post"),
                        "kind": "post",
                        "direction": "out",
                        "author_id": f"sim-{a.network}-city-{account}",
                        "author_handle": a.handle,
                        "author_name": a.handle,
                        "text": text,
                        "created_at": to_text(now),
                        "marker": marker,
                        "origin": "api",
                        "image_path": image_path,
                        "link": link,
                    }
                ]
            )
            return external_id

    def _next_api_id(self) -> int:
        value = int(self._meta("api_counter") or "0") + 1
        self._set_meta("api_counter", str(value))
        return value

    # ------------------------------------------------------------------ tests' levers

    def post_citizen_message(
        self,
        account: str,
        kind: str,
        text: str,
        *,
        handle: str | None = None,
        parent: str | None = None,
        at: datetime | None = None,
    ) -> str:
        """A citizen message written now (or at ``at``): "a new mention arrives"."""
        a = self.profile.account(account)
        if a is None:
            raise ValueError(f"unknown sandbox account {account!r}")
        at = at or datetime.now(UTC)
        with self._write():
            number = self._next_api_id()
            external_id = f"sim-{a.network}-I{number}"
            if handle is None:
                citizen = self.citizens()[number % len(self.citizens())]
                author = (
                    citizen.author_id(a.network),
                    citizen.handles.get(a.network, f"citoyen{citizen.id}"),
                    citizen.display_name(a.network),
                )
            else:
                author = (f"sim-{a.network}-h-{handle}", handle, handle)
            if kind == "dm":
                thread = f"sim-{a.network}-conv-{account}-{author[0]}"
            else:
                thread = parent or external_id
            self._insert(
                [
                    {
                        "external_id": external_id,
                        "account": account,
                        "network": a.network,
                        "stream": stream_for(a.network, kind),
                        "kind": kind,
                        "direction": "in",
                        "author_id": author[0],
                        "author_handle": author[1],
                        "author_name": author[2],
                        "text": text,
                        "created_at": to_text(at),
                        "parent": parent,
                        "thread": thread,
                        "origin": "injected",
                    }
                ]
            )
            return external_id

    def inject_failure(
        self,
        account: str,
        operation: str,
        kind: str,
        count: int = 1,
        *,
        reset_seconds: float = 60,
    ) -> None:
        """Make the next ``count`` calls of ``operation`` on ``account`` fail with ``kind``."""
        if operation not in OPERATIONS:
            raise ValueError(f"operation must be one of {OPERATIONS}")
        if kind not in FAILURE_KINDS:
            raise ValueError(f"kind must be one of {FAILURE_KINDS}")
        with self._write():
            self.conn.execute(
                "INSERT INTO failures (account, operation, kind, remaining, reset_seconds) "
                "VALUES (?, ?, ?, ?, ?)",
                (account, operation, kind, count, reset_seconds),
            )

    def take_failure(self, account: str, operation: str, now: datetime) -> None:
        """Raise the next injected failure for this call, consuming it."""
        with self._write():
            row = self.conn.execute(
                "SELECT id, kind, reset_seconds FROM failures WHERE account = ? "
                "AND operation = ? AND remaining > 0 ORDER BY id LIMIT 1",
                (account, operation),
            ).fetchone()
            if row is None:
                return
            self.conn.execute(
                "UPDATE failures SET remaining = remaining - 1 WHERE id = ?", (row[0],)
            )
        kind = row["kind"]
        message = f"simulated {kind.replace('_', ' ')} on {operation} for {account}"
        reset_at = now + timedelta(seconds=row["reset_seconds"]) if kind == "rate_limited" else None
        raise SandboxError(message, kind, reset_at)

    def set_delay(
        self, account: str, operation: str, seconds: float, moment: str = "after"
    ) -> None:
        """Make ``operation`` take ``seconds``: ``after`` the network recorded it (a process
        killed then has published without knowing the id) or ``before`` (nothing happened)."""
        if operation not in OPERATIONS or moment not in ("before", "after"):
            raise ValueError("operation: fetch|reply|publish; moment: before|after")
        with self._write():
            if seconds <= 0:
                self.conn.execute(
                    "DELETE FROM delays WHERE account = ? AND operation = ?", (account, operation)
                )
            else:
                self.conn.execute(
                    "INSERT INTO delays (account, operation, seconds, moment) VALUES (?, ?, ?, ?) "
                    "ON CONFLICT (account, operation) DO UPDATE SET seconds = excluded.seconds, "
                    "moment = excluded.moment",
                    (account, operation, seconds, moment),
                )

    def delay(self, account: str, operation: str) -> float:
        """The seconds ``set_delay`` adds to ``operation`` (before and after together)."""
        row = self.conn.execute(
            "SELECT coalesce(sum(seconds), 0) FROM delays WHERE account = ? AND operation = ?",
            (account, operation),
        ).fetchone()
        return float(row[0])

    def wait(self, account: str, operation: str, moment: str) -> None:
        row = self.conn.execute(
            "SELECT seconds FROM delays WHERE account = ? AND operation = ? AND moment = ?",
            (account, operation, moment),
        ).fetchone()
        if row is not None:
            time.sleep(row[0])


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _row(msg: Msg) -> dict:
    citizen = msg.citizen
    if msg.direction == "in" and citizen is not None:
        author = (
            citizen.author_id(msg.network),
            citizen.handles.get(msg.network, f"citoyen{citizen.id}"),
            citizen.display_name(msg.network),
        )
    elif msg.direction == "out":
        author = (f"sim-{msg.network}-city-{msg.account}", None, None)
    else:
        author = (None, None, None)
    return {
        "external_id": msg.external_id,
        "account": msg.account,
        "network": msg.network,
        "stream": msg.stream,
        "kind": msg.kind,
        "direction": msg.direction,
        "author_id": author[0],
        "author_handle": author[1],
        "author_name": author[2],
        "text": msg.text,
        "created_at": to_text(msg.created_at),
        "parent": msg.parent,
        "thread": msg.thread,
        "like_count": msg.like_count,
        "marker": msg.marker,
        "origin": msg.origin,
        "intent": msg.intent,
        "theme": msg.theme,
    }


__all__ = ["OPERATIONS", "Published", "SandboxNetwork", "SimAccount", "state_path"]
