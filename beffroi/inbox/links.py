"""The address of a message in the dashboard, relative to its root: ``inbox?item=N``.

Defined here, below the dashboard, because the inbox's mails carry it too (a note's
mention); the dashboard's Inbox reads and writes the same ``item`` parameter."""

from __future__ import annotations

ITEM = "item"  # the query parameter naming the open message


def message_path(queue_id: int) -> str:
    """The address of message n°``queue_id``, relative to the dashboard's root."""
    return f"inbox?{ITEM}={queue_id}"


def message_url(base: str, queue_id: int) -> str:
    """The message's whole address under the dashboard's ``base`` (``[dashboard] public_url``)."""
    return f"{base.rstrip('/')}/{message_path(queue_id)}"
