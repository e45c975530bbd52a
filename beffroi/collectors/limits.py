"""What the platforms never let Beffroi see, said in French on the health page.

These are the platforms' own ceilings (2026), not faults: nothing retries past them, and a
city should know what its figures cannot include. One sentence per (network, stream); an
account that lists no streams collects its network's defaults (``DEFAULTS``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from beffroi.config import Account

LIMITS: dict[tuple[str, str], str] = {
    ("instagram", "messages"): (
        "Instagram Direct : Meta ne donne que les 20 messages les plus récents de chaque "
        "conversation ; l'historique plus ancien est hors de portée de Beffroi (il reste "
        "lisible dans l'application Instagram)."
    ),
    ("x", "engagement"): (
        "X : la liste des personnes qui ont aimé une publication s'arrête aux 100 premières "
        "(limite de X) ; le nombre de « j'aime » reste exact."
    ),
    ("instagram_public", "hashtags"): (
        "Hashtags Instagram (recherche officielle de Meta) : 30 hashtags différents au plus "
        "par période de 7 jours, et Meta ne donne pas le nom des auteurs des publications."
    ),
}
DEFAULTS = {
    "instagram": ("comments", "mentions", "messages"),
    "x": ("mentions", "replies", "dms"),
    "instagram_public": ("hashtags",),
}


def known_limits(account: Account) -> list[str]:
    """The sentences that apply to ``account``'s streams, in a stable order."""
    network = account.network
    if network == "instagram_public":
        streams: tuple[str, ...] = ("hashtags",) if _uses_meta_search(account) else ()
    else:
        streams = tuple(account.streams or ()) or DEFAULTS.get(network, ())
    return [LIMITS[(network, s)] for s in streams if (network, s) in LIMITS]


def _uses_meta_search(account: Account) -> bool:
    """Meta's Hashtag Search is used when the account names a Graph token."""
    return bool(account.token_env)
