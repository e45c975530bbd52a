"""Communauté: who engages most with the city, why, and who to invite to the next meet-up.

Community managers and comms staff see the ranking with names, link one person's accounts,
flag staff or spam accounts, create events, propose invitations from the ranking, send them
(DM where the network allows it, otherwise a message to copy) and follow the answers,
including parental consent for minors. Directors see the same ranking pseudonymised and
nothing they could act on.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pandas as pd
import streamlit as st

from beffroi.analytics import (
    RANKED_KINDS,
    RankingFilter,
    describe_engagement,
    draft_messages,
    event_outcome,
    explain,
    find_members,
    list_events,
    list_invitations,
    pseudonym,
    pseudonym_key,
    rank_members,
)
from beffroi.dashboard import notes_panel
from beffroi.dashboard.cache import data_moment
from beffroi.dashboard.context import PageContext, in_tabs
from beffroi.export import disable_grid_export, frame_csv
from beffroi.french import french_number
from beffroi.inbox import (
    EVENT_KINDS,
    INVITATION_LABELS,
    CommunityError,
    ObjectionError,
    QueueError,
    confirm_link_proposal,
    create_event,
    declare_age,
    deliver_invitation,
    import_members_csv,
    link_members,
    link_proposals,
    object_to_ranking,
    objections,
    propose_invitations,
    record_parental_consent,
    refuse_link_proposal,
    set_invitation_message,
    set_invitation_status,
    set_member_flags,
    unlink_member,
    withdraw_objection,
)
from beffroi.labels import kind_label, network_choices
from beffroi.labels import network_label as network_name
from beffroi.store import ROLES as ALL_ROLES
from beffroi.store import from_db

TITLE = "Communauté"
ICON = ":material/groups:"
ROLES = set(ALL_ROLES)  # every staff role, as the health page
# Private messages are read by the roles that work the inbox, nobody else (a comms officer
# choosing whom to invite sees how many there were, not what they say).
READS_PRIVATE_MESSAGES = {"community_manager", "admin"}
ORDER = 40

NETWORK_CHOICES = network_choices("instagram", "facebook", "x", "bluesky", "mastodon", "snapchat")
EVENT_KIND_LABELS = {
    "instameet": "Instameet",
    "snapmeet": "Snapmeet",
    "afterwork": "Afterwork",
    "other": "Autre",
}
STATUS_LABELS = {k: v.capitalize() for k, v in INVITATION_LABELS.items()}
DM_NETWORKS = ("x", "facebook", "instagram", "sandbox")
PROPOSALS_SHOWN = 10  # link proposals shown at once (the next appear as these are decided)
LINK_FLASH = "community_link_flash"
LINK_CONFIRMED = "Comptes reliés : ils comptent désormais comme une seule personne."
LINK_REFUSED = "Proposition refusée : elle ne sera plus faite."


# ---------------------------------------------------------------- cached reads


def _find_members(conn, query: str) -> list[tuple[int, str]]:
    return [
        (m["id"], f"@{m['handle']} ({m['display_name'] or '—'}, {network_name(m['network'])})")
        for m in find_members(conn, query)
    ]


# ---------------------------------------------------------------- helpers


def _is_director(ctx: PageContext) -> bool:
    return ctx.user.role == "director"


def _who(row, ctx: PageContext, key) -> str:
    if _is_director(ctx):
        return pseudonym(key, row["first_network"], row["first_external_id"])
    handles = ", ".join(f"@{h}" for h in row["handles"]) or "—"
    return f"{row['display_name'] or ''} ({handles})".strip()


def _act(action, success: str) -> bool:
    """Run a write; French error on refusal, success message otherwise."""
    try:
        action()
    except (CommunityError, ObjectionError) as exc:
        st.error(str(exc))
        return False
    st.success(success)
    return True


NOTE_OUTCOME = "community_note_outcome"  # what the last note written said, shown once


def _note_written(action) -> None:
    """Write a note, then draw the page again (the list of notes shows it)."""
    try:
        st.session_state[NOTE_OUTCOME] = ("success", action())
    except QueueError as exc:
        st.session_state[NOTE_OUTCOME] = ("error", str(exc))
    st.rerun()


def _show_note_outcome() -> None:
    kind, said = st.session_state.pop(NOTE_OUTCOME, (None, None))
    if kind == "success":
        st.success(said)
    elif kind == "error":
        st.error(said)


def _collector_for(ctx: PageContext):
    from beffroi.collectors import build_collector

    def collector_for(key: str):
        try:
            account = ctx.settings.account(key)
        except KeyError:
            return None
        if account.network not in DM_NETWORKS:
            return None
        return build_collector(ctx.settings, account)

    return collector_for


# ---------------------------------------------------------------- sections


def _filters(ctx: PageContext) -> RankingFilter:
    cols = st.columns(3)
    network = cols[0].selectbox("Réseau", list(NETWORK_CHOICES), key="community_network")
    window = cols[1].slider(
        "Fenêtre (jours)", 7, 365, ctx.settings.engagement.window_days, key="community_window"
    )
    themes = ["Tous les thèmes"] + [t.name for t in ctx.settings.themes]
    theme = cols[2].selectbox("Thème", themes, key="community_theme")
    cols = st.columns(3)
    weeks = cols[0].number_input("Semaines actives minimum", 0, 52, 0, key="community_min_weeks")
    months = cols[1].number_input(
        "Pas invité depuis (mois, 0 = tous)", 0, 36, 0, key="community_not_invited"
    )
    combine = cols[2].checkbox("Compter ensemble les comptes liés", True, key="community_combine")
    return RankingFilter(
        network=NETWORK_CHOICES[network],
        window_days=int(window),
        theme=None if theme == "Tous les thèmes" else theme,
        min_active_weeks=int(weeks),
        not_invited_months=int(months) or None,
        combine_persons=combine,
        limit=200,
    )


def _ranking_section(ctx: PageContext) -> None:
    filters = _filters(ctx)
    now = data_moment(str(ctx.settings.database_path), ctx.now())
    ranking = ctx.cached(rank_members, ctx.settings, now, filters)
    if ranking.empty:
        st.info("Personne ne correspond à ces filtres sur la période.")
        return
    key = pseudonym_key(ctx.settings)
    table = pd.DataFrame(
        {
            "Rang": ranking["rank"],
            "Membre": [_who(r, ctx, key) for _, r in ranking.iterrows()],
            "Réseaux": [", ".join(map(network_name, n)) for n in ranking["networks"]],
            "Score": ranking["score"].round(1),
            "Interactions": ranking["interactions"].astype(int),
            "Semaines actives": ranking["active_weeks"].astype(int),
        }
    )
    if _is_director(ctx):
        st.dataframe(table, hide_index=True, width="stretch")
        selected = []
    else:
        event = st.dataframe(
            table,
            hide_index=True,
            width="stretch",
            on_select="rerun",
            selection_mode="multi-row",
            key="community_table",
        )
        selected = list(event.selection.rows) if event and event.selection else []
    st.download_button(  # Beffroi's safe CSV (names are citizens' text), not Streamlit's
        "Télécharger ce classement (CSV)",
        lambda: frame_csv(table),  # built on click only
        "beffroi-communaute.csv",
        "text/csv",
        key="community_table_csv",
    )
    labels = {int(r["person"]): f"{r['rank']}. {_who(r, ctx, key)}" for _, r in ranking.iterrows()}
    person = st.selectbox(
        "Pourquoi ce score ?",
        list(labels),
        format_func=labels.get,
        key="community_explain",
    )
    if person is not None:
        _explain_section(ctx, int(person), filters, now)
        if not _is_director(ctx):  # the notes name people: not in directors' pseudonymised view
            members = ranking.loc[ranking["person"] == person, "member_ids"].iloc[0]
            _show_note_outcome()
            notes_panel.on_person(
                ctx, [int(m) for m in members], ctx.user.username, _note_written, now
            )
    if not _is_director(ctx):
        chosen = [int(ranking.iloc[i]["person"]) for i in selected]
        _invite_from_ranking(ctx, ranking, chosen, now)


def _explain_section(ctx: PageContext, person: int, filters: RankingFilter, now) -> None:
    why = ctx.cached(explain, ctx.settings, now, person, filters)
    parts = pd.DataFrame(
        {
            "Interaction": [kind_label(k, plural=True, capital=False) for k in RANKED_KINDS],
            "Nombre": [why.counts[k] for k in RANKED_KINDS],
            "Poids": [ctx.settings.engagement.weights.get(k, 0.0) for k in RANKED_KINDS],
            "Points (après décroissance)": [round(why.contributions[k], 2) for k in RANKED_KINDS],
        }
    )
    parts = parts[parts["Nombre"] > 0]
    cols = st.columns(3)
    cols[0].metric("Score", french_number(why.score))
    cols[1].metric("Semaines actives", why.active_weeks)
    cols[2].metric("Bonus d'assiduité", f"+{french_number(why.bonus)}")
    st.dataframe(parts, hide_index=True, width="stretch")
    where = describe_engagement(why)
    if where:
        st.caption(f"Réactions et partages par réseau — {where}.")
    st.caption(
        f"Chaque interaction compte son poids × 0,5^(âge / {french_number(ctx.settings.engagement.half_life_days, 0)} "
        "jours) ; plus un bonus par semaine active."
    )
    if _is_director(ctx):
        return
    recent = pd.DataFrame(why.last_interactions)
    if not recent.empty and ctx.user.role not in READS_PRIVATE_MESSAGES:
        private = recent["kind"] == "dm"
        if private.any():
            n = int(private.sum())
            st.caption(
                f"{n} message privé n'est pas affiché"
                if n == 1
                else f"{n} messages privés ne sont pas affichés"
            )
            st.caption(
                "Les messages privés ne sont lisibles que par l'équipe de la boîte de réception."
            )
        recent = recent[~private]
    if not recent.empty:
        recent = pd.DataFrame(
            {
                "Date": recent["created_at"].map(
                    lambda t: from_db(t).astimezone(ctx.tz).strftime("%d/%m/%Y %H:%M")
                ),
                "Type": recent["kind"].map(lambda k: kind_label(k, capital=False)),
                "Réseau": recent["network"].map(network_name),
                "Texte": recent["text"],
                "Lien": recent["permalink"],
            }
        )
        st.dataframe(
            recent,
            hide_index=True,
            width="stretch",
            column_config={"Lien": st.column_config.LinkColumn("Lien")},
        )


def _invite_from_ranking(ctx: PageContext, ranking, chosen: list[int], now) -> None:
    events = ctx.cached(list_events)
    upcoming = events[events["starts_at"] >= now.strftime("%Y-%m-%d %H:%M:%S")]
    st.header("Inviter la sélection")
    if upcoming.empty:
        st.info("Créez d'abord une rencontre (onglet « Rencontres »).")
        return
    names = {int(r.id): f"{r.name} ({r.starts_at[:10]})" for r in upcoming.itertuples()}
    event_id = st.selectbox(
        "Rencontre", list(names), format_func=names.get, key="community_invite_event"
    )
    st.caption(f"{len(chosen)} personne(s) sélectionnée(s) dans le tableau.")
    if st.button("Proposer les invitations", disabled=not chosen, key="community_propose"):
        # Invite the account seen on the ranking's network, else the person's first account.
        member_ids = []
        for person in chosen:
            row = ranking[ranking["person"] == person].iloc[0]
            member_ids.append(int(row["member_ids"][0]))
        with ctx.read() as conn:
            messages = draft_messages(conn, ctx.settings, int(event_id), member_ids)
        _act(
            lambda: propose_invitations(
                ctx.db, int(event_id), messages, actor=ctx.user.username, now=ctx.now()
            ),
            f"{len(messages)} invitation(s) proposée(s) : relisez-les dans « Rencontres ».",
        )


def _isolated(text: str | None) -> str:
    """A citizen's words inside a sentence of ours: their direction cannot leak out."""
    return f"\u2068{text or '—'}\u2069"


def _account_line(account) -> str:
    name = _isolated(account.display_name)
    return f"{network_name(account.network)} @{_isolated(account.handle)} ({name})"


def _decide(ctx: PageContext, decision, proposal, message: str) -> None:
    """Confirm or refuse a proposal, then show the list without it (the message kept
    across the rerun)."""
    try:
        decision(ctx.db, proposal.source.id, proposal.target.id, actor=ctx.user.username)
    except CommunityError as exc:
        st.error(str(exc))
        return
    st.session_state[LINK_FLASH] = message
    st.rerun()


def _proposals_section(ctx: PageContext) -> None:
    """Accounts whose profile names another one, for a person to confirm or refuse: never
    linked without them (who is who is personal data), and audited either way."""
    st.header("Comptes à relier ?")
    if flash := st.session_state.pop(LINK_FLASH, None):
        st.success(flash)
    proposals = link_proposals(ctx.db)
    if not proposals:
        st.caption("Aucune proposition : aucun profil ne nomme un autre compte connu.")
        return
    st.caption(
        f"{french_number(len(proposals))} proposition(s). Le profil d'un compte nomme un "
        "compte sur un autre réseau et les noms affichés concordent. Relier ne se fait "
        "qu'après votre confirmation ; le classement compte alors la personne une seule fois. "
        "Refuser retire la proposition pour de bon."
    )
    for number, proposal in enumerate(proposals[:PROPOSALS_SHOWN]):
        source, target = proposal.source, proposal.target
        with st.container(border=True):
            st.text(f"{_account_line(source)}\n{_account_line(target)}")
            st.text(
                f"Son profil {network_name(source.network)} indique : "
                f"« {_isolated(proposal.quote)} »"
            )
            left, right = st.columns(2)
            pair = f"{source.id}_{target.id}"
            if left.button("Confirmer : même personne", key=f"link_yes_{pair}"):
                _decide(ctx, confirm_link_proposal, proposal, LINK_CONFIRMED)
            if right.button("Refuser : pas la même personne", key=f"link_no_{pair}"):
                _decide(ctx, refuse_link_proposal, proposal, LINK_REFUSED)
        if number + 1 == PROPOSALS_SHOWN and len(proposals) > PROPOSALS_SHOWN:
            st.caption(f"… et {french_number(len(proposals) - PROPOSALS_SHOWN)} autre(s).")


def _linking_section(ctx: PageContext) -> None:
    _proposals_section(ctx)
    st.header("Lier les comptes d'une même personne")
    cols = st.columns(2)
    first_q = cols[0].text_input("Premier compte (pseudo ou nom)", key="community_link_a")
    second_q = cols[1].text_input("Second compte (pseudo ou nom)", key="community_link_b")
    first = second = None
    if first_q:
        found = dict(ctx.cached(_find_members, first_q))
        first = cols[0].selectbox("Compte", list(found), format_func=found.get, key="link_a_id")
    if second_q:
        found = dict(ctx.cached(_find_members, second_q))
        second = cols[1].selectbox("Compte", list(found), format_func=found.get, key="link_b_id")
    actions = st.columns(4)
    if actions[0].button("Lier", disabled=not (first and second), key="community_link"):
        _act(
            lambda: link_members(ctx.db, int(first), int(second), actor=ctx.user.username),
            "Comptes liés : ils comptent désormais comme une seule personne.",
        )
    if actions[1].button("Délier le premier", disabled=not first, key="community_unlink"):
        _act(
            lambda: unlink_member(ctx.db, int(first), actor=ctx.user.username),
            "Compte détaché.",
        )
    if actions[2].button("Marquer agent (exclu)", disabled=not first, key="community_staff"):
        _act(
            lambda: set_member_flags(ctx.db, int(first), is_staff=True, actor=ctx.user.username),
            "Compte exclu du classement (agent de la ville).",
        )
    if actions[3].button("Marquer spam (exclu)", disabled=not first, key="community_spam"):
        _act(
            lambda: set_member_flags(ctx.db, int(first), is_spam=True, actor=ctx.user.username),
            "Compte exclu du classement (spam).",
        )


def _objection_section(ctx: PageContext) -> None:
    """GDPR art. 21: a person who objects is left out of rankings and invitations; their
    messages are still answered. Recorded and withdrawn here, audited with who did it."""
    st.header("Droit d'opposition au classement")
    st.caption(
        "Classer les habitants selon leur engagement est un profilage : toute personne peut "
        "s'y opposer. Elle sort alors du classement et des invitations (celles proposées et "
        "pas encore envoyées sont retirées) ; ses messages reçoivent toujours une réponse."
    )
    query = st.text_input("Personne (pseudo ou nom)", key="community_object_q")
    chosen = None
    if query:
        found = dict(ctx.cached(_find_members, query))
        chosen = st.selectbox("Compte", list(found), format_func=found.get, key="object_id")
    left, right = st.columns(2)
    if left.button("Enregistrer l'opposition", disabled=not chosen, key="community_object"):
        _act(
            lambda: object_to_ranking(ctx.db, int(chosen), actor=ctx.user.username),
            "Opposition enregistrée : la personne ne figure plus au classement ni aux invitations.",
        )
    if right.button("Lever l'opposition", disabled=not chosen, key="community_unobject"):
        _act(
            lambda: withdraw_objection(ctx.db, int(chosen), actor=ctx.user.username),
            "Opposition levée : la personne peut de nouveau être classée et invitée.",
        )
    current = ctx.cached(objections)
    if current:
        st.dataframe(
            pd.DataFrame(
                {
                    "Compte": [f"@{o['handle'] or '—'}" for o in current],
                    "Réseau": [network_name(o["network"]) for o in current],
                    "Depuis le": [from_db(o["objected_at"]).strftime("%d/%m/%Y") for o in current],
                    "Enregistrée par": [o["objected_by"] for o in current],
                }
            ),
            hide_index=True,
        )
    else:
        st.caption("Aucune opposition enregistrée.")


def _events_section(ctx: PageContext) -> None:
    if not _is_director(ctx):
        _new_event_form(ctx)
    events = ctx.cached(list_events)
    if events.empty:
        st.info("Aucune rencontre pour l'instant.")
        return
    shown = pd.DataFrame(
        {
            "Rencontre": events["name"],
            "Type": events["kind"].map(EVENT_KIND_LABELS),
            "Date": events["starts_at"].map(
                lambda t: from_db(t).astimezone(ctx.tz).strftime("%d/%m/%Y %H:%M")
            ),
            "Lieu": events["place"],
            "Capacité": events["capacity"],
            "Invitations": events["invitations"],
            "Acceptées": events["accepted"] + events["attended"] + events["no_show"],
            "Présents": events["attended"],
        }
    )
    st.dataframe(shown, hide_index=True, width="stretch")
    names = {int(r.id): f"{r.name} ({r.starts_at[:10]})" for r in events.itertuples()}
    event_id = st.selectbox(
        "Suivre une rencontre", list(names), format_func=names.get, key="community_event"
    )
    _invitations_section(ctx, int(event_id))


def _new_event_form(ctx: PageContext) -> None:
    with st.expander("Nouvelle rencontre"):
        with st.form("community_new_event"):
            name = st.text_input("Nom")
            kind = st.selectbox("Type", EVENT_KINDS, format_func=EVENT_KIND_LABELS.get)
            cols = st.columns(2)
            day = cols[0].date_input("Date", ctx.now().astimezone(ctx.tz).date() + timedelta(14))
            hour = cols[1].time_input("Heure", time(18, 0))
            place = st.text_input("Lieu")
            cols = st.columns(3)
            capacity = cols[0].number_input("Capacité", 1, 1000, 30)
            min_age = cols[1].number_input("Âge minimum (0 = aucun)", 0, 99, 0)
            max_age = cols[2].number_input("Âge maximum (0 = aucun)", 0, 99, 0)
            if st.form_submit_button("Créer"):
                starts = datetime.combine(day, hour, tzinfo=ctx.tz)
                _act(
                    lambda: create_event(
                        ctx.db,
                        name=name,
                        kind=kind,
                        starts_at=starts,
                        place=place or None,
                        capacity=int(capacity),
                        min_age=int(min_age) or None,
                        max_age=int(max_age) or None,
                        actor=ctx.user.username,
                        now=ctx.now(),
                    ),
                    "Rencontre créée.",
                )


def _invitations_section(ctx: PageContext, event_id: int) -> None:
    invitations = ctx.cached(list_invitations, event_id)
    director = _is_director(ctx)
    key = pseudonym_key(ctx.settings)
    if invitations.empty:
        st.info("Aucune invitation : proposez-en depuis le classement.")
        return
    who = [
        pseudonym(key, r.network, r.external_id)
        if director
        else f"@{r.handle} ({network_name(r.network)})"
        for r in invitations.itertuples()
    ]
    st.dataframe(
        pd.DataFrame(
            {
                "Membre": who,
                "État": invitations["status"].map(STATUS_LABELS),
                "Envoi": invitations["sent_via"].map(
                    {"dm": "Message privé", "manual": "À la main"}
                ),
                "Mineur déclaré": invitations["is_minor"].map({1: "oui", 0: "non"}).fillna("?"),
                "Autorisation parentale": invitations["consent_recorded_at"].fillna(""),
                "Erreur d'envoi": invitations["send_error"].fillna(""),
            }
        ),
        hide_index=True,
        width="stretch",
    )
    outcome = ctx.cached(event_outcome, ctx.settings, event_id, ctx.now().replace(second=0))
    cols = st.columns(3)
    rate = outcome.attendance_rate
    cols[0].metric("Taux de présence", "—" if rate is None else f"{rate * 100:.0f} %")
    cols[1].metric("Présents", outcome.attended)
    cols[2].metric(
        f"Plus engagés ensuite ({outcome.days} j)",
        f"{outcome.engaged_more} / {outcome.attended}",
    )
    if director:
        return
    _send_all(ctx, invitations)
    labels = dict(zip(invitations["id"].astype(int), who, strict=True))
    inv = st.selectbox(
        "Invitation", list(labels), format_func=labels.get, key="community_invitation"
    )
    row = invitations[invitations["id"] == inv].iloc[0]
    proposed = row["status"] == "proposed"
    # Plain text (never Markdown), editable until the invitation leaves.
    text = st.text_area(
        "Message de l'invitation",
        row["message"] or "",
        key=f"inv_text_{inv}",
        disabled=not proposed,
        height=180,
    )
    actor, now = ctx.user.username, ctx.now()
    cols = st.columns(3)
    if cols[0].button("Envoyer", disabled=not proposed, key="inv_send"):
        try:
            if text.strip() != (row["message"] or "").strip():
                set_invitation_message(ctx.db, int(inv), text, actor=actor, now=now)
            delivery = deliver_invitation(
                ctx.db, int(inv), _collector_for(ctx), actor=actor, now=now, settings=ctx.settings
            )
        except CommunityError as exc:
            st.error(str(exc))
        else:
            if delivery.error:
                st.error("L'envoi a échoué ; l'erreur du réseau :")
                st.text(delivery.error)  # a network's words may quote a message: never Markdown
            elif delivery.via == "manual":
                st.info("Ce réseau ne permet pas l'envoi direct : copiez le message ci-dessus.")
            else:
                st.success("Invitation envoyée en message privé.")
    moves = {
        "accepted": "A accepté",
        "declined": "A décliné",
        "attended": "Était présent·e",
        "no_show": "Était absent·e",
    }
    target = cols[1].selectbox("Réponse", list(moves), format_func=moves.get, key="inv_move")
    if cols[2].button("Enregistrer la réponse", key="inv_move_go"):
        _act(
            lambda: set_invitation_status(ctx.db, int(inv), target, actor=actor, now=now),
            "Réponse enregistrée.",
        )
    cols = st.columns(3)
    # The age the person (or a parent) declared: an event's age range is checked on it.
    age = cols[0].number_input(
        "Âge déclaré", min_value=1, max_value=120, value=None, step=1, key="inv_age"
    )
    if cols[1].button("Enregistrer l'âge déclaré", key="inv_age_go", disabled=age is None):
        _act(
            lambda: declare_age(ctx.db, int(inv), int(age), actor=actor, now=now),
            "Âge déclaré enregistré.",
        )
    if cols[2].button("Autorisation parentale reçue", key="inv_consent"):
        _act(
            lambda: record_parental_consent(ctx.db, int(inv), actor=actor, now=now),
            "Autorisation parentale enregistrée.",
        )


def _send_all(ctx: PageContext, invitations: pd.DataFrame) -> None:
    """Every proposed invitation of the event in one click, each with its own text; those a
    network cannot send are marked to copy by hand, those refused say why."""
    waiting = [int(i) for i in invitations.loc[invitations["status"] == "proposed", "id"]]
    if not waiting:
        return
    label = f"Envoyer les {len(waiting)} invitations proposées"
    if not st.button(
        label if len(waiting) > 1 else "Envoyer l'invitation proposée", key="inv_send_all"
    ):
        return
    actor, now, collector_for = ctx.user.username, ctx.now(), _collector_for(ctx)
    by_dm, by_hand, refused = 0, [], []
    for inv in waiting:
        try:
            delivery = deliver_invitation(
                ctx.db, inv, collector_for, actor=actor, now=now, settings=ctx.settings
            )
        except CommunityError as exc:
            refused.append(str(exc))
            continue
        if delivery.error:
            refused.append(delivery.error)
        elif delivery.via == "manual":
            by_hand.append(delivery.message)
        else:
            by_dm += 1
    left = by_dm + len(by_hand)
    st.success(
        f"{left} invitation{'s' if left > 1 else ''} partie{'s' if left > 1 else ''} : "
        f"{by_dm} par message privé, {len(by_hand)} à copier à la main."
    )
    for message in by_hand:
        st.text(message)  # citizen names inside: plain text
    for reason in refused:
        st.error(reason)


def _import_section(ctx: PageContext) -> None:
    st.write(
        "Snapchat n'a pas d'API : importez vos abonnés depuis un fichier CSV "
        "(colonnes : pseudo, nom affiché, notes)."
    )
    upload = st.file_uploader("Fichier CSV", type=["csv"], key="community_csv")
    if upload is not None and st.button("Importer", key="community_import"):
        try:
            text = upload.getvalue().decode("utf-8-sig")
        except UnicodeDecodeError:
            st.error("Le fichier doit être encodé en UTF-8.")
            return
        try:
            count = import_members_csv(ctx.db, text, "snapchat", actor=ctx.user.username)
        except CommunityError as exc:
            st.error(str(exc))
        else:
            st.success(f"{count} membre(s) Snapchat importé(s).")


def render(ctx: PageContext) -> None:
    disable_grid_export()  # its grids' own CSV download is unsafe (beffroi.export)
    st.title(TITLE)
    if _is_director(ctx):
        st.caption("Vue direction : les membres sont pseudonymisés.")
        _ranking_section(ctx)
        st.header("Rencontres")
        _events_section(ctx)
        return
    in_tabs(
        ctx,
        {
            "Classement": _ranking_section,
            "Rencontres": _events_section,
            "Comptes liés": _linking_section,
            "Droit d'opposition": _objection_section,
            "Import Snapchat": _import_section,
        },
    )
