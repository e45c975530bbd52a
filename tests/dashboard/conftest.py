"""A small real city for dashboard tests: a configuration file, a SQLite database filled
through ``ingest_page`` with hand-made items, and staff members of every role."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import streamlit as st

import beffroi.dashboard
from beffroi.collectors import Author, Item, Page
from beffroi.dashboard.auth import hash_password
from beffroi.inbox import IngestHooks, QueueFields, ingest_page
from beffroi.store import upsert_staff
from tests.city_config import city_toml, open_city

APP = str(Path(beffroi.dashboard.__file__).parent / "entry" / "run.py")
PASSWORD = "mot-de-passe-sûr"
PASSWORD_HASH = hash_password(PASSWORD)  # once: argon2 is slow on purpose
HOSTILE = "**bold** <script>alert(1)</script> [lien](http://x)"

CONFIG = (
    city_toml()
    + """[[accounts]]
key = "x_ville"
network = "x"
handle = "marcqenbaroeul"
token_env = "BEFFROI_X_BEARER_TOKEN"

[[accounts]]
key = "facebook_ville"
network = "facebook"
handle = "VilledeMarcqenBaroeul"
token_env = "BEFFROI_META_PAGE_TOKEN"

[[themes]]
name = "mobilité"
keywords = ["bus"]

[[themes]]
name = "propreté"
keywords = ["poubelle"]
"""
)

# (account, network, external id, minutes ago, handle, text)
MESSAGES = [
    ("x_ville", "x", "x1", 5, "jeanne_m", "Le bus 18 est encore en retard ce matin"),
    ("facebook_ville", "facebook", "f1", 90, "paul.d", "Une poubelle déborde rue Nationale"),
    ("x_ville", "x", "x2", 60 * 26, "leo59", "Merci pour le feu d'artifice !"),
    ("facebook_ville", "facebook", "f2", 60 * 24 * 3, "anne.b", HOSTILE),
]


def theme_of(item: Item) -> QueueFields:
    text = item.text.lower()
    theme = "mobilité" if "bus" in text else "propreté" if "poubelle" in text else None
    return QueueFields(needs_reply=theme is not None, theme=theme)


THEMES = IngestHooks(triage=theme_of)


def make_item(account, network, external_id, when, handle, text, **extra) -> Item:
    return Item(
        network=network,
        account=account,
        external_id=external_id,
        kind=extra.pop("kind", "mention" if network == "x" else "comment"),
        direction=extra.pop("direction", "in"),
        text=text,
        created_at=when,
        author=Author(network, f"id-{handle}", handle, handle.title()),
        raw={"id": external_id, "text": text},
        **extra,
    )


def fill(conn, now: datetime, messages=MESSAGES) -> None:
    for account, network, external_id, minutes, handle, text in messages:
        item = make_item(
            account, network, external_id, now - timedelta(minutes=minutes), handle, text
        )
        ingest_page(conn, account, "test", Page([item], None), hooks=THEMES, now=now)


def add_staff(conn, **roles: str) -> None:
    """Staff members (username=role), each named after the username, all with PASSWORD."""
    for username, role in roles.items():
        upsert_staff(
            conn, username, display_name=username.title(), role=role, password_hash=PASSWORD_HASH
        )


@pytest.fixture
def city(tmp_path, monkeypatch):
    """(settings, config path, connection) of a small city; BEFFROI_CONFIG points at it."""
    config, settings, conn = open_city(tmp_path, CONFIG)
    fill(conn, datetime.now(UTC).replace(microsecond=0))
    add_staff(conn, claire="community_manager", diane="director", alex="admin")
    monkeypatch.setenv("BEFFROI_CONFIG", str(config))
    yield settings, config, conn
    conn.close()
    # Streamlit's caches are process-wide: drop this test's database from them.
    st.cache_data.clear()
    st.cache_resource.clear()
