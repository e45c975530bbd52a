"""Themes: what a message is about, hence which service it goes to and what directors read.

Each configured theme lists ``keywords`` (weight 1: words that hint at the theme, "rue",
"mairie", "enfant") and ``strong_keywords`` (weight 3: words that name it, "nid de poule",
"passeport", "piscine"); a phrase of several words counts half a point more per extra word,
because it is more specific. Keywords match on whole words of the folded text AND on lemmas
(``lemmas.py``), so "dépôts sauvages" meets "dépôt sauvage" and "les arbres sont tombés"
meets "arbre".

The theme with the highest score is the main theme;
the other themes that scored are secondary, best first. A tie goes to the theme whose word
comes first in the message, then to the first in the configuration. An urgent rule adds its subject's
theme a weight that no place name outweighs ("odeur de gaz près de l'école" -> sécurité, with
jeunesse secondary). ``rule`` says which words weighed, for the inbox: "travaux:chantier+trou".
A score below ``UNSURE_BELOW`` or a near tie is "unsure": the city's model may then propose
a theme (``model.py``).

A danger INSIDE a municipal facility or event goes to that facility's service (a fire "à la
braderie" -> événements, a ceiling falling "dans la salle de sport" -> sport, smoke "au
conservatoire" -> culture), the subject's theme then second; a danger "devant l'école" or
"près de l'école" is in the street and keeps its subject's theme. Seasonal greetings ("bonnes
fêtes", "bonne année") name no subject and are not scored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from beffroi.config import Settings
from beffroi.inbox.lemmas import Lemmatised, lemmatise
from beffroi.inbox.text import fold, keyword_matcher

STRONG = 3.0
URGENT_BONUS = 10.0
SUBJECT_BONUS = 1.0  # an urgent rule's own theme, when the danger is inside a facility
UNSURE_BELOW = 2.0
MIN_SCORE = 1.0  # below: no main theme (measured: 1.5 lost more than it won)

# Municipal facilities and events, by the theme of the service that runs them.
_FACILITIES: tuple[tuple[str, str], ...] = (
    (
        "jeunesse",
        r"ecoles?(?: maternelles?| primaires?| elementaires?)?|colleges?|lycees?|preaux?"
        r"|cantines?|creches?|centres? de loisirs|accueil de loisirs|centre aere|garderie"
        r"|periscolaire|aires? de jeux|toboggans?|balancoires?|bac a sable|halte-garderie"
        r"|cours? de (?:recre|recreation)|recre",
    ),
    (
        "sport",
        r"city stade|stades?|piscines?|salles? de sports?|salles? des sports|gymnases?|vestiaires"
        r"|terrains? de (?:foot|football|rugby|tennis|basket|sport)|dojo|complexe sportif"
        r"|club-house|courts? de tennis|salle omnisports",
    ),
    (
        "culture",
        r"mediatheques?|bibliotheques?|conservatoire|theatre|musee|ludotheque|cinema"
        r"|salle de spectacle",
    ),
    (
        "événements",
        r"marche de noel|braderie|feux? d'artifices?|fete (?:de la musique|foraine|des voisins)"
        r"|festival|kermesse|carnaval|brocante|vide-grenier|defile"
        r"|fetes? de quartier",
    ),
)
_FACILITY = re.compile(
    "|".join(rf"(?P<f{i}>\b(?:{words})\b)" for i, (_, words) in enumerate(_FACILITIES))
)
# Before a facility, these words put the danger outside it: "devant l'école", "près du stade".
# "rue des Écoles", "avenue du Stade" are streets.
_OUTSIDE = frozenset(
    "devant pres cote face derriere autour long abords vers depuis loin sortie proximite"
    " apres avant direction rue avenue place boulevard bd allee chemin impasse quai parvis"
    " square quartier arret aller vont va allons allant emmener emmene conduire chercher recuperer"
    " rentrer rentrent retour contre".split()
)
_LINKS = frozenset("de du des la le l' les d' a au aux un une en".split())
# Idioms that name no subject: "trou de mémoire", "mort de rire", "danger public" (a kebab),
# "tombé sous le charme", "mis le feu au conseil", "je m'effondre", "ça ne marche plus",
# "bonne année à toute l'équipe de la mairie".
_IDIOMS = re.compile(
    r"\b(?:trous? de memoire|morte?s? de rire|meurs de rire|danger public|tombee?s? (?:sous le charme"
    r"|amoureu\w*|dans le panneau)|(?:mis|mettre|met|mettent|a mis|ont mis) le feu"
    r"|c'etait (?:le |du )?feu|feu d'enfer|je m'effondre|m'effondr\w*|alerte rouge"
    # wishes to the staff, and "(je sais) c'est pas la mairie", name no démarche
    r"|(?:toute )?l'equipe (?:de la mairie|municipale|de la ville)|c'est pas la mairie)\b"
    # the verb "marcher" folded is "marché": "ça ne marche plus" is no market
    r"|\b(?:ne|n'|ca|sa|qui|il|elle|on|tout|rien|ils|elles) (?:\S+ )?marche(?:nt)?\b"
    r"|\bmarche(?:nt)? (?:pas|plus|bien|mal|jamais)\b"
)
# A keyword whose lemma is an everyday verb ("devoirs" -> "devoir", met by "on doit") is
# matched on its surface only.
_VERB_LEMMAS = frozenset(
    "devoir etre avoir faire pouvoir aller voir venir mettre passer tenir prendre dire savoir"
    " vouloir falloir".split()
)
_GREETINGS = re.compile(
    r"\b(?:bonnes? fetes|bon fete|joyeuses fetes|joyeux fete|joyeux noel|bonne annee|bon annee"
    r"|meilleurs? voeux?|bon week-end|bonnes vacances|bon vacance)\b"
)


def facility_theme(folded: str) -> str | None:
    """The theme of the municipal facility or event a message places itself in, if any."""
    for found in _FACILITY.finditer(folded):
        before = folded[: found.start()].replace("'", "' ").split()[-6:]
        words = [w.strip(",.:;!?()") for w in before if w not in _LINKS]
        if _OUTSIDE.intersection(words[-2:]):
            continue
        return _FACILITIES[int(found.lastgroup[1:])][0]
    return None


@dataclass(frozen=True)
class ThemeScore:
    theme: str | None
    secondary: tuple[str, ...]
    score: float
    rule: str | None  # "propreté:dépôt sauvage+poubelle"
    unsure: bool


@dataclass(frozen=True, eq=False)
class _Keyword:
    text: str  # as configured, shown in the rule
    surface: str  # folded
    lemmas: str  # folded lemmas
    weight: float


def _whole_words_any(keywords: tuple[str, ...]):
    return keyword_matcher(keywords)


@lru_cache(maxsize=32)
def _compiled(themes: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...]):
    out = []
    for name, weak, strong in themes:
        # Variants of one lemma ("vélo", "vélos") count once, at the highest weight.
        by_lemma: dict[str, _Keyword] = {}
        for base, words in ((1.0, weak), (STRONG, strong)):
            for word in words:
                if not word.strip():
                    continue
                extra = 0.5 * (len(fold(word).split()) - 1)
                keyword = _Keyword(word, fold(word), lemmatise(word).lemmas, base + extra)
                known = by_lemma.get(keyword.lemmas)
                if known is None or known.weight < keyword.weight:
                    by_lemma[keyword.lemmas] = keyword
        found = tuple(by_lemma.values())
        # One pass per theme and text: a single alternation (longest keywords first), each
        # match mapped back to its keyword.
        surface = {k.surface: k for k in found}
        lemmas = {k.lemmas: k for k in found if k.lemmas not in _VERB_LEMMAS}
        out.append(
            (
                name,
                (
                    (_whole_words_any(tuple(surface)), surface),
                    (_whole_words_any(tuple(lemmas)), lemmas),
                ),
            )
        )
    return tuple(out)


_LAST: list = [None, None]  # (the settings' themes list, its compiled form)


def _themes(settings: Settings):
    """Compiled themes, kept while the settings' list is the same object (hashing hundreds of
    keywords for a cache key on every message cost more than the matching)."""
    if _LAST[0] is not settings.themes:
        _LAST[:] = [settings.themes, _compiled(_key(settings))]
    return _LAST[1]


def _key(settings: Settings):
    return tuple(
        (t.name, tuple(t.keywords), tuple(getattr(t, "strong_keywords", ()) or ()))
        for t in settings.themes
    )


def _inside_a_longer(start: int, end: int, spans) -> bool:
    for other_start, other_end, _, _ in spans:
        if other_start <= start and end <= other_end and other_end - other_start > end - start:
            return True
    return False


def score_themes(
    settings: Settings,
    message: Lemmatised,
    urgent_theme: str | None = None,
) -> ThemeScore:
    subject_theme = None
    if urgent_theme is not None and (facility := facility_theme(message.folded)):
        if facility != urgent_theme:
            urgent_theme, subject_theme = facility, urgent_theme
    folded, lemmas = message.folded, message.lemmas
    if _GREETINGS.search(folded):
        folded, lemmas = _GREETINGS.sub(" ", folded), _GREETINGS.sub(" ", lemmas)
    if _IDIOMS.search(folded):
        # the lemmas of what is left: an idiom's words ("c'est pas la mairie") are not found
        # again among the lemmas (rare: only when an idiom was found)
        folded = _IDIOMS.sub(" ", folded)
        lemmas = lemmatise(folded).lemmas
    compiled = _themes(settings)
    # Every keyword found, with where: a keyword inside a longer one ("fuite" inside "fuite de
    # gaz", "vert" inside "déchets verts") does not count: one mention, one keyword.
    spans: list[list[tuple[int, int, int, _Keyword]]] = [[], []]
    for order, (_, passes) in enumerate(compiled):
        for side, ((pattern, keywords), hay) in enumerate(
            zip(passes, (folded, lemmas), strict=True)
        ):
            if pattern is None:
                continue
            for found in pattern.finditer(hay):
                keyword = keywords.get(" ".join(found.group(0).split()))
                if keyword is not None:
                    spans[side].append((found.start(), found.end(), order, keyword))
    found_by_theme: dict[int, dict[str, tuple[_Keyword, float]]] = {}
    for side, hay in enumerate((folded, lemmas)):
        found_here = spans[side]
        for start, end, order, keyword in found_here:
            if len(found_here) > 1 and _inside_a_longer(start, end, found_here):
                continue
            hits = found_by_theme.setdefault(order, {})
            if keyword.text not in hits:
                hits[keyword.text] = (keyword, start / max(len(hay), 1))
    scored: list[tuple[float, float, int, str, list[str]]] = []
    for order, (name, _) in enumerate(compiled):
        hits = found_by_theme.get(order, {})
        total = sum(k.weight for k, _ in hits.values())
        words = list(hits)
        first = min((where for _, where in hits.values()), default=1.0)
        if name == urgent_theme:
            total += URGENT_BONUS
            words.insert(0, "urgence dans un équipement" if subject_theme else "urgence")
        elif name == subject_theme:
            total += SUBJECT_BONUS
            words.insert(0, "urgence")
        if total > 0:
            # Ties go to the theme named first: the subject usually opens the sentence
            # ("la bibliothèque rouvre après les travaux ?"), then configuration order.
            scored.append((total, first, order, name, words))
    if not scored:
        return ThemeScore(None, (), 0.0, None, True)
    scored.sort(key=lambda s: (-s[0], s[1], s[2]))
    best, _, _, name, words = scored[0]
    if best < MIN_SCORE:
        # One hint ("mairie", "équipe") is not a theme: the message may be about anything.
        return ThemeScore(
            None, tuple(s[3] for s in scored), best, f"indice:{'+'.join(words)}", True
        )
    runner_up = scored[1][0] if len(scored) > 1 else 0.0
    unsure = best < UNSURE_BELOW or best - runner_up < 1.0
    return ThemeScore(
        theme=name,
        secondary=tuple(s[3] for s in scored[1:]),
        score=best,
        rule=f"{name}:{'+'.join(words)}",
        unsure=unsure,
    )
