"""Helpers for Graph API tests: a local imitation of graph.facebook.com at the HTTP layer.

Responses are registered with ``responses`` (requests' own interception), so the real
python-facebook-api client builds, sends and parses every request.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlparse

import responses

GRAPH = "https://graph.facebook.com/v24.0/"
PAGE = "1001"  # the city's Facebook Page
TOKEN = "EAAB-secret-page-token-123"
NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)


def stamp(day: int, hour: int, minute: int = 0, second: int = 0) -> str:
    """A Graph API time in November 2026."""
    return f"2026-11-{day:02d}T{hour:02d}:{minute:02d}:{second:02d}+0000"


def url(path: str) -> str:
    return GRAPH + path


def query(call) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlparse(call.request.url).query).items()}


def form(call) -> dict[str, str]:
    body = call.request.body
    if isinstance(body, bytes):
        body = body.decode()
    return {k: v[0] for k, v in parse_qs(body or "").items()}


def graph_error(code: int, message: str = "error", subcode: int | None = None, **extra):
    error = {"message": message, "type": "OAuthException", "code": code, "fbtrace_id": "A1"}
    if subcode:
        error["error_subcode"] = subcode
    error.update(extra)
    return {"error": error}


def add(rsps: responses.RequestsMock, method: str, path: str, body, status=200, headers=None):
    rsps.add(
        method,
        url(path),
        body=json.dumps(body) if not isinstance(body, str) else body,
        status=status,
        content_type="application/json" if not isinstance(body, str) else "text/html",
        headers=headers or {},
    )


class Clock:
    """A frozen clock tests can move."""

    def __init__(self, now: datetime = NOW) -> None:
        self.value = now

    def __call__(self) -> datetime:
        return self.value


class Sleeps(list):
    """Records requested sleeps instead of sleeping."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def page_collector(clock: Clock, sleeps: Sleeps, **kwargs):
    """The city's Facebook Page collector, configured as beffroi.example.toml has it."""
    from beffroi.collectors.facebook import FacebookCollector

    return FacebookCollector(
        "facebook_ville",
        account_id=PAGE,
        token=TOKEN,
        token_env="BEFFROI_META_PAGE_TOKEN",
        handle="VilledeMarcq",
        sleep=sleeps,
        now=clock,
        **kwargs,
    )
