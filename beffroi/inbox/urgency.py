"""Urgency: a danger to people or property right now, whatever words the citizen uses.

Each rule is a named phrase pattern over the message's folded text and its lemmas
(``lemmas.Lemmatised``): a subject (gas, a tree, a hole, the traffic lights, a child...) and
what is happening to it (a smell, fallen, open, out, lost...), a few words apart in either
order, so "l'arbre est tombé", "des arbres sont tombés" and "une branche tombée" meet the same
rule, while a single word ("feu", "arbre", "gaz") never raises an alarm on its own. Phrases that
contain an urgent word but are not an emergency ("feu d'artifice", "c'était le feu", "mis le
feu à la braderie", "exercice incendie", "trou normand") are removed before matching.

A rule carries the theme of its subject (gas -> sécurité, a fallen tree -> environnement, a
hole -> travaux, traffic lights -> mobilité): an urgent report keeps its subject's theme, not
the place where it happens ("odeur de gaz près de l'école" is not about the school).

The result names the rule and the words that matched (``triage_rule`` "urgent:odeur de gaz"),
so a manager can read why an item came first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from beffroi.inbox.lemmas import Lemmatised

# Up to N words between two parts of a phrase.
_GAP = r"(?:[^\s|]+ ){0,%d}"


def near(a: str, b: str, gap: int = 4) -> str:
    """``a`` then ``b`` with at most ``gap`` words between them, or ``b`` then ``a``."""
    g = _GAP % gap
    return rf"(?:\b(?:{a})\b {g}\b(?:{b})\b|\b(?:{b})\b {g}\b(?:{a})\b)"


def then(a: str, b: str, gap: int = 4) -> str:
    g = _GAP % gap
    return rf"\b(?:{a})\b {g}\b(?:{b})\b"


@dataclass(frozen=True)
class UrgentRule:
    name: str
    theme: str
    pattern: re.Pattern[str]
    # Word beginnings without which the rule cannot fire: most messages hold none, and a
    # set lookup is much cheaper than the phrase patterns (triage runs on every message).
    triggers: tuple[str, ...]


def _rule(name: str, theme: str, *alternatives: str) -> UrgentRule:
    pattern = re.compile("|".join(f"(?:{a})" for a in alternatives))
    return UrgentRule(name, theme, pattern, TRIGGERS[name])


TRIGGERS: dict[str, tuple[str, ...]] = {
    "gaz": ("gaz",),
    "incendie": ("incendi", "feu", "flamm", "brul", "cram", "flamb", "detecteur", "alarme"),
    "fumée": ("fume",),
    "inondation": (
        "inond", "eau", "egout", "caniveau", "riviere", "marque", "canal", "bassin", "avaloir",
        "regard", "bouche", "conduite", "tuyau", "fuite", "degat",
    ),
    "arbre": (
        "arbre", "branche", "platane", "tilleul", "chene", "peuplier", "marronnier", "bouleau",
        "sapin", "pin", "saule", "erable", "frene", "hetre",
    ),
    "trou": (
        "trou", "tranchee", "excavation", "plaque", "bouche", "trappe", "nid", "affaiss",
        "effondrement", "cratere", "regard",
    ),
    "feux": ("feu", "signalisation"),
    "verglas": ("verglas", "verglac", "gel", "glac", "glis", "patinoire", "plaque"),
    "électricité": (
        "cable", "fil", "ligne", "poteau", "armoire", "boitier", "coffret", "transformateur",
        "etincelle", "electrocut", "court",
    ),
    "enfant perdu": (
        "enfant", "fils", "fille", "garcon", "gamin", "petit", "bebe", "ado", "bambin", "nino",
        "neveu", "niece", "loulou", "cherch", "enlev",
    ),
    "personne en détresse": (
        "malaise", "inconscient", "evanoui", "secours", "aide", "bouge", "respir", "allong",
        "etendu", "couch", "inanim", "inerte", "tomb", "arriv", "peut", "pouv", "relev",
        "detresse", "suicid", "noy", "samu", "appel",
    ),
    "personne injoignable": (
        "repond", "nouvelle", "injoignable", "volet", "alzheimer", "desorient", "disparu", "fugue",
    ),
    "animal sur la route": (
        "chien", "chat", "cheva", "vache", "mouton", "chevreuil", "biche", "sanglier", "anima",
        "poney", "renard", "cerf", "chevre", "ane", "taureau", "veau", "cygne", "canard", "oie",
        "poule",

    ),
    "effondrement": ("effondr", "ecroul", "affaiss", "eboul", "cede"),
    "danger": ("danger", "accident", "bless", "agress", "faire", "tuer", "mort"),
}  # fmt: skip


_TREE = (
    r"arbres?|branches?|platanes?|tilleuls?|chenes?|peupliers?|marronniers?|bouleaux?"
    r"|sapins?|pins?|saules?|erables?|frenes?|hetres?"
)
_FALLEN = (
    r"tomb\w*|chut\w*|chu|effondr\w*|pench\w*|deracin\w*|menac\w*|couch\w*|en travers"
    r"|bloque la route|barre la route|ecrase\w* (?:une|la|ma|sa|des) (?:voiture|maison|toit)"
)
_BRANCH_STATE = r"cass\w*|arrach\w*|pend\w*|fendu\w*|craqu\w*"
_PERSON = (
    r"mere|pere|maman|papa|voisine?|voisins|grand-mere|grand-pere|mamie|papi|papy|tante|oncle"
    r"|frere|soeur|amie?|mari|femme|epoux|epouse|personne agee|dame|monsieur|homme|sdf|fils|fille"
    r"|belle-mere|beau-pere|locataire|collegue"
)
_CHILD = (
    r"enfants?|fils|filles?|garcons?|gamine?s?|petite?s?|bebes?|ados?|adolescente?s?|fillette"
    r"|bambin|nino|neveu|niece|petit-fils|petite-fille|loulou"
)
_LOST = (
    r"perdu\w*|perdre|disparu\w*|disparai\w*|introuvable|egare\w*|retrouve plus|retrouver plus"
    r"|retrouvons plus|retrouvez plus|retrouvent plus|retrouvons pas|retrouver pas|fugue\w*"
)
_ANIMAL = (
    r"chiens?|chats?|chevaux|cheval|vaches?|moutons?|chevreuils?|biches?|sangliers?|animal"
    r"|animaux|poneys?|renards?|cerfs?|chevres?|ane|anes|taureau|veaux?|cygnes?|canards?"
    r"|oies|(?<!de )(?<!nid )(?<!nids )poules?"
)
_ROAD = (
    r"route|chaussee|voie|voie rapide|rocade|autoroute|boulevard|rond-point|circulation|n356"
    r"|a22|a1|grand boulevard|milieu de la rue|milieu de la route|voies"
)
_HOLE = (
    r"trous?|tranchees?|excavation|plaques? d'egout|bouches? d'egout|plaques? de fonte"
    r"|trappes?(?: d'egout)?"
    r"|nids? de poule|nids?-de-poule|affaissement|effondrement|cratere|regards? d'egout"
)
_OPEN_HOLE = (
    r"beant\w*|enorme\w*|profond\w*|ouverte?s?|non protege\w*|pas protege\w*|non balise\w*"
    r"|pas balise\w*|sans barriere|sans protection|pas signale\w*|non signale\w*|dangereu\w*"
    r"|failli|piege|manquante?|disparu\w*|arrache\w*|tomb\w*|chut\w*|souleve\w*"
    r"|danger|tordu\w*|se casser|casser la figure|blesse\w*"
)
_LIGHTS = (
    r"feux tricolores?|feu tricolore|feux de signalisation|feu de signalisation|feux rouges?"
    r"|feu rouge|feux|feu pieton|feux pietons|signalisation lumineuse|les feux|le feu"
)
_OUT = (
    r"en panne|panne|eteinte?s?|marche plus|marchent plus|marcher plus|fonctionne plus"
    r"|fonctionnent plus|fonctionner plus|marche pas|marchent pas|marcher pas|fonctionne pas"
    r"|fonctionnent pas|fonctionner pas|hs|clignot\w*|orange en permanence|tous au vert"
    r"|deregle\w*|detraque\w*|hors service"
)
_ICY = r"gele\w*|glace|glacee?s?|glissant\w*|verglac\w*|une (?:vraie )?patinoire"
_GROUND = (
    r"trottoirs?|routes?|chaussees?|rues?|ponts?|pistes? cyclables?|escaliers?|parvis"
    r"|passerelles?|rampes?|cote|descente|voie|paves?|marches|sol"
)
_CABLE = (
    r"cables?(?: electriques?)?|fils electriques?|lignes? electriques?|poteaux?(?: electriques?)?"
    r"|(?:armoires?|boitiers?|coffrets?|transformateurs?) electriques?"
)
_LIVE = (
    r"a nu|denude\w*|pend\w*|au sol|par terre|a terre|arrach\w*|tomb\w*|etincelle\w*|gresill\w*"
    r"|fume\w*|ouverte?s?|dans l'eau|sur la route|sur le trottoir|sur la chaussee|touch\w*"
)

RULES: tuple[UrgentRule, ...] = (
    _rule(
        "gaz",
        "sécurité",
        near(
            r"gaz",
            r"odeurs?|sent\w*|fuite\w*|fuir|fuit|explos\w*|renifl\w*|pue\w*|puer|empest\w*"
            r"|schlingu\w*|respir\w*",
            5,
        ),
        r"\bca sent le gaz\b",
    ),
    _rule(
        "incendie",
        "sécurité",
        r"\bincendies?\b|\bincendi\w+\b",
        r"\b(?:au|en|prend|prendre|pris|prise|prennent) feu\b",
        r"\bfeu (?:\S+ ){0,2}(?:pris|prend|prendre|parti|declare|declarer|se propage|propager)\b",
        r"\b(?:il y a|y a|y'a) (?:le |du )?feu\b(?! au lac)|\b(?:ca|ça) (?:brule|crame)\b",
        r"\b(?:odeur|sent|sentir|sens) (?:de |le |du )?brule\b|\bodeur de (?:cram|fume)\w*",
        r"\b(?:detecteur|detecteurs|alarme|alarmes)\b (?:\S+ ){0,4}(?:sonn\w*|bip\w*|retentit)\b",
        r"\bdepart de feu\b|\bdeparts de feu\b|\bdebut d'incendie\b",
        r"\bfeu (?:de|d'|dans) (?:un |une |la |le |l'|des )?(?:poubelles?|voitures?|vehicules?"
        r"|broussailles?|cheminee|foret|bois|appartements?|maisons?|immeubles?|locale?s?|cave"
        r"|garage|hangar|entrepot|conteneurs?|containers?|herbes?|haies?|champ|cuisine)\b",
        r"\bflammes?\b",
        then(
            r"voitures?|vehicules?|maisons?|immeubles?|poubelles?|conteneurs?|containers?|garage"
            r"|batiments?|appartements?|hangar|bois|haies?|herbes?|broussailles?|scooters?|bus",
            r"brul\w*|crame\w*|flamb\w*",
            3,
        ),
    ),
    _rule(
        "fumée",
        "sécurité",
        r"\bfumees?\b(?! (?:de|d') (?:cigarettes?|barbecue|chicha|joint))",
        r"\b(?:ca|il|elle) fume\b",
    ),
    _rule(
        "inondation",
        "travaux",
        r"\binond\w*\b(?! (?:de|d') (?:messages?|lumiere|soleil|bonheur|pubs?|publicites?|spams?"
        r"|courriers?|mails?|appels?))",
        r"\bl'eau (?:\S+ ){0,2}(?:monte|monter|rentre|rentrer|entre|entrer|jaillit|jaillir"
        r"|coule partout|envahit|envahir|arrive)\b",
        r"\beau (?:monte|monter|jaillit|jaillir)\b",
        r"\bsous (?:l'|le )?eau\b|\b\d+ ?(?:cm|centimetres?|metres?) d'eau\b",
        r"\b(?:prend|prendre|prennent|pris) l'eau\b",
        r"\bfuites? d'eau\b|\bfuites? de gaz\b|\bfuite (?:enorme|importante|massive)\b",
        r"\bdegats? des eaux\b",
        near(
            r"egouts?|caniveaux?|riviere|marque|canal|bassin|avaloirs?|bouches? d'egout|regards?",
            r"debord\w*|refoul\w*|deverse\w*|remont\w*",
            4,
        ),
        near(r"canalisations?|conduites?|tuyaux?", r"eclat\w*|rompu\w*|cede|explos\w*|perc\w*", 3),
    ),
    _rule(
        "arbre",
        "environnement",
        near(_TREE, _FALLEN, 4),
        near(r"branches?|grosses? branches?", _BRANCH_STATE, 3),
    ),
    _rule(
        "trou",
        "travaux",
        near(_HOLE, _OPEN_HOLE, 5),
        near(_HOLE, r"tomb\w*|chut\w*|failli|blesse\w*|accident\w*", 9),
        rf"\b(?:gros|grosse|grand|immense|vrai) (?:{_HOLE})\b",
    ),
    _rule("feux", "mobilité", near(_LIGHTS, _OUT, 8)),
    _rule(
        "verglas",
        "mobilité",
        r"\bverglas\w*\b",
        r"\b(?:ca|ça) glisse\b",
        near(_GROUND, _ICY, 4),
        r"\bplaques? de glace\b",
    ),
    _rule(
        "électricité",
        "sécurité",
        near(_CABLE, _LIVE, 4),
        r"\betincelles?\b|\belectrocut\w*\b|\bcourt-circuit\b",
    ),
    _rule(
        "enfant perdu",
        "sécurité",
        rf"\b(?:{_CHILD})\b (?:\S+ ){{0,4}}(?:s'est|se sont|se etre|est|sont|etre) (?:\S+ )?"
        rf"(?:{_LOST})\b(?! sans)",
        rf"\b(?:perdu|perdre|cherche|cherchons|cherchez|disparition de|ne trouve plus|ne trouvons"
        rf" plus|ne retrouve plus|ne retrouvons plus|ne retrouver plus) (?:\S+ )?"
        rf"(?:mon|ma|notre|nos|mes|son|sa|un|une|le|la|leur) (?:petite? |jeune )?(?:{_CHILD})\b",
        rf"\b(?:{_CHILD})\b (?:\S+ ){{0,3}}(?:introuvable|a disparu|a fugue|porte disparu\w*)\b",
        rf"\b(?:{_CHILD}) (?:perdue?s?|egare\w*|disparue?s?)\b(?! sans)",
        rf"\b(?:{_CHILD}) (?:tout |toute )?seule?s?\b (?:\S+ ){{0,3}}(?:pleur\w*|cherch\w*|perdu\w*)",
        r"\bcherch\w* (?:sa maman|son papa|ses parents|sa mere|son pere)\b",
        r"\benlev\w* (?:un |une |mon |ma |notre )?(?:enfant|fils|fille)\b",
    ),
    _rule(
        "personne en détresse",
        "sécurité",
        r"\bmalaises?\b|\binconscient\w*\b|\bevanoui\w*\b|\bau secours\b|\bappel a l'aide\b",
        r"(?:^|[.!] )a l'aide\b|\ba l'aide ?!",
        r"\bne (?:bouge|respire|bouger|respirer) (?:pas|plus)\b",
        near(
            _PERSON + r"|personne|quelqu'un|cycliste|pieton|pietonne|enfant",
            r"(?:allonge|etendu|couche|inanime|inerte)\w* (?:\S+ )?(?:par terre|au sol|sur le"
            r" trottoir|sur la chaussee)|ne bouge (?:pas|plus)|tomb\w* (?:par terre|au sol|sur le"
            r" trottoir|sur la chaussee|dans la rue|dans l'escalier|dans les escaliers)"
            r"|(?:n'arrive|n'arriver|ne peut|ne pouvoir|n'arrivons) (?:pas|plus) a (?:se|la|le) relever"
            r"|ne (?:peut|pouvoir) (?:pas|plus) se relever",
            5,
        ),
        r"\bdetresse\b|\bsuicid\w*\b|\bse noie\b|\bnoyade\b|\ben train de se noyer\b",
        r"\b(?:appelez|appeler|appele|appelle) (?:le samu|les pompiers|le 15|le 18|le 112)\b",
        r"\bsamu\b",
    ),
    _rule(
        "personne injoignable",
        "social",
        near(
            _PERSON,
            r"ne (?:repond|repondre|reponds|repondent) (?:plus|pas|a rien)|(?:pas|plus|aucune?) de "
            r"nouvelles?|injoignable|volets? (?:\S+ ){0,2}ferme\w*|n'a (?:pas |plus )?de nouvelles?"
            r"|n'avons (?:pas |plus )?de nouvelles?|sans nouvelles?|alzheimer|desoriente\w*"
            r"|(?:a|est|etre|avoir) (?:disparu|fugue)",
            8,
        ),
    ),
    _rule(
        "animal sur la route",
        "sécurité",
        near(_ANIMAL, _ROAD, 6),
        near(
            r"chevaux|cheval|vaches?|moutons?|taureau|poneys?|chevres?|sangliers?",
            r"echappe\w*|en liberte|divagu\w*|se promen\w*|errant\w*",
            4,
        ),
    ),
    _rule(
        "effondrement",
        "travaux",
        r"\beffondr\w*\b|\bs'est ecroule\w*\b|\bs'ecroul\w*\b|\bmenace de s'effondrer\b",
        r"\baffaiss\w*\b|\beboulement\w*\b|\b(?:sol|chaussee|trottoir|mur|plafond|toit) (?:\S+ )?cede\b",
    ),
    _rule(
        "danger",
        "sécurité",
        r"\bdanger (?:immediat|de mort|imminent)\b|\ben danger\b|\battention danger\b",
        r"\baccidente?s?\b(?! (?:de parcours|du travail))|\bblesse\w*\b|\bagression\w*\b"
        r"|\bagresse\w*\b",
        r"\bse (?:faire mal|blesser|tuer)\b|\bva y avoir un mort\b",
    ),
)

# Phrases that contain an urgent word but are no emergency.
_NOT_URGENT = re.compile(
    r"\bfeux? (?:d'artifices?|de joie|de camp|de la saint-jean|de la st jean|de bengale|de cheminee)\b"
    r"|\bfeu vert\b|\b(?:c'etait|c'est|c'etre|etait|trop|vraiment|grave) (?:le |du |de )?feu\b"
    r"|\b(?:mis|mettre|met|mettez|mettent|mis) le feu (?:a la|au|aux) (?:braderie|fete|soiree"
    r"|concert|salle|scene|piste|dancefloor|ambiance|public|stade)\b"
    r"|\b(?:mis|mettre|avoir mis|met|mettez|mettent) le feu\b(?! a (?:un|une|des|la voiture|ma|mon))"
    r"|\bexercices? (?:d'evacuation |de )?(?:incendie|evacuation)\b|\bexercice incendie\b"
    r"|\btrou normand\b|\btrous? de memoire\b"
    r"|\b(?:pas|aucun|sans|plus) (?:de |d')?(?:danger|urgence)\b|\bpas urgent\b"
    r"|\bpompiers? (?:volontaires?|portes ouvertes)\b|\bportes ouvertes des pompiers\b"
    r"|\bretrouve\w* (?:sain|saine|sains|saines) et sau\w*\b|\ba ete retrouve\w*\b|\bretrouvee?\b"
    r"|\bcalendriers? des pompiers\b|\bbal des pompiers\b|\bsainte-barbe\b"
    r"|\bfeu rouge (?:devant|pres|a cote)(?=.*\b(?:stationn|gare|garee)\w*)"
    r"|\bbrule\w* (?:au|du|de) soleil\b|\bcreme brulee\b"
    r"|\binond\w* de (?:soleil|lumiere|fleurs|monde)\b"
    r"|\b(?:inondations?|incendies?|tempetes?|accidents?|orages?) (?:de|d'|du) (?:l'an|l'annee"
    r"|l'hiver|l'ete|20\d\d|mois dernier|la semaine derniere|l'automne)\w*"
    r"|\b(?:risques?|previsions?|alerte meteo|vigilance) (?:de |d'|au |aux )?(?:verglas|orages?"
    r"|inondations?)\b|\bverglas (?:annonce|prevu|attendu)\w*"
    r"|\bfumees? (?:de|d'|du|des) (?:la |l')?(?:cigarettes?|barbecues?|chicha|joints?|cheminees?)\b"
    r"|\bbelle chute\b|\bchute de neige\b|\bchutes de neige\b"
    r"|\bdetecteurs? (?:de fumee|incendie|de monoxyde)s?\b(?! (?:\S+ ){0,4}(?:sonn|bip|retentit))"
    r"|\bcrottes? de chiens?\b|\bdejections? canines?\b"
    r"|\brisques? d'inondations?\b|\bzones? inondables?\b|\binondable\b"
    r"|\b(?:contre|prevention des|plan) (?:les )?inondations?\b"
    r"|\b(?:prevention|risques?|consignes?|formation|atelier|securite|exercices?"
    r"|guide|conseils?|sensibilisation|campagne|simulation|assurance) (?:\S+ ){0,2}"
    r"(?:incendies?|inondations?|fumees?|gaz|noyades?)\b"
    r"|\ben cas (?:d'|de )(?:\S+ )?(?:incendies?|inondations?|fuite|malaise|accident|verglas)\b"
)


_WORD = re.compile(r"[^\W_]+")

# The danger is over: "l'arbre tombé a été enlevé, merci" (but not "n'a pas été enlevé").
_RESOLVED = re.compile(
    r"(?<!n')\b(?:a|ont) (?:bien )?ete (?:enleve|retire|degage|repare|rebouche|securise|evacue"
    r"|nettoye|balise|remis en (?:service|marche)|retrouve|eteint)\w*"
    r"|\bmerci (?:pour|de) (?:votre|l'|la|leur) (?:intervention|rapidite|reactivite)"
)


@dataclass(frozen=True)
class Urgency:
    rule: str  # the rule's name: "gaz", "arbre", ...
    theme: str
    words: str  # what matched, as the citizen's text or its lemmas have it


def find_urgency(message: Lemmatised, extra_keywords: tuple[str, ...] = ()) -> Urgency | None:
    """The first urgent rule that fires, or None; ``extra_keywords`` come from the settings."""
    from beffroi.inbox.text import find_keyword

    if _RESOLVED.search(message.folded):
        return None
    surface = _NOT_URGENT.sub(" ~ ", message.folded)
    lemmas = _NOT_URGENT.sub(" ~ ", message.lemmas)
    words = set(_WORD.findall(surface)) | set(_WORD.findall(lemmas))
    for rule in RULES:
        if not any(word.startswith(rule.triggers) for word in words):
            continue
        for text in (surface, lemmas):
            found = rule.pattern.search(text)
            if found:
                return Urgency(rule.name, rule.theme, found.group(0).strip())
    if extra_keywords:
        for text in (surface, lemmas):
            keyword = find_keyword(text, extra_keywords)
            if keyword:
                return Urgency("mot configuré", "sécurité", keyword)
    return None
