"""The Administration page through Streamlit's AppTest: staff accounts and erasure requests,
done by an administrator without a terminal, each audited under their name."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from beffroi.store import get_staff
from tests.dashboard.conftest import APP, PASSWORD
from tests.dashboard.test_app import login, open_page

NEW_PASSWORD = "un-autre-mot-de-passe"


def admin_page(user="alex", password=PASSWORD) -> AppTest:
    return open_page(
        login(AppTest.from_file(APP, default_timeout=20).run(), user, password), "admin"
    )


def audit(conn, action):
    return conn.execute(
        "SELECT actor, target_id FROM audit WHERE action = ? ORDER BY id", (action,)
    ).fetchall()


def test_only_admins_see_the_administration_page(city):
    assert admin_page().title[0].value == "Administration"
    for user in ("claire", "diane"):
        assert admin_page(user).title[0].value != "Administration"


def test_an_admin_adds_a_colleague_who_can_then_log_in(city):
    settings, _, conn = city
    at = admin_page()
    at.text_input(key="admin_add_username").input("  ").run()
    at.button[0].click()  # submitting with an empty name
    at = at.run()
    assert any("L'identifiant doit faire" in e.value for e in at.error)
    at.text_input(key="admin_add_username").input("bruno.l")
    at.text_input(key="admin_add_name").input("Bruno Lefebvre")
    at.selectbox(key="admin_add_role").set_value("comms")
    at.text_input(key="admin_add_pw1").input(NEW_PASSWORD)
    at.text_input(key="admin_add_pw2").input(NEW_PASSWORD)
    at = at.button[0].click().run()
    assert not at.exception
    assert [s.value for s in at.success] == [
        "Bruno Lefebvre peut maintenant se connecter (Chargé·e de communication)."
    ]
    member = get_staff(conn, "bruno.l")
    assert (member.display_name, member.role, member.active) == ("Bruno Lefebvre", "comms", True)
    assert [tuple(r) for r in audit(conn, "staff_upsert")][-1] == ("alex", "bruno.l")
    bruno = login(AppTest.from_file(APP, default_timeout=20).run(), "bruno.l", NEW_PASSWORD)
    assert not bruno.error


def test_an_admin_resets_a_password_changes_a_role_and_deactivates(city):
    settings, _, conn = city
    at = admin_page()
    at.selectbox(key="admin_edit_pick").set_value("claire").run()
    at.text_input(key="admin_pw1_claire").input(NEW_PASSWORD)
    at.text_input(key="admin_pw2_claire").input(NEW_PASSWORD)
    at = at.button(key="admin_pw_save_claire").click().run()
    assert [s.value for s in at.success] == ["Nouveau mot de passe enregistré pour Claire."]
    assert not login(AppTest.from_file(APP, default_timeout=20).run(), "claire", NEW_PASSWORD).error
    at.selectbox(key="admin_role_claire").set_value("comms_lead").run()
    at = at.button(key="admin_role_save_claire").click().run()
    assert get_staff(conn, "claire").role == "comms_lead"
    at = at.button(key="admin_off_claire").click().run()
    assert get_staff(conn, "claire").active is False
    refused = login(AppTest.from_file(APP, default_timeout=20).run(), "claire", NEW_PASSWORD)
    assert [e.value for e in refused.error] == ["Identifiant ou mot de passe incorrect."]
    assert [tuple(r) for r in audit(conn, "staff_deactivate")] == [("alex", "claire")]
    # An administrator cannot lock themselves out.
    at.selectbox(key="admin_edit_pick").set_value("alex").run()
    assert not [b for b in at.button if b.key == "admin_off_alex"]


def test_an_admin_erases_a_citizen_after_typing_the_handle_twice(city):
    settings, _, conn = city
    at = admin_page()
    at.selectbox(key="admin_erase_net").set_value("x").run()
    at.text_input(key="admin_erase_handle").input("jeanne_m")
    at.text_input(key="admin_erase_again").input("jeanne")
    at = at.button(key="admin_erase").click().run()
    assert any("diffèrent" in e.value for e in at.error)
    assert conn.execute("SELECT count(*) FROM members WHERE handle = 'jeanne_m'").fetchone()[0] == 1
    at.text_input(key="admin_erase_again").input("@jeanne_m")
    at = at.button(key="admin_erase").click().run()
    assert [s.value for s in at.success][0].startswith("Effacé : 1 message(s) vidé(s)")
    assert conn.execute("SELECT count(*) FROM members WHERE handle = 'jeanne_m'").fetchone()[0] == 0
    assert (
        conn.execute("SELECT text FROM items WHERE external_id = 'x1'").fetchone()[0]
        != "Le bus 18 est encore en retard ce matin"
    )
    assert [r[0] for r in audit(conn, "member_erase")] == ["alex"]
