"""Images for X posts: uploaded first, their media id attached to the tweet."""

from __future__ import annotations

from pathlib import Path

import tweepy

from beffroi.collectors.errors import PermanentError
from beffroi.collectors.x.client import XClient


def upload_image(x: XClient, path: str) -> str:
    image = Path(path)
    if not image.is_file():
        raise PermanentError(f"{x.account}: the image {path} does not exist")
    api = tweepy.API(tweepy.OAuth1UserHandler(*x.user_keys), timeout=x.timeout)
    answer = x.call("image upload", api.media_upload, filename=str(image))
    media_id = getattr(answer.body, "media_id_string", None) or getattr(
        answer.body, "media_id", None
    )
    if not media_id:
        raise PermanentError(f"{x.account}: X accepted the image but gave no media id")
    return str(media_id)
