"""What the commands share: the settings options, settings from them, and JSON output."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, Iterable

from ..core import RUN_FILE, ConfigError, Settings, read_run_info

__all__ = ["add_common", "make_settings", "need_broker", "running_broker", "write_json_lines", "print_json", "write_report",
           "reported_as_json"]


def add_common(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("settings (override WIREWATCH_* environment variables)")
    g.add_argument("--broker", metavar="URL", help="Kafka broker, kafka://host:port[,host:port] (WIREWATCH_BROKER)")
    g.add_argument("--topic-prefix", metavar="P", help="topic name prefix (WIREWATCH_TOPIC_PREFIX, default 'wire.')")
    g.add_argument("--partitions", type=int, metavar="N",
                   help="partitions per topic when creating (WIREWATCH_PARTITIONS, default 4)")
    g.add_argument("--model", metavar="NAME", help="spaCy model package or path (WIREWATCH_MODEL)")
    g.add_argument("--regions", type=Path, metavar="FILE", help="regions of interest, GeoJSON (WIREWATCH_REGIONS)")
    g.add_argument("--rules", type=Path, metavar="FILE", help="alert rules, a JSON list (WIREWATCH_RULES)")
    g.add_argument("--web-host", metavar="HOST", help="web server bind address (WIREWATCH_WEB_HOST, default 127.0.0.1)")
    g.add_argument("--web-port", type=int, metavar="PORT", help="web server port (WIREWATCH_WEB_PORT, default 6066)")
    g.add_argument("--app-id", metavar="ID", help="Faust app id = consumer group (WIREWATCH_APP_ID)")
    g.add_argument("--data-dir", type=Path, metavar="DIR", help="logs and worker state (WIREWATCH_DATA_DIR, default .wirewatch)")
    g.add_argument("--log-level", metavar="LEVEL", help="debug, info, warning, error (WIREWATCH_LOG_LEVEL)")


def make_settings(args: argparse.Namespace) -> Settings:
    return Settings.from_env(
        broker=args.broker, topic_prefix=args.topic_prefix, partitions=args.partitions, model=args.model,
        regions=args.regions, rules=args.rules, web_host=args.web_host, web_port=args.web_port, app_id=args.app_id,
        data_dir=args.data_dir, log_level=args.log_level,
    )


def need_broker(settings: Settings, command: str) -> Settings:
    """``settings`` with a broker: the configured one (``--broker``, ``WIREWATCH_BROKER``), else that of the
    ``wirewatch run`` whose ``<data dir>/run.json`` names a live process."""
    if settings.broker is None:
        settings = settings.with_(broker=running_broker(settings))
    if settings.broker is None:
        raise ConfigError(
            f"`wirewatch {command}` needs a broker: set WIREWATCH_BROKER or --broker kafka://host:port, "
            f"or start `wirewatch run` (it starts an embedded one and writes {settings.data_dir / RUN_FILE}, "
            "which the other commands read)"
        )
    return settings


def running_broker(settings: Settings) -> str | None:
    """The broker URL in ``<data dir>/run.json`` when its ``wirewatch run`` is alive; a stale or corrupt
    file gets a one-line note on stderr and is ignored."""
    info, problem = read_run_info(settings.data_dir)
    if problem:
        print(f"wirewatch: note: ignoring {problem}", file=sys.stderr)
    if info is None:
        return None
    print(f"wirewatch: using the broker of `wirewatch run` (pid {info.pid}, {info.path}): {info.broker}",
          file=sys.stderr)
    return info.broker


def write_json_lines(path: Path, items: Iterable[Any]) -> None:
    import orjson

    path.write_bytes(b"".join(orjson.dumps(item) + b"\n" for item in items))


def print_json(data: Any) -> None:
    import orjson

    print(orjson.dumps(data, option=orjson.OPT_INDENT_2).decode())


def write_report(path: Path, report: dict) -> None:
    if str(path) == "-":
        print_json(report)
        return
    import orjson

    path.write_bytes(orjson.dumps(report, option=orjson.OPT_INDENT_2) + b"\n")
    print(f"wrote {path}", file=sys.stderr)


def reported_as_json(args: argparse.Namespace, report: dict, errors: Iterable[dict]) -> bool:
    """Write the errors where ``--errors`` says; print the report as JSON if ``--json`` (then say so)."""
    if args.errors:
        write_json_lines(args.errors, errors)
    if args.json:
        print_json(report)
    return bool(args.json)
