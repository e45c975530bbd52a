"""Reading the loose values networks send: numbers as strings, absent, or absurd.

One place for what the Graph, Instagram and instaloader parsers used to define each on
their own (three ``_int``).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from beffroi.collectors.item import Item, Rejected

# SQLite stores integers in 64 bits: a count beyond that is not a count.
INT64_MAX = 2**63 - 1


def as_int(value: Any) -> int | None:
    """``value`` as an integer when it is one (or a string of one) that SQLite can store;
    None when absent, unreadable, a boolean, or beyond 64 bits."""
    if isinstance(value, bool):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return number if -INT64_MAX - 1 <= number <= INT64_MAX else None


def as_text(value: Any) -> str | None:
    """``value`` when it is a non-empty text, else None (a link that is a list or a
    number is no link, and SQLite cannot store a list)."""
    return value if isinstance(value, str) and value else None


def id_text(value: Any) -> str | None:
    """An id (a sender's, a conversation's) as text, or None when there is none (absent,
    empty, null, a boolean or a structure: ``str(None)`` must never become an author)."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return str(value)
    # str(): a library's own id type (Mastodon.py's MaybeSnowflakeIdType) becomes text.
    return str(value) if isinstance(value, str) and value.strip() else None


UNATTRIBUTABLE = (
    "message privé sans expéditeur ni conversation : impossible d'y répondre ou de l'attribuer"
)


def unattributable(raw: Any, author: Any, conversation_id: Any) -> Rejected | None:
    """A private message with neither a sender nor a conversation: nobody to answer and no
    thread to answer in, nobody to attribute it to. Rejected (kept in ``rejected_payloads``
    with the reason), never stored as an inbound message no one can deal with."""
    if author is None and not conversation_id:
        return Rejected(raw, UNATTRIBUTABLE)
    return None


# What a parser may raise on a payload of an unforeseen shape.
UNREADABLE = (
    ValueError,
    TypeError,
    KeyError,
    IndexError,
    AttributeError,
    OverflowError,
    RecursionError,
)


def rejecting(
    noun: str,
) -> Callable[[Callable[..., Item | Rejected]], Callable[..., Item | Rejected]]:
    """Make a parser of one object answer ``Rejected`` instead of raising, whatever the
    object: one object it cannot read must never cost the rest of its page."""

    def wrap(parse: Callable[..., Item | Rejected]) -> Callable[..., Item | Rejected]:
        @functools.wraps(parse)
        def guarded(raw: Any, *args: Any, **kwargs: Any) -> Item | Rejected:
            try:
                return parse(raw, *args, **kwargs)
            except UNREADABLE as exc:
                return Rejected(
                    raw, f"{noun} could not be read ({type(exc).__name__}: {exc})"[:300]
                )

        return guarded

    return wrap
