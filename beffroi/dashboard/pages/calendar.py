"""Calendrier des rendez-vous: every occurrence, its draft, and what became of it.

Comms staff see the week or the month (published with a link, scheduled with its draft,
missing a draft in orange, missed or failed in red), write drafts with a per-network
preview and counters, and approvers approve them, pause series and settle the posts the
network could not confirm. Writes go through ``beffroi.scheduler.drafts`` only, and are
called so (``scheduler.save_draft(...)``) to read as such. Comments collected for a
published post are citizen text: shown with ``st.dataframe``.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pandas as pd
import streamlit as st

from beffroi import scheduler
from beffroi.business_hours import SlaClock
from beffroi.dashboard.context import PageContext, in_tabs, offered_index
from beffroi.dashboard.service_status import warn_if_service_down
from beffroi.export import disable_grid_export
from beffroi.french import WEEKDAYS
from beffroi.labels import network_label
from beffroi.scheduler import (
    ACCEPTED_ODDLY,
    APPROVER_ROLES,
    LIMITS,
    STATES,
    UNKNOWN_STATE,
    DraftError,
    Entry,
    build_entries,
    check_texts,
    describe,
    next_occurrences,
    problems,
    tracked_since,
)
from beffroi.store import (
    approved_series_drafts,
    drafts_by_status,
    fixed_drafts_between,
    from_db,
    publications_between,
    publications_waiting_for_a_person,
    replies_to_post,
    series_states,
    to_db,
)

TITLE = "Calendrier des rendez-vous"
ICON = ":material/calendar_month:"
ROLES = {"comms", "comms_lead", "admin"}
ORDER = 20

DRAFT_STATES = {
    "draft": "brouillon",
    "approved": "approuvé",
    "publishing": "en publication",
    "published": "publié",
    "failed": "échec",
    "cancelled": "annulé",
}
ONE_OFF = "__ponctuel__"
LEGEND = ("published", "approved", "missing", "needs_person", "missed", "failed", "paused")


# ---------------------------------------------------------------- helpers


def _local(ctx: PageContext, moment: datetime) -> datetime:
    return moment.astimezone(ctx.tz)


def _utc_midnight(ctx: PageContext, day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=ctx.tz).astimezone(UTC)


def _period(ctx: PageContext, view: str, day: date) -> tuple[date, date]:
    if view == "Semaine":
        first = day - timedelta(days=day.weekday())
        return first, first + timedelta(days=7)
    first = day.replace(day=1)
    first = first - timedelta(days=first.weekday())
    last_of_month = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    last = last_of_month + timedelta(days=(7 - last_of_month.weekday()) % 7)
    return first, last


def _entries(ctx: PageContext, first: date, last: date) -> list[Entry]:
    start, end = _utc_midnight(ctx, first), _utc_midnight(ctx, last)
    rows = ctx.cached(publications_between, to_db(start), to_db(end))
    queue = ctx.cached(approved_series_drafts)
    fixed = ctx.cached(fixed_drafts_between, to_db(start), to_db(end))
    series = ctx.cached(series_states)
    since = ctx.cached(tracked_since)
    return build_entries(
        ctx.settings, rows, queue, fixed, series, start, end - timedelta(seconds=1), ctx.now(),
        since,
    )  # fmt: skip


FLASH = "cal_flash"
RESET_EDITOR = "cal_reset_editor"


def _done(message: str, *, reset_editor: bool = False) -> None:
    """Reload the page with ``message`` shown at its top: a success written just before
    ``st.rerun()`` would vanish with the run that wrote it."""
    st.session_state[FLASH] = message
    if reset_editor:
        st.session_state[RESET_EDITOR] = True
    st.rerun()


def _act(ctx: PageContext, action, *args, success: str, **kwargs) -> None:
    """Do a draft or series action as the signed-in person, now; a refusal is shown in French."""
    try:
        action(*args, username=ctx.user.username, role=ctx.user.role, now=ctx.now(), **kwargs)
    except DraftError as exc:
        st.error(str(exc))
        return
    _done(success)


def _account_name(ctx: PageContext, key: str) -> str:
    """How staff know an account: its network and handle, not its configuration key."""
    try:
        account = ctx.settings.account(key)
    except (KeyError, ValueError):
        return key
    network = network_label(account.shown_network)
    return f"{network} (@{account.handle})"


def _waiting_for_approval(ctx: PageContext) -> list[dict]:
    """Drafts an approver has to look at: not those sent back and not edited since."""
    return [d for d in ctx.cached(drafts_by_status, ("draft",)) if not d.get("review_comment")]


def _future_entries(ctx: PageContext, weeks: int = 12) -> list[Entry]:
    today = _local(ctx, ctx.now()).date()
    return _entries(ctx, today, today + timedelta(weeks=weeks))


def _draft_date(ctx: PageContext, draft: dict) -> str | None:
    """When a series draft will go out: the occurrence it holds once approved, or the first
    one still without an approved draft."""
    now = ctx.now()
    entries = [e for e in _future_entries(ctx) if e.key == draft["series_key"] and e.when >= now]
    held = next((e for e in entries if e.draft_id == draft["id"]), None)
    if held:
        local = _local(ctx, held.when)
        return f"Ce brouillon sera publié le {WEEKDAYS[local.weekday()]} {local:%d/%m à %H:%M}."
    free = next((e for e in entries if e.state == "missing"), None)
    if free:
        local = _local(ctx, free.when)
        return (
            "Une fois approuvé, ce brouillon prendra le premier rendez-vous sans brouillon "
            f"approuvé : {WEEKDAYS[local.weekday()]} {local:%d/%m à %H:%M}."
        )
    return None


def _is_approver(ctx: PageContext) -> bool:
    return ctx.user.role in APPROVER_ROLES


# ---------------------------------------------------------------- calendar


_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~:$])")


def _published_note(row: dict) -> str | None:
    """What the outbox noted on a post the network accepted oddly (``facts.network``)."""
    try:
        facts = json.loads(row.get("facts") or "{}")
    except ValueError:
        return None
    note = facts.get(ACCEPTED_ODDLY) if isinstance(facts, dict) else None
    return note if isinstance(note, str) and note else None


def _md(text: str) -> str:
    """Staff text made inert for the few widgets whose labels are Markdown."""
    return _MARKDOWN.sub(r"\\\1", text)


def _cell(ctx: PageContext, entry: Entry, with_title: bool) -> None:
    st.badge(
        _md(f"{_local(ctx, entry.when):%H:%M} {entry.label}"), icon=entry.icon, color=entry.color
    )
    st.text(entry.name)
    if with_title and entry.draft_title:
        st.text(f"« {entry.draft_title} »")


def _calendar(ctx: PageContext) -> None:
    left, right = st.columns([1, 2])
    view = left.radio("Vue", ["Semaine", "Mois"], horizontal=True, key="cal_view")
    day = right.date_input(
        "Période contenant le",
        value=_local(ctx, ctx.now()).date(),
        key="cal_day",
        format="DD/MM/YYYY",
    )
    first, last = _period(ctx, view, day)
    entries = _entries(ctx, first, last)
    by_day: dict[date, list[Entry]] = {}
    for entry in entries:
        by_day.setdefault(_local(ctx, entry.when).date(), []).append(entry)
    with st.container(horizontal=True):
        for state in LEGEND:
            color, icon, label = STATES[state]
            st.badge(label, icon=icon, color=color)
    if any(e.state == "untracked" for e in entries):
        st.caption(
            "« avant Beffroi » : ce rendez-vous est passé avant que Beffroi ne publie pour la "
            "ville ; il a pu être publié à la main, Beffroi n'en sait rien."
        )
    clock = SlaClock.from_settings(ctx.settings)
    current = first
    while current < last:
        columns = st.columns(7)
        for offset, column in enumerate(columns):
            shown = current + timedelta(days=offset)
            with column:
                muted = view == "Mois" and shown.month != day.month
                closed = " · férié ou fermé" if clock.is_closed(shown) else ""
                st.caption(
                    f"{WEEKDAYS[shown.weekday()]} {shown:%d/%m}{closed}" + (" ·" if muted else "")
                )
                for entry in by_day.get(shown, []):
                    _cell(ctx, entry, with_title=view == "Semaine")
        current += timedelta(days=7)
    st.header("Détail")
    if not entries:
        st.info("Aucun rendez-vous sur cette période.")
    for entry in entries:
        local = _local(ctx, entry.when)
        with st.expander(
            _md(f"{WEEKDAYS[local.weekday()]} {local:%d/%m %H:%M} — {entry.name} — {entry.label}"),
            icon=entry.icon,
        ):
            _entry_detail(ctx, entry)


def _entry_detail(ctx: PageContext, entry: Entry) -> None:
    if entry.state == "missing":
        st.warning("Aucun brouillon approuvé pour ce rendez-vous : préparez-en un.")
    if entry.draft_id:
        st.text(f"Brouillon n° {entry.draft_id} : {entry.draft_title or '(sans titre)'}")
        for account, text in entry.texts.items():
            st.caption(_account_name(ctx, account))
            st.text(text)
    for row in entry.rows:
        color, icon, label = STATES.get(row["status"], UNKNOWN_STATE)
        st.badge(_md(f"{_account_name(ctx, row['account'])} : {label}"), icon=icon, color=color)
        if row.get("error"):
            st.error(_md(row["error"]))
        if row["status"] == "published":
            if row.get("link"):
                st.link_button("Voir la publication", row["link"])
            note = _published_note(row)
            if note:  # accepted by the network without its usual answer: still published
                st.info(_md(f"Publiée, avec une remarque : {note}"))
            st.text(
                f"Publié le {_local(ctx, from_db(row['published_at'])):%d/%m à %H:%M}"
                f" · identifiant {row['external_id'] or 'inconnu'}"
                f" · {row.get('reactions') or 0} commentaire(s) ou réponse(s)"
                + (f" · {row['like_count']} j'aime" if row.get("like_count") is not None else "")
            )
            if row.get("reactions") and row.get("network"):
                replies = ctx.cached(replies_to_post, row["network"], row["external_id"])
                st.dataframe(
                    pd.DataFrame(
                        {
                            "Date": [
                                f"{_local(ctx, from_db(r['created_at'])):%d/%m %H:%M}"
                                for r in replies
                            ],
                            "Auteur": [r["handle"] or "inconnu" for r in replies],
                            "Message": [r["text"] for r in replies],
                        }
                    ),
                    hide_index=True,
                )


# ---------------------------------------------------------------- drafts


def _text_checks(ctx: PageContext, series_key: str | None, texts: dict) -> bool:
    """Per-network preview and counters; True when every text fits."""
    fits = True
    try:
        checks = check_texts(ctx.settings, series_key, texts)
    except DraftError as exc:
        st.error(str(exc))
        return False
    for check in checks:
        network = network_label(check.network)
        counter = f"{check.length} / {check.limit}" if check.limit else f"{check.length}"
        with st.container(border=True):
            st.caption(f"Aperçu {_account_name(ctx, check.account)} — {counter} caractères")
            if not check.ok:
                fits = False
                st.error(f"Trop long pour {network} : {check.length - check.limit} en trop.")
            st.text(check.text)
    return fits


def _reset_editor() -> None:
    """After a save: every field of the editor empty again, on a new draft."""
    if st.session_state.pop(RESET_EDITOR, False):
        for key in [k for k in st.session_state if str(k).startswith("draft_")]:
            del st.session_state[key]


def _draft_editor(ctx: PageContext) -> None:
    _reset_editor()
    editable = ctx.cached(drafts_by_status, ("draft", "approved"))
    labels = {None: "Nouveau brouillon"}
    for d in editable:
        target = d["series_key"] or "ponctuel"
        labels[d["id"]] = (
            f"n° {d['id']} · {target} · {d['title'] or '(sans titre)'} · {DRAFT_STATES[d['status']]}"
        )
    chosen = st.selectbox("Brouillon", list(labels), format_func=labels.get, key="draft_pick")
    current = next((d for d in editable if d["id"] == chosen), None)
    if current and current["status"] == "approved":
        st.info(
            "Ce brouillon est approuvé : le modifier le renvoie en brouillon, à approuver de nouveau."
        )
    if current and current.get("review_comment"):
        st.warning(
            _md(
                f"Renvoyé par {current['reviewed_by']} le "
                f"{_local(ctx, from_db(current['reviewed_at'])):%d/%m à %H:%M} : "
                f"« {current['review_comment']} ». Modifiez-le puis enregistrez : il repart "
                "à l'approbation."
            )
        )
    series_options = [r.key for r in ctx.settings.rendezvous] + [ONE_OFF]
    names = {r.key: r.name for r in ctx.settings.rendezvous} | {
        ONE_OFF: "Publication ponctuelle (date fixe)"
    }
    default_target = (current["series_key"] or ONE_OFF) if current else series_options[0]
    target = st.selectbox(
        "Rendez-vous",
        series_options,
        index=offered_index(series_options, default_target),
        format_func=names.get,
        key=f"draft_target_{chosen}",
    )
    series_key = None if target == ONE_OFF else target
    fixed_at = None
    stored_texts = json.loads(current["texts"]) if current else {}
    if series_key is None:
        when = (
            from_db(current["fixed_at"])
            if current and current["fixed_at"]
            else ctx.now() + timedelta(days=1)
        )
        local = _local(ctx, when)
        c1, c2 = st.columns(2)
        day = c1.date_input(
            "Date", value=local.date(), key=f"draft_day_{chosen}", format="DD/MM/YYYY"
        )
        hour = c2.time_input(
            "Heure", value=local.time().replace(second=0), key=f"draft_time_{chosen}"
        )
        fixed_at = datetime.combine(day, hour, tzinfo=ctx.tz).astimezone(UTC)
        accounts = st.multiselect(
            "Comptes",
            [a.key for a in ctx.settings.enabled_accounts() if a.shown_network in LIMITS],
            default=[a for a in stored_texts if a in {x.key for x in ctx.settings.accounts}],
            format_func=lambda key: _account_name(ctx, key),
            key=f"draft_accounts_{chosen}",
        )
    else:
        rdv = next(r for r in ctx.settings.rendezvous if r.key == series_key)
        accounts = list(rdv.accounts)
        if current and current["series_key"] == series_key:
            when = _draft_date(ctx, current)
            if when:
                st.info(when)
        if rdv.hashtags:
            st.caption("Mots-dièse ajoutés automatiquement : " + " ".join(rdv.hashtags))
    title = st.text_input(
        "Titre (interne)", value=current["title"] if current else "", key=f"draft_title_{chosen}"
    )
    texts = {}
    for account in accounts:
        network = ctx.settings.account(account).shown_network
        texts[account] = st.text_area(
            f"Texte pour {_account_name(ctx, account)}",
            value=stored_texts.get(account, ""),
            key=f"draft_text_{chosen}_{account}",
            # The browser counts as you type where a character is a character; X weighs links
            # (23) and emoji (2), so its exact count is the preview's, on leaving the field.
            # (Never below a stored text's length: Streamlit refuses a longer value.)
            max_chars=None
            if network in ("x", "bluesky", "mastodon") or network not in LIMITS
            else max(LIMITS[network], len(stored_texts.get(account, ""))),
            help=(
                "X compte chaque lien pour 23 caractères et un emoji pour 2 : le compte exact "
                "s'affiche dans l'aperçu dès que vous quittez le champ (ou Ctrl+Entrée)."
                if network == "x"
                else "Le compteur en bas à droite suit la frappe ; les mots-dièse de la série "
                "sont comptés dans l'aperçu."
            ),
        )
    image_path = current["image_path"] if current else None
    upload = st.file_uploader(
        "Image (JPEG ou PNG ; obligatoire pour Instagram)",
        type=["jpg", "jpeg", "png"],
        key=f"draft_image_{chosen}",
    )
    if image_path:
        stored = Path(ctx.settings.database_path).parent / image_path
        if stored.exists():
            st.image(str(stored), caption="Image actuelle", width=240)
    _text_checks(ctx, series_key, texts)
    for problem in problems(
        ctx.settings, series_key, texts, image_path or (upload and "nouvelle"), fixed_at, ctx.now()
    ):
        st.warning(f"Avant approbation : {problem}")
    save, cancel = st.columns(2)
    if save.button("Enregistrer", type="primary", key=f"draft_save_{chosen}"):
        try:
            if upload is not None:
                image_path = scheduler.save_image(ctx.db, upload.getvalue(), upload.name)
            scheduler.save_draft(
                ctx.db,
                ctx.settings,
                current["id"] if current else None,
                username=ctx.user.username,
                role=ctx.user.role,
                texts=texts,
                now=ctx.now(),
                series_key=series_key,
                fixed_at=fixed_at,
                title=title,
                image_path=image_path,
            )
        except DraftError as exc:
            st.error(str(exc))
        else:
            _done("Brouillon enregistré.", reset_editor=True)
    if current and cancel.button("Annuler ce brouillon", key=f"draft_cancel_{chosen}"):
        _act(
            ctx,
            scheduler.cancel_draft,
            ctx.db,
            current["id"],
            success="Brouillon annulé.",
        )


def _approvals(ctx: PageContext) -> None:
    if not _is_approver(ctx):
        st.info(
            "Seuls la responsable communication et les administrateurs approuvent les brouillons."
        )
        return
    waiting = _waiting_for_approval(ctx)
    sent_back = len(ctx.cached(drafts_by_status, ("draft",))) - len(waiting)
    if not waiting:
        st.info("Aucun brouillon en attente d'approbation.")
    if sent_back:
        st.caption(f"{sent_back} brouillon(s) renvoyé(s) à leur auteur, en attente de correction.")
    for draft in waiting:
        texts = json.loads(draft["texts"])
        if draft["series_key"]:
            target = draft["series_key"]
        elif draft["fixed_at"]:
            target = f"ponctuel, {_local(ctx, from_db(draft['fixed_at'])):%d/%m %H:%M}"
        else:
            target = "sans cible"
        with st.expander(
            _md(
                f"n° {draft['id']} · {target} · {draft['title'] or '(sans titre)'}"
                f" · par {draft['created_by']}"
            )
        ):
            _text_checks(ctx, draft["series_key"], texts)
            found = problems(
                ctx.settings,
                draft["series_key"],
                texts,
                draft["image_path"],
                from_db(draft["fixed_at"]),
                ctx.now(),
            )
            for problem in found:
                st.warning(problem)
            if draft["series_key"]:
                when = _draft_date(ctx, draft)
                if when:
                    st.caption(when)
            if st.button(
                "Approuver", key=f"approve_{draft['id']}", disabled=bool(found), type="primary"
            ):
                _act(
                    ctx,
                    scheduler.approve_draft,
                    ctx.db,
                    ctx.settings,
                    draft["id"],
                    success="Brouillon approuvé.",
                )
            comment = st.text_input(
                "Ou renvoyer à l'auteur, avec ce qu'il faut changer",
                key=f"sendback_comment_{draft['id']}",
            )
            if st.button("Renvoyer à l'auteur", key=f"sendback_{draft['id']}"):
                _act(
                    ctx,
                    scheduler.send_back_draft,
                    ctx.db,
                    draft["id"],
                    comment,
                    success="Brouillon renvoyé à son auteur.",
                )


def _series(ctx: PageContext) -> None:
    states = ctx.cached(series_states)
    for rdv in ctx.settings.rendezvous:
        paused = bool(states.get(rdv.key, {}).get("paused"))
        with st.container(border=True):
            names = ", ".join(_account_name(ctx, a) for a in rdv.accounts)
            st.text(f"{rdv.name} — {describe(rdv)} — comptes : {names}")
            coming = next_occurrences(rdv, ctx.settings, ctx.now(), 3)
            st.caption("Prochains : " + ", ".join(f"{_local(ctx, o):%d/%m %H:%M}" for o in coming))
            if paused:
                st.warning(
                    f"En pause (par {states[rdv.key].get('paused_by') or '?'}) : les rendez-vous ne sont pas publiés."
                )
            label = "Reprendre" if paused else "Mettre en pause"
            if st.button(label, key=f"pause_{rdv.key}"):
                _act(
                    ctx,
                    scheduler.pause_series,
                    ctx.db,
                    rdv.key,
                    not paused,
                    success="Série reprise." if paused else "Série mise en pause.",
                )


def _needs_person(ctx: PageContext) -> None:
    rows = ctx.cached(publications_waiting_for_a_person)
    if not rows:
        st.info("Aucune publication n'attend de vérification.")
        return
    st.warning(
        "Le service s'est arrêté pendant l'envoi de ces publications et le réseau ne permet "
        "pas de savoir si elles sont parues. Vérifiez sur le réseau, puis choisissez."
    )
    for row in rows:
        local = _local(ctx, from_db(row["occurrence"]))
        with st.container(border=True):
            st.text(
                f"{row['series_key']} · {local:%d/%m %H:%M} · {_account_name(ctx, row['account'])}"
                f" · tentative {row['attempts']}"
            )
            texts = json.loads(row["draft_texts"] or "{}")
            st.text(texts.get(row["account"], ""))
            st.caption("Faits enregistrés")
            st.json(json.loads(row["facts"] or "{}"))
            if row.get("error"):
                st.error(_md(row["error"]))
            if not _is_approver(ctx):
                continue
            link = st.text_input("Lien de la publication trouvée", key=f"np_link_{row['id']}")
            # (button, its key's prefix, the decision, what the person is told once done)
            decisions = (
                ("Marquer publiée", "np_pub", "published", "Marquée publiée."),
                ("Publier de nouveau", "np_retry", "retry", "Nouvelle tentative programmée."),
                ("Abandonner", "np_cancel", "cancel", "Publication abandonnée."),
            )
            for column, (label, key, action, done) in zip(st.columns(3), decisions, strict=True):
                if column.button(label, key=f"{key}_{row['id']}"):
                    found = {"link": link} if action == "published" else {}
                    _act(
                        ctx,
                        scheduler.resolve_publication,
                        ctx.db,
                        row["id"],
                        action,
                        success=done,
                        **found,
                    )


def render(ctx: PageContext) -> None:
    disable_grid_export()  # its grids' own CSV download is unsafe (beffroi.export)
    st.title(TITLE)
    if FLASH in st.session_state:
        st.success(st.session_state.pop(FLASH))
    warn_if_service_down(ctx, "les rendez-vous ne partent pas tant qu'il ne tourne pas")
    waiting = len(ctx.cached(publications_waiting_for_a_person))
    check_label = f"À vérifier ({waiting})" if waiting else "À vérifier"
    to_approve = len(_waiting_for_approval(ctx)) if _is_approver(ctx) else 0
    approve_label = f"À approuver ({to_approve})" if to_approve else "À approuver"
    in_tabs(
        ctx,
        {
            "Calendrier": _calendar,
            "Brouillons": _draft_editor,
            approve_label: _approvals,
            "Séries": _series,
            check_label: _needs_person,
        },
    )
