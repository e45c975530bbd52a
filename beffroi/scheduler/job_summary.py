"""What a job of the service did, in one French sentence for the État page and the log.

Each job returns its own result object (a purge's counts, a sweep's, a publishing cycle's
report); staff read them on the État page, so they are phrased here with their figures
and French plurals, never shown as a Python repr, and a file is named without the server's
folders. ``None`` means "nothing worth saying" (an idle pass).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from beffroi.inbox import PollResult, SweepResult, UrgentResult
from beffroi.store.privacy import PurgeResult


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _sentence(parts: list[str], error: str | None = None, *, label: str = "échec") -> str | None:
    text = ", ".join(p for p in parts if p)
    if error:
        text = f"{text} ; {label} : {error}" if text else f"{label} : {error}"
    return text or None


# Publishing and draft-alert cycles (``outbox.CycleReport.as_dict``): key -> (one, many).
CYCLE_WORDS = {
    "published": ("publication", "publications"),
    "reconciled": ("publication retrouvée sur le réseau", "publications retrouvées sur le réseau"),
    "needs_person": ("à décider par une personne", "à décider par une personne"),
    "retried": ("nouvel essai prévu", "nouveaux essais prévus"),
    "failed": ("publication en échec", "publications en échec"),
    "missed": ("rendez-vous manqué", "rendez-vous manqués"),
    "alerts": ("alerte de brouillon manquant", "alertes de brouillon manquant"),
}


def _purge(r: PurgeResult) -> str | None:
    return _sentence(
        [
            r.items and _count(r.items, "message supprimé", "messages supprimés"),
            r.queue and _count(r.queue, "ligne de file supprimée", "lignes de file supprimées"),
            r.raw_cleared
            and _count(r.raw_cleared, "contenu brut effacé", "contenus bruts effacés"),
            r.rejected and _count(r.rejected, "rejet effacé", "rejets effacés"),
            r.members and _count(r.members, "membre supprimé", "membres supprimés"),
            r.interactions and _count(r.interactions, "réaction supprimée", "réactions supprimées"),
        ]
    )


def _sweep(r: SweepResult) -> str | None:
    return _sentence(
        [
            r.marked and _count(r.marked, "message passé en retard", "messages passés en retard"),
            r.alerted and _count(r.alerted, "relance envoyée", "relances envoyées"),
        ],
        r.error,
    )


def _urgent(r: UrgentResult) -> str | None:
    return _sentence(
        [
            r.alerted and _count(r.alerted, "alerte urgente envoyée", "alertes urgentes envoyées"),
            r.failed and f"{r.failed} en échec",
        ],
        r.error,
    )


def _cycle(data: Mapping) -> str | None:
    parts = [_count(int(data[k]), *CYCLE_WORDS[k]) for k in CYCLE_WORDS if data.get(k)]
    return _sentence(parts, data.get("errors"), label="erreurs")


def _open311(r: PollResult) -> str | None:
    """Silent when no request was asked about (most cities have none)."""
    if not r.checked:
        return None
    return _sentence(
        [
            _count(r.checked, "demande Open311 suivie", "demandes Open311 suivies"),
            _count(r.found, "retrouvée", "retrouvées"),
            _count(r.freed, "jamais arrivée", "jamais arrivées"),
            _count(r.resolved, "résolue", "résolues"),
        ],
        f"{len(r.errors)} erreur(s)" if r.errors else None,
        label="erreurs",
    )


def describe(result: object) -> str | None:
    """The French sentence for a job's result, or None when there is nothing to say."""
    if result is None:
        return None
    if isinstance(result, str):
        return result or None
    if isinstance(result, PurgeResult):
        return _purge(result)
    if isinstance(result, SweepResult):
        return _sweep(result)
    if isinstance(result, UrgentResult):
        return _urgent(result)
    if isinstance(result, PollResult):
        return _open311(result)
    if isinstance(result, Path):
        return f"rapport envoyé et archivé ({result.name})"
    if isinstance(result, Mapping):
        return _cycle(result)
    return "tâche terminée"


def describe_collection(
    streams: int, new: int, urgent: UrgentResult | None, errors: list[str]
) -> str | None:
    """One account's collection pass; None for an idle pass (nothing new, no error)."""
    if not new and not errors:
        return None
    parts = [
        _count(streams, "flux", "flux"),
        _count(new, "nouveau message", "nouveaux messages"),
    ]
    if urgent is not None and (urgent.alerted or urgent.error):
        parts.append(describe(urgent) or "")
    return _sentence(parts, "; ".join(errors) if errors else None, label="erreurs")
