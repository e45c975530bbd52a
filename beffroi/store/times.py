"""UTC time conversions between Python and the database's text format."""

from __future__ import annotations

from datetime import UTC, datetime

DB_FORMAT = "%Y-%m-%d %H:%M:%S"


def to_db(moment: datetime | None) -> str | None:
    """Aware datetime to UTC text; naive datetimes are refused (they hide bugs)."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        raise ValueError("naive datetime given to the store; use an aware UTC time")
    return moment.astimezone(UTC).strftime(DB_FORMAT)


def from_db(text: str | None) -> datetime | None:
    if text is None:
        return None
    return datetime.strptime(text[:19], DB_FORMAT).replace(tzinfo=UTC)


def now_utc() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)
