"""The dashboard shell through Streamlit's AppTest: login, roles, the inbox list."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from streamlit.testing.v1 import AppTest
from streamlit.util import calc_hash

from beffroi.store import finish_run, start_run
from tests.dashboard.conftest import APP, HOSTILE, PASSWORD, fill


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
    # open messages (new, assigned) are shown by default; only the closed ones now:
    at.multiselect(key="inbox_statuses").set_value(["closed"]).run()
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


def test_new_messages_appear_without_restart(city):
    """The cached list is keyed on the database's data version."""
    settings, _, conn = city
    at = login(start(), "claire", PASSWORD)
    assert len(at.dataframe[0].value) == 4
    at.run()  # unchanged database: served from the cache, same rows
    assert len(at.dataframe[0].value) == 4
    fill(conn, datetime.now(UTC), [("x_ville", "x", "x9", 0, "nina", "Nouveau message")])
    at.run()
    assert at.dataframe[0].value["Message"][0] == "Nouveau message"


def test_pages_through_long_lists(city):
    settings, _, conn = city
    now = datetime.now(UTC)
    fill(conn, now, [("x_ville", "x", f"m{i}", 10 + i, "bob", f"message {i}") for i in range(60)])
    at = login(start(), "claire", PASSWORD)
    first = at.dataframe[0].value
    assert len(first) == 50 and first["Message"][0] == "Le bus 18 est encore en retard ce matin"
    at.button(key="inbox_next").click().run()
    second = at.dataframe[0].value
    assert len(second) == 14  # 64 in all
    assert not set(first["Message"]) & set(second["Message"])
    assert at.button(key="inbox_next").disabled
    at.button(key="inbox_prev").click().run()
    assert list(at.dataframe[0].value["Message"]) == list(first["Message"])


def facebook_fine_x_expired(conn) -> None:
    """Two collection runs: Facebook's went well, X's token was revoked."""
    now = datetime.now(UTC).replace(microsecond=0)
    ok = start_run(conn, "facebook_ville", "comments", now=now - timedelta(minutes=2))
    finish_run(conn, ok, status="ok", fetched=12, new=3, api_calls=2, now=now)
    bad = start_run(conn, "x_ville", "mentions", now=now - timedelta(minutes=1))
    finish_run(
        conn,
        bad,
        status="error",
        error_kind="auth_expired",
        error="401 Unauthorized: token revoked",
        now=now,
    )


def test_health_panel_names_the_expired_account_and_what_to_do(city):
    settings, _, conn = city
    facebook_fine_x_expired(conn)
    at = open_page(login(start(), "alex", PASSWORD), "health")
    assert at.title[0].value == "État de la collecte"
    errors = [e.value for e in at.error]
    assert len(errors) == 1
    assert "« marcqenbaroeul » (X, clé x_ville)" in errors[0]
    assert "BEFFROI_X_BEARER_TOKEN" in errors[0] and "developer.x.com" in errors[0]
    table = at.dataframe[0].value
    assert list(table["Compte"]) == ["facebook_ville", "x_ville"]
    assert list(table["État"]) == ["OK", "Erreur"]
    assert list(table["Nouveaux"]) == [3, 0]
    assert list(table["Erreur"]) == ["", "Autorisation expirée"]
    assert "401 Unauthorized: token revoked" in all_text(at)


def test_health_panel_says_when_nothing_was_collected(city):
    at = open_page(login(start(), "alex", PASSWORD), "health")
    text = all_text(at)
    assert "Aucune collecte n'a encore eu lieu." in text
    assert "Le compte x_ville n'a encore jamais été collecté." in text


def test_health_panel_shows_the_service_and_its_failing_job(city):
    from beffroi.store import set_meta, to_db
    from beffroi.store.jobs import finish_job_run, start_job_run

    settings, _, conn = city
    now = datetime.now(UTC).replace(microsecond=0)
    at = open_page(login(start(), "alex", PASSWORD), "health")
    assert any("n'a jamais tourné" in w.value for w in at.warning)
    set_meta(conn, "scheduler.heartbeat", json.dumps({"at": to_db(now), "pid": 1, "host": "h"}))
    for job, error in [
        ("publish", None),
        ("sla_sweep", "SMTPServerDisconnected: Connection unexpectedly closed"),
        ("sla_sweep", "SMTPServerDisconnected: Connection unexpectedly closed"),
    ]:
        run = start_job_run(conn, job, now=now - timedelta(minutes=1))
        finish_job_run(conn, run, error=error, now=now)
    at = open_page(login(start(), "alex", PASSWORD), "health")
    assert not any("service beffroi" in w.value.lower() for w in at.warning)
    jobs = at.dataframe[-1].value
    assert list(jobs["Tâche"]) == ["Publication des rendez-vous", "Relance des messages en retard"]
    assert list(jobs["État"]) == ["OK", "Erreur"] and list(jobs["Erreurs (24 h)"]) == [0, 2]
    assert "SMTPServerDisconnected" in all_text(at)


def test_directors_read_a_summary_of_the_collection_not_its_tables(city):
    """A director wants to know whether the city's accounts are followed, not the streams'
    API calls or an error's text (issue "dashboard", État)."""
    settings, _, conn = city
    facebook_fine_x_expired(conn)
    at = open_page(login(start(), "diane", PASSWORD), "health")
    assert at.title[0].value == "État de la collecte"
    assert len(at.dataframe) == 0
    text = all_text(at)
    assert "401 Unauthorized" not in text and "x_ville" not in text
    assert "1 compte sur 2 est suivi normalement." in text
    assert "« marcqenbaroeul » (X) : l'autorisation du réseau a expiré" in text


def test_a_damaged_database_is_one_sentence_and_nothing_is_written(city):
    """64 KB overwritten in the middle: the first screen says so, the file is not written
    (the check runs in the background: the screen waits for it only half a second)."""
    import random

    from beffroi.store import set_meta
    from beffroi.store.connection import _forget_checks

    settings, _, conn = city
    for n in range(400):
        set_meta(conn, f"k{n}", "rue " * 200)
    conn.close()
    path = settings.database_path
    size = path.stat().st_size
    with open(path, "r+b") as f:
        f.seek(size // 2)
        f.write(random.Random(11).randbytes(64 * 1024))
    _forget_checks()
    before = path.read_bytes()
    at = AppTest.from_file(APP, default_timeout=30).run()
    assert not at.exception
    errors = " ".join(e.value for e in at.error)
    assert "La base de données ne peut pas être" in errors, all_text(at)
    assert "damaged" in errors or "malformed" in errors, errors
    assert not at.text_input  # no login form on a damaged database
    assert path.read_bytes() == before
    _forget_checks()
