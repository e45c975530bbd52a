"""The X client: tweepy's API v2 ``Client`` with Beffroi's credentials, errors and retries.

Errors: 429 raises ``RateLimited`` with X's reset time (tweepy never sleeps:
``wait_on_rate_limit=False``), and so does a walk whose ``x-rate-limit-remaining`` reached
0 before its next page; 401, and a 403 that says the app lacks a permission, raise
``AuthExpired``; 5xx, timeouts and dropped connections are retried after short delays
(injectable) and then raise ``TransientError``; other 4xx raise ``PermanentError``. Writes
(``reply``, ``publish``) are never retried blindly: a 5xx on a POST may have posted. The
retry loop and the status mapping are the HTTP layer's (``beffroi.collectors.http``),
shared with Meta.

Secrets come from the environment variables named in the account's configuration. They
never reach a message: errors are built from status codes and X's error text, then every
known secret value and bearer/OAuth pattern is masked; tweepy's own debug log (which prints
the Authorization header) goes through the same mask.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import requests
import tweepy

from beffroi.collectors.errors import (
    AuthExpired,
    CollectorError,
    PermanentError,
    RateLimited,
    TransientError,
)
from beffroi.collectors.http import (
    NETWORK_ERRORS,
    TimeoutSession,
    error_for_status,
    install_log_masking,
    rate_window,
    read_json,
    scrub,
    with_retries,
)
from beffroi.collectors.item import utcnow
from beffroi.collectors.x.meter import Meter
from beffroi.collectors.x.payloads import TWEET_FIELDS, USER_FIELDS, Context, next_token

if TYPE_CHECKING:
    from beffroi.config import Account

log = logging.getLogger(__name__)

STREAMS = ("mentions", "replies", "dms", "engagement")
# Collected when the account lists no streams. ``engagement`` must be asked for: it spends
# the rate limits of endpoints that X's lower access levels do not include.
DEFAULT_STREAMS = ("mentions", "replies", "dms")
PAGE_SIZE = 100
DEFAULT_RETRY_DELAYS = (1.0, 4.0)
DEFAULT_TIMEOUT = 30.0
FALLBACK_RATE_WAIT = timedelta(minutes=15)
# What every tweet read asks for: the fields an Item needs, 100 to a page.
TWEET_REQUEST = {
    "max_results": PAGE_SIZE,
    "tweet_fields": TWEET_FIELDS,
    # referenced_tweets.id: the quoted post's author (in includes.tweets), for the reply rule
    "expansions": ["author_id", "referenced_tweets.id"],
    "user_fields": USER_FIELDS,
}
# 403 problem types that mean "a person must fix the app or the token", not "this object".
PERMISSION_PROBLEMS = ("unsupported-authentication", "client-forbidden", "oauth1-permissions")
# The config's secret_envs names of the user-context keys, in tweepy's argument order.
USER_SECRET_NAMES = ("consumer_key", "consumer_secret", "user_access_token", "user_access_secret")


@dataclass(frozen=True)
class Answer:
    """One successful HTTP exchange: the decoded body and what the headers said."""

    body: Any
    calls: int
    remaining: int | None
    reset_at: datetime | None
    access_level: str | None


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


class MeteredSession(TimeoutSession):
    """tweepy's session with a timeout; every answer also goes to the X usage meter
    (issue 15: X bills every read)."""

    def __init__(self, timeout: float, meter: Meter) -> None:
        super().__init__(timeout)
        self.meter = meter

    def request(self, *args: Any, **kwargs: Any) -> requests.Response:
        response = super().request(*args, **kwargs)
        try:
            body: Any = read_json(response.content)
        except ValueError:
            body = None
        path = requests.utils.urlparse(response.request.url or "").path
        signed = str(response.request.headers.get("Authorization", ""))
        self.meter.saw(
            response.request.method or "GET",
            path,
            response.status_code,
            body,
            user_context=signed.startswith("OAuth "),
        )
        return response


class XClient:
    """One X account's connection: its credentials, tweepy's client, the calls it made.

    ``rate_limits`` keeps what X said of each endpoint's window; ``pending_calls`` counts
    requests made outside a page (a user lookup) so the next ``Page`` says what it cost.
    """

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
        self.bearer = bearer_token or None
        self.user_keys = (consumer_key, consumer_secret, access_token, access_token_secret)
        self.has_user = all(self.user_keys)
        self._secrets = {s for s in (bearer_token, *self.user_keys) if s}
        install_log_masking(self._secrets)
        self.retry_delays = tuple(retry_delays)
        self.timeout = timeout
        self.sleep = sleep
        self.now = now
        self.rate_limits: dict[str, tuple[int | None, datetime | None]] = {}
        self.pending_calls = 0
        self.client = tweepy.Client(
            bearer_token=self.bearer,
            consumer_key=consumer_key,
            consumer_secret=consumer_secret,
            access_token=access_token,
            access_token_secret=access_token_secret,
            return_type=requests.Response,
            wait_on_rate_limit=False,
        )
        # X on a metered budget (issue 15): every request counted; publish_only never reads.
        self.meter = Meter(owner=self.city_id)
        self.pricing = None  # set by for_account from [x.pricing]; None: the default rates
        self.publish_only = account.publish_only
        self.budget_usd = account.budget_usd
        self.pause_publishing_at_budget = account.pause_publishing_at_budget
        if self.publish_only:
            self._streams = []
        self.client.session = MeteredSession(timeout, self.meter)

    def scrub(self, text: str) -> str:
        """``text`` with this account's secrets and the known token patterns masked."""
        return scrub(text, self._secrets)

    def env_hint(self, names: Sequence[str] = ()) -> str:
        envs = [self._secret_envs[n] for n in names if n in self._secret_envs]
        if not names and self._token_env:
            envs = [self._token_env]
        return ", ".join(envs) or "the environment variables named in the configuration"

    def user_hint(self) -> str:
        return self.env_hint(USER_SECRET_NAMES)

    def read_auth(self, what: str) -> bool:
        """``user_auth`` for a read: the bearer token when there is one, else the user keys."""
        if self.bearer:
            return False
        if self.has_user:
            return True
        raise AuthExpired(
            f"{self.account}: no X credentials to read {what}: set {self.env_hint()} "
            f"(bearer token) or {self.user_hint()} (user-context keys)"
        )

    def owned_read_auth(self, what: str) -> bool:
        """``user_auth`` for reading the city's own mentions or timeline: the user keys when
        there are some (X bills them as "Owned Reads", a fifth of a bearer read), else the
        bearer token."""
        return True if self.has_user else self.read_auth(what)

    def missing_user_hint(self) -> str:
        """The user-key variables that are unset (all of them when none is set)."""
        given = zip(USER_SECRET_NAMES, self.user_keys, strict=True)
        missing = [name for name, value in given if not value]
        return self.env_hint(missing)

    def need_user(self, what: str) -> None:
        if not self.has_user:
            raise AuthExpired(
                f"{self.account}: {what} on X needs the user-context keys; set "
                f"{self.missing_user_hint()} (from the X developer portal, app with "
                "'Read and write and Direct message' permission)"
            )

    def call(self, what: str, method: Callable[..., Any], *, retry: bool = True, **kwargs: Any):
        """One API call, with the error mapping and bounded retries described above."""
        attempts = 0

        def attempt() -> Answer:
            nonlocal attempts
            attempts += 1
            return self._attempt(what, method, attempts, kwargs)

        def give_up(error: TransientError, count: int) -> TransientError:
            if not retry:
                return TransientError(
                    self.scrub(
                        f"{self.account}: {what} failed ({error}); it was not retried "
                        "because it may have gone through"
                    )
                )
            return TransientError(
                self.scrub(f"{self.account}: {what} failed after {count} attempts ({error})")
            )

        return with_retries(
            attempt,
            delays=self.retry_delays,
            sleep=self.sleep,
            retry=retry,
            give_up=give_up,
            what=f"{self.account}: {what}",
        )

    def _attempt(
        self, what: str, method: Callable[..., Any], attempts: int, kwargs: dict[str, Any]
    ) -> Answer:
        """One request; tweepy's exceptions as typed errors (a ``TransientError`` says only
        what failed: ``_call`` words the message once retries are over)."""
        try:
            response = method(**kwargs)
        except tweepy.TooManyRequests as exc:
            reset = rate_window(exc.response.headers).reset_at or self.now() + FALLBACK_RATE_WAIT
            raise error_for_status(
                429,
                self.scrub(
                    f"{self.account}: X rate limit reached for {what}; "
                    f"try again after {reset:%Y-%m-%d %H:%M:%S} UTC"
                ),
                reset_at=reset,
            ) from None
        except tweepy.Unauthorized as exc:
            hint = self.user_hint() if kwargs.get("user_auth") else self.env_hint()
            raise error_for_status(
                401,
                self.scrub(
                    f"{self.account}: X refused the credentials for {what} ({_problem(exc)}): "
                    "the token is expired or revoked; generate a new one in the X developer "
                    f"portal and put it in {hint}"
                ),
            ) from None
        except tweepy.Forbidden as exc:
            problem = self.scrub(_problem(exc))
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
            raise TransientError(f"X server error {_problem(exc)}") from None
        except tweepy.HTTPException as exc:
            raise PermanentError(
                self.scrub(f"{self.account}: X rejected {what} ({_problem(exc)})")
            ) from None
        except NETWORK_ERRORS as exc:
            raise TransientError(f"network error {type(exc).__name__}") from None
        except tweepy.TweepyException:
            # tweepy's v1.1 API wraps network faults as "Failed to send request".
            raise TransientError("network error (request not sent)") from None
        except RecursionError:
            # tweepy reads an error body itself; one nested too deep cannot be read.
            raise PermanentError(
                f"{self.account}: X refused {what} with an answer nested too deep to read"
            ) from None
        if not isinstance(response, requests.Response):  # a v1.1 model object
            return Answer(response, attempts, None, None, None)
        try:
            body: Any = read_json(response.content)
        except ValueError:
            body = response.text  # kept whole: the page becomes a rejected payload
        window = rate_window(response.headers)
        self.rate_limits[what] = (window.remaining, window.reset_at)
        return Answer(
            body,
            attempts,
            window.remaining,
            window.reset_at,
            response.headers.get("x-access-level"),
        )

    def stop_if_used_up(self, answer: Answer, what: str) -> None:
        """Before a walk's next page: stop when X said no request is left until its reset."""
        if answer.remaining == 0:
            reset = answer.reset_at or self.now() + FALLBACK_RATE_WAIT
            raise RateLimited(
                f"{self.account}: X rate limit used up while reading {what}; the rest "
                f"will be read after {reset:%Y-%m-%d %H:%M:%S} UTC",
                reset,
            )

    def user_id(self) -> str:
        """The city's numeric user id: configured, or looked up once from the handle."""
        if self.city_id is None:
            answer = self.call(
                "user lookup",
                self.client.get_user,
                username=self.handle,
                user_auth=self.read_auth("the account"),
            )
            self.pending_calls += answer.calls
            data = answer.body.get("data") if isinstance(answer.body, dict) else None
            if not isinstance(data, dict) or not data.get("id"):
                raise PermanentError(f"{self.account}: X does not know the user @{self.handle}")
            self.city_id = str(data["id"])
        self.meter.owner = self.city_id
        return self.city_id

    def context(self) -> Context:
        return Context(self.account, self.user_id())

    def timeline(
        self, what: str, start: datetime, tweet_fields: list[str], exclude: list[str], pages: int
    ) -> Iterator[Answer]:
        """The city's own tweets since ``start``, newest first, one answer a page of 100."""
        city_id = self.user_id()
        user_auth = self.owned_read_auth(what)
        token = None
        for _ in range(pages):
            answer = self.call(
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
            token = next_token(answer.body)
            if not token:
                return
