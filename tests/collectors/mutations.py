"""Mutations of recorded API bodies, the ways real networks break their own payloads.

A mutation is one change at one place of a recorded JSON body: a key dropped, a value
turned null or into the wrong type, a huge or lone-surrogate string, a value nested 1,000
deep, a number past 64 bits (10**30, or 5,000 digits: more than Python's JSON reader takes),
a date moved to year 1 or 9999, a list truncated, an element of a list duplicated (the same
id twice). ``mutation()`` is the hypothesis strategy; ``body_text()`` writes the mutated
body as the network would send it (the deep and huge-number values exist only as text:
Python could not hold or write them as objects).
"""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st

DEEP = "\x00beffroi-deep\x00"  # becomes a value nested 1,000 deep
HUGE_INT = "\x00beffroi-5000-digits\x00"  # becomes a 5,000-digit integer
DEPTH = 1000
KINDS = (
    "drop",
    "null",
    "wrong_type",
    "huge_string",
    "surrogate",
    "deep",
    "big_int",
    "date",
    "truncate",
    "duplicate",
)
WRONG_TYPES: tuple[Any, ...] = (0, -1, 1.5, True, "", "x", [], {}, [1, "a"], {"a": 1})
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}")

Path = tuple  # keys and list indexes from the body's root


@dataclass(frozen=True)
class Mutation:
    kind: str
    path: Path
    value: Any = None  # the new value, or the slice length for "truncate"

    def __str__(self) -> str:
        shown = repr(self.value)
        return f"{self.kind} at {'/'.join(map(str, self.path)) or '<root>'}: {shown[:60]}"


def places(body: Any, path: Path = ()) -> list[tuple[Path, Any]]:
    """Every place of the body (the root included) with the value found there."""
    found = [(path, body)]
    if isinstance(body, dict):
        for key, value in body.items():
            found += places(value, (*path, key))
    elif isinstance(body, list):
        for index, value in enumerate(body):
            found += places(value, (*path, index))
    return found


def _fits(kind: str, path: Path, value: Any) -> bool:
    if kind == "drop":
        return bool(path) and isinstance(path[-1], str)
    if kind == "date":
        return isinstance(value, str) and bool(_DATE.match(value))
    if kind in ("truncate", "duplicate"):
        return isinstance(value, list) and bool(value)
    if kind == "surrogate":
        return isinstance(value, str) or bool(path)
    return bool(path) or kind in ("wrong_type", "deep", "big_int")


@st.composite
def mutation(draw, body: Any) -> Mutation:
    """One mutation of ``body``: its kind first, then a place it fits."""
    spots = places(body)
    kind = draw(st.sampled_from([k for k in KINDS if any(_fits(k, p, v) for p, v in spots)]))
    path, value = draw(st.sampled_from([(p, v) for p, v in spots if _fits(kind, p, v)]))
    if kind == "drop":
        return Mutation(kind, path)
    if kind == "null":
        return Mutation(kind, path, None)
    if kind == "wrong_type":
        return Mutation(kind, path, draw(st.sampled_from(WRONG_TYPES)))
    if kind == "huge_string":
        return Mutation(kind, path, draw(st.sampled_from(["A", "é", "😀", "\u202e"])) * 200_000)
    if kind == "surrogate":
        lone = draw(st.sampled_from(["\ud83d", "\udc00", "\udfff"]))
        if isinstance(value, str):
            at = draw(st.integers(0, len(value)))
            return Mutation(kind, path, value[:at] + lone + value[at:])
        return Mutation(kind, path, lone)
    if kind == "deep":
        return Mutation(kind, path, DEEP)
    if kind == "big_int":
        return Mutation(kind, path, draw(st.sampled_from([10**30, -(10**30), 2**64, HUGE_INT])))
    if kind == "date":
        year = draw(st.sampled_from(["0001-01-01T00:00:00", "9999-12-31T23:59:59"]))
        return Mutation(kind, path, year + value[19:])
    if kind == "truncate":
        return Mutation(kind, path, draw(st.integers(0, len(value) - 1)))
    return Mutation(kind, path, draw(st.integers(0, len(value) - 1)))  # duplicate


def apply(body: Any, change: Mutation) -> Any:
    """A mutated copy of ``body`` (the recorded one is never changed)."""
    if not change.path and change.kind in ("truncate", "duplicate"):
        return apply({"root": body}, Mutation(change.kind, ("root",), change.value))["root"]
    if not change.path:
        return change.value
    out = copy.deepcopy(body)
    parent = out
    for step in change.path[:-1]:
        parent = parent[step]
    last = change.path[-1]
    if change.kind == "drop":
        del parent[last]
    elif change.kind == "truncate":
        parent[last] = parent[last][: change.value]
    elif change.kind == "duplicate":
        listed = parent[last]
        listed.insert(change.value + 1, copy.deepcopy(listed[change.value]))
    else:
        parent[last] = change.value
    return out


def as_read(value: Any) -> Any:
    """The value as a reader that keeps long integers as their digits (Graph's,
    ``collectors/http.py``) hands it over: a 5,000-digit number becomes its text."""
    if value == HUGE_INT:
        return "9" * 5000
    if isinstance(value, dict):
        return {key: as_read(v) for key, v in value.items()}
    if isinstance(value, list):
        return [as_read(v) for v in value]
    return value


def body_text(body: Any) -> str:
    """The body as the network sends it: JSON, lone surrogates as ``\\udXXX`` escapes, the
    deep and 5,000-digit values written out."""
    text = json.dumps(body, ensure_ascii=True)
    deep = "[" * DEPTH + "1" + "]" * DEPTH
    text = text.replace(json.dumps(DEEP), deep)
    return text.replace(json.dumps(HUGE_INT), "9" * 5000)
