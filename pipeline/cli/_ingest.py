"""``wirewatch ingest``: send wire messages (files, directories, globs, stdin, a watched directory, feeds) to wire.raw."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from ..core import ConfigError
from ._common import add_common, make_settings, need_broker

__all__ = ["add_parser", "cmd_ingest"]


def cmd_ingest(args: argparse.Namespace) -> int:
    import time

    from tqdm import tqdm

    from ..ingest import WatchState, expand_paths, watch_directory
    from ..kafka import produce

    settings = need_broker(make_settings(args), "ingest")
    bootstrap, topic = settings.bootstrap_servers, settings.topics.raw

    def split(data: bytes) -> list[bytes]:
        return [ln for ln in data.splitlines() if ln.strip()] if args.lines else [data]

    if args.feed:
        from ..ingest import FeedPoller

        async def send_feed(data: bytes) -> None:
            await produce(bootstrap, topic, [data])

        poller = FeedPoller(args.feed, send_feed, settings.data_dir / "feeds.json", interval=args.interval or 60.0)
        print(f"polling {len(args.feed)} feed(s) every {poller.interval:.0f} s → {topic}; Ctrl-C stops", file=sys.stderr)

        async def go() -> None:
            await poller.run(asyncio.Event(), report=lambda u, o: print(f"{u}: {o}", file=sys.stderr, flush=True))

        try:
            asyncio.run(go())
        except KeyboardInterrupt:
            return 130
        return 0
    if args.watch is not None:
        state = WatchState.load(settings.data_dir / f"watch-{args.watch.resolve().name}.json")
        print(f"watching {args.watch} → {topic} (state: {state.path}); Ctrl-C stops", file=sys.stderr)

        async def send(messages: list[bytes]) -> int:
            return await produce(bootstrap, topic, [m for data in messages for m in split(data)])

        try:
            asyncio.run(watch_directory(args.watch, state, send, interval=args.interval or 1.0,
                                        on_sent=lambda p: print(f"sent {p.name}", file=sys.stderr, flush=True)))
        except KeyboardInterrupt:
            return 130
        return 0
    if not args.paths:
        raise ConfigError("give files, directories, globs or '-' to ingest, or --watch DIR, or --feed URL…")
    from ..kafka import Unsent

    paths = ["<stdin>"] if args.paths == ["-"] else [str(p) for p in expand_paths(args.paths)]
    origin: list[int] = []  # message number → index into paths (ints: small even for many messages)

    def messages():  # read lazily: memory holds one file at a time
        for k, name in enumerate(paths):
            data = sys.stdin.buffer.read() if name == "<stdin>" else Path(name).read_bytes()
            for m in split(data):
                origin.append(k)
                yield m

    with tqdm(total=len(paths), desc="ingesting", unit="file", file=sys.stderr, disable=not sys.stderr.isatty()) as bar:
        def progress(n: int) -> None:
            bar.n = origin[n - 1] + 1 if origin else 0
            bar.refresh()
        try:
            sent = asyncio.run(produce(bootstrap, topic, messages(), on_sent=progress,
                                       retry_seconds=args.retry_seconds))
        except Unsent as exc:
            first = origin[exc.sent] if exc.sent < len(origin) else 0
            unsent = paths[first:]
            report = settings.data_dir / f"unsent-{int(time.time())}.txt"
            report.parent.mkdir(parents=True, exist_ok=True)
            report.write_text("".join(f"{p}\n" for p in unsent))
            print(f"wirewatch ingest: {exc}. Sent {exc.sent} message(s); NOT sent: {len(unsent)} file(s) "
                  f"from {unsent[0]} on — listed in {report}; re-run with them once the broker is back",
                  file=sys.stderr)
            return 1
    print(f"sent {sent} message(s) to {topic}", file=sys.stderr)
    return 0


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("ingest", help="send wire messages (files, directories, globs, stdin, a watched directory) to wire.raw",
                       description="Each file is one message (any format: ninjs, NewsML-G2, NITF, …); with --lines each "
                                   "non-empty line is one message. '-' reads stdin. --watch DIR sends every new or "
                                   "changed file once, remembering what it sent across restarts.")
    p.add_argument("paths", nargs="*", metavar="PATH", help="files, directories, glob patterns, or '-'")
    p.add_argument("--lines", action="store_true", help="one message per line (JSON lines)")
    p.add_argument("--watch", type=Path, metavar="DIR", help="keep watching DIR and send new files as they arrive")
    p.add_argument("--feed", nargs="+", metavar="URL",
                   help="poll these RSS/Atom/ninjs feed URLs (ETag/If-Modified-Since, backoff)")
    p.add_argument("--interval", type=float, default=None, metavar="S",
                   help="poll interval: --watch default 1 s, --feed default 60 s")
    p.add_argument("--retry-seconds", dest="retry_seconds", type=float, default=60.0, metavar="S",
                   help="keep retrying a message the broker does not take for S seconds (default 60); then stop, "
                        "list the files not sent, exit 1")
    add_common(p)
