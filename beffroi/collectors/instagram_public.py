"""Public Instagram posts that use the city's hashtags (read-only).

Two sources. The DEFAULT is Meta's official Hashtag Search (``instagram_hashtags``), used
whenever the account has a Graph token (``token_env``): it needs Meta's "Instagram Public
Content Access" feature, allows 30 different hashtags per 7 days and gives no usernames.
WITHOUT a token, instaloader (below) is the FALLBACK: since 2026 Instagram's ``web_info``
answers 403 ``login_required`` even to a logged-in session, or 401 "Please wait a few
minutes"; those are ``AuthExpired`` and ``RateLimited`` with a French sentence, not a
transient fault retried forever.

The Graph API only shows the city what happens on its own account; citizens' public posts
with ``#marcqenbaroeul`` are read here, as ``ugc`` items (never queued: nobody expects an
answer to a public post, but they count in the engagement ranking).

instaloader provides the HTTP session (login cookies, headers, its own pacing and error
classes). One stream per hashtag (``#tag``), each with its own cursor; a pass is ONE
request (``i.instagram.com/api/v1/tags/web_info/``, as ``instaloader.Hashtag`` makes it),
whose ``recent`` sections list the newest posts; further pages
(``www.instagram.com/explore/tags/{tag}/?max_id=``, as instaloader's ``SectionIterator``
asks) are read only while every post is new. We parse the mobile API's media structure
ourselves (the fields ``Post.from_iphone_struct`` reads) rather than through ``Post``,
whose properties may fetch more data behind our back.

Login is optional in the configuration but Instagram often refuses hashtag pages to
anonymous visitors: ``check()`` and the stream then say so, and how to create a session
(``instaloader --login USER``, then point the configured variables at it). Authors are keyed
by their lowercased username, as in the Graph API collector, so a citizen who comments on
the city's posts and tags its hashtag is one member.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from beffroi.collectors.errors import (
    AuthExpired,
    CollectorError,
    PermanentError,
    RateLimited,
    TransientError,
)
from beffroi.collectors.graph import HighWater, split_new
from beffroi.collectors.instagram_hashtags import MetaHashtagSearch
from beffroi.collectors.item import Author, Item, OutgoingPost, Page, Rejected, utcnow
from beffroi.collectors.values import as_int, rejecting

if TYPE_CHECKING:
    from beffroi.config import Account, Settings

NETWORK = "instagram"  # the items are Instagram posts; the collector is the public view
MAX_PAGES = 5


@rejecting("public media")
def parse_public_media(
    media: Any, *, account: str, handle: str | None, hashtag: str
) -> Item | Rejected:
    """One post of the mobile API's ``sections[].layout_content.medias[].media``."""
    if not isinstance(media, dict):
        return Rejected(media, "a media must be a JSON object")
    if not media.get("pk") or not media.get("code"):
        return Rejected(media, "media has no pk or code")
    try:
        created = datetime.fromtimestamp(int(media["taken_at"]), UTC)
    except (KeyError, TypeError, ValueError, OverflowError):
        return Rejected(media, "media has no readable taken_at")
    user = media.get("user") if isinstance(media.get("user"), dict) else {}
    author = (
        Author(NETWORK, str(user["username"]).lower(), user["username"], user.get("full_name"))
        if user.get("username")
        else None
    )
    own = bool(author and handle and author.external_id == handle.lower())
    caption = media.get("caption") if isinstance(media.get("caption"), dict) else {}
    return Item(
        network=NETWORK,
        account=account,
        external_id=str(media["pk"]),
        kind="post" if own else "ugc",
        direction="out" if own else "in",
        text=caption.get("text") or "",
        created_at=created,
        author=author,
        permalink=f"https://www.instagram.com/p/{media['code']}/",
        like_count=as_int(media.get("like_count")),
        reply_count=as_int(media.get("comment_count")),
        raw={"hashtag": hashtag, "media": media},
    )


def sections_medias(data: Any) -> list[Any]:
    medias = []
    for section in (data or {}).get("sections", []):
        content = section.get("layout_content", {}) if isinstance(section, dict) else {}
        medias += [m.get("media") for m in content.get("medias", []) if isinstance(m, dict)]
    return medias


class InstagramPublicCollector:
    """Read-only: ``reply`` and ``publish`` refuse, saying why."""

    network = "instagram_public"

    def __init__(
        self,
        account: str,
        *,
        hashtags: list[str],
        handle: str | None = None,
        username: str | None = None,
        session_file: str | None = None,
        secret_envs: dict[str, str] | None = None,
        loader_factory: Callable[[], Any] | None = None,
        polite: bool = True,
        now: Callable[[], datetime] = utcnow,
        meta: MetaHashtagSearch | None = None,
    ) -> None:
        self.meta = meta  # Meta's Hashtag Search: the default when there is a token
        self.account = account
        self.hashtags = [h.lstrip("#").lower() for h in hashtags]
        self.handle = handle
        self.username = username
        self.session_file = session_file
        self.secret_envs = secret_envs or {}
        self.polite = polite
        self.now = now
        self._loader_factory = loader_factory
        self._loader = None

    @classmethod
    def for_account(cls, settings: Settings, account: Account) -> InstagramPublicCollector:
        token = account.token() if account.token_env else None
        meta = None
        if token:
            meta = MetaHashtagSearch(
                account.key,
                account_id=account.external_id,
                token=token,
                token_env=account.token_env,
                handle=account.handle,
            )
        return cls(
            account.key,
            hashtags=account.hashtags,
            handle=account.handle,
            username=account.secret("username"),
            session_file=account.secret("session_file"),
            secret_envs=dict(account.secret_envs),
            meta=meta,
        )

    def streams(self) -> list[str]:
        return [f"#{tag}" for tag in self.hashtags]

    # -------------------------------------------------------------- the session
    @property
    def logged_in(self) -> bool:
        return bool(self.username and self.session_file)

    def _how_to_login(self) -> str:
        user = self.secret_envs.get("username", "the username variable")
        session = self.secret_envs.get("session_file", "the session_file variable")
        return (
            f"create a session with `instaloader --login YOUR_ACCOUNT`, then set {user} to "
            f"that account and {session} to the session file's path"
        )

    def loader(self):
        if self._loader is None:
            if self._loader_factory is not None:
                self._loader = self._loader_factory()
            else:
                import instaloader

                self._loader = instaloader.Instaloader(
                    quiet=True,
                    sleep=self.polite,
                    max_connection_attempts=1,
                    request_timeout=30,
                    download_pictures=False,
                    download_videos=False,
                    save_metadata=False,
                )
            if self.logged_in:
                if not os.path.isfile(str(self.session_file)):
                    raise AuthExpired(
                        f"{self.account}: the instaloader session file {self.session_file} "
                        f"does not exist; {self._how_to_login()}"
                    )
                self._loader.load_session_from_file(self.username, self.session_file)
        return self._loader

    def _call(self, what: str, request: Callable[[], Any]) -> Any:
        import instaloader.exceptions as ie

        try:
            return request()
        except CollectorError:
            raise
        except ie.LoginRequiredException as exc:
            raise AuthExpired(
                f"{self.account}: Instagram will not show {what} without a login ({exc}); "
                f"{self._how_to_login()}"
            ) from None
        except ie.AbortDownloadException as exc:
            raise AuthExpired(
                f"{self.account}: Instagram stopped the session ({exc}); log in again in a "
                f"browser, then {self._how_to_login()}"
            ) from None
        except ie.QueryReturnedNotFoundException:
            raise PermanentError(f"{self.account}: Instagram does not know {what}") from None
        except ie.ConnectionException as exc:
            refusal = _refusal_of(self.account, what, str(exc), self.now())
            if refusal is not None:
                raise refusal from None
            if isinstance(exc, ie.TooManyRequestsException) or isinstance(
                exc.__cause__, ie.TooManyRequestsException
            ):
                raise RateLimited(
                    f"{self.account}: Instagram asks to slow down (HTTP 429) on {what}",
                    self.now() + timedelta(minutes=30),
                ) from None
            raise TransientError(
                f"{self.account}: Instagram unreachable for {what} ({exc})"
            ) from None
        except ie.InstaloaderException as exc:
            raise PermanentError(f"{self.account}: {what}: {exc}") from None

    # -------------------------------------------------------------- reading
    def _web_info(self, tag: str, *, pause: bool = True) -> dict[str, Any]:
        """The hashtag's page, as ``instaloader.Hashtag.from_name`` asks for it.

        ``pause=False`` skips instaloader's random pause (meant for long runs) for a
        single request such as ``check()``.
        """
        context = self.loader().context
        polite = context.sleep
        context.sleep = polite and pause
        try:
            return self._call(
                f"#{tag}",
                lambda: context.get_iphone_json(
                    "api/v1/tags/web_info/", {"__a": 1, "__d": "dis", "tag_name": tag}
                ),
            )
        finally:
            context.sleep = polite

    def fetch(self, stream: str, cursor: str | None) -> Iterator[Page]:
        tag = stream.lstrip("#").lower()
        if tag not in self.hashtags:
            raise PermanentError(f"{self.account}: {stream!r} is not a configured hashtag")
        if self.meta is not None:
            yield from self.meta.hashtag_pages(tag, cursor)
            return
        hw = HighWater.load(cursor)
        what = f"#{tag}"
        recent = _recent(self._web_info(tag))
        context = self.loader().context
        stamps: list[tuple[datetime, str]] = []
        for page_number in range(MAX_PAGES):
            items, rejected, all_new = split_new(
                (
                    parse_public_media(media, account=self.account, handle=self.handle, hashtag=tag)
                    for media in sections_medias(recent)
                ),
                hw,
            )
            stamps += [(i.created_at, i.external_id) for i in items]
            more = recent.get("more_available") and recent.get("next_max_id")
            if not (more and all_new and items) or page_number == MAX_PAGES - 1:
                yield Page(items, hw.advanced(stamps).dump(), rejected)
                return
            yield Page(items, None, rejected)
            max_id = recent["next_max_id"]
            page = self._call(
                what,
                lambda max_id=max_id: context.get_json(
                    f"explore/tags/{tag}/", {"__a": 1, "__d": "dis", "max_id": max_id}
                ),
            )
            recent = (page.get("data") or {}).get("recent") or {}

    # -------------------------------------------------------------- read-only
    def reply(self, to: Item, text: str) -> Item:
        raise PermanentError(
            f"{self.account}: public Instagram posts are read-only in Beffroi (instaloader "
            "cannot reply); answer from the city's Instagram account"
        )

    def publish(self, post: OutgoingPost) -> str:
        raise PermanentError(
            f"{self.account}: this account only reads public hashtags (instaloader cannot "
            "post); publish through the 'instagram' account"
        )

    def find_published(self, marker: str, since: datetime) -> str | None:
        return None

    # -------------------------------------------------------------- doctor
    def check(self) -> list[tuple[bool, str]]:
        """One request: the first hashtag's page, with or without the login."""
        if not self.hashtags:
            return [(False, f"{self.account}: no hashtags configured: nothing to read")]
        if self.meta is not None:
            return self.meta.check_hashtag(self.hashtags[0])
        lines: list[tuple[bool, str]] = [
            (
                True,
                f"{self.account} : pas de jeton Meta (token_env) : la recherche de hashtags "
                "officielle de Meta n'est pas utilisée ; lecture de secours par instaloader",
            )
        ]
        if not self.logged_in:
            lines.append(
                (
                    True,
                    f"{self.account}: no Instagram login configured (optional); "
                    "reading anonymously",
                )
            )
        tag = self.hashtags[0]
        try:
            data = self._web_info(tag, pause=False)
        except CollectorError as exc:
            reason = str(exc).removeprefix(f"{self.account}: ")
            return [
                *lines,
                (False, f"{self.account}: public hashtag posts are unavailable: {reason}"),
            ]
        count = len(sections_medias(_recent(data)))
        who = f"logged in as {self.username}" if self.logged_in else "anonymously"
        lines.append((True, f"{self.account}: #{tag} readable {who} ({count} recent posts)"))
        return lines


# How long to wait after Instagram's 401 "Please wait a few minutes".
PLEASE_WAIT = timedelta(minutes=30)


def _refusal_of(account: str, what: str, text: str, now: datetime) -> CollectorError | None:
    """Instagram's 2026 refusals of ``web_info``, as instaloader words them: 403
    ``login_required`` (even with a session) and 401 "Please wait a few minutes"."""
    if "login_required" in text or " 403 " in f" {text} ":
        return AuthExpired(
            f"{account} : Instagram exige une connexion pour lire {what} (403 login_required), "
            "même avec une session instaloader : la lecture de secours ne fonctionne plus. "
            "Utilisez la recherche de hashtags officielle de Meta : donnez à ce compte un jeton "
            "(token_env) de l'app Meta qui a la fonctionnalité « Instagram Public Content "
            "Access » et external_id, l'identifiant du compte Instagram professionnel de la ville."
        )
    if "Please wait" in text or " 401 " in f" {text} ":
        return RateLimited(
            f"{account} : Instagram demande d'attendre quelques minutes avant de lire {what} "
            "(401 « Please wait a few minutes ») ; nouvel essai dans 30 minutes.",
            now + PLEASE_WAIT,
        )
    return None


def _recent(data: Any) -> dict[str, Any]:
    """``web_info`` answers ``{"data": {"recent": {...}}}`` (older: ``graphql.hashtag``)."""
    body = (data or {}).get("data") or (data or {}).get("graphql", {}).get("hashtag") or {}
    recent = body.get("recent") if isinstance(body, dict) else None
    return recent if isinstance(recent, dict) else {}
