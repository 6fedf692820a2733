"""``wirewatch broker``: the embedded broker (Tansu, memory only) in the foreground."""

from __future__ import annotations

import argparse

__all__ = ["add_parser", "cmd_broker"]


def cmd_broker(args: argparse.Namespace) -> int:
    import signal

    from ..kafka import EmbeddedBroker

    signal.signal(signal.SIGTERM, signal.default_int_handler)  # SIGTERM stops it like Ctrl-C

    with EmbeddedBroker(port=args.port) as broker:
        print(f"embedded broker (memory only) listening: {broker.url}", flush=True)
        print(f"export WIREWATCH_BROKER={broker.url}", flush=True)
        try:
            signal.pause()
        except KeyboardInterrupt:
            pass
    return 0


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("broker", help="run the embedded broker (Tansu, memory only) in the foreground")
    p.add_argument("--port", type=int, help="port to listen on (default: a free one)")
