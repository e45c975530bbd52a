"""The city's Facebook Page, through the Graph API (python-facebook-api, Graph API v24).

Streams and what one pass costs:

- ``comments``: ONE request reads the Page's ``feed`` for the last ``WINDOW_DAYS`` with
  each post's newest comments nested (``comments.filter(stream)`` — replies included,
  flattened — ``.order(reverse_chronological).limit(COMMENTS_PER_POST)``). An idle pass is
  that one request. Only when every nested comment of a post is new does the collector
  follow that post's ``paging.next``, so N new comments cost about N / page size requests.
  The feed is read instead of asking each post for its comments: one request per pass,
  not one per post.
- ``messages``: ONE request reads Messenger conversations (newest first, each with its
  newest messages nested); conversations not updated since the cursor end the pass.
- ``posts``: ONE request reads the Page's own ``posts`` ``since`` the newest one seen.
- ``engagement``: who reacted to the Page's posts of the last ``engagement_days`` (the
  ranking counts reactions). ONE request reads those posts with their reaction total
  (``reactions.summary(total_count).limit(0)``); the totals already collected are kept per
  post in the cursor, so an idle pass is that one request. A post whose total moved has its
  ``/reactions`` paged through (100 a page; the Page's own reactions skipped), at most
  ``engagement_posts_per_pass`` posts a pass, the least recently re-read first. Graph does
  not say when someone reacted: a reaction carries its post's time. Shares are NOT
  collected: Graph gives a post's share count but not who shared (``/sharedposts`` is
  restricted to content the token's user can see, so it lists almost no one). Collected
  only when the account's ``streams`` name it.

Cursors are JSON (``HighWater``): the newest creation time and the ids seen at that
second. Pages inside a pass carry no cursor (the stored one stays); the pass's last page
carries the new position, so a run that dies re-reads its pass and saves nothing twice.

A comment written by the Page itself (``from.id`` is the Page) is the city's native reply:
``direction='out'``, linked to the comment it answers, so the inbox can close it.
"""

from __future__ import annotations

import json
import mimetypes
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlparse

from beffroi.collectors.conversations import conversation_pages
from beffroi.collectors.engagement_plan import due_posts
from beffroi.collectors.errors import PermanentError, SentUnconfirmed
from beffroi.collectors.graph import (
    GraphCollector,
    HighWater,
    author_from,
    checked,
    dm_item,
    entries,
    graph_time,
    message_text,
    next_link,
    parse_time,
    split_new,
)
from beffroi.collectors.item import Author, Interaction, Item, OutgoingPost, Page, Rejected
from beffroi.collectors.matching import holds
from beffroi.collectors.values import as_int, as_text, rejecting

if TYPE_CHECKING:
    from beffroi.config import Account, Settings

NETWORK = "facebook"
COMMENT_FIELDS = "id,message,created_time,from{id,name},parent{id},permalink_url,like_count,comment_count,attachment"
MESSAGE_FIELDS = "id,created_time,from,to,message,attachments{mime_type,name}"
POST_FIELDS = (
    "id,message,created_time,permalink_url,from{id,name},"
    "comments.summary(true).limit(0),reactions.summary(true).limit(0)"
)
# No ``shares``: Graph gives a count but not who shared (see above), and nothing reads it.
ENGAGEMENT_POST_FIELDS = "id,created_time,permalink_url,reactions.summary(total_count).limit(0)"


# ------------------------------------------------------------------ parsing (pure)
def _ids_from_permalink(url: Any) -> tuple[str | None, str | None, str | None]:
    """(comment id, parent comment id, post id) rebuilt from a comment's ``permalink_url``.

    Meta may leave ``id`` and ``parent`` out of a comment (the recorded responses do), but
    its permalink names the post and the comment (``?comment_id=``) and, for a reply, the
    reply (``&reply_comment_id=``). Graph ids of comments are ``{post}_{comment}``, as
    ``GET /{comment-id}`` shows for the same permalink. Ids are never guessed from anything
    else: such a comment is rejected, with the reason, rather than stored under a wrong id.
    """
    if not isinstance(url, str):
        return None, None, None
    parsed = urlparse(url)
    query = parse_qs(parsed.query, keep_blank_values=True)
    parts = [p for p in parsed.path.split("/") if p]
    post = owner = None
    if "posts" in parts and parts.index("posts") + 1 < len(parts):
        post = parts[parts.index("posts") + 1]
        owner = parts[parts.index("posts") - 1] if parts.index("posts") > 0 else None
    comment = (query.get("comment_id") or [None])[0]
    reply = (query.get("reply_comment_id") or [None])[0]
    if reply is not None and not reply.isdigit():
        # A reply's permalink whose reply id is unreadable: taking it for its parent
        # comment would drop the reply as a duplicate.
        return None, None, None
    # Newer permalinks name posts with an opaque ``pfbid...``: no Graph id can be rebuilt.
    if not (post and post.isdigit() and comment and comment.isdigit()):
        return None, None, None
    post_id = f"{owner}_{post}" if owner and owner.isdigit() else post
    if reply:
        return f"{post}_{reply}", f"{post}_{comment}", post_id
    return f"{post}_{comment}", None, post_id


@rejecting("comment")
def parse_comment(
    raw: Any, *, account: str, page_id: str | None, post_id: str | None = None
) -> Item | Rejected:
    """One comment or reply (``filter=stream``) as an Item; a Rejected says why not."""
    created = checked(raw, "comment", ("created_time",), need_id=False)
    if isinstance(created, Rejected):
        return created
    given = raw.get("id")
    if given is not None and type(given) not in (str, int):
        # An id that is a list or an object contradicts the permalink: no id to trust.
        return Rejected(raw, f"comment id is neither a text nor a number ({type(given).__name__})")
    link_id, link_parent, link_post = _ids_from_permalink(raw.get("permalink_url"))
    external_id = given or link_id
    if not external_id:
        return Rejected(raw, "comment has neither an id nor a permalink_url naming it")
    thread = post_id or link_post
    parent_block = raw.get("parent")
    parent = (parent_block or {}).get("id") if isinstance(parent_block, dict) else None
    parent = parent or link_parent
    author = author_from(NETWORK, raw.get("from"), handle_key="username")
    own = bool(page_id and author and author.external_id == page_id)
    return Item(
        network=NETWORK,
        account=account,
        external_id=str(external_id),
        kind="reply" if parent else "comment",
        direction="out" if own else "in",
        text=message_text(raw),
        created_at=created,
        author=author,
        permalink=as_text(raw.get("permalink_url")),
        parent_external_id=str(parent or thread) if (parent or thread) else None,
        thread_external_id=thread,
        like_count=as_int(raw.get("like_count")),
        reply_count=as_int(raw.get("comment_count")),
        raw=raw,
    )


@rejecting("message")
def parse_message(
    raw: Any, *, account: str, page_id: str | None, conversation_id: str | None = None
) -> Item | Rejected:
    """One Messenger message; the Page's own messages are ``direction='out'``."""
    created = checked(raw, "message", ("created_time",))
    if isinstance(created, Rejected):
        return created
    author = author_from(NETWORK, raw.get("from"), handle_key="username")
    own = bool(page_id and author and author.external_id == page_id)
    return dm_item(
        NETWORK,
        raw,
        account=account,
        created=created,
        author=author,
        own=own,
        conversation_id=conversation_id,
    )


@rejecting("post")
def parse_post(raw: Any, *, account: str, page_id: str | None) -> Item | Rejected:
    """One of the Page's posts. A post by someone else on the Page is an inbound mention."""
    created = checked(raw, "post", ("created_time",))
    if isinstance(created, Rejected):
        return created
    author = author_from(NETWORK, raw.get("from"), handle_key="username")
    owner = str(raw["id"]).split("_", 1)[0] if "_" in str(raw["id"]) else None
    by_page = (author.external_id == page_id) if (author and page_id) else owner == page_id
    if author is None and page_id is None:
        by_page = True  # ``/{page}/posts`` only lists the Page's own posts
    return Item(
        network=NETWORK,
        account=account,
        external_id=str(raw["id"]),
        kind="post" if by_page else "mention",
        direction="out" if by_page else "in",
        text=raw.get("message") if isinstance(raw.get("message"), str) else "",
        created_at=created,
        author=author,
        permalink=as_text(raw.get("permalink_url")),
        thread_external_id=str(raw["id"]),
        like_count=_summary_count(raw.get("reactions")),
        reply_count=_summary_count(raw.get("comments")),
        raw=raw,
    )


def _summary_count(block: Any) -> int | None:
    if isinstance(block, dict) and isinstance(block.get("summary"), dict):
        return as_int(block["summary"].get("total_count"))
    return None


# ------------------------------------------------------------------ the collector
def _load_state(cursor: str | None) -> dict[str, Any]:
    try:
        state = json.loads(cursor) if cursor else {}
    except ValueError:
        return {}
    return state if isinstance(state, dict) else {}


def _reaction_totals(stored: Any, posts: dict[str, dict[str, Any]]) -> dict[str, dict]:
    """What the cursor keeps per post still in the window (older ones are forgotten): the
    reaction total already collected (``seen``) and when it was last re-read."""
    stored = stored if isinstance(stored, dict) else {}
    kept: dict[str, dict] = {}
    for post_id in posts:
        old = stored.get(post_id) if isinstance(stored.get(post_id), dict) else {}
        kept[post_id] = {k: old[k] for k in ("seen", "refreshed") if k in old}
    return kept


class FacebookCollector(GraphCollector):
    network = NETWORK
    HIDE_FIELD = "is_hidden"
    STREAMS = ("comments", "messages", "posts", "engagement")
    # Collected when the account names no streams; ``engagement`` must be asked for.
    DEFAULT_STREAMS = ("comments", "messages", "posts")
    WINDOW_DAYS = 30
    POSTS_PER_REQUEST = 50
    COMMENTS_PER_POST = 25
    CONVERSATIONS_PER_REQUEST = 25
    MESSAGES_PER_CONVERSATION = 25
    REACTIONS_PER_REQUEST = 100

    def __init__(
        self,
        account: str,
        *,
        engagement_days: int = 14,
        engagement_posts_per_pass: int = 5,
        **kwargs: Any,
    ) -> None:
        super().__init__(account, **kwargs)
        self.engagement_days = engagement_days
        self.engagement_posts_per_pass = engagement_posts_per_pass

    # -------------------------------------------------------------- comments
    def _fetch_comments(self, hw: HighWater) -> Iterator[Page]:
        stamps: list[tuple[datetime, str]] = []
        pages = self._comment_pages(hw, stamps)
        return self.with_final_cursor(pages, lambda: hw.advanced(stamps).dump())

    def _comment_pages(self, hw: HighWater, stamps: list) -> Iterator[Page]:
        page_id = self._require_id()
        start = self.now() - timedelta(days=self.WINDOW_DAYS)
        nested = (
            f"comments.filter(stream).order(reverse_chronological)"
            f".limit({self.COMMENTS_PER_POST}){{{COMMENT_FIELDS}}}"
        )
        for data, calls in self.edge(
            f"{page_id}/feed",
            fields=f"id,created_time,{nested}",
            since=graph_time(start),
            limit=self.POSTS_PER_REQUEST,
        ):
            items, rejected = [], []
            follow_ups: list[tuple[str, str]] = []
            for post in entries(data):
                post_id = str(post.get("id")) if isinstance(post, dict) else None
                block = post.get("comments") if isinstance(post, dict) else None
                more = self._comments_in(block, hw, page_id, post_id, items, rejected)
                if more:
                    follow_ups.append((more, post_id or ""))
            stamps += [(i.created_at, i.external_id) for i in items]
            yield self._page(items, None, calls, rejected)
            for next_url, post_id in follow_ups:
                yield from self._follow_comments(next_url, hw, page_id, post_id, stamps)

    def _comments_in(
        self,
        block: Any,
        hw: HighWater,
        page_id: str,
        post_id: str | None,
        items: list[Item],
        rejected: list[Rejected],
    ) -> str | None:
        """Parse a block of comments (newest first); return its next URL if all were new."""
        if not isinstance(block, dict):
            return None
        parsed = (
            parse_comment(raw, account=self.account, page_id=page_id, post_id=post_id)
            for raw in entries(block)
        )
        new, bad, all_new = split_new(parsed, hw)
        items += new
        rejected += bad
        next_url = next_link(block)
        return next_url if (all_new and next_url and entries(block)) else None

    def _follow_comments(
        self,
        next_url: str,
        hw: HighWater,
        page_id: str,
        post_id: str,
        stamps: list[tuple[datetime, str]],
    ) -> Iterator[Page]:
        while next_url:
            calls = self.session.calls
            block = self.session.get_next(next_url)
            items: list[Item] = []
            rejected: list[Rejected] = []
            next_url = self._comments_in(block, hw, page_id, post_id or None, items, rejected)
            stamps += [(i.created_at, i.external_id) for i in items]
            yield self._page(items, None, calls, rejected)

    # -------------------------------------------------------------- messages
    def _fetch_messages(self, hw: HighWater) -> Iterator[Page]:
        page_id = self._require_id()
        nested = f"messages.limit({self.MESSAGES_PER_CONVERSATION}){{{MESSAGE_FIELDS}}}"
        params = {
            "platform": "messenger",
            "fields": f"id,updated_time,{nested}",
            "limit": self.CONVERSATIONS_PER_REQUEST,
        }
        path = f"{page_id}/conversations"
        yield from conversation_pages(self, hw, page_id, path, params, parse_message)

    # -------------------------------------------------------------- posts
    def _fetch_posts(self, hw: HighWater) -> Iterator[Page]:
        page_id = self._require_id()
        since = hw.since or (self.now() - timedelta(days=self.HISTORY_DAYS))

        def read(data: dict[str, Any]):
            posts = (
                parse_post(raw, account=self.account, page_id=page_id) for raw in entries(data)
            )
            return split_new(posts, hw)

        params = {
            "fields": POST_FIELDS,
            "since": graph_time(since),
            "limit": self.POSTS_PER_REQUEST,
        }
        yield from self.newest_first(hw, f"{page_id}/posts", params, read)

    # -------------------------------------------------------------- engagement
    @classmethod
    def for_account(cls, settings: Settings, account: Account, **kwargs: Any) -> FacebookCollector:
        kwargs.setdefault("engagement_days", account.engagement_days)
        kwargs.setdefault("engagement_posts_per_pass", account.engagement_posts_per_pass)
        return super().for_account(settings, account, **kwargs)

    def fetch(self, stream: str, cursor: str | None) -> Iterator[Page]:
        if stream == "engagement":
            return self._fetch_engagement(_load_state(cursor))
        return super().fetch(stream, cursor)

    def _fetch_engagement(self, state: dict[str, Any]) -> Iterator[Page]:
        page_id = self._require_id()
        now = self.now()
        calls = self.session.calls
        posts, rejected = self._recent_posts(page_id, now - timedelta(days=self.engagement_days))
        tracked = _reaction_totals(state.get("posts"), posts)
        walk = state.get("walk") if isinstance(state.get("walk"), dict) else {}
        state["posts"] = tracked
        changed = {}
        for post_id, entry in tracked.items():
            total = _summary_count(posts[post_id].get("reactions"))
            if (total is None and "seen" not in entry) or (
                total is not None and total != entry.get("seen", 0)
            ):
                changed[post_id] = total
        due, walk_due = due_posts(
            changed, tracked, walk.get("post"), self.engagement_posts_per_pass
        )
        if not walk_due:
            state.pop("walk", None)
        pages = 0
        for post_id, total in due:
            tracked[post_id]["refreshed"] = now.isoformat()
            for interactions, after in self._reactions(page_id, post_id, posts[post_id], walk):
                if after:
                    state["walk"] = {"post": post_id, "after": after}
                else:
                    state.pop("walk", None)
                    tracked[post_id]["seen"] = total
                yield Page(
                    [],
                    json.dumps(state, sort_keys=True),
                    rejected,
                    api_calls=self.session.calls - calls,
                    interactions=interactions,
                )
                calls, rejected, pages = self.session.calls, [], pages + 1
        if not pages:
            yield Page([], json.dumps(state, sort_keys=True), rejected, self.session.calls - calls)

    def _recent_posts(
        self, page_id: str, since: datetime
    ) -> tuple[dict[str, dict[str, Any]], list[Rejected]]:
        """The Page's posts since ``since`` with their reaction totals, by id."""
        posts: dict[str, dict[str, Any]] = {}
        rejected: list[Rejected] = []
        for data, _calls in self.edge(
            f"{page_id}/posts",
            fields=ENGAGEMENT_POST_FIELDS,
            since=graph_time(since),
            limit=self.POSTS_PER_REQUEST,
        ):
            for raw in entries(data):
                created = checked(raw, "post", ("created_time",))
                if isinstance(created, Rejected):
                    rejected.append(created)
                elif created >= since:
                    posts[str(raw["id"])] = {**raw, "created": created}
            if not entries(data):
                break
        return posts, rejected

    def _reactions(
        self, page_id: str, post_id: str, post: dict[str, Any], walk: dict[str, Any]
    ) -> Iterator[tuple[list[Interaction], str | None]]:
        """Who reacted to one post, a page at a time, with the ``after`` cursor of the next
        page (None at the end). A walk cut short resumes at its stored ``after``."""
        resuming = walk.get("post") == post_id and bool(walk.get("after"))
        after = walk.get("after") if resuming else None
        while True:
            paging_after = {"after": after} if after else {}
            try:
                data = self.session.get(
                    f"{post_id}/reactions",
                    fields="id,name,type",
                    limit=self.REACTIONS_PER_REQUEST,
                    **paging_after,
                )
            except PermanentError:
                if not resuming:
                    raise
                # Graph no longer knows the stored cursor: read the list again (idempotent).
                after, resuming = None, False
                continue
            resuming = False
            interactions = [
                Interaction(
                    NETWORK,
                    self.account,
                    "reaction",
                    Author(NETWORK, str(raw["id"]), None, raw.get("name")),
                    post_id,
                    post["created"],
                    as_text(post.get("permalink_url")),
                )
                for raw in entries(data)
                if isinstance(raw, dict) and raw.get("id") and str(raw["id"]) != page_id
            ]
            paging = data.get("paging") if isinstance(data.get("paging"), dict) else {}
            cursors = paging.get("cursors") if isinstance(paging.get("cursors"), dict) else {}
            after = cursors.get("after") if next_link(data) else None
            after = after if isinstance(after, str) else None
            yield interactions, after
            if not after:
                return

    # -------------------------------------------------------------- writing
    def reply(self, to: Item, text: str) -> Item:
        if to.network != NETWORK:
            raise PermanentError(f"{self.account}: cannot answer a {to.network} item")
        page_id = self._require_id()
        me = Author(NETWORK, page_id, self.handle, None)
        if to.kind == "dm":
            if to.author is None:
                raise PermanentError(f"{self.account}: this message has no known sender")
            data = self.session.post_accepted(
                f"{page_id}/messages",
                {
                    "recipient": json.dumps({"id": to.author.external_id}),
                    "message": json.dumps({"text": text}, ensure_ascii=False),
                    "messaging_type": "RESPONSE",
                },
            )
            message_id = data.get("message_id") if isinstance(data, dict) else None
            if type(message_id) not in (str, int) or not str(message_id):
                raise SentUnconfirmed(
                    f"{self.account}: Messenger a accepté le message sans en donner l'identifiant",
                    data,
                )
            return Item(
                network=NETWORK,
                account=self.account,
                external_id=str(message_id),
                kind="dm",
                direction="out",
                text=text,
                created_at=self.now(),
                author=me,
                parent_external_id=to.external_id,
                thread_external_id=to.thread_external_id,
                raw=data,
            )
        if to.kind not in ("comment", "reply", "mention", "post"):
            raise PermanentError(f"{self.account}: cannot reply to a {to.kind}")
        # Facebook nests one level: a reply to a reply goes under the top-level comment.
        target = to.external_id
        if to.kind == "reply" and to.parent_external_id:
            target = to.parent_external_id
        data = self.session.post_accepted(
            f"{target}/comments",
            {"message": text},
            params={"fields": "id,created_time,permalink_url"},
        )
        if not isinstance(data, dict) or type(data.get("id")) not in (str, int) or not data["id"]:
            raise SentUnconfirmed(
                f"{self.account}: Facebook a accepté la réponse sans en donner l'identifiant",
                data,
            )
        return Item(
            network=NETWORK,
            account=self.account,
            external_id=str(data["id"]),
            kind="reply",
            direction="out",
            text=text,
            created_at=parse_time(data.get("created_time")) or self.now(),
            author=me,
            permalink=as_text(data.get("permalink_url")),
            parent_external_id=to.external_id,
            thread_external_id=to.thread_external_id,
            raw=data,
        )

    def find_reply(self, to: Item, text: str, since: datetime) -> Item | None:
        """The Page's reply to ``to`` with the text sent, since ``since``: among the comments
        under the object ``reply`` answered (``GET /{id}/comments``, a few pages), one
        ``from`` the Page whose message holds the text. Meta withholds ``from`` without the
        permission: such a comment cannot be told apart, so it is never taken for the
        Page's; None is no proof either way (a person decides). A DM is not looked for."""
        if to.kind == "dm" or to.kind not in ("comment", "reply", "mention", "post"):
            return None
        page_id = self._require_id()
        target = to.parent_external_id if to.kind == "reply" and to.parent_external_id else None
        pages = self.edge(
            f"{target or to.external_id}/comments",
            fields="id,message,from,created_time,permalink_url,parent",
            since=graph_time(since - timedelta(minutes=5)),
            limit=50,
        )
        for _, (data, _calls) in zip(range(self.MAX_SEARCH_PAGES), pages, strict=False):
            for raw in entries(data):
                if not isinstance(raw, dict) or (raw.get("from") or {}).get("id") != page_id:
                    continue
                found = parse_comment(
                    raw, account=self.account, page_id=page_id, post_id=to.thread_external_id
                )
                if (
                    isinstance(found, Item)
                    and found.created_at >= since
                    and holds(found.text or "", text)
                ):
                    return replace(found, kind="reply", parent_external_id=to.external_id)
        return None

    def publish(self, post: OutgoingPost) -> str:
        """A text post on the feed, or a photo with its text through ``/photos``."""
        page_id = self._require_id()
        image = post.image_path
        if image and image.startswith(("http://", "https://")):
            data = self.session.post(f"{page_id}/photos", {"caption": post.text, "url": image})
        elif image:
            path = Path(image)
            if not path.is_file():
                raise PermanentError(f"{self.account}: image not found: {image}")
            mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            with path.open("rb") as handle:
                data = self.session.post(
                    f"{page_id}/photos",
                    {"caption": post.text},
                    files={"source": (path.name, handle, mime)},
                )
        else:
            fields = {"message": post.text}
            if post.link:
                fields["link"] = post.link
            data = self.session.post(f"{page_id}/feed", fields)
        new_id = data.get("post_id") or data.get("id")
        if not new_id:
            raise PermanentError(f"{self.account}: Facebook did not return the new post's id")
        return str(new_id)

    # -------------------------------------------------------------- doctor
    def check(self) -> list[tuple[bool, str]]:
        """One request: the token's Page, and (if collected) whether Messenger is readable."""

        def probe() -> list[tuple[bool, str]]:
            fields = "id,name"
            if "messages" in self._streams:
                fields += ",conversations.limit(1){id}"
            data = self.session.get(self.account_id or "me", fields=fields)
            lines = [
                (
                    True,
                    f"{self.account}: Page token works for « {data.get('name', '?')} » "
                    f"(id {data.get('id', '?')})",
                )
            ]
            if not self.account_id:
                lines.append(
                    (
                        False,
                        f"{self.account}: external_id is empty in the configuration; "
                        f"set it to the Page id {data.get('id', '?')}",
                    )
                )
            if "messages" in self._streams:
                lines.append((True, f"{self.account}: Messenger conversations are readable"))
            return lines

        return self.check_with(probe)
