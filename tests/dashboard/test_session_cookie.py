"""The session cookie's attributes and the route's refusal of another site's request."""

from __future__ import annotations

from beffroi.dashboard.session_cookie import COOKIE, cookie_header, hand_over, same_site


def test_the_cookie_is_http_only_strict_and_secure_over_https():
    plain = cookie_header("abc", secure=False, max_age=3600)
    assert plain == f"{COOKIE}=abc; Path=/; Max-Age=3600; HttpOnly; SameSite=Strict"
    assert cookie_header("abc", secure=True, max_age=60).endswith("; Secure")


def test_only_the_dashboards_own_pages_may_ask_for_it():
    assert same_site("http://127.0.0.1:8501", "127.0.0.1:8501")
    assert same_site(None, "127.0.0.1:8501")
    assert not same_site("https://evil.example", "127.0.0.1:8501")
    assert not same_site("http://127.0.0.1:9999", "127.0.0.1:8501")


def test_the_hand_over_script_quotes_the_code_as_a_string():
    script = hand_over('a"b</script>')
    assert '"/beffroi/session"' in script
    assert script.count("</script>") == 1 and script.endswith("</script>")
    assert 'code: "a\\"b<\\/script>"' in script


def test_the_route_trades_a_code_once_and_refuses_other_sites(city):
    """The dashboard's own route, served by Starlette as beside Streamlit, on the city's
    real database (BEFFROI_CONFIG points at it, as ``beffroi dashboard`` sets it)."""
    from starlette.applications import Starlette
    from starlette.testclient import TestClient

    from beffroi.dashboard.session_cookie import ROUTE, routes
    from beffroi.store import find_session, now_utc, open_session

    _, _, conn = city
    client = TestClient(Starlette(routes=routes()), base_url="http://127.0.0.1:8501")
    _, code = open_session(conn, "claire", now=now_utc())
    refused = client.post(ROUTE, json={"code": code}, headers={"Origin": "https://evil.example"})
    assert refused.status_code == 403 and "set-cookie" not in refused.headers
    assert client.post(ROUTE, json={"code": "pas-le-bon"}).status_code == 403
    assert client.post(ROUTE, content=b"not json").status_code == 400
    answer = client.post(
        ROUTE,
        json={"code": code},
        headers={"Origin": "http://127.0.0.1:8501", "X-Forwarded-Proto": "https"},
    )
    assert answer.status_code == 204
    cookie = answer.headers["set-cookie"]
    assert cookie.startswith(f"{COOKIE}=")
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and cookie.endswith("Secure")
    assert "Max-Age=43200" in cookie  # the absolute limit, 12 h
    token = cookie.split(";")[0].split("=", 1)[1]
    assert find_session(conn, token)["username"] == "claire"
    assert client.post(ROUTE, json={"code": code}).status_code == 403  # once only
    assert client.get(ROUTE).status_code == 405
