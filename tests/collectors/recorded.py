"""Recorded API traffic (../shared/fixtures) served back over HTTP to the real clients."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import responses

from tests.conftest import shared_fixture


def recorded_json(relative: str) -> Any:
    """A recorded file of ../shared/fixtures, parsed (skipped where the folder is absent)."""
    return json.loads(shared_fixture(relative).read_text(encoding="utf-8"))


def serve_entries(http: responses.RequestsMock, entries: list[dict]) -> list[dict]:
    """Register a cassette's answers on method and path (not the query: a collector may ask
    for more fields than the recording did, and the network would then answer with more,
    never with less), in their recorded order."""
    for entry in entries:
        request, response = entry["request"], entry["response"]
        http.add(
            request["method"],
            urlunsplit(urlsplit(request["uri"])._replace(query="")),
            json=response["body"],
            status=response["status"],
            headers={k: v for k, v in response["headers"].items() if k != "content-type"},
        )
    return entries
