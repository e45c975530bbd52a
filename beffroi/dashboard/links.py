"""Links to a message: ``/inbox?item=N`` opens message n°N, after the login if need be.

Every page already has its address (``/reports``...; logged out, each shows the login form
and then the page). The Inbox keeps the open message in the address bar (``show``), so the
address is the message's link: copied, bookmarked, mailed, reloaded. ``wanted`` is the
message a link asks for, once per link: choosing another message afterwards is not undone.
"""

from __future__ import annotations

import streamlit as st

from beffroi.inbox import ITEM

_DONE = "inbox_link_done"  # the last link followed or shown, so it is followed only once


def wanted() -> int | None:
    """The message the address asks for, if it has not been followed yet in this session."""
    raw = st.query_params.get(ITEM)
    try:
        queue_id = int(raw) if raw is not None else None
    except ValueError:
        return None
    if queue_id is None or queue_id <= 0 or queue_id == st.session_state.get(_DONE):
        return None
    st.session_state[_DONE] = queue_id
    return queue_id


def show(queue_id: int | None) -> None:
    """Put the open message in the address bar (no rerun), or take it out."""
    st.session_state[_DONE] = queue_id
    if queue_id is None:
        st.query_params.pop(ITEM, None)
    elif st.query_params.get(ITEM) != str(queue_id):
        st.query_params[ITEM] = str(queue_id)


def follow(queue_id: int) -> None:
    """A callback: open this message on the next run, as a link to it would."""
    st.session_state.pop(_DONE, None)
    st.query_params[ITEM] = str(queue_id)
