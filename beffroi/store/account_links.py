"""Proposals to link one person's accounts across networks, for staff to confirm or refuse.

Beffroi never links accounts by itself: that two accounts are one person is personal data,
and a wrong link would merge two citizens' histories. It only proposes, from what the person
published: their profile on one network names an account on another ("Aussi sur X :
@…", common on Bluesky and Mastodon since 2025), that account is known, and the names both
accounts show agree ("Philippe Dubois" and "Philippe D." do). A member of staff confirms
(the accounts are linked as by hand, ``community.join_accounts``) or refuses (the pair is
remembered in ``link_refusals`` and never proposed again); both are audited.

Not proposed: accounts already one person, erased accounts, and people who objected to the
ranking (art. 21: the link would only serve to rank them).
"""

from __future__ import annotations

import re
import sqlite3
import unicodedata
from dataclasses import dataclass
from datetime import datetime

from beffroi.store.community import CommunityError, join_accounts
from beffroi.store.connection import transaction
from beffroi.store.meta import write_audit
from beffroi.store.times import now_utc, to_db

# "@name", "@name.bsky.social", "@name@instance.social"; a final full stop is the sentence's.
HANDLE = re.compile(r"(?<![\w@])@([A-Za-z0-9_][\w.\-]*(?:@[\w\-]+(?:\.[\w\-]+)+)?)")
# The words before a handle that say which network it is on, nearest first.
NETWORK_WORDS = {
    "x": ("x", "twitter"),
    "bluesky": ("bluesky", "bsky"),
    "mastodon": ("mastodon", "masto", "fédivers", "fediverse"),
    "instagram": ("instagram", "insta"),
    "facebook": ("facebook", "fb"),
}
WORD = re.compile(r"[\wé]+", re.IGNORECASE)
LOOK_BACK = 40  # characters before a handle where its network is named
QUOTE_CHARS = 160  # the longest quote of a profile shown with a proposal


@dataclass(frozen=True)
class Account:
    id: int
    network: str
    handle: str
    display_name: str | None


@dataclass(frozen=True)
class LinkProposal:
    """``source``'s profile names ``target``; ``quote`` is the profile's words that do."""

    source: Account
    target: Account
    quote: str

    @property
    def pair(self) -> tuple[int, int]:
        return tuple(sorted((self.source.id, self.target.id)))  # type: ignore[return-value]


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def names_agree(first: str | None, second: str | None) -> bool:
    """The same person's names on two networks: equal, or one shortens the last name to
    its initial ("Philippe Dubois" / "Philippe D."); accents and case aside."""
    if not first or not second:
        return False
    a, b = WORD.findall(_plain(first)), WORD.findall(_plain(second))
    if not a or not b or a[0] != b[0]:
        return False
    if a == b:
        return True
    short, full = sorted((a, b), key=lambda words: sum(len(w) for w in words))
    return len(short) == len(full) == 2 and len(short[1]) == 1 and full[1].startswith(short[1])


def _networks_named(before: str, handle: str) -> tuple[str, ...]:
    """Where the handle is: the network named just before it, else its shape says."""
    words = WORD.findall(_plain(before[-LOOK_BACK:]))
    for word in reversed(words):
        for network, names in NETWORK_WORDS.items():
            if word in {_plain(n) for n in names}:
                return (network,)
    if "@" in handle:
        return ("mastodon",)
    if handle.endswith(".bsky.social") or "." in handle:
        return ("bluesky",)
    return ("x", "instagram")


def _handles_named(profile: str) -> list[tuple[str, tuple[str, ...], str]]:
    """(handle, networks it may be on, the words quoted) for each handle of a profile."""
    found = []
    for match in HANDLE.finditer(profile):
        handle = match.group(1).rstrip(".-")
        # The quote is the line that names the handle, its end cut if it is long.
        line_start = profile.rfind("\n", 0, match.start()) + 1
        line_end = profile.find("\n", match.end())
        quote = profile[line_start : line_end if line_end >= 0 else None].strip()
        if len(quote) > QUOTE_CHARS:
            quote = quote[: QUOTE_CHARS - 1] + "…"
        found.append((handle, _networks_named(profile[: match.start()], handle), quote))
    return found


def _account(row: sqlite3.Row) -> Account:
    return Account(row["id"], row["network"], row["handle"] or "", row["display_name"])


SOURCES = """
SELECT id, network, handle, display_name, profile, coalesce(person_id, id) AS person
FROM members
WHERE profile IS NOT NULL AND erased_at IS NULL AND objected_at IS NULL
  AND (:member IS NULL OR id = :member)
ORDER BY id
"""
TARGETS = """
SELECT id, network, handle, display_name, coalesce(person_id, id) AS person FROM members
WHERE network = ? AND (handle = ? COLLATE NOCASE OR handle = ? COLLATE NOCASE)
  AND erased_at IS NULL AND objected_at IS NULL
ORDER BY id
"""


def link_proposals(conn: sqlite3.Connection, member_id: int | None = None) -> list[LinkProposal]:
    """Every pending proposal (or those read from ``member_id``'s profile), oldest first.

    Real collectors store some handles with their "@" (Bluesky, Mastodon), others without
    (X): both spellings are looked up, through the members' handle index."""
    refused = {
        (r[0], r[1]) for r in conn.execute("SELECT member_id, other_member_id FROM link_refusals")
    }
    proposals: dict[tuple[int, int], LinkProposal] = {}
    for row in conn.execute(SOURCES, {"member": member_id}).fetchall():
        for handle, networks, quote in _handles_named(row["profile"]):
            for network in networks:
                if network == row["network"]:
                    continue
                for other in conn.execute(TARGETS, (network, handle, f"@{handle}")).fetchall():
                    if other["person"] == row["person"]:
                        continue
                    if not names_agree(row["display_name"], other["display_name"]):
                        continue
                    proposal = LinkProposal(_account(row), _account(other), quote)
                    if proposal.pair not in refused:
                        proposals.setdefault(proposal.pair, proposal)
    return list(proposals.values())


def _pending(conn: sqlite3.Connection, member_id: int, other_member_id: int) -> LinkProposal:
    pair = tuple(sorted((member_id, other_member_id)))
    for proposal in link_proposals(conn, member_id) + link_proposals(conn, other_member_id):
        if proposal.pair == pair:
            return proposal
    raise CommunityError(
        "Cette proposition n'est plus d'actualité (déjà reliée, refusée ou comptes effacés)."
    )


def confirm_link_proposal(
    conn: sqlite3.Connection,
    member_id: int,
    other_member_id: int,
    *,
    actor: str,
    now: datetime | None = None,
) -> int:
    """A member of staff confirms that the two accounts are one person; returns the
    person's id. The ranking then counts them once."""
    with transaction(conn):
        proposal = _pending(conn, member_id, other_member_id)
        return join_accounts(
            conn,
            proposal.source.id,
            proposal.target.id,
            actor=actor,
            now=now,
            detail={"proposal": "profile"},
        )


def refuse_link_proposal(
    conn: sqlite3.Connection,
    member_id: int,
    other_member_id: int,
    *,
    actor: str,
    now: datetime | None = None,
) -> None:
    """A member of staff says the two accounts are not one person: never proposed again."""
    with transaction(conn):
        proposal = _pending(conn, member_id, other_member_id)
        first, second = proposal.pair
        conn.execute(
            "INSERT OR IGNORE INTO link_refusals (member_id, other_member_id, refused_by, "
            "refused_at) VALUES (?, ?, ?, ?)",
            (first, second, actor, to_db(now or now_utc())),
        )
        write_audit(conn, actor, "member.link_refused", "member", first, {"other": second}, now)
