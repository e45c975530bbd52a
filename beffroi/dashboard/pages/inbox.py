"""Boîte de réception: the citizens' messages waiting in the response queue (read-only).

Citizen text is untrusted: it is shown through ``st.dataframe`` and ``st.text`` only, so
``**gras**`` or ``<script>`` in a message appear as typed and are never interpreted.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from beffroi.dashboard.context import PageContext
from beffroi.dashboard.format import (
    KIND_LABELS,
    PRIORITY_LABELS,
    STATUS_LABELS,
    author_label,
    full_time,
    network_label,
    relative_time,
)
from beffroi.store.reads import NO_THEME, InboxFilters, InboxRow, account_networks, inbox_rows

TITLE = "Boîte de réception"
ICON = ":material/inbox:"
ROLES = {"community_manager", "comms_lead", "admin"}
ORDER = 10

PAGE_SIZE = 50
_PAGE_KEY = "inbox_page"


def _reset_page() -> None:
    st.session_state[_PAGE_KEY] = 0


def _networks_of_accounts(ctx: PageContext) -> dict[str, str]:
    """account key -> network shown to staff (a simulated account shows what it simulates)."""
    shown = dict(ctx.cached(account_networks))
    for account in ctx.settings.accounts:
        shown[account.key] = account.shown_network
    return shown


def _filters(ctx: PageContext, shown: dict[str, str]) -> InboxFilters:
    networks = sorted(set(shown.values()), key=network_label)
    themes = [t.name for t in ctx.settings.themes] + [NO_THEME]
    left, middle, right = st.columns(3)
    chosen_networks = left.multiselect(
        "Réseau",
        networks,
        format_func=network_label,
        placeholder="Tous les réseaux",
        key="inbox_networks",
        on_change=_reset_page,
    )
    chosen_statuses = middle.multiselect(
        "Statut",
        list(STATUS_LABELS),
        format_func=STATUS_LABELS.__getitem__,
        placeholder="Tous les statuts",
        key="inbox_statuses",
        on_change=_reset_page,
    )
    chosen_themes = right.multiselect(
        "Thème",
        themes,
        format_func=lambda t: t or "(sans thème)",
        placeholder="Tous les thèmes",
        key="inbox_themes",
        on_change=_reset_page,
    )
    accounts = tuple(sorted(k for k, n in shown.items() if n in chosen_networks))
    if chosen_networks and not accounts:
        accounts = ("",)  # a network with no account: nothing matches
    return InboxFilters(accounts, tuple(chosen_statuses), tuple(chosen_themes))


def _table(ctx: PageContext, rows: list[InboxRow], shown: dict[str, str]) -> pd.DataFrame:
    now = ctx.now()
    return pd.DataFrame(
        {
            "Reçu": [relative_time(r.created_at, now, ctx.tz) for r in rows],
            "Réseau": [network_label(shown.get(r.account, r.network)) for r in rows],
            "Auteur": [author_label(r.handle, r.display_name, r.author_erased) for r in rows],
            "Message": [r.text for r in rows],
            "Thème": [r.theme or "" for r in rows],
            "Statut": [STATUS_LABELS.get(r.status, r.status) for r in rows],
            "Priorité": [PRIORITY_LABELS.get(r.priority, r.priority) for r in rows],
            "Type": [KIND_LABELS.get(r.kind, r.kind) for r in rows],
        }
    )


def _detail(ctx: PageContext, row: InboxRow, shown: dict[str, str]) -> None:
    with st.container(border=True):
        st.subheader("Message sélectionné")
        st.text(
            f"{network_label(shown.get(row.account, row.network))} · "
            f"{author_label(row.handle, row.display_name, row.author_erased)} · "
            f"{full_time(row.created_at, ctx.tz)}"
        )
        st.text(row.text)
        if row.permalink and row.permalink.startswith("https://"):
            st.link_button("Voir sur le réseau", row.permalink)


def render(ctx: PageContext) -> None:
    st.title(TITLE)
    shown = _networks_of_accounts(ctx)
    filters = _filters(ctx, shown)
    page = st.session_state.setdefault(_PAGE_KEY, 0)
    # One row more than shown tells whether a next page exists, without counting them all.
    rows = ctx.cached(inbox_rows, filters, PAGE_SIZE + 1, page * PAGE_SIZE)
    has_next, rows = len(rows) > PAGE_SIZE, rows[:PAGE_SIZE]
    if not rows:
        st.info("Aucun message ne correspond à ces filtres.")
    else:
        event = st.dataframe(
            _table(ctx, rows, shown),
            hide_index=True,
            width="stretch",
            on_select="rerun",
            selection_mode="single-row",
            column_config={
                "Reçu": st.column_config.TextColumn(width=135),
                "Réseau": st.column_config.TextColumn(width=85),
                "Auteur": st.column_config.TextColumn(width=160),
                "Message": st.column_config.TextColumn(width=380),
                "Thème": st.column_config.TextColumn(width=95),
                "Statut": st.column_config.TextColumn(width=80),
                "Priorité": st.column_config.TextColumn(width=75),
                "Type": st.column_config.TextColumn(width=105),
            },
            key="inbox_table",
        )
        selected = event.selection.rows if event else []
        if selected and selected[0] < len(rows):
            _detail(ctx, rows[selected[0]], shown)
    first, label, last = st.columns([1, 2, 1])
    if first.button("← Plus récents", disabled=page == 0, key="inbox_prev"):
        st.session_state[_PAGE_KEY] = page - 1
        st.rerun()
    label.text(f"Page {page + 1}")
    if last.button("Plus anciens →", disabled=not has_next, key="inbox_next"):
        st.session_state[_PAGE_KEY] = page + 1
        st.rerun()
