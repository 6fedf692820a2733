"""``wirewatch chaos``: the soak test — send stories, versions and kills, kill and scale workers, reconcile."""

from __future__ import annotations

import argparse
from pathlib import Path

from ._common import add_common, make_settings, write_report

__all__ = ["add_parser", "cmd_chaos"]


def cmd_chaos(args: argparse.Namespace) -> int:
    from ..tools import soak

    settings = make_settings(args)
    rec = soak(settings, settings.data_dir / "chaos", minutes=args.minutes, workers=args.workers, rate=args.rate,
               kill_every=(args.kill_min, args.kill_max), versions=args.versions, kills=args.kills,
               scale=args.scale, backlog_seconds=args.backlog_seconds)
    print(rec.summary())
    if args.json:
        write_report(args.json, rec.as_dict())
    return 0 if rec.ok else 1


def _share(text: str) -> float:
    value = float(text)
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"a share between 0 and 1, not {text}")
    return value


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("chaos", help="soak test: send stories, versions and kills, kill (SIGKILL) and scale workers, "
                                     "reconcile",
                       description="For --minutes, send --rate stories/s (with second versions, kills, duplicates and "
                                   "malformed messages) to fresh topics while killing a random worker every "
                                   "--kill-min..--kill-max seconds and restarting it, and --scale times starting one "
                                   "more worker and later stopping one while a backlog waits; then wait until "
                                   "everything is through and reconcile from the topics: in = enriched + superseded + "
                                   "dead-lettered + dropped-as-duplicate, no story's versions going backwards on the "
                                   "enriched topic, every kill its story's last record, every alert of a killed story "
                                   "retracted. Exit 1 on any loss or violation.")
    p.add_argument("--minutes", type=float, default=5.0, metavar="N", help="how long to run (default 5)")
    p.add_argument("--workers", type=int, default=2, metavar="N", help="worker processes (default 2)")
    p.add_argument("--rate", type=float, default=10.0, metavar="R", help="stories per second (default 10)")
    p.add_argument("--versions", type=_share, default=0.2, metavar="SHARE",
                   help="share of stories that get a second version a few messages later (default 0.2)")
    p.add_argument("--kills", type=_share, default=0.1, metavar="SHARE",
                   help="share of stories that get a kill (pubstatus canceled), after v1 or after a v2 (default 0.1)")
    p.add_argument("--scale", type=int, default=1, metavar="N",
                   help="times to start an extra worker and later stop one, each behind a backlog (default 1)")
    p.add_argument("--backlog-seconds", dest="backlog_seconds", type=float, default=30.0, metavar="S",
                   help="the backlog sent before each scale step, in seconds of --rate (default 30)")
    p.add_argument("--kill-min", dest="kill_min", type=float, default=20.0, metavar="S",
                   help="shortest wait between two worker kills (default 20 s)")
    p.add_argument("--kill-max", dest="kill_max", type=float, default=60.0, metavar="S",
                   help="longest wait between two worker kills (default 60 s)")
    p.add_argument("--json", type=Path, metavar="FILE", help="also write the reconciliation as JSON ('-': stdout)")
    add_common(p)
