"""Folding French text for keyword rules: accents, case, ligatures and apostrophes.

A citizen writes "Ecole", "école" or "ÉCOLE", "d’accord" or "d'accord": the rules must see
the same word. Matching is on whole words (a keyword "vol" must not fire on "volley"), and
a keyword may be several words ("nid de poule"), matched across any run of spaces.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

_LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "’": "'", "‘": "'"})


def fold(text: str) -> str:
    """Lower case, no accents, straight apostrophes, single spaces."""
    text = (text or "").translate(_LIGATURES)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return re.sub(r"\s+", " ", text.lower()).strip()


@lru_cache(maxsize=512)
def keyword_pattern(keywords: tuple[str, ...]) -> re.Pattern[str] | None:
    """One regex matching any of the keywords as whole words in folded text."""
    parts = []
    for keyword in sorted({fold(k) for k in keywords if k and k.strip()}, key=len, reverse=True):
        words = [re.escape(w) for w in keyword.split(" ")]
        # A keyword ending in an apostrophe ("merci d'") runs into the next word.
        tail = "" if keyword.endswith("'") else r"(?![\w])"
        parts.append(r"\s+".join(words) + tail)
    if not parts:
        return None
    return re.compile(r"(?<![\w])(?:" + "|".join(parts) + ")")


def find_keyword(folded: str, keywords: Iterable[str]) -> str | None:
    """The first keyword found in already-folded text, or None."""
    pattern = keyword_pattern(tuple(keywords))
    if pattern is None:
        return None
    match = pattern.search(folded)
    return match.group(0) if match else None
