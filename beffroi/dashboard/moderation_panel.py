"""The Inbox's moderation corner for one message: its labels, whether it is hidden on the
network, and the "Masquer sur le réseau" / "Réafficher" buttons for those who work the
inbox (each request audited under their name, performed at once, retried if the network
is down). Kept out of ``pages/inbox.py`` so the Inbox page only calls ``render``.

Nothing here shows citizen text; the network's error comes back as a plain-text sentence.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from beffroi import inbox
from beffroi.dashboard.context import PageContext
from beffroi.dashboard.format import full_time

STATE_WORDS = {
    ("hide", "done"): "Masqué sur le réseau",
    ("hide", "pending"): "Masquage en attente (nouvel essai automatique)",
    ("hide", "running"): "Masquage en cours",
    ("hide", "failed"): "Le masquage a échoué",
    ("hide", "unsupported"): "Masquage impossible sur ce réseau",
    ("unhide", "done"): "Réaffiché sur le réseau",
    ("unhide", "pending"): "Réaffichage en attente (nouvel essai automatique)",
    ("unhide", "running"): "Réaffichage en cours",
    ("unhide", "failed"): "Le réaffichage a échoué",
    ("unhide", "unsupported"): "Réaffichage impossible sur ce réseau",
    ("hide", "cancelled"): "Masquage annulé avant d'être fait",
    ("unhide", "cancelled"): "Réaffichage annulé",
}


def _state(conn, item_id: int):
    return inbox.network_state(conn, item_id)


def _labels(conn, queue_id: int):
    return inbox.labels_of(conn, queue_id)


def state_line(state: dict | None, tz) -> str | None:
    """'Masqué sur le réseau le 30 novembre à 09:03 (demandé par modération)'."""
    if state is None:
        return None
    words = STATE_WORDS.get((state["action"], state["status"]), state["status"])
    when = state["done_at"] or state["requested_at"]
    line = f"{words} — {full_time(when, tz)} (demandé par {state['requested_by']})"
    if state["last_error"] and state["status"] != "done":
        line += f"\n{state['last_error']}"
    return line


def render(ctx: PageContext, entry: dict, username: str, can_edit: bool, do: Callable, now) -> None:
    """Labels and network state under the message; the buttons for managers."""
    labels = ctx.cached(_labels, entry["queue_id"])
    if labels:
        st.text("Étiquettes : " + ", ".join(labels))
    state = ctx.cached(_state, entry["item_id"])
    line = state_line(state, ctx.tz)
    if line:
        st.text(line)
    impossible = inbox.cannot_hide(entry["network"], entry["kind"])
    if not can_edit:  # queue items are always a citizen's message
        return
    if impossible:
        st.caption(impossible)
        return
    hidden = state is not None and state["hidden"]
    qid = entry["queue_id"]
    if hidden:
        if st.button("Réafficher", key=f"inbox_unhide_{qid}"):
            do(
                lambda: inbox.set_hidden_on_network(
                    ctx.db, ctx.settings, qid, hidden=False, actor=username, now=now
                ),
                "Message réaffiché sur le réseau.",
            )
    elif st.button("Masquer sur le réseau", key=f"inbox_hide_{qid}"):
        do(
            lambda: inbox.set_hidden_on_network(
                ctx.db, ctx.settings, qid, hidden=True, actor=username, now=now
            ),
            "Message masqué sur le réseau.",
        )
