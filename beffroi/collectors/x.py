"""The X collector: mentions, replies in the city's conversations and DMs, through tweepy's
API v2 ``Client``.

Streams and what they cost (``max_results=100``, so N new items cost about N/100 requests,
and an idle pass exactly one request per stream):

- ``mentions``: ``GET /2/users/:id/mentions`` with ``since_id``.
- ``replies``: one recent search ``(from:<city> OR conversation_id:<a> OR ...) -is:retweet``
  with ``since_id``. ``from:`` finds the city's own new posts (``post``, out) and the replies
  the city wrote in the X app (``reply``, out: this is how a native reply closes a queue
  item); ``conversation_id:`` finds what citizens write under the city's recent posts. The
  watched conversations (the city's posts of the last 7 days, the window of recent search,
  newest first, as many as fit in a 512-character query, about a dozen) are kept in the
  cursor, since a collector cannot read the store. When a pass discovers a new city post,
  the next pass searches from that post's id instead of the newest id seen, so replies
  that came before its conversation was watched are not missed (at the price of seeing a
  few tweets twice, which ingestion ignores).
- ``dms``: ``GET /2/dm_events`` (needs the user-context keys and the app's "Direct
  Messages" permission). It has no ``since_id``: pages are walked newest first until an
  event already seen.
- ``engagement``: who retweeted, quoted or liked the city's own tweets of the last
  ``engagement_days`` (the ranking counts them as ``share`` and ``reaction``). One request
  reads the city's timeline (``GET /2/users/:id/tweets``, no retweets or replies) with each
  tweet's ``public_metrics``; the counts already collected are kept per tweet in the cursor,
  so an idle pass is that one request. Only a count that moved sends its list:
  ``retweeted_by`` (share), ``quote_tweets`` (share, the quoting author; no text kept),
  ``liking_users`` (reaction), 100 people a page. At most ``engagement_posts_per_pass``
  tweets are re-read per pass, the least recently re-read first; the rest wait. X does not
  say when a like or retweet happened: an interaction carries its tweet's time. An unlike
  is not seen (what was collected stays). A list walked over several pages records its
  ``next_token`` in the cursor, so a rate limit or a crash resumes it where it stopped.
  Collected only when the account's ``streams`` name it (see ``DEFAULT_STREAMS``).
  An endpoint refused with a 403 (the app's access level may not include ``liking_users``)
  does not stop the others: it is skipped for ``REFUSAL_RETRY``, and every pass ends with
  an error that names it, once the other lists are saved.

Cursors are JSON. X pages newest first with ``next_token``, and ``since_id`` must stay the
same while paging, so the stream's new high-water mark is only known at the end of a walk.
Each page's cursor therefore records the walk in progress (``since_id`` unchanged, the
``next_token`` of the next page, the ``pending_newest`` id taken from the first page); the
last page commits ``since_id = pending_newest``. A run that dies mid-walk resumes at the
next page (re-fetching at most the page that was not saved); if X no longer accepts the
stored pagination token, the walk restarts from the unchanged ``since_id`` (duplicates are
harmless, nothing is skipped).

Errors: 429 raises ``RateLimited`` with X's reset time (tweepy never sleeps:
``wait_on_rate_limit=False``), and so does a walk whose ``x-rate-limit-remaining`` reached
0 before its next page; 401, and a 403 that says the app lacks a permission, raise
``AuthExpired``; 5xx, timeouts and dropped connections are retried after short delays
(injectable) and then raise ``TransientError``; other 4xx raise ``PermanentError``. Writes
(``reply``, ``publish``) are never retried blindly: a 5xx on a POST may have posted.

Secrets come from the environment variables named in the account's configuration. They
never reach a message: errors are built from status codes and X's error text, then every
known secret value and bearer/OAuth pattern is masked; tweepy's own debug log (which prints
the Authorization header) goes through the same mask.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import requests
import tweepy

from beffroi.collectors.engagement_plan import due_posts
from beffroi.collectors.errors import (
    AuthExpired,
    CollectorError,
    PermanentError,
    RateLimited,
    TransientError,
    mask_secrets,
)
from beffroi.collectors.item import (
    Author,
    Interaction,
    Item,
    OutgoingPost,
    Page,
    Rejected,
    utcnow,
)
from beffroi.collectors.matching import normalise_text
from beffroi.collectors.x_meter import Meter
from beffroi.collectors.x_payloads import (
    DM_EVENT_FIELDS,
    TWEET_FIELDS,
    USER_FIELDS,
    CityTweet,
    Context,
    api_errors,
    city_tweets,
    engaged_users,
    newest_id,
    parse_page,
    permalink,
    snowflake_time,
)

if TYPE_CHECKING:
    from beffroi.config import Account, Settings

log = logging.getLogger(__name__)

STREAMS = ("mentions", "replies", "dms", "engagement")
# Collected when the account lists no streams. ``engagement`` must be asked for: it spends
# the rate limits of endpoints that X's lower access levels do not include.
DEFAULT_STREAMS = ("mentions", "replies", "dms")
PAGE_SIZE = 100
MAX_QUERY_LENGTH = 512
WATCH_DAYS = 7
DEFAULT_RETRY_DELAYS = (1.0, 4.0)
DEFAULT_TIMEOUT = 30.0
FALLBACK_RATE_WAIT = timedelta(minutes=15)
SEARCH_MARGIN = timedelta(minutes=10)
# What every tweet read asks for: the fields an Item needs, 100 to a page.
TWEET_REQUEST = {
    "max_results": PAGE_SIZE,
    "tweet_fields": TWEET_FIELDS,
    "expansions": ["author_id"],
    "user_fields": USER_FIELDS,
}
# 403 problem types that mean "a person must fix the app or the token", not "this object".
PERMISSION_PROBLEMS = ("unsupported-authentication", "client-forbidden", "oauth1-permissions")
# The config's secret_envs names of the user-context keys, in tweepy's argument order.
USER_SECRET_NAMES = ("consumer_key", "consumer_secret", "user_access_token", "user_access_secret")
# The engagement lists: X's name for each (in messages), tweepy's method, what it counts as.
ENGAGEMENT = {
    "retweets": ("retweeted_by", "get_retweeters", "share"),
    "quotes": ("quote_tweets", "get_quote_tweets", "share"),
    "likes": ("liking_users", "get_liking_users", "reaction"),
}
ENGAGEMENT_REQUEST: dict[str, dict[str, Any]] = {
    "retweets": {"user_fields": USER_FIELDS},
    "quotes": {
        "tweet_fields": ["author_id"],
        "expansions": ["author_id"],
        "user_fields": USER_FIELDS,
    },
    "likes": {"user_fields": USER_FIELDS},
}
# An engagement list X refused (403) is not asked for again before this long.
REFUSAL_RETRY = timedelta(days=1)
# The city's timeline of the engagement window: at most this many pages of 100 tweets.
TIMELINE_PAGES = 5


class _TimeoutSession(requests.Session):
    """tweepy's session with a default timeout (requests has none: a dead socket hangs).
    Every answer also goes to the X usage meter (issue 15: X bills every read)."""

    def __init__(self, timeout: float, meter: Meter | None = None) -> None:
        super().__init__()
        self.timeout = timeout
        self.meter = meter

    def request(self, *args: Any, **kwargs: Any) -> requests.Response:
        kwargs.setdefault("timeout", self.timeout)
        response = super().request(*args, **kwargs)
        if self.meter is not None:
            try:
                body: Any = response.json()
            except ValueError:
                body = None
            path = requests.utils.urlparse(response.request.url or "").path
            self.meter.saw(response.request.method or "GET", path, response.status_code, body)
        return response


class _MaskingFilter(logging.Filter):
    """Masks secrets in tweepy's and oauthlib's debug logs, which print credentials."""

    def __init__(self) -> None:
        super().__init__()
        self.secrets: set[str] = set()

    def filter(self, record: logging.LogRecord) -> bool:
        text = record.getMessage()
        for secret in self.secrets:
            text = text.replace(secret, "***")
        record.msg, record.args = mask_secrets(text), None
        return True


_LOG_MASK = _MaskingFilter()
# Loggers that print credentials at DEBUG level (a filter applies to its own logger only).
for _name in ("tweepy.client", "requests_oauthlib.oauth1_auth", "oauthlib.oauth1.rfc5849"):
    logging.getLogger(_name).addFilter(_LOG_MASK)


@dataclass(frozen=True)
class Answer:
    """One successful HTTP exchange: the decoded body and what the headers said."""

    body: Any
    calls: int
    remaining: int | None
    reset_at: datetime | None
    access_level: str | None


def _reset_at(headers: Any) -> datetime | None:
    value = headers.get("x-rate-limit-reset") if headers is not None else None
    if value is None or not str(value).isdigit():
        return None
    return datetime.fromtimestamp(int(value), UTC)


def _remaining(headers: Any) -> int | None:
    value = headers.get("x-rate-limit-remaining") if headers is not None else None
    return int(value) if value is not None and str(value).isdigit() else None


def _problem(exc: tweepy.HTTPException) -> str:
    """X's own words for an error, without the request (which may carry secrets)."""
    parts = [f"{exc.response.status_code}"]
    parts += [str(m) for m in exc.api_messages[:2]]
    if len(parts) == 1:
        try:
            body = exc.response.json()
        except ValueError:
            body = {}
        for key in ("title", "detail"):
            if isinstance(body, dict) and body.get(key):
                parts.append(str(body[key]))
        if len(parts) == 1:
            parts.append(str(exc.response.reason or "error"))
    return " ".join(parts)[:300]


def _is_permission_problem(exc: tweepy.HTTPException) -> bool:
    try:
        body = exc.response.json()
    except ValueError:
        return False
    if not isinstance(body, dict):
        return False
    kind = str(body.get("type", ""))
    # "reason" (e.g. client-not-enrolled) comes with X's app-level refusals only.
    return any(name in kind for name in PERMISSION_PROBLEMS) or "reason" in body


def _load(cursor: str | None) -> dict[str, Any]:
    if not cursor:
        return {}
    try:
        state = json.loads(cursor)
    except ValueError:
        # A cursor from an older format (a bare since_id) is still a since_id.
        return {"since_id": cursor} if cursor.isdigit() else {}
    return state if isinstance(state, dict) else {}


def _advance(state: dict[str, Any], key: str, old: str | None, walk: dict[str, Any]) -> None:
    """At the end of a walk, move the high-water mark ``key`` to the newest id seen."""
    newest = newest_id([old, walk.get("pending_newest")])
    if newest:
        state[key] = newest


def _older_than(external_id: str, moment: datetime) -> bool:
    try:
        return snowflake_time(external_id) < moment
    except ValueError:
        return True


def _watched(stored: Any, horizon: datetime) -> dict[str, str]:
    """The watched conversations still inside the search window (unreadable ones dropped)."""
    kept = {}
    for cid, created in (stored if isinstance(stored, dict) else {}).items():
        try:
            if str(cid).isdigit() and datetime.fromisoformat(created) >= horizon:
                kept[str(cid)] = created
        except (TypeError, ValueError):
            continue
    return kept


def _dump(state: dict[str, Any]) -> str:
    return json.dumps(state, sort_keys=True, separators=(",", ":"))


class _Refused:
    """A 403; ``problem`` is X's own words for it (status, title, detail)."""

    problem = ""


class PermissionRefused(_Refused, AuthExpired):
    """A 403 saying the app lacks a permission or its access level lacks the endpoint."""


class RequestRefused(_Refused, PermanentError):
    """A 403 for this request (X gave no sign it is about the app's permissions)."""


def _refused(kind: type[_Refused], message: str, problem: str) -> CollectorError:
    error = kind(message)
    error.problem = problem
    return error


def _tracked(stored: Any, timeline: dict[str, CityTweet]) -> dict[str, dict[str, Any]]:
    """What the cursor keeps per tweet still on the timeline (older ones are forgotten):
    the counts already collected (``seen``) and when it was last re-read (``refreshed``)."""
    stored = stored if isinstance(stored, dict) else {}
    tracked: dict[str, dict[str, Any]] = {}
    for tweet_id in timeline:
        old = stored.get(tweet_id) if isinstance(stored.get(tweet_id), dict) else {}
        seen = old.get("seen") if isinstance(old.get("seen"), dict) else {}
        entry: dict[str, Any] = {
            "seen": {
                k: v for k, v in seen.items() if k in ENGAGEMENT and (v is None or type(v) is int)
            }
        }
        if isinstance(old.get("refreshed"), str):
            entry["refreshed"] = old["refreshed"]
        tracked[tweet_id] = entry
    return tracked


def _moved(tweet: CityTweet, seen: dict[str, Any], skip: dict[str, Any]) -> list[str]:
    """The lists of ``tweet`` whose count moved since collected. An unknown count (X left
    ``public_metrics`` out) is read once; a count never collected counts as 0."""
    moved = []
    for endpoint in ENGAGEMENT:
        current = tweet.counts.get(endpoint)
        if endpoint in skip:
            continue
        if current is None:
            if endpoint not in seen:
                moved.append(endpoint)
        elif current != seen.get(endpoint, 0):
            moved.append(endpoint)
    return moved


def _standing_refusals(stored: Any, now: datetime) -> dict[str, dict[str, Any]]:
    """The refusals (403) of the last ``REFUSAL_RETRY``; older ones are tried again."""
    kept = {}
    for endpoint, refusal in (stored if isinstance(stored, dict) else {}).items():
        try:
            if (
                endpoint in ENGAGEMENT
                and datetime.fromisoformat(refusal["at"]) > now - REFUSAL_RETRY
            ):
                kept[endpoint] = refusal
        except (TypeError, KeyError, ValueError):
            continue
    return kept


class XCollector:
    """One of the city's X accounts (see the module docstring for what each stream does)."""

    network = "x"
    # Not found by find_published does not prove "not posted" (text matching, search
    # window): the outbox must then ask a person rather than post again.
    find_published_is_exhaustive = False
    find_published_matches = "text"  # a tweet carries no hidden marker

    def __init__(
        self,
        account: Account,
        *,
        bearer_token: str | None = None,
        consumer_key: str | None = None,
        consumer_secret: str | None = None,
        access_token: str | None = None,
        access_token_secret: str | None = None,
        retry_delays: Sequence[float] = DEFAULT_RETRY_DELAYS,
        sleep: Callable[[float], None] = time.sleep,
        timeout: float = DEFAULT_TIMEOUT,
        now: Callable[[], datetime] = utcnow,
    ) -> None:
        self.account = account.key
        self.handle = account.handle.lstrip("@")
        self.city_id: str | None = account.external_id or None
        self._streams = list(account.streams) if account.streams else list(DEFAULT_STREAMS)
        self.engagement_days = account.engagement_days
        self.engagement_posts_per_pass = account.engagement_posts_per_pass
        self._token_env = account.token_env
        self._secret_envs = dict(account.secret_envs)
        self._bearer = bearer_token or None
        self._user_keys = (consumer_key, consumer_secret, access_token, access_token_secret)
        self._has_user = all(self._user_keys)
        self._secrets = {s for s in (bearer_token, *self._user_keys) if s}
        _LOG_MASK.secrets.update(self._secrets)
        self.retry_delays = tuple(retry_delays)
        self.timeout = timeout
        self.sleep = sleep
        self.now = now
        self.rate_limits: dict[str, tuple[int | None, datetime | None]] = {}
        self._pending_calls = 0
        self.client = tweepy.Client(
            bearer_token=self._bearer,
            consumer_key=consumer_key,
            consumer_secret=consumer_secret,
            access_token=access_token,
            access_token_secret=access_token_secret,
            return_type=requests.Response,
            wait_on_rate_limit=False,
        )
        # X on a metered budget (issue 15): every request counted; publish_only never reads.
        self.meter = Meter()
        self.pricing = None  # set by for_account from [x.pricing]; None: the default rates
        self.publish_only = account.publish_only
        self.budget_usd = account.budget_usd
        if self.publish_only:
            self._streams = []
        self.client.session = _TimeoutSession(timeout, self.meter)

    @classmethod
    def for_account(cls, settings: Settings, account: Account) -> XCollector:
        collector = cls(
            account,
            bearer_token=account.token(),
            consumer_key=account.secret("consumer_key"),
            consumer_secret=account.secret("consumer_secret"),
            access_token=account.secret("user_access_token"),
            access_token_secret=account.secret("user_access_secret"),
        )
        collector.pricing = settings.x.pricing  # the estimate of the month's X cost
        return collector

    # ------------------------------------------------------------------ plumbing

    def _scrub(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, "***")
        return mask_secrets(text)

    def _env_hint(self, names: Sequence[str] = ()) -> str:
        envs = [self._secret_envs[n] for n in names if n in self._secret_envs]
        if not names and self._token_env:
            envs = [self._token_env]
        return ", ".join(envs) or "the environment variables named in the configuration"

    def _user_hint(self) -> str:
        return self._env_hint(USER_SECRET_NAMES)

    def _read_auth(self, what: str) -> bool:
        """``user_auth`` for a read: the bearer token when there is one, else the user keys."""
        if self._bearer:
            return False
        if self._has_user:
            return True
        raise AuthExpired(
            f"{self.account}: no X credentials to read {what}: set {self._env_hint()} "
            f"(bearer token) or {self._user_hint()} (user-context keys)"
        )

    def _missing_user_hint(self) -> str:
        """The user-key variables that are unset (all of them when none is set)."""
        given = zip(USER_SECRET_NAMES, self._user_keys, strict=True)
        missing = [name for name, value in given if not value]
        return self._env_hint(missing)

    def _need_user(self, what: str) -> None:
        if not self._has_user:
            raise AuthExpired(
                f"{self.account}: {what} on X needs the user-context keys; set "
                f"{self._missing_user_hint()} (from the X developer portal, app with "
                "'Read and write and Direct message' permission)"
            )

    def _call(self, what: str, method: Callable[..., Any], *, retry: bool = True, **kwargs: Any):
        """One API call, with the error mapping and bounded retries described above."""
        attempts = 0
        while True:
            attempts += 1
            try:
                response = method(**kwargs)
            except tweepy.TooManyRequests as exc:
                reset = _reset_at(exc.response.headers) or self.now() + FALLBACK_RATE_WAIT
                raise RateLimited(
                    self._scrub(
                        f"{self.account}: X rate limit reached for {what}; "
                        f"try again after {reset:%Y-%m-%d %H:%M:%S} UTC"
                    ),
                    reset,
                ) from None
            except tweepy.Unauthorized as exc:
                hint = self._user_hint() if kwargs.get("user_auth") else self._env_hint()
                raise AuthExpired(
                    self._scrub(
                        f"{self.account}: X refused the credentials for {what} ({_problem(exc)}): "
                        "the token is expired or revoked; generate a new one in the X developer "
                        f"portal and put it in {hint}"
                    )
                ) from None
            except tweepy.Forbidden as exc:
                problem = self._scrub(_problem(exc))
                if _is_permission_problem(exc):
                    raise _refused(
                        PermissionRefused,
                        f"{self.account}: X says the app lacks a permission for {what} "
                        f"({problem}); check the app's access level and keys in the X "
                        "developer portal",
                        problem,
                    ) from None
                raise _refused(
                    RequestRefused, f"{self.account}: X refused {what} ({problem})", problem
                ) from None
            except tweepy.TwitterServerError as exc:
                problem = f"X server error {_problem(exc)}"
            except tweepy.HTTPException as exc:
                raise PermanentError(
                    self._scrub(f"{self.account}: X rejected {what} ({_problem(exc)})")
                ) from None
            except (
                requests.ConnectionError,
                requests.Timeout,
                requests.exceptions.ChunkedEncodingError,
            ) as exc:
                problem = f"network error {type(exc).__name__}"
            except tweepy.TweepyException:
                # tweepy's v1.1 API wraps network faults as "Failed to send request".
                problem = "network error (request not sent)"
            else:
                if not isinstance(response, requests.Response):  # a v1.1 model object
                    return Answer(response, attempts, None, None, None)
                try:
                    body: Any = response.json()
                except ValueError:
                    body = response.text
                remaining = _remaining(response.headers)
                reset = _reset_at(response.headers)
                self.rate_limits[what] = (remaining, reset)
                return Answer(
                    body,
                    attempts,
                    remaining,
                    reset,
                    response.headers.get("x-access-level"),
                )
            if not retry:
                raise TransientError(
                    self._scrub(
                        f"{self.account}: {what} failed ({problem}); it was not retried "
                        "because it may have gone through"
                    )
                )
            if attempts > len(self.retry_delays):
                raise TransientError(
                    self._scrub(
                        f"{self.account}: {what} failed after {attempts} attempts ({problem})"
                    )
                )
            log.info("%s: %s failed (%s), retrying", self.account, what, problem)
            self.sleep(self.retry_delays[attempts - 1])

    def _stop_if_used_up(self, answer: Answer, what: str) -> None:
        """Before a walk's next page: stop when X said no request is left until its reset."""
        if answer.remaining == 0:
            reset = answer.reset_at or self.now() + FALLBACK_RATE_WAIT
            raise RateLimited(
                f"{self.account}: X rate limit used up while reading {what}; the rest "
                f"will be read after {reset:%Y-%m-%d %H:%M:%S} UTC",
                reset,
            )

    def _city_id(self) -> str:
        """The city's numeric user id: configured, or looked up once from the handle."""
        if self.city_id is None:
            answer = self._call(
                "user lookup",
                self.client.get_user,
                username=self.handle,
                user_auth=self._read_auth("the account"),
            )
            self._pending_calls += answer.calls
            data = answer.body.get("data") if isinstance(answer.body, dict) else None
            if not isinstance(data, dict) or not data.get("id"):
                raise PermanentError(f"{self.account}: X does not know the user @{self.handle}")
            self.city_id = str(data["id"])
        return self.city_id

    def _context(self) -> Context:
        return Context(self.account, self._city_id())

    # ------------------------------------------------------------------ streams

    def streams(self) -> list[str]:
        unknown = [s for s in self._streams if s not in STREAMS]
        if unknown:
            raise PermanentError(
                f"{self.account}: unknown X stream {unknown[0]!r}; X offers {', '.join(STREAMS)}"
            )
        return list(self._streams)

    def fetch(self, stream: str, cursor: str | None) -> Iterator[Page]:
        self.meter.stream = stream
        state = _load(cursor)
        if stream == "mentions":
            return self._mentions(state)
        if stream == "replies":
            return self._replies(state)
        if stream == "dms":
            return self._dms(state)
        if stream == "engagement":
            return self._engagement(state)
        raise PermanentError(f"{self.account}: unknown X stream {stream!r}")

    def _walk(
        self,
        what: str,
        state: dict[str, Any],
        call: Callable[[str | None], Answer],
        parse: Callable[[Any, dict[str, Any]], tuple[list[Item], list[Rejected], bool]],
        finish: Callable[[dict[str, Any], dict[str, Any]], None],
    ) -> Iterator[Page]:
        """Walk a newest-first paginated stream, one ``Page`` per response.

        ``parse(body, walk)`` returns the page's items, rejects, and whether to go on to
        older pages; ``finish(state, walk)`` moves the stream's high-water mark when the walk
        is complete. Until then each page's cursor holds the walk in progress.
        """
        walk: dict[str, Any] = dict(state.get("walk") or {})
        token = walk.get("next_token")
        resumed = token is not None
        while True:
            try:
                answer = call(token)
            except PermanentError:
                if not resumed:
                    raise
                log.warning(
                    "%s: X refused the stored page token for %s; restarting", self.account, what
                )
                walk, token, resumed = {}, None, False
                state.pop("walk", None)
                continue
            resumed = False
            body = answer.body
            meta = body.get("meta") if isinstance(body, dict) else None
            meta = meta if isinstance(meta, dict) else {}
            items, rejected, more = parse(body, walk)
            if token is None:
                walk["pending_newest"] = newest_id(
                    [meta.get("newest_id"), *(i.external_id for i in items)]
                )
            next_token = meta.get("next_token") if more else None
            if next_token:
                walk["next_token"] = next_token
                state["walk"] = walk
            else:
                state.pop("walk", None)
                finish(state, walk)
            calls, self._pending_calls = answer.calls + self._pending_calls, 0
            yield Page(items, _dump(state), rejected, api_calls=calls)
            if not next_token:
                return
            self._stop_if_used_up(answer, what)
            token = next_token

    def _mentions(self, state: dict[str, Any]) -> Iterator[Page]:
        ctx = self._context()
        since = state.get("since_id")
        user_auth = self._read_auth("mentions")

        def call(token: str | None) -> Answer:
            return self._call(
                "mentions",
                self.client.get_users_mentions,
                id=ctx.city_id,
                since_id=since,
                pagination_token=token,
                user_auth=user_auth,
                **TWEET_REQUEST,
            )

        def parse(body: Any, walk: dict[str, Any]):
            items, rejected = parse_page(body, ctx, "mention")
            return items, rejected, True

        def finish(state: dict[str, Any], walk: dict[str, Any]) -> None:
            _advance(state, "since_id", since, walk)

        yield from self._walk("mentions", state, call, parse, finish)

    def replies_query(self, conversations: dict[str, str]) -> str:
        """``(from:<city> OR conversation_id:<newest> OR ...) -is:retweet`` within 512 chars."""
        head, tail = f"(from:{self.handle}", ") -is:retweet"
        query = head
        for conversation in sorted(conversations, key=int, reverse=True):
            part = f" OR conversation_id:{conversation}"
            if len(query) + len(part) + len(tail) > MAX_QUERY_LENGTH:
                break
            query += part
        return query + tail

    def _replies(self, state: dict[str, Any]) -> Iterator[Page]:
        ctx = self._context()
        user_auth = self._read_auth("replies")
        horizon = self.now() - timedelta(days=WATCH_DAYS)
        since = state.get("since_id")
        if since and _older_than(since, horizon + SEARCH_MARGIN):
            # Recent search refuses a since_id older than its window (400): after a long
            # stop, read the whole window again instead (ingestion ignores duplicates).
            since = None
            state.pop("since_id", None)
            state.pop("walk", None)
        conversations = _watched(state.get("conversations"), horizon)
        state["conversations"] = conversations
        walk_state = state.get("walk") or {}
        query = walk_state.get("query") or self.replies_query(conversations)

        def call(token: str | None) -> Answer:
            return self._call(
                "replies",
                self.client.search_recent_tweets,
                query=query,
                since_id=since,
                next_token=token,
                user_auth=user_auth,
                **TWEET_REQUEST,
            )

        def parse(body: Any, walk: dict[str, Any]):
            walk["query"] = query
            items, rejected = parse_page(body, ctx, "reply")
            for item in items:
                is_root = item.thread_external_id in (None, item.external_id)
                if item.direction == "out" and item.kind == "post" and is_root:
                    if item.external_id not in conversations and item.created_at >= horizon:
                        conversations[item.external_id] = item.created_at.isoformat()
                        floor = walk.get("floor")
                        if floor is None or int(item.external_id) < int(floor):
                            walk["floor"] = item.external_id
            return items, rejected, True

        def finish(state: dict[str, Any], walk: dict[str, Any]) -> None:
            newest = newest_id([since, walk.get("pending_newest")])
            floor = walk.get("floor")
            if floor is not None and newest is not None and int(floor) < int(newest):
                # Replies to a post discovered in this pass are all newer than the post.
                newest = floor
            if newest:
                state["since_id"] = newest

        yield from self._walk("replies", state, call, parse, finish)

    def _dms(self, state: dict[str, Any]) -> Iterator[Page]:
        self._need_user("reading direct messages")
        ctx = self._context()
        known = state.get("newest")

        def call(token: str | None) -> Answer:
            return self._call(
                "direct messages",
                self.client.get_direct_message_events,
                event_types="MessageCreate",
                dm_event_fields=DM_EVENT_FIELDS,
                expansions=["sender_id"],
                user_fields=USER_FIELDS,
                max_results=PAGE_SIZE,
                pagination_token=token,
                user_auth=True,
            )

        def parse(body: Any, walk: dict[str, Any]):
            items, rejected = parse_page(body, ctx, "dm")
            fresh = [i for i in items if known is None or int(i.external_id) > int(known)]
            return fresh, rejected, len(fresh) == len(items)

        def finish(state: dict[str, Any], walk: dict[str, Any]) -> None:
            _advance(state, "newest", known, walk)

        yield from self._walk("direct messages", state, call, parse, finish)

    def _timeline(
        self, what: str, start: datetime, tweet_fields: list[str], exclude: list[str], pages: int
    ) -> Iterator[Answer]:
        """The city's own tweets since ``start``, newest first, one answer a page of 100."""
        city_id = self._city_id()
        user_auth = self._read_auth(what)
        token = None
        for _ in range(pages):
            answer = self._call(
                what,
                self.client.get_users_tweets,
                id=city_id,
                start_time=start,
                max_results=PAGE_SIZE,
                tweet_fields=tweet_fields,
                exclude=exclude,
                pagination_token=token,
                user_auth=user_auth,
            )
            yield answer
            body = answer.body if isinstance(answer.body, dict) else {}
            token = (body.get("meta") or {}).get("next_token")
            if not token:
                return

    def _engagement(self, state: dict[str, Any]) -> Iterator[Page]:
        """Who shared or liked the city's recent tweets (see the module docstring)."""
        now = self.now()
        horizon = now - timedelta(days=self.engagement_days)
        timeline: dict[str, CityTweet] = {}
        rejected: list[Rejected] = []
        calls = 0
        for answer in self._timeline(
            "the city's recent tweets",
            horizon,
            ["created_at", "public_metrics"],
            ["retweets", "replies"],
            TIMELINE_PAGES,
        ):
            calls += answer.calls
            found, bad = city_tweets(answer.body)
            timeline.update((t.external_id, t) for t in found if t.created_at >= horizon)
            rejected += bad
        tracked = _tracked(state.get("tweets"), timeline)
        refused = _standing_refusals(state.get("refused"), now)
        walk = state.get("walk") if isinstance(state.get("walk"), dict) else {}
        state.update(tweets=tracked, refused=refused)
        carried = {"calls": calls, "rejected": rejected, "pages": 0}

        def page(interactions: list[Interaction], cost: int, bad: list[Rejected]) -> Page:
            out = Page(
                [],
                _dump(state),
                carried["rejected"] + bad,
                api_calls=cost + carried["calls"] + self._pending_calls,
                interactions=interactions,
            )
            carried.update(calls=0, rejected=[], pages=carried["pages"] + 1)
            self._pending_calls = 0
            return out

        changed = {
            tweet_id: moved
            for tweet_id, entry in tracked.items()
            if (moved := _moved(timeline[tweet_id], entry["seen"], refused))
        }
        walking = walk.get("tweet")
        if walk.get("endpoint") not in changed.get(walking, ()):
            walking = None
        due, walk_due = due_posts(
            changed, tracked, walking, self.engagement_posts_per_pass, tiebreak=int
        )
        if not walk_due:
            state.pop("walk", None)  # its tweet left the window or its count is collected
        for tweet_id, moved in due:
            tweet = timeline[tweet_id]
            tracked[tweet.external_id]["refreshed"] = now.isoformat()
            for endpoint in moved:
                if endpoint in refused:  # refused for an earlier tweet of this pass
                    continue
                try:
                    yield from self._engaged(tweet, endpoint, state, page)
                except (PermissionRefused, RequestRefused) as exc:
                    refused[endpoint] = {
                        "at": now.isoformat(),
                        "why": exc.problem,
                        "auth": isinstance(exc, AuthExpired),
                    }
                    if (state.get("walk") or {}).get("endpoint") == endpoint:
                        state.pop("walk", None)
                    yield page([], 1, [])
        if not carried["pages"]:
            yield page([], 0, [])
        if refused:
            raise self._refusal_error(refused)

    def _engaged(
        self,
        tweet: CityTweet,
        endpoint: str,
        state: dict[str, Any],
        page: Callable[[list[Interaction], int, list[Rejected]], Page],
    ) -> Iterator[Page]:
        """Walk one list of one tweet (who retweeted, quoted or liked it), a page each.

        The last page records the tweet's count as collected; pages before it record the
        ``next_token`` to resume from (a stale one restarts the list: saving is idempotent).
        """
        what, method, kind = ENGAGEMENT[endpoint]
        walk = state.get("walk") or {}
        resuming = walk.get("tweet") == tweet.external_id and walk.get("endpoint") == endpoint
        token = walk.get("next_token") if resuming else None
        link = permalink(tweet.external_id, self.handle)
        while True:
            try:
                answer = self._call(
                    f"{what} of tweet {tweet.external_id}",
                    getattr(self.client, method),
                    id=tweet.external_id,
                    max_results=PAGE_SIZE,
                    pagination_token=token,
                    user_auth=self._read_auth(what),
                    **ENGAGEMENT_REQUEST[endpoint],
                )
            except RequestRefused:
                raise
            except PermanentError:
                if token is None or not resuming:
                    raise
                log.warning("%s: X refused the stored page token for %s", self.account, what)
                token, resuming = None, False
                continue
            resuming = False
            interactions = [
                Interaction("x", self.account, kind, who, tweet.external_id, tweet.created_at, link)
                for who in engaged_users(answer.body, endpoint)
                if who.external_id != self.city_id
            ]
            body = answer.body if isinstance(answer.body, dict) else {}
            token = (body.get("meta") or {}).get("next_token")
            if token:
                state["walk"] = {
                    "tweet": tweet.external_id,
                    "endpoint": endpoint,
                    "next_token": token,
                }
            else:
                state.pop("walk", None)
                seen = state["tweets"][tweet.external_id]["seen"]
                seen[endpoint] = tweet.counts.get(endpoint)
            yield page(interactions, answer.calls, api_errors(body))
            if not token:
                return
            self._stop_if_used_up(answer, what)

    def _refusal_error(self, refused: dict[str, dict[str, Any]]) -> CollectorError:
        """One error naming every list X refuses, said once the other lists are saved."""
        names = ", ".join(ENGAGEMENT[e][0] for e in refused)
        kept = [ENGAGEMENT[e][0] for e in ENGAGEMENT if e not in refused]
        retry = min(datetime.fromisoformat(r["at"]) for r in refused.values()) + REFUSAL_RETRY
        reasons = "; ".join(sorted({str(r.get("why", "")) for r in refused.values()}))
        message = (
            f"{self.account}: X refuses {names} to this app ({reasons}), so those reactions "
            "or shares are not collected; the app's access level in the X developer portal "
            f"may not include this endpoint. {', '.join(kept) or 'Nothing else'} "
            f"{'is' if len(kept) == 1 else 'are'} still collected; tried again after "
            f"{retry:%Y-%m-%d %H:%M} UTC"
        )
        auth = any(r.get("auth") for r in refused.values())
        return AuthExpired(message) if auth else PermanentError(message)

    # ------------------------------------------------------------------ writing

    def _city_author(self) -> Author:
        return Author("x", self.city_id or "", self.handle, None)

    def reply(self, to: Item, text: str) -> Item:
        """Answer ``to`` as the city: a reply tweet, or a DM for a DM; returns it as posted."""
        self.meter.stream = "reply"
        self._need_user("replying")
        self._city_id()
        if to.kind == "dm":
            return self._reply_dm(to, text)
        answer = self._call(
            "reply",
            self.client.create_tweet,
            retry=False,
            text=text,
            in_reply_to_tweet_id=to.external_id,
            user_auth=True,
        )
        data = self._posted(answer, "reply")
        external_id = str(data["id"])
        return Item(
            network="x",
            account=self.account,
            external_id=external_id,
            kind="reply",
            direction="out",
            text=data.get("text") if isinstance(data.get("text"), str) else text,
            created_at=snowflake_time(external_id),
            author=self._city_author(),
            permalink=permalink(external_id, self.handle),
            parent_external_id=to.external_id,
            thread_external_id=to.thread_external_id or to.external_id,
            raw=data,
        )

    def _reply_dm(self, to: Item, text: str) -> Item:
        if to.author is not None and to.author.external_id:
            target = {"participant_id": to.author.external_id}
        elif to.thread_external_id:
            target = {"dm_conversation_id": to.thread_external_id}
        else:
            raise PermanentError(f"{self.account}: DM {to.external_id} has no sender to answer")
        answer = self._call(
            "direct message",
            self.client.create_direct_message,
            retry=False,
            text=text,
            user_auth=True,
            **target,
        )
        body = answer.body if isinstance(answer.body, dict) else {}
        data = body.get("data") if isinstance(body.get("data"), dict) else {}
        event_id = data.get("dm_event_id")
        if not event_id:
            raise PermanentError(f"{self.account}: X accepted the DM but gave no event id")
        return Item(
            network="x",
            account=self.account,
            external_id=str(event_id),
            kind="dm",
            direction="out",
            text=text,
            created_at=snowflake_time(event_id),
            author=self._city_author(),
            parent_external_id=to.external_id,
            thread_external_id=str(data.get("dm_conversation_id") or to.thread_external_id or "")
            or None,
            raw=data,
        )

    def _posted(self, answer: Answer, what: str) -> dict[str, Any]:
        body = answer.body if isinstance(answer.body, dict) else {}
        data = body.get("data")
        if not isinstance(data, dict) or not str(data.get("id", "")).isdigit():
            raise PermanentError(f"{self.account}: X accepted the {what} but gave no tweet id")
        return data

    def publish(self, post: OutgoingPost) -> str:
        """Post a tweet (with its image, if any); returns its id.

        The image goes first through the v1.1 media upload (tweepy's ``API.media_upload``,
        the only upload tweepy offers), which is retried like a read: an upload that went
        through twice only leaves an unused media id on X. The tweet itself is not retried.
        """
        self.meter.stream = "publish"
        self._need_user("publishing")
        media_ids = [self._upload_image(post.image_path)] if post.image_path else None
        text = post.text
        if post.link and post.link not in text:
            text = f"{text}\n{post.link}"
        answer = self._call(
            "publish",
            self.client.create_tweet,
            retry=False,
            text=text,
            media_ids=media_ids,
            user_auth=True,
        )
        return str(self._posted(answer, "post")["id"])

    def _upload_image(self, path: str) -> str:
        image = Path(path)
        if not image.is_file():
            raise PermanentError(f"{self.account}: the image {path} does not exist")
        api = tweepy.API(tweepy.OAuth1UserHandler(*self._user_keys), timeout=self.timeout)
        answer = self._call("image upload", api.media_upload, filename=str(image))
        media_id = getattr(answer.body, "media_id_string", None) or getattr(
            answer.body, "media_id", None
        )
        if not media_id:
            raise PermanentError(f"{self.account}: X accepted the image but gave no media id")
        return str(media_id)

    def find_published(self, marker: str, since: datetime) -> str | None:
        """The id of the city's tweet carrying ``marker``, posted since ``since``, or None.

        X cannot carry an invisible marker, so this matches on text: the city's own tweets
        since ``since`` (minus a minute of clock skew) are compared to ``marker`` after
        normalisation (links dropped since X rewrites them to t.co, case and spaces folded);
        a tweet whose text contains the marker matches. The outbox passes the post's text
        (``find_published_matches = "text"``). The oldest match wins. Walks at most
        three pages (300 tweets).
        """
        self.meter.stream = "find_published"
        needle = normalise_text(marker)
        if not needle:
            return None
        start = since - timedelta(minutes=1)
        match = None
        for answer in self._timeline("the city's tweets", start, ["created_at"], ["retweets"], 3):
            body = answer.body if isinstance(answer.body, dict) else {}
            for tweet in body.get("data") or []:
                if not isinstance(tweet, dict) or not str(tweet.get("id", "")).isdigit():
                    continue
                if needle in normalise_text(str(tweet.get("text", ""))):
                    if match is None or int(tweet["id"]) < int(match):
                        match = str(tweet["id"])
        return match

    # ------------------------------------------------------------------ doctor

    def check(self) -> list[tuple[bool, str]]:
        """What works and what is missing, in plain words (for ``beffroi doctor``)."""
        results: list[tuple[bool, str]] = []
        key = self.account
        if not self._bearer and not self._has_user:
            return [
                (
                    False,
                    f"{key}: no X credentials: set {self._env_hint()} (bearer token, to read) "
                    f"and {self._user_hint()} (user-context keys, to reply, publish and read DMs)",
                )
            ]
        if self._bearer:
            try:
                answer = self._call(
                    "the account lookup", self.client.get_user, username=self.handle
                )
                data = answer.body.get("data") if isinstance(answer.body, dict) else None
                if not isinstance(data, dict) or not data.get("id"):
                    results.append((False, f"{key}: X does not know the user @{self.handle}"))
                else:
                    uid = str(data["id"])
                    results.append(
                        (True, f"{key}: bearer token works; @{self.handle} is user {uid}")
                    )
                    if not self.city_id:
                        results.append(
                            (False, f'{key}: external_id is not set; put external_id = "{uid}"')
                        )
                    elif self.city_id != uid:
                        results.append(
                            (
                                False,
                                f"{key}: external_id {self.city_id} is not @{self.handle}'s id "
                                f"({uid}); fix the configuration",
                            )
                        )
            except CollectorError as exc:
                results.append((False, str(exc)))
        else:
            results.append(
                (
                    True,
                    f"{key}: no bearer token ({self._env_hint()} unset); reading uses the user keys",
                )
            )
        if not self._has_user:
            results.append(
                (
                    False,
                    f"{key}: user-context keys absent ({self._missing_user_hint()}): replying, "
                    "publishing and DMs will not work",
                )
            )
            return results
        try:
            answer = self._call("the signed-in user", self.client.get_me, user_auth=True)
        except CollectorError as exc:
            results.append((False, str(exc)))
            return results
        data = answer.body.get("data") if isinstance(answer.body, dict) else {}
        username = (data or {}).get("username", "?")
        results.append((True, f"{key}: user-context keys work (signed in as @{username})"))
        level = answer.access_level or ""
        if "directmessages" in level:
            results.append((True, f"{key}: DM permission granted ({level})"))
        elif level:
            results.append(
                (
                    False,
                    f"{key}: DM permission missing (access level '{level}'): in the X developer "
                    "portal set 'Read and write and Direct message', then regenerate the "
                    f"access token and secret ({self._user_hint()})",
                )
            )
        return results
