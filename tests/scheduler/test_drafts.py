"""Drafts: limits per network, roles, and what an edit does to an approval."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from beffroi.collectors.post_length import x_length
from beffroi.config.settings import Media
from beffroi.scheduler.drafts import (
    DraftError,
    approve_draft,
    cancel_draft,
    check_texts,
    create_draft,
    get_draft,
    problems,
    save_image,
)
from beffroi.store import sync_accounts
from tests.conftest import settings_with
from tests.scheduler.drafting import lea_saves

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def conn(db, example_settings):
    sync_accounts(db, example_settings)
    return db


def test_x_counts_links_as_23_and_emoji_as_2():
    assert x_length("abc") == 3
    assert x_length("voir https://www.marcq-en-baroeul.org/agenda/tres/long/lien ici") == 5 + 23 + 4
    assert x_length("é😀") == 3


def test_text_over_x_limit_blocks_approval_with_the_count(conn, example_settings):
    texts = {"facebook_ville": "Jeudi de l'économie", "x_ville": "a" * 270}
    checks = {c.account: c for c in check_texts(example_settings, "jeudi_economie", texts)}
    # The series' hashtag is added to the text as posted, and counted.
    assert checks["x_ville"].text.endswith("#jeudideleconomie")
    assert checks["x_ville"].length == 270 + 2 + len("#jeudideleconomie")
    assert not checks["x_ville"].ok and checks["facebook_ville"].ok
    draft = lea_saves(conn, example_settings, texts, series_key="jeudi_economie", now=NOW)
    with pytest.raises(DraftError, match="289 caractères pour 280"):
        approve_draft(conn, example_settings, draft, username="chef", role="comms_lead", now=NOW)
    assert get_draft(conn, draft)["status"] == "draft"


def test_instagram_needs_an_image_and_caption_limit(conn, example_settings):
    texts = {"instagram_ville": "x" * 2200}
    found = problems(example_settings, "instamoment", texts, None, None, NOW)
    assert any("Instagram exige une image" in p for p in found)
    assert any("pour 2200 au plus" in p for p in found)
    image = save_image(conn, PNG, "photo.png")
    assert (conn.execute("PRAGMA database_list").fetchone()[2]).endswith("beffroi.db")
    served = settings_with(
        example_settings, media=Media(public_base_url="https://www.marcq.fr/beffroi-images/")
    )  # Instagram fetches the image from there
    assert (
        problems(served, "instamoment", {"instagram_ville": "Le beffroi"}, image, None, NOW) == []
    )
    with pytest.raises(DraftError, match="JPEG ou PNG"):
        save_image(conn, b"MZ", "virus.exe")


def test_only_approvers_approve_and_editing_an_approved_draft_resets_it(conn, example_settings):
    texts = {"facebook_ville": "Rendez-vous jeudi", "x_ville": "Rendez-vous jeudi"}
    draft = lea_saves(conn, example_settings, texts, series_key="jeudi_economie", now=NOW)
    with pytest.raises(DraftError, match="rôle"):
        approve_draft(conn, example_settings, draft, username="lea", role="comms", now=NOW)
    with pytest.raises(DraftError, match="rôle"):
        create_draft(
            conn,
            example_settings,
            username="d",
            role="director",
            texts=texts,
            series_key="jeudi_economie",
            now=NOW,
        )
    approve_draft(conn, example_settings, draft, username="chef", role="comms_lead", now=NOW)
    row = get_draft(conn, draft)
    assert (row["status"], row["approved_by"]) == ("approved", "chef")
    changed = {**texts, "x_ville": "Rendez-vous jeudi à 11 h"}
    later = NOW + timedelta(minutes=5)
    lea_saves(
        conn, example_settings, changed, draft_id=draft, series_key="jeudi_economie", now=later
    )
    row = get_draft(conn, draft)
    assert (row["status"], row["approved_by"]) == ("draft", None)
    assert json.loads(row["texts"])["x_ville"] == "Rendez-vous jeudi à 11 h"
    audit = [
        r[0] for r in conn.execute("SELECT action FROM audit WHERE target_kind='draft' ORDER BY id")
    ]
    assert audit == ["create", "approved", "edit"]
    approve_draft(conn, example_settings, draft, username="admin", role="admin", now=NOW)
    cancel_draft(conn, draft, username="lea", role="comms", now=NOW)
    with pytest.raises(DraftError, match="cancelled"):
        lea_saves(
            conn, example_settings, texts, draft_id=draft, series_key="jeudi_economie", now=NOW
        )


def test_one_off_draft_needs_a_future_date(conn, example_settings):
    texts = {"x_ville": "Fermeture exceptionnelle de la mairie"}
    assert "la date de publication est passée" in problems(
        example_settings, None, texts, None, NOW - timedelta(hours=1), NOW
    )
    assert problems(example_settings, None, texts, None, NOW + timedelta(hours=1), NOW) == []
    assert "choisissez une série ou une date de publication" in problems(
        example_settings, None, texts, None, None, NOW
    )


def test_an_instagram_image_needs_a_public_address_before_approval(example_settings):
    """Instagram downloads the image itself: without [media] public_base_url the post could
    only fail at publication time, so approval says what to configure instead."""
    from beffroi.scheduler.outbox import public_image_url

    texts = {"instagram_ville": "Instamoment de la semaine"}
    found = problems(example_settings, "instamoment", texts, "images/abc.png", None, NOW)
    assert any("public_base_url" in p for p in found)
    served = settings_with(
        example_settings, media=Media(public_base_url="https://www.marcq.fr/beffroi-images/")
    )
    assert problems(served, "instamoment", texts, "images/abc.png", None, NOW) == []
    assert (
        public_image_url(served, "images/abc.png") == "https://www.marcq.fr/beffroi-images/abc.png"
    )
    assert public_image_url(example_settings, "images/abc.png") is None
    with pytest.raises(ValueError, match="https://"):
        Media(public_base_url="http://www.marcq.fr/images/")
