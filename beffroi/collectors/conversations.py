"""Messenger and Instagram Direct conversations: one reading loop for both.

Both list conversations newest-updated first with their newest messages nested, so a
conversation not updated since the stream's position ends the pass: an idle pass is one
request, whatever the number of conversations.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import Any

from beffroi.collectors.graph import GraphCollector, HighWater, entries, next_link, parse_time
from beffroi.collectors.item import Item, Page, Rejected


def link_out_messages(items: list[Item]) -> list[Item]:
    """Link each of the Page's messages to the citizen message it follows, in time order."""
    linked, last_in = [], None
    for item in sorted(items, key=lambda i: (i.created_at, i.external_id)):
        if item.direction == "out" and last_in is not None and item.parent_external_id is None:
            item = replace(item, parent_external_id=last_in)
        if item.direction == "in":
            last_in = item.external_id
        linked.append(item)
    return linked


def conversation_pages(
    collector: GraphCollector,
    hw: HighWater,
    own_id: str,
    path: str,
    params: dict[str, Any],
    parse,
) -> Iterator[Page]:
    """Pages of new messages from conversations listed newest-updated first.

    Shared by Messenger and Instagram Direct: a conversation not updated since the cursor
    ends the pass (the list is ordered by ``updated_time``), so an idle pass is one request.
    """

    def read(data: dict[str, Any]) -> tuple[list[Item], list[Rejected], bool]:
        items: list[Item] = []
        rejected: list[Rejected] = []
        for conversation in entries(data):
            if not isinstance(conversation, dict) or not conversation.get("id"):
                rejected.append(Rejected(conversation, "conversation has no id"))
                continue
            updated = parse_time(conversation.get("updated_time"))
            if hw.since is not None and updated is not None and updated < hw.since:
                return items, rejected, False
            items += _conversation_messages(collector, conversation, hw, own_id, parse, rejected)
        return items, rejected, True

    yield from collector.newest_first(hw, path, params, read)


def _conversation_messages(collector, conversation, hw, own_id, parse, rejected) -> list[Item]:
    """The conversation's new messages, the city's own linked to the message they follow.

    Linking looks at every message the response holds, new or already stored, so that a
    reply written in Messenger to a message collected in an earlier pass is linked too.
    """
    everything: list[Item] = []
    block = conversation.get("messages")
    while isinstance(block, dict):
        for raw in entries(block):
            parsed = parse(
                raw,
                account=collector.account,
                page_id=own_id,
                conversation_id=str(conversation["id"]),
            )
            (rejected if isinstance(parsed, Rejected) else everything).append(parsed)
        next_url = next_link(block)
        all_new = all(hw.is_new(i.created_at, i.external_id) for i in everything)
        # Instagram Direct answers an error past a conversation's 20 newest messages.
        older_reachable = getattr(collector, "OLDER_MESSAGES_REACHABLE", True)
        if not (all_new and next_url and entries(block) and older_reachable):
            break
        block = collector.session.get_next(next_url)
    linked = link_out_messages(everything)
    return [i for i in linked if hw.is_new(i.created_at, i.external_id)]
