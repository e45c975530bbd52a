"""The Inbox's "Sur le réseau" corner for one message: delete the city's reply, like the
message, block or mute its author, where the network's API allows it (else the French
reason, from ``beffroi.collectors.acts``). Every act asks the person to confirm first
(a deletion or a block is not undone from Beffroi), then runs at once and is audited.

Kept out of ``pages/inbox.py`` so the Inbox page only calls ``render``.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from beffroi import inbox
from beffroi.dashboard.context import PageContext

BUTTONS = {
    "delete_reply": "Supprimer la réponse de la ville",
    "like": "Aimer ce message",
    "mute": "Mettre l'auteur en sourdine",
    "block": "Bloquer l'auteur",
}
QUESTIONS = {
    "delete_reply": "Supprimer sur le réseau la réponse que la ville a publiée ? Elle "
    "disparaît pour tout le monde ; Beffroi ne peut pas la remettre.",
    "like": "Aimer ce message au nom du compte de la ville ? Le « j'aime » est public.",
    "mute": "Mettre l'auteur en sourdine ? Le compte de la ville ne verra plus ses messages "
    "dans son fil (il n'en est pas prévenu).",
    "block": "Bloquer l'auteur sur le réseau ? Il ne pourra plus suivre ni écrire au compte "
    "de la ville ; débloquer se fait dans l'application du réseau.",
}
_ASKED = "inbox_act_asked"


def _ask(qid: int, act: str) -> None:
    st.session_state[_ASKED] = (qid, act)


def _cancel() -> None:
    st.session_state.pop(_ASKED, None)


def render(ctx: PageContext, entry: dict, username: str, do: Callable, now) -> None:
    """The four acts, each possible one behind a confirmation."""
    qid = entry["queue_id"]
    possible = inbox.acts_possible(entry)
    with st.expander("Sur le réseau : supprimer, aimer, sourdine, bloquer"):
        asked = st.session_state.get(_ASKED)
        if asked and asked[0] == qid:
            act = asked[1]
            st.warning(QUESTIONS[act])
            left, right = st.columns(2)
            if left.button(f"Oui : {BUTTONS[act].lower()}", key=f"inbox_act_yes_{qid}",
                           type="primary"):  # fmt: skip
                _cancel()
                do(lambda: inbox.act_on_network(ctx.db, ctx.settings, qid, act, actor=username,
                                                now=now))  # fmt: skip
            right.button("Annuler", key=f"inbox_act_no_{qid}", on_click=_cancel)
            return
        for act, label in BUTTONS.items():
            reason = possible[act]
            if reason:
                st.caption(f"{label} : {reason}")
            else:
                st.button(label, key=f"inbox_act_{act}_{qid}", on_click=_ask, args=(qid, act))
