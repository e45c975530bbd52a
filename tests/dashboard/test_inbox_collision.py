"""Two managers, two sessions, one message of the simulated city: one reply on the network,
the second writer's text kept, shown beside the first reply, and audited."""

from __future__ import annotations

from beffroi.cli.wiring import open_database
from beffroi.config import load_settings
from beffroi.sandbox import SandboxNetwork, state_path
from beffroi.store import upsert_staff
from tests.dashboard.test_sandbox_city import CONFIG, collect_city
from tests.inbox.helpers import app, button, texts

CLAIRE = "Bonjour, le marché est ouvert le dimanche de 8 h à 13 h."
BRUNO = "Bonjour ! Oui, le marché se tient chaque dimanche matin, place du Général de Gaulle."


def api_replies(network: SandboxNetwork, parent: str) -> list[str]:
    rows = network.conn.execute(
        "SELECT text FROM messages WHERE parent = ? AND origin = 'api'", (parent,)
    )
    return [r[0] for r in rows]


def test_the_second_sender_sees_the_first_reply_and_keeps_their_text(tmp_path, monkeypatch):
    config = tmp_path / "beffroi.toml"
    config.write_text(CONFIG, encoding="utf-8")
    settings = load_settings(config)
    conn = open_database(settings)
    collect_city(conn, settings)
    for user, name in (("claire", "Claire Martin"), ("bruno", "Bruno Petit")):
        upsert_staff(conn, user, display_name=name, role="community_manager", password_hash="-")
    monkeypatch.setenv("BEFFROI_CONFIG", str(config))

    first, second = app(conn, settings, username="claire"), app(conn, settings, username="bruno")
    qid = first.selectbox(key="inbox_selected").value
    second.selectbox(key="inbox_selected").set_value(qid).run()
    parent = conn.execute(
        "SELECT i.external_id FROM queue q JOIN items i ON i.id = q.item_id WHERE q.id = ?", (qid,)
    ).fetchone()[0]
    # Both are writing; Claire sends first, Bruno a moment later from his stale page.
    second.text_area(key=f"inbox_reply_{qid}").input(BRUNO)
    first.text_area(key=f"inbox_reply_{qid}").input(CLAIRE)
    button(first, "Envoyer la réponse").click().run()
    button(second, "Envoyer la réponse").click().run()
    assert not first.exception and not second.exception

    network = SandboxNetwork(state_path(settings.database_path))
    try:
        assert api_replies(network, parent) == [CLAIRE]  # one reply on the network
    finally:
        network.close()
    shown = texts(second)
    assert CLAIRE in shown  # the first reply, its text
    warning = " ".join(w.value for w in second.warning)
    assert "Claire Martin a répondu à ce message le " in warning
    assert "conservé en brouillon" in warning
    assert second.text_area(key=f"inbox_kept_{qid}").value == BRUNO  # his text, kept
    row = conn.execute("SELECT status, replied_by, reply_draft FROM queue WHERE id = ?", (qid,))
    assert tuple(row.fetchone()) == ("replied", "claire", BRUNO)
    audit = conn.execute(
        "SELECT actor, detail FROM audit WHERE action = 'reply_collision' AND target_id = ?",
        (str(qid),),
    ).fetchall()
    assert [a[0] for a in audit] == ["bruno"] and BRUNO in audit[0][1]

    # A reload (a new session) still shows it: the text lives in the database.
    again = app(conn, settings, username="bruno")
    again.multiselect(key="inbox_statuses").set_value(["replied"]).run()
    again.selectbox(key="inbox_selected").set_value(qid).run()
    assert again.text_area(key=f"inbox_kept_{qid}").value == BRUNO

    # He reopens: his text is in the reply box, ready to go as a follow-up.
    button(second, "Rouvrir pour envoyer mon texte en complément").click().run()
    assert not second.exception
    second.selectbox(key="inbox_selected").set_value(qid).run()
    assert second.text_area(key=f"inbox_reply_{qid}").value == BRUNO
    conn.close()
