"""Images for X posts: uploaded first with ``POST /2/media/upload``, then attached to the
tweet (``media.media_ids``).

tweepy 4.x has no v2 upload (its ``API.media_upload`` is the v1.1 endpoint X deprecated),
so the request is made here on the client's own session (timeout, usage meter), signed
with the same OAuth 1.0a user keys as the tweet; tweepy's exception classes are raised for
an error status so that ``XClient.call`` maps it as it maps every other answer. An upload
is retried like a read: one that went through twice only leaves an unused media id on X.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from typing import Any

import requests
import tweepy

from beffroi.collectors.errors import PermanentError
from beffroi.collectors.x.client import XClient

UPLOAD_URL = "https://api.x.com/2/media/upload"
# What tweepy raises for each status (XClient.call maps these).
_ERRORS = {
    400: tweepy.BadRequest,
    401: tweepy.Unauthorized,
    403: tweepy.Forbidden,
    404: tweepy.NotFound,
    429: tweepy.TooManyRequests,
}


def _post_upload(x: XClient, image: Path) -> requests.Response:
    auth = tweepy.OAuth1UserHandler(*x.user_keys).apply_auth()
    kind = mimetypes.guess_type(image.name)[0] or "application/octet-stream"
    with image.open("rb") as handle:
        response = x.client.session.post(
            UPLOAD_URL,
            files={"media": (image.name, handle, kind)},
            data={"media_category": "tweet_image"},
            auth=auth,
        )
    if response.status_code >= 500:
        raise tweepy.TwitterServerError(response)
    if response.status_code >= 400:
        raise _ERRORS.get(response.status_code, tweepy.HTTPException)(response)
    return response


def media_id_of(body: Any) -> str | None:
    """``data.id`` of the v2 answer (``media_id_string`` of the old v1.1 one)."""
    if not isinstance(body, dict):
        return None
    data = body.get("data")
    value = data.get("id") if isinstance(data, dict) else body.get("media_id_string")
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    return value if isinstance(value, str) and value.isdigit() else None


def upload_image(x: XClient, path: str) -> str:
    image = Path(path)
    if not image.is_file():
        raise PermanentError(f"{x.account}: the image {path} does not exist")
    answer = x.call("image upload", lambda **_: _post_upload(x, image), user_auth=True)
    media_id = media_id_of(answer.body)
    if not media_id:
        raise PermanentError(f"{x.account}: X accepted the image but gave no media id")
    return media_id
