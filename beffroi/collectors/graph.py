"""The Graph API session shared by the Facebook Page and Instagram professional collectors.

Both speak to ``graph.facebook.com`` through python-facebook-api (``pyfacebook.GraphAPI``)
with a Page token. This module turns what the library leaves raw into Beffroi's typed
errors, once for both networks:

- Graph error codes 4/17/32/613 (and the 800xx business-use-case codes) → ``RateLimited``;
  and *before* the limit, the usage headers (``x-app-usage``,
  ``x-business-use-case-usage``) slow the session down, then stop it with ``RateLimited``
  carrying Meta's own estimate of when access comes back.
- ``OAuthException`` 190 (token expired, revoked, password changed) → ``AuthExpired`` naming
  the account and what to do; permission errors (10, 200-299) → ``AuthExpired`` too, since
  only a person can grant a permission.
- 5xx, timeouts, connection resets, ``is_transient`` errors → a few retries with backoff
  (delays injectable so tests stay fast), then ``TransientError``.
- anything else → ``PermanentError``.

The retries, the usage-header parsing and the log masking are the HTTP layer's
(``beffroi.collectors.http``), shared with X. pyfacebook puts ``access_token`` in every
URL; every message that leaves this module goes through ``mask_secrets``
(``CollectorError`` does it), and urllib3's debug log, which prints URLs, is filtered too.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlparse

import requests
from pyfacebook import FacebookError, GraphAPI, LibraryError, RateLimit

from beffroi.collectors.errors import (
    AuthExpired,
    CollectorError,
    PermanentError,
    RateLimited,
    SentUnconfirmed,
    TransientError,
)
from beffroi.collectors.http import (
    Usage,
    install_log_masking,
    read_json,
    read_usage,
    with_retries,
)
from beffroi.collectors.item import Author, Item, Page, Rejected, utcnow
from beffroi.collectors.matching import holds
from beffroi.collectors.moderation import check_hideable, french_errors
from beffroi.collectors.values import as_int, unattributable

if TYPE_CHECKING:
    from beffroi.config import Account, Settings

log = logging.getLogger(__name__)

GRAPH_VERSION = "v24.0"
RATE_LIMIT_CODES = frozenset({4, 17, 32, 613, 80001, 80002, 80004, 80005, 80006, 80008})
EXPIRED_CODES = frozenset({102, 190, 463, 467})
# Usage (percent of the quota, as Meta reports it) at which the session slows down, then stops.
SLOW_DOWN_AT = 75
STOP_AT = 95
# Without an estimate from Meta, a stopped stream is retried after this long.
DEFAULT_RESET = timedelta(minutes=15)


class _BoundaryGraphAPI(GraphAPI):
    """pyfacebook's client, reading bodies at the boundary: any JSON a server may send
    (deep, huge numbers, an ``error`` that is not an object, a bare number) ends as data or
    as one of pyfacebook's own errors, which ``GraphSession`` maps to typed errors."""

    def _parse_response(self, response: requests.Response) -> dict:
        content_type = response.headers.get("Content-Type", "")
        if "json" not in content_type:
            return super()._parse_response(response)
        try:
            data = read_json(response.content)
        except ValueError as exc:
            raise LibraryError({"message": f"unreadable JSON ({exc})"}) from None
        if not isinstance(data, dict):
            raise LibraryError({"message": f"not a JSON object ({type(data).__name__})"})
        if "error" in data:
            error = data["error"]
            if not isinstance(error, dict):
                error = {"message": f"error without details ({str(error)[:80]!r})"}
            raise FacebookError({"error": error})
        return data


class _TolerantRateLimit(RateLimit):
    """pyfacebook's header parser raises on a key it does not know; never lose a response to it."""

    def set_limit(self, headers) -> None:
        try:
            super().set_limit(headers)
        except (TypeError, ValueError, KeyError, AttributeError):
            log.debug("unexpected rate-limit header layout; Beffroi reads it itself")


def _unreadable(message: str) -> PermanentError:
    """The error of an answer Graph sent but the session could not read (``post_accepted``
    tells a write that went out from one refused)."""
    error = PermanentError(message)
    error.unreadable = True
    return error


def parse_time(value: Any) -> datetime | None:
    """Graph API times look like ``2021-08-10T18:45:03+0000``; None when absent or odd."""
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.strptime(value, "%Y-%m-%dT%H:%M:%S%z")
    except ValueError:
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
    if parsed.tzinfo is None:
        return None
    try:
        return parsed.astimezone(UTC)
    except OverflowError:  # year 1 or 9999 shifted past the calendar by its offset
        return None


def graph_time(moment: datetime) -> int:
    """A ``since``/``until`` parameter: Unix seconds."""
    return int(moment.timestamp())


def entries(body: Any) -> list[Any]:
    """The ``data`` list of a Graph edge, or ``[]`` when it holds something else (``null``,
    a number, an object): a nested block of the wrong shape has nothing to read."""
    data = body.get("data") if isinstance(body, dict) else None
    return data if isinstance(data, list) else []


def next_link(body: Any) -> str | None:
    """The ``paging.next`` URL of a Graph edge, or None (absent, or of the wrong type)."""
    paging = body.get("paging") if isinstance(body, dict) else None
    link = paging.get("next") if isinstance(paging, dict) else None
    return link if isinstance(link, str) and link else None


@dataclass
class HighWater:
    """A stream's position: the newest creation time seen, and the ids seen at that second.

    Graph times have one-second precision, so "newer than the last time" would miss a
    second item posted in the same second; the ids at the boundary make ``>=`` safe
    without re-emitting the boundary items on every idle pass.
    """

    since: datetime | None = None
    seen: set[str] = field(default_factory=set)
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def load(cls, cursor: str | None) -> HighWater:
        if not cursor:
            return cls()
        try:
            data = json.loads(cursor)
            since = datetime.fromisoformat(data["since"]) if data.get("since") else None
            return cls(since, set(data.get("seen", [])), dict(data.get("extra", {})))
        except (ValueError, KeyError, TypeError, AttributeError):
            log.warning("unreadable cursor %r: starting the stream afresh", cursor[:80])
            return cls()

    def dump(self) -> str:
        data: dict[str, Any] = {
            "since": self.since.isoformat() if self.since else None,
            "seen": sorted(self.seen),
        }
        if self.extra:
            data["extra"] = self.extra
        return json.dumps(data, sort_keys=True)

    def is_new(self, created: datetime, external_id: str) -> bool:
        if self.since is None or created > self.since:
            return True
        return created == self.since and external_id not in self.seen

    def advanced(self, stamps: Iterable[tuple[datetime, str]]) -> HighWater:
        """A new position past the given (time, id) pairs."""
        since, seen = self.since, set(self.seen)
        for created, external_id in stamps:
            if since is None or created > since:
                since, seen = created, {external_id}
            elif created == since:
                seen.add(external_id)
        return HighWater(since, seen, dict(self.extra))


class GraphSession:
    """One account's Graph API session: calls, retries, quota pacing and typed errors.

    ``calls`` counts the HTTP requests made, so each ``Page`` can say what it cost.
    ``sleep`` and ``retry_delays`` are injectable so that tests never wait.
    """

    def __init__(
        self,
        token: str,
        *,
        account: str,
        renew_hint: str,
        base_url: str | None = None,
        version: str = GRAPH_VERSION,
        timeout: float = 30,
        retry_delays: tuple[float, ...] = (2.0, 10.0),
        slow_down_delay: float = 5.0,
        sleep: Callable[[float], None] = time.sleep,
        now: Callable[[], datetime] = utcnow,
    ) -> None:
        self.api = _BoundaryGraphAPI(
            access_token=token,
            version=version,
            base_url=base_url,
            timeout=timeout,
            sleep_on_rate_limit=False,  # Beffroi paces itself and never sleeps for long
        )
        self.api.rate_limit = _TolerantRateLimit()
        self.api.session.hooks["response"].append(self._remember)
        self.account = account
        self.renew_hint = renew_hint
        self.retry_delays = retry_delays
        self.slow_down_delay = slow_down_delay
        self.sleep = sleep
        self.now = now
        self.calls = 0
        self.usage = Usage()
        self.usage_read_at: datetime | None = None
        self.last_status: int | None = None

    def _remember(self, response: requests.Response, *args: Any, **kwargs: Any) -> None:
        self.calls += 1
        self.last_status = response.status_code
        self.usage = read_usage(response.headers)
        self.usage_read_at = self.now()

    # -------------------------------------------------------------- calls
    def get(self, path: str, **params: Any) -> dict[str, Any]:
        """GET ``/{version}/{path}`` with query parameters."""
        return self._call(lambda: self.api.get(path, {k: v for k, v in params.items()}))

    def get_next(self, next_url: str) -> dict[str, Any]:
        """Follow a ``paging.next`` URL (its path and query, never its host or token)."""
        parsed = urlparse(next_url)
        parts = [p for p in parsed.path.split("/") if p]
        if parts and parts[0].startswith("v") and parts[0][1:2].isdigit():
            parts = parts[1:]
        params = {k: v for k, v in parse_qsl(parsed.query) if k != "access_token"}
        return self.get("/".join(parts), **params)

    def post(
        self,
        path: str,
        data: dict[str, Any] | None = None,
        *,
        params: dict[str, Any] | None = None,
        files: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        object_id, _, connection = path.partition("/")
        return self._call(
            lambda: self.api.post_object(
                object_id, connection or None, params=params, data=dict(data or {}), files=files
            ),
            retry=False,  # a write is never repeated blind: it might have gone through
        )

    def _pace(self) -> None:
        """Slow down near the quota and stop before it, using the last response's headers."""
        if self.usage.percent >= STOP_AT and self.now() >= self._reset_at():
            self.usage = Usage()  # the estimate has passed: one request finds out
        if self.usage.percent >= STOP_AT:
            raise RateLimited(
                f"{self.account}: Meta reports {self.usage.percent:.0f}% of the API quota "
                "used; pausing this stream until it recovers",
                self._reset_at(),
            )
        if self.usage.percent >= SLOW_DOWN_AT:
            self.sleep(self.slow_down_delay)

    def _reset_at(self) -> datetime:
        base = self.usage_read_at or self.now()
        if self.usage.regain_minutes:
            return base + timedelta(minutes=self.usage.regain_minutes)
        return base + DEFAULT_RESET

    def _call(self, request: Callable[[], dict[str, Any]], *, retry: bool = True) -> dict:
        return with_retries(
            lambda: self._attempt(request),
            delays=self.retry_delays,
            sleep=self.sleep,
            retry=retry,
            before=self._pace,
            what=f"{self.account}: Graph API call",
        )

    def _attempt(self, request: Callable[[], dict[str, Any]]) -> dict[str, Any]:
        """One request; every failure as a typed error (``with_retries`` retries some)."""
        self.last_status = None
        try:
            data = request()
        except FacebookError as exc:
            raise self._graph_error(exc) from None
        except requests.RequestException as exc:  # timeouts, resets, broken bodies
            raise TransientError(
                f"{self.account}: Graph API unreachable ({type(exc).__name__}: {exc})"
            ) from None
        except (LibraryError, KeyError, ValueError) as exc:
            # pyfacebook refuses a body that is not JSON: an HTML error page, usually.
            if self.last_status is not None and self.last_status >= 500:
                raise TransientError(
                    f"{self.account}: Graph API server error (HTTP {self.last_status})"
                ) from None
            raise _unreadable(
                f"{self.account}: unexpected Graph API response "
                f"(HTTP {self.last_status}): {_describe(exc)}"
            ) from None
        if not isinstance(data, dict):
            raise _unreadable(
                f"{self.account}: unexpected Graph API response: not a JSON object "
                f"({type(data).__name__})"
            )
        return data

    def post_accepted(
        self, path: str, data: dict[str, Any] | None = None, *, params=None
    ) -> dict[str, Any]:
        """A write that is the point of the call (a reply, a message): when Graph answers
        2xx with a body it cannot read, the write went out, described oddly:
        ``SentUnconfirmed``, never a failure that invites a second send."""
        try:
            return self.post(path, data, params=params)
        except PermanentError as exc:
            accepted = self.last_status is not None and 200 <= self.last_status < 300
            if accepted and getattr(exc, "unreadable", False):
                raise SentUnconfirmed(str(exc)) from None
            raise

    def _graph_error(self, exc: FacebookError) -> CollectorError:
        code = as_int(getattr(exc, "code", None))
        subcode = as_int(getattr(exc, "error_subcode", None))
        message = str(getattr(exc, "message", "") or "")
        kind = getattr(exc, "type", "")
        detail = f"Graph error {code}" + (f"/{subcode}" if subcode else "") + f": {message}"
        if code in RATE_LIMIT_CODES:
            return RateLimited(f"{self.account}: rate limited by Meta ({detail})", self._reset_at())
        if code in EXPIRED_CODES or (kind == "OAuthException" and code == 190):
            return AuthExpired(
                f"{self.account}: the access token has expired or was revoked ({detail}). "
                f"{self.renew_hint}"
            )
        if code == 10 and subcode == 2018278:
            return PermanentError(
                f"{self.account}: the person wrote more than 24 hours ago; Messenger only "
                f"allows a reply within 24 hours ({detail})"
            )
        if code == 10 or (code is not None and 200 <= code <= 299):
            return AuthExpired(
                f"{self.account}: a permission is missing ({detail}). Grant it to the app in "
                "Meta's Business settings, then renew the token."
            )
        if (
            getattr(exc, "is_transient", False)
            or code in (1, 2)
            or (self.last_status is not None and self.last_status >= 500)
        ):
            return TransientError(f"{self.account}: Meta is having trouble ({detail})")
        return PermanentError(f"{self.account}: {detail}")


def _describe(exc: Exception) -> str:
    message = getattr(exc, "message", None)
    return str(message) if message else f"{type(exc).__name__}: {exc}"


def author_from(network: str, raw: Any, *, handle_key: str = "username") -> Author | None:
    """The ``from`` block of a Graph object, or None: Meta withholds it without permission."""
    if not isinstance(raw, dict) or not raw.get("id"):
        return None
    return Author(network, str(raw["id"]), raw.get(handle_key), raw.get("name"))


def attachments_note(raw: dict[str, Any]) -> str:
    """A visible trace of what a message carries besides text (a photo of a pothole matters)."""
    block = raw.get("attachments")
    entries = block.get("data", []) if isinstance(block, dict) else []
    kinds = [str(e.get("mime_type") or e.get("type") or "fichier") for e in entries if e]
    if not kinds and raw.get("attachment"):
        kinds = [str(raw["attachment"].get("type") or "fichier")]
    return " ".join(f"[pièce jointe : {kind}]" for kind in kinds)


def message_text(raw: dict[str, Any], key: str = "message") -> str:
    text = raw.get(key) if isinstance(raw.get(key), str) else ""
    note = attachments_note(raw)
    return f"{text}\n{note}".strip() if note else text


class GraphCollector:
    """What the Facebook and Instagram collectors share: the session, the token, the pages.

    The session is built on first use, so that a collector with no token can still be
    built and asked ``check()``; ``fetch`` then says which variable to set.
    """

    network = "meta"
    STREAMS: tuple[str, ...] = ()
    # What an account that names no streams collects; None: every stream in STREAMS.
    DEFAULT_STREAMS: tuple[str, ...] | None = None
    token_kind = "Page access token"
    # A stream's first pass reaches back this far (the engagement window), not to the
    # account's whole history: one-time cost bounded, ranking complete.
    HISTORY_DAYS = 90

    def __init__(
        self,
        account: str,
        *,
        account_id: str | None,
        token: str | None,
        token_env: str | None = None,
        handle: str | None = None,
        streams: Iterable[str] | None = None,
        base_url: str | None = None,
        sleep: Callable[[float], None] = time.sleep,
        retry_delays: tuple[float, ...] = (2.0, 10.0),
        now: Callable[[], datetime] = utcnow,
    ) -> None:
        self.account = account
        self.account_id = account_id or None
        self.token = token or None
        install_log_masking([self.token])
        self.token_env = token_env
        self.handle = handle
        unknown = set(streams or ()) - set(self.STREAMS)
        if unknown:
            raise PermanentError(
                f"{account}: unknown stream {sorted(unknown)[0]!r} for {self.network}; "
                f"choose among {', '.join(self.STREAMS)}"
            )
        self._streams = list(streams) if streams else list(self.DEFAULT_STREAMS or self.STREAMS)
        self.base_url = base_url
        self.sleep = sleep
        self.retry_delays = retry_delays
        self.now = now
        self._session: GraphSession | None = None

    @classmethod
    def for_account(cls, settings: Settings, account: Account, **kwargs: Any) -> GraphCollector:
        return cls(
            account.key,
            account_id=account.external_id,
            token=account.token(),
            token_env=account.token_env,
            handle=account.handle,
            streams=account.streams,
            **kwargs,
        )

    @property
    def renew_hint(self) -> str:
        where = f" in the environment variable {self.token_env}" if self.token_env else ""
        return f"Renew the {self.token_kind} (Meta Business settings) and put it{where}."

    def missing_token_message(self) -> str:
        if self.token_env:
            return (
                f"{self.account}: no {self.token_kind}: the environment variable "
                f"{self.token_env} is not set"
            )
        return f"{self.account}: no {self.token_kind}: set token_env in the configuration"

    @property
    def session(self) -> GraphSession:
        if self._session is None:
            if not self.token:
                raise AuthExpired(self.missing_token_message())
            self._session = GraphSession(
                self.token,
                account=self.account,
                renew_hint=self.renew_hint,
                base_url=self.base_url,
                sleep=self.sleep,
                retry_delays=self.retry_delays,
                now=self.now,
            )
        return self._session

    def streams(self) -> list[str]:
        return list(self._streams)

    def fetch(self, stream: str, cursor: str | None) -> Iterator[Page]:
        """Dispatch to ``_fetch_<stream>`` with the stream's position."""
        if stream not in self.STREAMS:
            raise PermanentError(f"{self.account}: unknown {self.network} stream {stream!r}")
        hw = HighWater.load(cursor)
        if hw.since is None:
            hw.since = self.now() - timedelta(days=self.HISTORY_DAYS)
        return getattr(self, f"_fetch_{stream}")(hw)

    def _require_id(self) -> str:
        if not self.account_id:
            data = self.session.get("me", fields="id")
            if not data.get("id"):
                raise PermanentError(f"{self.account}: the token does not name an account")
            self.account_id = str(data["id"])
        return self.account_id

    def _page(
        self,
        items: list[Item],
        cursor: str | None,
        calls_before: int,
        rejected: list[Rejected] | None = None,
    ) -> Page:
        return Page(items, cursor, rejected or [], api_calls=self.session.calls - calls_before)

    def edge(self, path: str, **params: Any) -> Iterator[tuple[dict[str, Any], int]]:
        """A paged edge, one response at a time with the request count before it, its
        ``paging.next`` followed until the last page or until the caller stops."""
        calls = self.session.calls
        data = self.session.get(path, **params)
        while True:
            yield data, calls
            link = next_link(data)
            if not link:
                return
            calls = self.session.calls
            data = self.session.get_next(link)

    def newest_first(
        self,
        hw: HighWater,
        path: str,
        params: dict[str, Any],
        read: Callable[[dict[str, Any]], tuple[list[Item], list[Rejected], bool]],
    ) -> Iterator[Page]:
        """Pages of an edge listed newest first, until the end or a page where ``read``
        (its items, its rejects, whether to go on) meets what is already known; the last
        page carries the advanced cursor."""
        stamps: list[tuple[datetime, str]] = []
        for data, calls in self.edge(path, **params):
            items, rejected, go_on = read(data)
            stamps += [(i.created_at, i.external_id) for i in items]
            if not go_on or not next_link(data) or not entries(data):
                yield self._page(items, hw.advanced(stamps).dump(), calls, rejected)
                return
            yield self._page(items, None, calls, rejected)

    # The field that hides a comment: ``is_hidden`` on Facebook, ``hide`` on Instagram.
    HIDE_FIELD = ""

    def hide(self, item: Item, hidden: bool = True) -> None:
        """Hide a citizen's comment under the city's post (``hidden=False``: show it again):
        ``POST /{comment-id}`` with the network's field set to true or false. Idempotent."""
        check_hideable(self.network, item.kind)
        if item.direction != "in" or item.network != self.network:
            raise PermanentError(
                f"{self.account}: only a citizen's {self.network} comment can be hidden"
            )
        with french_errors(self.network, hidden):
            data = self.session.post(
                item.external_id, {self.HIDE_FIELD: "true" if hidden else "false"}
            )
            if data.get("success") is not True:
                raise PermanentError(
                    f"{self.account}: Meta did not confirm the change ({str(data)[:120]})"
                )

    MAX_SEARCH_PAGES = 10
    # The edge that lists the account's own posts, and the key of their text.
    PUBLISHED_EDGE = "posts"
    PUBLISHED_TEXT = "message"

    def find_published(self, marker: str, since: datetime) -> str | None:
        """The account's post since ``since`` whose text contains ``marker``, if any."""
        path = f"{self._require_id()}/{self.PUBLISHED_EDGE}"
        return self.find_marker(path, self.PUBLISHED_TEXT, marker, since)

    def find_marker(self, path: str, text_key: str, marker: str, since: datetime) -> str | None:
        """The id of the first object of ``path`` since ``since`` whose text holds ``marker``
        (links dropped, spaces and case folded: see ``beffroi.collectors.matching``).

        For reconciling a publication after a crash: a few pages at most, newest first.
        """
        if not marker:
            return None
        pages = self.edge(
            path,
            fields=f"id,{text_key}",
            since=graph_time(since - timedelta(minutes=5)),
            limit=50,
        )
        for _, (data, _calls) in zip(range(self.MAX_SEARCH_PAGES), pages, strict=False):
            for raw in entries(data):
                if not isinstance(raw, dict) or not raw.get("id"):
                    continue
                if holds(str(raw.get(text_key) or ""), marker):
                    return str(raw["id"])
        return None

    @staticmethod
    def with_final_cursor(pages: Iterator[Page], final: Callable[[], str]) -> Iterator[Page]:
        """Pass pages through, the last one carrying the stream's new position.

        Pages before it keep the stored cursor (``None``): a pass that dies halfway is
        re-read from its start, and idempotent saving makes that harmless. The page held
        back is never lost to a failure on the next one: it is handed over (its cursor
        still ``None``) before the error goes on to the runner.
        """
        last: Page | None = None
        try:
            for page in pages:
                if last is not None:
                    yield last
                last = page
        except Exception:
            if last is not None:
                yield last
            raise
        if last is None:
            last = Page([], None, api_calls=0)
        last.cursor = final()
        yield last

    def check_with(self, probe: Callable[[], list[tuple[bool, str]]]) -> list[tuple[bool, str]]:
        """Run one cheap probe; turn every failure into a plain-words line."""
        if not self.token:
            return [(False, self.missing_token_message())]
        try:
            return probe()
        except AuthExpired as exc:
            return [(False, str(exc))]
        except CollectorError as exc:
            return [(False, f"{self.account}: could not check ({exc})")]


def checked(raw: Any, what: str, time_keys: tuple[str, ...], *, need_id: bool = True):
    """The creation time of a payload, or the Rejected that says why it is unusable."""
    if not isinstance(raw, dict):
        return Rejected(raw, f"a {what} must be a JSON object")
    if need_id and (type(raw.get("id")) not in (str, int) or not str(raw["id"])):
        return Rejected(raw, f"{what} has no id")  # a list or an object is no id either
    created = next((parse_time(raw[k]) for k in time_keys if raw.get(k)), None)
    if created is None:
        return Rejected(raw, f"{what} has no readable {' or '.join(time_keys)}")
    return created


def split_new(
    results: Iterable[Item | Rejected], hw: HighWater
) -> tuple[list[Item], list[Rejected], bool]:
    """(new items, rejects, whether nothing already known was met) of parsed payloads."""
    items: list[Item] = []
    rejected: list[Rejected] = []
    all_new = True
    for parsed in results:
        if isinstance(parsed, Rejected):
            rejected.append(parsed)
        elif hw.is_new(parsed.created_at, parsed.external_id):
            items.append(parsed)
        else:
            all_new = False
    return items, rejected, all_new


def dm_item(
    network: str,
    raw: dict[str, Any],
    *,
    account: str,
    created: datetime,
    author: Author | None,
    own: bool,
    conversation_id: str | None,
) -> Item | Rejected:
    """A private message (Messenger or Instagram Direct) in its conversation; one with
    neither a sender nor a conversation is rejected (``values.unattributable``)."""
    if refused := unattributable(raw, author, conversation_id):
        return refused
    return Item(
        network=network,
        account=account,
        external_id=str(raw["id"]),
        kind="dm",
        direction="out" if own else "in",
        text=message_text(raw),
        created_at=created,
        author=author,
        thread_external_id=conversation_id,
        raw=raw,
    )
