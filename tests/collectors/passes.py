"""One collection pass as the collector tests read it, whatever the network."""

from __future__ import annotations

import responses


def collect(collector, stream: str, cursor: str | None = None):
    """One pass over a stream: the pages yielded, and the items they carry."""
    pages = list(collector.fetch(stream, cursor))
    return pages, [item for page in pages for item in page.items]


def collect_engagement(collector, cursor: str | None = None):
    """One pass over the ``engagement`` stream: the pages, and the interactions they carry."""
    pages = list(collector.fetch("engagement", cursor))
    return pages, [interaction for page in pages for interaction in page.interactions]


def called(rsps: responses.RequestsMock, base: str) -> list[str]:
    """The paths requested, in order, without the API's ``base`` nor the query."""
    return [call.request.url.split("?")[0].removeprefix(base) for call in rsps.calls]
