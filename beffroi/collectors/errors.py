"""Typed collector errors.

The runner decides what to do from the type alone: wait until a reset, ask a person to
renew a token, retry later, or give up on a request. None of them stops another network.
"""

from __future__ import annotations

import re
from datetime import datetime

from beffroi.errors import BeffroiError


class CollectorError(BeffroiError):
    """Base class; ``str()`` is safe to show and to log (secrets are masked)."""

    kind = "error"

    def __init__(self, message: str) -> None:
        super().__init__(mask_secrets(message))


class RateLimited(CollectorError):
    kind = "rate_limited"

    def __init__(self, message: str, reset_at: datetime | None = None) -> None:
        super().__init__(message)
        self.reset_at = reset_at


class AuthExpired(CollectorError):
    """The token is expired, revoked or lacks a permission: a person must act."""

    kind = "auth_expired"


class TransientError(CollectorError):
    """Network fault or server error: retrying later may work."""

    kind = "transient"


class PermanentError(CollectorError):
    """The request itself is wrong (bad id, missing permission for one object...)."""

    kind = "permanent"


# How every ReplyNotAllowed message starts (the inbox shows those without "try again").
REPLY_REFUSED = "X refuse cette réponse"


class ReplyNotAllowed(PermanentError):
    """The network refuses the city's reply to this message (X since 23 February 2026:
    only to posts that @mention or quote the city). Its message is French and says what to
    do instead; sending again would be refused again."""


class SentUnconfirmed(CollectorError):
    """The network accepted the write (a 2xx answer) but described it oddly: no usable id,
    a body of the wrong shape. It went out: it must be recorded as sent, with a note, and
    never offered for a second send. ``raw`` is what the network answered."""

    kind = "sent_unconfirmed"

    def __init__(self, message: str, raw: object = None) -> None:
        super().__init__(message)
        self.raw = raw


_SECRET_PATTERNS = [
    re.compile(r"(access_token=)[^&\s\"']+", re.IGNORECASE),
    re.compile(r"(Bearer\s+)[A-Za-z0-9%._\-~+/=]+", re.IGNORECASE),
    re.compile(r"((?:client_secret|appsecret_proof|oauth_signature|password)=)[^&\s\"']+", re.I),
]


def mask_secrets(text: str) -> str:
    """Hide tokens that libraries put in URLs and headers before a message is shown or logged."""
    for pattern in _SECRET_PATTERNS:
        text = pattern.sub(r"\1***", text)
    return text
