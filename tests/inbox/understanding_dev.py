"""A development set for themes, urgency and tone (and needs_reply), written for issue 13.

Written by hand BEFORE the new rules, by the developer who writes the rules: it is the set the
rules are tuned on, not a measurement of them (the lead measures on a blind set written by
someone who never saw the rules). Messages are new, not the issue's examples. Labels are what
a community manager of a French town would decide:

- ``urgent``: a danger to people or property right now (gas, fire, smoke, flooding, a fallen
  tree or branch, a hole or trench, traffic lights out, ice, electricity, a lost child, a
  person in distress or not answering, an animal on the road);
- ``theme``: the service the message belongs to, one of the eleven themes (or None);
- ``tone``: positive, neutral or negative.

Format: the one ``python -m beffroi.inbox.evaluate`` reads.

Relabelled 2 Dec 2026 to the blind writer's conventions (/work/notes/blind_conventions.md):
animals loose on the road -> mobilité, flooded cellars -> travaux, a danger inside a municipal
facility or event -> that facility's theme.
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
    # ---------------------------------------------------------------- urgent
    m("Ça sent le gaz dans toute la cage d'escalier de la résidence Pasteur", "dm", Y, Y, "sécurité", "negative"),
    m("Forte odeur de gaz rue du Quesne, on fait quoi ?", "comment", Y, Y, "sécurité", "negative"),
    m("Fuite de gaz devant la boulangerie, les pompiers ne sont pas encore là", "mention", Y, Y, "sécurité", "negative", "x"),
    m("Il y a de la fumée qui sort du local poubelles de l'immeuble", "comment", Y, Y, "sécurité", "negative"),
    m("Une voiture brûle sur le parking du Lazaro", "mention", Y, Y, "sécurité", "negative", "x"),
    m("Des flammes dans le bois derrière le stade, vite !", "comment", Y, Y, "sécurité", "negative"),
    m("Incendie dans un appartement avenue Foch, beaucoup de fumée", "comment", Y, Y, "sécurité", "negative"),
    m("La rue est inondée au niveau du pont, les voitures ne passent plus", "comment", Y, Y, "travaux", "negative"),
    m("Ma cave est inondée depuis l'orage, l'eau continue de monter", "dm", Y, Y, "travaux", "negative"),
    m("Les égouts débordent rue de la Briqueterie, l'eau rentre dans les maisons", "comment", Y, Y, "travaux", "negative"),
    m("Une canalisation a éclaté, l'eau jaillit sur la chaussée", "mention", Y, Y, "travaux", "negative", "x"),
    m("Une grosse branche est tombée sur la piste cyclable, on ne peut plus passer", "comment", Y, Y, "environnement", "negative"),
    m("Des arbres sont tombés avec la tempête dans le parc du Bourg", "comment", Y, Y, "environnement", "negative"),
    m("Le vieux platane penche dangereusement au-dessus de l'arrêt de bus", "mention", Y, Y, "environnement", "negative", "x"),
    m("Il y a un trou béant sur le trottoir, un enfant a failli tomber dedans", "comment", Y, Y, "travaux", "negative"),
    m("La tranchée du chantier n'est pas protégée, c'est un piège la nuit", "comment", Y, Y, "travaux", "negative"),
    m("Une plaque d'égout a disparu rue Jean Jaurès, trou ouvert", "mention", Y, Y, "travaux", "negative", "x"),
    m("Les feux du carrefour de la Croix Blanche ne marchent plus, c'est la pagaille", "comment", Y, Y, "mobilité", "negative"),
    m("Feux tricolores éteints au croisement avenue de Flandre, très dangereux", "mention", Y, Y, "mobilité", "negative", "x"),
    m("Le feu rouge devant le collège reste éteint depuis ce matin", "comment", Y, Y, "mobilité", "negative"),
    m("Trottoirs complètement gelés rue de Lille, ma voisine a glissé", "comment", Y, Y, "mobilité", "negative"),
    m("La côte du pont est une patinoire ce matin, salez svp", "mention", Y, Y, "mobilité", "negative", "x"),
    m("Route verglacée vers le Plouich, deux voitures dans le fossé", "comment", Y, Y, "mobilité", "negative"),
    m("Des câbles pendent du poteau et touchent presque le sol près de l'école", "comment", Y, Y, "sécurité", "negative"),
    m("L'armoire électrique au coin de la rue est ouverte et fait des étincelles", "mention", Y, Y, "sécurité", "negative", "x"),
    m("Un petit garçon de 5 ans s'est perdu au marché, il a un manteau rouge", "comment", Y, Y, "sécurité", "negative"),
    m("Nous avons perdu notre fille au parc Bagatelle, elle a 7 ans, aidez-nous", "dm", Y, Y, "sécurité", "negative"),
    m("Ma mère de 84 ans ne répond plus au téléphone depuis hier, elle habite rue Nationale", "dm", Y, Y, "social", "negative"),
    m("Un monsieur est allongé par terre devant la pharmacie, il ne bouge pas", "comment", Y, Y, "sécurité", "negative"),
    m("Une personne âgée a fait un malaise à l'arrêt du tram, quelqu'un peut appeler ?", "comment", Y, Y, "sécurité", "negative"),
    m("Un chien errant court sur la voie rapide, il va provoquer un accident", "comment", Y, Y, "mobilité", "negative"),
    m("Des vaches se promènent sur la route de Wasquehal !", "mention", Y, Y, "mobilité", "neutral", "x"),
    m("Un cheval échappé au milieu de la chaussée près de l'hippodrome", "comment", Y, Y, "mobilité", "negative"),
    m("Accident grave au rond-point, un cycliste blessé", "comment", Y, Y, "sécurité", "negative"),
    m("Mon voisin ne répond plus depuis trois jours et ses volets restent fermés, j'ai peur", "dm", Y, Y, "social", "negative"),
    m("Un mur de l'ancienne usine s'est effondré sur le trottoir", "comment", Y, Y, "travaux", "negative"),
    # ---------------------------------------------------------------- NOT urgent although the words are close
    m("Le feu d'artifice du 14 juillet était magnifique, bravo !", "comment", N, N, "événements", "positive"),
    m("C'était le feu hier soir au concert, merci la ville 🔥", "comment", N, N, "culture", "positive"),
    m("Vous avez mis le feu à la braderie, quelle ambiance", "comment", N, N, "événements", "positive"),
    m("Feu vert pour le nouveau skatepark, enfin !", "comment", N, N, "jeunesse", "positive"),
    m("Le feu de la Saint-Jean aura lieu à quelle heure ?", "comment", Y, N, "événements", "neutral"),
    m("Les enfants ont adoré l'atelier glace et sorbets", "comment", N, N, "jeunesse", "positive"),
    m("Journée portes ouvertes des pompiers samedi, venez nombreux", "comment", N, N, "événements", "positive"),
    m("Pas d'urgence mais le banc du square est un peu abîmé", "comment", Y, N, "environnement", "neutral"),
    m("Exercice d'évacuation incendie à l'école ce matin, tout s'est bien passé", "comment", N, N, "jeunesse", "positive"),
    m("Les jardins familiaux ont été bien arrosés par la pluie, les tomates sont contentes", "comment", N, N, "environnement", "positive"),
    m("Quand aura lieu l'élagage des arbres de notre rue ?", "comment", Y, N, "environnement", "neutral"),
    m("Le trou normand du repas des aînés était délicieux 😄", "comment", N, N, "social", "positive"),
    m("Il y a une fuite au robinet des toilettes de la salle de sport", "comment", Y, N, "sport", "negative"),
    m("La patinoire de Noël ouvre quand ?", "comment", Y, N, "événements", "neutral"),
    m("Un chien perdu a été retrouvé près de la mairie, il est au chaud chez moi", "comment", Y, N, "sécurité", "neutral"),
    # ---------------------------------------------------------------- mobilité
    m("Le bus 19 ne s'arrête plus à l'arrêt Mairie, pourquoi ?", "comment", Y, N, "mobilité", "negative"),
    m("Il manque des arceaux à vélos devant la médiathèque", "comment", Y, N, "mobilité", "negative"),
    m("Encore des voitures stationnées sur les places handicapés devant la poste", "comment", Y, N, "mobilité", "negative"),
    m("Où recharger une voiture électrique à Marcq ?", "comment", Y, N, "mobilité", "neutral"),
    m("Merci pour la nouvelle piste cyclable avenue de la Marne, enfin sécurisée", "comment", N, N, "mobilité", "positive"),
    m("La zone bleue, c'est combien de temps maximum ?", "comment", Y, N, "mobilité", "neutral"),
    m("Les automobilistes roulent beaucoup trop vite rue du Dronckaert, il faut des ralentisseurs", "mention", Y, N, "mobilité", "negative", "x"),
    # ---------------------------------------------------------------- propreté
    m("Des sacs d'ordures abandonnés au pied des conteneurs à verre", "comment", Y, N, "propreté", "negative"),
    m("Les crottes de chien partout sur le trottoir, c'est dégoûtant", "comment", Y, N, "propreté", "negative"),
    m("Quel jour passe le camion des encombrants dans le quartier du Buisson ?", "comment", Y, N, "propreté", "neutral"),
    m("Un matelas et un frigo jetés dans le fossé chemin du Vert Bois", "mention", Y, N, "propreté", "negative", "x"),
    m("Merci aux agents qui ont nettoyé la place après le marché, impeccable", "comment", N, N, "propreté", "positive"),
    m("Les bacs jaunes n'ont pas été vidés cette semaine", "comment", Y, N, "propreté", "negative"),
    m("Des tags insultants sur le mur de l'église", "comment", Y, N, "propreté", "negative"),
    # ---------------------------------------------------------------- travaux
    m("Combien de temps vont durer les travaux de la rue Pasteur ?", "comment", Y, N, "travaux", "neutral"),
    m("Le lampadaire devant le 12 clignote toute la nuit", "comment", Y, N, "travaux", "negative"),
    m("La chaussée est pleine de nids-de-poule rue de Menin", "comment", Y, N, "travaux", "negative"),
    m("Les engins de chantier commencent à 6h du matin, c'est insupportable", "comment", Y, N, "travaux", "negative"),
    m("Beau travail sur la réfection du trottoir, c'est nickel", "comment", N, N, "travaux", "positive"),
    m("La rue sera fermée combien de jours pour la pose des canalisations ?", "comment", Y, N, "travaux", "neutral"),
    # ---------------------------------------------------------------- sécurité
    m("Tentative de cambriolage cette nuit dans notre rue, soyez vigilants", "comment", Y, N, "sécurité", "negative"),
    m("Des scooters font des rodéos tous les soirs sur le parking du lycée", "comment", Y, N, "sécurité", "negative"),
    m("Comment s'inscrire à l'opération tranquillité vacances ?", "comment", Y, N, "sécurité", "neutral"),
    m("Ma voiture a été fracturée cette nuit devant chez moi", "dm", Y, N, "sécurité", "negative"),
    m("La police municipale est passée très vite, merci à eux", "comment", N, N, "sécurité", "positive"),
    # ---------------------------------------------------------------- culture
    m("Le programme de la saison du théâtre est sorti ?", "comment", Y, N, "culture", "neutral"),
    m("Superbe exposition de photos à la Maison de la Culture", "comment", N, N, "culture", "positive"),
    m("Je n'arrive pas à réserver des places pour le concert de jazz", "comment", Y, N, "culture", "negative"),
    m("Les livres empruntés peuvent se rendre dans la boîte de retour ?", "comment", Y, N, "culture", "neutral"),
    m("Merci pour la lecture de contes à la médiathèque, ma fille a adoré", "comment", N, N, "culture", "positive"),
    # ---------------------------------------------------------------- jeunesse
    m("Les inscriptions au centre de loisirs pour les vacances de février sont ouvertes ?", "comment", Y, N, "jeunesse", "neutral"),
    m("Le menu de la cantine de cette semaine est où ?", "comment", Y, N, "jeunesse", "neutral"),
    m("Il n'y a plus de place en crèche, on fait comment pour reprendre le travail ?", "dm", Y, N, "jeunesse", "negative"),
    m("Le conseil municipal des enfants était très bien organisé, bravo aux élus en herbe", "comment", N, N, "jeunesse", "positive"),
    m("Le service jeunesse propose des stages BAFA ?", "comment", Y, N, "jeunesse", "neutral"),
    # ---------------------------------------------------------------- événements
    m("Le marché de Noël sera ouvert le dimanche ?", "comment", Y, N, "événements", "neutral"),
    m("Super ambiance à la fête des voisins hier soir", "comment", N, N, "événements", "positive"),
    m("Comment tenir un stand à la braderie de septembre ?", "dm", Y, N, "événements", "neutral"),
    m("Le carnaval est reporté à cause de la météo ?", "comment", Y, N, "événements", "neutral"),
    m("Dommage, le concert du nouvel an a été annulé sans prévenir", "comment", Y, N, "événements", "negative"),
    # ---------------------------------------------------------------- démarches
    m("Bonjour, comment faire une procuration pour voter ?", "dm", Y, N, "démarches", "neutral"),
    m("Je dois renouveler mon passeport, il faut prendre rendez-vous en ligne ?", "comment", Y, N, "démarches", "neutral"),
    m("Impossible de trouver un créneau pour la carte d'identité avant trois mois", "comment", Y, N, "démarches", "negative"),
    m("Comment s'inscrire sur les listes électorales après un déménagement ?", "comment", Y, N, "démarches", "neutral"),
    m("L'accueil de la mairie est ouvert entre midi et deux ?", "comment", Y, N, "démarches", "neutral"),
    m("Merci à l'état civil pour votre gentillesse lors de notre mariage", "comment", N, N, "démarches", "positive"),
    # ---------------------------------------------------------------- environnement
    m("Les haies du parc n'ont pas été taillées depuis un an", "comment", Y, N, "environnement", "negative"),
    m("Pourquoi avoir abattu les tilleuls de la place ?", "comment", Y, N, "environnement", "negative"),
    m("Où trouver des composteurs gratuits ?", "comment", Y, N, "environnement", "neutral"),
    m("Magnifique fleurissement des ronds-points cette année", "comment", N, N, "environnement", "positive"),
    m("Les pesticides sont-ils encore utilisés dans les espaces verts de la ville ?", "comment", Y, N, "environnement", "neutral"),
    m("Les berges de la Marque sont pleines de plastique", "comment", Y, N, "environnement", "negative"),
    # ---------------------------------------------------------------- social
    m("Mon père est âgé et isolé, existe-t-il un portage de repas à domicile ?", "dm", Y, N, "social", "neutral"),
    m("Comment obtenir un rendez-vous avec le CCAS ?", "comment", Y, N, "social", "neutral"),
    m("Les colis de Noël pour les seniors, c'est quand ?", "comment", Y, N, "social", "neutral"),
    m("Bravo pour l'épicerie solidaire, elle aide beaucoup de familles", "comment", N, N, "social", "positive"),
    m("Je cherche une aide pour payer ma facture d'énergie, qui peut m'aider ?", "dm", Y, N, "social", "negative"),
    m("Le banquet des aînés était une belle réussite", "comment", N, N, "social", "positive"),
    # ---------------------------------------------------------------- sport
    m("La piscine est fermée pour vidange jusqu'à quand ?", "comment", Y, N, "sport", "neutral"),
    m("Les vestiaires du stade Wagner sont dans un état lamentable", "comment", Y, N, "sport", "negative"),
    m("Bravo au club de hand pour sa montée en nationale !", "comment", N, N, "sport", "positive"),
    m("Le city stade est éclairé jusqu'à quelle heure ?", "comment", Y, N, "sport", "neutral"),
    m("Comment réserver un court de tennis municipal ?", "comment", Y, N, "sport", "neutral"),
    m("Le semi-marathon a été parfaitement organisé, merci aux bénévoles", "comment", N, N, "sport", "positive"),
    # ---------------------------------------------------------------- no theme
    m("😍😍😍", "comment", N, N, None, "positive", "instagram"),
    m("Merci !", "comment", N, N, None, "positive"),
    m("@julie.vdb regarde ça", "comment", N, N, None, "neutral", "instagram"),
    m("Gagnez 500€ par jour avec la crypto, lien en bio", "comment", N, N, None, "neutral", "instagram"),
    m("J'habite ici depuis 30 ans, quelle évolution", "comment", N, N, None, "neutral"),
    m("Bonjour, j'ai envoyé un courrier il y a un mois et toujours aucune nouvelle", "dm", Y, N, None, "negative"),
    m("Belle photo de la ville au coucher du soleil", "comment", N, N, None, "positive", "instagram"),
    m("@villedemarcq vous êtes les meilleurs 👏", "mention", N, N, None, "positive", "x"),
    m("@villedemarcq un numéro pour joindre quelqu'un le week-end ?", "mention", Y, N, None, "neutral", "x"),
]
# fmt: on
