"""The Bluesky collector, through the ``atproto`` SDK (which speaks HTTP with ``httpx``).

The account signs in with its handle and an app password (environment variable named by
``secret_envs.app_password``, or ``token_env``) on its PDS (``instance_url``, default
``https://bsky.social``); the session is opened once per collector and refreshed by the SDK.
Streams (an idle pass is exactly one request per stream):

- ``notifications``: ``app.bsky.notification.listNotifications``, newest first. ``mention``,
  ``reply`` and ``quote`` become items (``mention``, ``reply``, ``mention``); ``like`` and
  ``repost`` become Interactions (``reaction``, ``share``) on the post they name
  (``reasonSubject``), at the time of the like record. The cursor keeps the newest
  ``indexedAt`` seen; a pass walks older pages (the lexicon's ``cursor``) until it meets it,
  then records the new mark, so a crash re-reads what was not saved (ingestion ignores
  duplicates).
- ``own``: the city's own posts and replies (``app.bsky.feed.getAuthorFeed``,
  ``posts_with_replies``): a reply staff wrote in the Bluesky app closes its queue item.
- ``dms``: ``chat.bsky.convo.listConvos`` through the chat proxy (``atproto-proxy:
  did:web:api.bsky.chat#bsky_chat``), then ``getMessages`` for each conversation whose last
  message changed. Needs an app password created with direct-message access (or the OAuth
  scope ``transition:chat.bsky``); without it, ``NoDirectMessageAccess``.

Reading: every answer is read by Beffroi's JSON reader (``LenientRequest``), not by the
SDK's lexicon models, which refuse a whole page for one odd object (a lone surrogate, a
5,000-digit number, a field of the wrong type): each notification, post, conversation and
message is read on its own and one that cannot be read is a ``Rejected`` with its reason
(a message without a sender, a conversation without an id), the rest of the page saved.
Writes go through the SDK; a 2xx answer it cannot read is ``SentUnconfirmed``.

Text: ``text`` plus facets (``social_text.facets_to_text``: a link shortened by the app is
stored whole), never HTML. Items carry the post's ``at://`` URI as their id; ``raw`` keeps the
``cid`` a reply needs.

Publishing is exactly once by construction: ``com.atproto.repo.createRecord`` with a record
key (a TID) chosen by the outbox row before the call (``OutgoingPost.key``), so a retry after
a crash either finds the record at that key (``find_published``: ``getRecord``) or creates it;
the PDS refuses a second record at the same key.
"""

from __future__ import annotations

import json
import logging
import random
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
from atproto import Client
from atproto_client.exceptions import (
    BadRequestError,
    InvokeTimeoutError,
    LoginRequiredError,
    ModelError,
    NetworkError,
    RateLimitExceededError,
    RequestErrorBase,
    UnauthorizedError,
)
from atproto_client.models.utils import get_model_as_dict

from beffroi.collectors.bluesky_answers import (
    LenientRequest,
    Params,
    objects_at,
    strong_ref,
    text_value,
)
from beffroi.collectors.errors import AuthExpired, PermanentError, RateLimited, SentUnconfirmed
from beffroi.collectors.item import Author, Interaction, Item, OutgoingPost, Page, Rejected, utcnow
from beffroi.collectors.matching import holds
from beffroi.collectors.social_errors import (
    InstanceDown,
    NoDirectMessageAccess,
    ParentDeleted,
    PostTooLong,
    SessionExpired,
)
from beffroi.collectors.social_text import facets_for, facets_to_text, grapheme_count
from beffroi.collectors.values import UNREADABLE

if TYPE_CHECKING:
    from beffroi.config import Account, Settings

log = logging.getLogger(__name__)

NETWORK = "bluesky"
POST = "app.bsky.feed.post"
STREAMS = ("notifications", "own", "dms")
DEFAULT_STREAMS = ("notifications", "own")
DEFAULT_PDS = "https://bsky.social"
PAGE_SIZE = 50
MAX_PAGES = 10
LIMIT = 300  # graphemes
FALLBACK_RATE_WAIT = timedelta(minutes=5)
ITEM_REASONS = {"mention": "mention", "reply": "reply", "quote": "mention"}
INTERACTION_REASONS = {"like": "reaction", "repost": "share"}
_TID_ALPHABET = "234567abcdefghijklmnopqrstuvwxyz"


def tid(moment: datetime, clock_id: int | None = None) -> str:
    """A record key in the TID form: 53 bits of microseconds since 1970 and 10 bits of clock
    id, base32-sortable, 13 characters (so keys sort like the times they were chosen)."""
    micros = int(moment.timestamp() * 1_000_000)
    clock = random.randrange(1024) if clock_id is None else clock_id % 1024  # noqa: S311
    value = (micros << 10) | clock
    out = []
    for _ in range(13):
        out.append(_TID_ALPHABET[value & 31])
        value >>= 5
    return "".join(reversed(out))


def rkey_of(uri: str) -> str:
    return uri.rstrip("/").rsplit("/", 1)[-1]


def _when(value: Any) -> datetime:
    moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _sent_at(value: Any, now: datetime) -> datetime:
    """When a message the network accepted was sent: its ``sentAt``, or now when that is
    unreadable (the message went out: an odd time must not make it look unsent)."""
    try:
        return _when(value) if value else now
    except UNREADABLE:
        return now


def _profile_text(value: Any) -> str | None:
    """A profile's description as plain text, when it is text."""
    return value.strip() or None if isinstance(value, str) else None


def author_of(profile: dict[str, Any]) -> Author:
    """An author by DID; a profile without one is no author (``str(None)`` must never
    become a member)."""
    handle = profile.get("handle")
    name = profile.get("displayName")
    return Author(
        NETWORK,
        text_value(profile["did"], "did"),
        f"@{handle}" if isinstance(handle, str) and handle else None,
        name if isinstance(name, str) and name else None,
        _profile_text(profile.get("description")),
    )


def permalink(uri: str, handle: str | None) -> str | None:
    parts = uri.removeprefix("at://").split("/")
    if len(parts) != 3 or parts[1] != POST:
        return None
    return f"https://bsky.app/profile/{handle or parts[0]}/post/{parts[2]}"


def as_dict(model: Any) -> dict[str, Any]:
    return model if isinstance(model, dict) else get_model_as_dict(model)


class BlueskyCollector:
    network = NETWORK
    # getRecord at the row's own key answers for sure: absent means never created.
    find_published_is_exhaustive = True
    find_published_matches = "key"
    # A thread's replies, as getPostThread shows them, can be cut (depth, blocks, moderation):
    # a reply not found there may still exist; a person decides.
    find_reply_is_exhaustive = False

    def __init__(
        self,
        account: Account,
        *,
        password: str | None,
        pds_url: str = DEFAULT_PDS,
        max_chars: int | None = None,
        now: Callable[[], datetime] = utcnow,
        timeout: float = 30.0,
    ) -> None:
        self.account = account.key
        self.handle = account.handle.lstrip("@")
        self.city_did: str | None = account.external_id or None
        self._streams = list(account.streams) if account.streams else list(DEFAULT_STREAMS)
        self._password = password
        self._password_env = account.secret_envs.get("app_password") or account.token_env
        self.pds_url = pds_url.rstrip("/")
        self.limit = max_chars or LIMIT
        self.now = now
        self.calls = 0
        self.last_status = 0
        # The SDK's own httpx client, with a timeout (a dead socket must not hang a pass).
        self.client = Client(
            base_url=f"{self.pds_url}/xrpc", request=LenientRequest(timeout=timeout)
        )
        self.client.request._client.event_hooks["response"].append(self._saw)
        self._chat: Client | None = None
        self._signed_in = False

    @classmethod
    def for_account(cls, settings: Settings, account: Account) -> BlueskyCollector:
        return cls(
            account,
            password=account.secret("app_password") or account.token(),
            pds_url=account.instance_url or DEFAULT_PDS,
            max_chars=account.max_chars,
        )

    def streams(self) -> list[str]:
        return list(self._streams)

    # ------------------------------------------------------------------ plumbing

    def _saw(self, response: httpx.Response) -> None:
        """Every HTTP answer (an httpx hook): counted, so tests and meters see the cost."""
        self.calls += 1
        self.last_status = response.status_code

    def _sign_in(self) -> None:
        if self._signed_in:
            return
        if not self._password:
            raise AuthExpired(
                f"{self.account} : pas de mot de passe d'application Bluesky ; mettez-le dans "
                f"la variable d'environnement {self._password_env or '(non configurée)'}"
            )
        try:
            self.client.login(self.handle, self._password, fetch_bsky_profile=False)
        except (UnauthorizedError, BadRequestError) as exc:
            raise SessionExpired(self.account, _words(exc)) from None
        except (NetworkError, InvokeTimeoutError) as exc:
            raise InstanceDown(self.account, self.pds_url, type(exc).__name__) from None
        except (ModelError, ValueError) as exc:  # a session answer that is no session
            raise InstanceDown(self.account, self.pds_url, "réponse illisible") from exc
        me = self.client.me.did if self.client.me else None
        session = getattr(self.client, "_session", None)
        self.city_did = self.city_did or me or (session.did if session else None)
        self._signed_in = True

    def _call(
        self,
        what: str,
        method: Callable[..., Any],
        *,
        chat: bool = False,
        write: bool = False,
        **kwargs,
    ):
        """One XRPC call through the SDK, its failures as typed errors (French). For a
        ``write``, a 2xx answer the lexicon's model refuses is a write that went out,
        described oddly: ``SentUnconfirmed``, never a failure that invites a second send."""
        self._sign_in()
        before = self.calls
        try:
            return method(**kwargs)
        except (ModelError, ValueError) as exc:
            # Only an answer read after a 2xx can be a write that went out (the SDK also
            # refuses a model before sending anything).
            answered = self.calls > before and 200 <= self.last_status < 300
            if write and answered:
                raise SentUnconfirmed(
                    f"{self.account} : Bluesky a accepté {what} sans la décrire comme prévu "
                    f"({str(exc)[:80]})"
                ) from None
            raise InstanceDown(self.account, self.pds_url, "réponse illisible") from exc
        except RateLimitExceededError as exc:
            reset = _reset(exc) or self.now() + FALLBACK_RATE_WAIT
            raise RateLimited(
                f"{self.account} : limite de requêtes Bluesky atteinte ({what}) ; reprise "
                f"après {reset:%Y-%m-%d %H:%M:%S} UTC",
                reset,
            ) from None
        except (UnauthorizedError, LoginRequiredError) as exc:
            words = _words(exc)
            if chat and ("scope" in words.lower() or "InvalidToken" in words):
                raise NoDirectMessageAccess(self.account, words) from None
            self._signed_in = False
            raise SessionExpired(self.account, words) from None
        except BadRequestError as exc:
            words = _words(exc)
            if "ExpiredToken" in words or "InvalidToken" in words:
                if chat and "scope" in words.lower():
                    raise NoDirectMessageAccess(self.account, words) from None
                self._signed_in = False
                raise SessionExpired(self.account, words) from None
            raise _Refused(f"{self.account} : Bluesky refuse {what} ({words})", words) from None
        except (NetworkError, InvokeTimeoutError) as exc:
            raise InstanceDown(
                self.account, self.pds_url, _words(exc) or type(exc).__name__
            ) from None
        except httpx.InvalidURL as exc:  # a value read from an answer that no URL can carry
            raise PermanentError(
                f"{self.account} : Bluesky, {what} : adresse impossible ({str(exc)[:80]})"
            ) from None
        except RequestErrorBase as exc:
            status = exc.response.status_code if exc.response is not None else 0
            if status >= 500 or status == 0:
                raise InstanceDown(self.account, self.pds_url, str(status)) from None
            raise PermanentError(
                f"{self.account} : Bluesky refuse {what} ({_words(exc)})"
            ) from None

    def _chat_client(self) -> Client:
        self._sign_in()
        if self._chat is None:
            self._chat = self.client.with_bsky_chat_proxy()
            self._chat.request._client.event_hooks["response"].append(self._saw)
        return self._chat

    def _query(self, what: str, nsid: str, *, chat: bool = False, **params: Any) -> dict:
        """One XRPC query, its body as a dict (``LenientRequest``): the objects in it are
        read one by one by the caller; a body that is no JSON object is a typed error."""
        client = self._chat_client() if chat else self.client
        answer = self._call(
            what, lambda **p: client.invoke_query(nsid, params=Params(p)), chat=chat, **params
        )
        body = answer.content
        if not isinstance(body, dict):
            raise InstanceDown(self.account, self.pds_url, "réponse illisible")
        return body

    # ------------------------------------------------------------------ parsing

    def post_item(
        self,
        uri: str,
        record: dict[str, Any],
        profile: dict[str, Any] | None,
        *,
        kind: str | None = None,
        raw: dict[str, Any] | None = None,
        indexed_at: str | None = None,
    ) -> Item:
        """One post record as an Item (text and facets as plain text, never HTML)."""
        who = author_of(profile) if profile else None
        outgoing = who is not None and who.external_id == self.city_did
        reply = record.get("reply") if isinstance(record.get("reply"), dict) else {}
        if kind is None:
            kind = "reply" if reply else ("post" if outgoing else "mention")
        return Item(
            network=NETWORK,
            account=self.account,
            external_id=uri,
            kind=kind,
            direction="out" if outgoing else "in",
            text=facets_to_text(str(record.get("text") or ""), record.get("facets")),
            created_at=_when(record.get("createdAt") or indexed_at),
            author=who,
            permalink=permalink(uri, profile.get("handle") if profile else None),
            parent_external_id=(reply.get("parent") or {}).get("uri"),
            thread_external_id=(reply.get("root") or {}).get("uri"),
            raw=raw,
        )

    def notification_page(self, notes: list[Any]) -> Page:
        """Items and interactions; a notification that cannot be read is rejected alone
        (the rest of the page is kept), one of a reason Beffroi does not read is skipped."""
        items, interactions, rejected = [], [], []
        for note in notes:
            try:
                read = self._notification(note)
            except UNREADABLE as exc:
                rejected.append(Rejected(note, f"notification illisible : {exc}"[:300]))
                continue
            if isinstance(read, Item):
                items.append(read)
            elif read is not None:
                interactions.append(read)
        return Page(items, None, rejected, interactions=interactions)

    def _notification(self, note: Any) -> Item | Interaction | None:
        reason = note.get("reason")
        if not isinstance(reason, str):
            raise ValueError(f"raison illisible : {reason!r}"[:80])
        if reason in ITEM_REASONS:
            return self.post_item(
                text_value(note["uri"], "uri"),
                note["record"],
                note["author"],
                kind=ITEM_REASONS[reason],
                raw=note,
                indexed_at=note.get("indexedAt"),
            )
        if reason not in INTERACTION_REASONS:
            return None
        record = note.get("record") or {}
        subject = record.get("subject") or {}
        target = note.get("reasonSubject") or (
            subject.get("uri") if isinstance(subject, dict) else None
        )
        return Interaction(
            NETWORK,
            self.account,
            INTERACTION_REASONS[reason],
            author_of(note["author"]),
            text_value(target, "reasonSubject"),
            _when(record.get("createdAt") or note["indexedAt"]),
            permalink(target, None),
        )

    # ------------------------------------------------------------------ reading

    def fetch(self, stream: str, cursor: str | None) -> Iterator[Page]:
        if stream == "notifications":
            yield from self._walk(
                stream,
                cursor,
                {"nsid": "app.bsky.notification.listNotifications"},
                "notifications",
                lambda n: n.get("indexedAt"),
                self.notification_page,
            )
        elif stream == "own":
            self._sign_in()
            yield from self._walk(
                stream,
                cursor,
                {
                    "nsid": "app.bsky.feed.getAuthorFeed",
                    "actor": self.city_did,
                    "filter": "posts_with_replies",
                },
                "feed",
                lambda entry: (entry.get("post") or {}).get("indexedAt"),
                self._own_page,
            )
        elif stream == "dms":
            yield from self._dms(cursor)
        else:
            raise ValueError(f"unknown Bluesky stream {stream!r}")

    def _own_page(self, feed: list[Any]) -> Page:
        items, rejected = [], []
        for entry in feed:
            try:
                post = entry.get("post") or {}
                if entry.get("reason") or (post.get("author") or {}).get("did") != self.city_did:
                    continue  # reposts and others' posts shown in the feed
                items.append(
                    self.post_item(
                        text_value(post["uri"], "uri"),
                        post["record"],
                        post["author"],
                        raw=post,
                        indexed_at=post.get("indexedAt"),
                    )
                )
            except UNREADABLE as exc:
                rejected.append(Rejected(entry, f"post illisible : {exc}"[:300]))
        return Page(items, None, rejected)

    def _walk(self, stream, cursor, query, key, stamp, parse) -> Iterator[Page]:
        """Newest first until the stored mark; the last page records the new mark. An entry
        that is no object, or whose time is no text, is handed to ``parse`` as fresh (it
        rejects what it cannot read): it must never stop the walk."""
        seen = cursor if isinstance(cursor, str) else ""
        newest, page_cursor = None, None
        query = dict(query)
        nsid = query.pop("nsid")

        def when(entry: Any) -> str | None:
            try:
                value = stamp(entry) if isinstance(entry, dict) else None
            except UNREADABLE:  # a feed entry whose post is no object
                return None
            return value if isinstance(value, str) else None

        for number in range(MAX_PAGES):
            body = self._query(stream, nsid, **query, limit=PAGE_SIZE, cursor=page_cursor or None)
            entries = objects_at(body, key)
            fresh = [e for e in entries if (when(e) or "\uffff") > seen]
            if number == 0:
                newest = max((when(e) or "" for e in entries), default="") or None
            page_cursor = body.get("cursor") if isinstance(body.get("cursor"), str) else None
            # At MAX_PAGES the mark moves anyway: what is older than 500 notifications is
            # left behind rather than blocking the stream for ever.
            done = (
                len(fresh) < len(entries)
                or not page_cursor
                or not entries
                or number == MAX_PAGES - 1
            )
            page = parse(fresh)
            if done and newest and newest > seen:
                page.cursor = newest
            yield page
            if done:
                return

    def _dms(self, cursor: str | None) -> Iterator[Page]:
        """New messages of the conversations whose last message changed. A conversation
        without an id cannot be read (nothing to ask ``getMessages`` with) and a message
        without a sender cannot be answered nor attributed: each is rejected alone."""
        try:
            state = json.loads(cursor) if cursor else {}
        except (ValueError, RecursionError):
            state = {}
        state = state if isinstance(state, dict) else {}
        body = self._query("dms", "chat.bsky.convo.listConvos", chat=True, limit=PAGE_SIZE)
        moved = dict(state)
        items: list[Item] = []
        rejected: list[Rejected] = []
        calls = 1
        for convo in objects_at(body, "convos"):
            try:
                cid = text_value(convo["id"], "id")
                shown = convo.get("lastMessage")
                last = shown.get("id") if isinstance(shown, dict) else shown
                # Members only give names: an unreadable list costs the names, never the
                # conversation's messages (each message names its sender's DID).
                listed = convo.get("members")
                members = {
                    m["did"]: m
                    for m in (listed if isinstance(listed, list) else [])
                    if isinstance(m, dict) and isinstance(m.get("did"), str)
                }
            except UNREADABLE as exc:
                rejected.append(Rejected(convo, f"conversation illisible : {exc}"[:300]))
                continue
            readable_last = isinstance(last, str) and bool(last)
            if shown is None or (readable_last and state.get(cid) == last):
                continue  # empty (the lexicon then shows no last message), or not moved
            messages = self._query(
                "dms", "chat.bsky.convo.getMessages", chat=True, convoId=cid, limit=PAGE_SIZE
            )
            calls += 1
            known = state.get(cid) if isinstance(state.get(cid), str) else None
            for message in objects_at(messages, "messages"):
                read = self._message(message, cid, members, known)
                if isinstance(read, Rejected):
                    rejected.append(read)
                elif read is not None:
                    items.append(read)
            if readable_last:  # else read again next pass: whether it moved is unknown
                moved[cid] = last
        new = json.dumps(moved, sort_keys=True) if moved != state else None
        yield Page(items, new, rejected, api_calls=calls)

    def _message(
        self, message: Any, cid: str, members: dict[str, Any], known: str | None
    ) -> Item | Rejected | None:
        """One chat message as an Item, None when already collected or deleted."""
        try:
            external_id = text_value(message["id"], "id")
            if known and external_id <= known:
                return None
            if message.get("$type") not in (None, "chat.bsky.convo.defs#messageView"):
                return None  # deleted messages
            sender = message.get("sender")
            did = sender.get("did") if isinstance(sender, dict) else None
            if not isinstance(did, str) or not did:
                # Bluesky's messageView always names its sender: one that does not is
                # nobody's message (no one to answer, no one to attribute it to).
                return Rejected(message, "message privé sans expéditeur : impossible d'y répondre")
            who = author_of(members.get(did) or {"did": did})
            return Item(
                network=NETWORK,
                account=self.account,
                external_id=external_id,
                kind="dm",
                direction="out" if did == self.city_did else "in",
                text=facets_to_text(str(message.get("text") or ""), message.get("facets")),
                created_at=_when(message["sentAt"]),
                author=who,
                thread_external_id=cid,
                raw=message,
            )
        except UNREADABLE as exc:
            return Rejected(message, f"message illisible : {exc}"[:300])

    def thread(self, uri: str) -> list[Item]:
        """A post, its parents and its replies (``app.bsky.feed.getPostThread``)."""
        view = self._thread_view(uri)
        out: list[Item] = []

        def walk(node: dict[str, Any], up: bool) -> None:
            post = node.get("post")
            if not isinstance(post, dict):
                return
            try:
                out.append(
                    self.post_item(
                        text_value(post["uri"], "uri"), post["record"], post["author"], raw=post
                    )
                )
            except UNREADABLE as exc:  # one unreadable post of the thread is left out
                log.warning("%s: post of thread %s unreadable: %s", self.account, uri, exc)
            if up and isinstance(node.get("parent"), dict):
                walk(node["parent"], True)
            if not up:
                for reply in objects_at(node, "replies"):
                    if isinstance(reply, dict):
                        walk(reply, False)

        walk(view, False)
        if isinstance(view.get("parent"), dict):
            walk(view["parent"], True)
        return out

    def _thread_view(self, uri: str, depth: int = 6) -> dict[str, Any]:
        try:
            body = self._query("le fil", "app.bsky.feed.getPostThread", uri=uri, depth=depth)
        except _Refused as exc:
            if "NotFound" in exc.words:
                raise ParentDeleted(self.account, "Bluesky", uri) from None
            raise
        view = body.get("thread")
        if not isinstance(view, dict) or not isinstance(view.get("post"), dict):
            raise ParentDeleted(self.account, "Bluesky", uri)
        if view.get("notFound") or view.get("blocked"):
            raise ParentDeleted(self.account, "Bluesky", uri)
        return view

    def follows(self) -> list[tuple[Author, str | None]]:
        """Whom the city follows, with who accepts its messages (``allowIncoming``)."""
        body = self._query(
            "les abonnements",
            "app.bsky.graph.getFollows",
            actor=self.city_did or self.handle,
            limit=100,
        )
        follows = []
        for profile in objects_at(body, "follows"):
            try:
                chat = (profile.get("associated") or {}).get("chat") or {}
                allowed = chat.get("allowIncoming")
                follows.append((author_of(profile), allowed if isinstance(allowed, str) else None))
            except UNREADABLE as exc:  # a profile without a DID is nobody to write to
                log.warning("%s: followed profile unreadable: %s", self.account, exc)
        return follows

    def record(self, uri: str) -> dict[str, Any] | None:
        """A record by its URI (``com.atproto.repo.getRecord``), None when absent."""
        repo, collection, rkey = uri.removeprefix("at://").split("/")
        try:
            return self._query(
                "l'enregistrement",
                "com.atproto.repo.getRecord",
                repo=repo,
                collection=collection,
                rkey=rkey,
            )
        except _Refused as exc:
            if "RecordNotFound" in exc.words or "Could not locate record" in exc.words:
                return None
            raise

    # ------------------------------------------------------------------ writing

    def check_length(self, text: str) -> None:
        length = grapheme_count(text)
        if length > self.limit:
            raise PostTooLong(self.account, "Bluesky", length, self.limit, "signes")

    def new_publish_key(self) -> str:
        """The record key an outbox row stores before its first call (a TID of now)."""
        return tid(self.now())

    def _create(self, rkey: str, record: dict[str, Any]) -> dict[str, Any]:
        self._sign_in()
        try:
            return as_dict(
                self._call(
                    "la publication",
                    lambda **d: self.client.com.atproto.repo.create_record(data=d),
                    write=True,
                    repo=self.city_did,
                    collection=POST,
                    rkey=rkey,
                    record=record,
                )
            )
        except _Refused:
            # Most likely a record already at this key (a retry after a crash): it is ours.
            uri = f"at://{self.city_did}/{POST}/{rkey}"
            found = self.record(uri)
            if found:
                known = found.get("uri")
                return {"uri": known if isinstance(known, str) and known else uri,
                        "cid": found.get("cid")}  # fmt: skip
            raise

    def _record(self, text: str, **extra: Any) -> dict[str, Any]:
        record: dict[str, Any] = {
            "$type": POST,
            "text": text,
            "createdAt": self.now().astimezone(UTC).isoformat().replace("+00:00", "Z"),
            "langs": ["fr"],
        }
        facets = facets_for(text)
        if facets:
            record["facets"] = facets
        record.update(extra)
        return record

    def reply(self, to: Item, text: str) -> Item:
        """Answer ``to``: a DM in its conversation, or a post with ``reply.root`` and
        ``reply.parent`` taken from the parent as it is now (a deleted parent stops it)."""
        self.check_length(text)
        if to.kind == "dm":
            return self._send_message(to, text)
        view = self._thread_view(to.external_id, depth=0)
        parent = view["post"]
        parent_ref = strong_ref(parent)
        if parent_ref is None:
            raise PermanentError(
                f"{self.account} : Bluesky décrit le message d'origine sans son adresse ; "
                "répondez depuis l'application Bluesky"
            )
        record_of = parent.get("record") if isinstance(parent.get("record"), dict) else {}
        replied = record_of.get("reply") if isinstance(record_of.get("reply"), dict) else {}
        root = strong_ref(replied.get("root")) or parent_ref
        record = self._record(text, reply={"root": root, "parent": parent_ref})
        created = self._create(tid(self.now()), record)
        if not isinstance(created.get("uri"), str) or not created["uri"]:
            raise SentUnconfirmed(
                f"{self.account} : Bluesky a accepté la réponse sans en donner l'adresse", created
            )
        return Item(
            network=NETWORK,
            account=self.account,
            external_id=created["uri"],
            kind="reply",
            direction="out",
            text=text,
            created_at=_when(record["createdAt"]),
            author=Author(NETWORK, self.city_did or "", f"@{self.handle}", None),
            permalink=permalink(created["uri"], self.handle),
            parent_external_id=parent_ref["uri"],
            thread_external_id=root["uri"],
            raw={"uri": created["uri"], "cid": created.get("cid"), "record": record},
        )

    def _send_message(self, to: Item, text: str) -> Item:
        if not to.thread_external_id:
            raise PermanentError(f"{self.account} : ce message privé n'a pas de conversation")
        chat = self._chat_client()
        message: dict[str, Any] = {"text": text}
        if facets := facets_for(text):
            message["facets"] = facets
        sent = as_dict(
            self._call(
                "le message privé",
                lambda **d: chat.chat.bsky.convo.send_message(data=d),
                chat=True,
                write=True,
                convo_id=to.thread_external_id,
                message=message,
            )
        )
        sent_id = sent.get("id")
        if not isinstance(sent_id, str) or not sent_id:
            raise SentUnconfirmed(
                f"{self.account} : Bluesky a accepté le message privé sans en donner l'identifiant",
                sent,
            )
        return Item(
            network=NETWORK,
            account=self.account,
            external_id=sent_id,
            kind="dm",
            direction="out",
            text=text,
            created_at=_sent_at(sent.get("sentAt"), self.now()),
            author=Author(NETWORK, self.city_did or "", f"@{self.handle}", None),
            parent_external_id=to.external_id,
            thread_external_id=to.thread_external_id,
            raw=sent,
        )

    def publish(self, post: OutgoingPost) -> str:
        """Create the post at the row's record key; returns its ``at://`` URI."""
        text = post.text
        if post.link and post.link not in text:
            text = f"{text}\n{post.link}"
        self.check_length(text)
        rkey = post.key or tid(self.now())
        extra: dict[str, Any] = {}
        if post.image_path:
            image = Path(post.image_path)
            if not image.is_file():
                raise PermanentError(f"{self.account} : l'image {post.image_path} n'existe pas")
            blob = self._call(
                "l'envoi de l'image",
                lambda **d: self.client.upload_blob(d["data"]),
                data=image.read_bytes(),
            )
            extra["embed"] = {
                "$type": "app.bsky.embed.images",
                "images": [{"alt": post.image_alt or "", "image": as_dict(blob.blob)}],
            }
        return self._create(rkey, self._record(text, **extra))["uri"]

    def find_reply(self, to: Item, text: str, since: datetime) -> Item | None:
        """The city's reply to the post ``to`` with the text sent, created since ``since``:
        among the direct replies of ``to``'s thread (``app.bsky.feed.getPostThread``, depth
        1) whose author is the city's DID and whose ``reply.parent`` is ``to``. A private
        message's reply is not looked for here (None: a person decides)."""
        if to.kind == "dm":
            return None
        self._sign_in()
        view = self._thread_view(to.external_id, depth=1)
        found: list[Item] = []
        for node in objects_at(view, "replies"):
            try:
                post = node["post"]
                record = post.get("record") or {}
                parent = ((record.get("reply") or {}).get("parent") or {}).get("uri")
                written = facets_to_text(str(record.get("text") or ""), record.get("facets"))
                if (
                    (post.get("author") or {}).get("did") == self.city_did
                    and parent == to.external_id
                    and _when(record.get("createdAt") or post.get("indexedAt")) >= since
                    and holds(written, text)
                ):
                    found.append(
                        self.post_item(
                            text_value(post["uri"], "uri"), record, post["author"], raw=post
                        )
                    )
            except UNREADABLE:
                continue  # not a reply Beffroi can recognise as the one it sent
        return min(found, key=lambda item: item.created_at) if found else None

    def find_published(self, marker: str, since: datetime) -> str | None:
        """The post at record key ``marker`` (the outbox row's key), or None: exhaustive,
        since a key names one record."""
        self._sign_in()
        uri = f"at://{self.city_did}/{POST}/{marker}"
        found = self.record(uri)
        if not found:
            return None
        # A record answered at the key is the row's post, whatever else the answer says.
        return found["uri"] if isinstance(found.get("uri"), str) and found["uri"] else uri

    # ------------------------------------------------------------------ doctor

    def check(self) -> list[tuple[bool, str]]:
        try:
            self._sign_in()
        except (AuthExpired, InstanceDown) as exc:
            return [(False, str(exc))]
        results = [(True, f"{self.account} : connexion Bluesky réussie (@{self.handle})")]
        try:
            did = self._query(
                "la résolution du pseudo", "com.atproto.identity.resolveHandle", handle=self.handle
            ).get("did")
            if not isinstance(did, str) or not did:
                raise PermanentError(
                    f"{self.account} : Bluesky ne donne pas l'identifiant (DID) de @{self.handle}"
                )
            repo = self._query("le dépôt", "com.atproto.repo.describeRepo", repo=did)
        except (PermanentError, InstanceDown, RateLimited) as exc:
            return [*results, (False, str(exc))]
        if not repo.get("handleIsCorrect", True):
            results.append((False, f"{self.account} : le pseudo @{self.handle} n'est pas vérifié"))
        if self.city_did and self.city_did != did:
            results.append(
                (False, f"{self.account} : external_id devrait être {did} (@{self.handle})")
            )
        try:
            list(self.fetch("dms", None)) if "dms" in self._streams else None
        except NoDirectMessageAccess as exc:
            results.append((False, str(exc)))
        return results


class _Refused(PermanentError):
    """A 400 from the PDS; ``words`` is its ``error: message``."""

    def __init__(self, message: str, words: str) -> None:
        super().__init__(message)
        self.words = words


def _words(exc: Exception) -> str:
    response = getattr(exc, "response", None)
    content = getattr(response, "content", None)
    error = getattr(content, "error", None)
    if error:
        message = getattr(content, "message", None)
        return f"{error}: {message}" if message else str(error)
    return str(exc)[:200] if str(exc) else type(exc).__name__


def _reset(exc: Exception) -> datetime | None:
    response = getattr(exc, "response", None)
    headers = getattr(response, "headers", None) or {}
    value = headers.get("ratelimit-reset")
    return datetime.fromtimestamp(int(value), UTC) if value and str(value).isdigit() else None
