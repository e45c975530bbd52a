"""How Beffroi names networks, kinds of messages and durations for French city staff.

One table each, used by the dashboard, the directors' reports, the invitations and the
command line, so a network or a kind reads the same everywhere. This module imports
nothing of Beffroi's, so any room may import it (as ``french``).
"""

from __future__ import annotations

__all__ = [
    "KIND_NAMES",
    "NETWORK_LABELS",
    "duration",
    "kind_label",
    "network_label",
]

NETWORK_LABELS = {
    "x": "X",
    "facebook": "Facebook",
    "instagram": "Instagram",
    "instagram_public": "Instagram (public)",
    # Sandbox accounts show the network they simulate (``Account.shown_network``); this
    # name only appears where no simulated network is known.
    "sandbox": "la ville simulée",
    "mastodon": "Mastodon",
    "bluesky": "Bluesky",
    "snapchat": "Snapchat",
}

# Kinds of items (``collectors.KINDS``) and of interactions (share, reaction): singular,
# plural.
KIND_NAMES = {
    "comment": ("commentaire", "commentaires"),
    "reply": ("réponse", "réponses"),
    "mention": ("mention", "mentions"),
    "dm": ("message privé", "messages privés"),
    "post": ("publication", "publications"),
    "ugc": ("publication citoyenne", "publications citoyennes"),
    "share": ("partage", "partages"),
    "reaction": ("réaction", "réactions"),
}


def network_label(network: str) -> str:
    """ "Facebook"; an unknown network keeps its key."""
    return NETWORK_LABELS.get(network, network)


def network_choices(*networks: str) -> dict[str, str | None]:
    """A network filter's options, label to network: "Tous les réseaux" (no filter) first."""
    return {"Tous les réseaux": None} | {network_label(n): n for n in networks}


def kind_label(kind: str, *, plural: bool = False, capital: bool = True) -> str:
    """ "Message privé" (or "messages privés"); an unknown kind keeps its key."""
    names = KIND_NAMES.get(kind)
    if names is None:
        return kind
    text = names[1] if plural else names[0]
    return text[0].upper() + text[1:] if capital else text


def duration(seconds: float | None) -> str:
    """ "47 min", "3 h 05", "2 j 4 h"; "—" when there is none."""
    if seconds is None or seconds != seconds:  # None or NaN
        return "—"
    minutes = int(round(seconds / 60))
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"{hours} h {minutes:02d}"
    return f"{hours // 24} j {hours % 24} h"
