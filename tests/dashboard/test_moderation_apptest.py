"""The Modération page through Streamlit's AppTest on a real database: an admin writes a
rule, tries it on the last 30 days, saves it (switched off), switches it on."""

from __future__ import annotations

from tests.inbox.helpers import app, fb_comment, ingest_fb, later


def widget(items, label):
    return next(w for w in items if w.label == label)


def test_an_admin_writes_tries_saves_and_switches_on_a_rule(db, example_settings):
    ingest_fb(db, example_settings, fb_comment("c1", "Bande d'incapables <b>honte</b> !"))
    ingest_fb(db, example_settings, fb_comment("c2", "Merci pour le marché"))
    at = app(db, example_settings, later(60), username="alex", role="admin", page="moderation")
    assert not at.exception
    widget(at.text_input, "Nom de la règle").set_value("Insultes")
    widget(at.text_input, "contient l'un de ces mots (séparés par des virgules)").set_value(
        "incapables, honte"
    )
    widget(
        at.checkbox,
        "masquer sur le réseau (commentaires Facebook et Instagram, réponses sur X)",
    ).check()
    widget(at.button, "Essayer sur les 30 derniers jours").click().run()
    assert not at.exception
    assert [i.value for i in at.info] == [
        "Cette règle aurait masqué 1 commentaire sur les 30 derniers jours :"
    ]
    frame = at.dataframe[-1].value
    assert list(frame["Message"]) == ["Bande d'incapables <b>honte</b> !"]
    assert list(frame["Pourquoi"]) == ["contient « incapables »"]
    assert db.execute("SELECT count(*) FROM moderation_rules").fetchone()[0] == 1  # unsaved

    widget(at.button, "Enregistrer").click().run()
    assert not at.exception
    assert [s.value for s in at.success] == ["C'est fait."]
    assert "Règle « Insultes » enregistrée (désactivée : essayez-la puis activez-la)." in [
        t.value for t in at.text
    ]
    row = db.execute(
        "SELECT name, conditions, actions, enabled, created_by FROM moderation_rules "
        "WHERE builtin IS NULL"
    ).fetchone()
    assert tuple(row) == (
        "Insultes",
        '{"keywords": ["incapables", "honte"]}',
        '{"hide": true}',
        0,
        "alex",
    )
    widget(at.button, "Activer").click().run()
    assert "Règle « Insultes » activée." in [t.value for t in at.text]
    assert db.execute("SELECT enabled FROM moderation_rules WHERE name = 'Insultes'").fetchone()[0]


def test_refusals_are_french_and_quote_what_was_typed_as_plain_text(db, example_settings):
    at = app(db, example_settings, later(60), username="alex", role="admin", page="moderation")
    widget(at.text_input, "Nom de la règle").set_value("Tout")
    widget(at.button, "Enregistrer").click().run()
    assert [e.value for e in at.error] == ["Ce n'est pas fait :"]
    assert [t.value for t in at.text][-1] == (
        "Une règle doit regarder le contenu du message (mots, lemmes, lien, coordonnées, "
        "émojis, longueur, auteur, thème ou ton) : elle s'appliquerait sinon à tout."
    )
    widget(at.checkbox, "contient un lien").check()
    widget(at.text_input, "alerter par courriel").set_value("**pas-une-adresse**")
    widget(at.button, "Enregistrer").click().run()
    assert [t.value for t in at.text][-1] == "Adresse d'alerte invalide : **pas-une-adresse**."
    assert "pas-une-adresse" not in "".join(m.value for m in at.markdown)
