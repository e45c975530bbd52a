"""Reading the loose values networks send: numbers as strings, absent, or absurd.

One place for what the Graph, Instagram and instaloader parsers used to define each on
their own (three ``_int``).
"""

from __future__ import annotations

from typing import Any

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
