"""The Inbox page's Open311 parts: where the problem is (for a service on Open311), and what
became of the request ("transmis à la voirie — en cours — résolu"), with the prompt to tell
the citizen once the service resolved it. Kept apart so the Inbox page only calls them.

What the service writes (its status notes) is shown as plain text, never Markdown.
"""

from __future__ import annotations

import streamlit as st

from beffroi import inbox
from beffroi.dashboard.context import PageContext

MARKS = {True: "✔", False: "…"}


def escalation_place(ctx: PageContext, service_key: str, qid: int) -> dict:
    """The address (or coordinates) a service on Open311 needs; {} for an e-mail service."""
    service = next((s for s in ctx.settings.services if s.key == service_key), None)
    if service is None or service.open311 is None:
        return {}
    address = st.text_input(
        "Adresse du signalement",
        key=f"inbox_open311_address_{qid}",
        help="Transmis par Open311 au service : indiquez où se trouve le problème.",
    )
    where = st.text_input(
        "ou coordonnées (latitude, longitude)",
        key=f"inbox_open311_latlong_{qid}",
        placeholder="50.6712, 3.1065",
    )
    lat = long = None
    if where.strip():
        try:
            lat, long = (float(part) for part in where.replace(";", ",").split(","))
        except ValueError:
            st.error("Coordonnées attendues ainsi : 50.6712, 3.1065")
    return {"address": address, "lat": lat, "long": long}


def render_open311(ctx: PageContext, entry: dict, username: str, now, can_edit: bool) -> None:
    qid = entry["queue_id"]
    view = inbox.open311_view(ctx.db, ctx.settings, qid)
    if view is None:
        return
    with st.container(border=True):
        st.subheader("Signalement transmis par Open311")
        st.text(" — ".join(f"{MARKS[done]} {label}" for label, done in view.steps))
        st.text(view.detail)
        if view.problem and view.state != "closed":
            st.text(f"Dernier incident : {view.problem}")
        if view.tell_citizen:
            st.warning("Le service a résolu ce signalement : prévenez le citoyen.")
        if not can_edit:
            return
        if view.tell_citizen and st.button("Citoyen prévenu", key=f"inbox_open311_told_{qid}"):
            _act(lambda: inbox.citizen_told(ctx.db, qid, actor=username, now=now), "C'est noté.")
        if view.can_check and st.button("Vérifier maintenant", key=f"inbox_open311_check_{qid}"):
            _act(
                lambda: inbox.check_request(ctx.db, ctx.settings, view.row_id, now=now),
                "Vérification faite.",
            )


def _act(action, success: str) -> None:
    try:
        action()
    except inbox.QueueError as exc:
        st.error(str(exc))
        return
    st.success(success)
    st.rerun()
