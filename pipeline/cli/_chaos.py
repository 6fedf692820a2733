"""``wirewatch chaos``: the soak test — send stories, kill workers at random, reconcile."""

from __future__ import annotations

import argparse
from pathlib import Path

from ._common import add_common, make_settings, write_report

__all__ = ["add_parser", "cmd_chaos"]


def cmd_chaos(args: argparse.Namespace) -> int:
    from ..tools import soak

    settings = make_settings(args)
    rec = soak(settings, settings.data_dir / "chaos", minutes=args.minutes, workers=args.workers, rate=args.rate,
               kill_every=(args.kill_min, args.kill_max))
    print(rec.summary())
    if args.json:
        write_report(args.json, rec.as_dict())
    return 0 if rec.ok else 1


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("chaos", help="soak test: send stories, kill workers at random (SIGKILL), reconcile",
                       description="For --minutes, send --rate stories/s (with duplicates and malformed messages) to "
                                   "fresh topics while killing a random worker every --kill-min..--kill-max seconds and "
                                   "restarting it; then wait until everything is through and reconcile in = enriched + "
                                   "dead-lettered + dropped-as-duplicate from the topics. Exit 1 if anything is missing.")
    p.add_argument("--minutes", type=float, default=5.0, metavar="N", help="how long to run (default 5)")
    p.add_argument("--workers", type=int, default=2, metavar="N", help="worker processes (default 2)")
    p.add_argument("--rate", type=float, default=10.0, metavar="R", help="stories per second (default 10)")
    p.add_argument("--kill-min", dest="kill_min", type=float, default=20.0, metavar="S",
                   help="shortest wait between two worker kills (default 20 s)")
    p.add_argument("--kill-max", dest="kill_max", type=float, default=60.0, metavar="S",
                   help="longest wait between two worker kills (default 60 s)")
    p.add_argument("--json", type=Path, metavar="FILE", help="also write the reconciliation as JSON ('-': stdout)")
    add_common(p)
