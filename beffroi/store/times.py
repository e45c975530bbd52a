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
    A time with a fraction of a second (X stamps DM events and tweets to the millisecond)
    keeps it, as six digits ("2026-11-30 09:15:02.881000"): two DMs 119 ms apart stay
    distinct and in order. Whole seconds (the program's own clock) keep the short form,
    which sorts before any fraction of the same second, so text order is still time order.
    """
    if moment is None:
        return None
    if moment.tzinfo is None:
        raise ValueError("naive datetime given to the store; use an aware UTC time")
    if moment.tzinfo is not UTC:
        moment = moment.astimezone(UTC)
    if moment.microsecond:
        return moment.isoformat(" ", "microseconds")[:26]
    return moment.isoformat(" ", "seconds")[:19]


def from_db(text: str | None) -> datetime | None:
    """The stored text back as an aware UTC time, its fraction of a second included."""
    if text is None:
        return None
    moment = datetime.strptime(text[:19], DB_FORMAT).replace(tzinfo=UTC)
    if text[19:20] == "." and text[20:26].isdigit():
        moment = moment.replace(microsecond=int(text[20:26].ljust(6, "0")))
    return moment
