"""The city's Instagram professional account, through the Graph API (python-facebook-api).

It uses the token of the Facebook Page linked to the account. Streams, and what a pass
costs:

- ``comments``: ONE request reads the account's media of the last ``WINDOW_DAYS`` with
  their newest comments and each comment's replies nested (field expansion). An idle pass
  is that request. A post whose nested comments are all new is paged further; and since a
  reply to an *old* comment does not appear among the newest comments, the cursor keeps
  each media's ``comments_count`` (which counts replies): when it grew by more than the new
  items found, that media's comments are read through once.
- ``mentions``: ONE request to ``/{ig-user-id}/tags`` (media where people tagged the city).
  Caption and comment @mentions are announced by Meta only through webhooks; given the id
  a webhook delivers, ``mention_from_webhook`` reads it (``mentioned_media`` /
  ``mentioned_comment`` fields) and returns the Item.
- ``messages``: ONE request to the Page's conversations with ``platform=instagram``. Meta's
  Instagram Messaging API returns only the 20 most recent messages of a conversation and
  answers an error for older ones, so each conversation is read with ``messages.limit(20)``
  and never paged further: older history is out of reach (the health page says so,
  ``collectors.limits``).

Instagram comments carry ``timestamp`` (not ``created_time``) and ``username``. Authors are
keyed by their username (lowercased): it is what comments, tags, Direct messages and
public posts all share, whereas Meta's ids differ between comments and messaging. A Direct
reply goes to the messaging id (IGSID) kept in the message's ``raw["from"]["id"]``.

Publishing needs an image that Instagram fetches itself from a public URL (https preferred)
(``OutgoingPost.image_path`` given as a URL, or ``link``): a local file cannot be sent.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from beffroi.collectors.conversations import conversation_pages
from beffroi.collectors.errors import CollectorError, PermanentError, RateLimited
from beffroi.collectors.graph import (
    GraphCollector,
    HighWater,
    checked,
    dm_item,
    entries,
    graph_time,
    next_link,
    split_new,
)
from beffroi.collectors.item import Author, Item, OutgoingPost, Page, Rejected
from beffroi.collectors.matching import holds
from beffroi.collectors.values import as_int, as_text, rejecting

NETWORK = "instagram"
COMMENT_FIELDS = "id,text,timestamp,username,from{id,username},like_count,parent_id"
MEDIA_FIELDS = "id,caption,timestamp,permalink,username,media_type,like_count,comments_count"
MESSAGE_FIELDS = "id,created_time,from,to,message,attachments{mime_type,name}"


# ------------------------------------------------------------------ parsing (pure)
def ig_author(raw: dict[str, Any]) -> Author | None:
    """The author by username (see the module docstring); None when Meta gives neither."""
    block = raw.get("from") if isinstance(raw.get("from"), dict) else {}
    username = raw.get("username") or block.get("username")
    if not username:
        return None
    return Author(NETWORK, str(username).lower(), str(username), None)


def _is_own(author: Author | None, raw: dict[str, Any], own_id: str | None, handle: str | None):
    if author is None:
        return False
    block = raw.get("from") if isinstance(raw.get("from"), dict) else {}
    if own_id and str(block.get("id", "")) == own_id:
        return True
    return bool(handle and author.external_id == handle.lower())


@rejecting("comment")
def parse_comment(
    raw: Any,
    *,
    account: str,
    own_id: str | None,
    handle: str | None,
    media_id: str | None = None,
    parent_id: str | None = None,
) -> Item | Rejected:
    """A comment or reply; the account's own are ``direction='out'`` (native replies)."""
    created = checked(raw, "comment", ("timestamp", "created_time"))
    if isinstance(created, Rejected):
        return created
    parent = raw.get("parent_id") or parent_id
    author = ig_author(raw)
    return Item(
        network=NETWORK,
        account=account,
        external_id=str(raw["id"]),
        kind="reply" if parent else "comment",
        direction="out" if _is_own(author, raw, own_id, handle) else "in",
        text=raw.get("text") if isinstance(raw.get("text"), str) else "",
        created_at=created,
        author=author,
        parent_external_id=str(parent or media_id) if (parent or media_id) else None,
        thread_external_id=media_id,
        like_count=as_int(raw.get("like_count")),
        raw=raw,
    )


@rejecting("media")
def parse_media(
    raw: Any,
    *,
    account: str,
    own_id: str | None,
    handle: str | None,
    kind: str = "mention",
    owned: bool = False,
) -> Item | Rejected:
    """A media: the account's own is a ``post``; someone else's that tags the city a mention.

    ``owned`` says the media came from the account's own ``/media`` edge, whose entries
    carry no author.
    """
    created = checked(raw, "media", ("timestamp",))
    if isinstance(created, Rejected):
        return created
    author = ig_author(raw)
    own = owned or _is_own(author, raw, own_id, handle)
    return Item(
        network=NETWORK,
        account=account,
        external_id=str(raw["id"]),
        kind="post" if own else kind,  # type: ignore[arg-type]
        direction="out" if own else "in",
        text=raw.get("caption") if isinstance(raw.get("caption"), str) else "",
        created_at=created,
        author=author,
        permalink=as_text(raw.get("permalink")),
        thread_external_id=str(raw["id"]),
        like_count=as_int(raw.get("like_count")),
        reply_count=as_int(raw.get("comments_count")),
        raw=raw,
    )


@rejecting("mentioned comment")
def parse_mentioned_comment(raw: Any, *, account: str, handle: str | None) -> Item | Rejected:
    """``GET /{ig-user-id}?fields=mentioned_comment.comment_id(...)``: a comment naming us."""
    block = raw.get("mentioned_comment") if isinstance(raw, dict) else None
    if not isinstance(block, dict):
        return Rejected(raw, "no mentioned_comment in the response")
    media = block.get("media") if isinstance(block.get("media"), dict) else {}
    item = parse_comment(block, account=account, own_id=None, handle=None, media_id=media.get("id"))
    if isinstance(item, Rejected):
        return Rejected(raw, item.reason)
    return replace(item, kind="mention", raw=raw)


@rejecting("mentioned media")
def parse_mentioned_media(raw: Any, *, account: str, handle: str | None) -> Item | Rejected:
    """``GET /{ig-user-id}?fields=mentioned_media.media_id(...)``: a caption naming us."""
    block = raw.get("mentioned_media") if isinstance(raw, dict) else None
    if not isinstance(block, dict):
        return Rejected(raw, "no mentioned_media in the response")
    item = parse_media(block, account=account, own_id=None, handle=None)
    if isinstance(item, Rejected):
        return Rejected(raw, item.reason)
    return replace(item, raw=raw)


@rejecting("message")
def parse_message(
    raw: Any,
    *,
    account: str,
    page_id: str | None,
    conversation_id: str | None = None,
    handle: str | None = None,
) -> Item | Rejected:
    """An Instagram Direct message.

    The sender is keyed by username like everywhere else on Instagram (one member whether
    they comment, tag or write); the messaging id (IGSID) a reply must go to stays in
    ``raw["from"]["id"]``, and is the key only when Meta gives no username.
    """
    created = checked(raw, "message", ("created_time",))
    if isinstance(created, Rejected):
        return created
    sender = raw.get("from") if isinstance(raw.get("from"), dict) else {}
    author = ig_author(raw)
    if author is None and sender.get("id"):
        author = Author(NETWORK, str(sender["id"]), None, sender.get("name"))
    own = bool(author) and (
        str(sender.get("id", "")) == (page_id or "")
        or bool(handle and str(sender.get("username", "")).lower() == handle.lower())
    )
    return dm_item(
        NETWORK,
        raw,
        account=account,
        created=created,
        author=author,
        own=own,
        conversation_id=conversation_id,
    )


def flatten_comments(
    block: Any, *, account: str, own_id: str | None, handle: str | None, media_id: str | None
) -> tuple[list[Item], list[Rejected]]:
    """A ``comments`` block (with nested ``replies``) as items, comments before replies."""
    items: list[Item] = []
    rejected: list[Rejected] = []
    if not isinstance(block, dict):
        return items, rejected
    for raw in entries(block):
        parsed = parse_comment(
            raw, account=account, own_id=own_id, handle=handle, media_id=media_id
        )
        if isinstance(parsed, Rejected):
            rejected.append(parsed)
            continue
        items.append(parsed)
        replies = raw.get("replies") if isinstance(raw, dict) else None
        for reply in entries(replies):
            child = parse_comment(
                reply,
                account=account,
                own_id=own_id,
                handle=handle,
                media_id=media_id,
                parent_id=parsed.external_id,
            )
            (rejected if isinstance(child, Rejected) else items).append(child)
    return items, rejected


# ------------------------------------------------------------------ the collector
def require_instagram_id(collector: GraphCollector) -> str:
    """The city's professional account id: ``external_id`` when configured (no request:
    ``me?fields=instagram_business_account`` may need a user token), else asked of the
    Page the token belongs to."""
    if not collector.account_id:
        data = collector.session.get("me", fields="instagram_business_account")
        linked = data.get("instagram_business_account") if isinstance(data, dict) else None
        if not isinstance(linked, dict) or not linked.get("id"):
            raise PermanentError(
                f"{collector.account}: no Instagram professional account is linked to the "
                "Page of this token; set external_id in the configuration"
            )
        collector.account_id = str(linked["id"])
    return collector.account_id


def _quota(body: Any) -> tuple[int | None, int | None, int]:
    """(used, total, hours) read from ``content_publishing_limit``, None where unreadable.
    The quota is read before anything is posted: an answer of an odd shape must neither
    stop the post nor pass for a failed publication (Instagram refuses a post over quota)."""
    data = body.get("data") if isinstance(body, dict) else None
    entry = data[0] if isinstance(data, list) and data and isinstance(data[0], dict) else {}
    config = entry.get("config") if isinstance(entry.get("config"), dict) else {}
    hours = (as_int(config.get("quota_duration")) or 86400) // 3600
    return as_int(entry.get("quota_usage")), as_int(config.get("quota_total")), hours


class InstagramCollector(GraphCollector):
    network = NETWORK
    HIDE_FIELD = "hide"
    STREAMS = ("comments", "mentions", "messages")
    WINDOW_DAYS = 30
    MEDIA_PER_REQUEST = 25
    COMMENTS_PER_MEDIA = 25
    TAGS_PER_REQUEST = 50
    CONVERSATIONS_PER_REQUEST = 25
    # Instagram Direct: the 20 most recent messages of a conversation, nothing older.
    MESSAGES_PER_CONVERSATION = 20
    OLDER_MESSAGES_REACHABLE = False
    CONTAINER_CHECKS = 5
    CONTAINER_WAIT = 3.0
    PUBLISHED_EDGE = "media"
    PUBLISHED_TEXT = "caption"

    def _require_id(self) -> str:
        return require_instagram_id(self)

    def _flatten(self, block: Any, media_id: str | None):
        return flatten_comments(
            block,
            account=self.account,
            own_id=self.account_id,
            handle=self.handle,
            media_id=media_id,
        )

    # -------------------------------------------------------------- comments
    def _fetch_comments(self, hw: HighWater) -> Iterator[Page]:
        stamps: list[tuple[datetime, str]] = []
        counts: dict[str, int] = {}
        pages = self._comment_pages(hw, stamps, counts)

        def final() -> str:
            moved = hw.advanced(stamps)
            moved.extra = {"counts": counts}
            return moved.dump()

        return self.with_final_cursor(pages, final)

    def _comment_pages(self, hw: HighWater, stamps: list, counts: dict) -> Iterator[Page]:
        ig = self._require_id()
        stored = hw.extra.get("counts")
        known: dict[str, int] = {
            str(k): v
            for k, v in (stored if isinstance(stored, dict) else {}).items()
            if type(v) is int
        }
        replies = f"replies{{{COMMENT_FIELDS}}}"
        nested = f"comments.limit({self.COMMENTS_PER_MEDIA}){{{COMMENT_FIELDS},{replies}}}"
        for data, calls in self.edge(
            f"{ig}/media",
            fields=f"id,timestamp,comments_count,{nested}",
            since=graph_time(self.now() - timedelta(days=self.WINDOW_DAYS)),
            limit=self.MEDIA_PER_REQUEST,
        ):
            new_items: list[Item] = []
            rejected: list[Rejected] = []
            reread: list[tuple[str, bool]] = []
            for media in entries(data):
                if not isinstance(media, dict) or not media.get("id"):
                    rejected.append(Rejected(media, "media has no id"))
                    continue
                media_id = str(media["id"])
                block = media.get("comments")
                items, bad = self._flatten(block, media_id)
                rejected += bad
                fresh = [i for i in items if hw.is_new(i.created_at, i.external_id)]
                new_items += fresh
                count = as_int(media.get("comments_count"))
                if count is not None:
                    counts[media_id] = count
                more = next_link(block)
                all_new = bool(items) and len(fresh) == len(items)
                grew = count is not None and media_id in known and count - known[media_id]
                if more and grew and grew > len(fresh):
                    reread.append((more, True))  # a reply on an older comment: read it all
                elif more and all_new:
                    reread.append((more, False))
            stamps += [(i.created_at, i.external_id) for i in new_items]
            yield self._page(new_items, None, calls, rejected)
            for next_url, exhaustive in reread:
                yield from self._follow(next_url, hw, stamps, exhaustive)

    MAX_REREAD_PAGES = 20

    def _follow(
        self, next_url: str, hw: HighWater, stamps: list, exhaustive: bool
    ) -> Iterator[Page]:
        """Read a media's further comments: until a page holds nothing new, or (when the
        count says a reply landed on an older comment) to the end, within a bound."""
        for _ in range(self.MAX_REREAD_PAGES):
            if not next_url:
                return
            calls = self.session.calls
            block = self.session.get_next(next_url)
            media_id = _media_of(next_url)
            items, rejected = self._flatten(block, media_id)
            fresh = [i for i in items if hw.is_new(i.created_at, i.external_id)]
            stamps += [(i.created_at, i.external_id) for i in fresh]
            yield self._page(fresh, None, calls, rejected)
            next_url = next_link(block) if (fresh or exhaustive) else None

    # -------------------------------------------------------------- mentions
    def _fetch_mentions(self, hw: HighWater) -> Iterator[Page]:
        """Media that tag the city; the edge is roughly newest first, so a page with
        nothing new ends the pass."""
        ig = self._require_id()

        def read(data: dict[str, Any]):
            media = (
                parse_media(raw, account=self.account, own_id=ig, handle=self.handle)
                for raw in entries(data)
            )
            items, rejected, _ = split_new(media, hw)
            return items, rejected, bool(items)

        params = {"fields": MEDIA_FIELDS, "limit": self.TAGS_PER_REQUEST}
        yield from self.newest_first(hw, f"{ig}/tags", params, read)

    def mention_from_webhook(
        self, *, media_id: str | None = None, comment_id: str | None = None
    ) -> Item | Rejected:
        """The caption or comment that @mentions the city, from the id a webhook gave."""
        ig = self._require_id()
        if comment_id:
            fields = (
                f"mentioned_comment.comment_id({comment_id})"
                "{id,text,timestamp,username,like_count,media{id}}"
            )
            data = self.session.get(ig, fields=fields)
            return parse_mentioned_comment(data, account=self.account, handle=self.handle)
        if media_id:
            fields = f"mentioned_media.media_id({media_id}){{{MEDIA_FIELDS}}}"
            data = self.session.get(ig, fields=fields)
            return parse_mentioned_media(data, account=self.account, handle=self.handle)
        raise PermanentError(f"{self.account}: a mention needs a media id or a comment id")

    # -------------------------------------------------------------- messages
    def _fetch_messages(self, hw: HighWater) -> Iterator[Page]:
        ig = self._require_id()
        nested = f"messages.limit({self.MESSAGES_PER_CONVERSATION}){{{MESSAGE_FIELDS}}}"
        params = {
            "platform": "instagram",
            "fields": f"id,updated_time,{nested}",
            "limit": self.CONVERSATIONS_PER_REQUEST,
        }

        def parse(raw, **kwargs):
            return parse_message(raw, handle=self.handle, **kwargs)

        yield from conversation_pages(self, hw, ig, "me/conversations", params, parse)

    # -------------------------------------------------------------- writing
    def find_reply(self, to: Item, text: str, since: datetime) -> Item | None:
        """The account's reply to the comment ``to`` with the text sent, since ``since``:
        among the replies of the comment ``reply`` answered (``GET /{comment}/replies``,
        one page: Instagram nests one level), written by the account (its id or its
        username) and holding the text. A reply whose author Meta does not give is never
        taken for the account's; None is no proof (a person decides). Only comments and
        replies are looked for (not a mention, not a DM)."""
        if to.kind not in ("comment", "reply"):
            return None
        ig = self._require_id()
        target = to.parent_external_id if to.kind == "reply" else to.external_id
        data = self.session.get(f"{target}/replies", fields=COMMENT_FIELDS, limit=50)
        found: list[Item] = []
        for raw in entries(data):
            item = parse_comment(raw, account=self.account, own_id=ig, handle=self.handle,
                                 media_id=to.thread_external_id, parent_id=target)  # fmt: skip
            if (
                isinstance(item, Item)
                and item.direction == "out"
                and item.created_at >= since
                and holds(item.text or "", text)
            ):
                found.append(item)
        if not found:
            return None
        first = min(found, key=lambda item: item.created_at)
        return replace(first, parent_external_id=to.external_id)

    def reply(self, to: Item, text: str) -> Item:
        if to.network != NETWORK:
            raise PermanentError(f"{self.account}: cannot answer a {to.network} item")
        ig = self._require_id()
        me = Author(NETWORK, (self.handle or ig).lower(), self.handle, None)
        if to.kind == "dm":
            recipient = _messaging_id(to)
            if recipient is None:
                raise PermanentError(f"{self.account}: this message has no known sender")
            data = self.session.post(
                "me/messages",
                {
                    "recipient": json.dumps({"id": recipient}),
                    "message": json.dumps({"text": text}, ensure_ascii=False),
                },
            )
            new_id = data.get("message_id")
            kind = "dm"
        elif to.kind == "mention":
            fields = {"message": text}
            if isinstance(to.raw, dict) and "mentioned_comment" in to.raw:
                fields.update(media_id=to.parent_external_id or "", comment_id=to.external_id)
            else:
                fields["media_id"] = to.external_id
            new_id = self.session.post(f"{ig}/mentions", fields).get("id")
            kind = "reply"
        elif to.kind in ("comment", "reply"):
            # Instagram nests one level: answering a reply answers its top-level comment.
            target = to.parent_external_id if to.kind == "reply" else to.external_id
            new_id = self.session.post(f"{target}/replies", {"message": text}).get("id")
            kind = "reply"
        else:
            raise PermanentError(f"{self.account}: cannot reply to a {to.kind}")
        if not new_id:
            raise PermanentError(f"{self.account}: Instagram did not return the reply's id")
        return Item(
            network=NETWORK,
            account=self.account,
            external_id=str(new_id),
            kind=kind,  # type: ignore[arg-type]
            direction="out",
            text=text,
            created_at=self.now(),
            author=me,
            parent_external_id=to.external_id,
            thread_external_id=to.thread_external_id,
        )

    def image_url(self, post: OutgoingPost) -> str:
        """The public URL Instagram will fetch the image from."""
        for candidate in (post.image_url, post.image_path, post.link):
            if candidate and candidate.startswith(("https://", "http://")):
                return candidate
        if post.image_path:
            raise PermanentError(
                f"{self.account}: Instagram fetches the image itself from a public URL; "
                f"the local file {post.image_path} cannot be sent. Put it online (for instance "
                "on the city's website: see [media] public_base_url) and give its https address."
            )
        raise PermanentError(f"{self.account}: an Instagram post needs an image (a public URL)")

    def publish(self, post: OutgoingPost) -> str:
        """Quota first, then the two steps: a container, then ``media_publish``."""
        ig = self._require_id()
        image_url = self.image_url(post)
        used, total, hours = _quota(
            self.session.get(f"{ig}/content_publishing_limit", fields="quota_usage,config")
        )
        if used is not None and total is not None and used >= total:
            raise RateLimited(
                f"{self.account}: Instagram's publishing quota is used up ({used} of {total} "
                f"posts in {hours} h); the post will wait",
                self.now() + timedelta(hours=1),
            )
        container = self.session.post(f"{ig}/media", {"image_url": image_url, "caption": post.text})
        creation_id = container.get("id")
        if not creation_id:
            raise PermanentError(f"{self.account}: Instagram did not create the media container")
        for attempt in range(self.CONTAINER_CHECKS):
            status = self.session.get(str(creation_id), fields="status_code").get("status_code")
            if status in (None, "FINISHED", "PUBLISHED"):
                break
            if status in ("ERROR", "EXPIRED"):
                raise PermanentError(
                    f"{self.account}: Instagram could not prepare the image ({status}); "
                    "check that the URL is public and is a JPEG"
                )
            if attempt < self.CONTAINER_CHECKS - 1:
                self.sleep(self.CONTAINER_WAIT)
        published = self.session.post(f"{ig}/media_publish", {"creation_id": str(creation_id)})
        if not published.get("id"):
            raise PermanentError(f"{self.account}: Instagram did not publish the container")
        return str(published["id"])

    # -------------------------------------------------------------- doctor
    # What each stream (and publishing) asks of Meta, by the permissions' own names, and a
    # one-object probe of the edge it reads: (path, params, what it is, permissions).
    PERMISSION_PROBES = {
        "comments": (
            "{ig}/media",
            {"fields": "id,comments.limit(1){id}", "limit": 1},
            "lire et répondre aux commentaires",
            "instagram_basic, instagram_manage_comments, pages_read_engagement",
        ),
        "mentions": (
            "{ig}/tags",
            {"fields": "id", "limit": 1},
            "lire les publications où la ville est identifiée",
            "instagram_basic, instagram_manage_comments",
        ),
        "messages": (
            "me/conversations",
            {"platform": "instagram", "fields": "id", "limit": 1},
            "lire et répondre aux messages Instagram Direct",
            "instagram_manage_messages, pages_manage_metadata",
        ),
        "publish": (
            "{ig}/content_publishing_limit",
            {"fields": "quota_usage"},
            "publier",
            "instagram_content_publish",
        ),
    }

    def check(self) -> list[tuple[bool, str]]:
        """The account (from ``external_id`` when configured: no ``me`` lookup, which may
        need a user token), then one probe per stream naming its permissions, in French."""

        def probe() -> list[tuple[bool, str]]:
            lines = self._account_line()
            if not lines[0][0]:
                return lines
            for stream in [*self._streams, "publish"]:
                if stream in self.PERMISSION_PROBES:
                    lines.append(self._permission_line(stream))
            return lines

        return self.check_with(probe)

    def _account_line(self) -> list[tuple[bool, str]]:
        if self.account_id:
            data = self.session.get(self.account_id, fields="id,username")
            return [
                (
                    True,
                    f"{self.account}: token works for @{data.get('username', '?')} "
                    f"(id {self.account_id}, from external_id)",
                )
            ]
        data = self.session.get("me", fields="id,name,instagram_business_account{id,username}")
        linked = data.get("instagram_business_account") or {}
        if not linked.get("id"):
            return [
                (
                    False,
                    f"{self.account}: the token's Page « {data.get('name', '?')} » has no "
                    "Instagram professional account linked",
                )
            ]
        self.account_id = str(linked["id"])
        return [
            (
                True,
                f"{self.account}: token works for @{linked.get('username', '?')} "
                f"(id {linked['id']}) through the Page « {data.get('name', '?')} »",
            ),
            (False, f"{self.account}: external_id is empty; set it to {linked['id']}"),
        ]

    def _permission_line(self, stream: str) -> tuple[bool, str]:
        path, params, what, permissions = self.PERMISSION_PROBES[stream]
        label = "publication" if stream == "publish" else f"flux « {stream} »"
        try:
            self.session.get(path.format(ig=self.account_id), **params)
        except CollectorError as exc:
            return (
                False,
                f"{self.account} : {label} : Meta refuse de {what} ; le jeton doit avoir les "
                f"permissions {permissions} (Meta : {exc})",
            )
        return (True, f"{self.account} : {label} : {what} autorisé ({permissions})")


def _messaging_id(item: Item) -> str | None:
    """The IGSID a Direct reply goes to: the message's ``from.id``, else the author's key."""
    sender = item.raw.get("from") if isinstance(item.raw, dict) else None
    if isinstance(sender, dict) and sender.get("id"):
        return str(sender["id"])
    return item.author.external_id if item.author else None


def _media_of(next_url: str) -> str | None:
    """``.../v24.0/{media-id}/comments?...`` → the media id."""
    from urllib.parse import urlparse

    parts = [p for p in urlparse(next_url).path.split("/") if p]
    return parts[-2] if len(parts) >= 2 and parts[-1] == "comments" else None
