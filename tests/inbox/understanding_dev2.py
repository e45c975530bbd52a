"""A second development set for issue 13, written after the first rules and measured on them
once before any change (the figures are in docs/inbox.md); its misses then became rules, so
it too is a development set now, not a measurement. Same format as understanding_dev.py.

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
    m("ça pue le gaz au 3e étage, on a ouvert les fenêtres", "dm", Y, Y, "sécurité", "negative"),
    m("On sent une odeur de gaz depuis une heure place du Général de Gaulle", "comment", Y, Y, "sécurité", "negative"),
    m("Le feu a pris dans une poubelle devant la salle Doumer", "comment", Y, Y, "sécurité", "negative"),
    m("Grosse fumée noire au dessus de la zone industrielle, c'est quoi ??", "comment", Y, Y, "sécurité", "negative"),
    m("La maison d'à côté est en feu, les pompiers arrivent ?", "mention", Y, Y, "sécurité", "negative", "x"),
    m("Le sous-sol de la résidence est sous 30 cm d'eau", "dm", Y, Y, "travaux", "negative"),
    m("Rue complètement inondée après l'orage, une voiture est bloquée", "comment", Y, Y, "travaux", "negative"),
    m("Une bouche d'égout refoule de l'eau sale sur le trottoir", "comment", Y, Y, "travaux", "negative"),
    m("Un arbre s'est couché sur la route du Molinel, plus personne ne passe", "comment", Y, Y, "environnement", "negative"),
    m("Une branche énorme menace de tomber sur l'aire de jeux", "comment", Y, Y, "jeunesse", "negative"),
    m("Arbre déraciné devant l'école maternelle !", "mention", Y, Y, "environnement", "negative", "x"),
    m("Il y a un gros trou dans la chaussée au carrefour, une moto est tombée", "comment", Y, Y, "travaux", "negative"),
    m("La plaque d'égout a été soulevée, on risque de se casser une jambe", "comment", Y, Y, "travaux", "negative"),
    m("Les feux sont en panne au carrefour du Croisé, personne ne sait qui passe", "comment", Y, Y, "mobilité", "negative"),
    m("feux tricolores HS avenue Foch depuis 7h", "mention", Y, Y, "mobilité", "negative", "x"),
    m("Le trottoir devant la poste est une vraie patinoire, personne n'a salé", "comment", Y, Y, "mobilité", "negative"),
    m("Verglas sur le pont de la Marque, j'ai vu deux chutes", "comment", Y, Y, "mobilité", "negative"),
    m("Un câble pend du poteau juste au-dessus du trottoir", "comment", Y, Y, "sécurité", "negative"),
    m("Le boîtier électrique du parc est arraché, les fils sont à nu", "comment", Y, Y, "sécurité", "negative"),
    m("On cherche notre fils de 6 ans, il a disparu près du manège", "comment", Y, Y, "sécurité", "negative"),
    m("Petite fille perdue au marché de Noël, elle s'appelle Lina", "comment", Y, Y, "événements", "negative"),
    m("Une dame âgée est tombée sur le trottoir et n'arrive pas à se relever", "comment", Y, Y, "sécurité", "negative"),
    m("Personne n'a de nouvelles de mon grand-père depuis ce matin, il a Alzheimer", "dm", Y, Y, "social", "negative"),
    m("Un homme inconscient sur un banc du parc, quelqu'un peut venir ?", "comment", Y, Y, "sécurité", "negative"),
    m("Des moutons sont sur la chaussée près du rond-point de la Marne", "comment", Y, Y, "mobilité", "negative"),
    m("Un chevreuil affolé court au milieu de la route", "mention", Y, Y, "mobilité", "negative", "x"),
    # ---------------------------------------------------------------- not urgent, close words
    m("Les feux d'artifices étaient trop beaux cette année", "comment", N, N, "événements", "positive"),
    m("Franchement le DJ a mis le feu, merci pour cette soirée", "comment", N, N, "événements", "positive"),
    m("Pourquoi le feu rouge de la rue de Lille est-il aussi long ?", "comment", Y, N, "mobilité", "negative"),
    m("Quand est prévu l'abattage des arbres malades du parc ?", "comment", Y, N, "environnement", "neutral"),
    m("Les pompiers recrutent des volontaires, où s'inscrire ?", "comment", Y, N, "sécurité", "neutral"),
    m("Il fait un froid glacial au gymnase, le chauffage est coupé ?", "comment", Y, N, "sport", "negative"),
    m("Les enfants ont perdu leur match mais quelle belle équipe", "comment", N, N, "sport", "positive"),
    m("Super atelier sur la prévention des incendies domestiques", "comment", N, N, "sécurité", "positive"),
    m("Ma fille a perdu son doudou au centre de loisirs, quelqu'un l'a trouvé ?", "comment", Y, N, "jeunesse", "neutral"),
    m("Le trou dans la haie de l'école n'est toujours pas réparé", "comment", Y, N, "jeunesse", "negative"),
    m("Que faire en cas d'inondation de sa cave ? Il y a un guide ?", "comment", Y, N, "environnement", "neutral"),
    m("Les illuminations ne marchent plus dans la rue piétonne", "comment", Y, N, "événements", "negative"),
    m("Mon téléphone ne répond plus, comment joindre la mairie autrement ?", "comment", Y, N, "démarches", "neutral"),
    m("Il y a un chat qui miaule dans l'arbre du square depuis ce matin", "comment", Y, N, "environnement", "neutral"),
    # ---------------------------------------------------------------- themes
    m("Le parking relais est plein tous les matins", "comment", Y, N, "mobilité", "negative"),
    m("Pourquoi le bus 14 est supprimé le dimanche ?", "comment", Y, N, "mobilité", "negative"),
    m("Des cyclistes roulent à contresens rue Pasteur", "comment", Y, N, "mobilité", "negative"),
    m("Les poubelles débordent au square Montgolfier", "comment", Y, N, "propreté", "negative"),
    m("Le container à vêtements est plein à craquer", "comment", Y, N, "propreté", "negative"),
    m("Merci aux éboueurs qui passent même sous la neige", "comment", N, N, "propreté", "positive"),
    m("Quand finit le chantier de la place du Marché ?", "comment", Y, N, "travaux", "neutral"),
    m("Un lampadaire ne s'allume plus depuis une semaine rue Jeanne d'Arc", "comment", Y, N, "travaux", "negative"),
    m("La réfection de l'avenue est très réussie", "comment", N, N, "travaux", "positive"),
    m("On m'a volé mon vélo devant la gare, je porte plainte où ?", "comment", Y, N, "sécurité", "negative"),
    m("Des jeunes font du bruit la nuit sous nos fenêtres", "comment", Y, N, "sécurité", "negative"),
    m("Le spectacle de magie était génial pour les petits", "comment", N, N, "culture", "positive"),
    m("Est-ce que la ludothèque est ouverte pendant les vacances ?", "comment", Y, N, "culture", "neutral"),
    m("Les horaires de la médiathèque ont changé ?", "comment", Y, N, "culture", "neutral"),
    m("Le périscolaire du soir finit à quelle heure ?", "comment", Y, N, "jeunesse", "neutral"),
    m("L'école Pasteur manque d'animateurs à la cantine", "comment", Y, N, "jeunesse", "negative"),
    m("Les vacances sportives pour les 11-17 ans, ça reprend quand ?", "comment", Y, N, "jeunesse", "neutral"),
    m("Le marché du dimanche est maintenu malgré la pluie ?", "comment", Y, N, "événements", "neutral"),
    m("Quelle belle fête de la musique, merci !", "comment", N, N, "événements", "positive"),
    m("La soirée des vœux du maire, c'est sur invitation ?", "comment", Y, N, "événements", "neutral"),
    m("Comment déclarer la naissance de mon fils ?", "dm", Y, N, "démarches", "neutral"),
    m("Je n'ai jamais reçu ma carte électorale", "comment", Y, N, "démarches", "negative"),
    m("Peut-on faire sa demande de passeport dans une autre ville ?", "comment", Y, N, "démarches", "neutral"),
    m("Où déposer mes déchets verts et mes tontes de gazon ?", "comment", Y, N, "propreté", "neutral"),
    m("La Marque sent très mauvais depuis quelques jours", "comment", Y, N, "environnement", "negative"),
    m("Super initiative ces ruches sur le toit de la mairie", "comment", N, N, "environnement", "positive"),
    m("Y a-t-il un atelier pour apprendre à faire son compost ?", "comment", Y, N, "environnement", "neutral"),
    m("Comment bénéficier de la téléassistance pour ma grand-mère ?", "dm", Y, N, "social", "neutral"),
    m("Le CCAS m'a beaucoup aidée cet hiver, merci", "comment", N, N, "social", "positive"),
    m("Le foyer des anciens ferme l'été ?", "comment", Y, N, "social", "neutral"),
    m("Les cours d'aquagym reprennent quand ?", "comment", Y, N, "sport", "neutral"),
    m("Bravo aux filles du club de basket, championnes !", "comment", N, N, "sport", "positive"),
    m("Le terrain synthétique est plein de trous", "comment", Y, N, "sport", "negative"),
    # ---------------------------------------------------------------- no theme
    m("🙏🙏", "comment", N, N, None, "positive", "instagram"),
    m("Trop bien 😍", "comment", N, N, None, "positive", "instagram"),
    m("@sophie_mrc on y va ?", "comment", N, N, None, "neutral", "instagram"),
    m("Vous pouvez me rappeler au sujet de mon dossier svp", "dm", Y, N, None, "neutral"),
    m("Je suis déçue, personne ne m'a répondu", "dm", Y, N, None, "negative"),
    m("Bonne année à toute l'équipe !", "comment", N, N, None, "positive"),
]
# fmt: on
