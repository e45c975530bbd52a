"""Per-network text limits in the Calendar's checks: Bluesky counts graphemes (300),
Mastodon characters with every link as 23 (500, or the account's ``max_chars``, the limit
its instance says)."""

from __future__ import annotations

from beffroi.config import Account
from beffroi.scheduler.drafts import check_texts
from tests.conftest import settings_with


def settings(example_settings, **mastodon):
    accounts = [
        *example_settings.accounts,
        Account(key="bsky", network="bluesky", handle="ville.bsky.social"),
        Account(
            key="masto", network="mastodon", handle="ville", instance_url="https://m.fr", **mastodon
        ),
    ]
    return settings_with(example_settings, accounts=accounts)


def test_bluesky_counts_what_a_person_sees(example_settings):
    family = "👨\u200d👩\u200d👧"  # one sign, five code points
    (check,) = check_texts(settings(example_settings), None, {"bsky": family * 300})
    assert (check.network, check.length, check.limit, check.ok) == ("bluesky", 300, 300, True)
    (check,) = check_texts(settings(example_settings), None, {"bsky": "é" * 301})
    assert (check.length, check.ok) == (301, False)


def test_mastodon_counts_links_as_23_and_takes_the_instance_limit(example_settings):
    text = "Agenda : https://www.marcq-en-baroeul.org/agenda/2026/12/marche-de-noel-place"
    (check,) = check_texts(settings(example_settings), None, {"masto": text})
    assert (check.length, check.limit) == (len("Agenda : ") + 23, 500)
    (check,) = check_texts(settings(example_settings, max_chars=1000), None, {"masto": "a" * 900})
    assert (check.limit, check.ok) == (1000, True)
