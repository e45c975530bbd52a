"""Public Instagram posts with the city's hashtags through Meta's official Hashtag Search.

The default source of the ``instagram_public`` account when it has a Graph token
(``token_env``); instaloader's scraping (``instagram_public``) is the fallback without one.
Two calls, as Meta documents them (Instagram API with Facebook Login, Hashtag Search):

1. ``GET /ig_hashtag_search?user_id={ig-user-id}&q={tag}`` gives the hashtag's id (static
   and global): asked once, then kept in the stream's cursor (``extra.hashtag_id``);
2. ``GET /{hashtag-id}/recent_media?user_id={ig-user-id}&fields=...``: the posts of the
   last 24 hours, newest first; pages are followed while every post is new, so an idle
   pass is one request.

What Meta imposes: the app needs the "Instagram Public Content Access" feature and the
``instagram_basic`` permission; at most 30 different hashtags per 7 days per account (a
hashtag counts for 7 days after its first search); and no username: the posts have no
author, so they count as anonymous ``ugc`` (never queued). ``{ig-user-id}`` is the city's
professional account: ``external_id`` when configured (no lookup), else the Page token's
``me?fields=instagram_business_account``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from beffroi.collectors.errors import CollectorError, PermanentError
from beffroi.collectors.graph import GraphCollector, HighWater, checked, entries, split_new
from beffroi.collectors.instagram import require_instagram_id
from beffroi.collectors.item import Item, Page, Rejected
from beffroi.collectors.values import as_int, as_text, rejecting

NETWORK = "instagram"
RECENT_FIELDS = "id,caption,media_type,permalink,timestamp,like_count,comments_count"
RECENT_PER_REQUEST = 50
MAX_HASHTAGS_PER_WEEK = 30


@rejecting("hashtag media")
def parse_hashtag_media(raw: Any, *, account: str, hashtag: str) -> Item | Rejected:
    """One post of ``/{hashtag-id}/recent_media`` (no author: Meta gives no username)."""
    created = checked(raw, "hashtag media", ("timestamp",))
    if isinstance(created, Rejected):
        return created
    permalink = as_text(raw.get("permalink"))
    return Item(
        network=NETWORK,
        account=account,
        external_id=str(raw["id"]),
        kind="ugc",
        direction="in",
        text=as_text(raw.get("caption")) or "",
        created_at=created,
        author=None,
        permalink=permalink if permalink and permalink.startswith("https://") else None,
        like_count=as_int(raw.get("like_count")),
        reply_count=as_int(raw.get("comments_count")),
        raw={"hashtag": hashtag, "media": raw},
    )


class MetaHashtagSearch(GraphCollector):
    """The Graph half of ``InstagramPublicCollector`` (read-only, one stream per tag)."""

    network = NETWORK
    STREAMS = ()
    token_kind = "Page access token (with Instagram Public Content Access)"
    HISTORY_DAYS = 1  # recent_media covers the last 24 hours

    def _require_id(self) -> str:
        return require_instagram_id(self)

    def hashtag_id(self, tag: str, hw: HighWater) -> str:
        known = hw.extra.get("hashtag_id")
        if isinstance(known, str) and known.isdigit():
            return known
        data = self.session.get("ig_hashtag_search", user_id=self._require_id(), q=tag)
        found = [h for h in entries(data) if isinstance(h, dict) and h.get("id")]
        if not found:
            raise PermanentError(f"{self.account}: Instagram does not know #{tag}")
        hw.extra["hashtag_id"] = str(found[0]["id"])
        return hw.extra["hashtag_id"]

    def hashtag_pages(self, tag: str, cursor: str | None) -> Iterator[Page]:
        hw = HighWater.load(cursor)
        calls = self.session.calls
        hashtag = self.hashtag_id(tag, hw)
        searched = self.session.calls - calls  # the search's cost goes with the first page

        def read(data: dict[str, Any]) -> tuple[list[Item], list[Rejected], bool]:
            parsed = (
                parse_hashtag_media(raw, account=self.account, hashtag=tag) for raw in entries(data)
            )
            return split_new(parsed, hw)

        params = {"user_id": self._require_id(), "fields": RECENT_FIELDS}
        params["limit"] = RECENT_PER_REQUEST
        for page in self.newest_first(hw, f"{hashtag}/recent_media", params, read):
            page.api_calls += searched
            searched = 0
            yield page

    def check_hashtag(self, tag: str) -> list[tuple[bool, str]]:
        """One search: the token, the feature and the permission work (doctor, French)."""
        if not self.token:
            return [(False, f"{self.account} : {self.missing_token_message()}")]
        try:
            data = self.session.get("ig_hashtag_search", user_id=self._require_id(), q=tag)
        except CollectorError as exc:
            return [
                (
                    False,
                    f"{self.account} : la recherche de hashtags de Meta est refusée ; il faut "
                    "la fonctionnalité « Instagram Public Content Access » (examen de l'app "
                    "par Meta) et la permission instagram_basic, ou un jeton valide "
                    f"({self.token_env or 'token_env'}). Meta a répondu : {exc}",
                )
            ]
        if not entries(data):
            return [(False, f"{self.account} : Meta ne connaît pas le hashtag #{tag}")]
        return [
            (
                True,
                f"{self.account} : recherche de hashtags officielle de Meta disponible (#{tag} ; "
                "fonctionnalité « Instagram Public Content Access » et permission "
                f"instagram_basic accordées ; au plus {MAX_HASHTAGS_PER_WEEK} hashtags "
                "différents par 7 jours, sans nom d'auteur)",
            )
        ]
