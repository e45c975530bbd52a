"""How the simulated network says no.

The simulated city knows nothing of collectors: it fails the way a network's servers do,
with one of the four kinds of answer a real API gives (``FAILURE_KINDS``), and the
collector adapter (``beffroi.collectors.sandbox``) turns each into the collector error of
the same kind.
"""

from __future__ import annotations

from datetime import datetime

# What a real network can answer instead of data: wait until a time, renew a token,
# retry later, or give up on this request.
FAILURE_KINDS: tuple[str, ...] = ("rate_limited", "auth_expired", "transient", "permanent")


class SandboxError(Exception):
    """The simulated network refused a call; ``kind`` is one of ``FAILURE_KINDS``."""

    def __init__(self, message: str, kind: str = "permanent", reset_at: datetime | None = None):
        if kind not in FAILURE_KINDS:
            raise ValueError(f"kind must be one of {FAILURE_KINDS}")
        super().__init__(message)
        self.kind = kind
        self.reset_at = reset_at
