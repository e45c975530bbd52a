"""The demo's links between one person's accounts that the city already confirmed.

A city that has used Beffroi for a while has confirmed the link proposals of the people it
knows best, the most engaged; the others wait on the Communauté page for the demo's visitor
to confirm or refuse. Confirmed through the inbox room's own function (the same checks and
audit as the page), once: a database that already has links is left alone.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime

from beffroi.analytics import RankingFilter, rank_members
from beffroi.config import Settings
from beffroi.inbox import confirm_link_proposal, link_proposals

CONFIRMER = "lead"  # the comms lead, a demo login
KNOWN_BEST = 40  # accounts of the ranking whose proposals the city already confirmed


def seed_demo_links(conn: sqlite3.Connection, settings: Settings, now: datetime) -> int:
    """Confirm the proposals of the most engaged accounts; return how many were confirmed."""
    if conn.execute("SELECT 1 FROM members WHERE person_id IS NOT NULL LIMIT 1").fetchone():
        return 0
    ranking = rank_members(
        conn, settings, now, RankingFilter(limit=KNOWN_BEST, combine_persons=False)
    )
    known = {int(p) for p in ranking["person"]}
    confirmed = 0
    for proposal in link_proposals(conn):
        if known & {proposal.source.id, proposal.target.id}:
            confirm_link_proposal(
                conn, proposal.source.id, proposal.target.id, actor=CONFIRMER, now=now
            )
            confirmed += 1
    return confirmed
