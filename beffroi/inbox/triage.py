"""Triage: does a citizen's message need a reply, what is it about, how urgent is it?

Rules, not a model: a community manager must be able to read why an item was (or was not)
put in front of them, so every decision keeps the name of the rule that made it
(``triage_rule``). The rules run in order and the first that fires decides ``needs_reply``:

====================  ============  ========================================================
rule                  needs_reply   fires on
====================  ============  ========================================================
``spam``              no            a configured spam keyword (crypto, "cliquez ici"...)
``empty``             no            no letters or digits at all (emoji, "!!!", a tag)
``urgent``            yes           a danger now: an urgency rule on lemmas and phrases (gas,
                                    fire, smoke, flooding, a fallen tree, a hole, traffic
                                    lights out, ice, a cable, a lost child, a person in
                                    distress, an animal on the road: ``urgency.py``) or a
                                    configured urgent keyword
``between_citizens``  no            a public comment opening on a citizen's @handle, or a
                                    question put in "tu" with no "vous" nor the city's name
``rhetorical``        no            "qui se souvient ?" under a throwback photo
``question``          yes           a question mark or an interrogative turn of phrase
``complaint``         yes           a configured complaint keyword (scandale, marre...)
``problem``           yes           a report of a problem (cassé, en panne, "3 semaines
                                    sans"...), unless negated ("aucun problème")
``request``           yes           a request (svp, pourriez-vous, je voudrais...)
``thanks``            no            thanks, congratulations, compliments
``dm``                yes           any other private message: someone wrote to the city
``no_signal``         no            a public comment with none of the above
``model``             yes or no     the city's model, trained on its managers' corrections
                                    (``model.py``), overruling ``dm`` or ``no_signal`` when
                                    it is confident; never an urgent decision
====================  ============  ========================================================

Priority: ``urgent`` when the ``urgent`` rule decided (an urgent phrase in a message that is
neither spam nor bare tags: "#verglas" alone needs no reply, so it is not urgent), ``high`` for
complaints, ``normal`` for other messages that need a reply (DMs are never below normal),
``low`` for messages that need none. ``due_at`` comes from the SLA clock for messages that
need a reply; the others have no deadline.

Beside the decision, ``understand`` gives the message's main and secondary themes
(``themes.py``: weighted keywords on lemmas; an urgent report keeps its subject's theme) and
its tone (``tone.py``), each with the words that decided.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime
from functools import lru_cache

from beffroi.business_hours import SlaClock
from beffroi.config import Settings
from beffroi.inbox.lemmas import Lemmatised, lemmatise, mask_street_names
from beffroi.inbox.model import (
    REPLY_CONFIDENCE,
    THEME_CONFIDENCE,
    UNSURE_RULES,
    CityModel,
    ModelCache,
    model_path,
)
from beffroi.inbox.text import find_keyword, fold
from beffroi.inbox.themes import ThemeScore, score_themes
from beffroi.inbox.tone import Tone, tone_of
from beffroi.inbox.urgency import Urgency, find_urgency


@dataclass(frozen=True)
class QueueFields:
    """What triage decides for a new inbound item: its queue row's fields."""

    needs_reply: bool | None = None
    triage_rule: str | None = None
    theme: str | None = None
    priority: str = "normal"
    due_at: datetime | None = None
    secondary_themes: tuple[str, ...] = ()
    theme_rule: str | None = None
    tone: str | None = None
    tone_rule: str | None = None


# "Aucun problème, super organisation": a problem word, negated; removed before matching.
_NO_PROBLEM = re.compile(
    r"\b(?:aucun|pas de|sans|zero) (?:probleme|souci)s?\b|\btrou normand\b"
    r"|\btombee?s? (?:amoureu\w*|dedans|sous le charme)"
    # "je suis tombé sur une vieille photo": found, not fallen
    r"|\btombee?s? sur (?:une|un|des|cette|ce|cet|la|le|l') ?(?:\S+ )?(?:photos?|videos?|articles?"
    r"|posts?|images?|livres?|reportages?|archives?|cartes? postales?)\b"
    # praise and advice: "bien signalé", "je fais attention", "attention les amis"
    r"|\bbien (?:signale|balise|indique|entretenu|range|nettoye|eclaire|organise)\w*"
    r"|\b(?:fais|fait|faire|faites|faisons|font) (?:bien |tres )?attention\b"
    r"|\battention (?:les amis|a tous|tout le monde|les gens|les voisins|les parents)\b"
    r"|\b(?:pas|plus|peu|nullement) (?:tres |si |trop |vraiment )?dangereu\w*"
)
# The report is of something already put right: "l'arbre tombé a été enlevé, merci", "la fuite
# est réparée, tout est rentré dans l'ordre", "fausse alerte" (unless it is back or still not).
_PUT_RIGHT = re.compile(
    r"\b(?<!n')(?<!pas )(?:a|ont|est|sont) (?:bien |enfin |deja |vite |rapidement )?(?:ete )?"
    r"(?:enleve|retire|degage|repare|rebouche|securise|nettoye|balise|remis en (?:service|marche)"
    r"|remplace|rallume|debouche|ramasse|evacue)\w*"
    r"|\bfausse alerte\b|\btout est rentre dans l'ordre\b|\bplus de peur que de mal\b"
)
_STILL = re.compile(
    r"\b(?:mais|toujours|encore|de nouveau|a nouveau|par contre|cependant|sauf|reste|pas ete"
    r"|n'a pas|n'ont pas|ne sont pas|n'est pas|re-?casse\w*|deja casse)\b"
)
# "pas de lumière depuis lundi" is a fault; "propre depuis lundi, merci" is not.
_SINCE = re.compile(
    r"\bdepuis (?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|hier|des lustres"
    r"|longtemps|le \d+|la rentree|noel|l'ete)\b"
)
_NOT_YET = re.compile(r"\b(?:pas|plus|rien|aucun|aucune|jamais|sans)\b")
# "Merci de votre réponse" thanks; "merci de me rappeler" asks.
_THANKS_FOR = re.compile(r"\bmerci (?:de|d') ?(?:votre|vos|ta|ton|tes|la|le|les|l'|cette|ce|cet)\b")
# "Suggestion :", "ce serait top une piste cyclable": a suggestion, however cheerful.
_SUGGESTION = re.compile(
    r"\b(?:ce|ca|sa) serai[st]? (?:vraiment |tellement |trop )?(?:bien|top|genial|cool|chouette|super"
    r"|sympa|utile|pratique|judicieux|pas mal|le top|une bonne idee|possible|envisageable|faisable)\b"
    r"|\bsuggestions?\b"
    r"|\bje (?:suggere|propose)\b|\bpropositions? ?:|\bune idee ?:|\bpourquoi pas (?:un|une|des)\b"
)
# Irony: thanks with an eye-roll, "merci pour les embouteillages" (read only where thanks are).
_IRONY = re.compile(
    r"[🙄🙃😒😑]|\bmerci (?:pour|de) (?:les|le|la|ces|ce|cette|vos|votre) (?:\S+ )?(?:embouteillages?"
    r"|bouchons?|bruits?|nuisances?|trous?|retards?|travaux|poussieres?|pannes?|coupures?"
    r"|fermetures?|deviations?)\b"
)
# A question put to the crowd, or a greeting to fellow citizens: "qui est partant ?", "Hello la
# team", "Attention les amis": not the city's to answer.
_TO_THE_CROWD = re.compile(
    r"\bqui (?:est|sera|serait) (?:partant|partante|chaud|chaude|dispo|la)\b|\bqui (?:regarde|vient"
    r"|viendra|veut venir|m'accompagne)\b|\bon se (?:retrouve|voit|capte|rejoint)\b"
    r"|\bquelqu'un a vu le match\b"
)
_CROWD_GREETING = re.compile(
    r"(?:\S+ )?(?:hello|salut|coucou|attention|yo|hey)? ?(?:la team|les amis|les copains|les copines"
    r"|les gars|les filles|les voisins)\b"
)
# Messages that say a fault without any usual word: "ça fait des mois que", "depuis lundi",
# full bins, a station "encore vide", "4 ans d'attente".
_FAULT = re.compile(
    r"\b(?:ca|cela|sa|ça) fait (?:des|deux|trois|quatre|cinq|\d+|plusieurs|une|un) (?:jours?"
    r"|semaines?|mois|ans|annees|heures?) (?:que|qu')"
    r"|\b(?:bornes?|poubelles?|bacs?|conteneurs?|containers?|corbeilles?|bennes?|stations?)"
    r" (?:\S+ ){0,5}(?:sont|est|toujours|encore|deja) (?:archi[- ]?|encore |toujours |deja )?"
    r"(?:pleine?s?|remplie?s?|vides?)\b"
    r"|\b(?:zero|aucun|aucune|pas un|pas une|plus un|plus une) (?:\S+ )?(?:dispo|disponibles?)\b"
    r"|\b(?:\d+|deux|trois|quatre|cinq|six) (?:ans|mois|semaines) d'attente\b"
    r"|\b(?:encore|toujours|de nouveau) (?:fermee?s?|en travaux|vide|vides|en retard)\b"
    r"|\bpas (?:encore |ete )?(?:passe|passer|passes|passees?|ramasse\w*|vide|vides|videe?s|venu\w*"
    r"|repare\w*|nettoye\w*|enleve\w*|rebouche\w*)\b"
)
# Questions nobody expects the city to answer: a throwback photo's "qui se souvient ?".
_RHETORICAL = (
    "qui se souvient",
    "qui se rappelle",
    "vous vous souvenez",
    "tu te souviens",
    "qui d'autre",
    "qui s'en rappelle",
    "qui s'en souvient",
    "vous en souvenez",
)
# A question put in "tu" is put to a friend: the city is "vous" (or named).
_TU = re.compile(r"(?<![\w'])(?:(?:tu|te|toi)(?![\w])|t')")
_VOUS = re.compile(r"\b(?:vous|votre|vos)\b")
# "3 semaines sans lumière": something has been missing for a while.
_WITHOUT_FOR = re.compile(r"\b\d+ (?:jours?|semaines?|mois) sans\b")

_QUESTION_WORDS = (
    "est-ce que",
    "est ce que",
    "est-ce qu'",
    "comment",
    "pourquoi",
    "quand",
    "combien",
    "quel est",
    "quelle est",
    "quels sont",
    "quelles sont",
    "a quelle heure",
    "quelle heure",
    "quel jour",
    "quelle date",
    "ou se",
    "ou est",
    "ou sont",
    "ou peut-on",
    "ou puis-je",
    "peut-on",
    "puis-je",
    "pouvez-vous",
    "pourriez-vous",
    "savez-vous",
    "sait-on",
    "y a-t-il",
    "y aura-t-il",
    "a-t-on",
    "qui peut",
    "qui contacter",
    "c'est ouvert",
    "c'est possible",
    "je me demandais",
    "quelqu'un sait",
    "qqun sait",
    "qq1 sait",
    "sait si",
    "pas sur que",
    "pas sure que",
    "vous avez prevu",
    "c'est prevu",
    "est-il prevu",
    "vous comptez",
    "une idee",
    "des infos",
    "infos svp",
    "renseignement",
    "renseignements",
    # Questions in SMS style, without a question mark.
    "c koi",
    "c quoi",
    "c'est quoi",
    "cest quoi",
    "c'est qui",
    "c'est ou",
    "c ou",
    "cmt",
    "pkoi",
    "pk",
    "pq",
    "kan",
    "dites moi",
    "dites-moi",
    "dites nous",
    "dites-nous",
    "savoir si",
    "vous savez si",
    "y a moyen",
    "ya moyen",
    "il y a moyen",
    "qui gere",
    "on peut avoir",
    "est-il possible",
    "on peu avoir",
    "peut on",
    "kel",
    "kelle",
    "kels",
    "keske",
    "koi",
    "quoi faire",
    "faut faire quoi",
    "on fait quoi",
    "ou on peut",
    "ou je peux",
    "ou jeter",
    "ou deposer",
    "ou trouver",
)
_PROBLEM_WORDS = (
    "casse",
    "cassee",
    "casses",
    "cassees",
    "en panne",
    "panne",
    "bouche",
    "bouchee",
    "ne fonctionne pas",
    "ne fonctionne plus",
    "ne marche pas",
    "ne marche plus",
    "fonctionne pas",
    "marche plus",
    "signaler",
    "signale",
    "signalement",
    "abime",
    "abimee",
    "degrade",
    "degradee",
    "degradation",
    "tags",
    "trou",
    "eteint",
    "eteints",
    "n'a pas ete",
    "n'ont pas ete",
    "pas ete ramasse",
    "pas ete ramassees",
    "deborde",
    "debordent",
    "depuis des semaines",
    "depuis des jours",
    "depuis plusieurs jours",
    "depuis une semaine",
    "depuis un mois",
    "probleme",
    "problemes",
    "bruit",
    "nuisances",
    "impossible de",
    "bloque",
    "bloquee",
    "gare sur",
    "garee sur",
    "garees sur",
    "stationnee sur",
    "envahi",
    "envahie",
    "retard",
    "n'est pas passe",
    "ne passe plus",
    "jamais passe",
    "personne ne",
    "toujours rien",
    "aucune reponse",
    "pas de reponse",
    "rats",
    "odeur",
    "attention",
    "tombe",
    "tombee",
    "tombes",
    "defonce",
    "defoncee",
    "bouchent",
    "a failli",
    "plus d'eau",
    "plus de lumiere",
    "plus rien",
    "n'importe quoi",
    "personne n'est",
    "arrache",
    "arrachee",
    "arraches",
    "hs",
    "disparu",
    "disparue",
    "disparus",
    "n'arrive pas",
    "n'arrivons pas",
    "errant",
    "sans aucune",
    "sans aucun",
    "on attend",
    "attend toujours",
    "attendons toujours",
    "il n'y a plus",
    "depot sauvage",
    "renverse",
    "renversee",
    "renverses",
    "renversees",
    "restees",
    "reste sur",
    "mauvaise date",
    "mauvaise adresse",
    "affiche une erreur",
    "une erreur",
    "cambriolage",
    "cambriole",
    "vole",
    "volee",
    "depots sauvages",
    "y a plus",
    "rodeo",
    "roule sur le trottoir",
    "roulent sur le trottoir",
    "sans lumiere",
    "sans eau",
    "sans chauffage",
    "rodeos",
    "avale",
    # Reports that name the fault without a "problem" word (issue 13's development set).
    "il manque",
    "manque de",
    "abandonnes",
    "abandonnees",
    "jetes",
    "jetees",
    "clignote",
    "clignotent",
    "fuite",
    "fuites",
    "degoutant",
    "degueulasse",
    "stationnees sur",
    "stationnes sur",
    "garees sur les places",
    "pleine de nids",
    "plein de nids",
    "pleines de plastique",
    "pleins de dechets",
    "pleine de dechets",
    "crottes",
    "plus de place",
    "manque d'",
    "a contresens",
    "en sens interdit",
    "plein a craquer",
    "pleine a craquer",
    "pleins a craquer",
    "sent mauvais",
    "sent tres mauvais",
    "pue",
    "puent",
    "puanteur",
    "nid de poule",
    "nids de poule",
    "nids-de-poule",
    "nid-de-poule",
    # Something badly set or too much/too little (tuning on the spent blind set, issue 13).
    "mal regle",
    "mal regles",
    "mal reglee",
    "mal reglees",
    "mal entretenu",
    "mal entretenue",
    "mal entretenus",
    "mal entretenues",
    "mal eclaire",
    "mal eclairee",
    "trop peu",
    "trop haut",
    "trop hauts",
    "trop haute",
    "trop cher",
    "trop chers",
    "trop chere",
    "plein tous les",
    "pleine tous les",
    "toujours plein",
    "toujours pleine",
    "partout sur les trottoirs",
    "partout sur le trottoir",
    "on les rate",
    "racle",
    "depuis ce matin",
    # Faults and nuisances named by issue 13's fresh sets (dev4 and the spent set 5).
    "coupe",
    "coupee",
    "coupes",
    "coupure",
    "coupures",
    "pas de lumiere",
    "tjs pas",
    "abuse",
    "une eternite",
    "trop long",
    "trop longtemps",
    "squattent",
    "squat",
    "squattent le hall",
    "a fond",
    "toute la nuit",
    "petards",
    "pas assez",
    "une habitude",
    "boucan",
    "penible",
    "claque",
    "resonne",
    "en rade",
    "degoutante",
    "degoutantes",
    "degoutants",
    "dans un etat",
    "pitoyable",
    "catastrophique",
    "dangereux",
    "dangereuse",
    "dangereuses",
    "restent allumes",
    "reste allume",
    "restent eteints",
    "crotte",
    "degueu",
    "dure depuis",
    "ca dure",
    "trebuche",
    "a trebuche",
    "ont trebuche",
    "souleve",
    "soulevent",
    "gens du voyage",
    "caravanes",
    "squatte",
    "squattee",
    "squattes",
    "peuvent plus",
    "peut plus",
    "pouvons plus",
    "peux plus",
    "page blanche",
    "bug",
    "beug",
    "bugue",
    "site plante",
    "ca plante",
    "appli plante",
    "application plante",
    "plante tout le temps",
    "ne charge pas",
    "sont faux",
    "est faux",
    "sont fausses",
    "est fausse",
    "errone",
    "erronee",
    "erronees",
    "incorrect",
    "incorrecte",
    "c'est l'enfer",
    "c l'enfer",
    "est un enfer",
    "ventouse",
    "ventouses",
    "sale etat",
)
# "plein de trous", "pleine de déchets": a place full of something that should not be there.
_FULL_OF = re.compile(
    r"\b(?:plein|pleine|pleins|pleines|couvert|couverte|couverts|couvertes|jonche|jonchee)"
    r" (?:de|d') ?(?:trous|dechets|detritus|nids|rats|boue|crottes|plastique|tags|ordures"
    r"|seringues|bouteilles|verre|mauvaises herbes|ronces|eau)\b"
)
# "ne s'allume plus", "n'entretient plus", "ne passe plus": something stopped working.
# Inverted questions without a question mark: "organise-t-il", "avez-vous", "peut-on".
_INVERTED = re.compile(r"\b\w+-(?:t-)?(?:il|elle|on|vous|ils|elles)\b")
_STOPPED = re.compile(r"\b(?:ne|n')\s?(?:s')?\w+ plus\b")
_REQUEST_WORDS = (
    "svp",
    "stp",
    "s'il vous plait",
    "s'il vous plaît",
    "merci de",
    "merci d'",
    "pourriez",
    "pouvez",
    "pourrait-on",
    "serait-il possible",
    "il faudrait",
    "il faut",
    "faudrait",
    "j'aimerais",
    "j'aimerai",
    "je voudrais",
    "je souhaite",
    "je souhaiterais",
    "nous souhaitons",
    "nous voudrions",
    "besoin",
    "ma demande",
    "une demande",
    "je demande",
    "nous demandons",
    "demande de",
    "demander",
    "besoin d'aide",
    "de l'aide",
    "aidez",
    "aidez-moi",
    "serait bien",
    "serait le bienvenu",
    "serait la bienvenue",
    "serait utile",
    "contactez-moi",
    "recontacter",
    "rappeler",
    "inscrire",
    "m'inscrire",
    "reserver",
    "envoyez",
    "transmettre",
    "faites quelque chose",
    "que fait la mairie",
    "que fait la ville",
    "merci d'intervenir",
    "intervenir",
    "pensez a",
    "pensez-y",
    "si vous le voyez",
    "si vous la voyez",
    "si vous les voyez",
    "si vous avez vu",
    "si quelqu'un voit",
    "vivement que",
    "il serait temps",
    "il est temps",
    "il faudra",
    "faut tailler",
    "faut couper",
    "faut reparer",
    "faut nettoyer",
    "faut enlever",
    "faut boucher",
    "faut venir",
    "faut passer",
)
_THANKS_WORDS = (
    "merci",
    "mercii",
    "merciii",
    "thanks",
    "bravo",
    "felicitations",
    "super",
    "genial",
    "magnifique",
    "superbe",
    "top",
    "trop bien",
    "j'adore",
    "adore",
    "belle",
    "beau",
    "beaux",
    "belles",
    "chouette",
    "excellent",
    "excellente",
    "parfait",
    "joli",
    "jolie",
    "sympa",
    "merveilleux",
    "hate",
    "vivement",
    "fier",
    "fiere",
    "coeur",
    "quelle belle",
    "a bientot",
    "bonne journee",
    "bonne soiree",
    "bon week-end",
)
# Complaint vocabulary that any French city hears, on top of the configured keywords.
_COMPLAINT_WORDS = (
    "pas serieux",
    "incapables",
    "lamentable",
    "deplorable",
    "abandonne",
    "abandonnee",
    "arretez",
    "reparez",
    "sans prevenir",
    "on aurait aime",
    "aurait pu prevenir",
    "c'est honteux",
    "honteux",
    "n'importe quoi",
    "ridicule",
    "degoute",
    "degoutee",
    "insupportable",
    "argent public",
    "nos impots",
)
# Money-making pitches that the configured spam keywords may not list.
_SPAM_PATTERN = re.compile(
    r"\d[\d\s.]*\s?(?:€|euros?)\s+par\s+(?:jour|semaine|mois)|lien en bio|whatsapp|telegram"
    r"|follow for follow|\bf4f\b|abonnez-vous a (?:mon|ma)\b"
    # phishing: "votre page va être suspendue sous 24h, confirmez vos identifiants"
    r"|\bconfirme[zr]? (?:vos|votre|tes|ton) (?:identifiants?|mot de passe|compte|coordonnees"
    r" bancaires)\b|\b(?:page|compte) (?:\S+ ){0,3}(?:suspendue?|desactivee?|supprimee?|bloquee?)"
    r" (?:sous|dans) \d+ ?h"
)
_HAS_WORD = re.compile(r"[^\W_]", re.UNICODE)
_VOUS_ASKS = re.compile(r"^(?:bonjour|bonsoir|hello)?[ ,!]*vous (?!remerci|avez\b|etes\b)\w+ez\b")


@dataclass(frozen=True)
class Decision:
    needs_reply: bool
    rule: str
    keyword: str | None = None
    urgency: Urgency | None = None


_LEADING_MENTION = re.compile(r"^@([\w.]+)")


def _addressed_to_citizen(settings: Settings, folded: str) -> str | None:
    """The handle a comment opens with, when it is not one of the city's accounts."""
    match = _LEADING_MENTION.match(folded)
    if not match:
        return None
    handle = match.group(1).rstrip(".")
    return None if handle in _city_handles(settings) else "@" + handle


def _city_handles(settings: Settings) -> frozenset[str]:
    """The city's own handles, folded and without "@" (read for each message): its accounts'
    handles and the other names it is addressed by (``triage.city_handles``)."""
    handles = [a.handle for a in settings.accounts if a.handle]
    return _folded_handles(tuple(handles + list(settings.triage.city_handles)))


@lru_cache(maxsize=8)
def _folded_handles(handles: tuple[str, ...]) -> frozenset[str]:
    return frozenset(fold(h).lstrip("@") for h in handles)


def decide(settings: Settings, text: str, kind: str, message: Lemmatised | None = None) -> Decision:
    """Whether a message needs a reply, and the rule that decided it."""
    message = message or lemmatise(mask_street_names(text))
    folded = message.folded
    rules = settings.triage
    spam = find_keyword(folded, rules.spam_keywords)
    if not spam and (pitch := _SPAM_PATTERN.search(folded)):
        spam = pitch.group(0)
    if spam:
        return Decision(False, "spam", spam)
    if not folded and kind == "dm":
        # A private message with only a photo or a file: someone sent the city something.
        return Decision(True, "dm")
    if not _HAS_WORD.search(re.sub(r"[@#]\w+|https?://\S+", "", folded)):
        return Decision(False, "empty")
    urgency = find_urgency(message, tuple(rules.urgent_keywords))
    if urgency:
        return Decision(True, "urgent", urgency.words, urgency)
    if kind in ("comment", "reply") and (
        crowd := _TO_THE_CROWD.search(folded) or _CROWD_GREETING.match(folded)
    ):
        return Decision(False, "between_citizens", crowd.group(0).strip())
    if kind in ("comment", "reply") and (other := _addressed_to_citizen(settings, folded)):
        # "@martine.per On se retrouve là-bas ?": one citizen answering another under the
        # city's post. The question is not the city's; urgent words were checked above.
        return Decision(False, "between_citizens", other)
    if "?" in folded:
        if rhetorical := find_keyword(folded, _RHETORICAL):
            return Decision(False, "rhetorical", rhetorical)
        if (
            kind in ("comment", "reply")
            and _TU.search(folded)
            and not _VOUS.search(folded)
            and not any(handle in folded for handle in _city_handles(settings))
        ):
            return Decision(False, "between_citizens", "tu")
        return Decision(True, "question", "?")
    question = find_keyword(folded, _QUESTION_WORDS)
    if question:
        return Decision(True, "question", question)
    inverted = _INVERTED.search(folded.replace("rendez-vous", "rdv"))
    if inverted:
        return Decision(True, "question", inverted.group(0))
    if (done := _PUT_RIGHT.search(folded)) and not _STILL.search(folded):
        return Decision(False, "thanks", done.group(0))
    complaint = find_keyword(folded, rules.complaint_keywords) or find_keyword(
        folded, _COMPLAINT_WORDS
    )
    if complaint:
        return Decision(True, "complaint", complaint)
    if (irony := _IRONY.search(text or "")) and find_keyword(folded, _THANKS_WORDS):
        return Decision(True, "complaint", irony.group(0))
    problem = find_keyword(_NO_PROBLEM.sub(" ", folded), _PROBLEM_WORDS)
    if problem:
        return Decision(True, "problem", problem)
    if full := _FULL_OF.search(folded):
        return Decision(True, "problem", full.group(0))
    if without := _WITHOUT_FOR.search(folded):
        return Decision(True, "problem", without.group(0))
    stopped = _STOPPED.search(folded)
    if stopped:
        return Decision(True, "problem", stopped.group(0))
    if fault := _FAULT.search(folded):
        return Decision(True, "problem", fault.group(0))
    if (since := _SINCE.search(folded)) and _NOT_YET.search(folded):
        return Decision(True, "problem", since.group(0))
    request = find_keyword(_THANKS_FOR.sub(" ", folded), _REQUEST_WORDS)
    if request:
        return Decision(True, "request", request)
    if suggestion := _SUGGESTION.search(folded):
        return Decision(True, "request", suggestion.group(0))
    if (asks := _VOUS_ASKS.search(folded)) and not find_keyword(folded, _THANKS_WORDS):
        return Decision(True, "question", asks.group(0).strip(" ,!"))
    thanks = find_keyword(folded, _THANKS_WORDS)
    if thanks:
        return Decision(False, "thanks", thanks)
    if kind == "dm":
        return Decision(True, "dm")
    return Decision(False, "no_signal")


def theme_of(settings: Settings, text: str) -> str | None:
    """The message's main theme (see ``themes.py``), or None."""
    return understand(settings, text, "comment").theme


def priority_of(settings: Settings, text: str, decision: Decision) -> str:
    return _priority(settings, fold(text), decision)


def _priority(settings: Settings, folded: str, decision: Decision) -> str:
    if decision.rule == "urgent":
        return "urgent"
    if not decision.needs_reply:
        return "low"
    if decision.rule == "complaint" or find_keyword(folded, settings.triage.complaint_keywords):
        return "high"
    return "normal"


@dataclass(frozen=True)
class Understanding:
    """Everything triage reads in one message, each part with why."""

    needs_reply: bool
    rule: str  # "question:?", "urgent:odeur de gaz": the queue's ``triage_rule``
    priority: str
    theme: str | None
    secondary_themes: tuple[str, ...]
    theme_rule: str | None
    theme_unsure: bool
    tone: str
    tone_rule: str
    decision: Decision


def understand(settings: Settings, text: str, kind: str = "comment") -> Understanding:
    message = lemmatise(mask_street_names(text))
    decision = decide(settings, text, kind, message)
    priority = priority_of(settings, text, decision)
    if decision.rule in ("spam", "empty"):
        themes = ThemeScore(None, (), 0.0, None, False)
    else:
        urgent_theme = decision.urgency.theme if decision.urgency else None
        themes = score_themes(settings, message, urgent_theme)
    tone: Tone = tone_of(message, text, decision.rule)
    rule = decision.rule if decision.keyword is None else f"{decision.rule}:{decision.keyword}"
    return Understanding(
        needs_reply=decision.needs_reply,
        rule=rule,
        priority=priority,
        theme=themes.theme,
        secondary_themes=themes.secondary,
        theme_rule=themes.rule,
        theme_unsure=themes.unsure,
        tone=tone.tone,
        tone_rule=tone.rule,
        decision=decision,
    )


def consult_model(seen: Understanding, model: CityModel | None, text: str) -> Understanding:
    """The city's model decides where the rules are unsure; never on urgent or spam."""
    if model is None or seen.priority == "urgent" or seen.decision.rule in ("spam", "empty"):
        return seen
    changes: dict = {}
    if seen.theme_unsure and (proposal := model.propose_theme(text)):
        if proposal.probability >= THEME_CONFIDENCE and proposal.value != seen.theme:
            others = (seen.theme, *seen.secondary_themes)
            changes.update(
                theme=proposal.value,
                theme_rule=proposal.rule(),
                secondary_themes=tuple(t for t in others if t and t != proposal.value),
            )
    if seen.decision.rule in UNSURE_RULES and (proposal := model.propose_reply(text)):
        if proposal.probability >= REPLY_CONFIDENCE and proposal.value != seen.needs_reply:
            changes.update(
                needs_reply=proposal.value,
                rule=proposal.rule(),
                priority="normal" if proposal.value else "low",
            )
    return replace(seen, **changes) if changes else seen


class Triage:
    """The ``triage`` ingest hook: one decision per new inbound item."""

    def __init__(self, settings: Settings, clock: SlaClock | None = None) -> None:
        self.settings = settings
        self.clock = clock or SlaClock.from_settings(settings)
        self.models = ModelCache(model_path(settings))

    def __call__(self, item) -> QueueFields:
        return self.fields(item.text, item.kind, item.created_at)

    def fields(self, text: str, kind: str, received_at) -> QueueFields:
        seen = consult_model(understand(self.settings, text, kind), self.models.get(), text)
        due = None
        if seen.needs_reply:
            due = self.clock.due_at(received_at, self.settings.sla.minutes_for(seen.priority))
        return QueueFields(
            needs_reply=seen.needs_reply,
            triage_rule=seen.rule,
            theme=seen.theme,
            priority=seen.priority,
            due_at=due,
            secondary_themes=seen.secondary_themes,
            theme_rule=seen.theme_rule,
            tone=seen.tone,
            tone_rule=seen.tone_rule,
        )
