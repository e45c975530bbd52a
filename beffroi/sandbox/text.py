"""French vocabulary of the simulated city: names, places, and message templates.

Plain Python data, written for Beffroi. Texts are composed from templates and slots
(``{rue}``, ``{lieu}`` ...) so that thousands of messages read differently; the theme
templates use the keywords of the example configuration so that triage has real work to do.
"""

from __future__ import annotations

FIRST_NAMES = (
    "Camille", "Julie", "Sophie", "Nathalie", "Isabelle", "Céline", "Aurélie", "Émilie",
    "Claire", "Manon", "Léa", "Chloé", "Inès", "Sarah", "Laura", "Pauline", "Marie", "Anne",
    "Sandrine", "Valérie", "Christine", "Hélène", "Élodie", "Mathilde", "Lucie", "Margaux",
    "Fatima", "Nadia", "Yasmine", "Agathe", "Brigitte", "Martine", "Monique", "Océane",
    "Thomas", "Nicolas", "Julien", "Maxime", "Antoine", "Pierre", "Alexandre", "Romain",
    "Guillaume", "Sébastien", "François", "Olivier", "Philippe", "Laurent", "Christophe",
    "Mathieu", "Hugo", "Lucas", "Louis", "Théo", "Paul", "Arthur", "Benoît", "Jérôme",
    "Karim", "Mehdi", "Yanis", "Bruno", "Didier", "Patrick", "Gérard", "Quentin", "Baptiste",
    "Vincent", "Damien", "Cédric",
)  # fmt: skip

LAST_NAMES = (
    "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy",
    "Moreau", "Simon", "Laurent", "Lefebvre", "Michel", "Garcia", "David", "Bertrand", "Roux",
    "Vincent", "Fournier", "Morel", "Girard", "Andre", "Mercier", "Dupont", "Lambert",
    "Bonnet", "François", "Martinez", "Legrand", "Garnier", "Faure", "Rousseau", "Blanc",
    "Guerin", "Muller", "Henry", "Roussel", "Nicolas", "Perrin", "Morin", "Mathieu",
    "Clement", "Gauthier", "Dumont", "Lopez", "Fontaine", "Chevalier", "Robin", "Masson",
    "Lemaire", "Delattre", "Vandenberghe", "Delcourt", "Deschamps", "Lecomte", "Wattel",
    "Delbecq", "Vanhove", "Lemoine", "Carpentier", "Dufour", "Delannoy", "Hennebelle",
    "Desmet", "Verstraete", "Dhainaut", "Lesage", "Caron", "Leclercq", "Duhamel", "Lefranc",
    "Bouchez", "Ramery", "Decottignies", "Plouvier", "Lagache", "Catteau", "Maes", "Pollet",
)  # fmt: skip

STREETS = (
    "avenue Foch", "rue Nationale", "boulevard Clemenceau", "rue de la Briqueterie",
    "avenue de la Marne", "rue Pasteur", "rue Jean Jaurès", "rue Raymond Poincaré",
    "chemin du Lazaro", "rue de Lille", "rue du Quesne", "rue Gabriel Péri",
    "rue Albert Bailly", "avenue Gustave Delory", "rue de la Cymbale", "rue du Buisson",
    "rue Louis Pasteur", "rue de Wasquehal", "rue du Riez", "avenue de Flandre",
    "rue Doumer", "rue Kléber", "place du Général de Gaulle", "rue de Menin",
)  # fmt: skip

# Quarter names that read well after "au", "du" and "le".
QUARTERS = (
    "Croisé-Laroche", "Buisson", "Plouich", "Pont", "Lazaro", "Quesne", "Bourg",
    "Haut-Vinage",
)  # fmt: skip

# Where culture happens (expositions, shows).
VENUES = (
    "la médiathèque La Corderie", "l'hippodrome", "le théâtre de la Rianderie",
    "la salle Doumer", "la maison des associations", "l'église Saint-Vincent",
)  # fmt: skip

PLACES = (
    "la médiathèque La Corderie", "l'hippodrome", "le parc du Petit Prince",
    "le parc Charles de Gaulle", "la mairie", "le Colysée", "le marché du Bourg",
    "la piscine", "la salle Doumer", "le skatepark", "le jardin des Sources",
    "l'église Saint-Vincent", "la place du marché", "le complexe sportif Wagner",
    "le théâtre de la Rianderie", "la maison des associations",
)  # fmt: skip

PARKS = ("du Petit Prince", "Charles de Gaulle", "des Sources", "de la Marque", "du Lazaro")

MOMENTS = (
    "ce matin", "hier soir", "depuis lundi", "depuis trois jours", "cette nuit",
    "depuis une semaine", "ce midi", "tous les soirs", "depuis ce week-end", "hier",
    "depuis quinze jours", "encore aujourd'hui",
)  # fmt: skip

INSTANTS = ("ce matin", "ce soir", "cet après-midi", "au petit matin", "à la tombée de la nuit")

DAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")

EVENTS = (
    "la braderie", "la fête de la musique", "le marché de Noël", "le festival d'été",
    "la fête des voisins", "le concert du parc", "la cérémonie du 11 novembre",
    "l'instameet", "le forum des associations", "le marché gourmand", "la fête foraine",
)  # fmt: skip

SHOWS = (
    "le spectacle de samedi", "l'exposition photo", "le concert de jazz",
    "la pièce de théâtre", "la lecture pour enfants", "l'expo sur l'hippodrome",
    "la séance de cinéma en plein air", "le concert de l'harmonie",
)  # fmt: skip

# Greetings, each with the punctuation that may follow it.
OPENERS = (
    ("Bonjour", (", ", ", ", ". ", "\n")),
    ("Bonjour la mairie", (", ", " ! ", "\n")),
    ("Bonsoir", (", ", ". ")),
    ("Hello", (", ", " ! ")),
    ("Salut", (", ", " ! ")),
    ("Bonjour à vous", (", ", ". ")),
    ("Madame, Monsieur", (", ", "\n")),
    ("Coucou", (" ! ", ", ")),
    ("Bonjour à l'équipe", (", ", "\n")),
)

CLOSERS = (
    "Merci d'avance.", "Merci de votre retour.", "Cordialement.", "", "", "",
    "Bonne journée.", "Merci 🙏", "Merci !", "Bonne soirée.", "D'avance merci",
)  # fmt: skip

THEMES = (
    "mobilité", "propreté", "travaux", "sécurité", "culture", "jeunesse", "événements",
    "démarches",
)  # fmt: skip

# Intents that a city is expected to answer.
NEEDS_REPLY = frozenset({"question", "request", "complaint", "report", "hostile"})

# Per theme and intent: bodies with slots. Keywords of the example themes are used on purpose.
TEMPLATES: dict[str, dict[str, tuple[str, ...]]] = {
    "mobilité": {
        "question": (
            "Est-ce que le bus 32 passe toujours par {rue} {jour} ?",
            "Savez-vous quand la piste cyclable de {rue} sera terminée ?",
            "Le parking de {lieu} est-il gratuit le {jour} ?",
            "Il y a un stationnement pour les vélos près de {lieu} ?",
            "Pourquoi le tram est-il dévié {moment} ?",
            "Où peut-on se garer pour aller à {lieu} ?",
        ),
        "request": (
            "Serait-il possible d'ajouter des arceaux vélo devant {lieu} ?",
            "Pourriez-vous prévoir un passage piéton {rue}, au niveau du {quartier} ?",
            "Il faudrait un feu rouge au carrefour de {rue}, les voitures roulent vite.",
            "Pouvez-vous demander à Ilévia de renforcer le bus du matin pour le {quartier} ?",
        ),
        "complaint": (
            "Toujours pas de solution pour le stationnement {rue}, c'est infernal {moment}.",
            "Les voitures garées sur le trottoir {rue}, on ne peut plus passer avec une poussette.",
            "Embouteillage monstre {moment} au {quartier}, personne ne gère la circulation.",
            "Le bus est encore passé en avance {moment}, ras le bol.",
        ),
        "report": (
            "Une voiture est garée sur la piste cyclable {rue} {moment}.",
            "Le feu rouge du carrefour {rue} ne fonctionne plus {moment}.",
            "Un arbre tombé bloque le trottoir {rue}, c'est dangereux pour les vélos.",
        ),
    },
    "propreté": {
        "question": (
            "Quel jour passe la collecte des encombrants au {quartier} ?",
            "Les poubelles jaunes sont ramassées le {jour} ou le lendemain ?",
            "Comment obtenir un nouveau bac pour le tri ?",
            "La déchetterie est ouverte le {jour} ?",
        ),
        "request": (
            "Pourriez-vous installer une poubelle près de {lieu} ?",
            "Serait-il possible de nettoyer {rue}, il y a des feuilles partout ?",
            "Pouvez-vous ajouter des distributeurs de sacs pour les crottes au {quartier} ?",
        ),
        "complaint": (
            "Encore un dépôt sauvage {rue} {moment}, c'est une honte.",
            "Les poubelles n'ont pas été ramassées {moment} {rue}, ça déborde.",
            "Trottoirs sales et crottes de chien partout au {quartier}, marre.",
            "Le ramassage est encore passé en retard {moment}, inadmissible.",
        ),
        "report": (
            "Dépôt sauvage de déchets {rue}, au coin avec {rue2}.",
            "Un matelas et des encombrants abandonnés {rue} {moment}.",
            "Tags et déchets devant {lieu} {moment}.",
            "Des poubelles renversées {rue} depuis le passage de la collecte.",
        ),
    },
    "travaux": {
        "question": (
            "Jusqu'à quand durent les travaux {rue} ?",
            "Le chantier de {rue} reprend quand ?",
            "Pourquoi la route barrée {rue} ? Il y a une déviation ?",
            "Les travaux de voirie au {quartier} vont durer tout l'été ?",
        ),
        "request": (
            "Pourriez-vous réparer le lampadaire {rue}, il ne marche plus ?",
            "Il faudrait reboucher le nid de poule devant le {numero} {rue}.",
            "Pouvez-vous mieux signaler la déviation du chantier {rue} ?",
        ),
        "complaint": (
            "Encore des travaux {rue}, ça fait des mois que ça dure, scandale.",
            "Le bruit du chantier {rue} dès 7h {moment}, inacceptable.",
            "Nids de poule partout sur la chaussée {rue}, toujours pas réparés.",
        ),
        "report": (
            "Un lampadaire ne s'allume plus {rue} {moment}.",
            "Gros nid de poule sur la chaussée {rue}, danger pour les deux-roues.",
            "Une fuite d'eau sur la chaussée {rue} {moment}.",
            "L'éclairage est en panne dans tout le {quartier} {moment}.",
            "Une plaque d'égout s'est effondrée {rue}, c'est dangereux.",
        ),
    },
    "sécurité": {
        "question": (
            "Comment contacter la police municipale le {jour} soir ?",
            "Est-ce que l'opération tranquillité vacances existe toujours ?",
            "Y a-t-il des contrôles de vitesse prévus {rue} ?",
        ),
        "request": (
            "Pourriez-vous faire passer la police plus souvent au {quartier} le soir ?",
            "Il faudrait un ralentisseur {rue}, la vitesse est excessive.",
            "Pouvez-vous installer une caméra près de {lieu} ?",
        ),
        "complaint": (
            "Rodéo de motos {moment} au {quartier}, on n'en peut plus.",
            "Encore un cambriolage dans notre rue {moment}, l'insécurité augmente.",
            "Les voitures roulent beaucoup trop vite {rue}, personne ne fait rien.",
        ),
        "report": (
            "Rodéo urbain {rue} {moment}, c'est dangereux pour les enfants.",
            "Tentative de vol de vélo devant {lieu} {moment}.",
            "Accident au carrefour {rue} {moment}, un blessé léger.",
            "Agression signalée près de {lieu} {moment}, soyez prudents.",
        ),
    },
    "culture": {
        "question": (
            "Quels sont les horaires de la médiathèque le {jour} ?",
            "Il reste des places pour {spectacle} ?",
            "L'exposition à {salle} est gratuite ?",
            "Où acheter les billets pour le concert du {jour} ?",
            "C'est quand la prochaine minute culturelle ?",
        ),
        "request": (
            "Pourriez-vous organiser plus de spectacles pour les enfants ?",
            "Ce serait bien de rallonger l'ouverture de la médiathèque le {jour}.",
            "Est-ce que vous pourriez mettre le programme du cinéma en ligne plus tôt ?",
        ),
        "complaint": (
            "Complet en 10 minutes pour {spectacle}, déçu encore une fois.",
            "La médiathèque fermée {moment} sans prévenir, pas sérieux.",
        ),
        "report": (
            "Le site de réservation du théâtre ne marche pas {moment}.",
            "L'affiche de {spectacle} indique la mauvaise date.",
        ),
        "compliment": (
            "Superbe {spectacle}, bravo aux organisateurs !",
            "Quelle belle exposition à {salle}, on a adoré.",
            "Merci pour la minute culturelle, toujours un plaisir.",
        ),
    },
    "jeunesse": {
        "question": (
            "Quand ouvrent les inscriptions au centre aéré pour les vacances ?",
            "Le menu de la cantine est disponible où ?",
            "Il reste des places à la crèche du {quartier} ?",
            "Le skatepark est ouvert le {jour} ?",
            "Comment inscrire mon fils au périscolaire ?",
        ),
        "request": (
            "Pourriez-vous prévoir plus d'activités pour les ados le {jour} ?",
            "Il faudrait réparer les jeux du parc {parc} pour les enfants.",
            "Ce serait bien d'ouvrir le skatepark plus tard l'été.",
        ),
        "complaint": (
            "La cantine a encore changé le menu sans prévenir, les enfants n'ont rien mangé.",
            "Toujours pas de réponse pour la place en crèche, on attend depuis des mois.",
            "Aucune activité pour les jeunes au {quartier}, c'est nul.",
        ),
        "report": (
            "Un jeu cassé au parc {parc}, un enfant s'est blessé {moment}.",
            "La grille de l'école du {quartier} ne ferme plus {moment}.",
        ),
        "compliment": (
            "Merci pour le centre aéré, mes enfants ont adoré leur semaine !",
            "Super initiative le snapmeet pour les ados 👏",
        ),
    },
    "événements": {
        "question": (
            "C'est à quelle heure {evenement} ?",
            "Il faut s'inscrire pour {evenement} ?",
            "Le marché est maintenu le {jour} malgré la pluie ?",
            "Comment participer au prochain instameet ?",
            "Où trouver le programme de {evenement} ?",
            "Comment réserver un stand pour la braderie ?",
        ),
        "request": (
            "Pourriez-vous organiser {evenement} aussi au {quartier} ?",
            "Ce serait bien d'avoir plus de food trucks au marché le {jour}.",
            "Pouvez-vous publier le plan de {evenement} ?",
        ),
        "complaint": (
            "Pas assez de toilettes pour {evenement}, déçu.",
            "{evenement} annulé au dernier moment, on aurait aimé être prévenus.",
        ),
        "report": (
            "Il y a un stand abandonné après {evenement} {rue}.",
            "Des barrières de {evenement} sont restées sur le trottoir {rue}.",
        ),
        "compliment": (
            "Super ambiance à {evenement} ! Merci à toute l'équipe 🎉",
            "Très belle fête ce week-end, bravo !",
            "Magnifique instamoment cette semaine 😍",
            "Le marché du {jour} est vraiment devenu un rendez-vous génial.",
        ),
    },
    "démarches": {
        "question": (
            "Faut-il prendre rendez-vous pour un passeport ?",
            "Quels sont les horaires de la mairie le {jour} ?",
            "Combien de temps pour une carte d'identité en ce moment ?",
            "Comment demander un acte de naissance en ligne ?",
            "Où trouver le formulaire pour l'inscription sur les listes électorales ?",
            "Peut-on faire une démarche d'état civil le samedi matin ?",
            "Quels papiers pour un dossier de mariage ?",
        ),
        "request": (
            "Pourriez-vous ouvrir plus de créneaux de rendez-vous pour les passeports ?",
            "Pouvez-vous m'envoyer le formulaire de demande de CNI ?",
            "Serait-il possible d'avoir un rendez-vous en mairie avant le {jour} ?",
        ),
        "complaint": (
            "Trois mois d'attente pour un passeport, inadmissible.",
            "Impossible d'avoir un rendez-vous pour la carte d'identité, toujours pas de créneau.",
            "La mairie fermée {moment} alors que le site dit ouvert, pas sérieux.",
        ),
        "report": (
            "Le site de prise de rendez-vous de la mairie affiche une erreur {moment}.",
            "Le formulaire d'inscription en ligne ne fonctionne pas {moment}.",
        ),
    },
}

# Generic compliments when a theme has none of its own.
COMPLIMENTS = (
    "Bravo pour {lieu}, c'est de plus en plus beau !",
    "Merci pour tout ce que vous faites pour la ville 👏",
    "Très belle photo 😍",
    "Quelle belle ville, fier d'être marcquois !",
    "Top, merci pour l'info !",
    "Super initiative 👍",
    "Le {quartier} est vraiment agréable depuis les travaux, merci.",
    "Bonne nouvelle, enfin !",
)

THANKS = (
    "merci !", "Merci {prenom_ville} !", "merci beaucoup !!", "Merci 😊", "Merci pour le partage", "Merci !", "Merci beaucoup 🙏", "Merci pour l'info", "merci 👍", "Top merci",
    "Merci pour votre réponse", "Merci, c'est noté", "Super, merci !", "Merci à vous",
    "Merci pour la réactivité !", "Parfait merci 😊",
)  # fmt: skip

EMOJIS = ("❤️", "👏", "😍", "👍", "🔥", "👏👏👏", "😂", "🙏", "❤️❤️", "💙", "😮", "🥰", "👌")

HOSTILE = (
    "Bande d'incapables, la chaussée {rue} est dans un état lamentable.",
    "Vous ne servez à rien, honte à cette mairie.",
    "Arrêtez de dépenser notre argent pour des fêtes, réparez plutôt les trottoirs {rue} !",
    "Toujours pas de réponse, c'est scandaleux, vous vous moquez des habitants.",
    "Nul, nul, nul. Ras le bol de cette ville.",
    "Encore de la com' inutile pendant que le {quartier} est abandonné.",
)

SPAM = (
    "Gagnez 500€ par jour avec la crypto, cliquez ici 👉 bit.ly/{code}",
    "Followers gratuits pour votre page !! Contactez-moi en DM 💯",
    "Investissement bitcoin garanti x10, écrivez-moi",
    "PROMO -70% sur les lunettes de soleil, cliquez ici : shop-{code}.example",
    "Je gagne 3000€ par semaine depuis chez moi, demandez-moi comment 💰",
    "Gagnez un iPhone 17 ! Cliquez ici pour participer 🎁 {code}.example",
    "Crypto trading : +300% en un mois, investissement minimum 250€ 📈",
    "Promo exceptionnelle sur nos followers gratuits, cliquez ici",
)

REMARKS = (
    "Il fait beau au {quartier} aujourd'hui ☀️",
    "On était à {lieu} ce week-end, beaucoup de monde !",
    "Mon grand-père habitait {rue}, ça a bien changé.",
    "Vu passer le marché {moment}, toujours aussi sympa.",
    "Ah je ne savais pas !",
    "Intéressant, à suivre.",
)

FOLLOW_UPS_HAPPY = (
    "Merci pour la réponse rapide !", "D'accord, merci 👍", "Parfait, merci beaucoup.",
    "Super, c'est réglé, merci !", "Merci, je vais faire comme ça.", "Top merci 🙏",
    "Merci, c'est bien réparé {rue} 👍", "Merci, j'ai pu avoir un rendez-vous pour {jour}.",
    "Merci, l'équipe est passée {moment}, c'est propre !", "Ok merci, je passerai {jour}.",
    "Génial, merci pour votre retour rapide {emoji}", "Merci beaucoup, bonne journée à vous !",
    "Très bien, merci pour l'info {emoji}",
)  # fmt: skip

# One citizen answering another under the city's post, by what the first one wrote.
BETWEEN_CITIZENS: dict[str, tuple[str, ...]] = {
    "question": (
        "C'est le {jour} je crois.", "Non, c'est gratuit il me semble.",
        "C'est indiqué sur le site de la ville.", "Il faut appeler la mairie directement, ils répondent vite.",
        "Je me pose la même question.", "Il me semble que oui, j'y suis allé {jour}.",
    ),
    "problem": (
        "Pareil {rue} {moment} !", "+1", "Moi aussi j'ai remarqué ça.", "Je confirme 👍",
        "Chez nous au {quartier} aussi.", "Ah bon ? Je n'étais pas au courant.",
        "Il faut faire un signalement sur le site de la ville.",
    ),
    "other": (  # 06 39 98 xx xx: numbers ARCEP keeps for fiction
        "J'y étais, c'était super {emoji}", "Tout à fait d'accord !",
        "On se retrouve là-bas ? Appelle-moi au 06 39 98 12 34",
        "+1", "Merci pour l'info !", "Trop bien {emoji}",
    ),
}  # fmt: skip
BETWEEN_CITIZENS_GROUP = {
    "question": "question", "request": "question", "complaint": "problem",
    "report": "problem", "hostile": "problem",
}  # fmt: skip

FOLLOW_UPS_OPEN = (
    "Toujours pas réglé {moment}...",
    "Et pour {rue}, c'est prévu aussi ?",
    "Merci, mais je n'ai pas reçu le formulaire, vous pouvez le renvoyer ?",
    "D'accord mais jusqu'à quand exactement ?",
    "Le problème est revenu {moment}, vous pouvez repasser ?",
)

UGC = (
    "Coucher de soleil sur {lieu} 🌅 #marcqenbaroeul",
    "Balade au parc {parc} {instant} #instamoment #marcqenbaroeul",
    "Le marché du {jour}, toujours un plaisir 🧺 @marcqenbaroeul",
    "Premier café en terrasse au {quartier} ☕ #marcqenbaroeul",
    "Les couleurs de la saison {rue} 🍂 #instamoment",
    "Quelle ambiance à {evenement} ! @marcqenbaroeul {emoji}",
    "Jogging du {jour} le long de la Marque 🏃 #marcqenbaroeul",
    "Vue sur l'hippodrome {instant} #marcqenbaroeul #instamoment",
    "Nos enfants au skatepark tout l'après-midi 🛹 @marcqenbaroeul",
    "{lieu} sous la pluie, ça a aussi son charme ☔ #marcqenbaroeul",
    "Petit tour au {quartier} {instant} {emoji} #instamoment",
    "Souvenir de {evenement} avec les copains @marcqenbaroeul",
    "Lumière du {jour} matin sur {salle} #marcqenbaroeul",
)

# The city's replies: greeting + body (per intent) + closing + signature, so that four
# thousand answers do not read like one.
CITY_GREETINGS = (
    "Bonjour {prenom},", "Bonjour {prenom} !", "Bonjour,", "Bonsoir {prenom},", "Bonsoir,", "",
)  # fmt: skip
CITY_GREETINGS_ANONYMOUS = ("Bonjour,", "Bonjour !", "Bonsoir,", "Bonsoir !", "")
CITY_REPLIES: dict[str, tuple[str, ...]] = {
    "question": (
        "merci pour votre question. Vous trouverez toutes les informations sur marcq-en-baroeul.org ou à l'accueil de la mairie.",
        "oui tout à fait. N'hésitez pas à nous écrire en message privé si besoin.",
        "nous nous renseignons auprès du {service} et revenons vers vous rapidement.",
        "l'information est disponible sur notre site, rubrique {theme}.",
        "bonne question ! Le {service} nous confirme que oui, aux horaires habituels.",
        "vous pouvez joindre le {service} au 03 20 45 45 45, du lundi au vendredi.",
        "c'est bien ça. Le programme complet est sur notre site et à l'accueil de la mairie.",
        "nous vous avons répondu en message privé.",
    ),
    "request": (
        "merci pour votre suggestion, nous la transmettons au {service}.",
        "votre demande a bien été transmise au {service}, qui l'étudiera.",
        "nous faisons suivre au {service}, merci pour l'idée.",
        "c'est noté, le {service} regarde ce qu'il est possible de faire.",
        "merci pour votre proposition ! Elle sera étudiée par le {service}.",
    ),
    "complaint": (
        "nous comprenons votre agacement. Le {service} est informé et reviendra vers vous.",
        "merci de votre message. Nous avons relayé la situation au {service}.",
        "nous sommes désolés de ce désagrément, le {service} s'en occupe.",
        "vous avez raison de nous le signaler : le {service} fait le point cette semaine.",
        "nous entendons votre mécontentement. Pouvez-vous nous écrire en message privé pour que le {service} vous recontacte ?",
    ),
    "report": (
        "merci pour votre signalement, le {service} est prévenu.",
        "merci pour le signalement ! Une équipe du {service} va passer.",
        "c'est transmis au {service}. Pouvez-vous nous indiquer l'adresse exacte en message privé ?",
        "bien reçu, une intervention est programmée par le {service}.",
        "merci de votre vigilance, le {service} intervient dès que possible.",
    ),
    "hostile": (
        "nous entendons votre mécontentement. Pour que nous puissions vous aider, écrivez-nous en message privé.",
        "nous restons à votre écoute dans le respect de chacun. Le {service} est informé.",
        "nous comprenons votre colère. Dites-nous en message privé ce qui ne va pas, nous transmettrons.",
    ),
    "compliment": (
        "merci ! 😊", "merci beaucoup pour votre message 💙", "merci à vous !",
        "ça nous fait plaisir, merci 🙏", "merci pour ce gentil message !",
    ),
    "remark": (
        "merci pour votre message !", "merci de nous suivre 💙", "bien noté, merci !",
    ),
    "follow_up": (
        "nous relançons le {service} et revenons vers vous.",
        "merci, nous transmettons à nouveau.",
        "désolés, nous relançons le {service} dès aujourd'hui.",
        "merci pour votre patience, le dossier est toujours suivi par le {service}.",
    ),
}  # fmt: skip
CITY_CLOSINGS = ("", "", "Belle journée !", "Bonne soirée.", "N'hésitez pas à revenir vers nous.")  # fmt: skip
CITY_SIGNATURES = ("", "", "", "^CL", "^SM", "— L'équipe communication", "Camille, pour la Ville")  # fmt: skip

THEME_SERVICES = {
    "mobilité": "service voirie",
    "propreté": "service propreté",
    "travaux": "service voirie",
    "sécurité": "poste de police municipale",
    "culture": "service culturel",
    "jeunesse": "service jeunesse",
    "événements": "service événementiel",
    "démarches": "service état civil",
}

CITY_POSTS: dict[str, tuple[str, ...]] = {
    "mobilité": (
        "🚲 La nouvelle piste cyclable {rue} est ouverte ! Bonne route à tous.",
        "🚌 Ilévia modifie les horaires du bus 32 à partir de {jour}. Infos sur notre site.",
        "🅿️ Rappel : stationnement interdit {rue} {jour} pour le marché.",
    ),
    "propreté": (
        "♻️ Collecte des encombrants au {quartier} ce {jour}. Pensez à sortir vos objets la veille.",
        "🧹 Opération ville propre samedi au parc {parc} : rejoignez-nous !",
        "🗑️ Rappel des jours de collecte des déchets : retrouvez le calendrier sur notre site.",
    ),
    "travaux": (
        "🚧 Travaux {rue} du {jour} au {jour2} : une déviation est mise en place.",
        "🚧 Chantier de rénovation de l'éclairage au {quartier}, fin prévue dans deux semaines.",
        "🚧 Réfection de la chaussée {rue} : circulation alternée cette semaine.",
    ),
    "sécurité": (
        "👮 Opération tranquillité vacances : inscrivez-vous auprès de la police municipale.",
        "⚠️ Prudence {rue} : vitesse limitée à 30 km/h pendant les travaux.",
    ),
    "culture": (
        "🎭 Ce week-end, {spectacle} au théâtre de la Rianderie. Réservations ouvertes !",
        "📚 La médiathèque La Corderie vous accueille {jour} pour une lecture contée.",
        "🖼️ Nouvelle exposition à {salle} jusqu'à la fin du mois, entrée libre.",
    ),
    "jeunesse": (
        "☀️ Inscriptions au centre aéré des vacances ouvertes dès {jour} !",
        "🛹 Le skatepark rénové ouvre ses portes ce {jour}.",
        "🍽️ Le menu de la cantine de la semaine est en ligne.",
    ),
    "événements": (
        "🎉 {evenement} revient ce {jour} ! Programme complet sur notre site.",
        "🧺 Le marché du Bourg vous attend {jour} matin, place du Général de Gaulle.",
        "📸 Instameet : rejoignez-nous pour une balade photo au parc {parc}.",
    ),
    "démarches": (
        "🪪 Passeports et cartes d'identité : pensez à prendre rendez-vous en ligne dès maintenant.",
        "🏛️ La mairie sera fermée {jour} : les démarches en ligne restent accessibles.",
        "🗳️ Inscriptions sur les listes électorales : le formulaire est en ligne.",
    ),
}

RENDEZVOUS_POSTS: dict[str, tuple[str, ...]] = {
    "instamoment": (
        "📸 #instamoment : {lieu} sous la lumière de {jour} matin. Partagez vos photos avec #marcqenbaroeul !",
        "📸 #instamoment de la semaine : le parc {parc} vu par l'une de nos abonnées 💙",
        "📸 #instamoment : le {quartier} au petit matin.",
    ),
    "jeudi_economie": (
        "💼 #jeudideleconomie : découvrez une entreprise marcquoise installée au {quartier}.",
        "💼 #jeudideleconomie : rencontre avec les commerçants de {rue}.",
        "💼 #jeudideleconomie : une nouvelle boutique a ouvert {rue}, allez la découvrir !",
    ),
    "minute_culturelle": (
        "🎬 #minuteculturelle : ce week-end, {spectacle} à ne pas manquer.",
        "🎬 #minuteculturelle : le coup de cœur de la médiathèque cette semaine.",
        "🎬 #minuteculturelle : l'histoire de {salle} en une minute.",
    ),
}

# Profiles (bios) on Bluesky and Mastodon: a few words about oneself, then where else one is.
BIO_ABOUT = (
    "",
    "À Marcq depuis toujours.",
    "Vélo et jardins partagés.",
    "Parent d'élève, quartier du Buisson.",
    "Photo, rando et bonnes adresses de la métropole lilloise.",
    "Bénévolat associatif à Marcq-en-Barœul.",
    "Théâtre et concerts avant tout.",
    "Cycliste du quotidien, Lille ⇄ Marcq.",
    "Ex-Twitter, ici depuis 2025.",
)
BIO_ELSEWHERE = (
    "Aussi sur {reseau} : {pseudo}",
    "Aussi sur {reseau} : {pseudo}.",
    "Également sur {reseau} ({pseudo})",
    "Mon compte {reseau} : {pseudo}",
    "{reseau} : {pseudo}",
)
BIO_NETWORK_NAMES = {
    "x": "X",
    "bluesky": "Bluesky",
    "mastodon": "Mastodon",
    "instagram": "Instagram",
}
