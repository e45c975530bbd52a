"""Lemmas for triage's rules: "arbres tombés", "l'arbre est tombé", "un arbre tombe" are one
fact, "arbre tomber", whatever the plural, the tense or the accents.

``simplemma`` (a dictionary lookup, no model to load) turns each word into its lemma; the
lemma is then folded like the surface text (``text.fold``) so that a citizen who writes
without accents ("tombe", "inonde") still meets the rules. A word simplemma does not know is
kept as it is. Rules then match on ``Lemmatised.lemmas`` (lemmas joined by spaces) and on
the folded surface text, so a phrase written either way is found.

Cost (``python -m beffroi.inbox.lemmas tests/inbox/labelled/triage_*.json``, 304 labelled
messages, measured 1 Dec 2026 on the shared, loaded 2-core box): loading simplemma's French dictionary takes about 3 s once per
process; then 0.18 ms a message with a warm word cache, against 0.16 ms for ``fold`` alone
in the same run (the first sight of each word costs more: 7 ms a message cold). spaCy's
``fr_core_news_sm`` was not tried: it brings a part-of-speech model the rules do not need.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import simplemma

from beffroi.inbox.text import fold

# Words, with elided articles split off ("l'arbre" -> "l'", "arbre"); hyphens kept inside
# words ("peut-on") because simplemma does not know the parts.
_TOKEN = re.compile(r"[^\W\d_]+(?:['’]|(?:-[^\W\d_]+)*)|\d+", re.UNICODE)
# simplemma turns a few everyday words into lemmas the rules would not expect.
# ... and leaves a few plurals the rules need as lemmas.
_OVERRIDES = {"feux": "feu", "nids-de-poule": "nid-de-poule", "bacs": "bac"}
_KEEP = frozenset(
    {"feux", "fils", "trous", "gaz", "pompiers", "urgences", "sens", "vis", "travaux"}
)


@dataclass(frozen=True)
class Lemmatised:
    """A message seen by the rules: folded surface text and folded lemmas."""

    folded: str
    lemmas: str

    def both(self) -> str:
        """Surface and lemmas in one string, for rules that accept either."""
        return f"{self.folded} | {self.lemmas}"


@lru_cache(maxsize=20000)
def lemma(word: str) -> str:
    """The folded lemma of one lower-case word."""
    if word in _OVERRIDES:
        return _OVERRIDES[word]
    if word in _KEEP or len(word) < 3:
        return fold(word)
    found = simplemma.lemmatize(word, lang="fr")
    return fold(found.lower())


# "rue des Tilleuls", "rue des Écoles", "résidence Les Hêtres", "avenue du Stade": a street's
# name is no tree, school nor stadium. The word after a street word and its article is hidden
# from the rules (urgency, themes) before lemmatising; a name without article ("rue Pasteur")
# names nothing the rules look for. "le chemin de l'école" is the way to school, "la cour de
# l'école" is the school, "une place de stationnement" no square, "au square le toboggan" no
# name: "le", "la", "les" open a name only after "résidence", "cité", "hameau", "clos".
_STREET_NAME = re.compile(
    r"\b((?:(?:rue|ruelle|avenue|av|all[ée]e|impasse|boulevard|bd|quai|sentier|square|parvis"
    r"|(?<!le )chemin) (?:des|du|de la|de l['’]|d['’]|de)|place (?:des|du|de la|de l['’])"
    r"|(?:r[ée]sidence|cit[ée]|hameau|clos|lotissement) (?:des|du|de la|de l['’]|d['’]|de|les"
    r"|le|la|l['’]))(?:(?<=['’])|\b ?))([^\W\d_][\w-]*)"
)
_STREET_HINT = re.compile(
    r"\b(?:rue|ruelle|avenue|av|all[ée]e|impasse|boulevard|bd|quai|sentier|square|parvis|chemin"
    r"|place|r[ée]sidence|cit[ée]|hameau|clos|lotissement) "
)


# SMS style drops the apostrophe of an elision: "l eau", "j ai", "c est", "d identite".
_BARE_ELISION = re.compile(r"(?<![\w'’])([cdjlmnst]) (?=[aeiouyhéèêàâîôû])")


def mask_street_names(text: str) -> str:
    """The text, in lower case (as ``lemmatise`` reads it), with the apostrophes SMS style
    drops put back ("l eau" -> "l'eau") and street names replaced by "…", for the rules."""
    text = (text or "").lower()
    if " " in text:
        text = _BARE_ELISION.sub(r"\1'", text)
    if not _STREET_HINT.search(text):
        return text
    return _STREET_NAME.sub(r"\1…", text)


def lemmatise(text: str) -> Lemmatised:
    lowered = (text or "").lower().replace("’", "'")
    words: list[str] = []
    glue = ""
    for word in _TOKEN.findall(lowered):
        if word.endswith("'"):
            # "l'arbre" stays "l'arbre": phrases written with an apostrophe ("fuite d'eau",
            # "feu d'artifice") match the lemmas as they match the surface.
            glue += fold(word)
            continue
        words.append(glue + lemma(word))
        glue = ""
    if glue:
        words.append(glue)
    return Lemmatised(folded=fold(text), lemmas=" ".join(words))


def _bench(paths: list[str]) -> None:  # pragma: no cover - a measurement for the docs
    """Times ``lemmatise`` on the texts of the labelled JSON files named on the command line."""
    import time

    from beffroi.inbox.evaluate import read_labelled

    texts = [m["text"] for p in paths for m in read_labelled(p)]
    words = sum(len(_TOKEN.findall(t.lower())) for t in texts)
    start = time.perf_counter()
    for t in texts:
        fold(t)
    base = time.perf_counter() - start
    lemma.cache_clear()
    start = time.perf_counter()
    for t in texts:
        lemmatise(t)
    cold = time.perf_counter() - start
    start = time.perf_counter()
    for t in texts:
        lemmatise(t)
    warm = time.perf_counter() - start
    print(
        f"{len(texts)} messages, {words} words: fold alone {base * 1e6 / len(texts):.1f} µs/message; "
        f"lemmatise cold cache {cold * 1e6 / len(texts):.1f} µs/message "
        f"({cold * 1e6 / words:.1f} µs/word, {cold / base:.0f}x fold), "
        f"warm cache {warm * 1e6 / len(texts):.1f} µs/message"
    )


if __name__ == "__main__":  # pragma: no cover
    import sys

    _bench(sys.argv[1:])
