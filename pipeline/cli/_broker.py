"""``wirewatch broker``: the embedded broker (Tansu) in the foreground, its data in a local S3 store or memory."""

from __future__ import annotations

import argparse
from pathlib import Path

__all__ = ["add_parser", "cmd_broker"]


def cmd_broker(args: argparse.Namespace) -> int:
    import signal

    from ..core import Settings
    from ..kafka import embedded_broker

    signal.signal(signal.SIGTERM, signal.default_int_handler)  # SIGTERM stops it like Ctrl-C

    settings = Settings.from_env(data_dir=args.data_dir, storage="memory" if args.memory else None)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    with embedded_broker(settings.storage, settings.data_dir, port=args.port) as broker:
        print(f"embedded broker listening: {broker.url} — {broker.storage_banner()}", flush=True)
        print(f"export WIREWATCH_BROKER={broker.url}", flush=True)
        try:
            signal.pause()
        except KeyboardInterrupt:
            pass
    return 0


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("broker", help="run the embedded broker (Tansu) in the foreground; its data in files under the "
                                      "data directory (default) or in memory (--memory)")
    p.add_argument("--port", type=int, help="port to listen on (default: a free one)")
    p.add_argument("--memory", action="store_true",
                   help="keep topics in memory only, lost when it stops (WIREWATCH_STORAGE=memory; default: a local "
                        "S3 store under the data directory, kept across restarts)")
    p.add_argument("--data-dir", type=Path, metavar="DIR",
                   help="where the store's files and the logs live (WIREWATCH_DATA_DIR, default .wirewatch)")
