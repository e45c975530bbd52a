"""Reading Bluesky's answers one object at a time, through the atproto SDK's HTTP layer.

The SDK reads each answer into its lexicon's models, which refuse the whole answer for one
odd object (a lone surrogate, a 5,000-digit number, a field of the wrong type). Here the
SDK still sends every request (its httpx client, session headers and error mapping), but
the body is read by Beffroi's reader (``http.read_json``) and handed over as a dict, so
that ``bluesky.py`` reads each notification, post, conversation and message on its own.
"""

from __future__ import annotations

from typing import Any

import httpx
from atproto_client.request import Request
from atproto_client.request import Response as SdkResponse

from beffroi.collectors.http import read_json


def text_value(value: Any, name: str) -> str:
    """A value that must be a non-empty text (a URI, a DID): anything else is unreadable."""
    if not isinstance(value, str) or not value:
        raise ValueError(f"{name} illisible : {value!r}"[:80])
    return value


class Params(dict):
    """Query parameters as the SDK's ``invoke_query`` takes them (it asks a model for its
    dict), spelt as the lexicon spells them."""

    def model_dump(self, **_: Any) -> dict[str, Any]:
        return {k: v for k, v in self.items() if v is not None}


def read_body(response: httpx.Response) -> SdkResponse:
    """An answer of the PDS read by Beffroi's reader (``http.read_json``: no number or depth
    stops it, a lone surrogate stays a character the store cleans), not by the SDK's,
    which refuses the whole body for one such value."""
    content: Any = response.content
    if "application/json" in (response.headers.get("content-type") or "").lower():
        content = read_json(response.content)
    return SdkResponse(
        success=True,
        status_code=response.status_code,
        content=content,
        headers=dict(response.headers),
    )


class LenientRequest(Request):
    """The SDK's HTTP layer (its httpx client, headers, errors), bodies read by
    ``read_body``. The reads then take the body as a dict and read each object on its own:
    one object the lexicon's models would refuse is rejected alone, never its whole page."""

    def get(self, *args: Any, **kwargs: Any) -> SdkResponse:
        return read_body(self._send_request("GET", *args, **kwargs))

    def post(self, *args: Any, **kwargs: Any) -> SdkResponse:
        return read_body(self._send_request("POST", *args, **kwargs))


def strong_ref(post: Any) -> dict[str, str] | None:
    """A post's ``{uri, cid}`` (what a reply points at), None when it has no readable one."""
    if not isinstance(post, dict):
        return None
    uri, cid = post.get("uri"), post.get("cid")
    if isinstance(uri, str) and uri and isinstance(cid, str) and cid:
        return {"uri": uri, "cid": cid}
    return None


def objects_at(body: dict[str, Any], key: str) -> list[Any]:
    """The list at ``key`` of an answer (nothing when it is not a list)."""
    value = body.get(key)
    return value if isinstance(value, list) else []
