"""Rules that moderate (issue 13): explainable conditions, audited actions, a dry run.

A rule is a set of conditions, all of which must hold, and a set of actions. Conditions:
words (``keywords``, on folded text), lemmas (``lemmas``, through ``lemmas.lemmatise``, so
"poubelles renversées" meets "poubelle renverser"), a link, a phone number or an e-mail
address (``contact``), emoji only, a length, the network, the kind of message, the author on
the rule's watch list, the theme and the tone triage found, and "public messages only".
Actions: a label, an assignee, a priority, closing with a reason, hiding the comment on the
network, an e-mail alert.

Rules are stored in the database (``moderation_rules``), edited on the "Modération" page by
admins, and switched off until an admin turns them on, ideally after ``try_rule`` showed
what the rule would have done over the last 30 days. ``Moderation`` is the ingestion hook:
inside the page's transaction, on the page's clock, it applies each switched-on rule to the
page's new messages (after triage and conversations) and records each hit with its reasons
in French (``moderation_hits``, and the audit under ``modération``). A hide is only
*queued* there: the network is called after the transaction
(``moderation_actions.perform_network_actions``), so a slow or failing network never holds
the database nor loses the page.

Every hit can be undone (``undo``): reopened, priority and assignee put back, label removed,
comment shown again on the network.
"""

from __future__ import annotations

import json
import re
import sqlite3
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from beffroi.collectors import Item
from beffroi.collectors.moderation import cannot_hide
from beffroi.inbox.lemmas import lemmatise
from beffroi.inbox.states import CLOSE_REASON_LABELS, PRIORITY_LABELS, TONE_LABELS
from beffroi.inbox.text import find_keyword, fold
from beffroi.labels import kind_label, network_label
from beffroi.store import from_db, one_row, to_db
from beffroi.store.moderation import (
    MODERATION_ACTOR,
    ModerationError,
    ingest_apply,
    ingest_label,
    ingest_queue_network_action,
    ingest_record_hit,
    ingest_reopen_triaged,
)
from beffroi.store.moderation import save_rule as store_rule

CONDITION_KEYS = (
    "keywords", "lemmas", "link", "contact", "emoji_only", "min_length", "max_length",
    "networks", "kinds", "authors", "themes", "tones", "public_only",
)  # fmt: skip
ACTION_KEYS = (
    "label", "assign_to", "assign_team", "priority", "close_reason", "hide", "alert_email",
)  # fmt: skip
TRY_DAYS = 30

# French phone numbers as citizens write them: 06 12 34 56 78, 06.12.34.56.78, +33 6 12...
_PHONE = re.compile(
    r"(?<![\d+])(?:(?:\+|00)33[\s.\-]?(?:\(0\)[\s.\-]?)?|0)[1-9](?:[\s.\-]?\d{2}){4}(?!\d)"
)
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-zA-Z]{2,}")
_LINK = re.compile(
    r"https?://\S+|www\.\S+|\b[\w-]+(?:\.[\w-]+)*\.(?:fr|com|net|org|ly|io|be|eu|info|example)"
    r"(?:/\S*)?(?!\w)",
    re.IGNORECASE,
)


class RuleError(ModerationError):
    """A rule that cannot be saved as written; the message says what to change."""


@dataclass(frozen=True)
class Rule:
    id: int | None
    name: str
    conditions: dict[str, Any]
    actions: dict[str, Any]
    enabled: bool = False
    builtin: str | None = None

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> Rule:
        return cls(
            row["id"],
            row["name"],
            json.loads(row["conditions"]),
            json.loads(row["actions"]),
            bool(row["enabled"]),
            row["builtin"],
        )


@dataclass(frozen=True)
class Subject:
    """What a rule looks at in a message (from the collector's item and triage's row)."""

    text: str
    network: str
    kind: str
    author: str | None = None
    theme: str | None = None
    tone: str | None = None

    @property
    def public(self) -> bool:
        return self.kind != "dm"


# ---------------------------------------------------------------- checking a rule


def _words(value: Any) -> list[str]:
    if isinstance(value, str):
        value = value.split(",")
    if not isinstance(value, list | tuple):
        return []
    return [str(v).strip() for v in value if str(v).strip()]


def clean_rule(name: str, conditions: dict[str, Any], actions: dict[str, Any]) -> Rule:
    """The rule as it will be stored, or a French ``RuleError`` saying what is wrong."""
    name = (name or "").strip()
    if not name:
        raise RuleError("Donnez un nom à la règle.")
    unknown = (set(conditions) - set(CONDITION_KEYS)) | (set(actions) - set(ACTION_KEYS))
    if unknown:
        raise RuleError(f"Élément de règle inconnu : {', '.join(sorted(unknown))}.")
    cond: dict[str, Any] = {}
    for key in ("keywords", "lemmas", "networks", "kinds", "themes", "tones"):
        if _words(conditions.get(key)):
            cond[key] = _words(conditions[key])
    authors = [a.lstrip("@").lower() for a in _words(conditions.get("authors"))]
    if authors:
        cond["authors"] = authors
    for key in ("link", "contact", "emoji_only", "public_only"):
        if conditions.get(key):
            cond[key] = True
    for key in ("min_length", "max_length"):
        value = conditions.get(key)
        if value not in (None, "", 0):
            try:
                cond[key] = int(value)
            except (TypeError, ValueError):
                raise RuleError("Une longueur se donne en nombre de caractères.") from None
    if not set(cond) - {"public_only", "networks", "kinds"}:
        raise RuleError(
            "Une règle doit regarder le contenu du message (mots, lemmes, lien, coordonnées, "
            "émojis, longueur, auteur, thème ou ton) : elle s'appliquerait sinon à tout."
        )
    act: dict[str, Any] = {}
    if (actions.get("label") or "").strip():
        act["label"] = actions["label"].strip()
    if (actions.get("assign_to") or "").strip():
        act["assign_to"] = actions["assign_to"].strip()
    elif actions.get("assign_team"):
        act["assign_team"] = True
    if actions.get("priority"):
        if actions["priority"] not in PRIORITY_LABELS:
            raise RuleError(f"Priorité inconnue : {actions['priority']}.")
        act["priority"] = actions["priority"]
    if actions.get("close_reason"):
        if actions["close_reason"] not in CLOSE_REASON_LABELS:
            raise RuleError(f"Motif de clôture inconnu : {actions['close_reason']}.")
        act["close_reason"] = actions["close_reason"]
    if actions.get("hide"):
        act["hide"] = True
    if (actions.get("alert_email") or "").strip():
        address = actions["alert_email"].strip()
        if not _EMAIL.fullmatch(address):
            raise RuleError(f"Adresse d'alerte invalide : {address}.")
        act["alert_email"] = address
    if not act:
        raise RuleError("Choisissez au moins une action.")
    return Rule(None, name, cond, act)


def save_rule(conn: sqlite3.Connection, rule_id: int | None, name: str, conditions, actions, **who):
    """Check and store a rule (a new one starts switched off); returns its id. ``who``:
    ``actor`` and ``now``, as ``store.moderation.save_rule`` takes them."""
    rule = clean_rule(name, conditions, actions)
    return store_rule(conn, rule_id, rule.name, rule.conditions, rule.actions, **who)


# ---------------------------------------------------------------- matching


def _mask(found: str) -> str:
    """A phone number or address shown in the audit without publishing it again."""
    if "@" in found:
        user, _, domain = found.partition("@")
        return f"{user[:1]}…@{domain}"
    digits = re.sub(r"\D", "", found)
    return f"{digits[:2]} … {digits[-2:]}"


def _is_emoji_only(text: str) -> bool:
    stripped = "".join(text.split())
    if not stripped or any(c.isalnum() for c in stripped):
        return False
    return any(unicodedata.category(c) in ("So", "Sk") for c in stripped)


# Conditions on what the message is (its network, kind, theme, tone): one of the listed.
_MEMBERSHIP = (
    ("networks", lambda s: s.network, lambda v: f"publié sur {network_label(v)}"),
    ("kinds", lambda s: s.kind, kind_label),
    ("themes", lambda s: s.theme, lambda v: f"thème {v}"),
    ("tones", lambda s: s.tone, lambda v: f"ton {TONE_LABELS.get(v or '', v)}"),
)


def explain(rule: Rule, subject: Subject) -> list[str] | None:
    """The French reasons the rule fires on this message, one per condition, or None."""
    c = rule.conditions
    why: list[str] = []
    text = subject.text or ""
    if c.get("public_only"):
        if not subject.public:
            return None
        why.append("message public")
    for key, value, words in _MEMBERSHIP:
        if c.get(key):
            if value(subject) not in c[key]:
                return None
            why.append(words(value(subject)))
    if c.get("keywords"):
        found = find_keyword(fold(text), c["keywords"])
        if found is None:
            return None
        why.append(f"contient « {found} »")
    if c.get("lemmas"):
        wanted = [lemmatise(w).lemmas for w in c["lemmas"]]
        found = find_keyword(lemmatise(text).lemmas, wanted)
        if found is None:
            return None
        why.append(f"contient le lemme « {found} »")
    if c.get("link"):
        match = _LINK.search(text)
        if match is None:
            return None
        why.append(f"contient un lien ({match.group(0)[:40]})")
    if c.get("contact"):
        phone, email = _PHONE.search(text), _EMAIL.search(text)
        if phone is None and email is None:
            return None
        if phone is not None:
            why.append(f"contient un numéro de téléphone ({_mask(phone.group(0))})")
        if email is not None:
            why.append(f"contient une adresse e-mail ({_mask(email.group(0))})")
    if c.get("emoji_only"):
        if not _is_emoji_only(text):
            return None
        why.append("ne contient que des émojis")
    length = len(text.strip())
    if "min_length" in c:
        if length < c["min_length"]:
            return None
        why.append(f"{length} caractères (au moins {c['min_length']})")
    if "max_length" in c:
        if length > c["max_length"]:
            return None
        why.append(f"{length} caractères (au plus {c['max_length']})")
    if c.get("authors"):
        author = (subject.author or "").lstrip("@").lower()
        if not author or author not in c["authors"]:
            return None
        why.append(f"auteur sur la liste de surveillance (@{author})")
    return why


def _either(words) -> str:
    return " ou ".join(words)


# A rule's conditions as people read them, in this order: key -> its words for the value.
CONDITION_WORDS: dict[str, Callable[[Any], str]] = {
    "keywords": lambda v: "contient " + _either(f"« {w} »" for w in v),
    "lemmas": lambda v: "contient le lemme " + _either(f"« {w} »" for w in v),
    "link": lambda _: "contient un lien",
    "contact": lambda _: "contient un numéro de téléphone ou une adresse e-mail",
    "emoji_only": lambda _: "ne contient que des émojis",
    "min_length": lambda v: f"au moins {v} caractères",
    "max_length": lambda v: f"au plus {v} caractères",
    "authors": lambda v: "auteur parmi " + ", ".join(f"@{a}" for a in v),
    "themes": lambda v: "thème " + _either(v),
    "tones": lambda v: "ton " + _either(TONE_LABELS.get(t, t) for t in v),
    "networks": lambda v: "sur " + _either(network_label(n) for n in v),
    "kinds": lambda v: _either(kind_label(k, capital=False) for k in v),
    "public_only": lambda _: "message public",
}


def describe_conditions(conditions: dict[str, Any]) -> str:
    """'contient « incapables » ; message public' for people."""
    return " ; ".join(
        words(conditions[key]) for key, words in CONDITION_WORDS.items() if conditions.get(key)
    )


def describe_actions(actions: dict[str, Any]) -> str:
    """'masquer sur le réseau, étiquette « insulte », priorité haute' for people: a rule's
    actions, or what a hit did (its priority as [before, after], ``reopened``)."""
    parts = ["rouvrir"] if actions.get("reopened") else []
    if actions.get("hide"):
        parts.append("masquer sur le réseau")
    if actions.get("label"):
        parts.append(f"étiquette « {actions['label']} »")
    if actions.get("assign_to"):
        parts.append(f"attribuer à {actions['assign_to']}")
    elif actions.get("assign_team"):
        parts.append("attribuer au community manager le moins chargé")
    if actions.get("priority"):
        priority = actions["priority"]
        priority = priority[-1] if isinstance(priority, list) else priority
        parts.append(f"priorité {PRIORITY_LABELS[priority].lower()}")
    if actions.get("close_reason"):
        parts.append(f"clore ({CLOSE_REASON_LABELS[actions['close_reason']].lower()})")
    if actions.get("alert_email"):
        parts.append(f"alerter {actions['alert_email']}")
    return ", ".join(parts)


# ---------------------------------------------------------------- reads


def list_rules(conn: sqlite3.Connection, *, enabled_only: bool = False) -> list[Rule]:
    sql = "SELECT * FROM moderation_rules"
    if enabled_only:
        sql += " WHERE enabled = 1"
    return [Rule.from_row(r) for r in conn.execute(sql + " ORDER BY id")]


def get_rule(conn: sqlite3.Connection, rule_id: int) -> Rule:
    sql = "SELECT * FROM moderation_rules WHERE id = ?"
    return Rule.from_row(
        one_row(conn, sql, (rule_id,), ModerationError("Cette règle n'existe plus."))
    )


_SUBJECT_SQL = """
SELECT q.id AS queue_id, q.item_id, q.status, q.priority, q.assignee, q.theme, q.tone,
       i.network, i.kind, i.text, i.created_at, i.account, m.handle
FROM queue q JOIN items i ON i.id = q.item_id LEFT JOIN members m ON m.id = i.member_id
"""


def _subject(row: sqlite3.Row) -> Subject:
    return Subject(
        row["text"], row["network"], row["kind"], row["handle"], row["theme"], row["tone"]
    )


# ---------------------------------------------------------------- at ingestion


class Moderation:
    """The ingestion hook: switched-on rules applied to a page's new messages, inside the
    page's transaction and on its clock. Network hides are queued, never called here."""

    def apply(self, conn: sqlite3.Connection, new: Sequence[tuple[int, Item]], now: datetime):
        item_ids = [item_id for item_id, item in new if item.direction == "in"]
        if not item_ids:
            return
        rules = list_rules(conn, enabled_only=True)
        if not rules:
            return
        rows = conn.execute(
            _SUBJECT_SQL + "WHERE q.item_id IN (SELECT value FROM json_each(?)) ORDER BY q.id",  # noqa: S608 (placeholders only)
            (json.dumps(item_ids),),
        ).fetchall()
        for row in rows:
            subject = _subject(row)
            for rule in rules:
                why = explain(rule, subject)
                if why is not None:
                    _act(conn, rule, row, "; ".join(why), now)


def _least_busy(conn: sqlite3.Connection) -> str | None:
    """The team's pick: the active community manager with the fewest open messages."""
    row = conn.execute(
        "SELECT s.username FROM staff s WHERE s.role = 'community_manager' AND s.active = 1 "
        "ORDER BY (SELECT count(*) FROM queue q WHERE q.assignee = s.username "
        "AND q.status IN ('new', 'assigned')), s.username LIMIT 1"
    ).fetchone()
    return row[0] if row else None


def _act(conn: sqlite3.Connection, rule: Rule, row: sqlite3.Row, why: str, now: datetime):
    """Do what ``rule`` says to the message of ``row``; record the hit with what changed."""
    a, queue_id, stamp = rule.actions, row["queue_id"], to_db(now)
    current = conn.execute(
        "SELECT status, priority, assignee FROM queue WHERE id = ?", (queue_id,)
    ).fetchone()
    done: dict[str, Any] = {}
    assignee = a.get("assign_to") or (_least_busy(conn) if a.get("assign_team") else None)
    if (a.get("priority") or assignee) and ingest_reopen_triaged(conn, queue_id, now):
        # Triage guessed no reply was needed; the rule asks for a person: it is open again.
        done["reopened"] = True
    if a.get("label"):
        ingest_label(conn, queue_id, a["label"], MODERATION_ACTOR, now)
        done["label"] = a["label"]
    if a.get("priority") and a["priority"] != current["priority"]:
        if ingest_apply(conn, queue_id, {"priority": a["priority"]}, now):
            done["priority"] = [current["priority"], a["priority"]]
    if assignee and current["assignee"] is None:
        values = {"status": "assigned", "assignee": assignee, "assigned_at": stamp}
        if ingest_apply(conn, queue_id, values, now):
            done["assign_to"] = assignee
    if a.get("close_reason"):
        values = {
            "status": "closed",
            "closed_reason": a["close_reason"],
            "closed_by": MODERATION_ACTOR,
            "closed_at": stamp,
        }
        if ingest_apply(conn, queue_id, values, now):
            done["close_reason"] = a["close_reason"]
    hide = bool(a.get("hide")) and cannot_hide(row["network"], row["kind"]) is None
    if a.get("hide") and not hide:
        done["hide_impossible"] = cannot_hide(row["network"], row["kind"])
    if hide:
        done["hide"] = True
    hit_id = ingest_record_hit(
        conn,
        rule_id=rule.id,
        rule_name=rule.name,
        queue_id=queue_id,
        item_id=row["item_id"],
        done=done,
        why=why,
        alert_to=a.get("alert_email"),
        now=now,
    )
    if hide and hit_id is not None:
        ingest_queue_network_action(
            conn,
            row["item_id"],
            "hide",
            requested_by=MODERATION_ACTOR,
            reason=f"règle « {rule.name} » : {why}",
            hit_id=hit_id,
            now=now,
        )


# ---------------------------------------------------------------- the dry run


@dataclass(frozen=True)
class DryRun:
    """What a rule would have done over the last ``days`` days."""

    rule: Rule
    days: int
    looked_at: int
    matches: list[dict[str, Any]] = field(default_factory=list)

    @property
    def would_hide(self) -> list[dict[str, Any]]:
        return [m for m in self.matches if m["hideable"]]

    def sentence(self) -> str:
        """'Cette règle aurait masqué 12 commentaires : …' (the list follows on the page)."""
        n, days = len(self.matches), self.days
        if self.rule.actions.get("hide"):
            hidden = len(self.would_hide)
            noun = "commentaire" if hidden < 2 else "commentaires"
            text = f"Cette règle aurait masqué {hidden} {noun} sur les {days} derniers jours"
            if n > hidden:
                text += f" ; elle aurait agi sur {n} messages en tout ({n - hidden} non masquables)"
            return text + (" :" if n else ".")
        noun = "message" if n < 2 else "messages"
        return (
            f"Cette règle se serait appliquée à {n} {noun} sur les {days} derniers jours "
            f"({describe_actions(self.rule.actions)})" + (" :" if n else ".")
        )


def try_rule(
    conn: sqlite3.Connection, rule: Rule, now: datetime, *, days: int = TRY_DAYS
) -> DryRun:
    """Apply ``rule`` to the messages received over the last ``days`` days without
    changing anything: which it would have caught, why, and which it could hide."""
    since = to_db(now - timedelta(days=days))
    rows = conn.execute(
        _SUBJECT_SQL + "WHERE i.created_at >= ? AND i.created_at <= ? ORDER BY i.created_at DESC",
        (since, to_db(now)),
    ).fetchall()
    matches = []
    for row in rows:
        why = explain(rule, _subject(row))
        if why is None:
            continue
        matches.append(
            {
                "queue_id": row["queue_id"],
                "created_at": from_db(row["created_at"]),
                "network": row["network"],
                "kind": row["kind"],
                "author": row["handle"],
                "text": row["text"],
                "why": "; ".join(why),
                "hideable": cannot_hide(row["network"], row["kind"]) is None,
            }
        )
    return DryRun(rule, days, len(rows), matches)


# ---------------------------------------------------------------- the record


def list_hits(
    conn: sqlite3.Connection, *, since: datetime | None = None, limit: int = 200
) -> list[dict[str, Any]]:
    """Every automatic action, newest first, with the message and the network's outcome."""
    rows = conn.execute(
        """
        SELECT h.*, i.text, i.network, i.kind, m.handle,
               (SELECT status FROM network_actions n WHERE n.item_id = h.item_id
                ORDER BY n.id DESC LIMIT 1) AS network_status,
               (SELECT action FROM network_actions n WHERE n.item_id = h.item_id
                ORDER BY n.id DESC LIMIT 1) AS network_action,
               (SELECT last_error FROM network_actions n WHERE n.item_id = h.item_id
                ORDER BY n.id DESC LIMIT 1) AS network_error
        FROM moderation_hits h JOIN items i ON i.id = h.item_id
        LEFT JOIN members m ON m.id = i.member_id
        WHERE h.at >= ? ORDER BY h.id DESC LIMIT ?
        """,
        (to_db(since) if since else "0000", limit),
    ).fetchall()
    hits = []
    for r in rows:
        hit = dict(r)
        hit["actions"] = json.loads(r["actions"])
        hit["at"] = from_db(r["at"])
        hit["undone_at"] = from_db(r["undone_at"])
        hits.append(hit)
    return hits


def labels_of(conn: sqlite3.Connection, queue_id: int) -> list[str]:
    return [
        r[0]
        for r in conn.execute(
            "SELECT label FROM queue_labels WHERE queue_id = ? ORDER BY label", (queue_id,)
        )
    ]


def network_state(conn: sqlite3.Connection, item_id: int) -> dict[str, Any] | None:
    """The latest hide/unhide asked for this message and where it stands (``hidden``:
    whether the comment is hidden on the network now), or None."""
    row = conn.execute(
        "SELECT action, status, requested_by, reason, attempts, last_error, requested_at, "
        "done_at, next_attempt_at FROM network_actions WHERE item_id = ? ORDER BY id DESC LIMIT 1",
        (item_id,),
    ).fetchone()
    if row is None:
        return None
    state = dict(row)
    for key in ("requested_at", "done_at", "next_attempt_at"):
        state[key] = from_db(state[key])
    # Hidden now: the last request the network carried out was a hide (a failed unhide
    # after it leaves the comment hidden).
    last_done = conn.execute(
        "SELECT action FROM network_actions WHERE item_id = ? AND status = 'done' "
        "ORDER BY id DESC LIMIT 1",
        (item_id,),
    ).fetchone()
    state["hidden"] = last_done is not None and last_done[0] == "hide"
    return state
