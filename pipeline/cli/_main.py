"""The ``wirewatch`` command line: the argparse tree and the dispatch. Each command is a module of this
package with ``add_parser(sub)`` and its ``cmd_…`` function; nothing heavy (Faust, spaCy, shapely) is
imported until a command runs."""

from __future__ import annotations

import argparse
import logging
import sys
from typing import Sequence

from ..core import WirewatchError
from . import _bench, _broker, _catalog, _chaos, _enrich, _eval, _ingest, _run, _tail, _topics, _train, _worker

__all__ = ["main", "build_parser", "COMMANDS"]

_DESCRIPTION = """\
wirewatch — streaming ingest for news wire stories.

  sources → wire.raw → normalize → wire.stories → enrich → wire.enriched → match → wire.alerts
                                (every rejection → wire.deadletter, with its reason)

Settings come from WIREWATCH_* environment variables; the options below override them.
Without a broker URL, `run` starts an embedded broker that keeps its data under the data directory
(.wirewatch/s3; `run --memory` or WIREWATCH_STORAGE=memory: in memory only).
"""

COMMANDS = {
    "run": _run.cmd_run, "worker": _worker.cmd_worker, "topics": _topics.cmd_topics, "regions": _catalog.cmd_catalog,
    "rules": _catalog.cmd_catalog, "broker": _broker.cmd_broker, "ingest": _ingest.cmd_ingest, "tail": _tail.cmd_tail,
    "enrich": _enrich.cmd_enrich, "eval": _eval.cmd_eval, "bench": _bench.cmd_bench, "chaos": _chaos.cmd_chaos,
    "train": _train.cmd_train,
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="wirewatch", description=_DESCRIPTION,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    _run.add_parser(sub)
    _worker.add_parser(sub)
    _topics.add_parser(sub)
    _catalog.add_parser(sub)
    _broker.add_parser(sub)
    _ingest.add_parser(sub)
    _tail.add_parser(sub)
    _enrich.add_parser(sub)
    _eval.add_parser(sub)
    _train.add_parser(sub)
    _bench.add_parser(sub)
    _chaos.add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        return COMMANDS[args.command](args)
    except WirewatchError as exc:
        print(f"wirewatch: error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # `wirewatch eval … | head`: the reader left; not an error of ours
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except UnicodeDecodeError as exc:  # a reader that did not say which file; the byte tells where
        print(f"wirewatch: error: an input is not UTF-8 text ({exc.reason} at byte {exc.start}); re-encode it as UTF-8",
              file=sys.stderr)
        return 2
    except OSError as exc:  # a file given that cannot be read (a directory, no permission, gone meanwhile)
        if exc.filename is None:
            raise
        print(f"wirewatch: error: {exc.filename}: {exc.strerror or exc}; give a readable file", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
