"""The city's model (issue 13): learns from managers' corrections stored in SQLite, is saved
beside the database by the nightly job, and decides only where the rules are unsure, never
on an urgent message."""

from __future__ import annotations

from beffroi.inbox import close, correct_triage, understand
from beffroi.inbox.model import (
    Example,
    load_model,
    model_path,
    retrain,
    train,
    training_examples,
)
from beffroi.inbox.triage import Triage, consult_model
from tests.conftest import settings_with
from tests.inbox.helpers import MONDAY_9, ingest, later, message, queue_row

# A city's own words that no rule knows: "la Coulée" is its greenway, "le Zéphyr" its pool.
COULEE = [
    "La Coulée verte est magnifique ce matin",
    "Balade sur la Coulée avec les enfants",
    "Coulée verte : des orties partout le long du chemin",
    "On a vu un héron sur la Coulée",
    "La Coulée est boueuse après la pluie",
    "Les bancs de la Coulée sont occupés toute la journée",
    "Coulée verte : le chemin longe la rivière",
    "Pique-nique sur la Coulée dimanche",
]
ZEPHYR = [
    "Le Zéphyr ouvre à quelle heure dimanche",
    "Bassin du Zéphyr trop froid aujourd'hui",
    "Le Zéphyr organise des cours pour adultes",
    "Bonnets obligatoires au Zéphyr",
    "Le toboggan du Zéphyr est fermé",
    "Horaires d'été du Zéphyr",
    "Le Zéphyr est bondé le mercredi",
    "Longueurs au Zéphyr ce midi",
]


def examples(n_per_theme=8):
    return (
        [Example(t, "environnement", False) for t in COULEE[:n_per_theme]]
        + [Example(t, "sport", True) for t in ZEPHYR[:n_per_theme]]
        + [Example("Merci !", None, False)] * 4
        + [Example("Bonjour, au sujet de mon dossier", None, True)] * 4
    )


def test_the_model_learns_a_citys_own_words_and_says_which_weighed(example_settings):
    text = "Des ronces sur la Coulée"
    rules = understand(example_settings, text)
    assert rules.theme is None and rules.theme_unsure  # no rule knows "la Coulée"
    model = train(examples())
    decided = consult_model(rules, model, text)
    assert decided.theme == "environnement"
    assert decided.theme_rule.startswith("model:") and "coulee" in decided.theme_rule


def test_the_model_never_overrides_an_urgent_rule_nor_a_sure_theme(example_settings):
    model = train(examples())
    urgent = understand(example_settings, "Fuite de gaz au Zéphyr !")
    assert consult_model(urgent, model, "Fuite de gaz au Zéphyr !") == urgent
    sure = understand(example_settings, "Les poubelles débordent devant la Coulée, c'est sale")
    assert not sure.theme_unsure
    assert consult_model(sure, model, sure.decision and "x").theme == "propreté"


def test_corrections_and_handled_messages_train_the_nightly_model(db, example_settings, tmp_path):
    settings = settings_with(
        example_settings,
        database=example_settings.database.model_copy(update={"path": tmp_path / "b.db"}),
    )
    texts = [*COULEE, *ZEPHYR]
    ingest(db, settings, *[message(f"m{n}", t, at=MONDAY_9) for n, t in enumerate(texts)])
    themes_fixed = replies_fixed = 0
    for n, text in enumerate(texts):
        qid = queue_row(db, f"m{n}")["id"]
        theme = "environnement" if text in COULEE else "sport"
        themes_fixed += correct_triage(db, qid, "theme", theme, actor="alice", now=later(5))
        replies_fixed += correct_triage(
            db, qid, "needs_reply", text in ZEPHYR, actor="alice", now=later(5)
        )
    # Most of these the rules got wrong (they do not know the city's names).
    assert themes_fixed >= 10 and replies_fixed >= 4
    # A DM the rules keep open; the manager closes it: a confirmed "no reply needed".
    ingest(db, settings, message("merci", "Bonjour, c'est encore moi", kind="dm", at=MONDAY_9))
    close(db, queue_row(db, "merci")["id"], "no_reply_needed", actor="alice", now=later(6))
    # Closed by triage itself, and a message nobody looked at: no label.
    ingest(db, settings, message("auto", "Super photo", at=MONDAY_9))
    assert queue_row(db, "auto")["status"] == "closed"
    ingest(db, settings, message("x", "Le marché ouvre quand ?", at=MONDAY_9))
    labelled = training_examples(db)
    assert sum(e.has_theme_label for e in labelled) == themes_fixed
    assert sum(e.needs_reply is not None for e in labelled) == replies_fixed + 1
    assert {e.text for e in labelled if e.needs_reply is False and not e.has_theme_label} == {
        "Bonjour, c'est encore moi"
    }
    summary = retrain(db, settings, later(60))
    assert summary == (
        f"appris sur {themes_fixed} thèmes et {replies_fixed + 1} décisions de réponse"
    )
    assert load_model(model_path(settings)).trained_on == {
        "theme": themes_fixed,
        "needs_reply": replies_fixed + 1,
    }
    # The next message is triaged with the model the job wrote.
    fields = Triage(settings).fields("Des ronces sur la Coulée", "comment", later(70))
    assert fields.theme == "environnement" and fields.theme_rule.startswith("model:")


def test_too_few_labels_make_no_model(db, example_settings, tmp_path):
    settings = settings_with(
        example_settings,
        database=example_settings.database.model_copy(update={"path": tmp_path / "b.db"}),
    )
    assert retrain(db, settings, later(60)).startswith("pas encore assez de messages étiquetés (0")
    assert not model_path(settings).exists()
