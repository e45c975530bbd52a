"""The demo's rendez-vous posts: drafts written by comms, approved by the comms lead.

Without them the demo's calendar would only show missing drafts and its mailbox only
"aucun brouillon approuvé" alerts. Built through the scheduler room's own functions (the
same checks and audit as the Calendar page), once: a demo database that already has drafts
is left alone, so re-running the demo never duplicates a post.

What it leaves: two approved drafts per series (the next two occurrences are covered), one
draft waiting for approval (the approval queue is not empty), and a one-off post due a few
minutes after the demo starts on Facebook, X, Bluesky and Mastodon, so the publishing job
can be watched at work.
"""

from __future__ import annotations

import io
import sqlite3
from datetime import datetime, timedelta

from beffroi.config import Settings
from beffroi.scheduler import approve_draft, create_draft, next_occurrences, save_image

WRITER = ("comms", "comms")
APPROVER = ("lead", "comms_lead")
ONE_OFF_DELAY = timedelta(minutes=3)
# The one-off notice goes where a text alone is enough (Instagram needs an image): the
# Calendar shows its preview and counter on each, Bluesky's 300 graphemes included.
ONE_OFF_NETWORKS = ("facebook", "x", "bluesky", "mastodon")

# French texts per series; {n} numbers the edition. Short enough for X.
TEXTS = {
    "instamoment": [
        "Instamoment n°{n} : le parc du Château vu par vous cette semaine. Merci pour vos "
        "photos ! Partagez les vôtres avec #marcqenbaroeul.",
        "Instamoment n°{n} : lumière d'automne sur la Marque. Identifiez-nous sur vos plus "
        "belles photos de la ville.",
    ],
    "jeudi_economie": [
        "Jeudi de l'économie n°{n} : rencontre avec une boulangerie du quartier de la Briqueterie, "
        "installée depuis 30 ans. Soutenons nos commerces de proximité !",
        "Jeudi de l'économie n°{n} : zoom sur la pépinière d'entreprises et ses jeunes pousses "
        "marcquoises. Candidatures ouvertes jusqu'à fin décembre.",
        "Jeudi de l'économie n°{n} : le marché du Croisé-Laroche fête ses commerçants. Rendez-vous "
        "samedi matin !",
    ],
    "minute_culturelle": [
        "Minute culturelle n°{n} : l'exposition de la Villa Bagatelle se visite jusqu'au "
        "dimanche, entrée libre.",
        "Minute culturelle n°{n} : concert du conservatoire au Théâtre de la Rianderie, "
        "réservations ouvertes.",
        "Minute culturelle n°{n} : la médiathèque La Corderie propose un atelier BD pour les "
        "8-12 ans.",
    ],
}
ONE_OFF = (
    "Information : les services municipaux seront fermés le vendredi 11 décembre après-midi. "
    "Merci de votre compréhension."
)


def demo_image(colour: tuple[int, int, int]) -> bytes:
    """A plain 1080x1080 PNG (Instagram requires an image; the demo has no photographer)."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (1080, 1080), colour).save(buffer, format="PNG")
    return buffer.getvalue()


def seed_demo_posts(conn: sqlite3.Connection, settings: Settings, now: datetime) -> int:
    """Create the demo's drafts once; return how many were created (0 when some exist)."""
    if conn.execute("SELECT count(*) FROM drafts").fetchone()[0]:
        return 0
    image = save_image(conn, demo_image((31, 96, 140)), "demo.png")
    created = 0
    for rdv in settings.rendezvous:
        texts = TEXTS.get(rdv.key, ["{name} n°{n}"])
        upcoming = next_occurrences(rdv, settings, now, 3)
        for index, _ in enumerate(upcoming):
            body = texts[index % len(texts)].format(n=index + 1, name=rdv.name)
            draft = create_draft(
                conn,
                settings,
                username=WRITER[0],
                role=WRITER[1],
                texts={account: body for account in rdv.accounts},
                now=now,
                series_key=rdv.key,
                title=f"{rdv.name} n°{index + 1}",
                image_path=image,
            )
            created += 1
            if index < 2:  # the third waits in the approval queue
                approve_draft(
                    conn, settings, draft, username=APPROVER[0], role=APPROVER[1], now=now
                )
    accounts = [a.key for a in settings.accounts if a.shown_network in ONE_OFF_NETWORKS]
    if accounts:
        draft = create_draft(
            conn,
            settings,
            username=WRITER[0],
            role=WRITER[1],
            texts={account: ONE_OFF for account in accounts},
            now=now,
            fixed_at=now + ONE_OFF_DELAY,
            title="Fermeture exceptionnelle",
        )
        approve_draft(conn, settings, draft, username=APPROVER[0], role=APPROVER[1], now=now)
        created += 1
    return created
