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

from beffroi.inbox.lemmas import Lemmatised, lemmatise

# Up to N words between two parts of a phrase; the second part may carry an elided article
# ("un sanglier sur l'avenue", "une fuite dans l'immeuble").
_GAP = r"(?:[^\s|]+ ){0,%d}"
_ELIDED = r"(?:qu'|[dlcjmnst]')?"


def near(a: str, b: str, gap: int = 4) -> str:
    """``a`` then ``b`` with at most ``gap`` words between them, or ``b`` then ``a``."""
    g = _GAP % gap + _ELIDED
    return rf"(?:\b(?:{a})\b {g}\b(?:{b})\b|\b(?:{b})\b {g}\b(?:{a})\b)"


def then(a: str, b: str, gap: int = 4) -> str:
    g = _GAP % gap + _ELIDED
    return rf"\b(?:{a})\b {g}\b(?:{b})\b"


@dataclass(frozen=True)
class UrgentRule:
    name: str
    theme: str
    pattern: re.Pattern[str]
    # Word beginnings without which the rule cannot fire: most messages hold none, and a
    # set lookup is much cheaper than the phrase patterns (triage runs on every message).
    triggers: tuple[str, ...]
    # A message this matches is not this rule's emergency: a fight "hier soir", a homeless
    # person "tous les hivers" are reports, not calls for help now.
    unless: re.Pattern[str] | None = None


def _rule(name: str, theme: str, *alternatives: str, unless: str | None = None) -> UrgentRule:
    pattern = re.compile("|".join(f"(?:{a})" for a in alternatives))
    return UrgentRule(name, theme, pattern, TRIGGERS[name], re.compile(unless) if unless else None)


# Told as past or habitual, with no sign that it is happening now.
_PAST_OR_HABIT = (
    r"^(?!.*\b(?:maintenant|en ce moment|actuellement|en cours|la tout de suite|vite|urgent\w*"
    r"|venez|!!))"
    r".*\b(?:hier|avant-hier|la nuit derniere|l'autre (?:jour|soir|nuit)|la semaine derniere"
    r"|le week-end dernier|le mois dernier|(?:lundi|mardi|mercredi|jeudi|vendredi|samedi"
    r"|dimanche) dernier|il y a (?:\d+|deux|trois|quelques) (?:jours|semaines|mois|ans)"
    r"|tous les (?:soirs|jours|week-ends|hivers|ans|matins)|chaque (?:soir|nuit|hiver|annee"
    r"|week-end|matin|jour)"
    r"|souvent|regulierement|l'an dernier|l'annee derniere|l'hiver dernier|encore une fois"
    r"|quand (?:ils?|elles?|on|les voisins?|le voisin) (?:\S+ )?(?:brul|fait|font|allum|pleut"
    r"|gele|neige)\w*|des qu'il (?:pleut|gele|neige)|en hiver|chaque hiver"
    r"|a chaque (?:pluie|orage|averse))\b"
)


# A leak each time it rains is a repair to plan, not water rising now.
_RAIN_HABIT = (
    r"^(?!.*\b(?:maintenant|en ce moment|actuellement|en cours|vite|urgent\w*|venez|!!|ca monte"
    r"|continue de monter))"
    r".*\b(?:(?:a chaque fois |chaque fois |des )?(?:qu'il|quand il) (?:pleut|pleuvait|y a de l'orage)"
    r"|a chaque (?:pluie|orage|averse|grosse pluie))\b"
)


TRIGGERS: dict[str, tuple[str, ...]] = {
    "gaz": ("gaz", "gas", "essence", "carburant", "fioul", "hydrocarbure"),
    "incendie": ("incendi", "feu", "flamm", "brul", "cram", "flamb", "detecteur", "alarme", "roussi", "explosion", "vitre",),
    "déversement": ("seringue", "deverse", "produit", "bidon", "amiante", "chimique", "toxique", "verre", "tesson"),
    "fumée": ("fume",),
    "inondation": (
        "inond", "innond", "eau", "egout", "caniveau", "riviere", "marque", "canal", "bassin", "avaloir",
        "regard", "bouche", "conduite", "tuyau", "cm", "centimetre", "fuite", "degat", "flotte", "noy", "grille", "plafond", "lit", "geyser", "cave", "garage", "sous-sol", "maison", "appartement", "salon", "cuisine", "parking",),
    "arbre": (
        "arbre", "branche", "platane", "tilleul", "chene", "peuplier", "marronnier", "bouleau",
        "sapin", "pin", "saule", "erable", "frene", "hetre",
    ),
    "trou": (
        "trou", "tranchee", "excavation", "plaque", "bouche", "trappe", "nid", "affaiss",
        "effondrement", "cratere", "regard", "egout", "avaloir", "fouille", "chantier", "barriere",
    ),
    "feux": ("feu", "signalisation"),
    "signalisation arrachée": ("stop", "panneau", "cedez", "sens", "feu", "signalisation", "tricolore",),
    "objet sur la chaussée": (
        "chargement", "palette", "planche", "gravier", "debris", "objet", "pneu", "matelas", "bidon", "caisse", "carton", "morceau", "pierre", "parpaing", "sable", "huile", "gasoil", "gazole", "zigzag", "ecart", "pilent", "slalom", "freinent",
    ),
    "verglas": (
        "verglas", "verglac", "gel", "glac", "glis", "patinoire", "plaque", "neige", "deneig", "patine", "fosse",
    ),
    "électricité": (
        "cable", "fil", "ligne", "electri", "poteau", "armoire", "boitier", "coffret", "transformateur",
        "etincelle", "electrocut", "court", "compteur", "tableau", "prise",),
    "enfant perdu": (
        "enfant", "fils", "fille", "garcon", "gamin", "petit", "bebe", "ado", "bambin", "nino",
        "neveu", "niece", "loulou", "cherch", "enlev", "chien", "enferm", "gosse", "mome", "minot",
    ),
    "personne en détresse": (
        "malaise", "inconscient", "evanoui", "secours", "aide", "bouge", "respir", "allong",
        "etendu", "couch", "inanim", "inerte", "tomb", "arriv", "peut", "pouv", "relev",
        "detresse", "suicid", "noy", "samu", "appel", "reag", "coinc", "glace", "fond",
    ),
    "violence": ("bagarre", "rixe", "baston", "castagne", "couteau", "arme", "machette", "battent", "tabass", "frapp", "poignard", "tire", "tirent",),
    "personne injoignable": (
        "repond", "nouvelle", "injoignable", "volet", "alzheimer", "desorient", "disparu", "fugue",
        "decroch", "vu", "ouvr", "deborde",
    ),
    "personne vulnérable": (
        "err", "pyjama", "chausson", "perdu", "desorient", "trembl", "grelott", "hypotherm", "parle", "froid", "air", "repond", "moins", "par",
    ),
    "animal sur la route": (
        "chien", "chat", "cheva", "vache", "mouton", "chevreuil", "biche", "sanglier", "anima",
        "poney", "renard", "cerf", "chevre", "ane", "taureau", "veau", "cygne", "canard", "oie",
        "poule",

    ),
    "chute de matériaux": (
        "tomb", "chut", "detach", "effrit", "menac", "bascul", "ecroul", "couch", "renvers", "sol", "travers", "descell", "instable", "branl", "vacill", "souleve", "envol", "arrach", "pench", "risque", "oscill", "dangereus",
        "decroch", "plie", "tordu", "peut", "pourr", "moment", "milieu", "depass", "saillant", "coupant",
        "tranchant", "casse", "effondr",
    ),
    "frelons": ("frelon", "guepe", "essaim"),
    "effondrement": ("effondr", "ecroul", "affaiss", "eboul", "cede", "bouge", "trembl", "fissur", "craqu", "ecarte", "agrandi"),
    "danger": (
        "danger", "accident", "bless", "agress", "faire", "tuer", "mort", "saign", "ouvr",
        "coup", "piqu", "renvers", "percut", "fauch", "terre", "sol", "tousse", "chlore", "vapeur", "emanation", "respir", "attaqu", "mord", "fusee", "petard", "mortier", "projectile", "tir", "risqu", "menac", "va", "vont",),
}  # fmt: skip


_TREE = (
    r"arbres?|branches?|platanes?|tilleuls?|chenes?|peupliers?|marronniers?|bouleaux?"
    r"|sapins?|pins?|saules?|erables?|frenes?|hetres?"
)
_FALLEN = (
    r"tomb\w*|chut\w*|chu|effondr\w*|pench\w*|deracin\w*|menac\w*|couch\w*|en travers"
    r"|s'(?:est |sont )?abatt?u?\w*"
    r"|(?:bloqu|barr)\w* (?:la |le |l'|toute la )?(?:route|rue|avenue|chaussee|passage|voie|piste"
    r"|circulation|acces|boulevard)|ecrase\w* (?:une|la|ma|sa|des) (?:voiture|maison|toit)"
)
_BRANCH_STATE = r"cass\w*|arrach\w*|pend\w*|fendu\w*|craqu\w*"
_PERSON = (
    r"mere|pere|maman|papa|voisine?|voisins|grand-mere|grand-pere|grand mere|grand pere|mamie|papi|papy|tante|oncle"
    r"|frere|soeur|amie?|mari|femme|epoux|epouse|personne agee|dame|monsieur|homme|sdf|fils|fille"
    r"|belle-mere|beau-pere|locataire|collegue|mec|gars|vieux|vieille|joueur|joueuse|passante?"
    r"|motard|livreur|retraitee?|jeune|ado|pensionnaire"
)
_CHILD = (
    r"enfants?|fils|filles?|garcons?|gamine?s?|petite?s?|bebes?|ados?|adolescente?s?|fillette"
    r"|bambin|nino|neveu|niece|petit-fils|petite-fille|loulou|gosses?|momes?|minots?"
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
    r"|a22|a1|grand boulevard|milieu de la rue|milieu de la route|voies|entre les voitures"
    r"|bande d'arret d'urgence|bas-cote|bas cote|bretelle|peripherique|departementale|nationale"
    r"|au milieu des voitures|avenue|d\d+"
)
_HOLE = (
    r"trous?|tranchees?|excavation|plaques? d'egout|bouches? d'egout|plaques? de fonte"
    r"|trappes?(?: d'egout)?"
    r"|nids? de poule|nids?-de-poule|affaissement|effondrement|cratere|regards? d'egout"
)
_OPEN_HOLE = (
    r"beant\w*|enorme\w*|profond\w*|ouverte?s?|non protege\w*|pas protege\w*|non balise\w*"
    r"|pas balise\w*|sans barriere|sans protection|pas signale\w*|non signale\w*|dangereu\w*"
    r"|failli (?:\S+ ){0,2}(?:tomb\w*|chut\w*|se (?:tordre|casser|blesser|tuer|faire))|piege"
    r"|manquante?|disparu\w*|arrache\w*|tomb\w*|chut\w*|souleve\w*|plus de (?:plaque|couvercle)"
    r"|sans (?:plaque|couvercle)|d'un metre|de \d+(?:[.,]\d+)? ?(?:m|metres?|cm)\b|saute\w*|au milieu de la (?:rue|route|chaussee)|(?:plaque|couvercle) (?:\S+ )?(?:enleve|vole|deplace)\w*"
    r"|danger|tordu\w*|se casser|casser la figure|blesse\w*|de profondeur|on voit pas le fond"
    r"|on ne voit pas le fond|(?:aucune|plus de|sans|pas de) (?:\S+ )?(?:barrieres?|protections?"
    r"|balisage|rubalise|signalisation)"
)
_LIGHTS = (
    r"feux tricolores?|feu tricolore|feux de signalisation|feu de signalisation|feux rouges?"
    r"|feu rouge|feux|feu pieton|feux pietons|signalisation lumineuse|les feux|le feu"
)
_OUT = (
    r"en panne|panne|eteinte?s?|marche plus|marchent plus|marcher plus|fonctionne plus"
    r"|fonctionnent plus|fonctionner plus|marche pas|marchent pas|marcher pas|fonctionne pas"
    r"|fonctionnent pas|fonctionner pas|hs|clignot\w*|orange en permanence|tous au vert"
    r"|deregle\w*|detraque\w*|hors service|bloque\w* au (?:vert|rouge|orange)"
    r"|(?:restent|reste|toujours) au vert|morts?|sans courant|(?:ne )?s'allument (?:plus|pas)"
    r"|en rade|out|dans le noir"
)
_ICY = r"gele\w*|glace|glacee?s?|glissant\w*|verglac\w*|une (?:vraie )?patinoire"
_GROUND = (
    r"trottoirs?|routes?|chaussees?|rues?|ponts?|pistes? cyclables?|escaliers?|parvis"
    r"|passerelles?|rampes?|cote|descente|voie|paves?|marches|sol"
)
_CABLE = (
    r"cables?(?: electri\w*)?|fils? electri\w*|lignes? electri\w*|poteaux?(?: electri\w*)?"
    r"|(?:armoires?|boitiers?|coffrets?|transformateurs?|compteurs?|tableaux?) electriques?"
    r"|prises? electriques?"
)
_LIVE = (
    r"a nu|denude\w*|pend\w*|au sol|par terre|a terre|arrach\w*|tomb\w*|etincelle\w*|gresill\w*"
    r"|fume\w*|ouverte?s?|dans l'eau|sur la route|sur le trottoir|sur la chaussee|touch\w*"
    r"|eventre\w*|a l'air|apparents?"
)

RULES: tuple[UrgentRule, ...] = (
    _rule(
        "gaz",
        "sécurité",
        near(
            r"gaz|gas|gaze",
            r"odeurs?|sent\w*|sens|senti\w*|fuite\w*|fuir|fuit|explos\w*|renifl\w*|pue\w*|puer|pu"
            r"|empest\w*|schlingu\w*|respir\w*|siffl\w*",
            5,
        ),
        r"\b(?:ca|sa|ça) (?:sent|pue|pu|schlingue|empeste) (?:\S+ )?(?:le |du )?(?:gaz|gas|gaze)\b",
        near(
            r"essence|carburant|fioul|gasoil|gazole|hydrocarbures?",
            r"odeurs?|sent\w*|pue\w*|fuite\w*|fuit|coule\w*|flaque\w*",
            4,
        ),
    ),
    _rule(
        "incendie",
        "sécurité",
        r"\bincendies?\b|\bincendi\w+\b",
        r"\b(?:au|en|prend|prendre|pris|prise|prennent) feu\b",
        r"\bfeu (?:\S+ ){0,2}(?:pris|prend|prendre|parti|declare|declarer|se propage|propager)\b",
        r"\b(?:il y a|y a|y'a|ya|il ya) (?:le |du )?feu\b(?! au lac)|\bdu feu dans\b|\b(?:ca|ça|sa) (?:brule|crame)\b",
        # an explosion now (not of prices nor of joy), windows blown out
        r"\bexplosions?\b(?! (?:des? |du |de la |d'|un |le |la |les )?(?:prix|loyers?|impots?|joie|rire|couleurs?"
        r"|saveurs?|factures?|tarifs?|demographique|cas|ventes?|naissances?|chiffres?|budgets?))"
        r"|\bvitres? soufflee?s?\b",
        r"\ben train de (?:bruler|cramer|flamber|prendre feu)\b",
        r"\b(?:odeur|sent|sentir|sens) (?:de |le |du )?(?:plastique )?(?:brule|crame|roussi)\b"
        r"|\bodeur de (?:cram|fume)\w*",
        r"\b(?:detecteur|detecteurs|alarme|alarmes)\b (?:\S+ ){0,4}(?:sonn\w*|bip\w*|retentit)\b",
        r"\bdepart de feu\b|\bdeparts de feu\b|\bdebut d'incendie\b",
        r"\b(?:mis|mettre|met|mettent|mettant|fout\w*|foutu|allume\w*) (?:le |un )?feu (?:a(?! \d)|au|aux|dans|sous)\b",
        near(r"allume\w* (?:un )?feu", r"prend\w*|prendre|brul\w*|herbes?|haies?|flammes?", 8),
        r"\bfeu (?:de|d'|dans) (?:un |une |la |le |l'|des )?(?:poubelles?|voitures?|vehicules?"
        r"|broussailles?|cheminee|foret|bois|appartements?|maisons?|immeubles?|locale?s?|cave"
        r"|garage|hangar|entrepot|conteneurs?|containers?|herbes?|haies?|champ|cuisine)\b",
        r"\bflammes?\b",
        then(
            r"voitures?|vehicules?|maisons?|immeubles?|poubelles?|conteneurs?|containers?|garage"
            r"|batiments?|appartements?|hangar|bois|haies?|herbes?|broussailles?|scooters?|bus"
            r"|bouteilles?|terrain|dechets|pneus?|palettes?|matelas|cabanes?|abris?|motos?|locale?s?"
            r"|entrepots?|residences?|toits?|toitures?|caves?|voitures?",
            r"brul\w*|crame\w*|flamb\w*",
            3,
        ),
    ),
    _rule(
        "déversement",
        "propreté",
        r"\bseringues?\b",
        near(
            r"(?:bouts?|morceaux|eclats|bris) de verre|tessons?|verre casse|verre brise",
            r"aires? de jeux|bac a sable|pieds nus|enfants?|petits|toboggans?|gamins|pelouse",
            8,
        ),
        near(
            r"deverse\w*|jete\w*|abandonne\w*|laisse\w*|balance\w*|vide\w*",
            r"bidons?|produits? chimiques?|produits? toxiques?|amiante|acide|solvants?"
            r"|huile de vidange|futs?",
            6,
        ),
        # where to bring one's own used syringes is a question for the waste service
        unless=r"\b(?:deposer|deposez|jeter|eliminer|rapporter|ramener|diabet\w*|dasri|traitement"
        r"|ou (?:peut-on|puis-je|faut-il))\b",
    ),
    _rule(
        "fumée",
        "sécurité",
        r"\bfumees?\b(?! (?:de|d') (?:cigarettes?|barbecue|chicha|joint))",
        r"\b(?:ca|sa|il|elle) fume\b",
        unless=_PAST_OR_HABIT,
    ),
    _rule(
        "inondation",
        "travaux",
        r"\binond\w*\b(?! (?:de|d') (?:messages?|lumiere|soleil|bonheur|pubs?|publicites?|spams?"
        r"|courriers?|mails?|appels?))",
        r"\bl'eau (?:\S+ ){0,2}(?:coule|coulent|s'infiltre) (?:jusque |jusqu')?(?:dans|chez) (?:les|la|le"
        r"|l'|nos|mon|ma|des|notre)\b",
        r"\bl'eau (?:\S+ ){0,2}(?:monte|monter|rentre|rentrer|entre|entrer|jaillit|jaillir"
        r"|coule partout|envahit|envahir|arrive)\b",
        r"\beau (?:monte|monter|jaillit|jaillir)\b",
        r"\b(?:l'eau|la flotte) (?:\S+ ){0,3}(?:sort|sortir|deborde|envahit|envahir|atteint|arrive au)\b",
        near(
            r"l'eau|la flotte|innond\w*",
            r"(?:ca|ça|qui) (?:continue de )?monte|continue de monter",
            10,
        ),
        r"\beau partout\b|\bsorti\w* de son lit\b|\bgeysers?\b"
        r"|\b(?:coule|goutte|gouttent|ruisselle|pleut|fuit)\w* (?:du|depuis le|par le|a travers le)"
        r" plafond\b|\bplafond (?:\S+ ){0,2}(?:goutte|coule|fuit|ruisselle)\w*",
        r"\b(?:passage|tunnel|rue|route|cave|sous-sol|parking|garage|tremie|souterrain|jardins?"
        r"|maisons?|champs?|prairies?|quartier|terrains?|pelouses?|parkings?|caves?) (?:\S+ ){0,5}"
        r"(?:est|sont) noye\w*",
        r"\bles pieds dans l'eau\b|\binnond\w*",
        r"\bsous (?:l'|le )?eau\b|\b\d+ ?(?:cm|centimetres?|metres?) d'eau\b",
        r"\b\d+ ?(?:cm|centimetres?) (?:\S+ )?dans (?:le |la |les |l'|mon |ma |notre |nos )?(?:salon|caves?"
        r"|maison|cuisine|garage|sous-sol|rue|jardin|chambre|appartement|rez-de-chaussee|entree)\b",
        r"\b(?:prend|prendre|prennent|pris) l'eau\b",
        r"\bfuites? d'eau\b|\bfuites? de gaz\b|\bfuite (?:enorme|importante|massive)\b",
        r"\bdegats? des eaux\b",
        near(
            r"egouts?|caniveaux?|riviere|marque|canal|bassin|avaloirs?|bouches? d'egout|regards?"
            r"|grilles?",
            r"debord\w*|refoul\w*|deverse\w*|remont\w*|monte|montent|monter|a vue d'oeil|gonfl\w*",
            4,
        ),
        near(
            r"caves?|garages?|sous-sols?|maisons?|appartements?|salon|cuisine|rez-de-chaussee"
            r"|parkings?|souterrains?|tunnels?|passages?|tremies?|rues?|routes?|chaussees?",
            r"pleine?s? d'eau|remplie?s? d'eau|envahie?s? (?:par l'eau|d'eau)",
            6,
        ),
        near(
            r"canalisations?|conduites?|tuyaux?",
            r"eclat\w*|rompu\w*|cede|explos\w*|perc\w*|pete\w*|casse\w*",
            3,
        ),
        unless=_RAIN_HABIT,
    ),
    _rule(
        "arbre",
        "environnement",
        near(_TREE, _FALLEN, 6),
        near(r"branches?|grosses? branches?", _BRANCH_STATE, 3),
        # A branch down in one's own garden, away from any road or person, can wait.
        unless=r"^(?!.*\b(?:route|rue|trottoir|chaussee|voitures?|toit|maison|cables?|fils|bloque"
        r"|piste|passage|enfants?|quelqu'un|personne|ligne)\b).*\bdans (?:mon|notre|son|leur|le)"
        r" jardin\b",
    ),
    _rule(
        "trou",
        "travaux",
        near(_HOLE, _OPEN_HOLE, 8),
        near(
            _HOLE,
            r"tomb\w*|chut\w*|failli (?:\S+ ){0,2}(?:tomb\w*|chut\w*)|blesse\w*|accident\w*",
            9,
        ),
        r"\b(?:plus de|sans|pas de) (?:plaque|couvercle|grille) (?:sur|a|au) (?:la |le |l')?"
        r"(?:bouche|regard|egout|avaloir)",
        # "le regard devant chez moi n'a plus de couvercle", "regard ouvert sans couvercle"
        r"\b(?:regards?|bouches?|egouts?|trappes?|avaloirs?)\b (?:\S+ ){0,6}(?:sans|plus de|pas de"
        r"|n'a plus de|n'a pas de|a perdu son) (?:\S+ )?(?:couvercle|plaque|grille)s?\b"
        r"|\bregards? (?:ouverts?|beants?)\b",
        # the barriers of an open trench lie on the ground
        near(
            r"tranchees?|trous?|fouilles?|excavations?|chantiers?",
            r"barrieres? (?:\S+ ){0,3}(?:par terre|au sol|tombee?s?|renversee?s?|envolee?s?"
            r"|arrachee?s?)|(?:aucune|plus de|sans|pas de) (?:\S+ )?barrieres?",
            8,
        ),
        rf"\b(?:gros|grosse|grand|immense|vrai) (?:{_HOLE})\b",
        near(r"trous?", r"plancher|passerelle|tablier|dalle|ponton", 5),
    ),
    _rule(
        "feux",
        "mobilité",
        near(_LIGHTS, _OUT, 10),
        r"\b(?:plus|aucun) (?:\S+ )?(?:feux?|feu rouge|feux rouges|feux tricolores) (?:\S+ ){0,2}"
        r"(?:qui|ne) (?:marche|marchent|fonctionne|fonctionnent)\b",
        r"\bfeux? (?:\S+ ){0,5}(?:bloque|reste|coince)\w* au (?:vert|rouge|orange)\b",
        r"\bau vert (?:dans|des|pour) (?:les )?(?:deux|2|tous les) (?:sens|cotes)\b",
        r"\bau vert pour (?:les voitures|tout le monde) et (?:pour )?les pietons\b",
    ),
    _rule(
        "signalisation arrachée",
        "mobilité",
        near(
            r"(?:panneaux? )?stop|cedez[- ]le[- ]passage|sens interdit|panneaux? de signalisation"
            r"|feux? de signalisation|feux? tricolores?|feu rouge",
            r"arrach\w*|tomb\w*|au sol|couche\w*|disparu\w*|renverse\w*|plie\w*",
            10,
        ),
    ),
    _rule(
        "objet sur la chaussée",
        "mobilité",
        r"\bperdu (?:\S+ ){0,3}chargement\b",
        r"\bles voitures (?:zigzag\w*|font des ecarts|pilent|slalom\w*|freinent)\b",
        near(
            r"chargement|palettes?|planches?|graviers?|debris|objets?|pneus?|matelas|bidons?"
            r"|caisses?|cartons?|morceaux?|pierres?|parpaings?|sable|huile|gasoil|gazole",
            r"au milieu (?:de la|de l'|du) ?(?:route|chaussee|avenue|rue|rocade|voie|boulevard|bd"
            r"|carrefour|rond-point)|en pleine? (?:bd|boulevard|avenue|route|rocade|voie|carrefour"
            r"|milieu|chaussee)|sur la (?:chaussee|voie|rocade|route|voie rapide)",
            6,
        ),
    ),
    _rule(
        "verglas",
        "mobilité",
        r"\bverglas\w*\b",
        r"\b(?:ca|ça|sa) (?:glisse|patine)\b|\b(?:voitures?|vehicules?|camions?) (?:\S+ )?dans le fosse\b",
        near(_GROUND, _ICY, 4),
        r"\bplaques? de glace\b",
        r"\b(?:c'est|est|sont|devenue?s?|transforme\w* en) (?:une )?(?:vraie |veritable )?patinoire\b",
        near(
            r"glissent|glisse|glissant\w*|gele\w*|verglac\w*|patinoire|neige",
            r"tomb\w*|chut\w*|par terre|au sol|se (?:casser|faire mal)|glissent|pas deneige\w*"
            r"|s'est (?:casse|fait mal|blesse|ouvert)\w*|personne n'a sale|pas sale\w*"
            r"|non deneige\w*",
            8,
        ),
        unless=_PAST_OR_HABIT,
    ),
    _rule(
        "électricité",
        "sécurité",
        near(_CABLE, _LIVE, 4),
        r"\betincel\w*|\belectrocut\w*\b|\bcourt-circuit\b",
        near(r"fils?|cables?", r"denude\w*|a nu|a vif", 3),
        near(
            r"lignes?|fils?|cables?",
            r"tombee?s? (?:sur|par|a|au) (?:la |le |l')?(?:chaussee|route|rue|trottoir|terre|sol"
            r"|voiture|voie)",
            2,
        ),
        r"\bles fils (?:electriques |\S+ )?(?:sont |qui )?(?:a nu|denude\w*|pend\w*|a l'air|apparents"
        r"|sortent)",
    ),
    _rule(
        "enfant perdu",
        "sécurité",
        rf"\b(?:{_CHILD})\b (?:\S+ ){{0,4}}(?:s'est|se sont|se etre|est|sont|etre) (?:\S+ )?"
        rf"(?:{_LOST})\b(?! sans)",
        rf"\b(?:perdu|perdre|cherche|cherchons|cherchez|disparition de|ne trouve plus|ne trouvons"
        rf" plus|ne retrouve plus|ne retrouvons plus|ne retrouver plus) (?:\S+ )?"
        rf"(?:mon|ma|notre|nos|mes|son|sa|un|une|le|la|leur) (?:petite? |jeune )?(?:{_CHILD})\b",
        rf"\b(?:{_CHILD})\b (?:\S+ ){{0,5}}(?:introuvable|a disparu|a fugue|porte disparu\w*)\b",
        near(
            _CHILD + r"|chiens?",
            r"(?:enferme|oublie|laisse)\w* (?:\S+ ){0,3}(?:voiture|vehicule)|seule? dans (?:une|la|sa)"
            r" voiture",
            5,
        ),
        rf"\b(?:{_CHILD}) (?:perdue?s?|egare\w*|disparue?s?)\b(?! sans)",
        rf"\b(?:{_CHILD}) (?:de |d')(?:\S+ ){{1,3}}(?:perdue?s?|egaree?s?|disparue?s?)\b",
        rf"\b(?:{_CHILD}) (?:tout |toute )?seule?s?\b (?:\S+ ){{0,7}}(?:pleur\w*|cherch\w*|perdu\w*)",
        r"\bcherch\w* (?:sa maman|son papa|ses parents|sa mere|son pere)\b",
        r"\b(?:trouve|retrouve) (?:plus|pas) (?:sa maman|son papa|ses parents|sa mere|son pere)\b",
        near(
            _CHILD,
            r"n'est (?:toujours )?pas (?:rentre|revenu|arrive)\w*|n'y est (?:jamais|pas) arrive\w*"
            r"|portable (?:est )?(?:coupe|eteint)|(?:personne|on) ne l[ea]? ?"
            r"(?:trouve|retrouve|voit)\b",
            14,
        ),
        r"\benlev\w* (?:un |une |mon |ma |notre )?(?:enfant|fils|fille)\b",
    ),
    _rule(
        "personne en détresse",
        "sécurité",
        r"\bmalaises?\b|\binconscient\w*\b|\bevanoui\w*\b|\bau secours\b|\bappel a l'aide\b",
        r"\bappel\w* (?:a l'aide|au secours|les secours)\b",
        r"(?:^|[.!] )a l'aide\b|\ba l'aide ?!|\b(?:crie|crient|hurle|hurlent|appelle)\w* (?:a l'aide|au secours)\b",
        r"\bne (?:bouge|respire|bouger|respirer) (?:pas|plus)\b",
        r"\b(?:il|elle|qui) respire (?:mal|difficilement|a peine|tres mal|bizarrement)\b"
        r"|\bau fond (?:du|de la|de l') ?(?:grand |petit )?(?:bassin|piscine|eau|canal|etang)\b",
        near(
            _PERSON + r"|personne|quelqu'un|cycliste|pieton|pietonne|enfant",
            r"(?:allonge|etendu|couche|inanime|inerte)\w* (?:\S+ )?(?:par terre|au sol|sur le"
            r" trottoir|sur la chaussee|sur la voie|sur la route|dans la rue)|ne bouge (?:pas|plus)|tomb\w* (?:par terre|au sol|sur le"
            r" trottoir|sur la chaussee|dans la rue|dans l'escalier|dans les escaliers)"
            r"|(?:n'arrive|n'arriver|ne peut|ne pouvoir|n'arrivons) (?:pas|plus) a (?:se|la|le) relever"
            r"|(?:ne )?(?:peut|pouvoir|arrive|n'arrive) (?:pas|plus) (?:a )?se (?:re)?lever",
            5,
        ),
        near(
            _PERSON + r"|personne|quelqu'un|cycliste|pieton|pietonne|enfant|gamin|il|elle",
            r"ne (?:reagit|reagir) (?:pas|plus)|reagit (?:pas|plus)"
            r"|(?:ne )?(?:bouge|respire) (?:pas|plus|presque plus)|ne se rel[eè]v\w* (?:pas|plus)"
            r"|ne se relever (?:pas|plus)|(?:peut|arrive) (?:pas|plus) (?:a )?se (?:re)?lever|allonge\w* (?:sur|dans) (?:le|la|un|une) (?:banc|trottoir"
            r"|sol|herbe|route|escalier|pelouse|chaussee|hall|parking)",
            10,
        ),
        near(r"glace", r"craqu\w*|cede|se brise|se fissure|casse", 6),
        r"\btomb\w* (?:dans|a) (?:le |la |l')?(?:canal|riviere|eau|marque|bassin|etang|lac|deule"
        r"|fosse)\b",
        r"\bdetresse\b|\bsuicid\w*\b|\bse noie\b|\bnoyade\b|\ben train de se noyer\b"
        r"|\bs'est (?:presque |quasiment |a moitie )?noye\w*|\bfailli se noyer\b",
        r"\bcoince\w* (?:la|le|sa|son|les|ses) (?:main|doigt|doigts|pied|jambe|bras|tete)\b"
        r"|\bcoince\w* (?:sur|dans|sous) (?:le |la |l'|un |une )?(?:toit|ascenseur|arbre|voiture"
        r"|decombres|grille)\b|\b(?:n')?arrive (?:plus|pas) a (?:redescendre|descendre)\b",
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
            r"|(?:a|est|etre|avoir) (?:disparu|fugue)|ne decroche (?:plus|pas)|decroche (?:plus|pas)"
            r"|repond ni|(?:pas|plus) vue? depuis|n'ouvre (?:pas|plus)|personne ne (?:repond|ouvre)"
            r"|(?:courrier|boite aux lettres|boite) (?:\S+ ){0,2}deborde\w*",
            12,
        ),
        # "ne répond pas au téléphone mais c'est normal, elle est chez sa fille"
        unless=r"\b(?:c'est normal|rien d'inquietant|pas d'inquietude|pas de panique|(?:il|elle)"
        r" est (?:chez|en vacances|partie?|a l'hopital|en voyage)|en vacances|tout va bien)\b",
    ),
    _rule(
        "violence",
        "sécurité",
        r"\b(?:bagarres?|rixes?|bastons?|castagne)\b",
        near(
            r"couteaux?|machettes?|armes?(?: a feu| blanche)?|pistolets?|fusils?",
            r"menac\w*|brandi\w*|sorti\w*|agress\w*|poignard\w*|blesse\w*|attaqu\w*|pointe\w*"
            r"|bagarre\w*|se battent|tire\w*|coups?",
            6,
        ),
        r"\barmee?s? (?:d'un|d'une|de|avec) (?:couteau|machette|arme|pistolet|fusil|batte|barre|hache)"
        r"|\bse (?:battent|bagarrent|tapent dessus)\b|\btabass\w*\b|\bpoignard\w*\b"
        r"|\bcoups? de couteau\b|\b(?:tire|tirent) (?:en l'air|sur (?:des|les|un|une))\b",
        r"\bfrapp\w* (?:un|une|quelqu'un|une femme|un homme|un jeune|une dame)\b",
        unless=_PAST_OR_HABIT,
    ),
    _rule(
        "personne vulnérable",
        "social",
        near(
            r"sdf|sans[- ]abri|sans domicile|personne (?:agee|a la rue)|monsieur|dame|homme|femme"
            r"|papy|mamie|papi|grand-pere|grand-mere|personne|vieux monsieur|vieille dame",
            r"erre\w*|en pyjama|en chaussons|(?:a|avoir) l'air (?:perdue?|desorientee?|tres mal|mal)"
            r"|desoriente\w*|trembl\w*|grelott\w*|hypotherm\w*|par -\s?\d+|il fait -\s?\d+"
            r"|parle (?:presque |plus )?(?:plus|trop|pas)|meurt de froid|mort de froid"
            r"|ne sai[st] plus (?:ou|qui|comment)|assise? par terre"
            r"|repond (?:presque |plus )?(?:plus|pas)|(?:a|par) (?:moins|-) ?\d+",
            16,
        ),
        unless=_PAST_OR_HABIT,
    ),
    _rule(
        "animal sur la route",
        "mobilité",
        near(_ANIMAL, _ROAD, 8),
        near(
            r"chevaux|cheval|vaches?|moutons?|taureau|poneys?|chevres?|sangliers?",
            r"echappe\w*|en liberte|divagu\w*|se promen\w*|errant\w*|galop\w*|trott\w*",
            4,
        ),
    ),
    _rule(
        "chute de matériaux",
        "travaux",
        near(
            r"briques?|pierres?|tuiles?|morceaux?|facades?|corniches?|balcons?|gouttieres?|enduit"
            r"|(?:faux )?plafonds?|vitres?|cheminees?|echafaudages?|beton|parpaings?|ardoises?|crepi"
            r"|plaques?|projecteurs?|spots?|enseignes?|panneaux?|lustres?|luminaires?",
            r"tomb\w*|chut\w*|se detach\w*|detache\w*|s'effrit\w*|menac\w* de (?:tomber"
            r"|s'effondrer|ceder)|va tomber|risque de tomber|bascul\w*|s'ecroul\w*"
            r"|(?:se )?decroch\w*|(?:peut|pourrait|peuvent|pourraient) (?:\S+ )?tomber",
            6,
        ),
        near(
            r"barrieres?|palissades?|plots?|grilles? de chantier|panneaux? de chantier"
            r"|echafaudages?|grues?|lampadaires?|poteaux?|mats?|buts?|cages?|paniers? de basket"
            r"|portails?|chapiteaux?|tentes?|barnums?|stands?|structures?|scenes?|podiums?|toits?"
            r"|toitures?|toles?|murs?|murets?|clotures?",
            r"couchee?s?|tombee?s?|tombent|tombe|renverse\w*|au sol|en travers|descell\w*|bascul\w*"
            r"|instables?|branl\w*|vacill\w*|se souleve\w*|s'envol\w*|envole\w*|volent|arrache\w*"
            r"|menac\w* de tomber|va tomber|risque de tomber|pench\w*|oscill\w*|dangereusement"
            r"|plie\w*|tordu\w*|(?:peut|pourrait|peuvent|pourraient) (?:\S+ )?tomber"
            r"|a tout moment|(?:se )?decroch\w*|au milieu de la (?:route|rue|chaussee)",
            8,
        ),
        # broken play equipment with metal sticking out, where children play
        near(
            r"toboggans?|balancoires?|tourniquets?|jeux|structures?|grilles?|barrieres?|bancs?"
            r"|cages?|buts?|paniers?",
            r"(?:tiges?|clous?|vis|pointes?|ferrailles?|barres?|morceaux?|bouts?|lames?|eclats?)"
            r" (?:\S+ ){0,3}(?:qui )?(?:depass\w*|saillant\w*|coupant\w*|tranchant\w*)"
            r"|casse\w* net|(?:s'est |se sont )?(?:decroch|effondr|ecroul)\w*",
            10,
        ),
    ),
    _rule(
        "frelons",
        "environnement",
        near(
            r"nids? de (?:frelons?|guepes?)|frelons?(?: asiatiques?)?|guepes?|essaims?",
            r"piqu\w*|attaqu\w*|enorme|geant|au-dessus|au dessus|entree|juste (?:au|a cote|devant)"
            r"|cour|recre\w*|ecole|creche|classe|aire de jeux"
            r"|enfants?|agressi\w*|allergi\w*",
            8,
        ),
    ),
    _rule(
        "effondrement",
        "travaux",
        r"\beffondr\w*\b|\bs'est ecroule\w*\b|\bs'ecroul\w*\b|\bmenace de s'effondrer\b",
        r"\baffaiss\w*\b|\beboulement\w*\b|\b(?:sol|chaussee|trottoir|mur|plafond|toit) (?:\S+ )?cede\b",
        near(
            r"ponts?|passerelles?|murs?|murets?|balcons?|facades?|escaliers?|toits?|plafonds?"
            r"|planchers?|tribunes?|gradins?",
            r"bouge\w*|trembl\w*|fissures? (?:\S+ ){0,2}(?:s'agrandi\w*|s'elargi\w*|grandi\w*)"
            r"|(?:s'agrandi|s'elargi)\w* (?:a vue d'oeil|de minute en minute)|craqu\w*"
            r"|s'ecarte\w*",
            6,
        ),
    ),
    _rule(
        "danger",
        "sécurité",
        r"\bdanger (?:immediat|de mort|imminent)\b|\ben danger\b|\battention danger\b",
        r"\baccidente?s?\b(?! (?:de parcours|du travail))|\bblesse\w*\b|\bagression\w*\b"
        r"|\bagresse\w*\b",
        r"\bse (?:faire mal|blesser|tuer)\b|\bva y avoir un mort\b",
        r"\bs'(?:est )?ouvr\w* (?:la |le |l')?(?:jambe|bras|tete|main|genou|front|arcade|pied"
        r"|menton)\b|\bs'ouvrir (?:la |le |l')?(?:jambe|bras|tete|main|genou|front|arcade|pied)\b",
        r"\b(?:vient|viennent|venir) de se (?:blesser|couper|faire mal|faire renverser|faire mordre"
        r"|faire piquer)\b|\bse (?:sont|est|etre) (?:deja )?fait (?:piquer|mordre|renverser)\b",
        r"\bsaign\w*\b",
        near(r"chiens?|pitbulls?|molosses?", r"attaqu\w*|mord\w*|agress\w*", 4),
        near(
            r"fusees?|petards?|mortiers?|projectiles?|tirs?",
            r"vers (?:le public|la foule|les gens|les spectateurs)|sur (?:le public|la foule|les gens"
            r"|les spectateurs)|dans (?:le public|la foule)|(?:ete )?touchee?s?",
            6,
        ),
        r"\b(?:renverse\w*|percute\w*|fauche\w*) (?:un|une|le|la) (?:pieton|pietonne|enfant|cycliste"
        r"|personne|dame|monsieur|homme|femme|jeune|motard|ado|gamin|petit)\b",
        r"\b(?:il|elle) est (?:tombee? )?(?:par terre|au sol|a terre)\b",
        near(
            _PERSON + "|" + _CHILD + r"|gens|quelqu'un|ils|elles",
            r"(?:risqu\w*|menac\w*) de (?:tomber|chuter|se tuer|basculer)|(?:va|vont) (?:tomber|chuter"
            r"|basculer)(?! (?:en panne|malade|amoureu\w*|dans le panneau))",
            6,
        ),
        near(
            r"chlore|vapeurs?|emanations?|produits? (?:chimiques?|toxiques?)|odeur (?:chimique"
            r"|tres forte)|javel|ammoniac",
            r"tousse\w*|toussent|pique\w*|piquent|respir\w*|malaise\w*|vomi\w*|irrit\w*"
            r"|mal a la tete",
            10,
        ),
    ),
)

# Phrases that contain an urgent word but are no emergency.
_NOT_URGENT = re.compile(
    r"\bfeux? (?:d'artifices?|de joie|de camp|de la saint-jean|de la st jean|de bengale|de cheminee)\b"
    r"|\bfeu vert\b|\b(?:c'etait|c'est|c'etre|etait|trop|vraiment|grave) (?:le |du |de )?feu\b"
    r"|\b(?:mis|mettre|met|mettez|mettent|mis) le feu (?:a la|au|aux|a l') ?(?:braderie|fete"
    r"|soiree|concert|salle|scene|piste|dancefloor|ambiance|public|stade|conseil|debat|reseaux"
    r"|toile|assemblee|reunion|foule|hippodrome)\w*\b"
    r"|\b(?:mis|mettre|avoir mis|met|mettez|mettent) le feu\b(?! (?:a|au|aux|dans|sous)\b)"
    r"|\btomb\w* en panne\b|\bparti\w* en fumee\b|\bnumeros? (?:a appeler|d'urgence|utiles?)\b"
    r"|\bpierres? tombales?\b|\btombeaux?\b|\banti-? ?(?:inondations?|crues?|incendies?)\b"
    r"|\b(?:films?|series?|documentaires?|livres?|romans?|expositions?|expos?|conferences?"
    r"|spectacles?|pieces?) (?:sur|catastrophe|de|d'|du|des) (?:les? |la |l'|des )?\S+"
    r"|\b(?:avant qu'il y ait|il y aura|il y avoir|y aura|risque d'y avoir|finir par avoir) (?:un |une |des )?"
    r"(?:accidents?|morts?|drames?|blesses?)\b"
    r"|\bque faire (?:si|en cas)\b(?: [^\s,.!?;]+){0,5}"
    r"|\b(?:eviter|empecher) (?:que|qu'|les? |la |l')(?: ?[^\s,.!?;]+){0,5}"
    r"|\b(?:il y aura|y aura|il va y avoir|risque d'y avoir) (?:du |de la |des |un |une )?"
    r"(?:verglas|neige|orages?|gel|inondations?|crues?)\b"
    r"|\battention (?:aux?|a la|a l') ?(?:inondations?|verglas|crues?|orages?|incendies?|inondation)\b"
    r"|\b(?:verglas|neige|gel|orages?) (?:\S+ )?(?:demain|ce soir|cette nuit|la semaine prochaine"
    r"|ce week-end)\b"
    r"|\bperdue?s? dans (?:ses|les|mes|son|sa|leurs?|ces) (?:revisions|pensees|reves|livres"
    r"|devoirs|papiers|demarches|explications|calculs|lectures|jeux)\b"
    r"|\bs'il (?!vous plait|te plait)(?:[^\s,.!?;]+ ?){0,5}"
    r"|\b(?:si|au cas ou) (?!vous plait|te plait)(?:jamais |un jour |par exemple )?(?:on|je|j'|vous|nous|il y a|y a"
    r"|ca|quelqu'un|un enfant|une personne|il|elle|la|le|les|l'|un|une)\b(?: [^\s,.!?;]+){0,5}"
    r"|\b(?:collecte|boites?|recuperateurs?|bornes?) (?:de |a |des )?seringues?\b"
    r"|\bexercices? (?:d'evacuation |de )?(?:incendie|evacuation)\b|\bexercice incendie\b"
    r"|\btrou normand\b|\btrous? de memoire\b|\b(?:bouches?|bornes?|poteaux?) d'incendie\b"
    r"|\b(?:pas|aucun|sans|plus) (?:de |d')?(?:danger|urgence)\b|\bpas urgent\b"
    r"|\b(?:pas|plus|peu|nullement) (?:tres |si |trop |vraiment )?dangereu\w*|\brien de grave\b"
    r"|\bpas (?:tres |si )?grave\b"
    # a small animal hurt away from any road is no danger to people
    r"|\b(?:herissons?|oiseaux?|pigeons?|chats?|chatons?|cygnes?|canards?|ecureuils?|hiboux?"
    r"|chouettes?|mouettes?|tortues?|lapins?) (?:\S+ )?blesse\w*"
    r"(?!.*\b(?:route|chaussee|rue|voie|boulevard|avenue|rocade|circulation)\b)"
    # a small leak at home is a plumber's job, not an emergency
    r"|\b(?:petite|legere|lente) fuite\b|\bfuite (?:d'eau )?(?:sous|a|au|du|de) (?:mon |ma |l'|le |la )?"
    r"(?:evier|robinet|lavabo|chasse d'eau|wc|toilettes|radiateur|chauffe-eau|baignoire|douche)\b"
    r"|\b(?:personne|aucun|aucune|pas de|sans|ni) (?:\S+ )?(?:n'a ete |n'est |de )?blesse\w*"
    r"|\bn'(?:a|ont) pas ete blesse\w*"
    # lost in a school subject or in paperwork, not in the street
    r"|\bperdu\w* (?:en|avec les?|dans les?) (?:maths?|francais|anglais|physique|chimie|histoire"
    r"|orthographe|grammaire|sciences|cours|informatique|paperasse|papiers|demarches|formulaires?)\b"
    # feelings: "je m'effondre", "effondrée de fatigue"
    r"|\b(?:je m'effondre|m'effondr\w*|suis effondree?|sommes effondre\w*|effondree?s? (?:de|en)"
    r" (?:larmes|fatigue|rire))\b"
    # an alarm ringing for nothing is a nuisance
    r"|\b(?:alarmes?|sirenes?|detecteurs?) (?:\S+ ){0,4}(?:sonn\w*|bip\w*) (?:\S+ )?(?:dans le vide"
    r"|pour rien|sans raison|sans arret)\b"
    r"|\b(?:alarmes?|sirenes?|detecteurs?) (?:incendie |de fumee )?(?:\S+ ){0,3}(?:teste\w*|essai\w*)\b"
    r"|\bpompiers? (?:volontaires?|portes ouvertes)\b|\bportes ouvertes des pompiers\b"
    r"|\bretrouve\w* (?:sain|saine|sains|saines) et sau\w*\b|\ba ete retrouve\w*\b|\bretrouvee?\b"
    r"|\bcalendriers? des pompiers\b|\bbal des pompiers\b|\bsainte-barbe\b"
    r"|\bfeu rouge (?:devant|pres|a cote)(?=.*\b(?:stationn|gare|garee)\w*)"
    r"|\bbrule\w* (?:au|du|de) soleil\b|\bcreme brulee\b"
    r"|\binond\w* de (?:soleil|lumiere|fleurs|monde)\b"
    r"|\b(?:inondations?|incendies?|tempetes?|accidents?|orages?|verglas|neige|gel|crues?)"
    r" (?:de|d'|du|en) (?:l'an|l'annee|l'hiver|l'ete|20\d\d|19\d\d|[5-9]\d\b|mois dernier|la semaine derniere"
    r"|l'automne)\w*"
    r"|\b(?:risques?|previsions?|alerte meteo|vigilance) (?:de |d'|au |aux )?(?:verglas|orages?"
    r"|inondations?)\b|\bverglas (?:annonce|prevu|attendu)\w*"
    r"|\bfumees? (?:de|d'|du|des) (?:la |l')?(?:cigarettes?|barbecues?|chicha|joints?|cheminees?)\b"
    r"|\bbelle chute\b|\bchute de neige\b|\bchutes de neige\b"
    r"|\bdetecteurs? (?:de fumee|incendie|de monoxyde)s?\b(?! (?:\S+ ){0,4}(?:sonn|bip|retentit))"
    r"|\bcrottes? de chiens?\b|\bdejections? canines?\b"
    r"|\brisques? d'inondations?\b|\bzones? inondables?\b|\binondable\b"
    r"|\b(?:contre|prevention des|prevention de|plan) (?:les? |la |l')?inondations?\b"
    r"|\b(?:prevention|risques?|consignes?|formation|atelier|securite|exercices?"
    r"|guide|conseils?|sensibilisation|campagne|simulation|assurance) (?:\S+ ){0,2}"
    r"(?:incendies?|inondations?|fumees?|gaz|noyades?)\b"
    r"|\ben cas (?:d'|de )(?:\S+ )?(?:incendies?|inondations?|fuite|malaise|accident|verglas)\b"
)


# A title in quotes ("l'expo « Incendies »") names no event. Apart from _NOT_URGENT: an
# alternative that does not open on a word boundary makes that whole pattern 10x slower.
_QUOTED = re.compile(r"«[^»]{1,60}»|“[^”]{1,60}”")


def _set_aside(text: str) -> str:
    if "«" in text or "“" in text:
        text = _QUOTED.sub(" ~ ", text)
    return _NOT_URGENT.sub(" ~ ", text)


_WORD = re.compile(r"[^\W_]+")

# The danger is over: "l'arbre tombé a été enlevé, merci" (but not "n'a pas été enlevé").
_RESOLVED = re.compile(
    r"(?<!n')\b(?:a|ont) (?:bien )?ete (?:enleve|retire|degage|repare|rebouche|securise|evacue"
    r"|nettoye|balise|remis en (?:service|marche)|retrouve|eteint)\w*"
    r"|\bfausse alerte\b|\btout est rentre dans l'ordre\b|\bplus de peur que de mal\b"
    r"|\bmerci (?:pour|de) (?:votre|l'|la|leur) (?:intervention|rapidite|reactivite)"
    r"|(?<!ne )(?<!pas )\btout va bien\b"
)


# A memory, not an event: "l'an dernier", "en 1999", "qui s'en souvient ?" (unless the message
# also says it is happening now).
_LONG_AGO = re.compile(
    r"^(?!.*\b(?:maintenant|en ce moment|actuellement|en cours|vite|urgent\w*|venez|!!))"
    r".*\b(?:l'an dernier|l'annee derniere|l'hiver dernier|l'ete dernier|l'automne dernier"
    r"|il y a (?:\d+|deux|trois|quelques) ans|en (?:19|20)\d\d|souvenirs?|qui se souvient"
    r"|se souvien\w*|me souviens|se rappel\w*|me rappelle|(?:janvier|fevrier|mars|avril|mai|juin"
    r"|juillet|aout|septembre|octobre|novembre|decembre) (?:dernier|passe)"
    r"|qui s'en (?:rappelle|souvient)|vous vous souvenez)\b"
)


# Told as over ("hier", "la nuit dernière", "l'an passé"), with no sign it goes on now.
_NOW = (
    r"^(?!.*\b(?:maintenant|en ce moment|actuellement|en cours|la tout de suite|vite|urgent\w*"
    r"|venez|encore|continue\w*|ca monte|depuis ce matin|ce matin|ce soir|cette nuit"
    r"|aujourd'hui|!!))"
)
_TOLD_PAST = re.compile(
    _NOW
    + r".*(?<!depuis )\b(?:hier|avant-hier|la nuit derniere|l'autre (?:jour|soir|nuit)|la semaine derniere"
    r"|le week-end dernier|le mois dernier|l'an passe|l'annee passee)\b"
)
# Lasting for days: a report to fix, not minutes to act (but a neighbour silent for days IS
# the alarm).
_LASTING = re.compile(
    r"^(?!.*\b(?:maintenant|en ce moment|vite|urgent\w*|venez|!!|ca monte|continue de monter))"
    r".*\b(?:depuis|ca fait|cela fait) (?:\d+|deux|trois|quatre|cinq|plusieurs|des|une|un) (?:jours|semaines|mois"
    r"|semaine|mois)\b"
)
_LASTING_IS_THE_ALARM = frozenset({"personne injoignable", "personne vulnérable"})


def _past_or_lasting(text: str) -> bool:
    return bool(_TOLD_PAST.search(text) or _LASTING.search(text))


# "Le stationnement est une catastrophe depuis des mois, mais là le regard n'a plus de
# couvercle": the months are the parking's, the open hole is now.
_CLAUSE = re.compile(r"[.!?;:]+\s|,?\s(?:mais|par contre|et la|sauf que)\s")


def _now_in_another_clause(rule: UrgentRule, surface: str) -> bool:
    """Whether a clause of its own tells the rule's danger, without past nor lasting words."""
    clauses = _CLAUSE.split(surface)
    if len(clauses) < 2:
        return False
    return any(rule.pattern.search(c) and not _past_or_lasting(c) for c in clauses)


@dataclass(frozen=True)
class Urgency:
    rule: str  # the rule's name: "gaz", "arbre", ...
    theme: str
    words: str  # what matched, as the citizen's text or its lemmas have it


def _trigger_index() -> tuple[dict[str, frozenset[int]], tuple[int, ...]]:
    """Each trigger (a word beginning) -> the rules it opens, and the trigger lengths: a
    message's words are then looked up by their first letters, once for all the rules."""
    index: dict[str, set[int]] = {}
    for number, rule in enumerate(RULES):
        for trigger in rule.triggers:
            index.setdefault(trigger, set()).add(number)
    lengths = tuple(sorted({len(t) for t in index}))
    return {t: frozenset(r) for t, r in index.items()}, lengths


_TRIGGERS, _TRIGGER_LENGTHS = _trigger_index()


def _rules_opened(words: set[str]) -> set[int]:
    opened: set[int] = set()
    for word in words:
        rules = _WORD_RULES.get(word)
        if rules is None:
            rules = _rules_of_word(word)
        opened |= rules
    return opened


# Each word's rules, remembered: a city's messages reuse a few thousand words, and looking
# each word's beginnings up again on every message cost more than the phrase patterns.
_WORD_RULES: dict[str, frozenset[int]] = {}
_WORDS_REMEMBERED = 100_000


def _rules_of_word(word: str) -> frozenset[int]:
    opened: set[int] = set()
    for length in _TRIGGER_LENGTHS:
        if length > len(word):
            break
        rules = _TRIGGERS.get(word[:length])
        if rules:
            opened |= rules
    if len(_WORD_RULES) >= _WORDS_REMEMBERED:
        _WORD_RULES.clear()
    _WORD_RULES[word] = frozen = frozenset(opened)
    return frozen


def find_urgency(message: Lemmatised, extra_keywords: tuple[str, ...] = ()) -> Urgency | None:
    """The first urgent rule that fires, or None; ``extra_keywords`` come from the settings."""
    from beffroi.inbox.text import find_keyword

    folded = message.folded
    surface = _set_aside(folded)
    lemmas = _NOT_URGENT.sub(" ~ ", message.lemmas)
    left: str | None = None  # the lemmas of what is left once phrases are set aside
    opened = _rules_opened(set(_WORD.findall(surface)) | set(_WORD.findall(lemmas)))
    # The message-wide checks (over, a memory, past or lasting) cost a scan each: they run only
    # once a rule has matched, which few messages do.
    over: bool | None = None
    past_or_lasting: bool | None = None
    for number, rule in enumerate(RULES):
        if number not in opened:
            continue
        found = rule.pattern.search(surface)
        if not found and (found := rule.pattern.search(lemmas)) and surface != folded:
            # A phrase set aside on the surface ("perdu en maths", "« Incendies »") must not
            # be found again among the lemmas ("perdre", "incendie"): read the lemmas of what
            # is left (rare: only when the lemmas alone matched).
            if left is None:
                left = _NOT_URGENT.sub(" ~ ", lemmatise(surface).lemmas)
            found = rule.pattern.search(left)
        if not found:
            continue
        if over is None:
            over = bool(_RESOLVED.search(folded) or _LONG_AGO.search(folded))
        if over:
            return None
        if rule.unless is not None and rule.unless.search(folded):
            continue
        if rule.name not in _LASTING_IS_THE_ALARM:
            if past_or_lasting is None:
                past_or_lasting = _past_or_lasting(folded)
            if past_or_lasting and not _now_in_another_clause(rule, surface):
                continue
        return Urgency(rule.name, rule.theme, found.group(0).strip())
    if extra_keywords and not (_RESOLVED.search(folded) or _LONG_AGO.search(folded)):
        for text in (surface, lemmas):
            keyword = find_keyword(text, extra_keywords)
            if keyword:
                return Urgency("mot configuré", "sécurité", keyword)
    return None
