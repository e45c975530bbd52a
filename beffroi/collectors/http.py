"""The HTTP layer every network client goes through (X by tweepy, Facebook and Instagram by
pyfacebook): the same retries, the same typed errors, the same secret masking, the same
reading of the quota headers.

Each client library raises its own exceptions; the network module turns one attempt's
failure into a ``CollectorError`` (``error_for_status`` gives the usual meaning of a status
code, a module refines it where its network says more), and ``with_retries`` does the rest:

- a ``TransientError`` (5xx, timeout, dropped connection) is tried again after each of the
  ``delays`` (injectable, so tests never wait), then raised;
- a write (``retry=False``) is never repeated blind: a 5xx on a POST may have posted;
- every other error is raised at once: the runner decides from its type alone.

Secrets: ``CollectorError`` masks the patterns of ``mask_secrets`` in every message, and
``install_log_masking`` puts one filter on the loggers that print URLs and headers at DEBUG
level (urllib3, tweepy, oauthlib), once per process, with the secret values each client
registers.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

import requests

from beffroi.collectors.errors import (
    AuthExpired,
    CollectorError,
    PermanentError,
    RateLimited,
    TransientError,
    mask_secrets,
)

log = logging.getLogger(__name__)

T = TypeVar("T")

# Faults of the connection itself: the request may not have reached the network.
NETWORK_ERRORS: tuple[type[Exception], ...] = (
    requests.ConnectionError,
    requests.Timeout,
    requests.exceptions.ChunkedEncodingError,
)
# Loggers that print URLs (pyfacebook puts the token in them) or credentials at DEBUG level.
# A filter applies to its own logger only, hence the list.
SECRET_PRINTING_LOGGERS = (
    "urllib3.connectionpool",
    "requests_oauthlib.oauth2_session",
    "requests_oauthlib.oauth1_auth",
    "oauthlib.oauth1.rfc5849",
    "tweepy.client",
)


# ---------------------------------------------------------------------- masking


class MaskingFilter(logging.Filter):
    """Replaces every registered secret value, and every known token pattern, by ``***``."""

    def __init__(self) -> None:
        super().__init__()
        self.secrets: set[str] = set()

    def scrub(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, "***")
        return mask_secrets(text)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = self.scrub(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True


LOG_MASK = MaskingFilter()


def install_log_masking(secrets: Iterable[str | None] = ()) -> MaskingFilter:
    """Mask ``secrets`` (and the token patterns) in the loggers that print them.

    Called by each client when it is built, with its own secrets; the filter itself is
    installed once, on first call, whatever the number of clients.
    """
    LOG_MASK.secrets.update(s for s in secrets if s)
    for name in SECRET_PRINTING_LOGGERS:
        logger = logging.getLogger(name)
        if LOG_MASK not in logger.filters:
            logger.addFilter(LOG_MASK)
    return LOG_MASK


def scrub(text: str, secrets: Iterable[str] = ()) -> str:
    """``text`` with the given secret values and the known token patterns masked."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return mask_secrets(text)


# ---------------------------------------------------------------------- errors


def error_for_status(
    status: int | None,
    message: str,
    *,
    reset_at: datetime | None = None,
) -> CollectorError:
    """What an HTTP status usually means, as the runner's typed error.

    401 and 403: a person must renew a token or grant a permission (``AuthExpired``);
    429: wait until ``reset_at`` (``RateLimited``); 5xx or no answer: retry later
    (``TransientError``); any other refusal is about this request (``PermanentError``).
    """
    if status in (401, 403):
        return AuthExpired(message)
    if status == 429:
        return RateLimited(message, reset_at)
    if status is None or status >= 500:
        return TransientError(message)
    return PermanentError(message)


def with_retries(
    attempt: Callable[[], T],
    *,
    delays: Sequence[float],
    sleep: Callable[[float], None],
    retry: bool = True,
    before: Callable[[], None] | None = None,
    give_up: Callable[[TransientError, int], CollectorError] | None = None,
    what: str = "request",
) -> T:
    """``attempt()``, tried again after each of ``delays`` while it raises ``TransientError``.

    ``before`` runs before every attempt (quota pacing). ``give_up(error, attempts)`` may
    rephrase the last transient error (e.g. to say how many attempts were made, or that a
    write was not retried); by default it is raised as it is.
    """
    attempts = len(delays) + 1 if retry else 1
    for number in range(1, attempts + 1):
        if before is not None:
            before()
        try:
            return attempt()
        except TransientError as error:
            if number == attempts:
                raise (give_up(error, number) if give_up else error) from None
            log.info("%s failed (%s), retrying", what, error)
            sleep(delays[number - 1])
    raise AssertionError("unreachable")  # pragma: no cover


# ---------------------------------------------------------------------- bodies

# Integers longer than this are kept as their digits: beyond 64 bits no count means
# anything, and Python refuses to convert more than 4,300 digits (the page would be lost).
MAX_INT_DIGITS = 20


def _bounded_int(digits: str) -> int | str:
    return int(digits) if len(digits) <= MAX_INT_DIGITS else digits


def read_json(content: bytes | str) -> Any:
    """A network's JSON body, read so that no number or depth can stop it: integers past
    ``MAX_INT_DIGITS`` stay strings (``values.as_int`` then reads them as no count), and a
    body nested too deep to read is a ``ValueError`` like any unreadable body."""
    try:
        return json.loads(content, parse_int=_bounded_int)
    except RecursionError:
        raise ValueError("the answer is nested too deep to read") from None


# ---------------------------------------------------------------------- timeouts


class TimeoutSession(requests.Session):
    """A session with a default timeout (requests has none: a dead socket hangs)."""

    def __init__(self, timeout: float) -> None:
        super().__init__()
        self.timeout = timeout

    def request(self, *args: Any, **kwargs: Any) -> requests.Response:
        kwargs.setdefault("timeout", self.timeout)
        return super().request(*args, **kwargs)


# ---------------------------------------------------------------------- quota headers


@dataclass(frozen=True)
class RateWindow:
    """X's ``x-rate-limit-*`` headers: requests left in the window and when it resets."""

    remaining: int | None = None
    reset_at: datetime | None = None


def rate_window(headers: Any) -> RateWindow:
    """Read ``x-rate-limit-remaining`` and ``x-rate-limit-reset`` (Unix seconds)."""
    if headers is None:
        return RateWindow()
    remaining = headers.get("x-rate-limit-remaining")
    reset = headers.get("x-rate-limit-reset")
    return RateWindow(
        int(remaining) if remaining is not None and str(remaining).isdigit() else None,
        _unix_time(reset),
    )


def _unix_time(value: Any) -> datetime | None:
    if value is None or not str(value).isdigit():
        return None
    try:
        return datetime.fromtimestamp(int(value), UTC)
    except (OverflowError, OSError, ValueError):
        return None


@dataclass
class Usage:
    """The highest quota use Meta reported on the last response, and its reset estimate."""

    percent: float = 0.0
    regain_minutes: float | None = None


def read_usage(headers: Any) -> Usage:
    """Read Meta's ``x-app-usage`` and ``x-business-use-case-usage`` (both JSON, percents)."""
    usage = Usage()
    app = _json_header(headers, "x-app-usage")
    if isinstance(app, dict):
        usage.percent = max([usage.percent, *_percents(app)])
    business = _json_header(headers, "x-business-use-case-usage")
    if isinstance(business, dict):
        for entries in business.values():
            for entry in entries if isinstance(entries, list) else [entries]:
                if not isinstance(entry, dict):
                    continue
                usage.percent = max([usage.percent, *_percents(entry)])
                regain = entry.get("estimated_time_to_regain_access")
                if isinstance(regain, int | float) and regain > 0:
                    usage.regain_minutes = max(usage.regain_minutes or 0, float(regain))
    return usage


def _json_header(headers: Any, name: str) -> Any:
    value = headers.get(name) if headers is not None else None
    if not value:
        return None
    try:
        return json.loads(value)
    except (ValueError, RecursionError):
        return None


def _percents(entry: dict[str, Any]) -> list[float]:
    keys = ("call_count", "total_cputime", "total_time", "call_volume", "cpu_time")
    return [float(entry[k]) for k in keys if isinstance(entry.get(k), int | float)]


__all__ = [
    "LOG_MASK",
    "NETWORK_ERRORS",
    "MaskingFilter",
    "RateWindow",
    "TimeoutSession",
    "Usage",
    "error_for_status",
    "install_log_masking",
    "rate_window",
    "read_json",
    "read_usage",
    "scrub",
    "with_retries",
]
