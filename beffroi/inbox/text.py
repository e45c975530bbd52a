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

# Replaced one by one when present: ``str.translate`` with a table is a loop per character.
_LIGATURES = (("œ", "oe"), ("Œ", "oe"), ("æ", "ae"), ("Æ", "ae"), ("’", "'"), ("‘", "'"))


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
# The accents of Latin letters once NFKD split them off (all combining, but U+034F).
_LATIN_MARKS = re.compile("[\u0300-\u034e\u0350-\u036f]")


def fold(text: str) -> str:
    """Lower case, no accents, straight apostrophes, single spaces."""
    text = text or ""
    if not text.isascii():  # ASCII has no accents, ligatures nor curly apostrophes
        for ligature, letters in _LIGATURES:
            if ligature in text:
                text = text.replace(ligature, letters)
        text = unicodedata.normalize("NFKD", text)
        latin = _LATIN_MARKS.sub("", text)
        # French text is ASCII once its accents are gone; anything else (emoji, other
        # scripts, rarer marks) goes through the full table.
        text = latin if latin.isascii() else text.translate(_DROP_MARKS)
    # split() and re's \s agree on what a space is (both Py_UNICODE_ISSPACE).
    return " ".join(text.lower().split())


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
    return re.compile(r"(?<![\w])(?:" + _by_first_letter(parts) + ")")


def _by_first_letter(parts: list[str]) -> str:
    """The alternation of ``parts``, grouped by their first character, each group in the
    parts' order: "a(?:rbre|ccident)|f(?:eu|uite)" rather than "arbre|feu|accident|fuite".

    Why: at each word start the regex engine tries the alternatives one by one, and triage
    runs alternations of hundreds of keywords on every message; grouped, it tries one branch
    per first letter, then only the keywords that begin with the letter it sees. What
    matches is unchanged: two alternatives with different first characters can never both
    match at one place, and within a group the order (longest keywords first) is kept."""
    groups: dict[str, list[str]] = {}
    for part in parts:
        head = part[:2] if part.startswith("\\") else part[:1]  # an escaped character is one
        groups.setdefault(head, []).append(part[len(head) :])
    return "|".join(
        head + (rests[0] if len(rests) == 1 else "(?:" + "|".join(rests) + ")")
        for head, rests in groups.items()
    )


def find_keyword(folded: str, keywords: Iterable[str]) -> str | None:
    """The first keyword found in already-folded text, or None."""
    pattern = keyword_pattern(tuple(keywords))
    if pattern is None:
        return None
    match = pattern.search(folded)
    return match.group(0) if match else None
