"""How long a text is as each network counts it, and how long it may be.

One place for the scheduler (a rendez-vous post) and the inbox (a reply, a private
message): X weighs characters (a link counts 23, emoji and CJK 2), Bluesky counts graphemes,
Mastodon characters with links as 23, the others plain characters. The dashboard's live
counter (``beffroi.dashboard.reply_counter``) applies the same rules in the browser; the
server's check here is the one that refuses.
"""

from __future__ import annotations

import re

from beffroi.collectors.social_text import grapheme_count, mastodon_length

# Characters a post may have, per network as the reader sees it.
# Bluesky counts graphemes (300), Mastodon characters with links as 23 (500 by default; an
# account's max_chars says its instance's own limit).
LIMITS = {"x": 280, "instagram": 2200, "facebook": 63206, "bluesky": 300, "mastodon": 500}
# A comment or reply where it differs from a post: Facebook comments stop at 8,000.
REPLY_LIMITS = {**LIMITS, "facebook": 8000}
# A private message: X 10,000, Messenger 2,000, Instagram 1,000, Bluesky chat 1,000;
# a Mastodon "direct" message is a status like any other.
DM_LIMITS = {"x": 10000, "facebook": 2000, "instagram": 1000, "bluesky": 1000, "mastodon": 500}
X_URL_LENGTH = 23
_URL = re.compile(r"https?://\S+")


def x_length(text: str) -> int:
    """Length as X counts it: links count 23, most scripts 1, emoji and CJK 2."""
    length = 0
    for part in _URL.split(text):
        for char in part:
            code = ord(char)
            light = (
                code <= 4351 or 8192 <= code <= 8205 or 8208 <= code <= 8223 or 8242 <= code <= 8247
            )
            length += 1 if light else 2
    return length + X_URL_LENGTH * len(_URL.findall(text))


def text_length(network: str, text: str) -> int:
    """The length ``network`` gives ``text`` (the one its limit is about)."""
    if network == "bluesky":
        return grapheme_count(text)
    if network == "mastodon":
        return mastodon_length(text)
    return x_length(text) if network == "x" else len(text)


def reply_limit(network: str, kind: str, max_chars: int | None = None) -> int | None:
    """How long the city's answer to a message of ``kind`` may be on ``network``: the
    account's own ``max_chars`` (a Mastodon instance's) first, None for an unknown network."""
    if max_chars:
        return max_chars
    return (DM_LIMITS if kind == "dm" else REPLY_LIMITS).get(network)
