"""The dashboard app: configuration, login, role-based navigation, logout.

``beffroi dashboard`` runs ``streamlit run beffroi/dashboard/entry/serve.py`` (Streamlit's
app for ``entry/run.py``, which calls ``main()``, with the session cookie's route beside it;
see those files for why the script is not this module).

Each rerun: load the (cached) settings, find the logged-in staff member in this session,
build the navigation from the pages their role sees (``beffroi.dashboard.pages``), and
run the chosen page with a ``PageContext``. Anything that goes wrong in a way a person can
fix becomes one French sentence, never a traceback.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from datetime import timedelta
from functools import partial
from types import ModuleType

import streamlit as st

from beffroi.config import CONFIG_ENV_VAR, ConfigError, Settings, load_settings
from beffroi.dashboard import style
from beffroi.dashboard.auth import ROLE_LABELS, login, session_expired
from beffroi.dashboard.cache import cached_reader
from beffroi.dashboard.context import PageContext, read_only
from beffroi.dashboard.pages import PAGES, page_name, pages_for
from beffroi.dashboard.session_cookie import COOKIE, hand_over
from beffroi.errors import BeffroiError
from beffroi.store import (
    StaffMember,
    StoreError,
    await_check,
    check_in_background,
    check_state,
    connect,
    find_session,
    get_staff,
    login_history,
    now_utc,
    open_session,
    prune_sessions,
    revoke_session,
    session_state,
    sync_accounts,
    touch_session,
)

_USER_KEY = "beffroi_username"
_DB_KEY = "beffroi_db"
_LOGIN_FAILED_KEY = "beffroi_login_failed"
_LOGGED_IN_AT_KEY = "beffroi_logged_in_at"
_SEEN_AT_KEY = "beffroi_seen_at"
_HISTORY_KEY = "beffroi_login_history"
_SESSION_KEY = "beffroi_session_id"  # the row of dashboard_sessions behind the cookie
_CLAIM_KEY = "beffroi_session_claim"  # its one-time code, until traded for the cookie

# A check that ends this soon (a small or unchanged file) is waited for: the accounts are
# mirrored before the first page reads them. A longer one goes on behind the first page.
FIRST_PAINT_WAIT_SECONDS = 0.5

# The time, read through this name so tests can move it (session expiry) without waiting.
clock = now_utc


def _client_address() -> str | None:
    """The browser's address as Streamlit sees it (the proxy's, behind a reverse proxy)."""
    try:
        address = st.context.ip_address
    except Exception:  # noqa: BLE001 - no request context (e.g. a test runner): unknown
        return None
    return address if isinstance(address, str) and address else None


@st.cache_resource(show_spinner=False)
def _settings(config_path: str | None) -> Settings:
    """Settings of ``config_path`` (the value of BEFFROI_CONFIG: the cache key).

    Once per process: the database's quick_check starts in the background (at a million
    items it reads for half a minute; the first screen does not wait for it), the database
    is migrated if it must be (that write waits for the check) and the accounts are
    mirrored on a thread of their own once the check passed."""
    settings = load_settings(config_path)
    check_in_background(settings.database_path)
    conn = connect(settings.database_path)
    if await_check(settings.database_path, FIRST_PAINT_WAIT_SECONDS) == "running":
        threading.Thread(
            target=_mirror_accounts, args=(conn, settings), name="beffroi-accounts", daemon=True
        ).start()
    else:
        _mirror_accounts(conn, settings)
    return settings


def _mirror_accounts(conn: sqlite3.Connection, settings: Settings) -> None:
    try:
        sync_accounts(conn, settings)
    except StoreError:
        pass  # the check failed: every page says so (see main)
    finally:
        conn.close()


def _refuse_a_damaged_database(settings: Settings) -> None:
    """A failed background check: one sentence on every page, nothing else shown."""
    state = check_state(settings.database_path)
    if isinstance(state, StoreError):
        st.error(f"La base de données ne peut pas être utilisée : {state}")
        st.stop()


def _session_db(settings: Settings) -> sqlite3.Connection:
    """This session's read-write connection (actions), opened once per browser session."""
    path = str(settings.database_path)
    held = st.session_state.get(_DB_KEY)
    if held is None or held[0] != path:
        held = (path, connect(path, migrate=False))
        st.session_state[_DB_KEY] = held
    return held[1]


def _check_login(settings: Settings) -> None:
    """Form callback: runs before the script, so the next render already knows the user.

    The attempt is recorded through the session's read-write connection: every dashboard
    process shares the throttle (see ``beffroi.dashboard.auth``)."""
    username = st.session_state.get("login_username", "")
    password = st.session_state.get("login_password", "")
    now = clock()
    outcome = login(_session_db(settings), username, password, _client_address(), now=now)
    st.session_state["login_password"] = ""
    if outcome.member is None:
        st.session_state[_LOGIN_FAILED_KEY] = outcome.message
        return
    st.session_state.pop(_LOGIN_FAILED_KEY, None)
    st.session_state[_USER_KEY] = outcome.member.username
    st.session_state[_LOGGED_IN_AT_KEY] = now
    st.session_state[_SEEN_AT_KEY] = now
    st.session_state[_HISTORY_KEY] = login_history(
        _session_db(settings), outcome.member.username, before=now
    )
    # Kept by a cookie (``session_cookie``): a reload or a new tab stays logged in.
    limit = timedelta(hours=settings.dashboard.absolute_timeout_hours)
    prune_sessions(_session_db(settings), before=now - limit)  # none of those can live on
    session_id, code = open_session(_session_db(settings), outcome.member.username, now=now)
    st.session_state[_SESSION_KEY] = session_id
    st.session_state[_CLAIM_KEY] = code


def _login(settings: Settings) -> None:
    st.title("Beffroi")
    st.text(settings.city.name)
    with st.form("login"):
        st.text_input("Identifiant", key="login_username")
        st.text_input("Mot de passe", type="password", key="login_password")
        st.form_submit_button("Se connecter", on_click=_check_login, args=(settings,))
    message = st.session_state.pop(_LOGIN_FAILED_KEY, None)
    if message:
        st.error(message)


def _logout(reason: str | None = None) -> None:
    for key in (_USER_KEY, _LOGGED_IN_AT_KEY, _SEEN_AT_KEY, _HISTORY_KEY, _CLAIM_KEY):
        st.session_state.pop(key, None)
    st.session_state.pop(_SESSION_KEY, None)
    if reason:
        st.session_state[_LOGIN_FAILED_KEY] = reason


def _end_session(settings: Settings, why: str, reason: str | None = None) -> None:
    """Log out and revoke the session in the database: the browser's cookie, in this tab
    and every other, opens nothing any more (``why``: the audit's word)."""
    session_id, username = st.session_state.get(_SESSION_KEY), st.session_state.get(_USER_KEY)
    if session_id is not None:
        revoke_session(
            _session_db(settings), session_id, actor=username or "?", reason=why, now=clock()
        )
    _logout(reason)


def _cookie_token() -> str | None:
    """The session cookie this browser sent with the page's connection, if any."""
    try:
        token = st.context.cookies.get(COOKIE)
    except Exception:  # noqa: BLE001 - no request context (a test runner): no cookie
        return None
    return token if isinstance(token, str) and token else None


def _limits(settings: Settings) -> dict:
    return {
        "idle_minutes": settings.dashboard.idle_timeout_minutes,
        "absolute_hours": settings.dashboard.absolute_timeout_hours,
    }


def _restore(settings: Settings, db: sqlite3.Connection) -> None:
    """A tab with no one logged in (a reload, a new tab, a bookmark): the browser's cookie
    may name a live session; it is taken up again, with its login time (the absolute limit
    still counts from there)."""
    if st.session_state.get(_USER_KEY):
        return
    token = _cookie_token()
    found = find_session(db, token) if token else None
    if found is None:
        return
    now = clock()
    reason = session_expired(found["logged_in_at"], found["last_seen_at"], now, **_limits(settings))
    if reason:
        revoke_session(db, found["id"], actor=found["username"], reason="expiry", now=now)
        st.session_state[_LOGIN_FAILED_KEY] = reason
        return
    touch_session(db, found["id"], now=now)
    st.session_state[_USER_KEY] = found["username"]
    st.session_state[_LOGGED_IN_AT_KEY] = found["logged_in_at"]
    st.session_state[_SEEN_AT_KEY] = now
    st.session_state[_SESSION_KEY] = found["id"]
    st.session_state[_HISTORY_KEY] = login_history(
        db, found["username"], before=found["logged_in_at"]
    )


def _expire(settings: Settings) -> None:
    """End a session idle for too long or too old, or logged out in another tab;
    otherwise note this use of it (in the database too: every tab shares it)."""
    if not st.session_state.get(_USER_KEY):
        return
    now = clock()
    logged_in = st.session_state.get(_LOGGED_IN_AT_KEY) or now
    seen = st.session_state.get(_SEEN_AT_KEY) or now
    session_id = st.session_state.get(_SESSION_KEY)
    stored = session_state(_session_db(settings), session_id) if session_id else None
    if session_id and (stored is None or stored["revoked"]):
        _logout("Vous vous êtes déconnecté·e (dans cet onglet ou un autre) : reconnectez-vous.")
        return
    if stored is not None:
        seen = max(seen, stored["last_seen_at"])  # another tab's use counts too
        if stored["claimed"]:
            st.session_state.pop(_CLAIM_KEY, None)
    reason = session_expired(logged_in, seen, now, **_limits(settings))
    if reason:
        _end_session(settings, "expiry", reason)
    else:
        st.session_state[_SEEN_AT_KEY] = now
        if session_id:
            touch_session(_session_db(settings), session_id, now=now)


def _login_history_caption(settings: Settings) -> None:
    """Under the name in the sidebar: the previous login and the failures since."""
    history = st.session_state.get(_HISTORY_KEY)
    if history is None:
        return
    from beffroi.dashboard.format import full_time

    if history.last_login_at is None:
        st.caption("Première connexion enregistrée.")
    else:
        st.caption(f"Dernière connexion : {full_time(history.last_login_at, settings.tz)}")
    if history.failures_since:
        st.warning(
            f"{history.failures_since} tentative(s) de connexion échouée(s) sur votre compte "
            f"depuis, la dernière : {full_time(history.last_failure_at, settings.tz)}."
        )


def _unread_mentions(ctx: PageContext) -> None:
    """Under the name, on every page: the notes naming this person they have not opened."""
    from beffroi.inbox import unseen_mentions

    count = ctx.cached(unseen_mentions, ctx.user.username)
    if count:
        st.info(f"{count} mention(s) non lue(s) dans une note : voir « Mentions » en haut de la "
                "Boîte de réception.")  # fmt: skip


def _current_user(db: sqlite3.Connection) -> StaffMember | None:
    """The session's staff member, re-read each rerun: a deactivated account is out at once."""
    username = st.session_state.get(_USER_KEY)
    if not username:
        return None
    member = get_staff(db, username)
    if member is None or not member.active:
        _logout()
        return None
    return member


def _render(page: ModuleType, ctx: PageContext) -> None:
    try:
        page.render(ctx)
    except StoreError as exc:
        st.error(f"La base de données ne répond pas comme prévu : {exc}")
    except BeffroiError as exc:  # every expected failure of every room: one sentence
        st.error(str(exc))


def _no_page() -> None:
    st.title("Beffroi")
    st.info("Aucune page n'est encore ouverte à votre rôle. Contactez l'administrateur.")


def main() -> None:
    st.set_page_config(page_title="Beffroi", page_icon=":material/notifications:", layout="wide")
    style.apply()
    try:
        settings = _settings(os.environ.get(CONFIG_ENV_VAR))
        _refuse_a_damaged_database(settings)
        db = _session_db(settings)
        _restore(settings, db)
        _expire(settings)
        user = _current_user(db)
    except ConfigError as exc:
        st.error(f"La configuration ne peut pas être lue ({CONFIG_ENV_VAR}) : {exc}")
        st.stop()
        return
    except StoreError as exc:
        st.error(f"La base de données ne peut pas être ouverte : {exc}")
        st.stop()
        return

    if user is None:
        # Every page's address shows the login form, so a bookmark or a link to a page opens
        # that page once logged in (instead of Streamlit's English "Page not found").
        login = partial(_login, settings)
        st.navigation(
            [st.Page(login, title="Connexion", url_path="login", default=True)]
            + [st.Page(login, title=page.TITLE, url_path=page_name(page)) for page in PAGES],
            position="hidden",
        ).run()
        return

    ctx = PageContext(
        settings=settings,
        user=user,
        read=partial(read_only, settings.database_path),
        cached=cached_reader(str(settings.database_path)),
        db=db,
        now=now_utc,
    )
    pages = [
        st.Page(
            partial(_render, page, ctx), title=page.TITLE, icon=page.ICON, url_path=page_name(page)
        )
        for page in pages_for(user.role)
    ] or [st.Page(_no_page, title="Accueil", url_path="accueil")]
    nav = st.navigation(pages)
    with st.sidebar:
        st.text(f"{user.display_name}\n{ROLE_LABELS.get(user.role, user.role)}")
        _login_history_caption(settings)
        _unread_mentions(ctx)
        st.button("Se déconnecter", on_click=_end_session, args=(settings, "logout"), key="logout")
        code = st.session_state.get(_CLAIM_KEY)
        if code:  # drawn until the database says the cookie was set
            st.html(hand_over(code), unsafe_allow_javascript=True)
    nav.run()
