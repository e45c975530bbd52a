"""The documentation is checked against the code (as sqlite-utils' tests/test_docs.py).

- every command and option of ``beffroi``'s argparse tree is in the README's Commands table;
- every key of the settings model is in ``beffroi.example.toml``, with a comment;
- every dashboard page is in the README's table of who sees what, with exactly its roles;
- the import graph drawn in ``docs/architecture.md`` is the real one between the rooms,
  and it has no circle.

Each checker takes the document's text and returns what is missing, so a test can show that
it fails on a document with a line removed. ``python -m tests.test_docs`` prints the import
graph's Mermaid block, to paste into docs/architecture.md when the rooms change.
"""

from __future__ import annotations

import argparse
import ast
import re
import tomllib
import typing
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

import pytest
from pydantic import BaseModel

from beffroi.cli.main import build_parser
from beffroi.config import Settings, example_config_path
from beffroi.dashboard.pages import PAGES, page_name
from beffroi.store import ROLES

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
ARCHITECTURE = ROOT / "docs" / "architecture.md"


def section(markdown: str, title: str) -> str:
    """The text under a ``#``-heading up to the next heading of the same or a higher level."""
    match = re.search(rf"^(#+) {re.escape(title)}\s*$", markdown, re.M)
    assert match, f"no heading '{title}'"
    level = len(match.group(1))
    rest = markdown[match.end() :]
    end = re.search(rf"^#{{1,{level}}} ", rest, re.M)
    return rest[: end.start()] if end else rest


def table_rows(text: str) -> list[list[str]]:
    """The cells of every Markdown table row in ``text`` (escaped pipes kept as ``|``)."""
    rows = []
    for line in text.splitlines():
        if line.startswith("|") and not re.match(r"^\|[\s|:-]+\|$", line):
            cells = re.split(r"(?<!\\)\|", line.strip())[1:-1]
            rows.append([c.strip().replace("\\|", "|") for c in cells])
    return rows


# ---------------------------------------------------------------- commands


def _subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def command_tree(parser=None, path=()) -> dict[tuple[str, ...], list[str]]:
    """Each runnable command path, e.g. ``("privacy", "erase")``, with what must be written
    for it: its long options and the choices of its positional arguments."""
    parser = parser or build_parser()
    tree = {}
    for name, sub in _subcommands(parser).items():
        children = command_tree(sub, (*path, name))
        if children:
            tree.update(children)
            continue
        words = []
        for action in sub._actions:
            if isinstance(action, argparse._HelpAction):
                continue
            if action.option_strings:
                longs = [o for o in action.option_strings if o.startswith("--")]
                words.append((longs or action.option_strings)[0])
            elif action.choices:
                words += list(action.choices)
        tree[(*path, name)] = words
    return tree


def global_options(parser=None) -> list[str]:
    parser = parser or build_parser()
    return [
        next(o for o in a.option_strings if o.startswith("--"))
        for a in parser._actions
        if a.option_strings and not isinstance(a, argparse._HelpAction)
    ]


def undocumented_commands(readme: str) -> list[str]:
    """Commands and options of the argparse tree missing from the README's Commands table."""
    commands = section(readme, "Commands")
    cells = [row[0].strip("`") for row in table_rows(commands) if row[0].startswith("`beffroi")]
    missing = []
    for path, words in command_tree().items():
        prefix = "beffroi " + " ".join(path)
        rows = [c for c in cells if c == prefix or c.startswith(prefix + " ")]
        if not rows:
            missing.append(prefix)
            continue
        written = re.findall(r"[\w-]+", " ".join(rows))
        missing += [f"{prefix} {w}" for w in words if w not in written]
    written = re.findall(r"--[\w-]+", commands)
    missing += [f"beffroi {o}" for o in global_options() if o not in written]
    return missing


def test_every_command_and_option_is_in_the_readme():
    assert undocumented_commands(README.read_text(encoding="utf-8")) == []


def test_the_command_check_fails_when_a_command_is_removed_from_the_readme():
    readme = README.read_text(encoding="utf-8")
    lines = readme.splitlines(keepends=True)
    [doctor] = [line for line in lines if line.startswith("| `beffroi doctor")]
    assert undocumented_commands(readme.replace(doctor, "")) == ["beffroi doctor"]
    [report] = [line for line in lines if line.startswith("| `beffroi report")]
    assert undocumented_commands(readme.replace(report, report.replace("--date", "--day"))) == [
        "beffroi report --date"
    ]


# ---------------------------------------------------------------- settings


def _model_of(annotation) -> type[BaseModel] | None:
    """The settings section model behind a field's type (``Account`` for ``list[Account]``)."""
    for candidate in (annotation, *typing.get_args(annotation)):
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            return candidate
    return None


def setting_keys(model: type[BaseModel] = Settings, prefix: str = "") -> list[str]:
    """Every key of the settings model, dotted: ``city.name``, ``rendezvous.recurrence.cron``."""
    keys = []
    for name, field in model.model_fields.items():
        if model is Settings and name == "source":
            continue  # set by the loader: where the file was read from
        nested = _model_of(field.annotation)
        if nested is not None:
            keys += setting_keys(nested, f"{prefix}{name}.")
            if prefix:
                keys.append(prefix + name)
        else:
            keys.append(prefix + name)
    return keys


def _without_strings(line: str) -> str:
    return re.sub(r'"(?:[^"\\]|\\.)*"', '""', line)


def toml_sections(text: str) -> dict[str, str]:
    """Each top-level table's text (repeated ``[[tables]]`` joined); the comment block right
    above a header belongs to that header's section."""
    sections: dict[str, list[str]] = {}
    current, pending = "", []
    for line in text.splitlines():
        header = re.match(r"^\[\[?([\w.]+)\]\]?", line)
        if header:
            current = header.group(1).split(".")[0]
            sections.setdefault(current, []).extend(pending)
            pending = []
        if line.lstrip().startswith("#"):
            pending.append(line)
            continue
        sections.setdefault(current, []).extend(pending)
        pending = []
        sections[current].append(line)
    return {name: "\n".join(lines) for name, lines in sections.items()}


def undocumented_settings(example: str) -> list[str]:
    """Keys of the settings model that the example does not set (or show commented out) in
    their section, or that no comment of that section explains: a comment on the key's own
    line, or one that names it."""
    sections = toml_sections(example)
    missing = []
    for key in setting_keys():
        top, *_, name = key.split(".")
        body = sections.get(top, "")
        lines = [_without_strings(line) for line in body.splitlines()]
        assigned = [
            line for line in lines if re.search(rf"(^|[{{,]|#)\s*{re.escape(name)}\s*=", line)
        ]
        comments = [line.split("#", 1)[1] for line in lines if "#" in line]
        explained = any(re.search(rf"(?<![\w.]){re.escape(name)}\b", c) for c in comments) or any(
            "#" in line.split("=", 1)[1] for line in assigned if "=" in line
        )
        if not assigned or not explained:
            missing.append(key)
    return missing


def test_every_setting_is_in_the_example_with_a_comment():
    example = example_config_path().read_text(encoding="utf-8")
    tomllib.loads(example)  # and it is still valid TOML
    assert undocumented_settings(example) == []


def test_the_settings_check_fails_when_a_key_is_removed_from_the_example():
    example = example_config_path().read_text(encoding="utf-8")
    [line] = [x for x in example.splitlines(keepends=True) if x.startswith("heartbeat_seconds")]
    assert undocumented_settings(example.replace(line, "")) == ["scheduler.heartbeat_seconds"]
    uncommented = line.split("#")[0].rstrip() + "\n"
    assert undocumented_settings(example.replace(line, uncommented)) == [
        "scheduler.heartbeat_seconds"
    ]


# ---------------------------------------------------------------- dashboard pages


def pages_out_of_step(readme: str) -> list[str]:
    """Dashboard pages missing from the README's table of who sees what, or shown with other
    roles than the page's ``ROLES``."""
    rows = table_rows(section(readme, "Who sees which page"))
    header, *rows = rows
    roles = [cell.strip("`") for cell in header[2:]]
    assert set(roles) == set(ROLES), f"the table's role columns are {roles}, not {ROLES}"
    problems = []
    for page in PAGES:
        row = next((r for r in rows if r[1].strip("`") == f"/{page_name(page)}"), None)
        if row is None or row[0] != page.TITLE:
            problems.append(f"{page.TITLE} (/{page_name(page)}) is not in the table")
            continue
        shown = {role for role, cell in zip(roles, row[2:], strict=True) if cell == "✓"}
        if shown != set(page.ROLES):
            problems.append(f"{page.TITLE}: the table says {sorted(shown)}")
    return problems


def test_every_dashboard_page_is_in_the_readme_with_its_roles():
    assert pages_out_of_step(README.read_text(encoding="utf-8")) == []


def test_the_pages_check_fails_on_a_missing_page_or_a_wrong_role():
    readme = README.read_text(encoding="utf-8")
    [inbox] = [x for x in readme.splitlines(keepends=True) if "| `/inbox` |" in x]
    assert pages_out_of_step(readme.replace(inbox, "")) == [
        "Boîte de réception (/inbox) is not in the table"
    ]
    cells = inbox.split("|")
    cells[-2] = " "  # the admin column
    changed = pages_out_of_step(readme.replace(inbox, "|".join(cells)))
    assert changed == ["Boîte de réception: the table says ['community_manager']"]


# ---------------------------------------------------------------- import graph

PACKAGE = ROOT / "beffroi"


def rooms() -> list[str]:
    """The rooms: sub-packages of ``beffroi/`` and its shared top-level modules."""
    names = [p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists()]
    names += [p.stem for p in PACKAGE.glob("*.py") if not p.stem.startswith("__")]
    return sorted(names)


def _imported(path: Path) -> set[str]:
    """Every module a file imports, at its top or inside a function, absolute names."""
    module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    package = package.removesuffix(".__init__")
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                found.add(".".join(base + ([node.module] if node.module else [])))
            else:
                found.add(node.module)
                found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def room_imports() -> set[tuple[str, str]]:
    """(room, room it imports) for every import between two rooms in the code."""
    known = set(rooms())
    edges = set()
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE).with_suffix("").parts
        source = parts[0]
        if source not in known:
            continue  # beffroi/__init__.py, __main__.py: the package's own entry points
        for name in _imported(path):
            words = name.split(".")
            if words[0] == "beffroi" and len(words) > 1 and words[1] in known:
                if words[1] != source:
                    edges.add((source, words[1]))
    return edges


def mermaid(edges: set[tuple[str, str]]) -> str:
    lines = ["```mermaid", "graph TD"]
    lines += [f"  {a} --> {b}" for a, b in sorted(edges)]
    return "\n".join([*lines, "```"])


def drawn_imports(architecture: str) -> set[tuple[str, str]]:
    """The arrows of the Mermaid block under the 'Import graph' heading."""
    block = re.search(r"```mermaid\n(.*?)```", section(architecture, "Import graph"), re.S)
    assert block, "no Mermaid block under 'Import graph'"
    return set(re.findall(r"^\s*(\w+)\s*-->\s*(\w+)\s*$", block.group(1), re.M))


def test_the_drawn_import_graph_is_the_real_one():
    drawn = drawn_imports(ARCHITECTURE.read_text(encoding="utf-8"))
    real = room_imports()
    assert (sorted(real - drawn), sorted(drawn - real)) == ([], []), (
        "docs/architecture.md's import graph is out of date (first list: arrows to add, "
        "second: arrows to remove); regenerate it with: python -m tests.test_docs"
    )


def test_the_import_graph_has_no_circle_and_every_room_is_drawn():
    graph: dict[str, set[str]] = {room: set() for room in rooms()}
    for a, b in room_imports():
        graph[a].add(b)
    try:
        order = list(TopologicalSorter(graph).static_order())
    except CycleError as exc:  # pragma: no cover - the failure message is the point
        pytest.fail(f"the rooms import each other in a circle: {exc.args[1]}")
    assert set(order) == set(rooms())
    drawn = {
        room for edge in drawn_imports(ARCHITECTURE.read_text(encoding="utf-8")) for room in edge
    }
    assert drawn == set(rooms())


def test_the_graph_check_sees_a_new_arrow():
    """An import added between two rooms is an arrow the drawing lacks."""
    drawn = drawn_imports(ARCHITECTURE.read_text(encoding="utf-8"))
    assert ("store", "analytics") not in drawn  # data flows one way: the store never reads up
    fake = mermaid(room_imports() | {("store", "analytics")})
    assert ("store", "analytics") in drawn_imports(f"## Import graph\n\n{fake}\n")


# ---------------------------------------------------------------- a fresh machine


def test_a_missing_part_is_a_one_line_skip_or_under_ci_a_failure(monkeypatch, tmp_path):
    """The README's promise: `make test` on a fresh clone skips what needs Chromium or the
    recorded fixtures, naming what to get; CI's BEFFROI_REQUIRE_* make the same a failure."""
    import tests.conftest as conftest

    monkeypatch.setattr(conftest, "SHARED_FIXTURES", tmp_path / "absent")
    for name in ("BEFFROI_REQUIRE_FIXTURES", "BEFFROI_REQUIRE_BROWSER"):  # CI sets them
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(pytest.skip.Exception, match=r"needs \.\./shared/fixtures beside"):
        conftest.shared_fixture("x/get_me.json")
    monkeypatch.setenv("BEFFROI_REQUIRE_FIXTURES", "1")
    with pytest.raises(pytest.fail.Exception, match="BEFFROI_REQUIRE_FIXTURES=1"):
        conftest.shared_fixture("x/get_me.json")
    with pytest.raises(pytest.skip.Exception, match="apt-get install chromium"):
        conftest.missing("BEFFROI_REQUIRE_BROWSER", conftest.MISSING_CHROMIUM)
    monkeypatch.setenv("BEFFROI_REQUIRE_BROWSER", "1")
    with pytest.raises(pytest.fail.Exception, match="apt-get install chromium"):
        conftest.missing("BEFFROI_REQUIRE_BROWSER", conftest.MISSING_CHROMIUM)


if __name__ == "__main__":
    print(mermaid(room_imports()))
