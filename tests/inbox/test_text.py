"""``fold`` keeps its definition (accents, case, ligatures, apostrophes, spaces) while it
runs without a loop per character (issue 16)."""

from __future__ import annotations

import os
import random
import re
import unicodedata

from beffroi.inbox.text import fold

_LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "’": "'", "‘": "'"})


def reference(text: str) -> str:
    """The definition, written the slow and obvious way (main at 59cd8f0)."""
    text = (text or "").translate(_LIGATURES)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return re.sub(r"\s+", " ", text.lower()).strip()


def test_fold_examples():
    assert (
        fold("  L’ÉCOLE  Saint-Exupéry\u00a0: cœur\tœuvre ")
        == "l'ecole saint-exupery : coeur oeuvre"
    )
    assert fold("") == "" and fold(None) == ""
    assert fold("Ça\u034f va ?") == "ca\u034f va ?"  # the grapheme joiner is not an accent


def test_fold_matches_its_definition_on_random_text():
    seed = int(os.environ.get("BEFFROI_FOLD_SEED", random.randrange(10**6)))
    print(f"seed {seed} (replay with BEFFROI_FOLD_SEED={seed})")
    rng = random.Random(seed)
    french = list("abcdeéèêëàâùûçôîïÿœŒæÆ’‘ \u00a0\u2009\t\nÉÈÀÇ\u0301\u0327\u034f?!'-")
    anything = [chr(c) for c in range(0, 0x3100)] + ["\U0001f600", "\ufb01", "Ⅻ", "\u0653"]
    for n in range(5000):
        text = "".join(rng.choices(french if n % 2 else anything, k=rng.randint(0, 60)))
        assert fold(text) == reference(text), repr(text)
