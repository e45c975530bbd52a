"""What ``beffroi doctor`` says of an X account: which keys work, which are missing, and
whether the app may read direct messages, in plain words."""

from __future__ import annotations

from beffroi.collectors.errors import CollectorError
from beffroi.collectors.x.client import XClient


def check(x: XClient) -> list[tuple[bool, str]]:
    """What works and what is missing, in plain words (for ``beffroi doctor``)."""
    results: list[tuple[bool, str]] = []
    key = x.account
    if not x.bearer and not x.has_user:
        return [
            (
                False,
                f"{key}: no X credentials: set {x.env_hint()} (bearer token, to read) "
                f"and {x.user_hint()} (user-context keys, to reply, publish and read DMs)",
            )
        ]
    if x.bearer:
        try:
            answer = x.call("the account lookup", x.client.get_user, username=x.handle)
            data = answer.body.get("data") if isinstance(answer.body, dict) else None
            if not isinstance(data, dict) or not data.get("id"):
                results.append((False, f"{key}: X does not know the user @{x.handle}"))
            else:
                uid = str(data["id"])
                results.append((True, f"{key}: bearer token works; @{x.handle} is user {uid}"))
                if not x.city_id:
                    results.append(
                        (False, f'{key}: external_id is not set; put external_id = "{uid}"')
                    )
                elif x.city_id != uid:
                    results.append(
                        (
                            False,
                            f"{key}: external_id {x.city_id} is not @{x.handle}'s id "
                            f"({uid}); fix the configuration",
                        )
                    )
        except CollectorError as exc:
            results.append((False, str(exc)))
    else:
        results.append(
            (
                True,
                f"{key}: no bearer token ({x.env_hint()} unset); reading uses the user keys",
            )
        )
    if not x.has_user:
        results.append(
            (
                False,
                f"{key}: user-context keys absent ({x.missing_user_hint()}): replying, "
                "publishing and DMs will not work",
            )
        )
        return results
    try:
        answer = x.call("the signed-in user", x.client.get_me, user_auth=True)
    except CollectorError as exc:
        results.append((False, str(exc)))
        return results
    data = answer.body.get("data") if isinstance(answer.body, dict) else None
    if not isinstance(data, dict):
        results.append(
            (False, f"{key}: X answered the signed-in user check with no user ({str(data)[:60]})")
        )
        return results
    username = data.get("username", "?")
    results.append((True, f"{key}: user-context keys work (signed in as @{username})"))
    level = answer.access_level or ""
    if "directmessages" in level:
        results.append((True, f"{key}: DM permission granted ({level})"))
    elif level:
        results.append(
            (
                False,
                f"{key}: DM permission missing (access level '{level}'): in the X developer "
                "portal set 'Read and write and Direct message', then regenerate the "
                f"access token and secret ({x.user_hint()})",
            )
        )
    return results
