"""Drafts as the comms team makes them: Léa (comms) writes, her lead (chef) approves."""

from __future__ import annotations

import sqlite3
from datetime import datetime

from beffroi.config import Settings
from beffroi.scheduler.drafts import approve_draft, create_draft


def approved_draft(
    conn: sqlite3.Connection,
    settings: Settings,
    texts: dict[str, str],
    *,
    now: datetime,
    series_key: str | None = None,
    fixed_at: datetime | None = None,
    title: str = "",
) -> int:
    """A draft written by lea (comms) and approved by chef (comms_lead), both at ``now``."""
    draft = create_draft(
        conn,
        settings,
        username="lea",
        role="comms",
        texts=texts,
        now=now,
        series_key=series_key,
        fixed_at=fixed_at,
        title=title,
    )
    approve_draft(conn, settings, draft, username="chef", role="comms_lead", now=now)
    return draft
