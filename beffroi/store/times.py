"""UTC time conversions between Python and the database's text format."""

from __future__ import annotations

from datetime import UTC, datetime

from beffroi.clock import now_utc

__all__ = ["DB_FORMAT", "from_db", "now_utc", "to_db"]

DB_FORMAT = "%Y-%m-%d %H:%M:%S"


def to_db(moment: datetime | None) -> str | None:
    """Aware datetime to UTC text; naive datetimes are refused (they hide bugs).

    The year is always written with four digits ("0001-01-01 00:00:00"), so that text order
    is time order for any date a network may send (``strftime("%Y")`` writes year 1 as "1").
    """
    if moment is None:
        return None
    if moment.tzinfo is None:
        raise ValueError("naive datetime given to the store; use an aware UTC time")
    if moment.tzinfo is not UTC:
        moment = moment.astimezone(UTC)
    return moment.isoformat(" ", "seconds")[:19]


def from_db(text: str | None) -> datetime | None:
    if text is None:
        return None
    return datetime.strptime(text[:19], DB_FORMAT).replace(tzinfo=UTC)
