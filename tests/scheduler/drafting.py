"""Drafts as the comms team makes them: Léa (comms) writes, her lead (chef) approves."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from typing import Any

from beffroi.config import Settings
from beffroi.scheduler.drafts import approve_draft, save_draft


def lea_saves(
    conn: sqlite3.Connection,
    settings: Settings,
    texts: dict[str, str],
    *,
    now: datetime,
    draft_id: int | None = None,
    **fields: Any,
) -> int:
    """Léa (comms) saves a new draft, or her edit of ``draft_id`` (the other fields of
    ``save_draft``: series_key, fixed_at, title, image_path); returns its id."""
    return save_draft(
        conn, settings, draft_id, username="lea", role="comms", texts=texts, now=now, **fields
    )


def approved_draft(
    conn: sqlite3.Connection, settings: Settings, texts: dict[str, str], *, now: datetime, **fields
) -> int:
    """A draft written by lea (comms) and approved by chef (comms_lead), both at ``now``."""
    draft = lea_saves(conn, settings, texts, now=now, **fields)
    approve_draft(conn, settings, draft, username="chef", role="comms_lead", now=now)
    return draft
