"""The session cookie: F5, a new tab or a bookmark stay logged in until expiry or logout.

Streamlit's script cannot set a cookie (``st.context.cookies`` only reads the ones the
browser sent with the page's connection), so the dashboard serves one small route of its
own beside Streamlit's (``st.App(routes=...)``, see ``entry/serve.py``):

1. the login succeeds: the script opens a session in the database and draws a tiny script
   (``hand_over``) that POSTs the session's one-time code to ``/beffroi/session``;
2. the route trades the code for a token (``beffroi.store.claim_session``) and answers with
   ``Set-Cookie: beffroi_session=…; HttpOnly; SameSite=Strict; Path=/`` (``Secure`` when
   the page is served over https, directly or behind a proxy that says so), so no script
   of the page can read the token;
3. the next connection of this browser (a reload, another tab) carries the cookie, and
   ``restore`` finds the session again while it is live (not revoked, not idle too long,
   not too old: the limits of ``[dashboard]``).

Logout revokes the session in the database: the cookie left in the browser opens nothing.
The route refuses a request from another site (its ``Origin`` is not this host).
"""

from __future__ import annotations

import json
import os
from functools import cache
from urllib.parse import urlsplit

COOKIE = "beffroi_session"
ROUTE = "/beffroi/session"


@cache
def _database_path(config: str | None) -> str:
    from beffroi.config import load_settings

    return str(load_settings(config).database_path)


def cookie_header(token: str, *, secure: bool, max_age: int) -> str:
    """The Set-Cookie value: HttpOnly, SameSite=Strict, for the whole dashboard."""
    parts = [f"{COOKIE}={token}", "Path=/", f"Max-Age={max_age}", "HttpOnly", "SameSite=Strict"]
    if secure:
        parts.append("Secure")
    return "; ".join(parts)


def same_site(origin: str | None, host: str | None) -> bool:
    """A browser's POST says where its page came from: it must be this dashboard."""
    if not origin:
        return True  # not sent by every browser on a same-origin request
    return bool(host) and urlsplit(origin).netloc == host


def _claim(code: str) -> tuple[str | None, int]:
    """(token or None, the cookie's lifetime in seconds): the database part, in a thread."""
    from beffroi.config import CONFIG_ENV_VAR, load_settings
    from beffroi.store import claim_session, connect, now_utc

    config = os.environ.get(CONFIG_ENV_VAR)
    settings = load_settings(config)
    conn = connect(_database_path(config), migrate=False)
    try:
        token = claim_session(conn, code, now=now_utc())
    finally:
        conn.close()
    return token, settings.dashboard.absolute_timeout_hours * 3600


async def _session_route(request):
    """POST {"code": …} → 204 with the cookie, or 403."""
    from starlette.concurrency import run_in_threadpool
    from starlette.responses import Response

    if not same_site(request.headers.get("origin"), request.headers.get("host")):
        return Response(status_code=403)
    try:
        code = str(json.loads(await request.body())["code"])
    except (ValueError, KeyError, TypeError):
        return Response(status_code=400)
    token, max_age = await run_in_threadpool(_claim, code)
    if token is None:
        return Response(status_code=403)
    forwarded = request.headers.get("x-forwarded-proto", "")
    secure = request.url.scheme == "https" or forwarded.split(",")[0].strip() == "https"
    response = Response(status_code=204, headers={"Cache-Control": "no-store"})
    response.headers["Set-Cookie"] = cookie_header(token, secure=secure, max_age=max_age)
    return response


def routes() -> list:
    """The dashboard's own routes, served beside Streamlit's."""
    from starlette.routing import Route

    return [Route(ROUTE, _session_route, methods=["POST"])]


HAND_OVER = """<script>
fetch(%s, {method: "POST", credentials: "same-origin", headers: {"Content-Type":
"application/json"}, body: JSON.stringify({code: %s})});
</script>"""


def hand_over(code: str) -> str:
    """The script the page runs once after a login: trade the code for the cookie."""
    return HAND_OVER % (json.dumps(ROUTE), json.dumps(code).replace("</", "<\\/"))
