"""Internal notes, in the Inbox (on the open message and its author) and on the Communauté
page (on a person): the notes, the form to add one (naming colleagues to notify, or
``@username`` in the text), and the "Mentions" list of the person at the keyboard.

Kept out of the pages so each calls one function (``render``, ``on_person``, ``mentions``).
Notes are the team's words but may quote a citizen: shown with ``st.text``, never Markdown.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from beffroi import inbox
from beffroi.dashboard.context import PageContext
from beffroi.dashboard.format import full_time
from beffroi.store import list_staff

ON_MESSAGE, ON_MEMBER = "Ce message", "Cette personne (toutes ses conversations)"
KIND_WORDS = {"note": "note", "service": "note pour le service"}


def _message_notes(conn, queue_id: int):
    return inbox.notes_on_message(conn, queue_id)


def _member_notes(conn, member_id: int):
    return inbox.notes_on_member(conn, member_id)


def _mentions(conn, username: str):
    return inbox.mentions_of(conn, username)


def _colleagues(conn, username: str) -> list[str]:
    """Who can be named in a note: every active colleague but oneself."""
    return [m.username for m in list_staff(conn) if m.active and m.username != username]


def _line(ctx: PageContext, note: dict, services: dict[str, str]) -> str:
    kind = KIND_WORDS.get(note["kind"], note["kind"])
    if note["kind"] == "service" and note["service"]:
        kind += f" ({services.get(note['service'], note['service'])})"
    return f"{ctx.person(note['author'])}, {full_time(note['created_at'], ctx.tz)} · {kind}"


def render(ctx: PageContext, entry: dict, username: str, do: Callable, now) -> None:
    """The notes on the message and its author, and the form; opening the message marks
    the mentions of ``username`` in its notes as seen."""
    qid, member_id = entry["queue_id"], entry.get("member_id")
    on_message = ctx.cached(_message_notes, qid)
    on_member = ctx.cached(_member_notes, member_id) if member_id is not None else []
    count = len(on_message) + len(on_member)
    here = {n["id"] for n in on_message + on_member}
    unseen = [m["id"] for m in ctx.cached(_mentions, username) if m["seen_at"] is None]
    if here.intersection(unseen):  # written only when something changes (caches re-read)
        inbox.mark_mentions_seen(ctx.db, username, here.intersection(unseen), now=now)
    title = "Notes internes" + (f" ({count})" if count else "")
    with st.expander(title, expanded=bool(count)):
        _listing(ctx, (("Sur ce message", on_message), ("Sur cette personne", on_member)))
        targets = {ON_MESSAGE: {"queue_id": qid}}
        if member_id is not None:
            targets[ON_MEMBER] = {"member_id": member_id}
        _form(ctx, "inbox_note", qid, username, do, now, targets)


def on_person(ctx: PageContext, member_ids: list[int], username: str, do: Callable, now) -> None:
    """The notes on a person of the community (on each of their linked accounts) and the
    form to add one: what the team knows of them, beside their score, when inviting."""
    notes = [n for m in member_ids for n in ctx.cached(_member_notes, m)]
    notes.sort(key=lambda n: n["created_at"], reverse=True)
    title = "Notes internes" + (f" ({len(notes)})" if notes else "")
    with st.expander(title, expanded=bool(notes)):
        _listing(ctx, (("Sur cette personne", notes),))
        first = member_ids[0]
        _form(ctx, "community_note", first, username, do, now, {ON_MEMBER: {"member_id": first}})


def _listing(ctx: PageContext, groups) -> None:
    """The notes of each (label, notes) group, as plain text."""
    st.caption("Internes à l'équipe : jamais publiées sur les réseaux, ni dans les rapports.")
    services = {s.key: s.name for s in ctx.settings.services}
    for label, notes in groups:
        if notes:
            st.caption(label)
            for note in notes:
                st.text(_line(ctx, note, services))
                st.text(note["body"])  # plain text, as written


def _form(
    ctx: PageContext, prefix: str, key: int, username: str, do: Callable, now, targets: dict
) -> None:
    """The new note, the colleagues to notify and (where there is a choice) what it is on;
    ``targets``: the choice's label -> ``write_note``'s target (queue_id or member_id)."""
    colleagues = ctx.cached(_colleagues, username)
    with st.form(f"{prefix}_form_{key}", clear_on_submit=True):
        body = st.text_area(
            "Nouvelle note (écrivez @identifiant pour prévenir un collègue)",
            key=f"{prefix}_text_{key}",
            height=80,
        )
        left, right = st.columns(2)
        named = left.multiselect(
            "Prévenir des collègues",
            colleagues,
            format_func=ctx.person,
            placeholder="Choisir des collègues",
            key=f"{prefix}_who_{key}",
        )
        about = right.radio("La note porte sur", list(targets), key=f"{prefix}_about_{key}")
        if st.form_submit_button("Ajouter la note"):
            target = targets[about]
            do(
                lambda: inbox.write_note(
                    ctx.db, ctx.settings, body, actor=username, mention=named, now=now,
                    **target,
                ).message
            )  # fmt: skip


def mentions(ctx: PageContext, username: str, open_message: Callable[[int], None]) -> None:
    """'Mentions (2 nouvelles)': the notes naming the person, newest first, each with a
    button that opens its message."""
    found = ctx.cached(_mentions, username)
    if not found:
        return
    unseen = sum(1 for m in found if m["seen_at"] is None)
    title = f"Mentions ({unseen} nouvelle(s))" if unseen else f"Mentions ({len(found)})"
    with st.expander(title, expanded=bool(unseen)):
        for mention in found[:20]:
            new = "Nouveau · " if mention["seen_at"] is None else ""
            where = (
                f"message n°{mention['queue_id']}"
                if mention["queue_id"] is not None
                else "une personne de la communauté"
            )
            st.text(
                f"{new}{ctx.person(mention['author'])}, {full_time(mention['created_at'], ctx.tz)}"
                f", sur {where} :"
            )
            st.text(mention["body"])
            if mention["queue_id"] is not None:
                st.button(
                    f"Ouvrir le message n°{mention['queue_id']}",
                    key=f"inbox_mention_open_{mention['id']}",
                    on_click=open_message,
                    args=(mention["queue_id"],),
                )
