"""Folding French text for keyword rules: accents, case, ligatures and apostrophes.

A citizen writes "Ecole", "école" or "ÉCOLE", "d’accord" or "d'accord": the rules must see
the same word. Matching is on whole words (a keyword "vol" must not fire on "volley"), and
a keyword may be several words ("nid de poule"), matched across any run of spaces.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
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
    for keyword in _folded_keywords(keywords):
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


def _folded_keywords(keywords: tuple[str, ...]) -> list[str]:
    """The keywords folded, without blanks or repeats, longest first (the regex tries them
    in this order)."""
    return sorted({fold(k) for k in keywords if k and k.strip()}, key=len, reverse=True)


_WORD_RUN = re.compile(r"\w+")


@lru_cache(maxsize=16)
def _words_of(text: str) -> frozenset[str]:
    """The runs of word characters of a text: a message's few texts are asked about by each
    keyword list in turn."""
    return frozenset(_WORD_RUN.findall(text))


class KeywordMatcher:
    """``keyword_pattern``'s regex behind a set lookup: the text must hold, as a whole run of
    word characters, the first one of some keyword (its "head": "nid" for "nid de poule",
    "l" for "l'ecole").

    Why: triage runs its keyword lists on every message, and most messages hold none of a
    list's words; a set lookup is much cheaper than the regex's scan. Exact: a match starts
    where no word character precedes it, and the keyword's head is followed by a character
    that is not a word character (a space, an apostrophe, or the end the regex asks for), so
    the text's run of word characters at that place IS the head. A list holding a keyword
    that begins with another character ("#verglas") always runs its regex."""

    __slots__ = ("heads", "pattern")

    def __init__(self, pattern: re.Pattern[str], heads: frozenset[str] | None) -> None:
        self.pattern = pattern
        self.heads = heads  # None: some keyword has no head, the regex always runs

    # The check is written out in both methods: a call more per list and message cost a
    # quarter of what it saves.
    def search(self, text: str) -> re.Match[str] | None:
        if self.heads is not None and self.heads.isdisjoint(_words_of(text)):
            return None
        return self.pattern.search(text)

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        if self.heads is not None and self.heads.isdisjoint(_words_of(text)):
            return iter(())
        return self.pattern.finditer(text)


@lru_cache(maxsize=512)
def keyword_matcher(keywords: tuple[str, ...]) -> KeywordMatcher | None:
    """``keyword_pattern`` with its heads prefilter (``KeywordMatcher``), or None."""
    pattern = keyword_pattern.__wrapped__(keywords)
    if pattern is None:
        return None
    heads = [_WORD_RUN.match(keyword) for keyword in _folded_keywords(keywords)]
    if not all(heads):
        return KeywordMatcher(pattern, None)
    return KeywordMatcher(pattern, frozenset(head.group(0) for head in heads))


def find_keyword(folded: str, keywords: Iterable[str]) -> str | None:
    """The first keyword found in already-folded text, or None."""
    matcher = keyword_matcher(tuple(keywords))
    if matcher is None:
        return None
    match = matcher.search(folded)
    return match.group(0) if match else None
