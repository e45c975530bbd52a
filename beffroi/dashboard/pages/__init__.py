"""The dashboard's pages, and which roles see each.

To add a page, create ``pages/<name>.py`` exposing:

- ``TITLE``: its French title, shown in the navigation;
- ``ICON``: an emoji or a Material icon (``":material/inbox:"``);
- ``ROLES``: the set of staff roles that see it (``beffroi.store.ROLES``);
- ``ORDER``: its place in the navigation (smaller first; leave gaps of 10);
- ``render(ctx)``: draws the page from a ``beffroi.dashboard.context.PageContext``;

then import it here and add it to ``PAGES`` (one line each, so parallel branches merge).
The module name is the page's URL (``/inbox``). Pages read through ``ctx.cached`` with
helpers of ``beffroi.store``/``beffroi.analytics``, write only through functions of
``beffroi.store``/``beffroi.inbox``/``beffroi.scheduler`` given ``ctx.db``, and show
citizen text with ``st.text`` or ``st.dataframe``, never Markdown or HTML.
"""

from __future__ import annotations

from types import ModuleType

from beffroi.dashboard.pages import (
    admin,
    calendar,
    community,
    health,
    inbox,
    moderation,
    reports,
)

PAGES: list[ModuleType] = [
    inbox,
    calendar,
    community,
    reports,
    health,
    moderation,
    admin,
]


def page_name(page: ModuleType) -> str:
    """The page's URL path: its module name."""
    return page.__name__.rsplit(".", 1)[-1]


def pages_for(role: str) -> list[ModuleType]:
    """The pages a role sees, in navigation order."""
    return sorted((p for p in PAGES if role in p.ROLES), key=lambda p: (p.ORDER, p.TITLE))
