"""Which of the city's posts an ``engagement`` pass re-reads: one rule for X and Facebook.

Both keep, per recent post, the counts already collected and when the post was last
re-read; a post whose count moved is due. A pass re-reads at most ``cap`` of them: first
the one whose list was cut short last time (its stored page token resumes it), then the
least recently re-read, so that a busy week does not starve the older posts.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")


def due_posts(
    changed: dict[str, T],
    tracked: dict[str, dict[str, Any]],
    resuming: str | None,
    cap: int,
    tiebreak: Callable[[str], Any] = str,
) -> tuple[list[tuple[str, T]], bool]:
    """The posts to re-read this pass with what moved on each, and whether the stored
    walk (on post ``resuming``) is among them; when it is not, the caller forgets it
    (its post left the window, or its count is collected)."""
    order = sorted(
        changed,
        key=lambda post: (post != resuming, tracked[post].get("refreshed", ""), tiebreak(post)),
    )
    return [(post, changed[post]) for post in order[:cap]], resuming in changed
