"""Tone of a message (positive, neutral, negative), for the directors' report and the filters.

Explainable like the rest: a count of positive and negative words and phrases on the folded
text and its lemmas, with "pas"/"plus"/"jamais" before a word turning it around ("pas
content" is negative, "pas de souci" is not), and the triage decision weighing in (an urgent
report, a complaint or a problem is negative; thanks are positive). The rule names the words
that decided: "negative:scandale+toujours pas", "positive:bravo", "neutral".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from beffroi.inbox.lemmas import Lemmatised

_POSITIVE = (
    r"merci(?! de| d')|mercii+|remerci\w*|bravo|felicit\w*|super|genial\w*|magnifique\w*"
    r"|superbe\w*|top|trop bien|adore\w*|adorer|chouette|excellent\w*|parfait\w*|joli\w*"
    r"|sympa\w*|merveill\w*|vivement|fier|fiere|fiers|reussite|reussi\w*|impeccable\w*|nickel"
    r"|agreable\w*|belle|beau|beaux|belles|bien organise\w*|content\w*|ravie?s?|heureu\w*"
    r"|enchante\w*|plaisir|gentil\w*|formidable\w*|incroyable|enfin|ca fait du bien|genia\w*"
    r"|delicieu\w*|qualite|bonne initiative|belle initiative|felicitation\w*|chapeau|geniale"
    r"|aime|aimer|j'aime|love|cool|efficace\w*|rapide\w*|reactif\w*|reactivite|bien joue"
    r"|ambiance|sublime\w*|splendide\w*|fantastique\w*|hate|tres bien|bon travail"
    r"|c'est (?:tres )?bien(?=\s*[!.,]|$)|amoureu\w*|bon boulot|bon choix|tres bon|continuez"
    r"|mignon\w*|bonnes? fetes|joyeu\w*|bonne annee|meilleurs? voeux|que de souvenirs"
    r"|mort de rire|meurs de rire|allez (?:le|la|les)"
)
_NEGATIVE = (
    r"scandal\w*|honte\w*|honteu\w*|inadmissible|inacceptable|ras le bol|marre|nul|nulle|nuls"
    r"|decu\w*|decevant\w*|degout\w*|lamentable|deplorable|insupportable|ridicule|n'importe quoi"
    r"|dommage|malheureusement|colere|enerv\w*|agac\w*|mecontent\w*|inquiet\w*|peur|danger\w*"
    r"|sale|salete|abandon\w*|toujours pas|toujours rien|aucune reponse|jamais|probleme\w*"
    r"|casse\w*|panne|impossible|degrad\w*|annule\w*|sans prevenir|plainte|triste|grave"
    r"|incapable\w*|catastroph\w*|pire|horrible|affreu\w*|penible|bruit|nuisance\w*|retard"
    r"|attente|insecurite|vol|vole|volee|cambriol\w*|abime\w*"
    r"|(?<!prend )(?<!prenez )(?<!reste )encore des|encore une?"
    r"|pas normal|inutile|dangereu\w*|vite|stress\w*|galere\w*|zero|pagaille|manque\w*"
    r"|fracture\w*|tag|tags|insult\w*|crotte\w*|depots? sauvages?|rats|deborde\w*|supprim\w*"
    r"|coupe|coupee|coupes|pue|puent|puanteur|mauvais\w*|contresens|plein a craquer|trous"
    r"|froid|glacial|trop long\w*|aussi long\w*|inquiet\w*|peur|mieux avant|tous les memes"
    r"|nos vies|pas assez|c'est dur|un peu beaucoup|bug\w*|eternite|aucune explication"
    r"|plus aucune?|personne n'a|tout perdu|argent public"
    r"|pas ete|n'ont pas|n'a pas|ne s'arrete plus|ne passe plus|plus rien|sans reponse"
    r"|ne marche|ne fonctionne|bloque\w*|envahi\w*|arrache\w*|trop de|beaucoup trop"
)
_POS = re.compile(rf"(?<![\w'])(?:{_POSITIVE})(?![\w])")
_NEG = re.compile(rf"(?<![\w'])(?:{_NEGATIVE})(?![\w])")
# "pas content", "pas terrible", "plus jamais beau": a positive word negated.
_NEGATED_POS = re.compile(
    rf"\b(?:pas|plus|jamais|guere|ni) (?:tres |si |trop |du tout )?(?:{_POSITIVE})\b"
)
# "pas de souci", "aucun problème", "sans danger": a negative word negated.
_NEGATED_NEG = re.compile(
    r"\b(?:pas de|aucun|aucune|sans|zero|plus de|pas d'|jamais eu de) "
    r"(?:souci|soucis|probleme|problemes|danger|bruit|retard|attente|panne)\b"
    r"|\b(?:pas|plus|peu) (?:tres |si )?dangereu\w*|\bgrand froid\b"
)
_POS_EMOJI = re.compile("[😍🥰😊😀😃😄😁🙂👏👍❤💙💚💛🧡💜🤩✨🎉🥳💪🙏😘☺🌞🌸🔥😂🤣😆🥂🍻🎅🎄🍾⚽]")
_NEG_EMOJI = re.compile("[😡😠🤬😤😞😢😭👎💩😒🙄😩😫]")
_NEGATIVE_RULES = frozenset({"urgent", "complaint", "problem"})


@dataclass(frozen=True)
class Tone:
    tone: str  # positive | neutral | negative
    rule: str


def tone_of(message: Lemmatised, text: str, decision_rule: str) -> Tone:
    folded = message.folded
    cleaned_pos = _NEGATED_POS.sub(" ", folded)
    cleaned_neg = _NEGATED_NEG.sub(" ", folded)
    positive = [m.group(0) for m in _POS.finditer(cleaned_pos)]
    positive += _POS_EMOJI.findall(text or "")
    negative = [m.group(0) for m in _NEG.finditer(cleaned_neg)]
    negative += [m.group(0) for m in _NEGATED_POS.finditer(folded)]
    negative += _NEG_EMOJI.findall(text or "")
    score = len(positive) - len(negative)
    if decision_rule in _NEGATIVE_RULES:
        score -= 2
        negative.insert(0, decision_rule)
    elif decision_rule == "thanks":
        score += 1
    if score > 0:
        return Tone("positive", "positive:" + "+".join(dict.fromkeys(positive)))
    if score < 0:
        return Tone("negative", "negative:" + "+".join(dict.fromkeys(negative)))
    return Tone("neutral", "neutral")
