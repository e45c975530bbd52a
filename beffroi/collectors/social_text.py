"""Text as Bluesky and Mastodon carry it, turned into the plain text a person wrote.

Mastodon's ``content`` is HTML (``<p>``, ``<br>``, ``<span class="h-card">`` mentions,
links whose visible part is cut with ``invisible``/``ellipsis`` spans); Bluesky's ``text`` is
plain but its facets point at byte ranges (a link whose text was shortened by the app).
Both become plain text here, and nothing here ever produces HTML: what is stored is shown
as text by the dashboard.

Post lengths: Bluesky counts graphemes (300), Mastodon characters (500, or what its
instance says). Without a grapheme library, ``grapheme_count`` folds the sequences a
person sees as one sign (combining marks, emoji joined by ZWJ, variation selectors, skin
tones, flags made of two regional indicators): enough to refuse a post before the network
does, never more strict than the network.
"""

from __future__ import annotations

import re
import unicodedata
from html.parser import HTMLParser
from typing import Any

_BLOCKS = {"p", "div", "blockquote", "li", "pre"}


class _TextParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.parts.append("\n")
        elif tag in _BLOCKS and self.parts and not "".join(self.parts).endswith("\n\n"):
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCKS:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def html_to_text(content: str | None) -> str:
    """The text of a Mastodon status: paragraphs as blank lines, ``<br>`` as line breaks,
    mentions as ``@name``, links as their full address (the ``invisible`` spans are kept,
    since they hold the address's hidden parts). Tags are dropped, never interpreted."""
    if not content:
        return ""
    parser = _TextParser()
    parser.feed(content)
    parser.close()
    text = "".join(parser.parts)
    text = re.sub(r"[ \t]+\n", "\n", text)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip()


_JOINERS = {"\u200d"}
_EXTENDERS = {"\ufe0e", "\ufe0f"}


def _is_extender(ch: str) -> bool:
    code = ord(ch)
    return (
        unicodedata.combining(ch) != 0
        or unicodedata.category(ch) in ("Mn", "Me", "Mc")
        or ch in _EXTENDERS
        or 0x1F3FB <= code <= 0x1F3FF  # skin tones
        or 0xE0020 <= code <= 0xE007F  # tag characters (flags of regions)
    )


def _regional(ch: str) -> bool:
    return 0x1F1E6 <= ord(ch) <= 0x1F1FF


def grapheme_count(text: str) -> int:
    """How many signs a person sees in ``text`` (see the module docstring)."""
    count = 0
    previous = ""
    pending_regional = False
    join_next = False
    for ch in text:
        if join_next:
            join_next = ch in _JOINERS
            previous = ch
            continue
        if ch in _JOINERS:
            join_next = True
            previous = ch
            continue
        if _is_extender(ch) and previous:
            previous = ch
            continue
        if _regional(ch):
            if pending_regional:
                pending_regional = False
                previous = ch
                continue
            pending_regional = True
        else:
            pending_regional = False
        count += 1
        previous = ch
    return count


def facets_to_text(text: str, facets: Any) -> str:
    """A Bluesky post's text with each link facet's shortened text replaced by the full
    address it points at (the app shows ``ville.fr/agenda/...`` for a long link). Mentions
    and tags are already in the text as written. Byte offsets are UTF-8, as the lexicon says;
    a facet that does not fall on the text's characters is ignored."""
    if not text or not isinstance(facets, list):
        return text or ""
    data = text.encode("utf-8")
    spans = []
    for facet in facets:
        if not isinstance(facet, dict):
            continue
        index = facet.get("index") or {}
        start, end = index.get("byteStart"), index.get("byteEnd")
        if not isinstance(start, int) or not isinstance(end, int) or not 0 <= start < end:
            continue
        for feature in facet.get("features") or []:
            if isinstance(feature, dict) and feature.get("$type") == "app.bsky.richtext.facet#link":
                uri = str(feature.get("uri") or "")
                if uri:
                    spans.append((start, end, uri))
    out, position = [], 0
    for start, end, uri in sorted(spans):
        if start < position or end > len(data):
            continue
        try:
            shown = data[start:end].decode("utf-8")
            out.append(data[position:start].decode("utf-8"))
        except UnicodeDecodeError:
            continue
        bare = re.sub(r"^https?://", "", uri)
        out.append(uri if shown != uri and bare.startswith(shown.rstrip(".…")) else shown)
        position = end
    out.append(data[position:].decode("utf-8", errors="replace"))
    return "".join(out)


_TAG = re.compile(r"(?<![\w#])#(\w[\w-]*)")
_LINK = re.compile(r"https?://[^\s<>\"]+[^\s<>\".,;:!?)]")


def facets_for(text: str) -> list[dict[str, Any]]:
    """The facets of a post the city writes: its hashtags and links, at UTF-8 byte offsets,
    so that Bluesky shows them as tags and links (``app.bsky.richtext.facet``)."""
    facets = []

    def span(match: re.Match[str]) -> dict[str, int]:
        start = len(text[: match.start()].encode("utf-8"))
        return {"byteStart": start, "byteEnd": start + len(match.group(0).encode("utf-8"))}

    for match in _LINK.finditer(text):
        facets.append(
            {
                "index": span(match),
                "features": [{"$type": "app.bsky.richtext.facet#link", "uri": match.group(0)}],
            }
        )
    for match in _TAG.finditer(text):
        facets.append(
            {
                "index": span(match),
                "features": [{"$type": "app.bsky.richtext.facet#tag", "tag": match.group(1)}],
            }
        )
    return sorted(facets, key=lambda f: f["index"]["byteStart"])


URL_LENGTH = 23  # Mastodon counts every link as 23 characters


def mastodon_length(text: str) -> int:
    """Characters as Mastodon counts them: a link is 23, ``@user@domain`` counts ``@user``."""
    text = re.sub(r"https?://\S+", "x" * URL_LENGTH, text)
    text = re.sub(r"(@\w+)@[\w.-]+\w", r"\1", text)
    return len(text)
