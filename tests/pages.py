"""Saving hand-made pages the way a collection pass does: through ``inbox.ingest_page``."""

from __future__ import annotations

from beffroi.collectors import Page
from beffroi.inbox import IngestHooks, ingest_page


def ingest_items(
    conn, account, stream, items, cursor, *, rejected=(), interactions=(), triage=None, now=None
):
    """One page (items, rejects, reactions, cursor) in one transaction, optionally triaged."""
    page = Page(list(items), cursor, rejected=list(rejected), interactions=list(interactions))
    return ingest_page(conn, account, stream, page, hooks=IngestHooks(triage=triage), now=now)
