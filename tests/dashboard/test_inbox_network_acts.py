"""The Inbox's acts on the network through Streamlit's AppTest on the simulated city: each
asks to be confirmed, runs once confirmed, and says what a network cannot do."""

from __future__ import annotations

from tests.inbox.helpers import add_managers, app, button, queue_row, texts
from tests.inbox.test_full_cycle import city, new_mention  # noqa: F401 (fixture)


def test_an_act_runs_only_once_confirmed(city):  # noqa: F811
    settings, conn, network = city
    add_managers(conn, "alice")
    ext = new_mention(settings, conn, network)
    qid = queue_row(conn, ext)["id"]
    at = app(conn, settings)
    at.selectbox(key="inbox_selected").set_value(qid).run()
    captions = [c.value for c in at.caption]
    assert any("Bloquer l'auteur : X réserve le blocage" in c for c in captions)
    assert any("Supprimer la réponse de la ville : La ville n'a pas encore répondu" in c
               for c in captions)  # fmt: skip

    button(at, "Mettre l'auteur en sourdine").click().run()
    assert any("sourdine" in w.value for w in at.warning)
    button(at, "Annuler").click().run()
    assert network.acts("x_ville") == set()  # cancelled: nothing sent

    button(at, "Aimer ce message").click().run()
    assert network.acts("x_ville") == set()  # asked, not yet confirmed
    button(at, "Oui : aimer ce message").click().run()
    assert not at.exception
    assert network.acts("x_ville") == {("like", ext)}
    assert "Message aimé sur le réseau." in texts(at)
