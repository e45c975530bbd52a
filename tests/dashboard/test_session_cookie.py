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
