"""The city's own model: it proposes a theme and a needs-reply decision when the rules are unsure.

Rules first (``triage.py``): they are explainable and they never learn the wrong thing. But a
city has its own words (a street, a venue, a local nickname) that no rule list foresaw; its
managers teach them by correcting triage in the inbox. This module learns from those
corrections and from the messages they handled without correcting (confirmed):

- features: word n-grams (1-2) of the folded lemmas and character n-grams (2-5) of the folded
  text, which survive typos and missing accents;
- a linear model (``LogisticRegression``) per decision: the theme, and needs_reply;
- per city: trained on this database only, saved beside it (``<database>.model.pkl``), and
  retrained nightly by the scheduler (job ``model_training``).

It is consulted only when the rules are unsure: a theme with a weak or tied score, or a
needs_reply decided by a fallback rule (``dm``: any private message; ``no_signal``: a
public comment with nothing recognised). It never touches an urgent decision. What it
decided is shown like a rule: ``model:word+word`` with the words that weighed most.

``python benchmarks/learning_curve.py`` prints the learning curve (rules alone vs rules +
model after N corrections) on the development sets and the simulated city.
"""

from __future__ import annotations

import pickle
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from beffroi.config import Settings
from beffroi.inbox.lemmas import lemmatise
from beffroi.store.queue import TRIAGE_ACTOR

MIN_EXAMPLES = 10  # fewer labelled messages than this: no model
THEME_CONFIDENCE = 0.35  # the model's theme is used above this probability (12 classes)
REPLY_CONFIDENCE = 0.75  # ... and its needs_reply above this one
UNSURE_RULES = frozenset({"dm", "no_signal"})
NO_THEME = "(aucun)"


@dataclass(frozen=True)
class Example:
    text: str
    theme: str | None = None  # None: no theme label for this message
    needs_reply: bool | None = None
    has_theme_label: bool = True


@dataclass(frozen=True)
class Proposal:
    value: object
    probability: float
    words: tuple[str, ...]

    def rule(self) -> str:
        return "model:" + "+".join(self.words) if self.words else "model"


def _document(text: str) -> str:
    message = lemmatise(text)
    return f"{message.folded} || {message.lemmas}"


# Words that say nothing of a theme; left out of the word features (and so of the "why").
STOP_WORDS = sorted(
    set(
        "le la les l' un une des de du d' et ou a au aux en dans sur sous pour par avec sans ce"
        " cette ces cet c' se sa son ses leur leurs mon ma mes ton ta tes notre nos votre vos"
        " il elle ils elles on nous vous je j' tu me m' te t' y ne n' pas plus que qu' qui quoi"
        " est etre avoir a ont sont suis es etes ai as avons avez fait faire tres bien tout"
        " toute tous toutes aussi mais donc or ni car si deja encore bonjour merci svp ||"
        " ca cela ceci c'est il y qu".split()
    )
)


def _pipeline():
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import FeatureUnion, Pipeline

    features = FeatureUnion(
        [
            (
                "word",
                TfidfVectorizer(
                    ngram_range=(1, 2),
                    sublinear_tf=True,
                    stop_words=STOP_WORDS,
                    token_pattern=r"(?u)\b\w[\w'-]+\b",
                ),
            ),
            ("char", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True)),
        ]
    )
    return Pipeline([("features", features), ("linear", LogisticRegression(C=5.0, max_iter=2000))])


@dataclass
class CityModel:
    theme: object | None = None  # a fitted Pipeline, or None when too few labels
    reply: object | None = None
    trained_on: dict[str, int] = field(default_factory=dict)
    trained_at: str | None = None

    def _propose(self, pipeline, text: str) -> Proposal:
        document = _document(text)
        probabilities = pipeline.predict_proba([document])[0]
        best = int(probabilities.argmax())
        label = pipeline.classes_[best]
        return Proposal(label, float(probabilities[best]), _top_words(pipeline, document, best))

    def propose_theme(self, text: str) -> Proposal | None:
        if self.theme is None:
            return None
        proposal = self._propose(self.theme, text)
        value = None if proposal.value == NO_THEME else str(proposal.value)
        return Proposal(value, proposal.probability, proposal.words)

    def propose_reply(self, text: str) -> Proposal | None:
        if self.reply is None:
            return None
        proposal = self._propose(self.reply, text)
        return Proposal(bool(proposal.value), proposal.probability, proposal.words)


def _top_words(pipeline, document: str, class_index: int, n: int = 3) -> tuple[str, ...]:
    """The word features of this message that pushed most towards the chosen class."""
    features = pipeline.named_steps["features"]
    linear = pipeline.named_steps["linear"]
    word = dict(features.transformer_list)["word"]
    vector = word.transform([document])
    coefs = linear.coef_
    row = coefs[0] if coefs.shape[0] == 1 else coefs[class_index]
    sign = 1.0
    if coefs.shape[0] == 1 and class_index == 0:
        sign = -1.0  # binary: coef_ points towards classes_[1]
    names = _feature_names(word)
    weights = [
        (sign * row[j] * v, names[j])
        for j, v in zip(vector.indices, vector.data, strict=True)
        if j < len(names)
    ]
    weights.sort(reverse=True)
    return tuple(name for weight, name in weights[:n] if weight > 0 and name != "||")


_NAMES: dict[int, object] = {}


def _feature_names(vectorizer):
    """get_feature_names_out builds a large array: once per fitted vectorizer."""
    key = id(vectorizer)
    if key not in _NAMES:
        _NAMES.clear() if len(_NAMES) > 8 else None
        _NAMES[key] = vectorizer.get_feature_names_out()
    return _NAMES[key]


def train(examples: list[Example], now: datetime | None = None) -> CityModel:
    """Fit both decisions on the examples that carry their label."""
    model = CityModel(trained_at=now.isoformat() if now else None)
    themed = [e for e in examples if e.has_theme_label]
    if len(themed) >= MIN_EXAMPLES and len({e.theme for e in themed}) >= 2:
        pipeline = _pipeline()
        pipeline.fit([_document(e.text) for e in themed], [e.theme or NO_THEME for e in themed])
        model.theme = pipeline
    replied = [e for e in examples if e.needs_reply is not None]
    if len(replied) >= MIN_EXAMPLES and len({e.needs_reply for e in replied}) == 2:
        pipeline = _pipeline()
        pipeline.fit([_document(e.text) for e in replied], [bool(e.needs_reply) for e in replied])
        model.reply = pipeline
    model.trained_on = {"theme": len(themed), "needs_reply": len(replied)}
    return model


# ---------------------------------------------------------------- the city's labelled messages

_EXAMPLES_SQL = """
SELECT i.text, q.theme, q.needs_reply, q.status, q.closed_reason, q.reply_item_id, q.closed_by,
       (SELECT count(*) FROM triage_corrections c WHERE c.queue_id = q.id AND c.field = 'theme')
           AS theme_corrected,
       (SELECT count(*) FROM triage_corrections c
        WHERE c.queue_id = q.id AND c.field = 'needs_reply') AS reply_corrected
FROM queue q JOIN items i ON i.id = q.item_id
WHERE i.text IS NOT NULL AND i.text != ''
"""


def training_examples(conn: sqlite3.Connection) -> list[Example]:
    """What the managers taught: corrected messages, and those they handled as triaged.

    A theme is a label when a manager corrected it, or when the message was answered or
    escalated (a manager read it and left the theme). needs_reply is a label when corrected,
    when the city answered (yes), or when a manager closed it as needing no reply or as spam
    (no); triage's own automatic closing is not a confirmation. Messages nobody looked at
    teach nothing.
    """
    examples = []
    for row in conn.execute(_EXAMPLES_SQL):
        text, theme, needs, status, reason, reply_item, closed_by, theme_fixed, reply_fixed = row
        handled = status == "replied" or reply_item is not None
        # Closed by triage itself is the rules' decision, not a manager's confirmation.
        by_manager = closed_by is not None and closed_by != TRIAGE_ACTOR
        theme_label = bool(theme_fixed) or handled
        if reply_fixed:
            reply_label = bool(needs)
        elif handled:
            reply_label = True
        elif status == "closed" and by_manager and reason in ("no_reply_needed", "spam"):
            reply_label = False
        else:
            reply_label = None
        if theme_label or reply_label is not None:
            examples.append(Example(text, theme, reply_label, theme_label))
    return examples


def model_path(settings: Settings) -> Path:
    path = Path(settings.database_path)
    return path.with_name(path.name + ".model.pkl")


def save_model(model: CityModel, path: Path) -> None:
    """Written to a temporary file then renamed: a reader never sees half a model."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(pickle.dumps(model))
    tmp.replace(path)


def load_model(path: Path) -> CityModel | None:
    """The model this city's scheduler wrote beside its database (never a downloaded file)."""
    if not path.exists():
        return None
    return pickle.loads(path.read_bytes())  # noqa: S301 (our own file, beside the database)


def retrain(conn: sqlite3.Connection, settings: Settings, now: datetime) -> str:
    """The nightly job: learn from the managers' corrections and confirmations."""
    examples = training_examples(conn)
    model = train(examples, now)
    if model.theme is None and model.reply is None:
        return (
            f"pas encore assez de messages étiquetés ({len(examples)} ; il en faut {MIN_EXAMPLES})"
        )
    save_model(model, model_path(settings))
    return (
        f"appris sur {model.trained_on['theme']} thèmes et "
        f"{model.trained_on['needs_reply']} décisions de réponse"
    )


class ModelCache:
    """The saved model, reloaded when the nightly job rewrites the file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._stamp: float | None = None
        self._model: CityModel | None = None

    def get(self) -> CityModel | None:
        try:
            stamp = self.path.stat().st_mtime
        except FileNotFoundError:
            return None
        if stamp != self._stamp:
            self._model, self._stamp = load_model(self.path), stamp
        return self._model
