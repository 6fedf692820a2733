"""Bounded state under a long run: ``python -m pipeline.tools._soak [--stories 100000] [--every 10000]``.

One worker, on the embedded broker (memory storage) unless ``WIREWATCH_BROKER`` is set, on fresh topics,
with an **NLP-free fast path**: the worker (this module run as ``python -m pipeline.tools._soak worker``)
replaces its NLP runner with a stand-in that gives each story one place at a point derived from its uri
— no spaCy, no gazetteer — so stories flow at the speed of the pipeline's own bookkeeping, and a region
covering the world makes every story alert: the enrich stage's ``versions``, the match stage's
``alerted`` and the ``incidents`` books all do their full work. A share of the stories get a kill (sent
with the next step's stories).

Every ``--every`` stories, once they are all enriched, it prints: stories sent, the worker's RSS (VmRSS)
and peak (VmHWM), the entries its tables hold (``table_entries_*`` of ``/stats``, set at each sweep), the
records on the table changelogs, and — every ``--restart-every`` steps (default 1; 0: never) — the
**restart recovery time**: the worker stopped (SIGTERM), started again, and a new story sent at once:
process start → that story on ``wire.enriched`` (process start, table recovery from the changelogs,
rebalance, one story through). The RSS of a step after a restart includes what the recovery allocated.

Run it with a short retention window (``--retention-minutes``, default 2, and ``--sweep-seconds``, 15) to
see the tables forget: RSS stays flat while stories keep coming. ``--retention-minutes 0`` keeps
everything (the tables grow with every story) for comparison. A measurement, not a test.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import os
import sys
import time
import uuid
from pathlib import Path
from typing import Sequence

import orjson

__all__ = ["main"]

_WORLD = {"type": "FeatureCollection", "features": [
    {"type": "Feature", "geometry": None, "properties": {"id": "world", "name": "Everywhere", "bbox": [-180, -90, 180, 90]}}]}


# -- the worker's stand-in NLP ------------------------------------------------------------------------
def _stand_in_runner():
    from ..core import Story, dumps, to_dict
    from ..enrich import Enricher
    from ..stream import NlpRunner

    class StandIn(NlpRunner):
        """Enriches without NLP: one place per story, at a point derived from its uri."""

        model_name = "soak-stand-in"
        load_seconds: dict[str, float] = {}

        async def enrich(self, stories: Sequence[Story]) -> list[bytes]:
            out = []
            for story in stories:
                h = int.from_bytes(hashlib.blake2b(story.uri.encode(), digest_size=8).digest(), "big")
                place = {"text": "Soakville", "start": 0, "end": 9, "geonameid": 1 + h % 10_000_000, "name": "Soakville",
                         "country_code": "XX", "admin1": None, "lat": (h % 17_000) / 100 - 85,
                         "lon": (h // 17_000 % 36_000) / 100 - 180, "feature": "P.PPL", "confidence": 1.0}
                data = to_dict(Enricher.killed(story, self.model_name))
                data.update(places=[place], tags=[])
                out.append(dumps(data))
            return out

        def close(self) -> None:
            pass

    return StandIn()


def _worker() -> None:
    """``wirewatch worker`` with the stand-in NLP (``python -m pipeline`` run in this process)."""
    import runpy

    from .. import stream

    def make_runner(kind: str, model: str, batch_size: int, **_: object):  # the worker's call, answered by the stand-in
        return _stand_in_runner()

    stream.make_runner = make_runner  # what `wirewatch worker` imports from the package
    sys.argv = ["wirewatch", "worker"]
    runpy.run_module("pipeline", run_name="__main__")


# -- the measurement -------------------------------------------------------------------------------------
def _rss_kb(pid: int) -> tuple[int, int]:
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            fields[name] = int(value.split()[0])
    return fields.get("VmRSS", 0), fields.get("VmHWM", 0)


def _gauges(url: str) -> dict:
    import urllib.request

    with urllib.request.urlopen(url, timeout=10) as resp:
        return orjson.loads(resp.read()).get("gauges", {})


async def _total(bootstrap: str, topics: list[str]) -> int:
    from aiokafka import AIOKafkaConsumer, TopicPartition

    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await consumer.start()
    try:
        tps = [TopicPartition(t, p) for t in topics for p in (consumer.partitions_for_topic(t) or ())]
        if not tps:
            await consumer.topics()  # fetch metadata, then ask again
            tps = [TopicPartition(t, p) for t in topics for p in (consumer.partitions_for_topic(t) or ())]
        ends = await consumer.end_offsets(tps)
        return sum(ends.values())
    finally:
        await consumer.stop()


def run(args: argparse.Namespace) -> int:
    from ..core import Settings, terminate
    from ..kafka import (
        EmbeddedBroker,
        ensure_topics,
        for_embedded,
        free_port,
        send_keyed,
    )
    from ..stream import spawn_worker, wait_ready
    from ._storygen import generate_stories

    workdir = Path(args.workdir) / uuid.uuid4().hex[:8]
    workdir.mkdir(parents=True, exist_ok=True)
    regions = workdir / "world.geojson"
    regions.write_bytes(orjson.dumps(_WORLD))
    settings = Settings.from_env()
    broker = None
    if settings.broker is None:
        broker = EmbeddedBroker(log_path=workdir / "broker.log").start()
        settings = for_embedded(settings, broker.url)
    tag = workdir.name
    settings = settings.with_(topic_prefix=f"soak{tag}.", app_id=f"wirewatch-soak-{tag}", data_dir=workdir,
                              regions=regions, web_port=free_port("127.0.0.1"),
                              state_retention_days=args.retention_minutes / 1440.0,
                              state_sweep_seconds=args.sweep_seconds)
    bootstrap = settings.bootstrap_servers
    log_path = workdir / "worker.log"
    ready_url = f"http://{settings.web_host}:{settings.web_port}/ready"
    procs = []

    def start():
        proc = spawn_worker(settings, log_path, "pipeline.tools._soak")
        procs.append(proc)
        return proc

    async def go() -> None:
        await ensure_topics(bootstrap, settings.all_topics, partitions=settings.partitions,
                            replication=settings.replication)
        proc = start()
        await asyncio.to_thread(wait_ready, ready_url, proc, 180.0, log_path)
        print(f"soak: {args.stories:,} stories in steps of {args.every:,}, {args.kills:.0%} killed; retention "
              f"{args.retention_minutes:g} min, sweep every {args.sweep_seconds:g} s; worker pid {proc.pid}; "
              f"NLP-free stand-in", flush=True)
        print("| stories | s | stories/s | RSS MB | peak RSS MB | table entries (versions / alerted / incidents) "
              "| changelog records | restart → story through (s) |", flush=True)
        print("|---|---|---|---|---|---|---|---|", flush=True)
        sent = enriched_expected = 0
        began = time.monotonic()
        step = 0
        kills: list[tuple[bytes | None, bytes]] = []  # of the previous step's stories: each its own record
        while sent < args.stories:
            n = min(args.every, args.stories - sent)
            records, kills = kills, []
            for k, story in enumerate(generate_stories(n, seed=step + 1, paragraphs=4, prefix=f"urn:soak:{step}")):
                records.append((story.uri.encode(), orjson.dumps({
                    "uri": story.uri, "version": 1, "language": "en", "headline": story.headline,
                    "body_text": story.body})))
                if args.kills and k % round(1 / args.kills) == 0:
                    kills.append((story.uri.encode(), orjson.dumps({
                        "uri": story.uri, "version": 2, "language": "en", "pubstatus": "canceled",
                        "headline": f"KILL {story.headline}", "body_text": ""})))
            await send_keyed(bootstrap, settings.topics.raw, records)
            sent += n
            step += 1
            enriched_expected += len(records)
            while await _total(bootstrap, [settings.topics.enriched]) < enriched_expected:
                if proc.poll() is not None:
                    raise SystemExit(f"the worker exited ({proc.returncode}); see {log_path}")
                await asyncio.sleep(1.0)
            elapsed = time.monotonic() - began
            rss, peak = _rss_kb(proc.pid)
            changelog = await _total(bootstrap, settings.changelog_topics)
            await asyncio.sleep(args.sweep_seconds)  # one sweep: the gauges are current
            gauges = await asyncio.to_thread(_gauges, f"http://{settings.web_host}:{settings.web_port}/stats")
            entries = " / ".join(f"{gauges.get(f'table_entries_{n}', 0):,.0f}" for n in ("versions", "alerted", "incidents"))
            if not args.restart_every or step % args.restart_every:
                print(f"| {sent:,} | {elapsed:.0f} | {sent / elapsed:.0f} | {rss / 1024:.0f} | {peak / 1024:.0f} | "
                      f"{entries} | {changelog:,} | – |", flush=True)
                continue
            # restart: stop, start, and one new story through
            terminate(proc, timeout=30)
            t0 = time.monotonic()
            proc = start()
            probe = f"urn:soak:probe:{step}"
            await send_keyed(bootstrap, settings.topics.raw, [(probe.encode(), orjson.dumps({
                "uri": probe, "version": 1, "language": "en", "headline": "Probe", "body_text": "A probe story."}))])
            enriched_expected += 1
            while await _total(bootstrap, [settings.topics.enriched]) < enriched_expected:
                if proc.poll() is not None:
                    raise SystemExit(f"the worker exited ({proc.returncode}); see {log_path}")
                await asyncio.sleep(0.2)
            recovery = time.monotonic() - t0
            print(f"| {sent:,} | {elapsed:.0f} | {sent / elapsed:.0f} | {rss / 1024:.0f} | {peak / 1024:.0f} | "
                  f"{entries} | {changelog:,} | {recovery:.1f} |", flush=True)

    try:
        asyncio.run(go())
    finally:
        for proc in procs:
            if proc.poll() is None:
                terminate(proc, timeout=15)
        if broker is not None:
            broker.stop()
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["worker"]:
        _worker()
        return 0
    p = argparse.ArgumentParser(prog="python -m pipeline.tools._soak", description=__doc__.split("\n\n")[0])
    p.add_argument("--stories", type=int, default=100_000)
    p.add_argument("--every", type=int, default=10_000, help="stories between two measurements (and restarts)")
    p.add_argument("--kills", type=float, default=0.05, help="share of stories that get a kill (default 0.05)")
    p.add_argument("--retention-minutes", dest="retention_minutes", type=float, default=2.0,
                   help="the tables' retention window, minutes (default 2; 0: for ever)")
    p.add_argument("--sweep-seconds", dest="sweep_seconds", type=float, default=15.0,
                   help="seconds between the worker's expiry sweeps (default 15)")
    p.add_argument("--restart-every", dest="restart_every", type=int, default=1, metavar="STEPS",
                   help="restart the worker (and time its recovery) every STEPS measurements (default 1; 0: never)")
    p.add_argument("--workdir", default=os.environ.get("WIREWATCH_DATA_DIR", ".wirewatch") + "/soak")
    return run(p.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
