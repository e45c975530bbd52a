"""The learning curve of the city's model: rules alone vs rules + model after N corrections.

``python benchmarks/learning_curve.py [labelled JSON files] [--thin-config-from REV]``: on the
development sets and on the simulated city, and optionally with the example configuration of
an older revision (a city whose theme lists are thin), the figures in docs/inbox.md.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from beffroi.config import Settings  # noqa: E402
from beffroi.inbox.model import Example, train  # noqa: E402
from tests.inbox.labelled import simulated_city  # noqa: E402


def _labelled_pool(paths: list[Path]) -> list[dict]:
    from beffroi.inbox.evaluate import read_labelled

    return [message for path in paths for message in read_labelled(path)]


def curve(settings: Settings, pool: list[dict], seed: int, steps=(0, 5, 10, 20, 40, 80, 160)):
    """Rules alone vs rules + model after N corrections, on a held-out half of ``pool``.

    The other half is a stream of messages a manager handles in order: each message where
    the rules were wrong is corrected (one correction), the others are confirmed; after N
    corrections the model is trained on every message handled so far.
    """
    import random

    from beffroi.inbox.triage import consult_model, understand

    rng = random.Random(seed)
    pool = pool[:]
    rng.shuffle(pool)
    half = len(pool) // 2
    stream, test = pool[:half], pool[half:]
    seen_test = [(m, understand(settings, m["text"], m.get("kind", "comment"))) for m in test]

    def score(model):
        theme = tp = fp = fn = 0
        for message, seen in seen_test:
            decided = consult_model(seen, model, message["text"])
            theme += decided.theme == message["theme"]
            tp += decided.needs_reply and message["needs_reply"]
            fp += decided.needs_reply and not message["needs_reply"]
            fn += message["needs_reply"] and not decided.needs_reply
        return theme / len(test), tp / max(tp + fp, 1), tp / max(tp + fn, 1)

    rows = []
    corrections, handled = 0, []
    walk = iter(stream)
    for n in steps:
        for message in walk:
            if corrections >= n:
                # Put it back: the next step starts with it.
                walk = iter([message, *walk])
                break
            seen = understand(settings, message["text"], message.get("kind", "comment"))
            if seen.theme != message["theme"] or seen.needs_reply != message["needs_reply"]:
                corrections += 1
            handled.append(Example(message["text"], message["theme"], message["needs_reply"]))
        if corrections < n:
            break
        model = train(handled) if n else None
        rows.append((n, len(handled), *score(model)))
    return rows


def _print_curve(title: str, rows, seed: int) -> None:
    print(f"\n{title} (seed {seed})")
    print("corrections  handled  theme acc  needs_reply P  needs_reply R")
    for n, handled, theme, precision, recall in rows:
        label = "rules alone" if n == 0 else f"{n:>11}"
        print(f"{label:>11}  {handled:>7}  {theme:9.3f}  {precision:13.3f}  {recall:13.3f}")


def main(argv: list[str] | None = None) -> int:
    import argparse
    import subprocess
    import tempfile

    from beffroi.config import example_config_path, load_settings

    parser = argparse.ArgumentParser(prog="python benchmarks/learning_curve.py")
    parser.add_argument(
        "paths", nargs="*", type=Path, help="labelled JSON files (tests/inbox/labelled/)"
    )
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--city-sample", type=int, default=800)
    parser.add_argument(
        "--thin-config-from",
        default=None,
        help="a git revision whose example configuration is used as a city with thin rules",
    )
    args = parser.parse_args(argv)
    settings = load_settings(example_config_path())
    pools = []
    if args.paths:
        pools.append(("development sets", _labelled_pool(args.paths)))
    with tempfile.TemporaryDirectory() as tmp:
        _, city = simulated_city(Path(tmp))
        # A sample keeps the run short on a shared machine; the seed makes it the same sample.
        import random

        random.Random(args.seed).shuffle(city)
        pools.append(("simulated city", city[: args.city_sample]))
        configs = [("this configuration", settings)]
        if args.thin_config_from:
            text = subprocess.run(
                ["git", "show", f"{args.thin_config_from}:beffroi/config/beffroi.example.toml"],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            thin = Path(tmp) / "thin.toml"
            thin.write_text(text, encoding="utf-8")
            configs.append((f"the {args.thin_config_from} configuration", load_settings(thin)))
        for config_name, config in configs:
            for pool_name, pool in pools:
                rows = curve(config, pool, args.seed)
                _print_curve(f"{pool_name} ({len(pool)}), rules of {config_name}", rows, args.seed)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
