"""Helpers for the X collector tests: an account, a collector with fast retries, tweets.

HTTP is intercepted with ``responses`` (tweepy speaks through ``requests``): every test sees
the exact requests the collector sent.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlparse

from beffroi.collectors.x import XCollector
from beffroi.collectors.x.payloads import snowflake_at
from beffroi.config import Account

API = "https://api.twitter.com/2"
CITY_ID = "1001"
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
SECRETS = {
    "bearer_token": "BEARER-sekret-0123456789",
    "consumer_key": "CONSUMER-sekret-key",
    "consumer_secret": "CONSUMER-sekret-secret",
    "access_token": "1001-ACCESS-sekret-token",
    "access_token_secret": "ACCESS-sekret-secret",
}
MENTIONS_URL = f"{API}/users/{CITY_ID}/mentions"
SEARCH_URL = f"{API}/tweets/search/recent"
DM_URL = f"{API}/dm_events"


def x_account(**overrides) -> Account:
    fields = {
        "key": "x_ville",
        "network": "x",
        "handle": "marcqenbaroeul",
        "external_id": CITY_ID,
        "token_env": "BEFFROI_X_BEARER_TOKEN",
        "secret_envs": {
            "user_access_token": "BEFFROI_X_USER_ACCESS_TOKEN",
            "user_access_secret": "BEFFROI_X_USER_ACCESS_SECRET",
            "consumer_key": "BEFFROI_X_CONSUMER_KEY",
            "consumer_secret": "BEFFROI_X_CONSUMER_SECRET",
        },
    }
    fields.update(overrides)
    return Account(**fields)


def x_collector(account: Account | None = None, sleeps: list | None = None, **overrides):
    keys = dict(SECRETS)
    keys.update(overrides)
    return XCollector(
        account or x_account(),
        retry_delays=(0.0, 0.0),
        sleep=(sleeps.append if sleeps is not None else lambda _s: None),
        now=lambda: NOW,
        **keys,
    )


def tid(minutes_ago: float, seq: int = 0) -> str:
    """A realistic snowflake id for a tweet posted ``minutes_ago`` before NOW."""
    return str(snowflake_at(NOW - timedelta(minutes=minutes_ago)) + seq)


def tweet(
    id_: str,
    text: str,
    author: str,
    *,
    conversation: str | None = None,
    replied_to: str | None = None,
    created: str | None = "auto",
    likes: int | None = None,
) -> dict:
    payload = {
        "id": id_,
        "text": text,
        "author_id": author,
        "conversation_id": conversation or id_,
        "edit_history_tweet_ids": [id_],
    }
    if created == "auto":
        from beffroi.collectors.x.payloads import snowflake_time

        payload["created_at"] = snowflake_time(id_).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    elif created is not None:
        payload["created_at"] = created
    if replied_to:
        payload["referenced_tweets"] = [{"type": "replied_to", "id": replied_to}]
        payload["in_reply_to_user_id"] = CITY_ID
    if likes is not None:
        payload["public_metrics"] = {
            "like_count": likes,
            "reply_count": 0,
            "retweet_count": 0,
            "quote_count": 0,
        }
    return payload


def body(data: list[dict], users: list[dict] | None = None, next_token: str | None = None):
    out: dict = {"meta": {"result_count": len(data)}}
    if data:
        out["data"] = data
        ids = sorted((d["id"] for d in data), key=int)
        out["meta"].update(newest_id=ids[-1], oldest_id=ids[0])
    if users:
        out["includes"] = {"users": users}
    if next_token:
        out["meta"]["next_token"] = next_token
    return out


def forbid(http, method: str, url: str, detail: str) -> None:
    """X refuses this call: 403 with the problem document api.x.com sends, ``detail`` its
    explanation (``http`` a ``responses`` mock)."""
    problem = {"title": "Forbidden", "detail": detail, "type": "about:blank", "status": 403}
    http.add(method, url, status=403, json=problem)


EMPTY = {"meta": {"result_count": 0}}
RATE_HEADERS = {
    "x-rate-limit-limit": "450",
    "x-rate-limit-remaining": "449",
    "x-rate-limit-reset": "1795608000",
}


def params(call) -> dict[str, str]:
    """The query parameters of a recorded request, one value each."""
    return {k: v[0] for k, v in parse_qs(urlparse(call.request.url).query).items()}


def sent_json(call) -> dict:
    return json.loads(call.request.body)
