"""``wirewatch topics create|list``: the pipeline's topics."""

from __future__ import annotations

import argparse
import asyncio

from ._common import add_common, make_settings, need_broker

__all__ = ["add_parser", "cmd_topics"]


def cmd_topics(args: argparse.Namespace) -> int:
    from ..kafka import ensure_topics, existing_topics

    settings = need_broker(make_settings(args), "topics")
    if args.action == "create":
        created = asyncio.run(ensure_topics(settings.bootstrap_servers, settings.all_topics,
                                            partitions=settings.partitions, replication=settings.replication))
        print(f"created: {', '.join(created) or 'none (all existed)'}")
    else:
        present = asyncio.run(existing_topics(settings.bootstrap_servers))
        for name in settings.all_topics:
            print(f"{name}\t{'present' if name in present else 'MISSING'}")
    return 0


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("topics", help="create or list the pipeline's topics",
                       description="The pipeline's topics: the stages' (raw, stories, enriched, alerts, deadletter, with the "
                                   "prefix), the catalog's (regions, rules), alert-candidates and the tables' "
                                   "changelogs — `list` names them all. They are never auto-created.")
    p.add_argument("action", choices=["create", "list"])
    add_common(p)
