"""The Communauté page through Streamlit's AppTest: ranking, explanation, invitations, roles."""

from __future__ import annotations

from datetime import timedelta

from beffroi.analytics.pseudonym import pseudonym, pseudonym_key
from beffroi.store import now_utc
from beffroi.store.community import create_event, propose_invitations
from tests.dashboard.conftest import HOSTILE, PASSWORD
from tests.dashboard.test_app import all_text, login, open_page, start


def _community(user: str):
    at = login(start(), user, PASSWORD)
    return open_page(at, "community")


def test_manager_sees_the_ranking_with_names_and_an_explanation(city):
    at = _community("claire")
    assert not at.exception
    assert at.title[0].value == "Communauté"
    table = at.dataframe[0].value
    assert list(table["Rang"]) == [1, 2, 3, 4]
    # One interaction each: X mentions weigh 2, Facebook comments 1; then recency (decay).
    assert list(table["Membre"]) == [
        "Jeanne_M (@jeanne_m)",
        "Leo59 (@leo59)",
        "Paul.D (@paul.d)",
        "Anne.B (@anne.b)",
    ]
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Semaines actives"] == "1" and metrics["Bonus d'assiduité"] == "+0,5"


def test_hostile_text_in_an_explanation_stays_literal(city):
    settings, _config, conn = city
    at = _community("claire")
    anne = conn.execute("SELECT id FROM members WHERE handle = 'anne.b'").fetchone()[0]
    at.selectbox(key="community_explain").set_value(anne).run()
    assert not at.exception
    recent = [df.value for df in at.dataframe if "Texte" in df.value.columns]
    assert list(recent[0]["Texte"]) == [HOSTILE]
    for element in at.markdown:
        assert "alert(1)" not in element.value


def test_director_sees_pseudonyms_only(city, monkeypatch):
    monkeypatch.setenv("BEFFROI_PSEUDONYM_KEY", "clé-de-test")
    settings, _config, conn = city
    at = _community("diane")
    assert not at.exception
    shown = " ".join(str(df.value.to_dict()) for df in at.dataframe)
    for handle in ("jeanne_m", "paul.d", "leo59", "anne.b", HOSTILE):
        assert handle not in shown and handle not in all_text(at)
    expected = pseudonym(pseudonym_key(settings), "x", "id-jeanne_m")
    assert expected in list(at.dataframe[0].value["Membre"])
    assert not [b for b in at.button if b.key == "community_propose"]


def test_invitation_sent_by_hand_then_accepted(city):
    settings, _config, conn = city
    now = now_utc()
    event = create_event(
        conn,
        name="Afterwork des contributeurs",
        kind="afterwork",
        starts_at=now + timedelta(days=7),
    )
    paul = conn.execute("SELECT id FROM members WHERE handle = 'paul.d'").fetchone()[0]
    (inv,) = propose_invitations(conn, event, {paul: "Bonjour Paul, venez !"})
    at = _community("claire")
    at.selectbox(key="community_event").set_value(event).run()
    at.selectbox(key="community_invitation").set_value(inv).run()
    # The message is an editable text, not a code block; the edited text is what leaves.
    text = at.text_area(key=f"inv_text_{inv}")
    assert text.value == "Bonjour Paul, venez !" and not at.code
    text.input("Bonjour Paul, venez jeudi à 18 h !")
    at.button(key="inv_send").click().run()
    assert not at.exception
    # No DM conversation with Paul: the message is to be copied by hand.
    assert "copiez le message" in all_text(at)
    at.selectbox(key="inv_move").set_value("accepted").run()
    at.button(key="inv_move_go").click().run()
    assert "Réponse enregistrée." in [s.value for s in at.success]
    status = conn.execute(
        "SELECT status, sent_via FROM invitations WHERE id = ?", (inv,)
    ).fetchone()
    assert tuple(status) == ("accepted", "manual")
    message = conn.execute("SELECT message FROM invitations WHERE id = ?", (inv,)).fetchone()[0]
    assert message == "Bonjour Paul, venez jeudi à 18 h !"


def test_proposed_invitations_are_sent_in_one_click(city):
    settings, _config, conn = city
    now = now_utc()
    event = create_event(
        conn, name="Instameet du parc", kind="instameet", starts_at=now + timedelta(days=7)
    )
    people = [r[0] for r in conn.execute("SELECT id FROM members ORDER BY id LIMIT 3")]
    propose_invitations(conn, event, {m: f"Bonjour {m}" for m in people})
    at = _community("claire")
    at.selectbox(key="community_event").set_value(event).run()
    at.button(key="inv_send_all").click().run()
    assert not at.exception
    assert "3 invitations parties : 0 par message privé, 3 à copier à la main." in [
        s.value for s in at.success
    ]
    states = {r[0] for r in conn.execute("SELECT status FROM invitations")}
    assert states == {"invited"}


def test_creating_an_event_through_the_form(city):
    settings, _config, conn = city
    at = _community("claire")
    form_inputs = [t for t in at.text_input if t.label == "Nom"]
    form_inputs[0].input("Snapmeet skatepark")
    [s for s in at.selectbox if s.label == "Type"][0].set_value("snapmeet")
    [n for n in at.number_input if n.label == "Âge minimum (0 = aucun)"][0].set_value(12)
    [n for n in at.number_input if n.label == "Âge maximum (0 = aucun)"][0].set_value(18)
    [b for b in at.button if b.label == "Créer"][0].click().run()
    assert not at.exception
    row = conn.execute("SELECT name, kind, min_age, max_age, capacity FROM events").fetchone()
    assert tuple(row) == ("Snapmeet skatepark", "snapmeet", 12, 18, 30)


def test_linking_two_accounts_of_one_person(city):
    settings, _config, conn = city
    at = _community("claire")
    at.text_input(key="community_link_a").input("jeanne").run()
    at.text_input(key="community_link_b").input("leo5").run()
    assert at.selectbox(key="link_a_id").options == ["@jeanne_m (Jeanne_M, X)"]
    at.button(key="community_link").click().run()
    assert not at.exception
    assert "Comptes liés" in at.success[0].value
    persons = dict(
        conn.execute("SELECT handle, person_id FROM members WHERE person_id IS NOT NULL")
    )
    assert persons["jeanne_m"] == persons["leo59"]
    # Counted together, the person now leads with two mentions.
    at = _community("claire")
    assert at.dataframe[0].value["Membre"][0].count("@") == 2


def test_an_objection_recorded_on_the_page_takes_the_person_out_of_the_ranking(city):
    _settings, _config, conn = city
    at = _community("claire")
    at.text_input(key="community_object_q").input("jeanne").run()
    assert at.selectbox(key="object_id").options == ["@jeanne_m (Jeanne_M, X)"]
    at.button(key="community_object").click().run()
    assert not at.exception
    assert "Opposition enregistrée" in at.success[0].value
    audit = conn.execute("SELECT actor FROM audit WHERE action = 'member.object'").fetchone()
    assert audit[0] == "claire"
    at = _community("claire")
    members = list(at.dataframe[0].value["Membre"])
    assert members == ["Leo59 (@leo59)", "Paul.D (@paul.d)", "Anne.B (@anne.b)"]
    at.text_input(key="community_object_q").input("jeanne").run()
    at.button(key="community_unobject").click().run()
    assert "Opposition levée" in at.success[0].value
    at = _community("claire")
    assert at.dataframe[0].value["Membre"][0] == "Jeanne_M (@jeanne_m)"


def test_comms_staff_see_no_private_message_in_an_explanation(city):
    """Private messages are read by the inbox's roles only; "Pourquoi ce score ?" showed
    them to comms staff. The count still says how many there were."""
    from datetime import UTC, datetime

    from beffroi.collectors import Page
    from beffroi.inbox import ingest_page
    from tests.dashboard.conftest import THEMES, add_staff, make_item

    settings, _config, conn = city
    now = datetime.now(UTC).replace(microsecond=0)
    secret = make_item(
        "x_ville",
        "x",
        "dm1",
        now - timedelta(minutes=3),
        "jeanne_m",
        "Mon adresse perso est 7 rue Imaginaire",
        kind="dm",
    )
    ingest_page(conn, "x_ville", "dms", Page([secret], None), hooks=THEMES, now=now)
    add_staff(conn, cora="comms")
    jeanne = conn.execute("SELECT id FROM members WHERE handle = 'jeanne_m'").fetchone()[0]
    for user, sees in (("cora", False), ("claire", True)):
        at = _community(user)
        at.selectbox(key="community_explain").set_value(jeanne).run()
        assert not at.exception
        texts = [t for df in at.dataframe if "Texte" in df.value.columns for t in df.value["Texte"]]
        assert ("Mon adresse perso est 7 rue Imaginaire" in texts) is sees, user
        captions = " ".join(c.value for c in at.caption)
        assert ("1 message privé n'est pas affiché" in captions) is not sees, user


def _jeanne_on_bluesky(conn, profile: str) -> int:
    """Jeanne_M also writes on Bluesky, her profile naming her X account."""
    from datetime import UTC, datetime

    from beffroi.collectors.item import Author, Item, Page
    from beffroi.inbox import ingest_page

    now = datetime.now(UTC).replace(microsecond=0)
    author = Author("bluesky", "did:plc:jeanne", "@jeanne.bsky.social", "Jeanne_M", profile)
    item = Item("bluesky", "bluesky_ville", "at://jeanne/1", "mention", "in", "Bonjour", now,
                author=author)  # fmt: skip
    ingest_page(conn, "bluesky_ville", "notifications", Page([item], None), now=now)
    return conn.execute("SELECT id FROM members WHERE network = 'bluesky'").fetchone()[0]


def test_a_link_proposal_is_shown_literally_and_confirmed_by_a_person(city):
    _settings, _config, conn = city
    bluesky = _jeanne_on_bluesky(conn, f"{HOSTILE}\nAussi sur X : @jeanne_m")
    x = conn.execute("SELECT id FROM members WHERE handle = 'jeanne_m'").fetchone()[0]
    assert (
        conn.execute("SELECT count(*) FROM members WHERE person_id IS NOT NULL").fetchone()[0] == 0
    )
    at = _community("claire")
    assert not at.exception
    text = all_text(at)
    assert "Comptes à relier ?" in [h.value for h in at.header]
    assert "Son profil Bluesky indique : « \u2068Aussi sur X : @jeanne_m\u2069 »" in text
    assert "X @\u2068jeanne_m\u2069 (\u2068Jeanne_M\u2069)" in text
    at.button(key=f"link_yes_{bluesky}_{x}").click().run()
    assert not at.exception
    assert "Comptes reliés" in at.success[0].value
    assert not [b for b in at.button if b.key and b.key.startswith("link_")]
    persons = {r[0] for r in conn.execute("SELECT coalesce(person_id, id) FROM members WHERE id IN (?, ?)", (bluesky, x))}  # fmt: skip
    assert len(persons) == 1
    audit = conn.execute("SELECT actor FROM audit WHERE action = 'member.link'").fetchall()
    assert [r[0] for r in audit] == ["claire"]
    at = _community("claire")
    assert "Aucune proposition" in " ".join(c.value for c in at.caption)


def test_a_refused_link_proposal_is_not_made_again(city):
    _settings, _config, conn = city
    bluesky = _jeanne_on_bluesky(conn, "X : @jeanne_m")
    x = conn.execute("SELECT id FROM members WHERE handle = 'jeanne_m'").fetchone()[0]
    at = _community("claire")
    at.button(key=f"link_no_{bluesky}_{x}").click().run()
    assert not at.exception
    assert (
        conn.execute("SELECT count(*) FROM members WHERE person_id IS NOT NULL").fetchone()[0] == 0
    )
    assert conn.execute("SELECT refused_by FROM link_refusals").fetchall()[0][0] == "claire"
    at = _community("claire")
    assert not [b for b in at.button if b.key and b.key.startswith("link_")]


def test_a_note_on_a_person_is_written_and_read_beside_their_score(city):
    """Notes on a person were only on the Inbox: the Communauté page, where the team picks
    whom to invite, now shows them beside the explanation and takes a new one. Directors
    see neither (the notes name people)."""
    from beffroi.inbox import notes_on_member

    _settings, _config, conn = city
    anne = conn.execute("SELECT id FROM members WHERE handle = 'anne.b'").fetchone()[0]
    at = _community("claire")
    at.selectbox(key="community_explain").set_value(anne).run()
    assert "Notes internes" in [e.label for e in at.expander]
    at.text_area(key=f"community_note_text_{anne}").input(HOSTILE + " bénévole du forum")
    [add] = [b for b in at.button if b.label == "Ajouter la note"]
    add.click().run()
    assert not at.exception
    [note] = notes_on_member(conn, anne)
    assert (note["author"], note["body"], note["queue_id"]) == (
        "claire",
        HOSTILE + " bénévole du forum",
        None,
    )
    assert HOSTILE + " bénévole du forum" in all_text(at)  # as typed, never as Markdown
    assert "Notes internes (1)" in [e.label for e in at.expander]

    director = _community("diane")
    director.selectbox(key="community_explain").set_value(anne).run()
    assert not [e for e in director.expander if e.label.startswith("Notes internes")]
    assert "bénévole du forum" not in all_text(director)
