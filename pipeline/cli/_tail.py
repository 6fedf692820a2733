"""``wirewatch tail``: follow a topic and print its records (pretty, or JSON lines), optionally filtered."""

from __future__ import annotations

import argparse
import asyncio
import sys

from ..core import STAGES
from ._common import add_common, make_settings, need_broker

__all__ = ["add_parser", "cmd_tail"]


def cmd_tail(args: argparse.Namespace) -> int:
    from ..core import (
        Alert,
        DeadLetter,
        EnrichedStory,
        Story,
        from_json,
        record_filter,
        render_alert,
        render_dead_letter,
        render_enriched,
    )
    from ..kafka import follow

    keep = record_filter(args.stage, args.region_id, args.type or (), args.country or ())
    settings = need_broker(make_settings(args), "tail")
    topic = getattr(settings.topics, args.stage)
    record_type = {"stories": Story, "enriched": EnrichedStory, "alerts": Alert, "deadletter": DeadLetter}.get(args.stage)
    render = {"enriched": render_enriched, "alerts": render_alert, "deadletter": render_dead_letter}.get(args.stage)

    async def go() -> None:
        count = 0
        async for _topic, _key, value in follow(settings.bootstrap_servers, [topic], from_beginning=args.from_beginning,
                                                 idle_timeout=args.idle_timeout):
            if keep is not None:
                try:
                    wanted = keep(from_json(record_type, value))
                except (ValueError, TypeError, KeyError) as exc:
                    print(f"wirewatch tail: skipped a record that is not a {record_type.__name__}: {exc}",
                          file=sys.stderr)
                    continue
                if not wanted:
                    continue
            if args.json or render is None or record_type is None:
                sys.stdout.buffer.write(value + b"\n")
                sys.stdout.buffer.flush()
            else:
                print(render(from_json(record_type, value)), flush=True)
            count += 1
            if args.max is not None and count >= args.max:
                return

    try:
        asyncio.run(go())
    except KeyboardInterrupt:
        return 130
    return 0


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("tail", help="follow a topic and print its records",
                       description="Print records of a pipeline topic as they arrive (pretty, or --json lines).")
    p.add_argument("stage", choices=list(STAGES))
    p.add_argument("--json", action="store_true", help="raw JSON lines instead of the pretty form")
    p.add_argument("--from-beginning", action="store_true", help="start at the oldest record, not the newest")
    p.add_argument("--max", type=int, metavar="N", help="stop after N records")
    p.add_argument("--idle-timeout", type=float, metavar="S", help="stop when nothing arrived for S seconds")
    p.add_argument("--region", dest="region_id", metavar="ID", help="alerts of this region only")
    p.add_argument("--type", nargs="+", metavar="T", help="with an event of one of these types (event-taxonomy ids)")
    p.add_argument("--country", nargs="+", metavar="CC", help="with a place in one of these countries (ISO alpha-2)")
    add_common(p)
