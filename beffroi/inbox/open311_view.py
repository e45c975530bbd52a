"""What the manager sees of an item's Open311 request: the steps ("transmis au service
voirie — en cours — résolu"), the service's notes, and "prévenir le citoyen" once the
service resolved it, until a reply or "Citoyen prévenu" says the citizen was told.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from beffroi.config import Settings
from beffroi.store import now_utc
from beffroi.store.open311 import (
    latest_request,
    mark_citizen_told,
    replied_since,
    request_states,
)


@dataclass(frozen=True)
class Open311View:
    """The item's Open311 request, in French: the steps, the detail, the prompt."""

    row_id: int
    state: str
    steps: list[tuple[str, bool]]  # ("Transmis à Service voirie", done), ...
    detail: str
    tell_citizen: bool  # resolved, and the citizen not told yet
    can_check: bool  # an unanswered request a manager may have looked for now
    problem: str | None  # the last error, if any

    @property
    def line(self) -> str:
        return " — ".join(label for label, _ in self.steps)


_MASCULINE = {"service", "pôle", "centre", "ccas", "bureau", "cabinet", "secrétariat"}
_FEMININE = {"direction", "police", "mairie", "maison", "mission", "régie", "cellule"}
_FEMININE_ENDINGS = ("ie", "ion", "té", "ure", "esse", "ance", "ence")


def to_service(name: str) -> str:
    """ "à" and the article a service's name takes: "au service voirie", "à la police
    municipale", "à la voirie", "à l'état civil", "aux sports", "au CCAS"; a name not
    recognised keeps a bare "à" and its capital."""
    first = name.split(" ", 1)[0]
    acronym = len(first) > 1 and first.isupper()
    shown = name if acronym else name[:1].lower() + name[1:]
    word = first.lower()
    if acronym or word in _MASCULINE:
        return f"au {shown}"
    if word.endswith(("s", "x")):
        return f"aux {shown}"
    if word[:1] in "aeiouyéèêàâîôûh":
        return f"à l'{shown}"
    if word in _FEMININE or word.endswith(_FEMININE_ENDINGS):
        return f"à la {shown}"
    return f"à {name}"


def open311_view(conn: sqlite3.Connection, settings: Settings, queue_id: int) -> Open311View | None:
    """None when the item never went to a service by Open311."""
    row = latest_request(conn, queue_id)
    if row is None:
        return None
    names = {s.key: s.name for s in settings.services}
    name = names.get(row["service"], row["service"])
    state = row["state"]
    number = f" (demande n°{row['request_id']})" if row["request_id"] else ""
    steps = [
        (f"transmis {to_service(name)}", state in ("token", "open", "closed")),
        ("en cours", state in ("open", "closed")),
        ("résolu", state == "closed"),
    ]
    detail = {
        "sending": "Transmission en cours…",
        "uncertain": "Transmission à vérifier : le serveur du service n'a pas répondu.",
        "token": "Reçu par le service, numéro de demande à venir.",
        "open": f"Le service traite la demande{number}.",
        "closed": f"Le service a résolu la demande{number}.",
        "failed": "La dernière transmission a échoué : vous pouvez transmettre à nouveau.",
    }[state]
    if row["status_notes"]:
        detail += f" Note du service : {row['status_notes']}"
    told = row["citizen_told_at"] is not None or (
        row["closed_at"] is not None and replied_since(conn, queue_id, row["closed_at"])
    )
    return Open311View(
        row_id=row["id"],
        state=state,
        steps=steps,
        detail=detail,
        tell_citizen=state == "closed" and not told,
        can_check=state in ("sending", "uncertain"),
        problem=row["last_error"],
    )


SHORT_STATES = {
    "sending": "transmission en cours",
    "uncertain": "transmission à vérifier",
    "token": "transmis",
    "open": "en cours",
    "closed": "résolu",
    "failed": "transmission échouée",
}


def open311_labels(conn: sqlite3.Connection, queue_ids) -> dict[int, str]:
    """Queue id → a few words for the Inbox list ("en cours", "résolu — prévenir le
    citoyen"), for the items sent to a service by Open311."""
    labels = {}
    for queue_id, (state, told) in request_states(conn, queue_ids).items():
        label = SHORT_STATES[state]
        labels[queue_id] = label + (
            " — prévenir le citoyen" if state == "closed" and not told else ""
        )
    return labels


def citizen_told(conn: sqlite3.Connection, queue_id: int, *, actor: str, now=None) -> None:
    mark_citizen_told(conn, queue_id, actor=actor, now=now or now_utc())
