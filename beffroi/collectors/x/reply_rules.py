"""Whether X accepts the city's reply to a post, said before anyone writes it.

Since 23 February 2026, on self-serve access (the city's), X accepts a reply sent through
the API only when the post being answered @mentions the city's account or quotes one of
the city's posts; any other reply is refused with a 403. The inbox asks ``reply_refusal``
before the manager writes and, when X would refuse, says so and offers the X app (where
a person may reply to anyone) or a private message instead.

What it reads of a stored tweet (``Item.raw``): ``entities.mentions`` (asked for with
``tweet.fields=entities``), the text's own ``@handle`` when X left ``entities`` out (the
stored text when the caller gives it: the simulated city keeps no tweet in ``raw``), and
``referenced_tweets`` of type ``quoted`` whose author the page's ``includes.tweets`` named
(kept by the parser as ``referenced_authors``, Beffroi's only addition to the payload).
Direct messages are never restricted.
"""

from __future__ import annotations

import re
from typing import Any

from beffroi.collectors.errors import REPLY_REFUSED

# The kinds of X item a reply tweet answers (a DM is answered by a DM).
TWEET_KINDS = ("mention", "reply", "ugc")


def refusal_sentence(handle: str) -> str:
    """The French sentence the inbox shows when X would refuse (or refused) a reply."""
    return (
        f"{REPLY_REFUSED} : depuis le 23 février 2026, X n'accepte une réponse envoyée "
        f"par Beffroi que si le message mentionne @{handle} ou cite une publication de la "
        "ville. Répondez depuis l'application X (bouton « Répondre dans l'application X ») "
        "ou proposez à la personne d'écrire en message privé."
    )


def is_reply_restriction(problem: str) -> bool:
    """Whether X's words for a 403 on a reply are the reply rule's ("Reply to this
    conversation is not allowed because you have not been mentioned or otherwise engaged
    by the author of the post you are replying to"), not another refusal (a duplicate)."""
    words = problem.lower()
    return "reply" in words and ("not allowed" in words or "not permitted" in words)


def _mentions_city(raw: dict[str, Any], text: Any, city_id: str | None, handle: str) -> bool:
    entities = raw.get("entities")
    mentions = entities.get("mentions") if isinstance(entities, dict) else None
    for mention in mentions if isinstance(mentions, list) else []:
        if not isinstance(mention, dict):
            continue
        if city_id and str(mention.get("id", "")) == city_id:
            return True
        if str(mention.get("username", "")).lower() == handle.lower():
            return True
    pattern = rf"(?<![\w@])@{re.escape(handle)}(?!\w)"
    return isinstance(text, str) and re.search(pattern, text, re.IGNORECASE) is not None


def _quotes_city(raw: dict[str, Any], city_id: str | None) -> bool:
    refs = raw.get("referenced_tweets")
    authors = raw.get("referenced_authors")
    if not (city_id and isinstance(refs, list) and isinstance(authors, dict)):
        return False
    return any(
        isinstance(ref, dict)
        and ref.get("type") == "quoted"
        and str(authors.get(str(ref.get("id")), "")) == city_id
        for ref in refs
    )


def reply_refusal(
    kind: str, raw: Any, *, city_id: str | None, handle: str, text: str | None = None
) -> str | None:
    """The French sentence saying X would refuse the city's reply, or None when X accepts
    it (or when nothing was stored to tell: the send then says what X answers)."""
    if kind not in TWEET_KINDS or not isinstance(raw, dict) or not handle:
        return None
    handle = handle.lstrip("@")
    text = raw.get("text") if text is None else text  # the stored text, else the tweet's
    if _mentions_city(raw, text, city_id, handle) or _quotes_city(raw, city_id):
        return None
    return refusal_sentence(handle)


def referenced_authors(tweet: dict[str, Any], body: Any) -> dict[str, str]:
    """The authors of the tweets ``tweet`` references, as ``includes.tweets`` names them."""
    refs = tweet.get("referenced_tweets")
    includes = body.get("includes") if isinstance(body, dict) else None
    listed = includes.get("tweets") if isinstance(includes, dict) else None
    if not isinstance(refs, list) or not isinstance(listed, list):
        return {}
    wanted = {str(r.get("id")) for r in refs if isinstance(r, dict) and r.get("id")}
    return {
        str(t["id"]): str(t["author_id"])
        for t in listed
        if isinstance(t, dict) and str(t.get("id")) in wanted and t.get("author_id")
    }
