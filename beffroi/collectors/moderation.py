"""Hiding a citizen's comment on the network, and showing it again (issue 14).

Where each network allows it (endpoints checked against the networks' documentation,
December 2026):

- Facebook: ``POST /{comment-id}`` with ``is_hidden=true|false`` (a Page's comments and
  their replies; the author and their friends still see it);
- Instagram: ``POST /{ig-comment-id}`` with ``hide=true|false`` (comments and replies on the
  account's own media);
- X: ``PUT /2/tweets/{id}/hidden`` with ``{"hidden": true|false}``, only for replies in a
  conversation the city's account started (others can still open "hidden replies");
- Mastodon and Bluesky have no way to hide someone else's reply: ``HideUnsupported``.

Every failure comes out as the typed error the runner already knows (``RateLimited``,
``AuthExpired``, ``TransientError``, ``PermanentError``), its message a French sentence for
the person who pressed the button or reads the audit, the network's own words kept after it.
Hiding twice (or showing a visible comment) succeeds on every network: the calls are
idempotent, so a retry after a crash is harmless.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from beffroi.collectors.errors import (
    AuthExpired,
    CollectorError,
    PermanentError,
    RateLimited,
    TransientError,
)

# What each network lets the city hide: kinds of others' messages under its own posts.
HIDEABLE: dict[str, frozenset[str]] = {
    "facebook": frozenset({"comment", "reply"}),
    "instagram": frozenset({"comment", "reply"}),
    "x": frozenset({"reply"}),
}
NAMES = {
    "facebook": "Facebook",
    "instagram": "Instagram",
    "x": "X",
    "mastodon": "Mastodon",
    "bluesky": "Bluesky",
    "instagram_public": "Instagram",
}
# Why a network cannot hide, in the words shown to managers.
CANNOT_HIDE = {
    "mastodon": (
        "Mastodon ne permet pas de masquer la réponse d'une autre personne : signalez-la à "
        "la modération de son instance, ou bloquez ou masquez son compte."
    ),
    "bluesky": (
        "Bluesky ne permet pas de masquer la réponse d'une autre personne : seule l'option "
        "« masquer la réponse » de l'application, pour soi, existe ; signalez-la au besoin."
    ),
    "instagram_public": (
        "Ce compte Instagram est lu sans accès professionnel : masquer un commentaire "
        "demande le compte Instagram professionnel relié à la Page."
    ),
}


class HideUnsupported(PermanentError):
    """This network, or this kind of message, cannot be hidden by the city."""

    kind = "unsupported"


def cannot_hide(network: str, kind: str) -> str | None:
    """Why the city cannot hide a ``kind`` message on ``network``, or None when it can."""
    if network in CANNOT_HIDE:
        return CANNOT_HIDE[network]
    allowed = HIDEABLE.get(network)
    name = NAMES.get(network, network)
    if allowed is None:
        return f"{name} ne permet pas de masquer un message."
    if kind not in allowed:
        if network == "x":
            return (
                "X ne permet de masquer que les réponses aux publications de la ville, "
                "pas les mentions ni les messages privés."
            )
        return f"{name} ne permet de masquer que les commentaires publics, pas ce message."
    return None


def check_hideable(network: str, kind: str) -> None:
    reason = cannot_hide(network, kind)
    if reason:
        raise HideUnsupported(reason)


@contextmanager
def french_errors(network: str, hidden: bool) -> Iterator[None]:
    """The network's refusal as the same typed error, worded in French for a person."""
    with refusals_in_french(network, "le masquage" if hidden else "le réaffichage"):
        yield


@contextmanager
def refusals_in_french(network: str, what: str, *, by_hand: bool = False) -> Iterator[None]:
    """A network's failure of ``what`` ("le masquage"...) as the same typed error, worded
    for a person: retried automatically, or (``by_hand``) to be tried again by them."""
    name = NAMES.get(network, network)
    try:
        yield
    except HideUnsupported:
        raise
    except RateLimited as exc:
        when = f" après {exc.reset_at:%H:%M} UTC" if exc.reset_at else " plus tard"
        later = f"réessayez {what}{when}" if by_hand else f"{what} sera réessayé{when}"
        raise RateLimited(
            f"{name} limite le nombre de requêtes : {later}. ({exc})", exc.reset_at
        ) from None
    except AuthExpired as exc:
        raise AuthExpired(
            f"{name} refuse l'accès du compte de la ville (jeton expiré ou permission de "
            f"modération manquante) : un administrateur doit renouveler le jeton. ({exc})"
        ) from None
    except TransientError as exc:
        later = f"réessayez {what} dans un moment" if by_hand else f"{what} sera réessayé"
        raise TransientError(f"{name} ne répond pas pour l'instant : {later}. ({exc})") from None
    except CollectorError as exc:
        raise PermanentError(f"{name} a refusé {what} de ce message. ({exc})") from None
