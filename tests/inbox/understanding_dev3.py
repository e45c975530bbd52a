"""A third development set for issue 13 (tuning branch), written BEFORE the rules were tuned on
the spent blind set, phrased on purpose unlike understanding_dev.py, understanding_dev2.py and
heldout_2026_12.py (other streets, misspellings, SMS style, no accents, other verbs), labelled
with the blind writer's conventions (/work/notes/blind_conventions.md: danger inside a
municipal facility takes that facility's theme). Its first measurement, before tuning, is in
docs/inbox.md; after that it is a development set like the others. Same format as
understanding_dev.py.
"""

Y, N = True, False


def m(text, kind, needs_reply, urgent, theme, tone, network="facebook"):
    return {
        "text": text,
        "network": network,
        "kind": kind,
        "needs_reply": needs_reply,
        "urgent": urgent,
        "theme": theme,
        "tone": tone,
    }


# fmt: off
MESSAGES: list[dict] = [
    # ------------------------------------------------------------ urgent: gas, fire, smoke
    m("Ca schlingue le gaz dans toute la cage d'escalier bat C, qui appeler ???", "dm", Y, Y, "sécurité", "negative"),
    m("odeur gaz tres forte rue de Lille a l'angle, les gens sortent des maisons", "comment", Y, Y, "sécurité", "negative", "x"),
    m("Je crois qu'il y a une fuite de gaz sur le chantier avenue Foch, ça siffle", "mention", Y, Y, "sécurité", "negative", "x"),
    m("Une camionnette brûle sur le parking du Super U, grosses flammes", "comment", Y, Y, "sécurité", "negative"),
    m("Feu de poubelles qui se propage vers les haies rue Gounod, vite !", "comment", Y, Y, "sécurité", "negative"),
    m("Il y a de la fumée qui sort du toit d'un pavillon rue Jean Macé", "dm", Y, Y, "sécurité", "negative"),
    m("Un nuage de fumée épaisse au niveau du Croisé-Laroche, on respire mal", "comment", Y, Y, "sécurité", "negative", "bluesky"),
    m("La salle de sport Doumer est pleine de fumée, les enfants ont été sortis", "comment", Y, Y, "sport", "negative"),
    m("Incendie en cours dans un appart résidence du Parc, les pompiers sont pas encore là", "comment", Y, Y, "sécurité", "negative"),
    m("Ça crame derrière le collège, on voit les flammes depuis la rue", "comment", Y, Y, "jeunesse", "negative", "instagram"),
    # ------------------------------------------------------------ urgent: water
    m("L'eau rentre dans les maisons rue du Quesne, on est les pieds dans l'eau", "comment", Y, Y, "travaux", "negative"),
    m("Notre cave est innondée depuis ce matin et ça continue de monter", "dm", Y, Y, "travaux", "negative"),
    m("Une conduite a pété, de l'eau jaillit au milieu de la chaussée rue Pasteur", "comment", Y, Y, "travaux", "negative"),
    m("La Marque déborde sur le chemin de halage, les jardins sont sous l'eau", "comment", Y, Y, "travaux", "negative", "mastodon"),
    m("Le passage sous la voie ferrée est noyé, une voiture est coincée dedans", "mention", Y, Y, "travaux", "negative", "x"),
    # ------------------------------------------------------------ urgent: trees, holes, structures
    m("Un gros chêne s'est abattu en travers de la rue de la Briqueterie", "comment", Y, Y, "environnement", "negative"),
    m("Une grosse branche pend au dessus de l'arret de bus, elle va tomber sur quelqu'un", "comment", Y, Y, "environnement", "negative"),
    m("Le vent a arraché un arbre qui est couché sur une voiture boulevard Clemenceau", "comment", Y, Y, "environnement", "negative"),
    m("Arbre déraciné qui bloque la piste cyclable près du parc Billiau", "comment", Y, Y, "environnement", "negative", "bluesky"),
    m("Plus de plaque sur la bouche d'égout devant le 12 rue Nationale, un trou d'un mètre !", "comment", Y, Y, "travaux", "negative"),
    m("Tranchée du chantier laissée ouverte sans barrière en pleine nuit rue Delcencerie", "comment", Y, Y, "travaux", "negative"),
    m("Un trou béant s'est formé sur le trottoir, un monsieur a failli tomber dedans", "dm", Y, Y, "travaux", "negative"),
    m("Des morceaux de façade tombent sur le trottoir rue du Général Leclerc", "comment", Y, Y, "travaux", "negative"),
    m("Le mur du cimetière est en train de s'écrouler côté rue", "comment", Y, Y, "travaux", "negative"),
    m("Les barrières du chantier sont tombées sur la route, les voitures roulent dessus", "comment", Y, Y, "travaux", "negative"),
    # ------------------------------------------------------------ urgent: electricity, lights
    m("Des fils électriques pendent du poteau et touchent presque le sol rue Foch", "comment", Y, Y, "sécurité", "negative"),
    m("Le boîtier électrique au pied du lampadaire est ouvert et fait des étincelles", "comment", Y, Y, "sécurité", "negative"),
    m("Les feux du carrefour de la Rhonelle sont tous éteints, c'est la pagaille", "comment", Y, Y, "mobilité", "negative", "x"),
    m("feu tricolore hs au croisement avenue de Flandre, deja 2 quasi accidents", "comment", Y, Y, "mobilité", "negative", "x"),
    # ------------------------------------------------------------ urgent: ice, road
    m("Le pont au dessus de la Marque est une patinoire, deux cyclistes par terre", "comment", Y, Y, "mobilité", "negative"),
    m("Trottoirs gelés devant l'EHPAD, une dame vient de chuter", "comment", Y, Y, "mobilité", "negative"),
    m("Un cheval s'est échappé et galope sur la D670, attention !", "comment", Y, Y, "mobilité", "negative", "x"),
    m("Des moutons au milieu de la rocade, les voitures pilent", "mention", Y, Y, "mobilité", "negative", "x"),
    m("Un chien paniqué court entre les voitures sur le Grand Boulevard", "comment", Y, Y, "mobilité", "negative", "instagram"),
    m("Une palette est tombée d'un camion au milieu de l'avenue, les voitures font des écarts", "comment", Y, Y, "mobilité", "negative"),
    # ------------------------------------------------------------ urgent: people
    m("Un petit garçon d'environ 4 ans pleure seul au marché, il ne trouve plus sa maman", "comment", Y, Y, "événements", "negative"),
    m("Ma fille de 7 ans est introuvable depuis 20 minutes au parc du Lazaro, aidez nous", "comment", Y, Y, "sécurité", "negative"),
    m("Un homme est tombé et ne se relève pas devant la pharmacie place du Marché", "comment", Y, Y, "sécurité", "negative"),
    m("Monsieur allongé sur le banc depuis des heures, il ne réagit pas quand on lui parle", "comment", Y, Y, "sécurité", "negative"),
    m("Ma voisine de 88 ans ne répond plus au téléphone ni à la porte depuis hier", "dm", Y, Y, "social", "negative"),
    m("Un SDF grelotte sous l'abri bus, il a l'air très mal, il fait -5", "comment", Y, Y, "social", "negative"),
    m("Bagarre violente devant le bar rue de Lille, un jeune saigne", "comment", Y, Y, "sécurité", "negative", "x"),
    m("Une personne âgée désorientée erre sur la route en pyjama", "comment", Y, Y, "social", "negative"),
    m("Un enfant s'est coincé la main dans le portillon de l'aire de jeux, il hurle", "comment", Y, Y, "jeunesse", "negative"),
    m("Des seringues traînent sous le toboggan du square, les petits jouent à côté", "comment", Y, Y, "jeunesse", "negative"),
    m("Nid de frelons asiatiques énorme juste au dessus de l'entrée de l'école", "comment", Y, Y, "jeunesse", "negative"),
    # ------------------------------------------------------------ innocent danger words
    m("Le feu d'artifice de samedi c'était le feu, merci la ville", "comment", N, N, "événements", "positive", "instagram"),
    m("Souvenir de l'inondation de 1999, la rue du Quesne sous l'eau, qui s'en rappelle ?", "comment", N, N, "environnement", "neutral"),
    m("Quels travaux sont prévus pour éviter que la Marque déborde à nouveau ?", "comment", Y, N, "environnement", "neutral"),
    m("J'ai reçu une facture de gaz énorme, c'est normal ?", "comment", Y, N, None, "negative"),
    m("Je suis tombée amoureuse de la nouvelle médiathèque", "comment", N, N, "culture", "positive", "instagram"),
    m("Besoin d'une carte d'identité en urgence pour un voyage la semaine prochaine, comment faire ?", "dm", Y, N, "démarches", "neutral"),
    m("L'alarme incendie de la mairie a sonné ce matin, fausse alerte, tout est rentré dans l'ordre", "comment", N, N, "sécurité", "neutral"),
    m("Le lampadaire devant chez moi clignote depuis une semaine", "comment", Y, N, "travaux", "negative"),
    m("Petite fuite sous l'évier de la salle des fêtes, rien de grave mais à regarder", "dm", Y, N, "travaux", "neutral"),
    m("Le nid de poule rue Saint-Jean s'agrandit, faudrait le reboucher un jour", "comment", Y, N, "travaux", "negative"),
    m("Des branches mortes dans le parc, pensez à l'élagage cet hiver", "comment", Y, N, "environnement", "neutral"),
    m("Est-ce que les pompiers font toujours leur calendrier cette année ?", "comment", Y, N, None, "neutral"),
    m("Le concert au parc a mis le feu, quelle ambiance !", "comment", N, N, "événements", "positive", "instagram"),
    m("Il y aura du verglas demain d'après Météo France, les routes seront salées ?", "comment", Y, N, "mobilité", "neutral"),
    m("L'arbre tombé hier rue Foch a été enlevé, merci aux services", "comment", N, N, "environnement", "positive"),
    m("Mon fils s'est perdu dans ses révisions, il a hâte que la bibliothèque rouvre 😅", "comment", N, N, "culture", "positive"),
    m("Atelier gestes qui sauvent samedi à la maison des associations : inscription ?", "comment", Y, N, "événements", "neutral"),
    m("Pourquoi la fontaine de la place est-elle vide depuis cet été ?", "comment", Y, N, "travaux", "neutral"),
    m("Les feux de la rue de Lille sont mal réglés, le vert dure 5 secondes", "comment", Y, N, "mobilité", "negative"),
    m("On a perdu notre chat roux quartier du Plouich, si vous le voyez...", "comment", Y, N, None, "negative"),
    m("Exercice d'évacuation au collège ce matin, les enfants étaient ravis", "comment", N, N, "jeunesse", "positive"),
    m("Le barbecue géant de la fête des voisins c'était top", "comment", N, N, "événements", "positive"),
    m("Mon grand-père a fait un malaise l'an dernier, merci encore aux secouristes de la ville", "comment", N, N, "sécurité", "positive"),
    m("Ils ont éteint les lampadaires après minuit pour économiser, c'est voulu ?", "comment", Y, N, "travaux", "neutral"),
    m("Les travaux de la rue Pasteur font un bruit d'enfer dès 7h", "comment", Y, N, "travaux", "negative"),
    m("Ma carte grise est partie en fumée dans le déménagement, je refais comment ?", "dm", Y, N, "démarches", "neutral"),
    # ------------------------------------------------------------ mobilité
    m("Les bus de la ligne L90 passent en avance, on les rate tout le temps", "comment", Y, N, "mobilité", "negative"),
    m("Pourquoi pas une zone 30 devant l'école Pasteur, ça roule trop vite", "comment", Y, N, "mobilité", "negative"),
    m("Il manque des arceaux vélo devant la gare, on attache où ?", "comment", Y, N, "mobilité", "negative"),
    m("Le stationnement alterné rue Lamartine, c'est quel côté ce mois ci ?", "comment", Y, N, "mobilité", "neutral"),
    m("Des trottinettes couchées partout sur les trottoirs du centre", "comment", Y, N, "mobilité", "negative"),
    m("merci pour la nouvelle piste cyclable avenue de la République, enfin !", "comment", N, N, "mobilité", "positive", "mastodon"),
    # ------------------------------------------------------------ propreté
    m("Matelas et frigo abandonnés sur le trottoir rue Curie depuis 10 jours", "comment", Y, N, "propreté", "negative"),
    m("Les corbeilles du parc débordent tous les lundis", "comment", Y, N, "propreté", "negative"),
    m("Quel jour passe la collecte des encombrants à Marcq centre ?", "comment", Y, N, "propreté", "neutral"),
    m("C'est dégueu, des crottes de chien à chaque mètre avenue Foch", "comment", Y, N, "propreté", "negative"),
    m("Bravo aux agents de nettoyage, le marché est impeccable après 14h", "comment", N, N, "propreté", "positive"),
    m("Mon bac jaune n'a pas été vidé cette semaine", "dm", Y, N, "propreté", "negative"),
    # ------------------------------------------------------------ travaux
    m("Combien de temps vont durer les travaux rue de la Marne ?", "comment", Y, N, "travaux", "neutral"),
    m("Le trottoir est défoncé devant la boulangerie, pas pratique avec la poussette", "comment", Y, N, "travaux", "negative"),
    m("Plusieurs lampadaires éteints sur le chemin du Croisé, c'est tout noir le soir", "comment", Y, N, "travaux", "negative"),
    m("Le chantier du nouveau rond-point avance bien, beau boulot", "comment", N, N, "travaux", "positive"),
    # ------------------------------------------------------------ sécurité (not urgent)
    m("Encore un cambriolage dans le quartier du Buisson cette nuit", "comment", Y, N, "sécurité", "negative"),
    m("Des jeunes font des rodéos à moto tous les soirs rue des Trois Couronnes", "comment", Y, N, "sécurité", "negative"),
    m("Peut-on s'inscrire à l'opération tranquillité vacances en ligne ?", "comment", Y, N, "sécurité", "neutral"),
    m("La police municipale est passée très vite, merci à eux", "comment", N, N, "sécurité", "positive"),
    # ------------------------------------------------------------ culture
    m("Le conservatoire prend encore des inscriptions en violon ?", "comment", Y, N, "culture", "neutral"),
    m("L'expo photo à l'hippodrome était magnifique", "comment", N, N, "culture", "positive", "instagram"),
    m("La médiathèque pourrait ouvrir le dimanche ?", "comment", Y, N, "culture", "neutral"),
    m("Spectacle du théâtre de la Rianderie annulé sans prévenir, on est venus pour rien", "comment", Y, N, "culture", "negative"),
    # ------------------------------------------------------------ jeunesse
    m("Les inscriptions au centre aéré de juillet ouvrent quand ?", "comment", Y, N, "jeunesse", "neutral"),
    m("La cantine de l'école Jules Ferry sert trop peu de légumes", "comment", Y, N, "jeunesse", "negative"),
    m("Le toboggan de l'aire de jeux du parc est cassé depuis un mois", "comment", Y, N, "jeunesse", "negative"),
    m("Merci aux animateurs de l'accueil de loisirs, ma fille adore", "comment", N, N, "jeunesse", "positive"),
    # ------------------------------------------------------------ événements
    m("La braderie de septembre aura lieu cette année ?", "comment", Y, N, "événements", "neutral"),
    m("Le marché de Noël ouvre à quelle heure le dimanche ?", "comment", Y, N, "événements", "neutral"),
    m("Superbe ambiance au défilé du 14 juillet, bravo", "comment", N, N, "événements", "positive"),
    m("Comment réserver un stand pour le vide-grenier du quartier ?", "dm", Y, N, "événements", "neutral"),
    # ------------------------------------------------------------ démarches
    m("Je dois refaire mon passeport, il y a des créneaux en janvier ?", "comment", Y, N, "démarches", "neutral"),
    m("Comment obtenir un acte de naissance pour mon père ?", "dm", Y, N, "démarches", "neutral"),
    m("Impossible de prendre rendez-vous pour la CNI sur le site, ça bug", "comment", Y, N, "démarches", "negative"),
    m("Où se faire recenser quand on a 16 ans ?", "comment", Y, N, "démarches", "neutral"),
    m("Merci à l'accueil de l'état civil pour leur gentillesse", "comment", N, N, "démarches", "positive"),
    # ------------------------------------------------------------ environnement
    m("Les abeilles du rucher municipal, on peut acheter le miel ?", "comment", Y, N, "environnement", "neutral"),
    m("Super les nouvelles plantations d'arbres au parc du Lazaro", "comment", N, N, "environnement", "positive"),
    m("La mare du parc est couverte d'algues vertes et sent mauvais", "comment", Y, N, "environnement", "negative"),
    m("Quand a lieu la distribution gratuite de composteurs ?", "comment", Y, N, "environnement", "neutral"),
    m("Pourquoi avoir coupé les vieux tilleuls de l'avenue ? Ils étaient sains", "comment", Y, N, "environnement", "negative"),
    # ------------------------------------------------------------ social
    m("Ma mère a besoin d'un portage de repas à domicile, à qui s'adresser ?", "dm", Y, N, "social", "neutral"),
    m("Le colis de Noël des aînés, il faut s'inscrire ?", "comment", Y, N, "social", "neutral"),
    m("Merci au CCAS pour l'aide à la facture d'énergie", "comment", N, N, "social", "positive"),
    m("Y a-t-il une épicerie solidaire à Marcq ?", "comment", Y, N, "social", "neutral"),
    # ------------------------------------------------------------ sport
    m("La piscine municipale ouvre à quelle heure le samedi ?", "comment", Y, N, "sport", "neutral"),
    m("Les vestiaires du stade Wagner sont dans un état lamentable", "comment", Y, N, "sport", "negative"),
    m("Bravo au club de hand pour la montée en nationale !", "comment", N, N, "sport", "positive"),
    m("On peut réserver le city stade pour un tournoi ?", "comment", Y, N, "sport", "neutral"),
    m("Les courts de tennis couverts sont fermés pourquoi ?", "comment", Y, N, "sport", "neutral"),
    # ------------------------------------------------------------ more, mixed
    m("y a un camion qui a perdu son chargement de gravier sur la rocade, ca glisse de partout", "comment", Y, Y, "mobilité", "negative", "x"),
    m("Le lampadaire est tombé sur le trottoir après l'accident, les fils sont à nu", "comment", Y, Y, "sécurité", "negative"),
    m("Des gamins ont allumé un feu sous le pont, ça commence à prendre dans les herbes sèches", "comment", Y, Y, "sécurité", "negative"),
    m("Le plafond de la salle du conservatoire s'effondre par morceaux pendant le cours", "comment", Y, Y, "culture", "negative"),
    m("Au stade Jean Jaurès un joueur s'est écroulé sur le terrain, il ne respire plus", "comment", Y, Y, "sport", "negative"),
    m("Neige pas déneigée sur la côte de la rue du Molinel, les voitures glissent et se touchent", "comment", Y, Y, "mobilité", "negative"),
    m("Ca sent le brûlé très fort dans le hall de la résidence, personne sait d'où ça vient", "dm", Y, Y, "sécurité", "negative"),
    m("Les feux du passage piéton devant l'école restent au vert pour les voitures ET les piétons", "comment", Y, Y, "mobilité", "negative"),
    m("Le débat sur le PLU a mis le feu au conseil municipal 😂", "comment", N, N, None, "positive", "x"),
    m("J'ai glissé sur une feuille morte l'automne dernier, depuis je fais attention", "comment", N, N, None, "neutral"),
    m("Est-ce que la ville prévoit des sacs de sable si la Marque monte cet hiver ?", "comment", Y, N, "environnement", "neutral"),
    m("La canicule arrive, la salle rafraîchie de la mairie sera ouverte ?", "comment", Y, N, "social", "neutral"),
    m("Les ralentisseurs avenue Foch sont trop hauts, ma voiture racle à chaque fois", "comment", Y, N, "mobilité", "negative"),
    m("Un tag raciste sur le mur de la salle des sports, il faudrait l'effacer", "comment", Y, N, "propreté", "negative"),
    m("Un grand merci pour le marché de Noël, les enfants ont adoré la patinoire", "comment", N, N, "événements", "positive"),
    m("Inscription au cross des écoles : c'est par l'école ou en mairie ?", "comment", Y, N, "sport", "neutral"),
    m("Les jeunes du conseil municipal des enfants ont fait un super travail", "comment", N, N, "jeunesse", "positive"),
    m("Pourriez-vous mettre un banc à l'arrêt de bus Pont de Marcq ? les personnes âgées attendent debout", "comment", Y, N, "mobilité", "neutral"),
    # ------------------------------------------------------------ needs no theme
    m("😂😂😂", "comment", N, N, None, "positive", "instagram"),
    m("👍", "comment", N, N, None, "positive", "instagram"),
    m("@julien_lm trop vrai", "comment", N, N, None, "neutral", "instagram"),
    m("Gagnez un iPhone 15, cliquez sur le lien dans ma bio !!", "comment", N, N, None, "neutral", "instagram"),
    m("Bonne fêtes à tous les marcquois", "comment", N, N, None, "positive"),
    m("J'habite là depuis 40 ans, que de changements", "comment", N, N, None, "neutral"),
    m("Bonjour, j'aimerais parler à quelqu'un du service communication", "dm", Y, N, None, "neutral"),
    m("Toujours aucune réponse à mon mail du mois dernier...", "dm", Y, N, None, "negative"),
    m("Magnifique photo !", "comment", N, N, None, "positive", "instagram"),
    m("@marie.dlx tu viens dimanche ?", "comment", N, N, None, "neutral", "instagram"),
    m("Je recommande ce restaurant à tous, excellent", "comment", N, N, None, "positive"),
]
# fmt: on

_THEMES = {
    "mobilité",
    "propreté",
    "travaux",
    "sécurité",
    "culture",
    "jeunesse",
    "événements",
    "démarches",
    "environnement",
    "social",
    "sport",
    None,
}
for _m in MESSAGES:
    assert _m["kind"] in {"comment", "reply", "mention", "dm"}
    assert _m["theme"] in _THEMES
    assert _m["tone"] in {"positive", "neutral", "negative"}
    assert not (_m["urgent"] and not _m["needs_reply"])
