"""Administration: the staff who log in, and citizens' privacy requests.

An administrator does here what the command line does (``beffroi staff``, ``beffroi privacy
erase``), without a terminal: add a colleague, change a role, reset a forgotten password,
deactivate someone who left (their history stays, they can no longer log in), and erase a
citizen who asked for it. Every change is audited under the administrator's name.
Rendez-vous series live in the configuration file, so this page shows them and says where to
change them.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from beffroi.dashboard.auth import ROLE_LABELS, hash_password
from beffroi.dashboard.context import PageContext
from beffroi.labels import network_label
from beffroi.scheduler import describe
from beffroi.store import ROLES as STAFF_ROLES
from beffroi.store import (
    MemberNotFound,
    all_staff,
    check_username,
    erase_member,
    find_member,
    get_staff,
    set_staff_active,
    set_staff_password,
    set_staff_role,
    upsert_staff,
)

TITLE = "Administration"
ICON = ":material/admin_panel_settings:"
ROLES = {"admin"}
ORDER = 100

FLASH = "admin_flash"


def _done(message: str) -> None:
    """Reload with ``message`` shown at the top (a success written before a rerun is lost)."""
    st.session_state[FLASH] = message
    st.rerun()


def _role_label(role: str) -> str:
    return ROLE_LABELS.get(role, role)


def _staff_table(ctx: PageContext) -> None:
    people = all_staff(ctx.db)
    st.dataframe(
        pd.DataFrame(
            {
                "Nom": [p.display_name for p in people],
                "Identifiant": [p.username for p in people],
                "Rôle": [_role_label(p.role) for p in people],
                "Courriel": [p.email or "" for p in people],
                "Compte": ["actif" if p.active else "désactivé" for p in people],
            }
        ),
        hide_index=True,
        width="stretch",
    )


def _add_staff(ctx: PageContext) -> None:
    with st.form("admin_add", clear_on_submit=True):
        st.markdown("**Ajouter une personne**")
        username = st.text_input("Identifiant de connexion", key="admin_add_username")
        name = st.text_input("Nom affiché", key="admin_add_name")
        role = st.selectbox(
            "Rôle", list(STAFF_ROLES), format_func=_role_label, key="admin_add_role"
        )
        email = st.text_input("Courriel (alertes)", key="admin_add_email")
        first = st.text_input("Mot de passe", type="password", key="admin_add_pw1")
        second = st.text_input("Le même, une seconde fois", type="password", key="admin_add_pw2")
        submitted = st.form_submit_button("Ajouter", type="primary")
    if not submitted:
        return
    try:
        username = check_username(username.strip())
        if get_staff(ctx.db, username) is not None:
            raise ValueError(f"L'identifiant « {username} » existe déjà : modifiez-le plus bas.")
        if first != second:
            raise ValueError("Les deux mots de passe diffèrent : rien n'a été créé.")
        if len(first) < 8:
            raise ValueError("Le mot de passe doit faire au moins 8 caractères.")
        upsert_staff(
            ctx.db,
            username,
            display_name=name.strip() or username,
            role=role,
            password_hash=hash_password(first),
            email=email.strip() or None,
            actor=ctx.user.username,
        )
    except ValueError as exc:
        st.error(str(exc))
        return
    _done(f"{name.strip() or username} peut maintenant se connecter ({_role_label(role)}).")


def _edit_staff(ctx: PageContext) -> None:
    people = {p.username: p for p in all_staff(ctx.db)}
    if not people:
        return
    st.markdown("**Modifier une personne**")
    chosen = st.selectbox(
        "Personne",
        list(people),
        format_func=lambda u: f"{people[u].display_name} ({u})",
        key="admin_edit_pick",
    )
    person = people[chosen]
    myself = chosen == ctx.user.username
    role = st.selectbox(
        "Rôle",
        list(STAFF_ROLES),
        index=list(STAFF_ROLES).index(person.role),
        format_func=_role_label,
        key=f"admin_role_{chosen}",
        disabled=myself,
    )
    if role != person.role and st.button("Changer le rôle", key=f"admin_role_save_{chosen}"):
        set_staff_role(ctx.db, chosen, role, actor=ctx.user.username)
        _done(f"{person.display_name} : {_role_label(role)}.")
    first = st.text_input("Nouveau mot de passe", type="password", key=f"admin_pw1_{chosen}")
    second = st.text_input("Le même, une seconde fois", type="password", key=f"admin_pw2_{chosen}")
    if st.button("Réinitialiser le mot de passe", key=f"admin_pw_save_{chosen}"):
        if first != second:
            st.error("Les deux mots de passe diffèrent : rien n'a changé.")
        elif len(first) < 8:
            st.error("Le mot de passe doit faire au moins 8 caractères.")
        else:
            set_staff_password(ctx.db, chosen, hash_password(first), actor=ctx.user.username)
            _done(f"Nouveau mot de passe enregistré pour {person.display_name}.")
    if myself:
        st.caption("Vous ne pouvez ni changer votre propre rôle ni désactiver votre compte.")
    elif person.active:
        if st.button("Désactiver ce compte", key=f"admin_off_{chosen}"):
            set_staff_active(ctx.db, chosen, False, actor=ctx.user.username)
            _done(
                f"Le compte de {person.display_name} est désactivé : il ne peut plus se connecter."
            )
    elif st.button("Réactiver ce compte", key=f"admin_on_{chosen}"):
        set_staff_active(ctx.db, chosen, True, actor=ctx.user.username)
        _done(f"Le compte de {person.display_name} est réactivé.")


def _privacy(ctx: PageContext) -> None:
    st.caption(
        "Opposition au classement (RGPD art. 21) : page Communauté, onglet « Droit "
        "d'opposition » (ou `beffroi privacy object`). La personne sort du classement et des "
        "invitations ; ses messages reçoivent toujours une réponse."
    )
    st.markdown("**Effacer un citoyen (droit à l'effacement, RGPD art. 17)**")
    st.caption(
        "Ses messages sont vidés, son nom et son identifiant oubliés, ses invitations, "
        "réactions et partages supprimés, et son identifiant masqué dans les messages qui le "
        "nomment. C'est définitif."
    )
    networks = sorted({a.shown_network for a in ctx.settings.accounts})
    network = st.selectbox("Réseau", networks, format_func=network_label, key="admin_erase_net")
    handle = st.text_input("Identifiant de la personne (sans @)", key="admin_erase_handle")
    again = st.text_input("Retapez l'identifiant pour confirmer", key="admin_erase_again")
    if not st.button("Effacer définitivement", key="admin_erase", type="primary"):
        return
    handle, again = handle.strip().lstrip("@"), again.strip().lstrip("@")
    if not handle or handle != again:
        st.error("Les deux identifiants diffèrent : rien n'a été effacé.")
        return
    found = find_member(ctx.db, network, handle)
    if not found:
        st.error(f"Personne ne porte l'identifiant « {handle} » sur {network_label(network)}.")
        return
    try:
        results = [erase_member(ctx.db, m, actor=ctx.user.username) for m in found]
    except MemberNotFound as exc:
        st.error(str(exc))
        return
    items = sum(r.items for r in results)
    _done(
        f"Effacé : {items} message(s) vidé(s), {sum(r.invitations for r in results)} "
        f"invitation(s) et {sum(r.interactions for r in results)} réaction(s) ou partage(s) "
        "supprimé(s)."
    )


def _series(ctx: PageContext) -> None:
    st.markdown("**Rendez-vous récurrents**")
    st.caption(
        "Les séries sont décrites dans le fichier de configuration (sections [[rendezvous]]) : "
        "modifiez-le puis redémarrez le service. Leur mise en pause se fait dans le Calendrier."
    )
    for rdv in ctx.settings.rendezvous:
        st.text(f"{rdv.name} — {describe(rdv)}")


def render(ctx: PageContext) -> None:
    st.title(TITLE)
    if FLASH in st.session_state:
        st.success(st.session_state.pop(FLASH))
    staff, privacy, series = st.tabs(["Équipe", "Demandes des citoyens", "Séries"])
    with staff:
        _staff_table(ctx)
        _add_staff(ctx)
        _edit_staff(ctx)
    with privacy:
        _privacy(ctx)
    with series:
        _series(ctx)
