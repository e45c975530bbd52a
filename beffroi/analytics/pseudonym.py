"""Pseudonyms for people in reports and in the directors' views.

A member becomes ``membre-1a2b3c4d``: an HMAC-SHA256 of their network and platform id with
a secret key, so the same person keeps the same pseudonym from one report to the next and
from one process to another (the dashboard, the command line and the mailed report name
them alike), while nobody without the key can go back from the pseudonym to the account (a
plain hash of a handle could be reversed by hashing every handle). The key comes from an
environment variable when the city sets one, otherwise from a key file that ``beffroi init``
and the demo create beside the database (readable by its owner only, never inside the
database, so a copy of the database alone does not carry it).
Example texts are masked too: @handles, the author's own names, e-mails, phone numbers and
links.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from beffroi.config import Settings

_EPHEMERAL = secrets.token_bytes(32)
HANDLE_RE = re.compile(r"(?<![\w@])@[\w.]+")
EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
PHONE_RE = re.compile(r"(?:\+33\s?|0)[1-9](?:[\s.-]?\d{2}){4}")
URL_RE = re.compile(r"https?://\S+|www\.\S+")


@dataclass(frozen=True)
class PseudonymKey:
    key: bytes
    stable: bool  # False when the environment variable is missing: a per-process key


def key_file_path(settings: Settings) -> Path:
    """The key file beside the database: ``b.db`` keeps its key in ``b.db.pseudonym-key``."""
    db = settings.database_path
    return db.with_name(db.name + ".pseudonym-key")


def pseudonym_key(settings: Settings) -> PseudonymKey:
    """The key from ``settings.reports.pseudonym_key_env``, else from the key file beside the
    database; without either, a random key that lives as long as the process (pseudonyms
    then change from one run to the next, and reports say so)."""
    value = os.environ.get(settings.reports.pseudonym_key_env)
    if value:
        return PseudonymKey(value.encode("utf-8"), True)
    try:
        kept = key_file_path(settings).read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        kept = ""
    if kept:
        return PseudonymKey(kept.encode("ascii"), True)
    return PseudonymKey(_EPHEMERAL, False)


def ensure_key_file(settings: Settings) -> Path | None:
    """Create the key file (owner-only) unless the environment variable or the file already
    gives a key; returns the file created, or None when nothing was written. Kept by
    ``init`` and the demo so that pseudonyms are stable without any setup."""
    if os.environ.get(settings.reports.pseudonym_key_env):
        return None
    path = key_file_path(settings)
    if path.exists():
        return None
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as out:
        out.write(secrets.token_hex(32) + "\n")
    return path


def pseudonym(key: PseudonymKey | bytes, network: str, external_id: str) -> str:
    raw = key.key if isinstance(key, PseudonymKey) else key
    digest = hmac.new(raw, f"{network}:{external_id}".encode(), hashlib.sha256).hexdigest()
    return f"membre-{digest[:8]}"


def mask_text(text: str, names: Iterable[str | None] = ()) -> str:
    """The text with handles, the given names, e-mails, phone numbers and links hidden."""
    masked = URL_RE.sub("[lien]", text or "")
    masked = EMAIL_RE.sub("[courriel]", masked)
    masked = HANDLE_RE.sub("@…", masked)
    masked = PHONE_RE.sub("[téléphone]", masked)
    for name in sorted(
        {n.strip().lstrip("@") for n in names if n and n.strip()}, key=len, reverse=True
    ):
        if len(name) >= 2:
            masked = re.sub(
                rf"(?<!\w){re.escape(name)}(?!\w)", "[nom]", masked, flags=re.IGNORECASE
            )
    return masked
