"""Drafts of rendez-vous posts: written by comms staff, approved by an approver, then queued.

Checks live here so that the dashboard and any script apply the same rules: each network's
length limit on the text as it will be posted (with the series' hashtags), Instagram's
image, only comms_lead or admin approving, and an edit of an approved draft sending it back
to ``draft`` (what was approved is what goes out).
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from beffroi.collectors.post_length import LIMITS, text_length
from beffroi.config import Settings
from beffroi.errors import BeffroiError
from beffroi.scheduler.outbox import database_folder, post_text
from beffroi.store import from_db, one_row
from beffroi.store import publishing as pub

APPROVER_ROLES = frozenset({"comms_lead", "admin"})
EDITOR_ROLES = frozenset({"comms", "comms_lead", "admin"})
NEEDS_IMAGE = frozenset({"instagram"})
# Real networks that download the image from a public address themselves (no upload).
FETCHES_IMAGE = frozenset({"instagram"})
IMAGE_TYPES = {".jpg", ".jpeg", ".png"}
IMAGE_MAX_BYTES = 8 * 1024 * 1024


class DraftError(BeffroiError):
    """A draft action that cannot be done; the message (French) says why, for the dashboard."""


@dataclass(frozen=True)
class TextCheck:
    account: str
    network: str
    text: str  # as it will be posted, hashtags included
    length: int
    limit: int | None

    @property
    def ok(self) -> bool:
        return self.limit is None or self.length <= self.limit


def series_accounts(settings: Settings, series_key: str | None, texts: dict) -> list[str]:
    if series_key is None:
        return list(texts)
    for rdv in settings.rendezvous:
        if rdv.key == series_key:
            return list(rdv.accounts)
    raise DraftError(f"série inconnue : {series_key}")


def hashtags_for(settings: Settings, series_key: str | None) -> list[str]:
    for rdv in settings.rendezvous:
        if rdv.key == series_key:
            return list(rdv.hashtags)
    return []


def check_texts(settings: Settings, series_key: str | None, texts: dict) -> list[TextCheck]:
    """Per account: the text as it will be posted, its length and the network's limit."""
    checks = []
    tags = hashtags_for(settings, series_key)
    for account in series_accounts(settings, series_key, texts):
        network = _network(settings, account)
        final = post_text(texts.get(account, ""), tags)
        limit = _max_chars(settings, account) or LIMITS.get(network)
        checks.append(TextCheck(account, network, final, text_length(network, final), limit))
    return checks


def _max_chars(settings: Settings, account: str) -> int | None:
    try:
        return settings.account(account).max_chars
    except KeyError:
        return None


def _network(settings: Settings, account: str) -> str:
    try:
        return settings.account(account).shown_network
    except KeyError:
        raise DraftError(f"compte inconnu : {account}") from None


def problems(
    settings: Settings,
    series_key: str | None,
    texts: dict,
    image_path: str | None,
    fixed_at: datetime | None,
    now: datetime,
) -> list[str]:
    """Everything that stops a draft from being approved, in French; empty when ready."""
    found = []
    if series_key is None and fixed_at is None:
        found.append("choisissez une série ou une date de publication")
    if series_key is None and not texts:
        found.append("écrivez le texte d'au moins un compte")
    if fixed_at is not None and fixed_at <= now:
        found.append("la date de publication est passée")
    for check in check_texts(settings, series_key, texts):
        if not texts.get(check.account, "").strip():
            found.append(f"{check.account} : texte vide")
        elif not check.ok:
            found.append(
                f"{check.account} : {check.length} caractères pour {check.limit} au plus "
                f"sur {check.network}"
            )
        if check.network in NEEDS_IMAGE and not image_path:
            found.append(f"{check.account} : Instagram exige une image")
        elif (
            image_path
            and settings.account(check.account).network in FETCHES_IMAGE
            and not settings.media.public_base_url
        ):
            found.append(
                f"{check.account} : Instagram télécharge l'image depuis une adresse publique ; "
                "renseignez [media] public_base_url dans la configuration (dossier images "
                "publié sur le site de la ville)"
            )
    return found


def save_image(conn: sqlite3.Connection, data: bytes, filename: str) -> str:
    """Store an uploaded image beside the database; returns its path relative to it."""
    suffix = Path(filename).suffix.lower()
    if suffix not in IMAGE_TYPES:
        raise DraftError("image refusée : formats acceptés JPEG ou PNG")
    if len(data) > IMAGE_MAX_BYTES:
        raise DraftError("image refusée : 8 Mo au plus")
    folder = database_folder(conn) / "images"
    folder.mkdir(exist_ok=True)
    name = hashlib.sha256(data).hexdigest()[:20] + suffix
    target = folder / name
    if not target.exists():
        target.write_bytes(data)
    return f"images/{name}"


def _require(role: str, allowed: frozenset[str], what: str) -> None:
    if role not in allowed:
        raise DraftError(f"votre rôle ne permet pas de {what}")


def _editable_texts(
    settings: Settings, role: str, what: str, series_key: str | None, texts: dict
) -> dict:
    """The texts to save, once the role, the series and every account are known to be valid."""
    _require(role, EDITOR_ROLES, what)
    series_accounts(settings, series_key, texts)  # unknown series refused
    for account in texts:
        _network(settings, account)
    return {k: v for k, v in texts.items() if v is not None and v.strip()}


def save_draft(
    conn: sqlite3.Connection,
    settings: Settings,
    draft_id: int | None = None,
    *,
    username: str,
    role: str,
    texts: dict,
    now: datetime,
    series_key: str | None = None,
    fixed_at: datetime | None = None,
    title: str = "",
    image_path: str | None = None,
) -> int:
    """Write a new draft (``draft_id`` None) or an edit of one; returns its id. An edited
    draft that was approved goes back to ``draft`` and must be approved again."""
    what = "rédiger un brouillon" if draft_id is None else "modifier un brouillon"
    saved = _editable_texts(settings, role, what, series_key, texts)
    content = pub.DraftContent(saved, series_key, fixed_at, title, image_path)
    if draft_id is None:
        if not saved:
            raise DraftError("Écrivez au moins un texte avant d'enregistrer le brouillon.")
        return pub.insert_draft(conn, content, actor=username, now=now)
    if not pub.update_draft_row(conn, draft_id, content, actor=username, now=now):
        status = get_draft(conn, draft_id)["status"]
        raise DraftError(f"ce brouillon ne peut plus être modifié (état : {status})")
    return draft_id


def create_draft(conn: sqlite3.Connection, settings: Settings, **fields: Any) -> int:
    """A new draft (the fields of ``save_draft``); returns its id."""
    return save_draft(conn, settings, None, **fields)


def get_draft(conn: sqlite3.Connection, draft_id: int) -> sqlite3.Row:
    missing = DraftError(f"brouillon {draft_id} introuvable")
    return one_row(conn, "SELECT * FROM drafts WHERE id = ?", (draft_id,), missing)


def approve_draft(
    conn: sqlite3.Connection,
    settings: Settings,
    draft_id: int,
    *,
    username: str,
    role: str,
    now: datetime,
) -> None:
    _require(role, APPROVER_ROLES, "approuver un brouillon (responsable communication ou admin)")
    draft = get_draft(conn, draft_id)
    texts = json.loads(draft["texts"])
    found = problems(
        settings,
        draft["series_key"],
        texts,
        draft["image_path"],
        from_db(draft["fixed_at"]),
        now,
    )
    if found:
        raise DraftError("approbation impossible : " + " ; ".join(found))
    if not pub.set_draft_status(
        conn, draft_id, from_statuses=("draft",), to_status="approved", actor=username, now=now
    ):
        raise DraftError(f"ce brouillon n'est pas à approuver (état : {draft['status']})")


def send_back_draft(
    conn: sqlite3.Connection,
    draft_id: int,
    comment: str,
    *,
    username: str,
    role: str,
    now: datetime,
) -> None:
    """Refuse a draft for now and tell its author why; editing it asks for approval again."""
    _require(role, APPROVER_ROLES, "renvoyer un brouillon (responsable communication ou admin)")
    if not comment or not comment.strip():
        raise DraftError("Dites à l'auteur ce qu'il faut changer avant de renvoyer le brouillon.")
    if not pub.send_back_draft_row(
        conn, draft_id, comment=comment.strip(), actor=username, now=now
    ):
        raise DraftError(
            f"ce brouillon n'attend pas d'approbation (état : {get_draft(conn, draft_id)['status']})"
        )


def cancel_draft(
    conn: sqlite3.Connection, draft_id: int, *, username: str, role: str, now: datetime
) -> None:
    _require(role, EDITOR_ROLES, "annuler un brouillon")
    if not pub.set_draft_status(
        conn,
        draft_id,
        from_statuses=("draft", "approved"),
        to_status="cancelled",
        actor=username,
        now=now,
    ):
        status = get_draft(conn, draft_id)["status"]
        raise DraftError(f"ce brouillon ne peut plus être annulé (état : {status})")


def pause_series(
    conn: sqlite3.Connection, key: str, paused: bool, *, username: str, role: str, now: datetime
) -> bool:
    _require(role, EDITOR_ROLES, "mettre une série en pause")
    return pub.set_series_paused(conn, key, paused, username, now)


def resolve_publication(
    conn: sqlite3.Connection,
    pub_id: int,
    action: str,
    *,
    username: str,
    role: str,
    now: datetime,
    link: str | None = None,
) -> None:
    """A person settles a post waiting for them: ``published`` (with its link), ``retry``,
    or ``cancel``."""
    _require(role, APPROVER_ROLES, "trancher une publication incertaine")
    if action == "published" and not (link and link.strip().startswith("http")):
        raise DraftError("indiquez le lien de la publication trouvée sur le réseau")
    external_id = link.rstrip("/").rsplit("/", 1)[-1] if link else None
    if not pub.resolve_needs_person(
        conn, pub_id, action=action, actor=username, now=now, link=link, external_id=external_id
    ):
        raise DraftError("cette publication n'attend plus de décision")
