"""Building queue scenarios on a real SQLite file through ``ingest_page``, as collection does."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from beffroi.collectors import Author, Item, Page
from beffroi.config.settings import Alerts
from beffroi.inbox import ingest_hooks, ingest_page
from beffroi.store import upsert_staff
from tests.conftest import mailing

# Monday 30 November 2026, 9:00 in Paris.
MONDAY_9 = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)


def citizen(n: int = 1) -> Author:
    return Author("x", f"u{n}", f"@citoyen{n}", f"Camille{n} Durand")


def message(
    ext: str,
    text: str,
    *,
    at: datetime = MONDAY_9,
    kind: str = "mention",
    author: Author | None = None,
    parent: str | None = None,
    thread: str | None = None,
    network: str = "x",
    account: str = "x_ville",
) -> Item:
    return Item(
        network=network,
        account=account,
        external_id=ext,
        kind=kind,
        direction="in",
        text=text,
        created_at=at,
        author=author or citizen(),
        permalink=f"https://x.com/i/web/status/{ext}",
        parent_external_id=parent,
        thread_external_id=thread or ext,
    )


def city_reply(ext: str, parent: str, *, at: datetime, thread: str | None = None, text="Bonjour !"):
    return Item(
        network="x",
        account="x_ville",
        external_id=ext,
        kind="reply",
        direction="out",
        text=text,
        created_at=at,
        author=Author("x", "city", "@marcqenbaroeul", "Ville"),
        parent_external_id=parent,
        thread_external_id=thread or parent,
    )


def fb_comment(ext: str, text: str, **kw) -> Item:
    """A citizen's comment under the city's Facebook post ``post-1``."""
    return message(
        ext,
        text,
        kind="comment",
        network="facebook",
        account="facebook_ville",
        parent="post-1",
        thread="post-1",
        **{"author": Author("facebook", "fb-u1", None, "Camille Durand"), **kw},
    )


def ingest_fb(db, settings, *items, now: datetime = MONDAY_9):
    return ingest_page(
        db,
        "facebook_ville",
        "comments",
        Page(list(items), None),
        hooks=ingest_hooks(settings),
        now=now,
    )


def ingest(db, settings, *items, stream="mentions"):
    return ingest_page(db, "x_ville", stream, Page(list(items), None), hooks=ingest_hooks(settings))


def queue_row(db, ext: str):
    return db.execute(
        "SELECT q.* FROM queue q JOIN items i ON i.id = q.item_id WHERE i.external_id = ?",
        (ext,),
    ).fetchone()


def add_managers(db, *names: str) -> None:
    for name in names:
        upsert_staff(
            db,
            name,
            display_name=name.title(),
            role="community_manager",
            password_hash="argon2-hash-not-used-here",
        )


def with_smtp(settings, smtp_server):
    on_duty = Alerts(on_duty_email="astreinte@marcq.test")
    return mailing(settings, smtp_server, "beffroi@marcq.test", alerts=on_duty)


def later(minutes: int) -> datetime:
    return MONDAY_9 + timedelta(minutes=minutes)


# ---------------------------------------------------------------- the Inbox page in AppTest


def inbox_app(db_path, settings, username, role, now, page_name="inbox"):
    """One dashboard page alone (the Inbox by default), given the shell's PageContext
    (AppTest runs this function's source)."""
    import importlib
    from functools import partial

    from beffroi.dashboard.cache import cached_reader
    from beffroi.dashboard.context import PageContext, read_only
    from beffroi.store import StaffMember, connect, now_utc

    page = importlib.import_module(f"beffroi.dashboard.pages.{page_name}")

    conn = connect(db_path, migrate=False)
    try:
        user = StaffMember(username, username.title(), role, "unused-hash", None, True)
        ctx = PageContext(
            settings=settings,
            user=user,
            read=partial(read_only, db_path),
            cached=cached_reader(str(db_path)),
            db=conn,
            now=(lambda: now) if now is not None else now_utc,
        )
        page.render(ctx)
    finally:
        conn.close()


def app(db, settings, now=None, username="alice", role="community_manager", page="inbox"):
    from streamlit.testing.v1 import AppTest

    path = db.execute("PRAGMA database_list").fetchone()[2]
    at = AppTest.from_function(
        inbox_app, args=(path, settings, username, role, now, page), default_timeout=30
    )
    return at.run()


def button(at, label):
    return next(b for b in at.button if b.label == label)


def texts(at):
    return "\n".join(t.value for t in at.text)
