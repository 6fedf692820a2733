"""``wirewatch enrich``: enrich stories offline (no broker), JSON lines in and out."""

from __future__ import annotations

import argparse
import sys
from typing import BinaryIO

from ..core import ConfigError
from ._common import add_common, make_settings

__all__ = ["add_parser", "cmd_enrich"]


def cmd_enrich(args: argparse.Namespace) -> int:
    from ..enrich import Enricher, enrich_stream, read_messages

    settings = make_settings(args)
    handles: list[tuple[str, BinaryIO]] = []
    if not args.files or args.files == ["-"]:
        handles.append(("<stdin>", sys.stdin.buffer))
    else:
        for name in args.files:
            try:
                handles.append((name, open(name, "rb")))
            except OSError as exc:
                raise ConfigError(f"cannot read {name}: {exc.strerror}") from None
    enricher = Enricher.load(settings.model)
    written, failures = enrich_stream(read_messages(handles, args.format), enricher, sys.stdout.buffer,
                                      fmt=args.format, batch_size=args.batch_size)
    for f in failures:
        print(f"wirewatch enrich: {f.where}: skipped ({f.reason}): {f.message}", file=sys.stderr)
    print(f"wirewatch enrich: {written} enriched, {len(failures)} skipped", file=sys.stderr)
    return 1 if failures else 0


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("enrich", help="enrich stories offline (no broker): JSON lines in, EnrichedStory JSON lines out",
                       description="Read ninjs JSON lines ({\"uri\": …, \"body_text\": …} per line) from files or stdin and "
                                   "write one EnrichedStory JSON per line to stdout, in input order, with the same code "
                                   "as the enrich agent. With --format text each file is one plain-text story.")
    p.add_argument("files", nargs="*", metavar="FILE", help="input files; none or '-' reads stdin")
    p.add_argument("--format", default="auto", choices=["auto", "ninjs", "text"], help="input format (default: auto)")
    p.add_argument("--batch-size", type=int, default=64, metavar="N", help="stories per nlp.pipe batch")
    add_common(p)
