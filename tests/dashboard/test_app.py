"""The dashboard shell through Streamlit's AppTest: login, roles, the inbox list."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest
from streamlit.util import calc_hash

from tests.dashboard.conftest import APP, HOSTILE, PASSWORD


def start() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=15)
    return at.run()


def login(at: AppTest, username: str, password: str) -> AppTest:
    at.text_input(key="login_username").input(username)
    at.text_input(key="login_password").input(password)
    at.button[0].click()
    return at.run()


def open_page(at: AppTest, url_path: str) -> AppTest:
    """Go to a page as the sidebar link would: pages are callables, registered by URL."""
    at._page_hash = calc_hash(url_path)  # AppTest.switch_page only knows file pages
    return at.run()


def all_text(at: AppTest) -> str:
    parts = [e.value for e in at.text] + [e.value for e in at.title]
    parts += (
        [e.value for e in at.error] + [e.value for e in at.info] + [e.value for e in at.warning]
    )
    return "\n".join(str(p) for p in parts)


def test_wrong_password_gives_one_french_sentence_and_no_page(city):
    at = login(start(), "claire", "pas le bon mot de passe")
    assert not at.exception
    assert [e.value for e in at.error] == ["Identifiant ou mot de passe incorrect."]
    assert not at.dataframe


def test_unknown_user_gets_the_same_answer(city):
    at = login(start(), "personne", PASSWORD)
    assert [e.value for e in at.error] == ["Identifiant ou mot de passe incorrect."]


def test_right_password_opens_the_inbox_newest_first(city):
    at = login(start(), "claire", PASSWORD)
    assert not at.exception
    assert not at.error
    assert at.title[0].value == "Boîte de réception"
    table = at.dataframe[0].value
    assert list(table["Message"]) == [
        "Le bus 18 est encore en retard ce matin",
        "Une poubelle déborde rue Nationale",
        "Merci pour le feu d'artifice !",
        HOSTILE,
    ]
    assert table["Reçu"][0] == "il y a 5 min"
    assert list(table["Réseau"]) == ["X", "Facebook", "X", "Facebook"]
    assert list(table["Auteur"])[0] == "Jeanne_M (@jeanne_m)"
    assert list(table["Thème"])[:2] == ["mobilité", "propreté"]
    assert set(table["Statut"]) == {"Nouveau"}


def test_filters_by_network_theme_and_status(city):
    at = login(start(), "claire", PASSWORD)
    at.multiselect(key="inbox_networks").select("facebook").run()
    assert list(at.dataframe[0].value["Réseau"]) == ["Facebook", "Facebook"]
    at.multiselect(key="inbox_themes").select("propreté").run()
    assert list(at.dataframe[0].value["Message"]) == ["Une poubelle déborde rue Nationale"]
    at.multiselect(key="inbox_statuses").select("closed").run()
    assert not at.dataframe
    assert "Aucun message ne correspond à ces filtres." in all_text(at)


def test_roles_see_only_their_pages(city):
    director = login(start(), "diane", PASSWORD)
    assert director.title[0].value == "Rapports"  # no inbox for directors: reports first
    assert "Boîte de réception" not in all_text(director)
    open_page(director, "inbox")
    assert director.title[0].value != "Boîte de réception"
    assert not any(HOSTILE in str(df.value) for df in director.dataframe)

    admin = login(start(), "alex", PASSWORD)
    assert admin.title[0].value == "Boîte de réception"
    open_page(admin, "health")
    assert admin.title[0].value == "État de la collecte"


def test_logout_returns_to_the_login_form(city):
    at = login(start(), "claire", PASSWORD)
    at.button(key="logout").click().run()
    assert at.text_input(key="login_username") is not None
    assert not at.dataframe


@pytest.mark.parametrize("role_user", ["claire", "alex"])
def test_hostile_citizen_text_is_shown_literally(city, role_user):
    at = login(start(), role_user, PASSWORD)
    assert HOSTILE in list(at.dataframe[0].value["Message"])
    for element in at.markdown:
        assert "alert(1)" not in element.value and "bold" not in element.value
