"""How a post sent by Beffroi is recognised on a network that cannot carry a hidden marker.

After a crash during publishing, the outbox asks the network whether the post went out
(``find_published``). X, Facebook and Instagram keep no invisible metadata on a post, so
their collectors look for the text that was sent, among the account's posts since the
claim. Networks rewrite some of it: X turns every link into t.co, editors may fold spaces or
Unicode forms; links are dropped and the rest folded before comparing.
"""

from __future__ import annotations

import re
import unicodedata


def normalise_text(text: str) -> str:
    """Text as ``find_published`` compares it: links dropped; Unicode forms, case and runs
    of spaces folded."""
    text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"https?://\S+", " ", text)
    return " ".join(text.casefold().split())


def holds(text: str, wanted: str) -> bool:
    """True when ``text`` (as the network returns it) contains ``wanted`` (as sent)."""
    needle = normalise_text(wanted)
    return bool(needle) and needle in normalise_text(text)
