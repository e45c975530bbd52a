"""What each job of the service did, as the État page shows it: a French sentence with the
figures, never a Python repr (``PurgeResult(items=3, …)``) nor a path of the server."""

from pathlib import Path

import pytest

from beffroi.inbox import SweepResult, UrgentResult
from beffroi.scheduler.job_summary import describe
from beffroi.store.privacy import PurgeResult


@pytest.mark.parametrize(
    ("job", "result", "expected"),
    [
        ("retention_purge", PurgeResult(), None),
        (
            "retention_purge",
            PurgeResult(items=3, queue=2, raw_cleared=1, rejected=0, members=1, interactions=4),
            "3 messages supprimés, 2 lignes de file supprimées, 1 contenu brut effacé, "
            "1 membre supprimé, 4 réactions supprimées",
        ),
        ("sla_sweep", SweepResult(0, 0), None),
        ("sla_sweep", SweepResult(2, 1), "2 messages passés en retard, 1 relance envoyée"),
        (
            "sla_sweep",
            SweepResult(1, 0, "serveur de courriel injoignable"),
            "1 message passé en retard ; échec : serveur de courriel injoignable",
        ),
        ("urgent_alerts", UrgentResult(0), None),
        (
            "urgent_alerts",
            UrgentResult(1, 1, "refusé"),
            "1 alerte urgente envoyée, 1 en échec ; échec : refusé",
        ),
        ("publish", {}, None),
        (
            "publish",
            {"published": 2, "needs_person": 1, "errors": "x_ville: réseau muet"},
            "2 publications, 1 à décider par une personne ; erreurs : x_ville: réseau muet",
        ),
        ("draft_alerts", {"alerts": 1}, "1 alerte de brouillon manquant"),
        (
            "weekly_report",
            Path("/srv/beffroi/reports/rapport-2026-11-23.pdf"),
            "rapport envoyé et archivé (rapport-2026-11-23.pdf)",
        ),
        ("weekly_report", None, None),
    ],
)
def test_each_job_result_reads_as_a_french_sentence(job, result, expected):
    assert describe(result) == expected


def test_an_unknown_result_is_never_shown_as_a_repr():
    class Odd:
        pass

    text = describe(Odd())
    assert text is not None and "<" not in text and "Odd" not in text
