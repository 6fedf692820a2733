"""``wirewatch ingest``: send wire messages (files, directories, globs, stdin, a watched directory, feeds) to wire.raw."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from ..core import ConfigError, Settings
from ._common import add_common, make_settings, need_broker

__all__ = ["add_parser", "cmd_ingest"]


def cmd_ingest(args: argparse.Namespace) -> int:
    from ..ingest import WatchState, watch_directory
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
    return _send_paths(args, settings, split)


def _send_paths(args: argparse.Namespace, settings: Settings, split) -> int:
    """Send the files' messages; each is parsed here first, as the normalize agent will, and one that would
    be dead-lettered is reported with its reason and not sent (unless ``--send-invalid``). One line per
    problem; every file with a message not sent is listed in ``<data dir>/unsent-<time>.txt``; exit 1 then."""
    import logging
    import time

    from tqdm import tqdm

    from ..core import ParseError
    from ..ingest import expand_paths
    from ..kafka import Unsent, produce
    from ..parsing import parse_raw

    logging.getLogger("wirewatch.ninjs").setLevel(logging.ERROR)  # the workers say it; here it would be noise
    topic = settings.topics.raw
    paths = ["<stdin>"] if args.paths == ["-"] else [str(p) for p in expand_paths(args.paths)]
    origin: list[tuple[int, str]] = []  # message handed to the producer → (index into paths, where)
    not_sent: set[int] = set()  # indexes into paths
    problems = 0

    def problem(k: int, where: str, text: str) -> None:
        nonlocal problems
        problems += 1
        not_sent.add(k)
        tqdm.write(f"wirewatch ingest: {where}: NOT sent: {text}", file=sys.stderr)

    def messages():  # read lazily: memory holds one file at a time
        for k, name in enumerate(paths):
            data = sys.stdin.buffer.read() if name == "<stdin>" else Path(name).read_bytes()
            lines = data.splitlines() if args.lines else [data]
            for n, m in enumerate(lines, 1):
                if args.lines and not m.strip():
                    continue
                where = f"{name}:{n}" if args.lines else name
                if not args.send_invalid:
                    try:
                        parse_raw(m, max_bytes=settings.max_message_bytes)
                    except ParseError as exc:
                        problem(k, where, f"{exc.code}: {exc} (the pipeline would dead-letter it; "
                                          "--send-invalid sends it anyway)")
                        continue
                origin.append((k, where))
                bar.n = k + 1
                bar.refresh()
                yield m

    def refused(index: int, why: str) -> None:
        k, where = origin[index]
        problem(k, where, why)

    sent, stopped = 0, None
    with tqdm(total=len(paths), desc="ingesting", unit="file", file=sys.stderr, disable=not sys.stderr.isatty()) as bar:
        try:
            sent = asyncio.run(produce(settings.bootstrap_servers, topic, messages(), on_refused=refused,
                                       retry_seconds=args.retry_seconds))
        except Unsent as exc:
            sent, stopped = exc.sent, exc
            first = origin[exc.index][0] if exc.index < len(origin) else 0
            not_sent.update(range(first, len(paths)))
    if not not_sent:
        print(f"sent {sent} message(s) to {topic}", file=sys.stderr)
        return 0
    unsent = [paths[k] for k in sorted(not_sent)]
    report = settings.data_dir / f"unsent-{int(time.time())}.txt"
    report.parent.mkdir(parents=True, exist_ok=True)
    report.write_text("".join(f"{p}\n" for p in unsent))
    listed = f"NOT sent: {len(unsent)} file(s) — listed in {report}"
    if stopped is None:
        print(f"wirewatch ingest: sent {sent} message(s) to {topic}; {problems} refused (above). {listed}",
              file=sys.stderr)
    elif stopped.permanent:
        print(f"wirewatch ingest: {stopped}. Not retried: that does not pass. Sent {sent} message(s); {listed}; "
              "re-run with them once that is fixed", file=sys.stderr)
    else:
        print(f"wirewatch ingest: {stopped}. Sent {sent} message(s); {listed} from {paths[min(not_sent)]} on; "
              "re-run with them once the broker is back", file=sys.stderr)
    return 1


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
                        "list the files not sent, exit 1. A permanent refusal (too large for the broker, unknown "
                        "topic, authorisation) is reported at once, never retried")
    p.add_argument("--send-invalid", action="store_true",
                   help="send messages that do not parse too (the pipeline dead-letters them with their reason); "
                        "by default each is reported with its reason code and not sent")
    add_common(p)
