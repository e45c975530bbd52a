"""Is `beffroi run` alive? Read from its heartbeat, for every page that depends on it.

Posts go out, collections happen and alerts leave only while the scheduler service runs;
a page that shows what it does says so when its heartbeat is old.
"""

from __future__ import annotations

from datetime import timedelta

import streamlit as st

from beffroi.dashboard.context import PageContext
from beffroi.scheduler import last_heartbeat


def warn_if_service_down(ctx: PageContext, what: str) -> None:
    """Show a warning when the service never ran or went quiet.

    ``what`` says what stops without it, e.g. "ni collecte, ni publication, ni alerte".
    """
    at = ctx.cached(last_heartbeat)
    late = timedelta(seconds=3 * ctx.settings.scheduler.heartbeat_seconds + 60)
    if at is None:
        st.warning(f"Le service Beffroi (beffroi run) n'a jamais tourné sur cette base : {what}.")
    elif ctx.now() - at > late:
        local = at.astimezone(ctx.tz)
        st.warning(
            f"Le service Beffroi ne donne plus signe de vie depuis le {local:%d/%m à %H:%M} : "
            f"{what}. Prévenez l'administrateur."
        )
