"""Drafts as the comms team makes them: Léa (comms) writes, her lead (chef) approves."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from beffroi.config import Settings, example_config_path, load_settings
from beffroi.scheduler.drafts import approve_draft, save_draft
from beffroi.store import connect, sync_accounts
from tests.conftest import settings_with

THURSDAY_11 = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)  # 11:00 in Paris, a jeudi de l'économie


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


def jeudi_approved(folder: Path, text: str) -> tuple[Settings, sqlite3.Connection]:
    """The example configuration on a fresh database in ``folder``, with this Thursday's
    jeudi de l'économie approved two days before, for X and Facebook, in ``text``."""
    base = load_settings(example_config_path())
    settings = settings_with(
        base, database=base.database.model_copy(update={"path": folder / "b.db"})
    )
    conn = connect(settings.database_path)
    sync_accounts(conn, settings)
    approved_draft(
        conn,
        settings,
        {"x_ville": text, "facebook_ville": text},
        now=THURSDAY_11 - timedelta(days=2),
        series_key="jeudi_economie",
    )
    return settings, conn
