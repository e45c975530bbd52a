"""Issue 13: urgency on lemmas and phrases, weighted themes, tone, the urgent alert sent at once,
and managers' corrections recorded with who and when. On a real SQLite file and a real local
SMTP server."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import sqlite_utils

from beffroi.config.settings import Alerts
from beffroi.inbox import alert_urgent, list_entries, understand
from beffroi.inbox.evaluate import main as evaluate_main
from beffroi.store import now_utc, to_db
from beffroi.store.queue import correct_triage
from tests.inbox.helpers import MONDAY_9, ingest, later, message, queue_row, with_smtp
from tests.inbox.labelled import NAMES, load, path

SATURDAY_3AM = datetime(2026, 12, 5, 2, 0, tzinfo=UTC)  # 3:00 in Paris


def test_urgency_reads_lemmas_and_phrases_not_single_words(example_settings):
    def urgent(text):
        return understand(example_settings, text, "comment").priority == "urgent"

    # The issue's own examples, and other wordings of the same dangers.
    assert urgent("Odeur de gaz très forte près de l'école Jean Jaurès !!")
    assert urgent("Un arbre est tombé sur le trottoir avenue de la Marne, danger pour les piétons")
    assert urgent("Des arbres sont tombés dans le parc")
    assert urgent("Il y a un nid de poule énorme rue Nationale, j'ai failli tomber à vélo")
    assert urgent("les feux ne marchent plus au carrefour de l'église")
    assert urgent("ça pue le gaz dans l'escalier")
    assert urgent("Trottoirs verglacés devant la gare")
    assert urgent("Mon voisin ne répond plus depuis deux jours")
    # Words that look urgent but are not.
    assert not urgent("Superbe feu d'artifice hier soir")
    assert not urgent("C'était le feu au concert, merci !")
    assert not urgent("Vous avez mis le feu à la braderie")
    assert not urgent("Un arbre magnifique dans le parc")
    assert not urgent("J'ai appelé le service, on ne me répond pas")
    assert not urgent("Atelier de prévention des incendies samedi")
    # "poule" is an animal on the road, but not inside "nids de poule" (found on the
    # simulated city: "Nids de poule partout sur la chaussée" was urgent, and needed no reply).
    assert urgent("Des poules sur la route de Lille")
    potholes = understand(example_settings, "Nids de poule partout sur la chaussée rue Péri")
    assert (potholes.priority, potholes.needs_reply, potholes.theme) == ("normal", True, "travaux")


def test_an_urgent_report_keeps_its_subjects_theme(example_settings):
    gas = understand(example_settings, "Odeur de gaz très forte près de l'école !!", "comment")
    assert (gas.priority, gas.theme, gas.secondary_themes) == ("urgent", "sécurité", ("jeunesse",))
    assert gas.rule.startswith("urgent:") and gas.theme_rule.startswith("sécurité:urgence")
    tree = understand(example_settings, "Un arbre est tombé sur le trottoir avenue de la Marne")
    assert (tree.theme, tree.tone) == ("environnement", "negative")


def test_a_danger_inside_a_municipal_facility_goes_to_that_facility(example_settings):
    """The blind writer's convention: inside a facility or event, its service; in front of it
    or in a street named after it, the danger's own theme (then second)."""

    def seen(text):
        found = understand(example_settings, text, "comment")
        return found.priority, found.theme, found.secondary_themes[:1]

    assert seen("Fuite d'eau énorme à la médiathèque, ça coule du plafond") == (
        "urgent",
        "culture",
        ("travaux",),
    )
    assert seen("a la braderie le stand de gaufres a pris feu")[:2] == ("urgent", "événements")
    assert seen("Des plaques du faux plafond tombent dans la salle de sport")[:2] == (
        "urgent",
        "sport",
    )
    assert seen("gamin coincé sur le toit du préau de l'école")[:2] == ("urgent", "jeunesse")
    assert seen("c'est une vraie patinoire devant l'école, un papy vient de tomber")[:2] == (
        "urgent",
        "mobilité",
    )
    assert seen("La rue des Écoles est sous 20cm d'eau")[:2] == ("urgent", "travaux")
    assert seen("Des seringues devant l'entrée de la médiathèque")[:2] == ("urgent", "propreté")


def test_urgency_by_concept_and_the_calm_look_alikes(example_settings):
    def urgent(text):
        return understand(example_settings, text, "comment").priority == "urgent"

    for text in (
        "Bagarre avec un couteau à l'arrêt du tram, là maintenant",
        "SDF qui dort dehors par -5 devant l'église, il tremble",
        "des briques tombent du vieux mur, direct sur le trottoir",
        "Les barrières du chantier sont couchées sur la piste cyclable",
        "un camion a perdu son chargement de planches en plein bd Clemenceau",
        "Panneau stop arraché au croisement, les voitures passent sans s'arrêter",
        "Énorme nid de frelons juste au-dessus de l'entrée du square",
        "Un sanglier sur l'avenue de la République, les voitures s'arrêtent",
        "Un enfant est tombé dans le canal près de l'écluse !",
        "Notre cave est innondée depuis ce matin et ça continue de monter",
        "Ma voisine de 88 ans ne répond plus au téléphone ni à la porte depuis hier",
        "Une voiture vient de renverser un piéton rue de Lille, il est par terre",
    ):
        assert urgent(text), text
    for text in (
        "Le verglas de l'an dernier avait été mal géré, vous avez du sel ?",
        "C'est quoi le numéro à appeler si on sent le gaz un jour ?",
        "vous avez prévu quoi contre les inondations à l'avenir ?",
        "Il y aura du verglas demain d'après Météo France ?",
        "Une bagarre a éclaté hier soir devant le bar, la police est venue",
        "Un couteau suisse a été trouvé au parc, il est à l'accueil",
        "Le pont est glissant quand il pleut, il faudrait un revêtement",
        "Mon fils s'est perdu dans ses révisions",
        "Le débat a mis le feu au conseil municipal",
        "Le film sur les incendies de forêt à la médiathèque était passionnant",
        "Mon fils est tombé à vélo hier sur un nid de poule, vous pouvez le reboucher ?",
        "L'alarme du gymnase sonne toute la nuit depuis 3 jours, c'est insupportable",
        "Une branche est tombée dans mon jardin pendant la tempête, qui la ramasse ?",
        "Il faut vraiment sécuriser ce carrefour, un jour il y aura un accident",
    ):
        assert not urgent(text), text


def test_themes_match_lemmas_and_the_city_handle(example_settings):
    dumps = understand(example_settings, "Encore des dépôts sauvages au bout de l'avenue Foch")
    assert (dumps.theme, dumps.needs_reply) == ("propreté", True)
    library = understand(
        example_settings,
        "@villedemarcq quand est-ce que la bibliothèque rouvre après les travaux ?",
    )
    assert (library.needs_reply, library.theme, library.secondary_themes) == (
        True,
        "culture",
        ("travaux",),
    )
    assert understand(example_settings, "Merci pour ce beau spectacle !").tone == "positive"


def test_the_evaluation_entry_point_prints_every_figure(tmp_path, capsys):
    labelled = tmp_path / "set.json"
    labelled.write_text(
        json.dumps(
            {
                "about": "Deux messages.",
                "messages": [
                    {
                        "text": "Fuite de gaz rue Pasteur",
                        "network": "x",
                        "kind": "mention",
                        "needs_reply": True,
                        "urgent": True,
                        "theme": "sécurité",
                        "tone": "negative",
                    },
                    {
                        "text": "Merci pour le concert",
                        "network": "x",
                        "kind": "comment",
                        "needs_reply": False,
                        "urgent": False,
                        "theme": "culture",
                        "tone": "positive",
                    },
                ],
            }
        ),
        encoding="utf-8",
    )
    assert evaluate_main([str(labelled)]) == 0
    out = capsys.readouterr().out
    assert "precision 1.000 (1/1)  recall 1.000 (1/1)" in out
    assert "urgent       recall 1.000 (1/1)  false urgent 0.000 (0/1)" in out
    assert "main accuracy 1.000 (2/2)" in out and "tone         accuracy 1.000 (2/2)" in out


def test_triage_stores_themes_tone_and_their_rules(db, example_settings):
    ingest(db, example_settings, message("m1", "Odeur de gaz très forte près de l'école !!"))
    row = dict(queue_row(db, "m1"))
    assert {k: row[k] for k in ("priority", "theme", "secondary_themes", "tone")} == {
        "priority": "urgent",
        "theme": "sécurité",
        "secondary_themes": "jeunesse",
        "tone": "negative",
    }
    assert row["triage_rule"].startswith("urgent:") and row["theme_rule"].startswith("sécurité:")


def test_an_urgent_message_alerts_the_on_call_address_at_once_day_or_night(
    db, example_settings, smtp_server
):
    settings = with_smtp(example_settings, smtp_server)
    settings = settings.model_copy(
        update={
            "alerts": Alerts(on_duty_email="cm@marcq.test", urgent_email="astreinte@marcq.test")
        }
    )
    _, _, received = smtp_server
    ingest(
        db,
        settings,
        message("m1", "Un arbre est tombé en travers de la route du Molinel", at=SATURDAY_3AM),
        message("m2", "Le marché est ouvert dimanche ?", at=SATURDAY_3AM),
    )
    result = alert_urgent(db, settings, SATURDAY_3AM)
    assert (result.alerted, result.failed, result.error) == (1, 0, None)
    assert len(received) == 1
    mail = received[0]
    assert mail["To"] == "astreinte@marcq.test"
    assert mail["Subject"].startswith("[Beffroi] URGENT : Un arbre est tombé")
    body = mail.get_content()
    assert "« Un arbre est tombé en travers de la route du Molinel »" in body
    assert "https://x.com/i/web/status/m1" in body and "le message signale un danger" in body
    # Alerted once: the next pass sends nothing.
    assert alert_urgent(db, settings, SATURDAY_3AM).alerted == 0
    assert len(received) == 1
    row = queue_row(db, "m1")
    assert (row["urgent_alert_to"], row["urgent_alerted_at"]) == (
        "astreinte@marcq.test",
        to_db(SATURDAY_3AM),
    )
    assert queue_row(db, "m2")["urgent_alerted_at"] is None
    audit = list(sqlite_utils.Database(db)["audit"].rows_where("action = 'urgent_alert'"))
    assert len(audit) == 1 and audit[0]["target_id"] == str(row["id"])


def test_a_failed_urgent_alert_is_retried(db, example_settings, smtp_server):
    settings = with_smtp(example_settings, smtp_server)
    dead = settings.model_copy(update={"smtp": settings.smtp.model_copy(update={"port": 1})})
    ingest(db, settings, message("m1", "Fuite de gaz devant la boulangerie"))
    failed = alert_urgent(db, dead, later(1))
    assert (failed.alerted, failed.failed) == (0, 1) and failed.error
    assert queue_row(db, "m1")["urgent_alerted_at"] is None
    retried = alert_urgent(db, settings, later(2))
    assert (retried.alerted, retried.failed) == (1, 0)
    assert len(smtp_server[2]) == 1


def test_urgent_items_come_first_in_the_inbox_even_at_night(db, example_settings):
    ingest(
        db,
        example_settings,
        message("old", "Le marché est ouvert dimanche ?", at=MONDAY_9),
        message("urgent", "Feux tricolores éteints au carrefour", at=SATURDAY_3AM),
    )
    entries = list_entries(db, example_settings, now=SATURDAY_3AM)
    # The normal question is due first on the business clock; the urgent item still leads.
    assert [e["queue_id"] for e in entries] == [
        queue_row(db, "urgent")["id"],
        queue_row(db, "old")["id"],
    ]


def test_a_managers_correction_is_recorded_with_who_and_when(db, example_settings):
    ingest(
        db,
        example_settings,
        message("m1", "Les vestiaires du stade sont sales, c'est inadmissible"),
    )
    qid = queue_row(db, "m1")["id"]
    at = now_utc().replace(microsecond=0)
    assert correct_triage(db, qid, "theme", "propreté", actor="alice", now=at)
    assert correct_triage(db, qid, "needs_reply", False, actor="bruno", now=at)
    assert not correct_triage(db, qid, "theme", "propreté", actor="alice", now=at)  # unchanged
    rows = list(sqlite_utils.Database(db)["triage_corrections"].rows)
    stamp = to_db(at)
    assert [
        {k: r[k] for k in ("field", "old_value", "new_value", "actor", "at")} for r in rows
    ] == [
        {
            "field": "theme",
            "old_value": "sport",
            "new_value": "propreté",
            "actor": "alice",
            "at": stamp,
        },
        {"field": "needs_reply", "old_value": "1", "new_value": "0", "actor": "bruno", "at": stamp},
    ]
    row = queue_row(db, "m1")
    assert (row["theme"], row["needs_reply"]) == ("propreté", 0)


def test_the_inbox_shows_urgent_in_red_first_and_records_a_correction(db, example_settings):
    from tests.inbox.helpers import app, texts

    ingest(
        db,
        example_settings,
        message("m1", "Le marché est ouvert dimanche ?", at=MONDAY_9),
        message("m2", "Odeur de gaz très forte près de l'école !!", at=later(30)),
    )
    urgent_id = queue_row(db, "m2")["id"]
    at = app(db, example_settings, later(40))
    assert not at.exception
    frame = at.dataframe[0].value
    assert list(frame["n°"])[0] == urgent_id and frame["Priorité"][0] == "Urgente"
    assert any(e.value.startswith("URGENT : danger possible") for e in at.error)
    shown = texts(at)
    assert "Pourquoi ce thème : sécurité (« urgence », « odeur de gaz »)" in shown
    assert "Ton : négatif" in shown
    at.selectbox(key=f"inbox_fix_theme_{urgent_id}").set_value("jeunesse")
    next(b for b in at.button if b.label == "Enregistrer la correction").click().run()
    assert not at.exception
    rows = list(sqlite_utils.Database(db)["triage_corrections"].rows)
    assert [(r["field"], r["old_value"], r["new_value"], r["actor"]) for r in rows] == [
        ("theme", "sécurité", "jeunesse", "alice")
    ]


def test_floors_on_the_development_sets(example_settings, capsys):
    """Development sets (tuned on, so these are floors that keep later rules honest, not a
    measurement; the blind measurement is the lead's)."""
    from beffroi.inbox.evaluate import measure

    for name in (
        "understanding_dev",
        "understanding_dev2",
        "understanding_dev3",
        "understanding_probes",
    ):
        scores = measure(example_settings, name, load(name))
        with capsys.disabled():
            print("\n" + "\n".join(scores.lines()))
        assert scores.urgent_found / scores.urgent_total >= 0.95
        assert scores.false_urgent / scores.calm_total <= 0.02
        if scores.theme_total:
            assert scores.theme_right / scores.theme_total >= 0.85
            assert scores.tp / (scores.tp + scores.fp) >= 0.95
            assert scores.tp / (scores.tp + scores.fn) >= 0.95


def test_floors_on_the_generalisation_probes(example_settings):
    """Other wordings of each danger and their calm look-alikes (tuned on, so floors)."""
    from beffroi.inbox.evaluate import measure

    scores = measure(example_settings, "understanding_probes2", load("understanding_probes2"))
    assert scores.urgent_found / scores.urgent_total >= 0.95
    assert scores.false_urgent / scores.calm_total <= 0.03
    assert scores.theme_right / scores.theme_total >= 0.85


def test_every_labelled_set_reads_and_keeps_its_promises():
    """Each data file loads, says what it is, and holds only known kinds, themes and tones
    (the checks the sets made on themselves when they were Python)."""
    assert len(NAMES) >= 11
    for name in NAMES:
        messages = load(name)
        about = json.loads(path(name).read_text(encoding="utf-8"))
        assert messages and about["about"].strip(), name


def test_urgency_generalises_to_other_wordings_of_each_family(example_settings):
    """Each family of danger the spent blind set 5 and dev4 missed, written again in words of
    neither set (issue 13, blind targets): the fix is the concept, not the message."""

    def urgent(text, kind="comment"):
        return understand(example_settings, text, kind).priority == "urgent"

    # gas misspelt or felt ("je sens le gaz"), bare wires, a line down on the road
    assert urgent("ça sent le gas dans tout l'immeuble, on fait quoi")
    assert urgent("je sens le gaz dans le hall depuis tout à l'heure")
    assert urgent("fils denudés qui sortent du poteau au coin de la rue")
    assert urgent("une ligne est tombée sur la route après la tempête")
    # lights out described at length, signs torn off far from the word "stop"
    assert urgent("les feux de l'avenue près du rond-point de la gare sont tous en rade")
    assert urgent("plus aucun feu qui fonctionne au carrefour, c'est la panique")
    # an open hole without barriers, a manhole without its cover
    assert urgent("le trou des travaux n'a aucune barrière, un enfant a failli tomber")
    assert urgent("la bouche d'égout devant l'arrêt n'a plus de couvercle")
    # things about to fall, broken play equipment, a bridge that moves
    assert urgent("un panneau publicitaire est plié et peut tomber sur le trottoir")
    assert urgent("le projecteur du terrain se décroche au-dessus des joueurs")
    assert urgent("au square le tourniquet est cassé net et des vis dépassent, les petits jouent")
    assert urgent("la passerelle bouge et la fissure s'agrandit à vue d'oeil")
    # a person at risk described with the cold, a silent neighbour whose mail piles up
    assert urgent("un homme dort sur un banc depuis ce soir, il fait -4, il tremble beaucoup")
    assert urgent("la dame du 3 : sa boite aux lettres déborde et personne ne répond")
    assert urgent("un nageur est au fond du bassin, il respire à peine")
    assert urgent("les fusées du spectacle partent dans la foule !")
    assert urgent("un chien est enfermé dans une voiture en plein soleil, il halète")
    assert urgent("il manque la plaque d'égout au croisement, un trou de 1 mètre")
    assert urgent("plus de courant et les fils arrachés pendent sur la rue")
    # SMS style and slang
    assert urgent("sa crame au 3eme etage!!!!")
    assert urgent("ca pu le gaz de ouf vers la boulangerie")
    assert urgent("y a une baston devant le lycee avec des barres de fer")
    assert urgent("un gosse tout seul sur le bord de la route il pleure")
    assert urgent("ma grand mere est tombee dans sa salle de bain elle peut plus se lever")
    assert urgent("on a 10 cm dans le salon et ça continue")
    assert urgent("explosion dans un appartement, vitres soufflées")
    assert urgent("des ados sur le toit de l'église, ils risquent de tomber")
    assert urgent("Un bébé a été oublié dans une voiture sur le parking, il pleure")
    assert urgent(
        "les feux piétons du carrefour restent au rouge, les gens traversent n'importe où"
    )
    assert urgent("la fontaine déborde et l'eau coule jusque dans les commerces")
    assert urgent("personne n'a salé, ma voisine s'est cassé le poignet sur la neige")
    assert urgent("le local vélo de la résidence est en train de brûler")
    assert urgent("ça sent l'essence très fort dans le parking souterrain")
    assert urgent("ça patine grave sur la côte, trois voitures dans le fossé")
    assert urgent("ma voisine crie à l'aide depuis son appartement")
    assert urgent(
        "un vieux monsieur est assis par terre sous la pluie et ne sait plus où il habite"
    )
    assert urgent("des bouts de verre partout sur l'aire de jeux, les petits marchent pieds nus")
    assert urgent("un essaim d'abeilles dans la cour de récré")
    assert urgent("un gars armé d'un couteau court dans la rue")
    # water filling an underpass, one danger among other complaints
    assert urgent("le tunnel sous le pont est plein d'eau, une voiture est bloquée")
    assert urgent(
        "Le bruit du chantier dure depuis des semaines, mais là un regard n'a plus de "
        "couvercle devant l'école et il fait nuit"
    )
    # A street's name is no tree nor school: the danger keeps its theme.
    ice = understand(example_settings, "patinoire rue des Platanes, deux personnes sont tombées")
    assert (ice.priority, ice.theme) == ("urgent", "mobilité")


def test_danger_words_used_innocently_stay_calm(example_settings):
    def urgent(text, kind="comment"):
        return understand(example_settings, text, kind).priority == "urgent"

    assert not urgent("on se rappelle la crue de 93, l'eau jusqu'aux fenêtres")
    assert not urgent("les inondations de septembre dernier : toujours pas d'aide ?")
    assert not urgent("un trou dans la pelouse du parc, pas dangereux mais moche")
    assert not urgent("ma fille est perdue en anglais, il y a du soutien scolaire ?")
    assert not urgent("le voisin fait une fumée avec son barbecue tous les matins")
    assert not urgent("l'alarme de la salle sonne pour rien depuis une heure")
    assert not urgent("le spectacle « Au feu ! » au théâtre était drôle")
    assert not urgent("où rapporter les seringues de mon traitement ?")
    assert not urgent("je m'effondre, le concert est complet")
    assert not urgent("le toit du garage prend l'eau à chaque orage")
    assert not urgent("mon père ne répond pas mais c'est normal, il est en vacances")
    assert not urgent("on a allumé le feu à 20h pour les grillades, super soirée")
    assert not urgent("petit accrochage au rond-point, personne n'a été blessé")
    assert not urgent("l'alarme incendie a été testée ce matin à l'école, tout va bien")
    assert not urgent("il va pleuvoir demain, attention aux inondations")
    assert not urgent("l'explosion des prix de la cantine, c'est une honte")
    assert not urgent("le prix de l'essence va chuter ?")
    assert not urgent("une petite fuite d'eau sous mon évier, quel plombier appeler ?")
    assert not urgent("on a trouvé un hérisson blessé dans le jardin, qui appeler ?")
    assert urgent("un chat blessé au milieu de la route, les voitures l'évitent")


def test_needs_reply_generalises_to_requests_without_their_usual_marks(example_settings):
    """Questions without "?", faults without a "problem" word, suggestions in cheerful words,
    sarcastic thanks; and the other way: things put right, talk among citizens, phishing."""

    def replies(text, kind="comment"):
        return understand(example_settings, text, kind).needs_reply

    assert replies("c quoi les horaires de la mairie annexe")
    assert replies("dites-moi si le marché a lieu lundi")
    assert replies("Vous prenez les inscriptions pour la brocante en ligne")
    assert replies("ça fait trois semaines que le banc est couché dans l'herbe")
    assert replies("plus de lumière rue Colbert depuis jeudi")
    assert replies("les conteneurs à papier sont encore pleins")
    assert replies("le chauffage du gymnase est coupé")
    assert replies("ce serait chouette des toilettes publiques au parc")
    assert replies("Merci pour les bouchons tous les matins, vraiment top 🙃")
    assert replies("deux ans d'attente pour une place en crèche, c'est long")
    assert not replies("la fuite du square a été réparée en une matinée, bravo")
    assert not replies("le lampadaire est réparé, merci les services")
    assert not replies("Salut les voisins, qui est partant pour la fête de la rue ?")
    assert not replies("on se retrouve au marché samedi ?")
    assert not replies("je suis tombée sur un vieil article sur la gare, génial")
    assert not replies("Votre compte sera désactivé sous 48h, confirmez vos identifiants ici")
    assert not replies("le nouveau parking est bien signalé, merci")
    # still broken after the repair: a reply is due
    assert replies("le lampadaire a été réparé mais il est de nouveau en panne")
    assert replies("les jeux du parc sont dans un état pitoyable")
    assert replies("Il serait temps de refaire les marquages au sol")
    assert replies("Super la fête mais les toilettes étaient dégoûtantes")
    assert replies("Le stationnement devant l'école est dangereux le matin")
    assert not replies("le nouveau toboggan n'est pas dangereux du tout, bravo")
    # SMS style: apostrophes dropped, "kel", "pas passer", "on peu avoir"
    assert replies("la mediatheque ouvre a kel heure")
    assert replies("les poubelle sont pas passer cette semaine")
    assert replies("on peu avoir des poubelles de tri en plus")
    assert not replies("Merci de votre réponse rapide", "dm")
    assert replies("Merci de me rappeler au sujet du dossier", "comment")
    assert replies("Le site de la mairie affiche une page blanche")
    assert replies("les horaires affichés à la piscine sont faux")
    assert replies("Ça serait possible d'avoir un passage piéton devant la boulangerie")
    assert replies("les moustiques au bord de l'étang c'est l'enfer")
    assert not replies("les travaux c'était l'enfer mais le résultat est top")
    assert understand(example_settings, "@Paul c'est pas la mairie qui gère ça").theme is None
    assert understand(example_settings, "cmt on fait pr la carte d identite").theme == "démarches"


def test_themes_read_the_subject_not_street_names_idioms_or_verb_lemmas(example_settings):
    def theme(text):
        return understand(example_settings, text, "comment").theme

    assert theme("les trottoirs de la rue des Marronniers sont trop étroits") != "environnement"
    assert theme("le bruit des travaux avenue du Stade") == "travaux"
    assert theme("on doit se garer en double file devant la crèche") == "mobilité"  # doit ≠ devoirs
    assert theme("Trou de mémoire : la piscine ouvre à quelle heure ?") == "sport"
    assert theme("fuite de gaz dans la rue, ça sent fort") == "sécurité"  # not travaux:fuite
    assert theme("Bonnes fêtes à toute l'équipe de la mairie") is None
    assert theme("la rénovation de la place est réussie") == "travaux"
    assert theme("merci aux animatrices du centre, mon fils est ravi") == "jeunesse"
