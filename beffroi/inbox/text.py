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
_SPACES = re.compile(r"\s+")


class _Marks(dict):
    """``str.translate`` table deleting combining marks (accents once NFKD split them off).

    Filled as characters are met (``__missing__``), so a character is looked up in
    ``unicodedata`` once per process, and each message is translated at C speed instead
    of a Python loop over its characters."""

    def __missing__(self, code: int) -> int | None:
        value = None if unicodedata.combining(chr(code)) else code
        self[code] = value
        return value


_DROP_MARKS = _Marks()


def fold(text: str) -> str:
    """Lower case, no accents, straight apostrophes, single spaces."""
    text = text or ""
    if not text.isascii():  # ASCII has no accents, ligatures nor curly apostrophes
        text = text.translate(_LIGATURES)
        text = unicodedata.normalize("NFKD", text).translate(_DROP_MARKS)
    return _SPACES.sub(" ", text.lower()).strip()


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
