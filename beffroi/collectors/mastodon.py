"""The Mastodon collector, through Mastodon.py (which speaks HTTP with ``requests``).

Each account names its instance (``instance_url``); the access token comes from the
environment variable named by ``token_env``. Streams (an idle pass is exactly one request
per stream):

- ``notifications``: ``GET /api/v1/notifications`` with ``min_id`` (the newest notification
  id seen, the cursor; Mastodon's ``Link`` header carries the same ``min_id``). ``mention``
  and ``quote`` become items (``mention``; ``reply`` when the status answers another one;
  ``dm`` when its visibility is ``direct``); ``favourite`` and ``reblog`` become
  Interactions (``reaction`` and ``share``) with the time Mastodon gives; ``follow`` and the
  rest are not items. A page as long as the limit means more are waiting: the next page
  follows at once, newer ones after older ones, so a crash re-reads at most a page.
- ``dms``: ``GET /api/v1/conversations``: each conversation's last status, when it changed
  (the cursor keeps each conversation's last status id). Earlier statuses of a busy
  conversation arrive through ``notifications`` as direct mentions.
- ``own``: the city's own statuses (``GET /api/v1/accounts/:id/statuses`` with ``min_id``):
  posts and the replies staff wrote in a Mastodon app, which close queue items.
- ``engagement``: who favourited and reblogged the city's recent statuses (one request reads
  the last 40 with their counts; only a count that moved sends ``favourited_by`` /
  ``reblogged_by``). Mastodon does not say when: an Interaction carries its status's time.
- ``hashtag:<tag>``: ``GET /api/v1/timelines/tag/<tag>`` with ``min_id``, for listening:
  items of kind ``ugc`` (ranking only, never queued).

``content`` is HTML: the stored text is what the person wrote (``social_text.html_to_text``),
never HTML. Errors: 429 and a used-up ``x-ratelimit-remaining`` raise ``RateLimited`` with
the reset the instance gave; 401 raises ``TokenRevoked``; 5xx, network faults and a page that
is not JSON (an HTML maintenance page) raise ``InstanceDown``; other refusals
``PermanentError`` with the instance's own words.

Publishing sends an ``Idempotency-Key`` derived from the outbox row (its marker): Mastodon
keeps keys about an hour and answers a retry with the same status. After that,
``find_published`` walks the city's statuses since the claim and matches the text.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import requests
from mastodon import Mastodon
from mastodon.errors import (
    MastodonAPIError,
    MastodonNetworkError,
    MastodonNotFoundError,
    MastodonRatelimitError,
    MastodonServerError,
    MastodonUnauthorizedError,
)

from beffroi.collectors.engagement_plan import due_posts
from beffroi.collectors.errors import AuthExpired, PermanentError, RateLimited
from beffroi.collectors.item import Author, Interaction, Item, OutgoingPost, Page, Rejected, utcnow
from beffroi.collectors.matching import holds
from beffroi.collectors.social_errors import (
    InstanceDown,
    ParentDeleted,
    PostTooLong,
    TokenRevoked,
)
from beffroi.collectors.social_text import html_to_text, mastodon_length
from beffroi.collectors.values import UNREADABLE, id_text

if TYPE_CHECKING:
    from beffroi.config import Account, Settings

log = logging.getLogger(__name__)

NETWORK = "mastodon"
STREAMS = ("notifications", "dms", "own", "engagement")
DEFAULT_STREAMS = ("notifications", "dms", "own")
PAGE_SIZE = 40
DEFAULT_LIMIT = 500
FALLBACK_RATE_WAIT = timedelta(minutes=5)
ENGAGEMENT = {
    "favourites": ("favourites_count", "status_favourited_by", "reaction"),
    "reblogs": ("reblogs_count", "status_reblogged_by", "share"),
}


MAX_DEPTH = 100  # a payload nested deeper is cut there (a real status is a few levels)


def plain(value: Any, depth: int = 0) -> Any:
    """Mastodon.py's objects as JSON can hold them (dates as ISO text), for ``Item.raw``;
    bounded in depth, so that a body nested 1,000 deep is kept, not a RecursionError."""
    if depth > MAX_DEPTH:
        return "<trop profond>"
    if isinstance(value, dict):
        return {str(k): plain(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v, depth + 1) for v in value]
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    return value


def _when(value: Any) -> datetime:
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=UTC)
    else:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    return moment.astimezone(UTC)


def _newest(ids: list[Any], old: str | None = None) -> str | None:
    known = [int(i) for i in [*ids, old] if i is not None and str(i).isdigit()]
    return str(max(known)) if known else None


def _load(cursor: str | None) -> dict[str, Any]:
    try:
        state = json.loads(cursor) if cursor else {}
    except ValueError:
        state = {}
    return state if isinstance(state, dict) else {}


def _dump(state: dict[str, Any]) -> str:
    return json.dumps(state, sort_keys=True, separators=(",", ":"))


def _listed(account: str, stream: str, answer: Any) -> list[Any]:
    """The list a timeline answers; anything else (a number, an object) is a page-level
    failure, typed, recorded on the health page: the next pass starts from the cursor."""
    if answer is None:
        return []
    if not isinstance(answer, list):
        raise PermanentError(
            f"{account}: Mastodon a répondu à {stream} autre chose qu'une liste "
            f"({type(answer).__name__})"
        )
    return answer


def _recent(status: Any, horizon: datetime) -> bool:
    """A status of the city's timeline recent enough for engagement (an unreadable one is
    not: there is nothing to count likes on). Mastodon ids are numbers written as text."""
    try:
        sid = status.get("id")
        numeric = isinstance(sid, str | int) and str(sid).isdigit() and len(str(sid)) <= 30
        return numeric and _when(status["created_at"]) >= horizon
    except UNREADABLE:
        return False


def _readable_person(person: Any) -> bool:
    """A person listed as having liked or shared, with an id Beffroi can keep."""
    return (
        isinstance(person, dict)
        and isinstance(person.get("id"), str | int)
        and bool(str(person["id"]))
    )


def author_of(account: Any) -> Author:
    """A status's author; an account without an id is no author (a ``ValueError`` the
    status's reader turns into a reject): ``str(None)`` must never become a member."""
    external_id = id_text(account["id"])
    if external_id is None:
        raise ValueError("un compte sans identifiant")
    acct = str(account.get("acct") or account.get("username") or "")
    return Author(
        NETWORK,
        external_id,
        f"@{acct}" if acct else None,
        account.get("display_name") or None,
        profile_text(account),
    )


def profile_text(account: Any) -> str | None:
    """The account's note and profile fields ("X : @…") as plain text (both are HTML)."""
    parts = [html_to_text(str(account.get("note") or ""))]
    for entry in account.get("fields") or ():
        if not isinstance(entry, dict):  # a field that is no object says nothing
            continue
        name, value = str(entry.get("name") or ""), html_to_text(str(entry.get("value") or ""))
        parts.append(f"{name} : {value}" if name and value else name or value)
    return "\n".join(p.strip() for p in parts if p and p.strip()) or None


class MastodonCollector:
    network = NETWORK
    find_published_is_exhaustive = False  # text matching cannot prove absence
    find_published_matches = "text"

    def __init__(
        self,
        account: Account,
        *,
        access_token: str | None,
        instance_url: str,
        max_chars: int | None = None,
        now: Callable[[], datetime] = utcnow,
        timeout: float = 30.0,
        mastodon_version: str = "4.3.0",
    ) -> None:
        self.account = account.key
        self.handle = account.handle.lstrip("@")
        self.city_id: str | None = account.external_id or None
        self.instance_url = instance_url.rstrip("/")
        self._token_env = account.token_env
        self._streams = list(account.streams) if account.streams else list(DEFAULT_STREAMS)
        self._streams += [f"hashtag:{t.lstrip('#')}" for t in account.hashtags]
        self.engagement_days = account.engagement_days
        self.engagement_posts_per_pass = account.engagement_posts_per_pass
        self._limit = max_chars
        self._token = access_token
        self.now = now
        self.calls = 0
        self.last_headers: dict[str, str] = {}
        session = requests.Session()
        session.hooks["response"].append(self._saw)
        self.api = Mastodon(
            access_token=access_token,
            api_base_url=self.instance_url,
            ratelimit_method="throw",
            request_timeout=timeout,
            # A known version, parsed without a request ("created" mode): Mastodon.py would
            # otherwise ask the instance (and, without an answer, loop) before choosing an
            # endpoint such as the v2 media upload.
            version_check_mode="created",
            mastodon_version=mastodon_version,
            session=session,
        )

    def _saw(self, response: requests.Response, *args: Any, **kwargs: Any) -> None:
        """Every HTTP answer, as requests hands it over: counted, its rate headers kept."""
        self.calls += 1
        self.last_headers = {k.lower(): v for k, v in response.headers.items()}

    @classmethod
    def for_account(cls, settings: Settings, account: Account) -> MastodonCollector:
        if not account.instance_url:
            raise PermanentError(
                f"{account.key} : l'adresse de l'instance Mastodon (instance_url) manque "
                "dans la configuration"
            )
        return cls(
            account,
            access_token=account.token(),
            instance_url=account.instance_url,
            max_chars=account.max_chars,
        )

    def streams(self) -> list[str]:
        return list(self._streams)

    # ------------------------------------------------------------------ plumbing

    def _call(self, what: str, method: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """One request, its failures as the runner's typed errors (French sentences)."""
        if not self._token:
            raise AuthExpired(
                f"{self.account} : pas de jeton Mastodon ; mettez le jeton d'accès dans la "
                f"variable d'environnement {self._token_env or '(token_env non configuré)'}"
            )
        try:
            return method(*args, **kwargs)
        except MastodonRatelimitError:
            reset = self._reset_at() or self.now() + FALLBACK_RATE_WAIT
            raise RateLimited(
                f"{self.account} : limite de requêtes Mastodon atteinte ({what}) ; reprise "
                f"après {reset:%Y-%m-%d %H:%M:%S} UTC",
                reset,
            ) from None
        except MastodonUnauthorizedError as exc:
            raise TokenRevoked(self.account, self.instance_url, _words(exc)) from None
        except MastodonNotFoundError:
            raise
        except (MastodonServerError, MastodonNetworkError) as exc:
            raise InstanceDown(self.account, self.instance_url, type(exc).__name__) from None
        except MastodonAPIError as exc:
            if "Could not parse response as JSON" in str(exc):
                raise InstanceDown(self.account, self.instance_url, "réponse HTML") from None
            raise PermanentError(
                f"{self.account} : Mastodon refuse {what} ({_words(exc)})"
            ) from None

    def _reset_at(self) -> datetime | None:
        """The instance's ``x-ratelimit-reset`` (an ISO time) of the last answer."""
        value = self.last_headers.get("x-ratelimit-reset")
        try:
            return _when(value) if value else None
        except ValueError:
            return None

    def _stop_if_used_up(self, what: str) -> None:
        if self.last_headers.get("x-ratelimit-remaining") == "0":
            reset = self._reset_at() or self.now() + FALLBACK_RATE_WAIT
            raise RateLimited(
                f"{self.account} : limite Mastodon épuisée en lisant {what} ; la suite sera "
                f"lue après {reset:%Y-%m-%d %H:%M:%S} UTC",
                reset,
            )

    def _city_id(self) -> str:
        if self.city_id is None:
            me = self._call("le compte connecté", self.api.account_verify_credentials)
            self.city_id = str(me["id"])
        return self.city_id

    # ------------------------------------------------------------------ parsing

    def status_item(self, status: Any, *, kind: str | None = None, thread: str | None = None):
        """One status as an Item: the city's own are ``out``; ``direct`` ones are DMs."""
        who = author_of(status["account"])
        outgoing = who.external_id == self.city_id
        if status.get("visibility") == "direct":
            kind = "dm"
        elif kind is None or status.get("in_reply_to_id"):
            if status.get("in_reply_to_id"):
                kind = "reply"
            else:
                kind = kind or ("post" if outgoing else "mention")
        parent = status.get("in_reply_to_id")
        return Item(
            network=NETWORK,
            account=self.account,
            external_id=str(status["id"]),
            kind=kind,
            direction="out" if outgoing else "in",
            text=html_to_text(status.get("content")),
            created_at=_when(status["created_at"]),
            author=who,
            permalink=status.get("url") or status.get("uri"),
            parent_external_id=str(parent) if parent else None,
            thread_external_id=thread,
            like_count=status.get("favourites_count"),
            reply_count=status.get("replies_count"),
            raw=plain(status),
        )

    def _safe_item(self, status: Any, rejected: list[Rejected], **kw: Any) -> Item | None:
        try:
            return self.status_item(status, **kw)
        except UNREADABLE as exc:
            rejected.append(Rejected(plain(status), f"status illisible : {exc}"[:300]))
            return None

    def notification_page(self, batch: list[Any]) -> Page:
        """Mentions as items, favourites and reblogs as interactions; a notification that
        cannot be read is rejected whole (the rest of the page is kept), one of a type
        Beffroi does not read (a follow, a poll's end) is skipped."""
        items, interactions, rejected = [], [], []
        for note in batch:
            try:
                kind, status = note.get("type"), note.get("status")
                if kind in ("mention", "quote"):
                    if status is None:
                        raise ValueError("une mention sans son statut")
                    items.append(self.status_item(status))
                elif kind in ("favourite", "reblog") and status and note.get("account"):
                    interactions.append(self._noted(note, kind, status))
            except UNREADABLE as exc:
                rejected.append(Rejected(plain(note), f"notification illisible : {exc}"[:300]))
        return Page(items, None, rejected, interactions=interactions)

    def _noted(self, note: Any, kind: str, status: Any) -> Interaction:
        return Interaction(
            NETWORK,
            self.account,
            "reaction" if kind == "favourite" else "share",
            author_of(note["account"]),
            str(status["id"]),
            _when(note.get("created_at") or status["created_at"]),
            status.get("url"),
        )

    # ------------------------------------------------------------------ reading

    def fetch(self, stream: str, cursor: str | None) -> Iterator[Page]:
        if stream == "notifications":
            yield from self._forward(stream, cursor, self.api.notifications, self._notes)
        elif stream == "own":
            city = self._city_id()
            yield from self._forward(
                stream,
                cursor,
                lambda **kw: self.api.account_statuses(city, **kw),
                self._statuses,
            )
        elif stream.startswith("hashtag:"):
            tag = stream.split(":", 1)[1]
            yield from self._forward(
                stream,
                cursor,
                lambda **kw: self.api.timeline_hashtag(tag, **kw),
                lambda batch: self._statuses(batch, kind="ugc"),
            )
        elif stream == "dms":
            yield from self._dms(cursor)
        elif stream == "engagement":
            yield from self._engagement(cursor)
        else:
            raise ValueError(f"unknown Mastodon stream {stream!r}")

    def _notes(self, batch: list[Any]) -> Page:
        return self.notification_page(batch)

    def _statuses(self, batch: list[Any], kind: str | None = None) -> Page:
        rejected: list[Rejected] = []
        items = [i for s in batch if (i := self._safe_item(s, rejected, kind=kind))]
        return Page(items, None, rejected)

    def _forward(self, stream, cursor, method, parse) -> Iterator[Page]:
        """Walk forward from ``min_id``: one request when nothing is new."""
        self._city_id()
        state = _load(cursor)
        min_id = state.get("min_id")
        while True:
            kwargs: dict[str, Any] = {"limit": PAGE_SIZE}
            if min_id:
                kwargs["min_id"] = min_id
            batch = _listed(self.account, stream, self._call(stream, method, **kwargs))
            page = parse(batch)
            newest = _newest([e.get("id") for e in batch if isinstance(e, dict)], min_id)
            if newest and newest != min_id:
                page.cursor = _dump({**state, "min_id": newest})
            yield page
            if not min_id or len(batch) < PAGE_SIZE or newest == min_id:
                return
            min_id = newest
            self._stop_if_used_up(stream)

    def _dms(self, cursor: str | None) -> Iterator[Page]:
        self._city_id()
        state = _load(cursor)
        seen = state.get("last") if isinstance(state.get("last"), dict) else {}
        conversations = _listed(
            self.account, "dms", self._call("dms", self.api.conversations, limit=PAGE_SIZE)
        )
        items, rejected, moved = [], [], dict(seen)
        for conversation in conversations:
            status = conversation.get("last_status") if isinstance(conversation, dict) else None
            if not isinstance(status, dict) or not isinstance(conversation.get("id"), str | int):
                reason = "conversation illisible : pas d'identifiant ou de dernier message"
                rejected.append(Rejected(plain(conversation), reason))
                continue
            cid = str(conversation.get("id"))
            if seen.get(cid) == str(status.get("id")):
                continue
            if item := self._safe_item(status, rejected, kind="dm", thread=cid):
                items.append(item)
            moved[cid] = str(status.get("id"))
        yield Page(items, _dump({"last": moved}) if moved != seen else None, rejected)

    def _engagement(self, cursor: str | None) -> Iterator[Page]:
        city = self._city_id()
        state = _load(cursor)
        horizon = self.now() - timedelta(days=self.engagement_days)
        listed = self._call(
            "engagement", self.api.account_statuses, city, limit=PAGE_SIZE, exclude_reblogs=True
        )
        by_id = {str(s["id"]): s for s in listed or [] if _recent(s, horizon)}
        stored = state.get("statuses") if isinstance(state.get("statuses"), dict) else {}
        tracked = {sid: dict(stored.get(sid) or {"seen": {}}) for sid in by_id}
        changed = {}
        for sid, status in by_id.items():
            seen = tracked[sid].get("seen") or {}
            moved = [
                name
                for name, (count, _, _) in ENGAGEMENT.items()
                if (status.get(count) or 0) != seen.get(name, 0)
            ]
            if moved:
                changed[sid] = moved
        due, _ = due_posts(changed, tracked, None, self.engagement_posts_per_pass, tiebreak=int)
        interactions, rejected, calls = [], [], 1
        now = self.now().isoformat()
        for sid, moved in due:
            status = by_id[sid]
            tracked[sid]["refreshed"] = now
            for name in moved:
                count, method, kind = ENGAGEMENT[name]
                people = _listed(
                    self.account, name, self._call(name, getattr(self.api, method), sid)
                )
                calls += 1
                for person in people:
                    if not _readable_person(person):
                        rejected.append(Rejected(plain(person), "personne illisible"))
                    elif str(person["id"]) != city:
                        interactions.append(self._engaged(kind, person, sid, status))
                tracked[sid].setdefault("seen", {})[name] = status.get(count) or 0
        new_state = _dump({"statuses": tracked})
        yield Page(
            [],
            new_state if new_state != cursor else None,
            rejected,
            api_calls=calls,
            interactions=interactions,
        )

    def _engaged(self, kind: str, person: Any, sid: str, status: Any) -> Interaction:
        url = status.get("url")
        return Interaction(
            NETWORK,
            self.account,
            kind,
            author_of(person),
            sid,
            _when(status["created_at"]),
            url if isinstance(url, str) else None,
        )

    def thread(self, status_id: str) -> list[Item]:
        """A status's ancestors and replies (``GET /api/v1/statuses/:id/context``)."""
        self._city_id()
        try:
            context = self._call("le fil", self.api.status_context, status_id)
        except MastodonNotFoundError:
            raise ParentDeleted(self.account, "Mastodon", status_id) from None
        rejected: list[Rejected] = []
        statuses = [*context.get("ancestors", []), *context.get("descendants", [])]
        return [i for s in statuses if (i := self._safe_item(s, rejected, thread=status_id))]

    def grouped(self) -> list[Interaction]:
        """Favourites and reblogs from the grouped notifications (``/api/v2``), for instances
        that keep only groups: each sampled account counts once on the group's status."""
        body = self._call("notifications groupées", self.api.grouped_notifications, limit=10)
        people = {
            str(a["id"]): a for a in [*body.get("accounts", []), *body.get("partial_accounts", [])]
        }
        out = []
        for group in body.get("notification_groups", []):
            kind = {"favourite": "reaction", "reblog": "share"}.get(group.get("type"))
            if not kind or not group.get("status_id"):
                continue
            for pid in group.get("sample_account_ids", []):
                if str(pid) in people and str(pid) != self.city_id:
                    out.append(
                        Interaction(
                            NETWORK,
                            self.account,
                            kind,
                            author_of(people[str(pid)]),
                            str(group["status_id"]),
                            _when(group["latest_page_notification_at"]),
                        )
                    )
        return out

    def find_accounts(self, query: str) -> list[Author]:
        """People whose name matches (``GET /api/v1/accounts/search``), for linking persons."""
        found = self._call("la recherche de comptes", self.api.account_search, query)
        return [author_of(a) for a in found or []]

    # ------------------------------------------------------------------ writing

    def text_limit(self) -> int:
        """The instance's own limit when it says (``/api/v2/instance``), else 500."""
        if self._limit is None:
            try:
                info = self._call("la configuration de l'instance", self.api.instance_v2)
                statuses = (info.get("configuration") or {}).get("statuses") or {}
                self._limit = int(statuses.get("max_characters") or DEFAULT_LIMIT)
            except (PermanentError, InstanceDown, MastodonNotFoundError):
                return DEFAULT_LIMIT
        return self._limit

    def check_length(self, text: str) -> None:
        length, limit = mastodon_length(text), self.text_limit()
        if length > limit:
            raise PostTooLong(self.account, "Mastodon", length, limit, "caractères")

    def _post(self, what: str, **kwargs: Any) -> Any:
        try:
            return self._call(what, self.api.status_post, **kwargs)
        except MastodonNotFoundError as exc:
            if kwargs.get("in_reply_to_id"):
                raise ParentDeleted(self.account, "Mastodon", kwargs["in_reply_to_id"]) from None
            raise PermanentError(
                f"{self.account} : Mastodon refuse {what} ({_words(exc)})"
            ) from None

    def reply(self, to: Item, text: str) -> Item:
        """Answer ``to`` as the city. The reply keeps the parent's visibility (a direct
        message stays direct) and names its author, as Mastodon apps do."""
        self._city_id()
        handle = to.author.handle if to.author else None
        if handle and handle.lower() not in text.lower() and to.direction == "in":
            text = f"{handle} {text}"
        self.check_length(text)
        raw = to.raw or {}
        visibility = "direct" if to.kind == "dm" else raw.get("visibility") or "public"
        if visibility not in ("public", "unlisted", "private", "direct"):
            visibility = "public"
        key = hashlib.sha256(f"{self.account}|{to.external_id}|{text}".encode()).hexdigest()
        status = self._post(
            "la réponse",
            status=text,
            in_reply_to_id=to.external_id,
            visibility=visibility,
            idempotency_key=f"beffroi-reply-{key[:32]}",
        )
        return self.status_item(status, thread=to.thread_external_id)

    def publish(self, post: OutgoingPost) -> str:
        """Post a public status (with its image and alt text); the Idempotency-Key is the
        outbox row's marker, so a retry within the hour returns the same status."""
        self._city_id()
        text = post.text
        if post.link and post.link not in text:
            text = f"{text}\n{post.link}"
        self.check_length(text)
        media = None
        if post.image_path:
            if not Path(post.image_path).is_file():
                raise PermanentError(f"{self.account} : l'image {post.image_path} n'existe pas")
            uploaded = self._call(
                "l'envoi de l'image",
                self.api.media_post,
                post.image_path,
                description=post.image_alt or None,
            )
            media = [uploaded["id"]]
        status = self._post(
            "la publication",
            status=text,
            media_ids=media,
            visibility="public",
            idempotency_key=f"beffroi-{post.marker}",
        )
        return str(status["id"])

    def find_reply(self, to: Item, text: str, since: datetime) -> Item | None:
        """The city's reply to ``to`` holding ``text`` (``reply`` may have put the author's
        handle before it), posted since ``since``: among the replies of ``to``'s context
        (``GET /api/v1/statuses/:id/context``, descendants) written by the city's account
        directly under ``to``. None is no proof (``find_published_is_exhaustive`` is
        False: an instance may cut a long context), so a person decides."""
        city = self._city_id()
        try:
            context = self._call("le fil", self.api.status_context, to.external_id)
        except MastodonNotFoundError:
            raise ParentDeleted(self.account, "Mastodon", to.external_id) from None
        found = [
            status
            for status in context.get("descendants", []) or []
            if str((status.get("account") or {}).get("id")) == city
            and str(status.get("in_reply_to_id")) == str(to.external_id)
            and _when(status["created_at"]) >= since
            and holds(html_to_text(status.get("content")), text)
        ]
        if not found:
            return None
        first = min(found, key=lambda status: int(status["id"]))
        return self.status_item(first, thread=to.thread_external_id)

    def find_published(self, marker: str, since: datetime) -> str | None:
        """The city's status holding ``marker`` (the text sent) since ``since``, oldest
        first; walks back at most three pages of 40."""
        city = self._city_id()
        start = since - timedelta(minutes=1)
        match, max_id = None, None
        for _ in range(3):
            kwargs: dict[str, Any] = {"limit": PAGE_SIZE, "exclude_reblogs": True}
            if max_id:
                kwargs["max_id"] = max_id
            batch = list(
                self._call("les statuts du compte", self.api.account_statuses, city, **kwargs) or []
            )
            for status in batch:
                if _when(status["created_at"]) >= start and holds(
                    html_to_text(status.get("content")), marker
                ):
                    if match is None or int(status["id"]) < int(match):
                        match = str(status["id"])
            if not batch or _when(batch[-1]["created_at"]) < start:
                break
            max_id = batch[-1]["id"]
        return match

    # ------------------------------------------------------------------ doctor

    def check(self) -> list[tuple[bool, str]]:
        """The doctor's checks, in French."""
        if not self._token:
            return [
                (
                    False,
                    f"{self.account} : pas de jeton Mastodon ; mettez-le dans la variable "
                    f"{self._token_env or '(token_env non configuré)'}",
                )
            ]
        try:
            me = self._call("le compte connecté", self.api.account_verify_credentials)
        except (AuthExpired, InstanceDown, PermanentError, RateLimited) as exc:
            return [(False, str(exc))]
        results = [
            (True, f"{self.account} : jeton accepté par {self.instance_url} (@{me.get('acct')})")
        ]
        if me.get("acct") and str(me["acct"]).lower() != self.handle.split("@")[0].lower():
            results.append(
                (
                    False,
                    f"{self.account} : le jeton est celui de @{me['acct']}, pas de "
                    f"@{self.handle} ; vérifiez la configuration",
                )
            )
        if self.city_id and str(me["id"]) != self.city_id:
            results.append(
                (False, f"{self.account} : external_id devrait être {me['id']} (@{me['acct']})")
            )
        results.append(
            (True, f"{self.account} : limite de l'instance : {self.text_limit()} caractères")
        )
        return results


def _words(exc: Exception) -> str:
    """The instance's own words for a refusal (Mastodon.py puts them last in ``args``)."""
    args = [str(a) for a in getattr(exc, "args", ()) if a is not None]
    return " ".join(args[1:])[:200] if len(args) > 1 else (args[0][:200] if args else "")
