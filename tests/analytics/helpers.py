"""Small hand-built databases for the analytics tests, written through the real store."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import count

from beffroi.collectors import Author, Item, Page
from beffroi.inbox import IngestHooks, QueueFields, ingest_page

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
_ids = count(1)


def item(
    who: str | None,
    kind: str = "comment",
    *,
    days_ago: float = 0,
    account: str = "instagram_ville",
    network: str = "instagram",
    text: str = "Bonjour la mairie",
    direction: str = "in",
    parent: str | None = None,
    external_id: str | None = None,
    at: datetime | None = None,
    like_count: int | None = None,
    reply_count: int | None = None,
) -> Item:
    author = Author(network, f"id-{who}", who, who.title()) if who else None
    return Item(
        network=network,
        account=account,
        external_id=external_id or f"{network}-{next(_ids)}",
        kind=kind,
        direction=direction,
        text=text,
        created_at=at or NOW - timedelta(days=days_ago),
        author=author,
        permalink=f"https://example.org/{network}/{who}/{next(_ids)}",
        parent_external_id=parent,
        like_count=like_count,
        reply_count=reply_count,
    )


def save(conn, items, theme: str | None = None, needs_reply: bool | None = None, now=NOW):
    """Save items one page per account; optionally triage every queued item to a theme."""
    by_account: dict[str, list[Item]] = {}
    for it in items:
        by_account.setdefault(it.account, []).append(it)
    ids = []
    for account, batch in by_account.items():
        hooks = IngestHooks(triage=lambda _i: QueueFields(needs_reply=needs_reply, theme=theme))
        result = ingest_page(conn, account, "test", Page(batch, None), hooks=hooks, now=now)
        ids += result.new_item_ids
    return ids


def member_id(conn, handle: str) -> int:
    return conn.execute("SELECT id FROM members WHERE handle = ?", (handle,)).fetchone()[0]
