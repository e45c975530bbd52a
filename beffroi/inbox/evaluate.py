"""Measure triage on a labelled file: ``python -m beffroi.inbox.evaluate PATH [PATH...]``.

The file is JSON, ``{"about": "...", "messages": [...]}`` (the sets under
``tests/inbox/labelled/``), each message with the keys ``text``, ``network``, ``kind``,
``needs_reply`` (bool), ``urgent`` (bool), ``theme`` (a theme name or null) and ``tone``
(positive | neutral | negative). A missing key is not measured: a set labelled for
needs_reply alone has ``text``, ``kind`` and ``needs_reply``. Data, not code: a labelled set
is read, never run.

The rules are those of the example configuration (``--config`` for another one). Printed:
needs-reply precision and recall, urgent recall and false-urgent rate, main-theme accuracy
(and how often the labelled theme is main or secondary), tone accuracy; ``--errors`` lists
every miss with the rule that decided, so that a miss can be read, not only counted.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

from beffroi.config import Settings, example_config_path, load_settings
from beffroi.inbox.triage import understand


@dataclass
class Scores:
    name: str
    n: int = 0
    tp: int = 0
    fp: int = 0
    fn: int = 0
    urgent_total: int = 0
    urgent_found: int = 0
    calm_total: int = 0
    false_urgent: int = 0
    theme_total: int = 0
    theme_right: int = 0
    theme_any: int = 0
    tone_total: int = 0
    tone_right: int = 0
    errors: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        def ratio(a: int, b: int) -> str:
            return f"{a / b:.3f} ({a}/{b})" if b else "-"

        out = [f"{self.name}: {self.n} messages"]
        if self.tp + self.fp + self.fn:
            out.append(
                f"  needs_reply  precision {ratio(self.tp, self.tp + self.fp)}"
                f"  recall {ratio(self.tp, self.tp + self.fn)}"
            )
        if self.urgent_total or self.calm_total:
            out.append(
                f"  urgent       recall {ratio(self.urgent_found, self.urgent_total)}"
                f"  false urgent {ratio(self.false_urgent, self.calm_total)}"
            )
        if self.theme_total:
            out.append(
                f"  theme        main accuracy {ratio(self.theme_right, self.theme_total)}"
                f"  main or secondary {ratio(self.theme_any, self.theme_total)}"
            )
        if self.tone_total:
            out.append(f"  tone         accuracy {ratio(self.tone_right, self.tone_total)}")
        return out


def measure(settings: Settings, name: str, messages: list[dict]) -> Scores:
    scores = Scores(name)
    for message in messages:
        scores.n += 1
        result = understand(settings, message["text"], message.get("kind", "comment"))
        why = f"[{result.rule}; theme {result.theme_rule}; tone {result.tone_rule}]"
        text = " ".join(str(message["text"]).split())[:110]
        if "needs_reply" in message:
            said, label = result.needs_reply, bool(message["needs_reply"])
            scores.tp += said and label
            scores.fp += said and not label
            scores.fn += label and not said
            if said != label:
                scores.errors.append(f"needs_reply {label} said {said}: {text} {why}")
        if "urgent" in message:
            said, label = result.priority == "urgent", bool(message["urgent"])
            if label:
                scores.urgent_total += 1
                scores.urgent_found += said
            else:
                scores.calm_total += 1
                scores.false_urgent += said
            if said != label:
                scores.errors.append(f"urgent {label} said {said}: {text} {why}")
        if "theme" in message:
            scores.theme_total += 1
            label = message["theme"]
            scores.theme_right += result.theme == label
            scores.theme_any += result.theme == label or label in result.secondary_themes
            if result.theme != label:
                scores.errors.append(f"theme {label} said {result.theme}: {text} {why}")
        if message.get("tone"):
            scores.tone_total += 1
            scores.tone_right += result.tone == message["tone"]
            if result.tone != message["tone"]:
                scores.errors.append(f"tone {message['tone']} said {result.tone}: {text} {why}")
    return scores


def read_labelled(path: Path) -> list[dict]:
    """The messages of a labelled JSON file (its ``about`` is for the people who read it)."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    messages = data.get("messages") if isinstance(data, dict) else None
    if not isinstance(messages, list):
        raise ValueError(f"{path}: pas de liste « messages »")
    return messages


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m beffroi.inbox.evaluate")
    parser.add_argument("paths", nargs="+", type=Path)
    parser.add_argument("--config", type=Path, default=None)
    parser.add_argument("--errors", action="store_true", help="list every miss")
    args = parser.parse_args(argv)
    settings = load_settings(args.config or example_config_path())
    for path in args.paths:
        try:
            messages = read_labelled(path)
        except (OSError, ValueError) as error:
            print(f"{path} : fichier étiqueté illisible ({error}).", file=sys.stderr)
            return 2
        scores = measure(settings, path.name, messages)
        print("\n".join(scores.lines()))
        if args.errors:
            print("\n".join("    " + e for e in scores.errors))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
