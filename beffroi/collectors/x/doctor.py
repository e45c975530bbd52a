"""What ``beffroi doctor`` says of an X account: which keys work, which are missing, and
then, stream by stream, the permission each one needs, named as the X developer portal
names it, in French (``stream_permissions``)."""

from __future__ import annotations

from beffroi.collectors.errors import CollectorError
from beffroi.collectors.x.client import XClient


def check(x: XClient) -> list[tuple[bool, str]]:
    """What works and what is missing, in plain words (for ``beffroi doctor``)."""
    results: list[tuple[bool, str]] = []
    key = x.account
    bearer_works = False
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
                bearer_works = True
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
        return results + stream_permissions(x, None, bearer_works)
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
    # Stream by stream, in French; the DM permission among them (x-access-level).
    results += stream_permissions(x, answer.access_level or "", bearer_works)
    return results


DM_PERMISSION = "Read and write and Direct message"
WRITE_PERMISSION = "Read and write"


def stream_permissions(
    x: XClient, level: str | None, bearer: bool = False
) -> list[tuple[bool, str]]:
    """Per stream the account collects, and for replying and publishing: what X requires
    and whether this app has it. ``level`` is X's ``x-access-level`` of the user keys
    (``read``, ``read-write``, ``read-write-directmessages``), None without user keys;
    ``bearer``: the bearer token answered."""
    key, lines = x.account, []
    keys = "les clés utilisateur OAuth 1.0a"
    has_user = level is not None
    can_write = has_user and "write" in (level or "")
    can_dm = has_user and "directmessages" in (level or "")
    for stream in x.streams():
        if stream == "mentions":
            ok = has_user or bearer
            how = (
                f"lues avec {keys} (facturées « Owned Reads », 0,001 $ par publication)"
                if has_user
                else "lues avec le jeton d'application (bearer), au tarif normal ; avec "
                f"{keys} elles coûteraient 5 fois moins (« Owned Reads »)"
            )
            lines.append((ok, f"{key} : flux « mentions » : mentions de la ville {how}"))
        elif stream == "replies":
            lines.append(
                (
                    bearer or has_user,
                    f"{key} : flux « replies » : recherche récente (GET /2/tweets/search/recent)"
                    ", avec le jeton d'application ou les clés utilisateur",
                )
            )
        elif stream == "dms":
            lines.append(
                (
                    can_dm,
                    f"{key} : flux « dms » : il faut {keys} et la permission « {DM_PERMISSION} » "
                    f"de l'app ({_state(level)})",
                )
            )
        elif stream == "engagement":
            lines.append(
                (
                    has_user,
                    f"{key} : flux « engagement » : les « j'aime » (liking_users) ne se lisent "
                    f"qu'avec {keys} (au plus 100 personnes par publication) ; partages et "
                    "citations avec le jeton d'application"
                    + ("" if has_user else f" ; clés absentes : {x.missing_user_hint()}"),
                )
            )
    lines.append(
        (
            can_write,
            f"{key} : répondre et publier (images par POST /2/media/upload) : il faut {keys} "
            f"et la permission « {WRITE_PERMISSION} » ({_state(level)})",
        )
    )
    return lines


def _state(level: str | None) -> str:
    if level is None:
        return "clés utilisateur absentes"
    return f"niveau d'accès actuel : « {level or 'inconnu'} »"
