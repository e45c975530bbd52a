"""Community writes: members entered by hand, links between accounts, flags, events,
invitations. (Reactions and shares come in with collected pages: ``inbox.ingest_page``.)

Every rule that protects people lives here, next to the SQL, so that no screen or command
can skip it: an invitation moves only along its life cycle; an invitation to an event with an
age range (a Snapmeet for 12-18 year olds) leaves, and is accepted, only once the age the
person declared is recorded and within the range; and a minor cannot be marked ``accepted``
before a parental consent is recorded. Nothing about age is guessed.
"""

from __future__ import annotations

import csv
import io
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from beffroi.errors import BeffroiError
from beffroi.french import french_date
from beffroi.store.connection import one_row, transaction
from beffroi.store.meta import write_audit
from beffroi.store.objection import has_objected
from beffroi.store.send_claims import SendClaims
from beffroi.store.times import from_db, now_utc, to_db

EVENT_KINDS = ("instameet", "snapmeet", "afterwork", "other")
INVITATION_STATES = ("proposed", "invited", "accepted", "declined", "attended", "no_show")
# The words staff read for each state (pages, messages, the access export).
INVITATION_LABELS = {
    "proposed": "proposée",
    "invited": "envoyée",
    "accepted": "acceptée",
    "declined": "déclinée",
    "attended": "présent·e",
    "no_show": "absent·e",
}
# Where an invitation may go from each state. ``accepted → declined`` lets a person change
# their mind; ``declined → accepted`` lets them change it back before the event.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "proposed": ("invited",),
    "invited": ("accepted", "declined"),
    "accepted": ("attended", "no_show", "declined"),
    "declined": ("accepted",),
    "attended": (),
    "no_show": (),
}
# Networks without an API to send a private message: invitations are copied by hand.
MANUAL_NETWORKS = frozenset({"snapchat", "instagram_public"})
ADULT_AGE = 18

DEFAULT_TEMPLATE = (
    "Bonjour {nom},\n\n"
    "Vous faites partie des personnes qui font vivre la communauté de {ville} sur {reseau} : "
    "merci ! Nous serions ravis de vous accueillir à « {evenement} » le {date} à {heure}"
    "{lieu}.\n\n"
    "{mineurs}"
    "Pouvez-vous nous dire en réponse à ce message si vous serez des nôtres ?\n\n"
    "À très bientôt,\nL'équipe communication de {ville}"
)
MINORS_NOTE = (
    "Cette rencontre est réservée aux {age_min}-{age_max} ans : pour les moins de 18 ans, "
    "une autorisation parentale vous sera demandée avant de confirmer.\n\n"
)


class CommunityError(BeffroiError, ValueError):
    """A community action that the rules refuse; the message is French and safe to show."""


@dataclass(frozen=True)
class Event:
    id: int
    name: str
    kind: str
    starts_at: datetime
    place: str | None
    capacity: int | None
    min_age: int | None
    max_age: int | None

    @property
    def for_minors(self) -> bool:
        return under_18(self.min_age, self.max_age)


def under_18(min_age: int | None, max_age: int | None) -> bool:
    """An event whose age range goes below 18 (a Snapmeet for 12–18 year olds)."""
    return (min_age is not None and min_age < ADULT_AGE) or (
        max_age is not None and max_age < ADULT_AGE
    )


# ---------------------------------------------------------------- members


def _member_row(conn: sqlite3.Connection, member_id: int) -> sqlite3.Row:
    missing = CommunityError(f"membre {member_id} introuvable")
    return one_row(conn, "SELECT * FROM members WHERE id = ?", (member_id,), missing)


def add_member(
    conn: sqlite3.Connection,
    network: str,
    handle: str,
    display_name: str | None = None,
    notes: str | None = None,
    *,
    actor: str = "system",
    now: datetime | None = None,
) -> int:
    """Add (or update) a member entered by hand, e.g. a Snapchat follower: no API sees them."""
    handle = (handle or "").strip().lstrip("@")
    if not handle:
        raise CommunityError("un pseudo est nécessaire")
    stamp = to_db(now or now_utc())
    with transaction(conn):
        member_id = _upsert_manual(conn, network, handle, display_name, notes, stamp)
        write_audit(conn, actor, "member.add", "member", member_id, {"network": network}, now)
    return member_id


def _upsert_manual(
    conn: sqlite3.Connection,
    network: str,
    handle: str,
    display_name: str | None,
    notes: str | None,
    stamp: str,
) -> int:
    row = conn.execute(
        """
        INSERT INTO members (network, external_id, handle, display_name, notes,
                             first_seen_at, last_seen_at)
        VALUES (?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (network, external_id) DO UPDATE SET
            display_name = coalesce(excluded.display_name, members.display_name),
            notes = coalesce(excluded.notes, members.notes)
        RETURNING id
        """,
        (
            network,
            handle.lower(),
            handle,
            (display_name or "").strip() or None,
            (notes or "").strip() or None,
            stamp,
            stamp,
        ),
    ).fetchone()
    return int(row[0])


def import_members_csv(
    conn: sqlite3.Connection,
    text: str,
    network: str = "snapchat",
    *,
    actor: str = "system",
    now: datetime | None = None,
) -> int:
    """Import members from CSV with columns handle, display name, notes (header optional).

    All rows or none: a file with an empty handle is refused with its line number.
    """
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    if rows and rows[0] and rows[0][0].strip().lower() in ("handle", "pseudo", "identifiant"):
        rows = rows[1:]
    stamp = to_db(now or now_utc())
    count = 0
    with transaction(conn):
        for number, row in enumerate(rows, start=2):
            if not any(cell.strip() for cell in row):
                continue
            handle = row[0].strip().lstrip("@")
            if not handle:
                raise CommunityError(f"ligne {number} : pseudo manquant")
            display = row[1] if len(row) > 1 else None
            notes = row[2] if len(row) > 2 else None
            _upsert_manual(conn, network, handle, display, notes, stamp)
            count += 1
        write_audit(conn, actor, "member.import", "member", None, {"count": count}, now)
    return count


def link_members(
    conn: sqlite3.Connection,
    person_member_id: int,
    other_member_id: int,
    *,
    actor: str = "system",
    now: datetime | None = None,
) -> int:
    """Record that two accounts are the same person; returns the person's id.

    The person is identified by the first account's own person (or itself), and every
    account already linked to the second joins it too, so links never form chains.
    """
    with transaction(conn):
        return join_accounts(conn, person_member_id, other_member_id, actor=actor, now=now)


def join_accounts(
    conn: sqlite3.Connection,
    person_member_id: int,
    other_member_id: int,
    *,
    actor: str,
    now: datetime | None = None,
    detail: dict | None = None,
) -> int:
    """``link_members`` inside the caller's transaction (a confirmed link proposal records
    its own audit row with it); ``detail`` is added to the audit row's."""
    if person_member_id == other_member_id:
        raise CommunityError("un compte ne peut pas être lié à lui-même")
    first = _member_row(conn, person_member_id)
    second = _member_row(conn, other_member_id)
    person = first["person_id"] or first["id"]
    old = second["person_id"] or second["id"]
    conn.execute(
        "UPDATE members SET person_id = ? WHERE id IN (?, ?) OR person_id = ?",
        (person, person, old, old),
    )
    audit = {"person": person, **(detail or {})}
    write_audit(conn, actor, "member.link", "member", other_member_id, audit, now)
    return int(person)


def unlink_member(
    conn: sqlite3.Connection, member_id: int, *, actor: str = "system", now: datetime | None = None
) -> None:
    """Detach one account from its person; if it was the person itself, the others regroup."""
    with transaction(conn):
        row = _member_row(conn, member_id)
        person = row["person_id"]
        conn.execute("UPDATE members SET person_id = NULL WHERE id = ?", (member_id,))
        if person == member_id:
            others = [
                r[0]
                for r in conn.execute(
                    "SELECT id FROM members WHERE person_id = ? ORDER BY id", (member_id,)
                )
            ]
            new_person = others[0] if len(others) > 1 else None
            conn.execute(
                "UPDATE members SET person_id = ? WHERE person_id = ?", (new_person, member_id)
            )
        elif person is not None:
            left = conn.execute(
                "SELECT count(*) FROM members WHERE person_id = ? AND id != ?", (person, person)
            ).fetchone()[0]
            if left == 0:
                conn.execute("UPDATE members SET person_id = NULL WHERE id = ?", (person,))
        write_audit(conn, actor, "member.unlink", "member", member_id, None, now)


def set_member_flags(
    conn: sqlite3.Connection,
    member_id: int,
    *,
    is_staff: bool | None = None,
    is_blocked: bool | None = None,
    is_spam: bool | None = None,
    actor: str = "system",
    now: datetime | None = None,
) -> None:
    """Flag a member out of the ranking (staff, blocked, spam); ``None`` leaves a flag as is."""
    flags = {"is_staff": is_staff, "is_blocked": is_blocked, "is_spam": is_spam}
    with transaction(conn):
        _member_row(conn, member_id)
        for column, value in flags.items():
            if value is not None:
                # Column names come from the fixed dict above, never from the caller.
                conn.execute(
                    f"UPDATE members SET {column} = ? WHERE id = ?",  # noqa: S608
                    (int(value), member_id),
                )
        changed = {k: v for k, v in flags.items() if v is not None}
        write_audit(conn, actor, "member.flags", "member", member_id, changed, now)


# ---------------------------------------------------------------- events


def create_event(
    conn: sqlite3.Connection,
    *,
    name: str,
    kind: str,
    starts_at: datetime,
    place: str | None = None,
    capacity: int | None = None,
    min_age: int | None = None,
    max_age: int | None = None,
    actor: str = "system",
    now: datetime | None = None,
) -> int:
    if not name.strip():
        raise CommunityError("un événement a besoin d'un nom")
    if kind not in EVENT_KINDS:
        raise CommunityError(f"type d'événement inconnu : {kind}")
    if capacity is not None and capacity < 1:
        raise CommunityError("la capacité doit être d'au moins une personne")
    if min_age is not None and max_age is not None and min_age > max_age:
        raise CommunityError("l'âge minimum dépasse l'âge maximum")
    with transaction(conn):
        # Checked in the writing transaction: a double click on "Créer" makes one event.
        twin = conn.execute(
            "SELECT 1 FROM events WHERE name = ? AND starts_at = ?",
            (name.strip(), to_db(starts_at)),
        ).fetchone()
        if twin:
            raise CommunityError(
                f"la rencontre « {name.strip()} » du {french_date(starts_at)} existe déjà"
            )
        row = conn.execute(
            """
            INSERT INTO events (name, kind, starts_at, place, capacity, min_age, max_age, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id
            """,
            (
                name.strip(),
                kind,
                to_db(starts_at),
                place,
                capacity,
                min_age,
                max_age,
                to_db(now or now_utc()),
            ),
        ).fetchone()
        write_audit(conn, actor, "event.create", "event", row[0], {"name": name}, now)
    return int(row[0])


def get_event(conn: sqlite3.Connection, event_id: int) -> Event:
    missing = CommunityError(f"événement {event_id} introuvable")
    row = one_row(conn, "SELECT * FROM events WHERE id = ?", (event_id,), missing)
    return Event(
        id=row["id"],
        name=row["name"],
        kind=row["kind"],
        starts_at=from_db(row["starts_at"]),
        place=row["place"],
        capacity=row["capacity"],
        min_age=row["min_age"],
        max_age=row["max_age"],
    )


# ---------------------------------------------------------------- invitations


def draft_message(
    event: Event,
    member: Mapping[str, Any],
    *,
    city: str,
    tz,
    template: str = DEFAULT_TEMPLATE,
    network_label: str | None = None,
) -> str:
    """The French invitation for one member, from a template with named fields."""
    local = event.starts_at.astimezone(tz)
    minors = ""
    if event.for_minors:
        minors = MINORS_NOTE.format(age_min=event.min_age or "", age_max=event.max_age or 18)
    fields = {
        "nom": member.get("display_name") or member.get("handle") or "",
        "pseudo": member.get("handle") or "",
        "ville": city,
        "reseau": network_label or member.get("network") or "",
        "evenement": event.name,
        "date": french_date(local),
        "heure": local.strftime("%Hh%M"),
        "lieu": f", {event.place}" if event.place else "",
        "mineurs": minors,
        "capacite": event.capacity or "",
    }
    try:
        return template.format(**fields)
    except (KeyError, IndexError, ValueError) as exc:
        raise CommunityError(f"modèle d'invitation invalide : champ {exc} inconnu") from None


def propose_invitations(
    conn: sqlite3.Connection,
    event_id: int,
    messages: Mapping[int, str],
    *,
    actor: str = "system",
    now: datetime | None = None,
) -> list[int]:
    """Create ``proposed`` invitations (member id → drafted message); existing ones are kept.

    Refuses to go over the event's capacity, counting invitations not declined.
    """
    event = get_event(conn, event_id)
    stamp = to_db(now or now_utc())
    ids = []
    with transaction(conn):
        if event.capacity is not None:
            current = conn.execute(
                "SELECT count(*) FROM invitations WHERE event_id = ? AND status != 'declined'",
                (event_id,),
            ).fetchone()[0]
            fresh = [
                m
                for m in messages
                if conn.execute(
                    "SELECT 1 FROM invitations WHERE event_id = ? AND member_id = ?",
                    (event_id, m),
                ).fetchone()
                is None
            ]
            if current + len(fresh) > event.capacity:
                raise CommunityError(
                    f"capacité dépassée : {current} invitation(s) déjà, "
                    f"{len(fresh)} de plus pour {event.capacity} places"
                )
        for member_id, message in messages.items():
            member = _member_row(conn, member_id)
            if member["erased_at"] is not None:
                raise CommunityError(f"le membre {member_id} a été effacé")
            if has_objected(conn, member_id):
                raise CommunityError(
                    f"le membre {member_id} s'est opposé au classement : il n'est pas invité"
                )
            row = conn.execute(
                """
                INSERT INTO invitations (event_id, member_id, status, message, created_at, updated_at,
                                         updated_by)
                VALUES (?, ?, 'proposed', ?, ?, ?, ?)
                ON CONFLICT (event_id, member_id) DO NOTHING
                RETURNING id
                """,
                (event_id, member_id, message, stamp, stamp, actor),
            ).fetchone()
            if row is not None:
                ids.append(int(row[0]))
        write_audit(conn, actor, "invitation.propose", "event", event_id, {"count": len(ids)}, now)
    return ids


_INVITATION_SQL = """
    SELECT i.*, e.min_age, e.max_age, m.network AS member_network, m.handle
    FROM invitations i JOIN events e ON e.id = i.event_id JOIN members m ON m.id = i.member_id
    WHERE i.id = ?
"""


def _invitation(conn: sqlite3.Connection, invitation_id: int) -> sqlite3.Row:
    missing = CommunityError(f"invitation {invitation_id} introuvable")
    return one_row(conn, _INVITATION_SQL, (invitation_id,), missing)


def _age_span(min_age: int | None, max_age: int | None) -> str:
    if min_age is not None and max_age is not None:
        return f"{min_age}-{max_age} ans"
    if min_age is not None:
        return f"{min_age} ans et plus"
    return f"{max_age} ans au plus"


def age_refusal(row: Mapping[str, Any]) -> str | None:
    """Why an invitation to this event cannot go out or be accepted yet, in French, or None.

    ``row`` carries the event's ``min_age``/``max_age`` and the invitation's
    ``declared_age``/``is_minor``. An adult declared without an age is enough only for an
    event with no upper age limit that admits adults."""
    low, high = row["min_age"], row["max_age"]
    if low is None and high is None:
        return None
    span = _age_span(low, high)
    age = row["declared_age"]
    if age is None:
        if row["is_minor"] == 0 and high is None and (low is None or low <= ADULT_AGE):
            return None
        return (
            f"Cette rencontre est réservée aux {span} : enregistrez d'abord l'âge déclaré par "
            "la personne (rien n'est deviné)."
        )
    if (low is not None and age < low) or (high is not None and age > high):
        return f"Cette rencontre est réservée aux {span} : la personne a déclaré {age} ans."
    return None


def _edit_invitation(conn, invitation_id: int, columns: dict, action: str, detail, actor, now):
    """Set an invitation's ``columns`` (ours, never a caller's), stamped with when and by whom,
    and write its audit line ``action``; inside the caller's transaction."""
    values = {**columns, "updated_at": to_db(now or now_utc()), "updated_by": actor}
    sets = ", ".join(f"{name} = ?" for name in values)
    conn.execute(
        f"UPDATE invitations SET {sets} WHERE id = ?",  # noqa: S608 (column names are ours)
        (*values.values(), invitation_id),
    )
    write_audit(conn, actor, action, "invitation", invitation_id, detail, now)


def declare_age(
    conn: sqlite3.Connection,
    invitation_id: int,
    age: int,
    *,
    actor: str = "system",
    now: datetime | None = None,
) -> None:
    """Record the age the person (or their parent) declared; it also says whether they are a
    minor. The audit says that an age was declared, not which (only the invitation keeps it,
    and it goes with the invitation on erasure)."""
    if isinstance(age, bool) or not isinstance(age, int) or not 1 <= age <= 120:
        raise CommunityError("l'âge déclaré doit être un nombre entier entre 1 et 120")
    declared = {"declared_age": age, "is_minor": int(age < ADULT_AGE)}
    with transaction(conn):
        _invitation(conn, invitation_id)
        _edit_invitation(conn, invitation_id, declared, "invitation.age", None, actor, now)


def record_parental_consent(
    conn: sqlite3.Connection,
    invitation_id: int,
    *,
    actor: str,
    now: datetime | None = None,
) -> None:
    """Record that a parent's consent was received (by whom it was recorded, and when)."""
    now = now or now_utc()
    with transaction(conn):
        row = _invitation(conn, invitation_id)
        if row["is_minor"] != 1:
            raise CommunityError(
                "l'autorisation parentale ne concerne qu'une personne déclarée mineure"
            )
        consent = {"consent_recorded_at": to_db(now), "consent_recorded_by": actor}
        _edit_invitation(conn, invitation_id, consent, "invitation.consent", None, actor, now)


def set_status(
    conn: sqlite3.Connection,
    invitation_id: int,
    status: str,
    *,
    actor: str = "system",
    now: datetime | None = None,
    sent_via: str | None = None,
    dm_item_id: int | None = None,
    claimed: bool = False,
) -> None:
    """Move an invitation along its life cycle, refusing any other move (and any move while
    it is being sent, unless ``claimed``: the sender itself, see ``_move``).

    ``accepted`` for an event under 18 needs the minor status declared and, for a minor,
    the parental consent recorded first.
    """
    with transaction(conn):
        _move(conn, invitation_id, status, actor, now, sent_via, dm_item_id, claimed=claimed)


def _move(
    conn: sqlite3.Connection,
    invitation_id: int,
    status: str,
    actor: str,
    now: datetime | None,
    sent_via: str | None = None,
    dm_item_id: int | None = None,
    *,
    claimed: bool = False,
) -> None:
    """``set_status`` inside the caller's transaction. ``claimed``: the caller holds the send
    claim (``claim_invitation_send``) and records its own send, which frees the claim."""
    if status not in INVITATION_STATES:
        raise CommunityError(f"état d'invitation inconnu : {status}")
    stamp = to_db(now or now_utc())
    row = _invitation(conn, invitation_id)
    current = row["status"]
    if row["sending_since"] is not None and not claimed:
        raise CommunityError(INVITATION_SENDING)
    if status not in TRANSITIONS[current]:
        raise CommunityError(
            f"passage impossible de « {INVITATION_LABELS[current]} » "
            f"à « {INVITATION_LABELS[status]} »"
        )
    refusal = age_refusal(row) if status in ("invited", "accepted") else None
    if refusal:
        raise CommunityError(refusal)
    if status == "accepted" and under_18(row["min_age"], row["max_age"]):
        if row["is_minor"] is None:
            raise CommunityError(
                "événement pour mineurs : indiquez d'abord si la personne est mineure"
            )
        if row["is_minor"] == 1 and row["consent_recorded_at"] is None:
            raise CommunityError(
                "personne mineure : enregistrez l'autorisation parentale avant d'accepter"
            )
    extra = {
        "invited": "invited_at",
        "accepted": "responded_at",
        "declined": "responded_at",
        "attended": "attended_marked_at",
        "no_show": "attended_marked_at",
    }[status]
    # ``extra`` is one of the fixed column names above.
    conn.execute(
        f"""
        UPDATE invitations SET status = ?, {extra} = ?, updated_at = ?, updated_by = ?,
               sent_via = coalesce(?, sent_via), dm_item_id = coalesce(?, dm_item_id),
               sending_since = NULL, sending_by = NULL, send_check = NULL,
               send_error = CASE WHEN ? = 'invited' THEN NULL ELSE send_error END
        WHERE id = ?
        """,  # noqa: S608
        (status, stamp, stamp, actor, sent_via, dm_item_id, status, invitation_id),
    )
    write_audit(
        conn,
        actor,
        f"invitation.{status}",
        "invitation",
        invitation_id,
        {"from": current, "via": sent_via} if sent_via else {"from": current},
        now,
    )


INVITATION_SENDING = (
    "Cette invitation est en cours d'envoi : attendez la fin de l'envoi avant de la modifier."
)
INVITATION_ALREADY_SENDING = "Cette invitation est déjà en cours d'envoi."
INVITATION_CLAIM_CHANGED = "l'envoi de cette invitation a changé entre-temps"


def claim_invitation_send(
    conn: sqlite3.Connection, invitation_id: int, *, actor: str, now: datetime | None = None
) -> str:
    """Take the send claim of a proposed invitation (its stamp); a second click is refused.

    As ``queue.claim_send`` for replies: only one caller changes the row, the other gets a
    CommunityError and never reaches the network.
    """
    stamp = to_db(now or now_utc())
    with transaction(conn):
        row = _invitation(conn, invitation_id)
        if row["status"] != "proposed":
            raise CommunityError("cette invitation est déjà partie")
        cur = conn.execute(
            "UPDATE invitations SET sending_since = ?, sending_by = ?, updated_at = ? "
            "WHERE id = ? AND status = 'proposed' AND sending_since IS NULL",
            (stamp, actor, stamp, invitation_id),
        )
        if cur.rowcount != 1:
            raise CommunityError(INVITATION_ALREADY_SENDING)
    return stamp


def invitation_claim(conn: sqlite3.Connection, invitation_id: int) -> sqlite3.Row:
    """The invitation's row with its send claim (``sending_since``, ``sending_by``,
    ``send_check``), its message and the DM it answers (``dm_to``)."""
    return _invitation(conn, invitation_id)


# Settling a DM invitation's stuck send claim (``inbox.release_stuck_invitation``, then a
# person's decision): the invitation stays ``proposed`` when freed, to send again.
INVITATION_SENDS = SendClaims(
    table="invitations", error=CommunityError, changed=INVITATION_CLAIM_CHANGED
)
release_invitation_send = INVITATION_SENDS.release
record_invitation_check = INVITATION_SENDS.record_check


def set_invitation_message(
    conn: sqlite3.Connection,
    invitation_id: int,
    message: str,
    *,
    actor: str = "system",
    now: datetime | None = None,
) -> None:
    """The text staff edited before sending: changeable while the invitation is proposed
    and not being sent (the text that leaves is the text that was read)."""
    if not message.strip():
        raise CommunityError("le message de l'invitation est vide")
    with transaction(conn):
        cur = conn.execute(
            "UPDATE invitations SET message = ?, updated_at = ?, updated_by = ? "
            "WHERE id = ? AND status = 'proposed' AND sending_since IS NULL",
            (message.strip(), to_db(now or now_utc()), actor, invitation_id),
        )
        if cur.rowcount != 1:
            row = _invitation(conn, invitation_id)
            if row["sending_since"] is not None:
                raise CommunityError(INVITATION_SENDING)
            raise CommunityError("cette invitation est déjà partie : son texte ne change plus")
        write_audit(conn, actor, "invitation.edit", "invitation", invitation_id, None, now)


def invitation_to_send(conn: sqlite3.Connection, invitation_id: int) -> tuple[str, int | None]:
    """A proposed invitation's message, and the member's last DM to answer it in (None where
    the network cannot send one, or the member never wrote to the city)."""
    row = _invitation(conn, invitation_id)
    if row["status"] != "proposed":
        raise CommunityError("cette invitation est déjà partie")
    refusal = age_refusal(row)
    if refusal:
        raise CommunityError(refusal)
    if row["member_network"] in MANUAL_NETWORKS:
        return row["message"] or "", None
    dm = conn.execute(
        "SELECT id FROM items WHERE member_id = ? AND kind = 'dm' AND direction = 'in' "
        "ORDER BY created_at DESC LIMIT 1",
        (row["member_id"],),
    ).fetchone()
    return row["message"] or "", dm[0] if dm else None


def record_invitation_error(
    conn: sqlite3.Connection, invitation_id: int, error: str, now: datetime | None = None
) -> None:
    """The network refused the DM: the invitation stays ``proposed`` with the error shown
    (and its send claim freed, to try again)."""
    with transaction(conn):
        conn.execute(
            "UPDATE invitations SET send_error = ?, sending_since = NULL, sending_by = NULL, "
            "updated_at = ? WHERE id = ?",
            (error, to_db(now or now_utc()), invitation_id),
        )


def record_invitation_sent(
    conn: sqlite3.Connection,
    invitation_id: int,
    account: str,
    sent: Any,
    *,
    actor: str = "system",
    now: datetime | None = None,
) -> None:
    """The DM went: store it (``sent``, the collector's Item) and mark the invitation
    ``invited`` with it, in one transaction. A DM a collection stored first is found."""
    from beffroi.store.ingest import save_items

    with transaction(conn):
        new_ids = save_items(conn, account, [sent], now=now).new_ids
        if new_ids:
            item_id = new_ids[0]
        else:
            item_id = conn.execute(
                "SELECT id FROM items WHERE network = ? AND external_id = ?",
                (sent.network, sent.external_id),
            ).fetchone()[0]
        _move(
            conn, invitation_id, "invited", actor, now, sent_via="dm", dm_item_id=item_id,
            claimed=True,
        )  # fmt: skip
