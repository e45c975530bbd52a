"""Boîte de réception: work the response queue down to zero.

Open messages most urgent first (earliest deadline, then priority), filters, counters, and
for the selected message its thread, the citizen's history, saved replies, a reply box and
the actions (assign, close, reopen, forward to a service). Items that need no reply start
closed by triage, so the default view (new and assigned) only holds work.

Citizen text (messages, names, handles) and network errors are shown with ``st.text``,
``st.dataframe`` or as widget values, never as Markdown or HTML. Reads go through
``ctx.cached`` (refreshed when the database changes); writes only through ``beffroi.inbox``
with ``ctx.db``, each naming the logged-in person for the audit.
"""

from __future__ import annotations

from datetime import datetime

import pandas as pd
import streamlit as st

from beffroi import inbox
from beffroi.dashboard import (
    keyboard,
    links,
    moderation_panel,
    network_acts_panel,
    notes_panel,
    reply_editor,
)
from beffroi.dashboard.context import PageContext
from beffroi.dashboard.format import (
    KIND_LABELS,
    PRIORITY_LABELS,
    STATUS_LABELS,
    full_time,
    network_label,
    received_time,
    relative_time,
)
from beffroi.dashboard.open311_panel import escalation_place, render_open311
from beffroi.export import disable_grid_export, frame_csv
from beffroi.labels import duration
from beffroi.store import list_staff

TITLE = "Boîte de réception"
ICON = ":material/inbox:"
ROLES = {"community_manager", "admin"}
ORDER = 10

# Less of Streamlit's empty band above the title: the reply box is what must be in view.
# The page starts higher; on a phone the four counters stand two by two, not one a row
# (Streamlit stacks columns below 640 px: they took 370 px before the first filter).
COMPACT = """<style>[data-testid=stMainBlockContainer] { padding-top: 2.5rem; }
@media (max-width: 640px) {
  .st-key-inbox_counters [data-testid=stHorizontalBlock] { flex-wrap: wrap; }
  .st-key-inbox_counters [data-testid=stColumn] {
    min-width: calc(50% - 1rem) !important; flex: 1 1 calc(50% - 1rem) !important; }
  .st-key-inbox_counters [data-testid=stMetricValue] { font-size: 1.75rem; }
}</style>"""
PAGE = 50  # rows listed at once; the buttons below the list page through the rest
REFRESH_SECONDS = 15  # how often the counters look for newly collected messages
OPEN = inbox.OPEN  # the statuses a message still waits in
ANYONE, ME, NOBODY = "Tout le monde", "Moi", "(personne)"


# ---------------------------------------------------------------- cached reads


def _entries(conn, settings, filters: inbox.Filters, minute: datetime, limit: int, offset: int):
    return inbox.list_entries(conn, settings, filters, now=minute, limit=limit, offset=offset)


def _counters(conn, settings, minute: datetime):
    return inbox.counters(conn, settings, minute)


def _entry(conn, settings, queue_id: int):
    return inbox.get_entry(conn, settings, queue_id)


def _thread(conn, entry: dict):
    return inbox.thread(conn, entry)


def _citizen(conn, member_id, item_id: int):
    return inbox.citizen_history(conn, member_id, exclude_item=item_id)


def _history(conn, queue_id: int):
    return inbox.history(conn, queue_id)


def _collision(conn, queue_id: int, username: str):
    return inbox.collision(conn, queue_id, username)


def _templates(conn, theme: str | None, all_themes: bool = False):
    return inbox.list_saved_replies(conn, theme, all_themes=all_themes)


def _staff(conn):
    """Who can be given a message: active staff who work the inbox (not directors, comms)."""
    return [m.username for m in list_staff(conn) if m.role in ROLES]


def _me_first(staff: list[str], username: str) -> list[str]:
    """Assignment lists start with the person at the keyboard, the usual choice."""
    return [username, *(s for s in staff if s != username)] if username in staff else staff


# ---------------------------------------------------------------- helpers


def _flash(message: str, kind: str = "success") -> None:
    st.session_state["inbox_flash"] = (kind, message)


def _show_flash() -> None:
    flash = st.session_state.pop("inbox_flash", None)
    if flash:
        kind, message = flash
        if kind == "success":
            st.success("C'est fait.")
        else:
            st.error("L'action n'a pas abouti :")
        st.text(message)  # may quote a network's error: plain text


def _do(action, success: str | None = None) -> None:
    """Run a write; ``success`` is shown, or else what the action said it did."""
    try:
        said = action()
        _flash(success or said)
    except inbox.QueueError as exc:
        _flash(str(exc), "error")
    st.rerun()


# ---------------------------------------------------------------- page


@st.fragment(run_every=REFRESH_SECONDS)
def _live_counters(ctx: PageContext, listed_open: int) -> None:
    """The counters, re-read every few seconds on their own: messages the service collects
    show up without a click, and a button offers to refresh the list (refreshing it under
    a manager's cursor would move the row they were about to open)."""
    now = ctx.now()
    counts = ctx.cached(_counters, ctx.settings, now.replace(second=0, microsecond=0))
    cols = st.container(key="inbox_counters").columns(4)
    cols[0].metric("Ouverts", counts.open)
    cols[1].metric("En retard", counts.overdue)
    cols[2].metric("Répondus aujourd'hui", counts.answered_today)
    cols[3].metric(
        "1re réponse, médiane (semaine, heures ouvrées)",
        duration(counts.median_response_seconds_week),
    )
    if counts.open > listed_open:
        left, right = st.columns([3, 1])
        left.info(f"{counts.open - listed_open} nouveau(x) message(s) depuis l'affichage.")
        if right.button("Actualiser la liste", key="inbox_refresh"):
            st.rerun()


def render(ctx: PageContext) -> None:
    disable_grid_export()  # its grids' own CSV download is unsafe (beffroi.export)
    settings, now = ctx.settings, ctx.now()
    minute = now.replace(second=0, microsecond=0)
    username, can_edit = ctx.user.username, ctx.user.role in ROLES
    st.title(TITLE)
    st.html(COMPACT)
    keyboard.apply()
    if can_edit:
        _send_requested(ctx, username, now)
        notes_panel.mentions(ctx, username, links.follow)
    counts = ctx.cached(_counters, settings, minute)
    _live_counters(ctx, counts.open)

    staff = ctx.cached(_staff)
    filters = _filters(ctx, username, staff)
    page = _page(filters)
    # One row more than shown tells whether a next page exists, without counting them all.
    entries = ctx.cached(_entries, settings, filters, minute, PAGE + 1, page * PAGE)
    has_next, entries = len(entries) > PAGE, entries[:PAGE]
    if not entries:
        _show_flash()
        inbox.heartbeat(ctx.db, username, None, writing=False, now=now)
        if counts.open == 0 and set(filters.statuses) <= set(OPEN):
            st.success("Boîte vide : aucun message n'attend de réponse.")
        else:
            st.info("Aucun message ne correspond à ces filtres.")
        return
    with ctx.read() as conn:  # fresh, not cached: presence is about the last seconds
        here = inbox.colleagues_on(conn, [e["queue_id"] for e in entries], username, now)
    # Two panes: the list on the left (number, priority, message and "Reçu" in view), the
    # message being worked on the right, its reply box in view at 1440 px; Streamlit stacks columns on a phone (the list, then the message).
    list_pane, message_pane = st.columns([11, 9], gap="medium")
    with list_pane:
        _table(ctx, entries, now, here)
        _pager(page, has_next)
        labels = {
            e["queue_id"]: f"n°{e['queue_id']} · {network_label(e['shown_network'])} · "
            f"{e['author_label']} · {' '.join(e['text'].split())[:60]}"
            for e in entries
        }
        _follow_link(labels)
        chosen = st.selectbox(
            "Message à traiter",
            list(labels),
            format_func=lambda q: labels.get(q, str(q)),
            key="inbox_selected",
            on_change=_back_to_the_list,
        )
        ids = list(labels)
        before, after = st.columns(2)
        before.button("Message précédent", key="inbox_prev_msg", on_click=_move, args=(ids, -1))
        after.button("Message suivant", key="inbox_next_msg", on_click=_move, args=(ids, 1))
        st.caption("Raccourcis clavier : touche « ? ».")
        if can_edit:
            _bulk(ctx, labels, staff, username, now)
    with message_pane:
        _show_flash()  # beside the message acted on, not at the top of the page
        # A reply refused because a colleague answered first: that message has left the
        # open list, but it stays on screen with the kept text until the person decides.
        collided = st.session_state.get("inbox_collided")
        if collided is not None and collided not in labels:
            chosen = collided
        elif st.session_state.get(OUTSIDE) is not None:
            chosen = st.session_state[OUTSIDE]
            st.caption("Ce message, ouvert par un lien, n'est pas dans la liste affichée.")
            st.button("Revenir à la liste", key="inbox_outside_back", on_click=_back_to_the_list)
        entry = ctx.cached(_entry, settings, chosen) if chosen is not None else None
        if entry is not None:
            links.show(chosen)
            _detail(ctx, entry, staff, username, can_edit, now)
        elif chosen is not None:
            st.info(f"Le message n°{chosen} n'existe pas (ou plus).")
    if can_edit:
        _templates_editor(ctx, username)


OUTSIDE = "inbox_outside"  # a message opened by a link that the filtered list does not hold


def _follow_link(labels: dict[int, str]) -> None:
    """A link to a message (``?item=N``, a mention's button): select it in the list, or show
    it beside the list when the filters leave it out."""
    linked = links.wanted()
    if linked is None:
        return
    if linked in labels:
        st.session_state["inbox_selected"] = linked
        st.session_state.pop(OUTSIDE, None)
    else:
        st.session_state[OUTSIDE] = linked


def _back_to_the_list() -> None:
    """Choosing in the list closes a message opened by a link."""
    st.session_state.pop(OUTSIDE, None)


def _move(ids: list[int], step: int) -> None:
    """The next or previous message of the list (keys j and k, or the two buttons)."""
    _back_to_the_list()
    current = st.session_state.get("inbox_selected")
    at = ids.index(current) if current in ids else 0
    st.session_state["inbox_selected"] = ids[max(0, min(len(ids) - 1, at + step))]


def _page(filters: inbox.Filters) -> int:
    """The page shown; back to the first whenever the filters change."""
    if st.session_state.get("inbox_page_filters") != filters:
        st.session_state["inbox_page_filters"] = filters
        st.session_state["inbox_page"] = 0
    return st.session_state.get("inbox_page", 0)


def _pager(page: int, has_next: bool) -> None:
    if page == 0 and not has_next:
        return
    left, middle, right = st.columns([1, 2, 1])
    if left.button("← Plus urgents", key="inbox_prev", disabled=page == 0):
        st.session_state["inbox_page"] = page - 1
        st.rerun()
    middle.caption(f"Page {page + 1} (messages {page * PAGE + 1} et suivants)")
    if right.button("Suivants →", key="inbox_next", disabled=not has_next):
        st.session_state["inbox_page"] = page + 1
        st.rerun()


def _filters(ctx: PageContext, username: str, staff: list[str]) -> inbox.Filters:
    settings = ctx.settings
    networks = sorted({a.shown_network for a in settings.accounts}, key=network_label)
    themes = [t.name for t in settings.themes] + [""]
    # One row, so the list and the message start high on the page (and a phone has four
    # fields to scroll past, not six); the filters used now and then open from a button
    # that counts those in use.
    search_col, status_col, network_col, more_col = st.columns(
        [2.2, 1.8, 1.4, 1.2], vertical_alignment="bottom"
    )
    search = search_col.text_input("Rechercher dans les messages", key="inbox_search")
    statuses = status_col.multiselect(
        "Statut",
        list(STATUS_LABELS),
        default=list(OPEN),
        format_func=STATUS_LABELS.__getitem__,
        placeholder="Tous les statuts",
        key="inbox_statuses",
    )
    chosen_networks = network_col.multiselect(
        "Réseau",
        networks,
        format_func=network_label,
        placeholder="Tous les réseaux",
        key="inbox_networks",
    )
    state = st.session_state
    in_use = sum(
        (
            bool(state.get("inbox_themes")),
            state.get("inbox_assignee", ANYONE) != ANYONE,
            bool(state.get("inbox_overdue")),
        )
    )
    with more_col.popover(f"Plus de filtres ({in_use})" if in_use else "Plus de filtres"):
        chosen_themes = st.multiselect(
            "Thème",
            themes,
            format_func=lambda t: t or "(sans thème)",
            placeholder="Tous les thèmes",
            key="inbox_themes",
        )
        who = st.selectbox(
            "Attribué à",
            [ANYONE, ME, NOBODY, *staff],
            format_func=lambda u: u if u in (ANYONE, ME, NOBODY) else ctx.person(u),
            key="inbox_assignee",
        )
        overdue = st.checkbox("En retard seulement", key="inbox_overdue")
    return inbox.Filters(
        networks=tuple(chosen_networks),
        themes=tuple(chosen_themes),
        statuses=tuple(statuses) or tuple(STATUS_LABELS),
        assignee={ANYONE: None, ME: username, NOBODY: ""}.get(who, who),
        overdue_only=overdue,
        search=search.strip() or None,
    )


def _table(ctx: PageContext, entries: list[dict], now: datetime, here: dict) -> None:
    """The work list. Clicking a row opens that message below (same as the selector)."""
    services = {s.key: s.name for s in ctx.settings.services}
    late = [e["due_at"] is not None and e["due_at"] <= now and e["status"] in OPEN for e in entries]
    followed = ctx.cached(inbox.open311_labels, tuple(e["queue_id"] for e in entries))
    frame = pd.DataFrame(
        {
            "n°": [e["queue_id"] for e in entries],
            "Priorité": [PRIORITY_LABELS.get(e["priority"], e["priority"]) for e in entries],
            # Beside its number and priority: the message is what a manager reads first, and
            # on a phone only the first columns are in view.
            "Message": [e["text"] for e in entries],
            "Reçu": [relative_time(e["created_at"], now, ctx.tz) for e in entries],
            "Auteur": [e["author_label"] for e in entries],
            # Colleagues on the message now ("Claire Martin écrit"): answer another one.
            "En cours": [
                inbox.presence_cell(here.get(e["queue_id"], []), ctx.staff_names()) for e in entries
            ],
            "Échéance": [
                e["due_at"].astimezone(ctx.tz).strftime("%d/%m %H:%M") if e["due_at"] else ""
                for e in entries
            ],
            "Réseau": [network_label(e["shown_network"]) for e in entries],
            "Thème": [e["theme"] or "" for e in entries],
            "Statut": [STATUS_LABELS.get(e["status"], e["status"]) for e in entries],
            "Attribué à": [
                " · ".join(
                    part
                    for part in (
                        ctx.person(e["assignee"])
                        if e["assignee"]
                        else services.get(e["service"], e["service"] or ""),
                        followed.get(e["queue_id"]),  # the Open311 request's step
                    )
                    if part
                )
                for e in entries
            ],
        }
    )

    urgent = [e["priority"] == "urgent" and e["status"] in OPEN for e in entries]

    def red(column):
        return ["color: #c62828; font-weight: bold" if flag else "" for flag in late]

    def urgent_red(column):
        # Urgent items lead the list (views.list_entries) and are shown in red.
        return [
            "background-color: #c62828; color: white; font-weight: bold" if flag else ""
            for flag in urgent
        ]

    event = st.dataframe(
        frame.style.apply(red, subset=["Échéance"]).apply(urgent_red, subset=["Priorité", "n°"]),
        key="inbox_grid",
        on_select="rerun",
        selection_mode="single-row",
        hide_index=True,
        width="stretch",
        column_config={
            "n°": st.column_config.NumberColumn(width=50),
            "Priorité": st.column_config.TextColumn(width=70),
            "Échéance": st.column_config.TextColumn(width=90),
            "Réseau": st.column_config.TextColumn(width=80),
            "Reçu": st.column_config.TextColumn(width=100),
            "Auteur": st.column_config.TextColumn(width=120),
            "Thème": st.column_config.TextColumn(width=90),
            "Statut": st.column_config.TextColumn(width=75),
            "Attribué à": st.column_config.TextColumn(width=100),
            "Message": st.column_config.TextColumn(width=230),
            "En cours": st.column_config.TextColumn(width=130),
        },
    )
    # Streamlit's own grid download writes formulas as they are: Beffroi's button instead.
    st.download_button(
        "Télécharger ces messages (CSV)",
        lambda: frame_csv(frame),  # built on click only
        "beffroi-messages.csv",
        "text/csv",
        key="inbox_grid_csv",
    )
    rows = event.selection.rows if event is not None else []
    if rows and rows[0] < len(entries):
        picked = entries[rows[0]]["queue_id"]
        # Only a new click moves the selector; choosing in the selector afterwards still works.
        if st.session_state.get("inbox_grid_last") != picked:
            st.session_state["inbox_grid_last"] = picked
            st.session_state["inbox_selected"] = picked
            _back_to_the_list()


def _bulk(ctx: PageContext, labels: dict[int, str], staff, username: str, now) -> None:
    """Several messages at once: close them (duplicates, a run of emoji...) or give them out."""
    with st.expander("Actions groupées"):
        if st.button("Répartir les nouveaux messages entre les community managers"):
            _do(
                lambda: inbox.distribute(ctx.db, actor=username, now=now),
                "Les nouveaux messages ont été répartis.",
            )
        picked = st.multiselect(
            "Messages", list(labels), format_func=lambda q: labels[q], key="inbox_bulk_ids"
        )
        left, right = st.columns(2)
        reason = left.selectbox(
            "Motif",
            list(inbox.CLOSE_REASONS),
            format_func=inbox.CLOSE_REASON_LABELS.__getitem__,
            key="inbox_bulk_reason",
        )
        if left.button("Clore la sélection", key="inbox_bulk_close", disabled=not picked):
            _do(
                lambda: inbox.close_many(ctx.db, picked, reason, actor=username, now=now),
                f"{len(picked)} message(s) clos.",
            )
        if staff:
            who = right.selectbox(
                "Attribuer à",
                _me_first(staff, username),
                format_func=lambda u: ctx.person(u),
                key="inbox_bulk_assignee",
            )
            if right.button("Attribuer la sélection", key="inbox_bulk_assign", disabled=not picked):
                _do(
                    lambda: inbox.assign_many(ctx.db, picked, who, actor=username, now=now),
                    f"{len(picked)} message(s) attribué(s) à {ctx.person(who)}.",
                )


@st.fragment(run_every=inbox.HEARTBEAT_SECONDS)
def _presence(ctx: PageContext, entry: dict, username: str) -> None:
    """Beat for this person on the open message (writing when the reply box holds a text
    that is not the stored draft) and say which colleagues are on it, refreshed on its own
    every few seconds."""
    qid, now = entry["queue_id"], ctx.now()
    typed = str(st.session_state.get(f"inbox_reply_{qid}") or "")
    writing = bool(typed.strip()) and typed != (entry["reply_draft"] or "")
    inbox.heartbeat(ctx.db, username, qid, writing=writing, now=now)
    with ctx.read() as conn:
        people = inbox.colleagues_on(conn, [qid], username, now).get(qid, [])
    sentences = inbox.presence_sentences(people, ctx.staff_names())
    if sentences:
        st.text("En ce moment : " + " ; ".join(sentences) + ".")  # names: plain text


def _detail(ctx: PageContext, entry: dict, staff, username: str, can_edit: bool, now) -> None:
    settings = ctx.settings
    qid = entry["queue_id"]
    with st.container(border=True):
        st.header(f"Message n°{qid}")
        _presence(ctx, entry, username)
        if entry["priority"] == "urgent" and entry["status"] in OPEN:
            sent = entry.get("urgent_alerted_at")
            st.error(
                "URGENT : danger possible, à traiter maintenant."
                + (
                    f" Alerte envoyée à {entry.get('urgent_alert_to')} le {full_time(sent, ctx.tz)}."
                    if sent and entry.get("urgent_alert_to")
                    else ""
                )
            )
        status = STATUS_LABELS[entry["status"]]
        if entry["closed_reason"]:
            status += f" ({inbox.CLOSE_REASON_LABELS.get(entry['closed_reason'], entry['closed_reason'])})"
        facts = [
            f"{network_label(entry['shown_network'])} · {KIND_LABELS.get(entry['kind'], entry['kind'])}"
            f" · {entry['author_label']}",
            f"Reçu {received_time(entry['created_at'], now, ctx.tz)}",
            f"Statut : {status} · Priorité : {PRIORITY_LABELS.get(entry['priority'])}"
            f" · Thème : {entry['theme'] or '—'}",
            f"Échéance : {full_time(entry['due_at'], ctx.tz) or '—'}"
            + (
                " — EN RETARD"
                if entry["due_at"] and entry["due_at"] <= now and entry["status"] in OPEN
                else ""
            ),
        ]
        # Why triage decided so: read now and then, folded so the reply box stays in view.
        reasons = [
            f"Tri : {inbox.triage_rule_label(entry['triage_rule'])}",
            f"Pourquoi ce thème : {inbox.theme_rule_label(entry.get('theme_rule'))}"
            + (f" · aussi : {entry['secondary_themes']}" if entry.get("secondary_themes") else ""),
            f"Ton : {inbox.TONE_LABELS.get(entry.get('tone') or '', '—')}",
        ]
        if entry["assignee"]:
            facts.append(f"Attribué à : {ctx.person(entry['assignee'])}")
        if entry["service"]:
            name = next((s.name for s in settings.services if s.key == entry["service"]), None)
            facts.append(f"Transmis à : {name or entry['service']}")
        if entry["replied_by"]:
            facts.append(
                (
                    "Répondu dans l'application du réseau"
                    if entry["replied_by"] == inbox.NETWORK_ACTOR
                    else f"Répondu par {ctx.person(entry['replied_by'])}"
                )
                + f" en {duration(entry['response_seconds'])}"
                f" ({duration(entry['business_response_seconds'])} en heures ouvrées)"
            )
        if entry["previous_queue_id"]:
            facts.append(f"Suite du message n°{entry['previous_queue_id']}")
        st.text("\n".join(facts))
        st.text(entry["text"])
        if entry["permalink"] and entry["permalink"].startswith("https://"):
            st.link_button("Voir sur le réseau", entry["permalink"])

    render_open311(ctx, entry, username, now, can_edit)
    thread = ctx.cached(_thread, entry)
    answered_later = [
        t
        for t in thread
        if t["direction"] == "out" and t["kind"] != "post" and t["created_at"] > entry["created_at"]
    ]
    if answered_later and entry["status"] in OPEN:
        when = full_time(answered_later[0]["created_at"], ctx.tz)
        st.info(
            f"La ville a déjà écrit dans cette conversation après ce message (le {when}). "
            "Si cela répond à la personne, clore ce message avec le motif « Traité ailleurs »."
        )
    if len(thread) > 1:  # a conversation, not the message alone a second time
        with st.expander("Fil de la conversation", expanded=True):
            _thread_lines(ctx, entry, thread)
    kept = ctx.cached(_collision, qid, username) if can_edit else None
    if kept:
        _collision_panel(ctx, entry, kept, username, now)
    if can_edit and entry["status"] in OPEN:
        _reply_box(ctx, entry, username, now)
        _actions(ctx, entry, staff, username, now, answered_later=bool(answered_later))
    elif can_edit and not kept and st.button("Rouvrir ce message", key=f"inbox_reopen_{qid}"):
        _do(lambda: inbox.reopen(ctx.db, qid, actor=username, now=now), "Message rouvert.")

    # Below the reply box, which must stay in the first screen whatever the message: why
    # triage decided so (read now and then), then hiding, liking, blocking, the notes.
    with st.expander("Pourquoi ce tri"):
        st.text("\n".join(reasons))
    moderation_panel.render(ctx, entry, username, can_edit, _do, now)
    if can_edit:
        network_acts_panel.render(ctx, entry, username, _do, now)
        notes_panel.render(ctx, entry, username, _do, now)
    history = ctx.cached(_citizen, entry["member_id"], entry["item_id"])
    if history:
        with st.expander(f"Historique de cette personne avec la ville ({len(history)})"):
            st.dataframe(
                pd.DataFrame(
                    {
                        "Date": [relative_time(h["created_at"], now, ctx.tz) for h in history],
                        "Type": [KIND_LABELS.get(h["kind"], h["kind"]) for h in history],
                        "Message": [h["text"] for h in history],
                        "Statut": [STATUS_LABELS.get(h["status"], "—") for h in history],
                    }
                ),
                hide_index=True,
                width="stretch",
            )

    if can_edit:
        _correction_box(ctx, entry, username, now)
    events = ctx.cached(_history, qid)
    if events:
        names = ctx.staff_names()
        services = {s.key: s.name for s in settings.services}
        rows = [inbox.describe_event(ev, names, services) for ev in events]
        with st.expander("Historique des actions"):
            st.dataframe(
                pd.DataFrame(
                    {
                        "Quand": [full_time(ev["at"], ctx.tz) for ev in events],
                        "Qui": [who for who, _, _ in rows],
                        "Action": [what for _, what, _ in rows],
                        "Détail": [detail for _, _, detail in rows],
                    }
                ),
                hide_index=True,
                width="stretch",
            )


NO_THEME = "(aucun thème)"


def _correction_box(ctx: PageContext, entry: dict, username: str, now) -> None:
    """The manager corrects triage; each change is recorded (who, when) and teaches the model."""
    qid = entry["queue_id"]
    themes = [NO_THEME, *[t.name for t in ctx.settings.themes]]
    priorities = list(inbox.PRIORITY_LABELS)
    with st.expander("Corriger le tri"), st.form(f"inbox_correct_{qid}"):
        left, middle, right = st.columns(3)
        theme = left.selectbox(
            "Thème",
            themes,
            index=themes.index(entry["theme"]) if entry["theme"] in themes else 0,
            key=f"inbox_fix_theme_{qid}",
        )
        priority = middle.selectbox(
            "Priorité",
            priorities,
            index=priorities.index(entry["priority"]),
            format_func=lambda p: inbox.PRIORITY_LABELS[p],
            key=f"inbox_fix_priority_{qid}",
        )
        needs = right.selectbox(
            "Réponse attendue",
            ["oui", "non"],
            index=0 if entry["needs_reply"] else 1,
            key=f"inbox_fix_needs_{qid}",
        )
        if st.form_submit_button("Enregistrer la correction"):
            wanted = {
                "theme": None if theme == NO_THEME else theme,
                "priority": priority,
                "needs_reply": needs == "oui",
            }
            changed = [
                field
                for field, value in wanted.items()
                if inbox.correct_triage(ctx.db, qid, field, value, actor=username, now=now)
            ]
            if changed:
                st.success("Correction enregistrée : " + ", ".join(changed) + ".")
            else:
                st.info("Rien n'a changé.")


THREAD_BEFORE, THREAD_AFTER = 3, 8  # lines shown around the message in a long conversation


def _thread_lines(ctx: PageContext, entry: dict, thread: list[dict]) -> None:
    """The conversation around the message; a long DM history would push the reply box
    several screens down, so only a window around it is shown (the rest is counted)."""
    mark = next((n for n, t in enumerate(thread) if t["id"] == entry["item_id"]), 0)
    start = max(0, mark - THREAD_BEFORE)
    end = min(len(thread), mark + THREAD_AFTER + 1)
    if start:
        st.caption(f"… {start} message(s) plus ancien(s) dans cette conversation")
    for item in thread[start:end]:
        if item["direction"] == "out":
            who = "Ville"
        else:
            who = inbox.author_label(item["author_handle"], item["author_name"])
        marker = "▶ " if item["id"] == entry["item_id"] else "  "
        when = item["created_at"].astimezone(ctx.tz).strftime("%d/%m %H:%M")
        st.text(f"{marker}{when} · {who} : {item['text']}")
    if end < len(thread):
        st.caption(f"… {len(thread) - end} message(s) plus récent(s) dans cette conversation")


def _stuck_send(ctx: PageContext, qid: int, username: str, now) -> None:
    """A send in progress or interrupted: Beffroi asks the network first, then a person."""
    st.warning(
        "Un envoi est en cours ou a été interrompu. « Débloquer l'envoi » demande d'abord au "
        "réseau si la réponse est partie."
    )
    if st.button("Débloquer l'envoi", key=f"inbox_release_{qid}"):
        try:
            check = inbox.release_stuck_send(ctx.db, ctx.settings, qid, actor=username, now=now)
            _flash(check.message, "error" if check.outcome == "unknown" else "success")
        except inbox.QueueError as exc:
            _flash(str(exc), "error")
        st.rerun()
    gone, kept = st.columns(2)
    if gone.button("La réponse est partie", key=f"inbox_went_{qid}"):
        _do(
            lambda: inbox.resolve_stuck_send(ctx.db, ctx.settings, qid, True, actor=username),
            "Réponse enregistrée comme envoyée.",
        )
    if kept.button("La réponse n'est pas partie", key=f"inbox_not_went_{qid}"):
        _do(
            lambda: inbox.resolve_stuck_send(ctx.db, ctx.settings, qid, False, actor=username),
            "Envoi débloqué : le brouillon est conservé.",
        )


def _collision_panel(ctx: PageContext, entry: dict, kept: dict, username: str, now) -> None:
    """A colleague answered while this person wrote: show the reply that went out (who, when,
    what) beside the text they typed, which is kept; they reopen to send it as a follow-up,
    or give it up. Never a silent loss."""
    qid = entry["queue_id"]
    who = ctx.person(kept["first_by"])
    when = full_time(kept["first_at"], ctx.tz) if kept["first_at"] else None
    with st.container(border=True):
        if kept["status"] == "replied":
            st.warning(
                f"{who} a répondu à ce message"
                + (f" le {when}" if when else "")
                + " pendant que vous écriviez : votre réponse n'est pas partie."
                + inbox.COLLISION_KEPT
            )
            st.caption(f"La réponse de {who} :")
            st.text(kept["first_text"] or "(texte non disponible)")
        elif kept["status"] in OPEN:
            st.warning(
                f"{who} envoyait une réponse à ce message quand vous avez envoyé la vôtre : "
                "elle n'est pas partie." + inbox.COLLISION_KEPT
            )
        else:
            st.warning(
                f"{who} a clos ce message"
                + (f" le {when}" if when else "")
                + " pendant que vous écriviez : votre réponse n'est pas partie."
                + inbox.COLLISION_KEPT
            )
        if entry["status"] in OPEN:
            st.session_state.pop("inbox_collided", None)
            return  # the reply box below holds the kept text
        st.text_area("Votre texte (non envoyé)", kept["text"], key=f"inbox_kept_{qid}", height=120)
        left, right = st.columns(2)
        if left.button(
            "Rouvrir pour envoyer mon texte en complément", key=f"inbox_kept_reopen_{qid}"
        ):
            st.session_state[f"inbox_reply_{qid}"] = st.session_state.get(
                f"inbox_kept_{qid}", kept["text"]
            )
            _do(lambda: inbox.reopen(ctx.db, qid, actor=username, now=now), "Message rouvert.")
        if right.button("Abandonner mon texte", key=f"inbox_kept_drop_{qid}"):
            st.session_state.pop("inbox_collided", None)
            _do(
                lambda: inbox.drop_kept_reply(ctx.db, qid, actor=username, now=now),
                "Votre texte a été abandonné.",
            )


def _ask_send(qid: int, key: str) -> None:
    st.session_state["inbox_send_request"] = (qid, st.session_state.get(key, ""))


def _send_requested(ctx: PageContext, username: str, now) -> None:
    """Send the reply asked for by the click that caused this run (``_ask_send``), whatever
    the item became meanwhile: a colleague's reply makes it a ``ReplyCollision``, shown with
    the kept text, never a silent loss."""
    request = st.session_state.pop("inbox_send_request", None)
    if request is None:
        return
    qid, text = request
    try:
        sent = inbox.send_reply(ctx.db, ctx.settings, qid, text, actor=username, now=now)
        st.session_state.pop(f"inbox_reply_{qid}", None)
        _flash(f"Réponse envoyée ({duration(sent.response_seconds)} après le message).")
    except inbox.ReplyCollision as exc:
        st.session_state["inbox_collided"] = qid
        _flash(str(exc), "error")
    except inbox.QueueError as exc:
        _flash(str(exc), "error")


def _reply_box(ctx: PageContext, entry: dict, username: str, now) -> None:
    qid = entry["queue_id"]
    key = f"inbox_reply_{qid}"
    if key not in st.session_state:
        kept = ctx.cached(_collision, qid, username)
        st.session_state[key] = (kept and kept["text"]) or entry["reply_draft"] or ""
    warning = inbox.reply_warning(ctx.db, ctx.settings, qid) if entry["network"] == "x" else None
    if warning:  # X would refuse this reply (February 2026): said before anyone writes
        st.warning(warning)
        if entry["permalink"] and entry["permalink"].startswith("https://"):
            st.link_button("Répondre dans l'application X", entry["permalink"])
    if entry["last_error"] and entry["last_error"].startswith(inbox.REPLY_REFUSED):
        st.warning(entry["last_error"])  # refused for good: no "try again" wording
    elif entry["last_error"]:
        st.error("Le dernier envoi a échoué ; votre brouillon est conservé. Erreur du réseau :")
        st.text(entry["last_error"])
    if entry["sending_since"]:
        _stuck_send(ctx, qid, username, now)
    reply_editor.saved_reply_picker(ctx, entry, key, ctx.cached(_templates, entry["theme"]))
    st.text_area(reply_editor.REPLY_LABEL, key=key, height=140)
    reply_editor.under_the_box(ctx, entry, key)
    left, right = st.columns(2)
    # A callback, not ``if st.button(...)``: by the rerun the click causes, a colleague may
    # have answered and the box is gone, and a button not drawn again reads False: the
    # text would be dropped without a word. The callback runs first and always.
    left.button(
        "Envoyer la réponse",
        type="primary",
        key=f"inbox_send_{qid}",
        on_click=_ask_send,
        args=(qid, key),
    )
    if right.button("Enregistrer le brouillon", key=f"inbox_draft_{qid}"):
        text = st.session_state.get(key, "")
        _do(
            lambda: inbox.save_draft(ctx.db, qid, text, actor=username, now=now),
            "Brouillon enregistré.",
        )


def _actions(
    ctx: PageContext, entry: dict, staff, username: str, now, *, answered_later: bool = False
) -> None:
    settings, qid = ctx.settings, entry["queue_id"]
    st.header("Actions")
    left, middle, right = st.columns(3)
    with left:
        if staff:
            who = st.selectbox(
                "Attribuer à",
                _me_first(staff, username),
                format_func=lambda u: ctx.person(u),
                key=f"inbox_assignee_{qid}",
            )
            if st.button("Attribuer", key=f"inbox_assign_{qid}"):
                _do(
                    lambda: inbox.assign(ctx.db, qid, who, actor=username, now=now),
                    f"Message attribué à {ctx.person(who)}.",
                )
        if st.button("Me l'attribuer", key=f"inbox_assign_me_{qid}"):
            _do(
                lambda: inbox.assign(ctx.db, qid, username, actor=username, now=now),
                "Message attribué à vous.",
            )
    with middle:
        reasons = list(inbox.CLOSE_REASONS)
        reason = st.selectbox(
            "Motif de clôture",
            reasons,
            index=reasons.index("handled_elsewhere") if answered_later else 0,
            format_func=inbox.CLOSE_REASON_LABELS.__getitem__,
            key=f"inbox_reason_{qid}",
        )
        if st.button("Clore", key=f"inbox_close_{qid}"):
            _do(lambda: inbox.close(ctx.db, qid, reason, actor=username, now=now), "Message clos.")
    with right:
        if settings.services:
            services = {s.key: s.name for s in settings.services}
            keys = list(services)
            default = next((t.service for t in settings.themes if t.name == entry["theme"]), None)
            service = st.selectbox(
                "Transmettre au service",
                keys,
                index=keys.index(default) if default in keys else 0,
                format_func=services.__getitem__,
                key=f"inbox_service_{qid}",
            )
            note = st.text_input("Note pour le service", key=f"inbox_note_{qid}")
            place = escalation_place(ctx, service, qid)
            if st.button("Transmettre", key=f"inbox_escalate_{qid}"):
                _do(
                    lambda: inbox.escalate(
                        ctx.db, settings, qid, service, actor=username, note=note, now=now, **place
                    )
                )


def _templates_editor(ctx: PageContext, username: str) -> None:
    with st.expander("Gérer les réponses enregistrées"):
        st.caption("Variables : {prenom} (prénom de la personne), {service} (service concerné).")
        themes = ["", *[t.name for t in ctx.settings.themes]]
        existing = ctx.cached(_templates, None, True)
        choices = {0: "Nouvelle réponse"} | {
            t.id: f"{t.title} ({t.theme or 'général'})" for t in existing
        }
        picked = st.selectbox(
            "Réponse à modifier",
            list(choices),
            format_func=choices.__getitem__,
            key="inbox_tpl_edit",
        )
        current = next((t for t in existing if t.id == picked), None)
        with st.form(f"inbox_tpl_form_{picked}"):
            theme = st.selectbox(
                "Thème",
                themes,
                index=themes.index(current.theme) if current and current.theme in themes else 0,
                format_func=lambda t: t or "(général)",
            )
            title = st.text_input("Titre", current.title if current else "")
            body = st.text_area("Texte", current.body if current else "", height=120)
            left, right = st.columns(2)
            save = left.form_submit_button("Enregistrer")
            retire = right.form_submit_button("Retirer", disabled=current is None)
        if save and current is None:
            _do(
                lambda: inbox.add_saved_reply(ctx.db, theme or None, title, body, actor=username),
                "Réponse enregistrée ajoutée.",
            )
        elif save:
            _do(
                lambda: inbox.update_saved_reply(
                    ctx.db, current.id, theme=theme or None, title=title, body=body, actor=username
                ),
                "Réponse enregistrée modifiée.",
            )
        if retire and current is not None:
            _do(
                lambda: inbox.retire_saved_reply(ctx.db, current.id, actor=username),
                "Réponse enregistrée retirée.",
            )
