"""``wirewatch run``: the whole pipeline on one machine — broker, worker, web, demo, alerts."""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import logging
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Callable, TextIO

from ._common import add_common, make_settings

if TYPE_CHECKING:
    from ..core import Settings

__all__ = ["RunOptions", "run_pipeline", "demo_stories", "add_parser", "cmd_run"]

DEMO_DIR = Path(__file__).parent.parent / "demo" / "stories"
DEMO_REGIONS = DEMO_DIR.parent / "regions.geojson"
DEMO_RULES = DEMO_DIR.parent / "rules.json"


def demo_stories() -> list[Path]:
    return sorted(p for p in DEMO_DIR.iterdir() if p.is_file())


@dataclasses.dataclass
class RunOptions:
    ingest: list[Path]
    until_alerts: int | None = None  # exit 0 once this many alerts arrived (CI / smoke tests)
    timeout: float | None = None  # give up (exit 1) after this many seconds
    ready_timeout: float = 120.0


def _say(out: TextIO, text: str) -> None:
    print(text, file=out, flush=True)


class _StopRequest:
    """The handler of SIGINT and SIGTERM: raises KeyboardInterrupt where the signal lands, and marks the stop.
    Python prints and drops an exception raised inside a weakref callback or a ``__del__`` ("Exception ignored
    in …"): an interrupt landing there would be lost and ``run`` would go on waiting for alerts. The mark is
    not lost: :func:`_until_stopped` turns it into the interrupt inside the event loop."""

    def __init__(self) -> None:
        self.requested = False

    def __call__(self, signum: int, frame: object) -> None:
        self.requested = True
        raise KeyboardInterrupt


async def _until_stopped(stop: _StopRequest, every: float = 0.2) -> None:
    """Raise KeyboardInterrupt (which ends ``asyncio.run``) once ``stop`` is marked."""
    while not stop.requested:
        await asyncio.sleep(every)
    raise KeyboardInterrupt


async def _ingest_and_watch(settings: Settings, options: RunOptions, out: TextIO,
                            stop: _StopRequest | None = None) -> int:
    guard = asyncio.ensure_future(_until_stopped(stop)) if stop is not None else None
    try:
        return await _watch_alerts(settings, options, out)
    finally:
        if guard is not None:
            guard.cancel()
            if guard.done() and not guard.cancelled():
                guard.exception()  # the interrupt it raised is being handled: no "never retrieved" report


async def _watch_alerts(settings: Settings, options: RunOptions, out: TextIO) -> int:
    from ..core import Alert, DeadLetter, from_json, render_alert, render_dead_letter
    from ..kafka import follow, produce

    names = settings.topics
    started = asyncio.Event()
    seen_alerts: dict[str, Alert] = {}

    async def watch() -> None:
        async for topic, _key, value in follow(settings.bootstrap_servers, [names.alerts, names.deadletter], started=started):
            if topic == names.alerts:
                alert = from_json(Alert, value)
                seen_alerts[alert.alert_id] = alert
                _say(out, render_alert(alert))
                if options.until_alerts is not None and len(seen_alerts) >= options.until_alerts:
                    return
            else:
                _say(out, render_dead_letter(from_json(DeadLetter, value)))

    watcher = asyncio.ensure_future(watch())
    await asyncio.wait([watcher, asyncio.ensure_future(started.wait())], return_when=asyncio.FIRST_COMPLETED)
    if watcher.done():
        watcher.result()
    if options.ingest:
        sent = await produce(settings.bootstrap_servers, names.raw, (p.read_bytes() for p in options.ingest))
        _say(out, f"· ingested {sent} stor{'y' if sent == 1 else 'ies'} into {names.raw}; "
                  "alerts follow as they arrive (Ctrl-C stops)")
    try:
        await asyncio.wait_for(watcher, timeout=options.timeout)
    except asyncio.TimeoutError:
        _say(out, f"· timed out after {options.timeout:.0f} s with {len(seen_alerts)} alert(s)")
        return 1
    return 0


#: Seconds the worker has to stop after SIGTERM before it is killed (SIGKILL) when ``run`` stops: it keeps
#: nothing that a replay does not restore (at-least-once), and Ctrl-C should not wait.
WORKER_GRACE = 2.0


def _handle_stop_signals(handler) -> Callable[[], None]:
    """Send SIGINT and SIGTERM to ``handler``; returns what puts the previous handlers back. Outside the main
    thread (where signals cannot be handled) nothing changes."""
    try:
        previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGINT, signal.SIGTERM)}
    except ValueError:
        return lambda: None

    def restore() -> None:
        for sig, previous_handler in previous.items():
            signal.signal(sig, previous_handler)

    return restore


def _ensure_gazetteer_index(out: TextIO) -> None:
    """Build the gazetteer's cached index here, saying so, rather than in the worker where the first start
    would sit silent for half a minute."""
    from ..geo import Gazetteer

    path = Gazetteer.index_path()
    if path.exists():
        return
    _say(out, "· building the gazetteer index from GeoNames data (first start only, about half a minute) …")
    started = time.monotonic()
    logger = logging.getLogger("wirewatch.gazetteer")
    level = logger.level
    logger.setLevel(logging.ERROR)  # said here already
    try:
        Gazetteer.load()
    finally:
        logger.setLevel(level)
    _say(out, f"· gazetteer index built in {time.monotonic() - started:.1f} s (cached in {path.parent})")


def run_pipeline(settings: Settings, options: RunOptions, out: TextIO = sys.stdout) -> int:
    from ..core import BrokerError, remove_run_info, terminate, write_run_info
    from ..kafka import EmbeddedBroker, embedded_broker, ensure_topics, for_embedded
    from ..stream import spawn_worker, wait_ready

    t0 = time.monotonic()
    data_dir = settings.data_dir
    data_dir.mkdir(parents=True, exist_ok=True)
    broker: EmbeddedBroker | None = None
    worker: subprocess.Popen | None = None
    worker_log_path = data_dir / "worker.log"
    stop = _StopRequest()
    restore_signals = _handle_stop_signals(stop)  # SIGTERM stops it like Ctrl-C
    try:
        if settings.broker is None:
            broker = embedded_broker(settings.storage, data_dir).start()
            settings = for_embedded(settings, broker.url)
            _say(out, f"· embedded broker (Tansu) at {broker.url} — {broker.storage_banner()};\n"
                      "  set WIREWATCH_BROKER=kafka://host:port to use a real Kafka cluster")
        created = asyncio.run(
            ensure_topics(settings.bootstrap_servers, settings.all_topics,
                          partitions=settings.partitions, replication=settings.replication)
        )
        if created:
            _say(out, f"· created topics: {', '.join(created)} ({settings.partitions} partitions)")
        _ensure_gazetteer_index(out)
        worker = spawn_worker(settings, worker_log_path)
        base = f"http://{settings.web_host}:{settings.web_port}"
        _say(out, f"· worker starting (log: {worker_log_path}) …")
        waited = wait_ready(f"{base}/ready", worker, options.ready_timeout, worker_log_path)
        _say(out, f"· worker ready in {waited:.1f} s; live map at {base}/ "
                  "(API: /api, health: /health, readiness: /ready, metrics: /metrics)")
        run_file = write_run_info(data_dir, settings.broker, base)
        _say(out, f"· wrote {run_file}: wirewatch ingest, tail, topics, regions and rules use this broker "
                  "when none is given")
        if stop.requested:  # asked to stop while starting, and the interrupt was dropped where it landed
            raise KeyboardInterrupt
        code = asyncio.run(_ingest_and_watch(settings, options, out, stop))
        _say(out, f"· done in {time.monotonic() - t0:.1f} s")
        return code
    except KeyboardInterrupt:  # Ctrl-C, or SIGTERM: a normal way to stop
        _say(out, "\n· stopping the worker and the broker …")
        return 0
    except BrokerError as exc:
        _say(sys.stderr, f"wirewatch: {exc}")
        return 2
    finally:
        _handle_stop_signals(signal.SIG_IGN)  # a second Ctrl-C does not cut the clean-up short
        remove_run_info(data_dir)
        if worker is not None:
            terminate(worker, timeout=WORKER_GRACE)
        if broker is not None:
            broker.stop()
        restore_signals()


def cmd_run(args: argparse.Namespace) -> int:
    from ..ingest import expand_paths

    settings = make_settings(args)
    if args.memory:
        settings = dataclasses.replace(settings, storage="memory")
    if settings.broker is None and settings.storage == "memory":  # nothing survives the broker: nor the tables
        settings = dataclasses.replace(settings, table_store="memory")
    if args.demo and settings.rules is None and settings.regions.resolve() == DEMO_REGIONS.resolve():
        # the demo's two rules narrow two of its four regions; the other two alert on every story
        settings = dataclasses.replace(settings, rules=DEMO_RULES)
    ingest = demo_stories() if args.demo else []
    ingest += expand_paths(args.ingest) if args.ingest else []
    return run_pipeline(settings, RunOptions(ingest=ingest, until_alerts=args.until_alerts, timeout=args.timeout))


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("run", help="start everything: (embedded) broker, worker, web; optionally ingest; print alerts",
                       description="Start the (embedded) broker, create topics, start one worker with the web server, "
                                   "ingest stories and print alerts and dead letters as they arrive. Ctrl-C stops everything.")
    p.add_argument("--demo", action="store_true",
                   help="ingest the bundled demo stories (with the demo regions, also the demo rules unless --rules)")
    p.add_argument("--ingest", nargs="*", default=[], metavar="PATH", help="also ingest these files/directories")
    p.add_argument("--until-alerts", type=int, metavar="N", help="exit 0 once N distinct alerts arrived")
    p.add_argument("--timeout", type=float, metavar="S", help="exit 1 if not done after S seconds")
    p.add_argument("--memory", action="store_true",
                   help="embedded broker: keep topics in memory only, lost when it stops (WIREWATCH_STORAGE=memory; "
                        "default: files under the data directory, kept across restarts)")
    add_common(p)
