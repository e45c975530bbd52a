"""The labelled message sets, as data: one JSON file a set, ``{"about", "messages"}``.

Each file's ``about`` says who wrote the set, when, with which conventions and what its
figures mean (blind, spent, tuned on); ``messages`` holds the labelled messages with the keys
``text``, ``network``, ``kind``, ``needs_reply``, ``urgent``, ``theme``, ``tone`` (a set omits
what it does not label). ``python -m beffroi.inbox.evaluate tests/inbox/labelled/NAME.json``
measures one. The needs-reply sets of ``triage_labelled`` are four files:
``triage_labelled`` (the set the rules were written on) and ``triage_held_out``,
``triage_held_out_2``, ``triage_held_out_3`` (written after, each measured blind once).

``load`` also checks what the sets promise (known kinds, themes and tones; nothing urgent
that needs no reply), so that a hand-edited file cannot drift unnoticed.
"""

from __future__ import annotations

from pathlib import Path

from beffroi.inbox.evaluate import read_labelled

HERE = Path(__file__).parent
NAMES = tuple(sorted(p.stem for p in HERE.glob("*.json")))

KEYS = ("text", "network", "kind", "needs_reply", "urgent", "theme", "tone")
KINDS = {"comment", "reply", "mention", "dm"}
NETWORKS = {"facebook", "instagram", "x", "bluesky", "mastodon"}
TONES = {"positive", "neutral", "negative"}
THEMES = {
    "mobilité",
    "propreté",
    "travaux",
    "sécurité",
    "culture",
    "jeunesse",
    "événements",
    "démarches",
    "environnement",
    "social",
    "sport",
    None,
}


def path(name: str) -> Path:
    return HERE / f"{name}.json"


def load(name: str) -> list[dict]:
    """The messages of the set ``name`` (a file stem: ``"heldout_2026_12"``), checked."""
    messages = read_labelled(path(name))
    for index, message in enumerate(messages):
        problems = sorted(set(message) - set(KEYS))
        if not isinstance(message.get("text"), str):
            problems.append("text")
        if message.get("kind", "comment") not in KINDS:
            problems.append(f"kind {message['kind']!r}")
        if message.get("network", "facebook") not in NETWORKS:
            problems.append(f"network {message['network']!r}")
        if "theme" in message and message["theme"] not in THEMES:
            problems.append(f"theme {message['theme']!r}")
        if "tone" in message and message["tone"] not in TONES:
            problems.append(f"tone {message['tone']!r}")
        if message.get("urgent") and message.get("needs_reply") is False:
            problems.append("urgent without needs_reply")
        if problems:
            raise ValueError(f"{name}.json message {index}: {', '.join(problems)}")
    return messages


def simulated_city(folder: Path):
    """The simulated city's own labelled set: its incoming messages (150 citizens, 20 days
    built to 25 Nov 2026 21:00 UTC) with the theme and intent it wrote them with, and the
    sandbox settings of that city. Open follow-ups ("et pour la rue Pasteur, c'est prévu ?")
    count as needing a reply: the queue opens a new item for them, whatever the label says.

    Returns ``(settings, messages)``, messages as ``{"text", "kind", "needs_reply", "theme"}``.
    """
    import tomllib
    from datetime import UTC, datetime

    from beffroi.config import example_config_path, settings_from_dict
    from beffroi.sandbox import CityProfile, SandboxNetwork, sandbox_config, state_path
    from beffroi.sandbox.text import NEEDS_REPLY

    data = tomllib.loads(example_config_path().read_text(encoding="utf-8"))
    settings = settings_from_dict(
        sandbox_config(data, folder / "city.db", citizens=150, history_days=20)
    )
    with SandboxNetwork(state_path(settings.database_path)) as network:
        network.build(CityProfile.from_settings(settings), datetime(2026, 11, 25, 21, tzinfo=UTC))
        rows = network.conn.execute(
            "SELECT kind, text, intent, theme FROM messages WHERE direction = 'in' "
            "AND kind IN ('comment', 'reply', 'mention', 'dm')"
        ).fetchall()
    messages = [
        {
            "text": r["text"],
            "kind": r["kind"],
            "needs_reply": r["intent"] in NEEDS_REPLY | {"follow_up"},
            "theme": r["theme"],
        }
        for r in rows
    ]
    return settings, messages
