"""Instagram as it is in 2026 (issue 12, "The platforms as they are now", items 4 and 5).

Every fixture here is WRITTEN FROM THE CURRENT DOCUMENTATION, none is recorded (the Meta
recordings in ``../shared/fixtures/meta`` are Graph v10/v11 and hold no hashtag search nor
Instagram Direct):

- Meta's Hashtag Search (developers.facebook.com, Instagram API with Facebook Login,
  "Hashtag Search", "IG Hashtag Search", "IG Hashtag Recent Media"):
  ``GET /ig_hashtag_search?user_id=&q=`` answers ``{"data": [{"id": ...}]}``;
  ``GET /{hashtag-id}/recent_media?user_id=&fields=`` answers media with ``id``,
  ``caption``, ``media_type``, ``permalink``, ``timestamp``, counts, and no username;
- instaloader's refusals of ``api/v1/tags/web_info/`` as its issue tracker reports them
  (2025-2026): 403 ``{"message": "login_required", "status": "fail"}`` and 401
  ``{"message": "Please wait a few minutes before you try again.", "status": "fail"}``;
- Instagram Direct (Instagram Messaging API): the 20 most recent messages of a
  conversation only; older ones answer an error.
"""

from __future__ import annotations

import pytest

from beffroi.collectors import AuthExpired, RateLimited
from beffroi.collectors.instagram import InstagramCollector
from beffroi.collectors.instagram_public import InstagramPublicCollector
from beffroi.collectors.limits import known_limits
from tests.collectors.graph_http import GRAPH, NOW, TOKEN, Clock, add, query, stamp
from tests.collectors.test_instagram_public import WEB_INFO, collector, run

IG = "17841400000000001"
HASHTAG_ID = "17843857450040591"


# ---------------------------------------------------------------- instaloader's refusals


def test_login_required_is_auth_expired_in_french_not_a_transient_fault(rsps):
    rsps.get(WEB_INFO, status=403, json={"message": "login_required", "status": "fail"})
    with pytest.raises(AuthExpired) as caught:
        run(collector())
    message = str(caught.value)
    assert "login_required" in message and "Instagram exige une connexion" in message
    assert "Instagram Public Content Access" in message  # what to do instead


def test_please_wait_is_rate_limited_in_french(rsps):
    rsps.get(
        WEB_INFO,
        status=401,
        json={"message": "Please wait a few minutes before you try again.", "status": "fail"},
    )
    with pytest.raises(RateLimited) as caught:
        run(collector())
    assert "demande d'attendre" in str(caught.value)
    assert caught.value.reset_at > NOW


# ---------------------------------------------------------------- Meta's Hashtag Search


def media(mid: str, when: str, caption: str = "Braderie #marcqenbaroeul") -> dict:
    return {
        "id": mid,
        "caption": caption,
        "media_type": "IMAGE",
        "permalink": f"https://www.instagram.com/p/{mid}/",
        "timestamp": when,
        "like_count": 4,
        "comments_count": 1,
    }


@pytest.fixture
def meta_public(example_settings, monkeypatch):
    """The example's instagram_public account, given a Graph token and the city's id."""
    monkeypatch.setenv("BEFFROI_META_HASHTAG_TOKEN", TOKEN)
    account = example_settings.account("instagram_public").model_copy(
        update={"token_env": "BEFFROI_META_HASHTAG_TOKEN", "external_id": IG}
    )
    public = InstagramPublicCollector.for_account(example_settings, account)
    public.meta.now = Clock()
    public.meta.sleep = lambda _s: None
    return public, account


def test_with_a_token_meta_hashtag_search_is_the_default_and_an_idle_pass_is_one_request(
    rsps, meta_public
):
    public, _ = meta_public
    add(rsps, "GET", "ig_hashtag_search", {"data": [{"id": HASHTAG_ID}]})
    add(
        rsps,
        "GET",
        f"{HASHTAG_ID}/recent_media",
        {"data": [media("m2", stamp(20, 9)), media("m1", stamp(20, 8))]},
    )
    pages = list(public.fetch("#marcqenbaroeul", None))
    search, recent = rsps.calls[0], rsps.calls[1]
    assert (query(search)["user_id"], query(search)["q"]) == (IG, "marcqenbaroeul")
    assert query(recent)["user_id"] == IG and "timestamp" in query(recent)["fields"]
    assert not any(c.request.url.startswith(GRAPH + "me") for c in rsps.calls)  # id configured
    items = [i for p in pages for i in p.items]
    assert [(i.external_id, i.kind, i.author) for i in items] == [
        ("m2", "ugc", None),
        ("m1", "ugc", None),
    ]
    assert items[0].permalink == "https://www.instagram.com/p/m2/"
    assert sum(p.api_calls for p in pages) == 2
    assert not any("instagram.com/api" in c.request.url for c in rsps.calls)  # no scraping
    # The hashtag id is kept: the next pass is the one recent_media request.
    again = list(public.fetch("#marcqenbaroeul", pages[-1].cursor))
    assert [i for p in again for i in p.items] == [] and len(rsps.calls) == 3


def test_the_doctor_names_the_feature_and_the_permission(rsps, meta_public):
    public, _ = meta_public
    add(
        rsps,
        "GET",
        "ig_hashtag_search",
        {
            "error": {
                "message": "(#10) To use 'Instagram Public Content Access', your use of this "
                "endpoint must be reviewed and approved by Facebook.",
                "type": "OAuthException",
                "code": 10,
            }
        },
        status=400,
    )
    [(ok, line)] = public.check()
    assert not ok
    assert "« Instagram Public Content Access »" in line and "instagram_basic" in line


def test_the_health_page_states_the_hashtag_ceiling_only_for_meta(meta_public, example_settings):
    _, account = meta_public
    [sentence] = known_limits(account)
    assert "30 hashtags" in sentence and "7 jours" in sentence
    assert known_limits(example_settings.account("instagram_public")) == []


# ---------------------------------------------------------------- Instagram Direct


def test_direct_asks_for_20_messages_and_never_pages_past_them(rsps, sleeps):
    ig = InstagramCollector(
        "instagram_ville",
        account_id=IG,
        token=TOKEN,
        handle="marcqenbaroeul",
        sleep=sleeps,
        now=Clock(),
    )
    messages = [
        {
            "id": f"im{n}",
            "created_time": stamp(19, 8, n),
            "message": f"message {n}",
            "from": {"id": "igsid-77", "username": "camille59"},
        }
        for n in range(20, 0, -1)
    ]
    older = GRAPH + "aWdf1/messages?after=QVFIU&access_token=" + TOKEN
    add(
        rsps,
        "GET",
        "me/conversations",
        {
            "data": [
                {
                    "id": "aWdf1",
                    "updated_time": stamp(19, 8, 20),
                    "messages": {"data": messages, "paging": {"next": older}},
                }
            ]
        },
    )
    pages = list(ig.fetch("messages", None))
    assert "messages.limit(20)" in query(rsps.calls[0])["fields"]
    assert len(rsps.calls) == 1  # the 21st message is out of reach: never asked for
    assert len([i for p in pages for i in p.items]) == 20


def test_the_health_page_says_older_direct_history_is_out_of_reach(example_settings):
    sentences = known_limits(example_settings.account("instagram_ville"))
    assert any("20 messages les plus récents" in s and "hors de portée" in s for s in sentences)
