"""The Inbox page: work the response queue down to zero.

Everything a citizen wrote (text, name, handle) is shown with ``st.text`` or inside a
dataframe, never as Markdown or HTML. The page reads and writes only through
``beffroi.inbox``; every action names the logged-in person, who is written to the audit.
"""

from __future__ import annotations

from datetime import datetime

import pandas as pd
import streamlit as st

from beffroi import inbox
from beffroi.store import list_staff, now_utc

TITLE = "Messages"
ICON = "📥"
ROLES = ("community_manager", "comms", "comms_lead", "admin")
ORDER = 10

EDITORS = ("community_manager", "comms_lead", "admin")
OPEN_LABELS = ("Nouveau", "Attribué")
NOBODY = "(personne)"
ALL = "Tous"


# ---------------------------------------------------------------- context


def _parts(ctx):
    """(conn, settings, username, role, now) from the shell's context object."""
    conn = getattr(ctx, "conn", None)
    settings = getattr(ctx, "settings", None)
    user = getattr(ctx, "user", None)
    username = getattr(user, "username", user) or "inconnu"
    role = getattr(user, "role", None) or getattr(ctx, "role", None) or "community_manager"
    now = getattr(ctx, "now", None)
    moment = now() if callable(now) else (now or now_utc())
    return conn, settings, str(username), role, moment


# ---------------------------------------------------------------- formatting


def ago(moment: datetime, now: datetime) -> str:
    seconds = int((now - moment).total_seconds())
    if seconds < 60:
        return "à l'instant"
    if seconds < 3600:
        return f"il y a {seconds // 60} min"
    if seconds < 86400:
        return f"il y a {seconds // 3600} h"
    return f"il y a {seconds // 86400} j"


def duration(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    minutes = int(round(seconds / 60))
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"{hours} h {minutes:02d}"
    return f"{hours // 24} j {hours % 24} h"


def local(settings, moment: datetime | None, fmt: str = "%d/%m %H:%M") -> str:
    return moment.astimezone(settings.tz).strftime(fmt) if moment else "—"


def _short(text: str, size: int = 90) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= size else text[: size - 1] + "…"


def _flash(message: str, kind: str = "success") -> None:
    st.session_state["inbox_flash"] = (kind, message)


def _show_flash() -> None:
    flash = st.session_state.pop("inbox_flash", None)
    if flash:
        kind, message = flash
        # Our own sentences, but they may quote a network error: shown as plain text.
        (st.success if kind == "success" else st.error)(
            "Action effectuée." if kind == "success" else "Action impossible."
        )
        st.text(message)


# ---------------------------------------------------------------- page


def render(ctx) -> None:
    conn, settings, username, role, now = _parts(ctx)
    can_edit = role in EDITORS
    st.header("Messages des citoyens")
    _show_flash()
    _counters(conn, settings, now)
    filters = _filters(conn, settings, username)
    entries = inbox.list_entries(conn, settings, filters, now=now, limit=300)
    if can_edit and st.button("Répartir les nouveaux messages entre les community managers"):
        try:
            given = inbox.distribute(conn, actor=username, now=now)
            _flash(f"{len(given)} message(s) attribué(s).")
        except inbox.QueueError as exc:
            _flash(str(exc), "error")
        st.rerun()
    if not entries:
        st.info("Aucun message à traiter avec ces filtres. Boîte vide !")
        return
    _table(settings, entries, now)
    labels = {
        e["queue_id"]: f"n°{e['queue_id']} · {e['shown_network']} · {_short(e['text'], 50)}"
        for e in entries
    }
    if can_edit:
        _bulk(conn, labels, username, now)
    chosen = st.selectbox(
        "Message à traiter",
        list(labels),
        format_func=lambda qid: labels.get(qid, str(qid)),
        key="inbox_selected",
    )
    if chosen is not None:
        entry = inbox.get_entry(conn, settings, chosen)
        if entry is not None:
            _detail(conn, settings, entry, username, can_edit, now)
    if can_edit:
        _saved_replies_editor(conn, settings, username)


def _bulk(conn, labels: dict[int, str], username: str, now) -> None:
    """Several items at once: close them (duplicates, a thread of emoji...) or give them out."""
    with st.expander("Actions groupées"):
        picked = st.multiselect(
            "Messages", list(labels), format_func=lambda q: labels[q], key="inbox_bulk_ids"
        )
        cols = st.columns(2)
        reason = cols[0].selectbox(
            "Motif",
            list(inbox.CLOSE_REASONS),
            format_func=lambda r: inbox.CLOSE_REASON_LABELS[r],
            key="inbox_bulk_reason",
        )
        if cols[0].button("Clore la sélection", key="inbox_bulk_close", disabled=not picked):
            _do(
                lambda: inbox.close_many(conn, picked, reason, actor=username, now=now),
                f"{len(picked)} message(s) clos.",
            )
        staff = [m.username for m in list_staff(conn)]
        if staff:
            who = cols[1].selectbox("Attribuer à", staff, key="inbox_bulk_assignee")
            if cols[1].button(
                "Attribuer la sélection", key="inbox_bulk_assign", disabled=not picked
            ):

                def give() -> None:
                    for queue_id in picked:
                        inbox.assign(conn, queue_id, who, actor=username, now=now)

                _do(give, f"{len(picked)} message(s) attribué(s) à {who}.")


def _counters(conn, settings, now) -> None:
    c = inbox.counters(conn, settings, now)
    cols = st.columns(4)
    cols[0].metric("Ouverts", c.open)
    cols[1].metric("En retard", c.overdue)
    cols[2].metric("Répondus aujourd'hui", c.answered_today)
    cols[3].metric(
        "Délai médian de 1re réponse (semaine)", duration(c.median_response_seconds_week)
    )


def _filters(conn, settings, username) -> inbox.Filters:
    networks = sorted({a.shown_network for a in settings.accounts})
    themes = [t.name for t in settings.themes]
    staff = [m.username for m in list_staff(conn)]
    cols = st.columns([1, 1, 2, 1])
    network = cols[0].selectbox("Réseau", [ALL, *networks], key="inbox_f_network")
    theme = cols[1].selectbox("Thème", [ALL, *themes, "(sans thème)"], key="inbox_f_theme")
    statuses = cols[2].multiselect(
        "Statut",
        list(inbox.STATUS_LABELS.values()),
        default=list(OPEN_LABELS),
        key="inbox_f_status",
    )
    assignee = cols[3].selectbox("Attribué à", [ALL, "Moi", NOBODY, *staff], key="inbox_f_assignee")
    cols = st.columns([3, 1])
    search = cols[0].text_input("Recherche dans les messages", key="inbox_f_search")
    overdue = cols[1].checkbox("En retard seulement", key="inbox_f_overdue")
    by_label = {v: k for k, v in inbox.STATUS_LABELS.items()}
    who = {ALL: None, "Moi": username, NOBODY: ""}.get(assignee, assignee)
    return inbox.Filters(
        network=None if network == ALL else network,
        theme=None if theme == ALL else ("" if theme == "(sans thème)" else theme),
        statuses=[by_label[s] for s in statuses] or ["new", "assigned"],
        assignee=who,
        overdue_only=overdue,
        search=search or None,
    )


def _table(settings, entries, now) -> None:
    services = {s.key: s.name for s in settings.services}
    rows = []
    for e in entries:
        late = e["due_at"] is not None and e["due_at"] <= now and e["status"] in ("new", "assigned")
        rows.append(
            {
                "n°": e["queue_id"],
                "Priorité": inbox.PRIORITY_LABELS.get(e["priority"], e["priority"]),
                "Réseau": e["shown_network"],
                "Auteur": e["author_label"] or "inconnu",
                "Reçu": ago(e["created_at"], now),
                "Thème": e["theme"] or "—",
                "Statut": inbox.STATUS_LABELS[e["status"]],
                "Attribué à": e["assignee"] or services.get(e["service"], e["service"]) or "—",
                "Échéance": local(settings, e["due_at"]),
                "Message": _short(e["text"]),
                "_late": late,
            }
        )
    frame = pd.DataFrame(rows)
    late = frame.pop("_late")

    def red(column):
        return ["color: #c62828; font-weight: bold" if flag else "" for flag in late]

    st.dataframe(frame.style.apply(red, subset=["Échéance"]), hide_index=True)


def _detail(conn, settings, entry, username, can_edit, now) -> None:
    qid = entry["queue_id"]
    st.subheader(f"Message n°{qid}")
    status = inbox.STATUS_LABELS[entry["status"]]
    if entry["closed_reason"]:
        status += (
            f" ({inbox.CLOSE_REASON_LABELS.get(entry['closed_reason'], entry['closed_reason'])})"
        )
    facts = [
        f"Réseau : {entry['shown_network']} ({entry['kind']})",
        f"Auteur : {entry['author_label'] or 'inconnu'}",
        f"Reçu : {local(settings, entry['created_at'], '%d/%m/%Y %H:%M')} ({ago(entry['created_at'], now)})",
        f"Statut : {status}",
        f"Priorité : {inbox.PRIORITY_LABELS.get(entry['priority'])} · Thème : {entry['theme'] or '—'}",
        f"Échéance : {local(settings, entry['due_at'], '%d/%m/%Y %H:%M')}",
        f"Tri : {inbox.triage_rule_label(entry['triage_rule'])}",
    ]
    if entry["assignee"]:
        facts.append(f"Attribué à : {entry['assignee']}")
    if entry["service"]:
        name = next((s.name for s in settings.services if s.key == entry["service"]), None)
        facts.append(f"Transmis au service : {name or entry['service']}")
    if entry["replied_by"]:
        facts.append(
            f"Répondu par {entry['replied_by']} en {duration(entry['response_seconds'])} "
            f"({duration(entry['business_response_seconds'])} ouvrées)"
        )
    if entry["permalink"]:
        facts.append(f"Lien : {entry['permalink']}")
    st.text("\n".join(facts))
    st.text_area("Message du citoyen", entry["text"], disabled=True, key=f"inbox_text_{qid}")

    with st.expander("Fil de la conversation", expanded=True):
        for item in inbox.thread(conn, entry):
            who = (
                "Ville"
                if item["direction"] == "out"
                else (item["author_name"] or item["author_handle"] or "citoyen")
            )
            marker = "▶ " if item["id"] == entry["item_id"] else ""
            st.text(f"{marker}{local(settings, item['created_at'])} · {who} : {item['text']}")
    history = inbox.citizen_history(conn, entry["member_id"], exclude_item=entry["item_id"])
    if history:
        with st.expander(f"Historique de cette personne avec la ville ({len(history)})"):
            st.dataframe(
                pd.DataFrame(
                    [
                        {
                            "Date": local(settings, h["created_at"], "%d/%m/%Y"),
                            "Type": h["kind"],
                            "Message": _short(h["text"]),
                            "Statut": inbox.STATUS_LABELS.get(h["status"], "—"),
                            "Thème": h["theme"] or "—",
                        }
                        for h in history
                    ]
                ),
                hide_index=True,
            )

    if entry["status"] in ("new", "assigned") and can_edit:
        _reply_box(conn, settings, entry, username, now)
        _actions(conn, settings, entry, username, now)
    elif can_edit and st.button("Rouvrir ce message", key=f"inbox_reopen_{qid}"):
        _do(lambda: inbox.reopen(conn, qid, actor=username, now=now), "Message rouvert.")

    events = inbox.history(conn, qid)
    if events:
        with st.expander("Historique des actions"):
            st.dataframe(
                pd.DataFrame(
                    [
                        {
                            "Quand": local(settings, ev["at"], "%d/%m/%Y %H:%M"),
                            "Qui": ev["actor"],
                            "Action": ev["action"],
                            "Détail": ", ".join(f"{k}={v}" for k, v in ev["detail"].items()),
                        }
                        for ev in events
                    ]
                ),
                hide_index=True,
            )


def _do(action, success: str) -> None:
    try:
        action()
        _flash(success)
    except inbox.QueueError as exc:
        _flash(str(exc), "error")
    st.rerun()


def _reply_box(conn, settings, entry, username, now) -> None:
    qid = entry["queue_id"]
    key = f"inbox_reply_{qid}"
    if key not in st.session_state:
        st.session_state[key] = entry["reply_draft"] or ""
    if entry["last_error"]:
        st.error("Le dernier envoi a échoué ; votre brouillon est conservé. Erreur du réseau :")
        st.text(entry["last_error"])
    if entry["sending_since"]:
        st.warning(
            "Un envoi est en cours (ou a été interrompu). Vérifiez sur le réseau avant de débloquer."
        )
        if st.button("Débloquer l'envoi", key=f"inbox_release_{qid}"):
            _do(lambda: inbox.release_send(conn, qid, actor=username, now=now), "Envoi débloqué.")
    templates = inbox.list_saved_replies(conn, entry["theme"])
    if templates:
        names = {t.id: f"{t.title} ({t.theme or 'général'})" for t in templates}
        picked = st.selectbox(
            "Réponse enregistrée",
            list(names),
            format_func=lambda i: names[i],
            key=f"inbox_tpl_{qid}",
        )

        def insert() -> None:
            template = next(t for t in templates if t.id == picked)
            st.session_state[key] = inbox.render(
                template.body,
                prenom=inbox.first_name(entry["author_name"]),
                service=inbox.service_name(settings, entry["theme"], entry["service"]),
            )

        st.button("Insérer la réponse enregistrée", key=f"inbox_insert_{qid}", on_click=insert)
    st.text_area("Votre réponse", key=key, height=140)
    cols = st.columns(2)
    if cols[0].button("Envoyer la réponse", type="primary", key=f"inbox_send_{qid}"):
        text = st.session_state.get(key, "")
        try:
            sent = inbox.send_reply(conn, settings, qid, text, actor=username, now=now)
            st.session_state.pop(key, None)
            _flash(f"Réponse envoyée (délai : {duration(sent.response_seconds)}).")
        except inbox.QueueError as exc:
            _flash(str(exc), "error")
        st.rerun()
    if cols[1].button("Enregistrer le brouillon", key=f"inbox_draft_{qid}"):
        text = st.session_state.get(key, "")
        _do(
            lambda: inbox.save_draft(conn, qid, text, actor=username, now=now),
            "Brouillon enregistré.",
        )


def _actions(conn, settings, entry, username, now) -> None:
    qid = entry["queue_id"]
    st.markdown("**Actions**")
    cols = st.columns(3)
    with cols[0]:
        staff = [m.username for m in list_staff(conn)]
        if staff:
            who = st.selectbox("Attribuer à", staff, key=f"inbox_assignee_{qid}")
            if st.button("Attribuer", key=f"inbox_assign_{qid}"):
                _do(
                    lambda: inbox.assign(conn, qid, who, actor=username, now=now),
                    f"Message attribué à {who}.",
                )
        if st.button("Me l'attribuer", key=f"inbox_assign_me_{qid}"):
            _do(
                lambda: inbox.assign(conn, qid, username, actor=username, now=now),
                "Message attribué à vous.",
            )
    with cols[1]:
        reason = st.selectbox(
            "Motif de clôture",
            list(inbox.CLOSE_REASONS),
            format_func=lambda r: inbox.CLOSE_REASON_LABELS[r],
            key=f"inbox_reason_{qid}",
        )
        if st.button("Clore", key=f"inbox_close_{qid}"):
            _do(
                lambda: inbox.close(conn, qid, reason, actor=username, now=now),
                "Message clos.",
            )
    with cols[2]:
        if settings.services:
            services = {s.key: s.name for s in settings.services}
            default = next((t.service for t in settings.themes if t.name == entry["theme"]), None)
            keys = list(services)
            service = st.selectbox(
                "Transmettre au service",
                keys,
                index=keys.index(default) if default in keys else 0,
                format_func=lambda k: services[k],
                key=f"inbox_service_{qid}",
            )
            note = st.text_input("Note pour le service", key=f"inbox_note_{qid}")
            if st.button("Transmettre", key=f"inbox_escalate_{qid}"):
                _do(
                    lambda: inbox.escalate(
                        conn, settings, qid, service, actor=username, note=note, now=now
                    ),
                    f"Message transmis à {services[service]}.",
                )


def _saved_replies_editor(conn, settings, username) -> None:
    with st.expander("Gérer les réponses enregistrées"):
        st.caption(
            "Variables disponibles : {prenom} (prénom de la personne), {service} (service concerné)."
        )
        themes = ["(général)", *[t.name for t in settings.themes]]
        existing = inbox.list_saved_replies(conn, all_themes=True)
        choices = {0: "Nouvelle réponse"} | {
            t.id: f"{t.title} ({t.theme or 'général'})" for t in existing
        }
        picked = st.selectbox(
            "Réponse à modifier",
            list(choices),
            format_func=lambda i: choices[i],
            key="inbox_tpl_edit",
        )
        current = next((t for t in existing if t.id == picked), None)
        with st.form(f"inbox_tpl_form_{picked}"):
            theme = st.selectbox(
                "Thème",
                themes,
                index=themes.index(current.theme) if current and current.theme in themes else 0,
            )
            title = st.text_input("Titre", current.title if current else "")
            body = st.text_area("Texte", current.body if current else "", height=120)
            cols = st.columns(2)
            save = cols[0].form_submit_button("Enregistrer")
            retire = cols[1].form_submit_button("Retirer", disabled=current is None)
        theme_value = None if theme == "(général)" else theme
        if save:
            if current is None:
                _do(
                    lambda: inbox.add_saved_reply(conn, theme_value, title, body, actor=username),
                    "Réponse enregistrée ajoutée.",
                )
            else:
                _do(
                    lambda: inbox.update_saved_reply(
                        conn, current.id, theme=theme_value, title=title, body=body, actor=username
                    ),
                    "Réponse enregistrée modifiée.",
                )
        if retire and current is not None:
            _do(
                lambda: inbox.retire_saved_reply(conn, current.id, actor=username),
                "Réponse enregistrée retirée.",
            )
