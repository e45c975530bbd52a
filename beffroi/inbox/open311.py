"""Transmitting a signalement to a city service by Open311, and following it to the end.

``transmit`` claims the item's one request slot, then POSTs once. Its answer decides:

- an id (or a token): the item waits on the service, like an e-mail escalation;
- a refusal (4xx, or the server never reached): nothing exists, the slot is freed and the
  manager reads why; transmitting again is safe;
- no answer (timeout after sending, 5xx): the request *may* exist. It is never sent again
  blind. ``poll_open311`` (the scheduler's job, or "Vérifier maintenant") lists the
  service's requests of that moment and looks for the reference Beffroi wrote in the
  description. Found: its id is recorded. Absent from a listing that shows descriptions,
  once the server had time to finish: the slot is freed, transmitting again is safe.
  Otherwise it stays "à vérifier" and says so: a person decides.

The same job asks tokens for their request id and open requests for their status; a
resolved request brings the item back with "prévenir le citoyen" (``open311_view``).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from beffroi.config import Service, Settings
from beffroi.inbox.open311_client import (
    Client,
    Open311Failure,
    Refused,
    Status,
    Unanswered,
)
from beffroi.store import from_db, now_utc
from beffroi.store.open311 import (
    OPEN311_ACTOR,
    claim_request,
    record_accepted,
    record_check_error,
    record_failed,
    record_status,
    record_token_resolved,
    record_uncertain,
    request_by_id,
    requests_to_poll,
)
from beffroi.store.queue import QueueError

UNCERTAIN = (
    "Le serveur Open311 n'a pas répondu : la demande est peut-être arrivée. Elle ne sera pas "
    "renvoyée avant d'avoir été recherchée chez le service (vérification automatique)."
)
NO_LOCATION = "Indiquez l'adresse du signalement (ou ses coordonnées) pour le service."
SEARCH_MARGIN = timedelta(minutes=5)  # around the POST, for the servers' clocks


def settle_after(service: Service) -> timedelta:
    """How long after an unanswered POST its absence from the listing is believed: the
    server may still be writing a request it was slow to acknowledge."""
    return timedelta(seconds=max(60.0, 3 * service.open311.timeout_seconds))


def _client(service: Service) -> Client:
    return Client(service.open311, service.open311.api_key())


def description(settings: Settings, entry: dict, note: str, reference: str) -> str:
    """The citizen's words as plain text, what the manager adds, and Beffroi's reference.

    No name, handle or contact of the citizen: the service needs the problem, and the city
    answers the person itself.
    """
    local = entry["created_at"].astimezone(settings.tz)
    lines = [
        f"Signalement reçu par {settings.city.name} sur {entry['shown_network']} "
        f"le {local:%d/%m/%Y à %H:%M} :",
        entry["text"],
    ]
    if note.strip():
        lines += ["", f"Note de l'équipe communication : {note.strip()}"]
    lines += ["", f"Référence Beffroi : {reference}"]
    return "\n".join(lines)


def transmit(
    conn: sqlite3.Connection,
    settings: Settings,
    entry: dict,
    service: Service,
    *,
    actor: str,
    note: str = "",
    address: str | None = None,
    lat: float | None = None,
    long: float | None = None,
    now: datetime | None = None,
) -> str:
    """Create the service's request for this item, once; the French outcome."""
    now = now or now_utc()
    address = (address or "").strip() or None
    if (lat is None) != (long is None):
        raise QueueError("Donnez la latitude et la longitude, ou aucune des deux.")
    if address is None and lat is None:
        raise QueueError(NO_LOCATION)
    if not service.open311.api_key():
        raise QueueError(
            f"La clé d'API Open311 du service {service.name} manque : variable "
            f"d'environnement {service.open311.api_key_env}."
        )
    row = claim_request(
        conn,
        entry["queue_id"],
        service.key,
        address=address,
        lat=lat,
        long=long,
        actor=actor,
        now=now,
    )
    text = description(settings, entry, note, row["reference"])
    try:
        got = _client(service).create(text, address=address, lat=lat, long=long)
    except Refused as exc:
        record_failed(conn, row["id"], str(exc), actor=actor, now=now)
        raise QueueError(f"La demande n'a pas été créée : {exc}.") from None
    except Unanswered as exc:
        record_uncertain(conn, row["id"], str(exc), now)
        raise QueueError(UNCERTAIN) from None
    record_accepted(
        conn,
        row["id"],
        request_id=got.request_id,
        token=got.token,
        notice=got.notice,
        actor=actor,
        now=now,
    )
    if got.request_id:
        return f"Demande n°{got.request_id} créée chez {service.name}."
    return f"Demande reçue par {service.name} (numéro à venir)."


# ---------------------------------------------------------------- following requests


@dataclass
class PollResult:
    checked: int = 0
    found: int = 0  # unanswered requests found at the service
    freed: int = 0  # unanswered requests established as never arrived
    resolved: int = 0
    errors: list[str] = field(default_factory=list)


def poll_open311(
    conn: sqlite3.Connection, settings: Settings, now: datetime | None = None
) -> PollResult:
    """Settle unanswered requests, resolve tokens, read open requests' status (several
    per call where the server allows it; one by one where it does not)."""
    result = PollResult()
    rows = requests_to_poll(conn)
    known = _statuses_in_bulk(settings, [r for r in rows if r["state"] == "open"])
    for row in rows:
        check_request(conn, settings, row["id"], now=now, result=result, known=known)
    return result


BULK = 50  # request ids per GET /requests.json


def _statuses_in_bulk(settings: Settings, rows) -> dict[int, Status]:
    """Row id → status, for the open requests their server listed in bulk."""
    known: dict[int, Status] = {}
    for service in settings.services:
        if service.open311 is None:
            continue
        mine = {r["request_id"]: r["id"] for r in rows if r["service"] == service.key}
        ids = sorted(mine)
        client = _client(service)
        for start in range(0, len(ids), BULK):
            try:
                listed = client.statuses(ids[start : start + BULK])
            except Open311Failure:
                continue  # not offered by this server: each is asked on its own
            known |= {mine[request_id]: status for request_id, status in listed.items()}
    return known


def check_request(
    conn: sqlite3.Connection,
    settings: Settings,
    row_id: int,
    *,
    now: datetime | None = None,
    result: PollResult | None = None,
    known: dict[int, Status] | None = None,
) -> PollResult:
    """One request's turn (the poll's, or the manager's "Vérifier maintenant");
    ``known``: statuses already read in bulk, by row id."""
    now = now or now_utc()
    result = result or PollResult()
    row = request_by_id(conn, row_id)
    service = next((s for s in settings.services if s.key == row["service"]), None)
    if service is None or service.open311 is None:
        return result  # the service left the configuration: nothing to ask
    sent = from_db(row["sent_at"])
    if row["state"] == "sending" and now - sent < settle_after(service):
        return result  # its POST may be under way in another process
    result.checked += 1
    client = _client(service)
    try:
        if row["state"] in ("sending", "uncertain"):
            _look_for(conn, client, row, service, sent, now, result)
        elif row["state"] == "token":
            request_id = client.request_id_for_token(row["token"])
            if request_id:
                record_token_resolved(conn, row_id, request_id, now)
        else:
            status = (known or {}).get(row_id) or client.status(row["request_id"])
            if record_status(conn, row_id, status.status, status.notes, now):
                result.resolved += 1
    except Open311Failure as exc:
        record_check_error(conn, row_id, str(exc), now)
        result.errors.append(f"{row['reference']}: {exc}")
    return result


def _look_for(conn, client: Client, row, service: Service, sent, now, result) -> None:
    search = client.find(row["reference"], sent - SEARCH_MARGIN, now + SEARCH_MARGIN)
    if search.request_id:
        record_accepted(
            conn,
            row["id"],
            request_id=search.request_id,
            token=None,
            notice=None,
            actor=row["actor"],
            now=now,
        )
        result.found += 1
    elif search.conclusive and now - sent >= settle_after(service):
        record_failed(
            conn,
            row["id"],
            "vérifié : la demande n'est pas arrivée chez le service ; elle peut être "
            "transmise à nouveau",
            actor=OPEN311_ACTOR,
            now=now,
        )
        result.freed += 1
    else:
        why = "trop tôt pour conclure" if search.conclusive else "la liste du service est muette"
        record_uncertain(conn, row["id"], f"demande introuvable ({why})", now)


def check_services(settings: Settings) -> list[tuple[bool, str]]:
    """``beffroi doctor``'s lines for the services on Open311: the API key set, the server
    answering, the configured service_code among the ones it lists."""
    lines = []
    for service in settings.services:
        target = service.open311
        if target is None:
            continue
        name = f"service {service.key} (Open311 {target.endpoint})"
        if not target.api_key():
            lines.append((False, f"{name}: API key missing, set ${target.api_key_env}"))
            continue
        try:
            codes = _client(service).service_codes()
        except Open311Failure as exc:
            lines.append((False, f"{name}: {exc}"))
            continue
        if target.service_code not in codes:
            shown = ", ".join(codes[:8]) or "none"
            lines.append(
                (False, f"{name}: service_code {target.service_code!r} not offered ({shown})")
            )
        else:
            lines.append((True, f"{name}: answers, takes {target.service_code!r}, key set"))
    return lines
