"""The calendar of rendez-vous: every occurrence in a period and what became of it.

Occurrences come from the series' recurrences, what happened to them from the outbox, and
what will happen from the queue of approved drafts (the k-th coming occurrence takes the
k-th approved draft). Nothing is left out: an occurrence with no row, no draft and no
future is shown too.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from beffroi.config import Settings
from beffroi.scheduler.series import occurrences
from beffroi.store import from_db, to_db

# What a person sees: the state of an occurrence, its colour, icon and French label. The
# label always says it in words: the colour only helps the eye.
STATES = {
    "published": ("green", ":material/check_circle:", "publié"),
    "publishing": ("blue", ":material/send:", "en cours de publication"),
    "approved": ("blue", ":material/schedule:", "programmé"),
    "scheduled": ("blue", ":material/schedule:", "programmé"),
    "missing": ("orange", ":material/edit_note:", "brouillon manquant"),
    "needs_person": ("violet", ":material/help:", "à vérifier par une personne"),
    "missed": ("red", ":material/event_busy:", "manqué"),
    "failed": ("red", ":material/error:", "échec"),
    "cancelled": ("gray", ":material/block:", "annulé"),
    "paused": ("gray", ":material/pause_circle:", "série en pause"),
    "draft": ("orange", ":material/edit_note:", "brouillon non approuvé"),
    "untracked": ("gray", ":material/history:", "avant Beffroi"),
}
UNKNOWN_STATE = ("gray", ":material/help:", "inconnu")
# When accounts disagree, the occurrence shows the most worrying state.
SEVERITY = [
    "failed",
    "missed",
    "needs_person",
    "missing",
    "draft",
    "publishing",
    "approved",
    "scheduled",
    "paused",
    "cancelled",
    "untracked",
    "published",
]


@dataclass
class Entry:
    when: datetime  # UTC
    key: str  # series key, or draft:<id>
    name: str
    state: str
    draft_id: int | None = None
    draft_title: str = ""
    texts: dict = field(default_factory=dict)
    rows: list[dict] = field(default_factory=list)  # outbox rows, one per account

    @property
    def label(self) -> str:
        return STATES.get(self.state, UNKNOWN_STATE)[2]

    @property
    def color(self) -> str:
        return STATES.get(self.state, UNKNOWN_STATE)[0]

    @property
    def icon(self) -> str:
        return STATES.get(self.state, UNKNOWN_STATE)[1]


def _worst(states: list[str]) -> str:
    return min(states, key=lambda s: SEVERITY.index(s) if s in SEVERITY else 0)


def build_entries(
    settings: Settings,
    rows: list[dict],
    approved_queue: list[dict],
    fixed: list[dict],
    series: dict[str, dict],
    start: datetime,
    end: datetime,
    now: datetime,
    tracked_since: datetime | None = None,
) -> list[Entry]:
    """Every occurrence between start and end with its state.

    ``tracked_since`` is when the publishing service first ran on this database
    (``tracked_since(conn)``): a past occurrence before it with no outbox row happened before
    Beffroi looked after the series ("avant Beffroi": the city may have posted by hand), not
    a missed one. Past occurrences after it always have rows, written by the service.
    """
    by_occurrence: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for row in rows:
        by_occurrence[(row["series_key"], row["occurrence"])].append(row)
    queue: dict[str, list[dict]] = defaultdict(list)
    for draft in approved_queue:
        queue[draft["series_key"]].append(draft)
    entries: list[Entry] = []
    names = {r.key: r.name for r in settings.rendezvous}
    for rdv in settings.rendezvous:
        paused = bool(series.get(rdv.key, {}).get("paused"))
        waiting = list(queue.get(rdv.key, []))
        for when in occurrences(rdv, settings, start, end):
            found = by_occurrence.pop((rdv.key, to_db(when)), [])
            entry = Entry(when, rdv.key, rdv.name, "scheduled", rows=found)
            if found and any(r["status"] != "scheduled" for r in found):
                entry.state = _worst([r["status"] for r in found])
                draft = next((r for r in found if r.get("draft_id")), None)
                if draft:
                    entry.draft_id = draft["draft_id"]
                    entry.draft_title = draft.get("draft_title") or ""
                    entry.texts = json.loads(draft.get("draft_texts") or "{}")
            elif paused:
                entry.state = "paused"
            elif when < now and not found:
                tracked = tracked_since is not None and when >= tracked_since
                entry.state = "missed" if tracked else "untracked"
            elif waiting:
                draft = waiting.pop(0)
                entry.state = "approved"
                entry.draft_id = draft["id"]
                entry.draft_title = draft.get("title") or ""
                entry.texts = json.loads(draft.get("texts") or "{}")
            else:
                entry.state = "missing"
            entries.append(entry)
    # Outbox rows of one-off drafts, and rows of series no longer configured.
    for (key, occurrence), found in by_occurrence.items():
        draft = next((r for r in found if r.get("draft_id")), {})
        entries.append(
            Entry(
                from_db(occurrence),
                key,
                names.get(key, draft.get("draft_title") or "Publication ponctuelle"),
                _worst([r["status"] for r in found]),
                draft.get("draft_id"),
                draft.get("draft_title") or "",
                json.loads(draft.get("draft_texts") or "{}"),
                found,
            )
        )
    for draft in fixed:
        entries.append(
            Entry(
                from_db(draft["fixed_at"]),
                f"draft:{draft['id']}",
                draft["title"] or "Publication ponctuelle",
                "approved" if draft["status"] == "approved" else "draft",
                draft["id"],
                draft["title"] or "",
                json.loads(draft["texts"] or "{}"),
            )
        )
    entries.sort(key=lambda e: (e.when, e.name))
    return entries
