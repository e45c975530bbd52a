"""The demo's cross-network top 10, each score explained ("Pourquoi ce score ?"), with the
likes and reposts each member gave on each network, then the first members on Bluesky and
Mastodon: what the note on issue 15 shows.

    .venv/bin/beffroi demo --seed-only --db demo-data/beffroi-demo.db
    .venv/bin/python benchmarks/demo_top10.py demo-data/beffroi-demo.toml

Read-only: it opens the demo database the demo command wrote and ranks at the time of its
newest message, so the figures do not depend on when it runs.
"""

from __future__ import annotations

import argparse
import sqlite3

from beffroi.analytics import RankingFilter, describe, describe_engagement, explain, rank_members
from beffroi.config import load_settings
from beffroi.labels import kind_label, network_label
from beffroi.store import from_db


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("config", help="the demo's configuration (beffroi-demo.toml)")
    parser.add_argument("--top", type=int, default=10)
    parser.add_argument(
        "--networks",
        nargs="*",
        default=["bluesky", "mastodon"],
        help="also the first members of these networks (default: the newer)",
    )
    parser.add_argument("--per-network", type=int, default=3)
    args = parser.parse_args()
    settings = load_settings(args.config)
    conn = sqlite3.connect(f"file:{settings.database_path}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    now = from_db(conn.execute("SELECT max(created_at) FROM items").fetchone()[0])
    print(f"Classement toutes plateformes au {now:%d/%m/%Y %H:%M} UTC "
          f"({settings.engagement.window_days} jours)\n")  # fmt: skip
    show(conn, settings, now, rank_members(conn, settings, now, RankingFilter(limit=args.top)))
    for network in args.networks:
        print(f"\nLes {args.per_network} premiers sur {network_label(network)}\n")
        ranking = rank_members(
            conn, settings, now, RankingFilter(network=network, limit=args.per_network)
        )
        show(conn, settings, now, ranking)
    conn.close()


def show(conn, settings, now, ranking) -> None:
    for _, row in ranking.iterrows():
        why = explain(conn, settings, now, int(row["person"]))
        handles = ", ".join(f"@{h}" for h in row["handles"])
        networks = ", ".join(network_label(n) for n in row["networks"])
        print(f"{row['rank']:>2}. {row['display_name']} ({handles}) — {networks}")
        print(f"    Pourquoi ce score ? {describe(why)}")
        if where := describe_engagement(why):
            print(f"    Réactions et partages par réseau — {where}")
        for last in why.last_interactions:
            if last["kind"] in ("reaction", "share"):
                print(f"    - {from_db(last['created_at']):%d/%m %H:%M} "
                      f"{kind_label(last['kind'], capital=False)} sur "
                      f"{network_label(last['network'])}")  # fmt: skip


if __name__ == "__main__":
    main()
