"""The reply box's rules on the server: the network's length limit, the forwarding promise."""

from __future__ import annotations

import pytest
import responses

from beffroi.inbox import ReplyFailed, send_reply
from beffroi.inbox.reply_editor import (
    NOT_FORWARDED,
    forwarding_warning,
    reply_length,
    says_forwarded,
    too_long,
)
from beffroi.inbox.replying import item_for_queue
from tests.collectors.x_http import API, NOW, tid, x_collector
from tests.inbox.helpers import ingest, message, queue_row
from tests.inbox.test_replying_x import mention

# The reply X took and Beffroi stored as sent (issue 14): 464 characters.
LONG = (
    "Bonjour Jeanne, merci pour votre message. La déchetterie intercommunale de la rue de "
    "la Briqueterie est ouverte du lundi au samedi de 9 h à 12 h et de 14 h à 18 h, et le "
    "dimanche de 9 h à 12 h. Les déchets verts, les encombrants et les gravats y sont "
    "acceptés sur présentation d'un justificatif de domicile de moins de trois mois. Pour "
    "les déchets dangereux, une collecte a lieu le premier samedi du mois sur le parking "
    "de l'hôtel de ville. Bonne journée la ville."
)


def test_a_464_character_reply_to_x_is_refused_before_the_network_and_kept(db, example_settings):
    assert len(LONG) == 464
    asked = tid(25)
    ingest(db, example_settings, mention(asked))
    qid = queue_row(db, asked)["id"]
    with responses.RequestsMock() as http:  # no call may reach X: any would fail the test
        with pytest.raises(ReplyFailed) as refused:
            send_reply(db, example_settings, qid, LONG, actor="alice",
                       collector=x_collector(), now=NOW)  # fmt: skip
        assert len(http.calls) == 0
    assert str(refused.value) == (
        "Réponse trop longue pour X : 464 caractères comptés pour 280 au plus (184 de trop). "
        "Raccourcissez-la : le brouillon est conservé."
    )
    row = queue_row(db, asked)
    assert (row["status"], row["reply_draft"], row["sending_since"]) == ("new", LONG, None)
    assert db.execute("SELECT COUNT(*) FROM items WHERE direction = 'out'").fetchone()[0] == 0


def test_x_weighs_links_and_emoji_and_280_weighted_characters_pass(db, example_settings):
    asked = tid(25)
    ingest(db, example_settings, mention(asked))
    qid = queue_row(db, asked)["id"]
    item = item_for_queue(db, qid)
    link = "https://www.marcq-en-baroeul.org/" + "a" * 80
    text = "é" * 255 + " " + link  # 255 + 1 + 23 = 279 as X counts, 369 characters
    check = reply_length(example_settings, item, text)
    assert (check.length, check.limit, check.ok) == (279, 280, True)
    assert check.sentence() == "279 / 280 caractères (X compte un lien pour 23, un émoji pour 2)"
    emoji = reply_length(example_settings, item, "😀" * 141)
    assert (emoji.length, too_long(emoji) is not None) == (282, True)
    with responses.RequestsMock() as http:
        http.post(f"{API}/tweets", status=201, json={"data": {"id": tid(0), "text": text}})
        send_reply(db, example_settings, qid, text, actor="alice", collector=x_collector(),
                   now=NOW)  # fmt: skip
    assert queue_row(db, asked)["status"] == "replied"


def test_a_private_message_and_a_facebook_comment_have_their_own_limits(db, example_settings):
    ingest(db, example_settings, message("d1", "Bonjour", kind="dm"))
    dm = item_for_queue(db, queue_row(db, "d1")["id"])
    assert reply_length(example_settings, dm, "a" * 1000).ok  # X DMs take 10,000
    assert reply_length(example_settings, dm, "a" * 1000).limit == 10000


@pytest.mark.parametrize(
    ("text", "promise"),
    [
        ("Bonjour, votre demande a été transmise à nos services.", True),
        ("Nous avons transmis votre signalement au service propreté.", True),
        ("C'est transmis au service voirie, merci !", True),
        ("Je transmets à mes collègues de la police municipale.", True),
        ("Votre message est bien transmis.", True),
        ("Nous l'avons transmis à nos collègues (Service propreté), qui reviennent.", True),
        ("Nos collègues (Police municipale) sont prévenus et vont vérifier sur place.", True),
        ("Nos collègues (Service jeunesse) vont vous répondre au plus vite.", True),
        ("Bonjour, la déchetterie est ouverte le dimanche de 9 h à 12 h.", False),
        ("Merci pour votre message, bonne journée !", False),
        ("Toute la programmation est sur le site ; nos collègues restent disponibles.", False),
        ("Les démarches se font sur le site de la ville, rubrique « Services ».", False),
    ],
)
def test_what_counts_as_a_forwarding_promise(text, promise):
    assert says_forwarded(text) is promise


def test_the_promise_warns_until_the_message_is_really_forwarded(db, example_settings):
    ingest(db, example_settings, message("m1", "Dépôt sauvage rue Jean Jaurès"))
    qid = queue_row(db, "m1")["id"]
    promise = "Bonjour, votre signalement a été transmis à nos services."
    assert forwarding_warning(db, qid, promise) == NOT_FORWARDED
    assert forwarding_warning(db, qid, "Merci, nous regardons.") is None
    db.execute("UPDATE queue SET escalated_at = '2026-11-23T09:00:00Z' WHERE id = ?", (qid,))
    assert forwarding_warning(db, qid, promise) is None
