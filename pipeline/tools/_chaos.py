"""Crash, rebalance and accounting: prove that nothing is lost (``wirewatch chaos``, tests/reliability/).

A :class:`ChaosRun` starts workers on fresh topics, sends stories — new ones, exact duplicates (the same
uri and version again) and malformed messages — while killing workers with SIGKILL, and then
**reconciles** what came out against what went in, reading the topics themselves (a killed worker's
counters die with it):

- every distinct (uri, version) sent is on ``wire.enriched`` (a record may appear twice after a
  crash — at-least-once; consumers drop repeats by key + version);
- every malformed message is on ``wire.deadletter``, pointing at its raw offset;
- every duplicate send is accounted for by its original's enriched record (dropped as a duplicate,
  or — if a crash replayed it — enriched again under the same key and version);
- alerts: one alert id per (story, region, rule) — a replay re-sends the same id, never a new one.

``in = distinct enriched + dead-lettered + dropped-as-duplicate`` is printed; ``ok`` is false when any
input is missing.
"""

from __future__ import annotations

import asyncio
import os
import random
import signal
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import orjson

from ..core import Settings, terminate
from ..kafka import ensure_topics, read_all, send_keyed
from ._storygen import generate_stories

__all__ = ["ChaosRun", "Reconciliation", "soak"]


@dataclass
class Reconciliation:
    sent_stories: int = 0  # distinct (uri, version)
    sent_duplicates: int = 0
    sent_malformed: int = 0
    enriched_records: int = 0
    enriched_distinct: int = 0
    dead_lettered: int = 0
    missing: list[str] = field(default_factory=list)  # uris never enriched
    missing_dead_letters: int = 0
    alert_records: int = 0
    alert_ids: int = 0
    conflicting_alert_ids: list[str] = field(default_factory=list)  # (story, region, rule) with two ids
    kills: int = 0

    @property
    def ok(self) -> bool:
        return not self.missing and not self.missing_dead_letters and not self.conflicting_alert_ids

    def as_dict(self) -> dict:
        return {**{k: v for k, v in self.__dict__.items() if k not in ("missing", "conflicting_alert_ids")},
                "missing": self.missing[:20], "missing_count": len(self.missing),
                "conflicting_alert_ids": self.conflicting_alert_ids[:20], "ok": self.ok,
                "in": self.sent_stories + self.sent_duplicates + self.sent_malformed,
                "accounted": self.enriched_distinct + self.dead_lettered + self.sent_duplicates}

    def summary(self, final: bool = True) -> str:
        d = self.as_dict()
        return (f"in {d['in']} = {self.sent_stories} stories + {self.sent_duplicates} duplicates + "
                f"{self.sent_malformed} malformed; out: {self.enriched_distinct} distinct enriched "
                f"({self.enriched_records} records, {self.enriched_records - self.enriched_distinct} replayed), "
                f"{self.dead_lettered} dead-lettered, {self.sent_duplicates} dropped or replayed as duplicates; "
                f"missing {len(self.missing)}, dead letters missing {self.missing_dead_letters}; alerts: "
                f"{self.alert_records} records, {self.alert_ids} ids, {len(self.conflicting_alert_ids)} conflicting; "
                f"{self.kills} kill(s) → "
                f"{('OK' if self.ok else 'LOSS') if final else 'still in flight: ' + str(len(self.missing))}")


class ChaosRun:
    """Workers on fresh topics of ``settings``' broker; send, kill, restart, reconcile."""

    def __init__(self, settings: Settings, workdir: Path, *, workers: int = 1, partitions: int = 4,
                 say: Callable[[str], None] = lambda s: print(s, file=sys.stderr, flush=True),
                 worker_module: str = "pipeline") -> None:
        tag = uuid.uuid4().hex[:8]
        workdir.mkdir(parents=True, exist_ok=True)
        self.settings = settings.with_(topic_prefix=f"chaos{tag}.", app_id=f"wirewatch-chaos-{tag}",
                                       partitions=partitions, data_dir=workdir / tag)
        self.n_workers, self.say, self.worker_module = workers, say, worker_module
        self.procs: dict[int, subprocess.Popen] = {}
        self.ports: dict[int, int] = {}
        self.sent: dict[str, int] = {}  # uri → version
        self.duplicates = 0
        self.malformed: list[bytes] = []
        self.kills = 0
        self.count = 0  # stories sent so far (duplicates and malformed messages are interleaved by it)
        self.rnd = random.Random(tag)

    # -- workers ------------------------------------------------------------------------------
    async def start(self) -> None:
        s = self.settings
        s.data_dir.mkdir(parents=True, exist_ok=True)
        await ensure_topics(s.bootstrap_servers, s.all_topics, partitions=s.partitions, replication=s.replication)
        await asyncio.gather(*(self.start_worker(k) for k in range(self.n_workers)))

    async def start_worker(self, k: int) -> None:
        from ..kafka import free_port
        from ..stream import spawn_worker, wait_ready

        port = self.ports.setdefault(k, free_port("127.0.0.1"))
        log_path = self.settings.data_dir / f"worker-{k}.log"
        proc = self.procs[k] = spawn_worker(self.settings.with_(web_port=port), log_path, self.worker_module)
        await asyncio.to_thread(wait_ready, f"http://{self.settings.web_host}:{port}/ready", proc, 180.0, log_path)

    def kill(self, k: int) -> None:
        proc = self.procs.pop(k)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        self.kills += 1
        self.say(f"  killed worker {k} (SIGKILL)")

    def stop(self) -> None:
        for proc in self.procs.values():
            terminate(proc, timeout=15)
        self.procs.clear()

    # -- input ----------------------------------------------------------------------------------
    async def send(self, n: int, *, duplicate_every: int = 10, malformed_every: int = 50) -> None:
        """``n`` new stories; after every ``duplicate_every``-th an exact duplicate of a random earlier one,
        after every ``malformed_every``-th a malformed message."""
        stories = generate_stories(n, seed=self.rnd.randrange(1 << 30), prefix=f"urn:chaos:{uuid.uuid4().hex[:6]}")
        records: list[tuple[bytes, bytes]] = []
        originals: list[tuple[bytes, bytes]] = []
        for story in stories:
            self.count += 1
            k = self.count
            value = orjson.dumps({"uri": story.uri, "version": 1, "language": "en", "headline": story.headline,
                                  "body_text": story.body})
            records.append((story.uri.encode(), value))
            originals.append(records[-1])
            self.sent[story.uri] = 1
            if duplicate_every and k % duplicate_every == 0:
                records.append(self.rnd.choice(originals))
                self.duplicates += 1
            if malformed_every and k % malformed_every == 0:
                bad = b"{\"uri\": \"urn:chaos:broken\", \"body_text\": " + str(k).encode()  # truncated JSON
                records.append((b"", bad))
                self.malformed.append(bad)
        await send_keyed(self.settings.bootstrap_servers, self.settings.topics.raw,
                         [(key or None, value) for key, value in records])

    # -- output ---------------------------------------------------------------------------------
    async def enriched_count(self) -> int:
        return len({k for _, k, v in await read_all(self.settings.bootstrap_servers, [self.settings.topics.enriched]) if v})

    async def drained(self, timeout: float, quiet: float = 8.0) -> None:
        """Until every story is enriched and every malformed message dead-lettered, or ``timeout``."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            rec = await self.reconcile()
            if not rec.missing and not rec.missing_dead_letters:
                await asyncio.sleep(quiet)  # let alerts of the last stories arrive
                return
            await asyncio.sleep(2.0)

    async def diagnose(self, missing: list[str]) -> str:
        """Where the ``missing`` stories stopped: per partition of the raw and stories topics, the end
        offset, the consumer group's committed offset and the offsets of the missing stories (for a
        failing test's message: a stalled partition shows as committed < end with the missing above it)."""
        from aiokafka import AIOKafkaConsumer, TopicPartition

        s, t = self.settings, self.settings.topics
        wanted = set(missing)
        group = AIOKafkaConsumer(bootstrap_servers=s.bootstrap_servers, enable_auto_commit=False, group_id=s.app_id)
        await group.start()  # never subscribes: it only asks the group's committed offsets
        consumer = AIOKafkaConsumer(bootstrap_servers=s.bootstrap_servers, enable_auto_commit=False, group_id=None)
        await consumer.start()
        lines = []
        try:
            await consumer.topics()  # refreshes cluster metadata (before assign(), which narrows it)
            tps = [TopicPartition(topic, p) for topic in (t.raw, t.stories)
                   for p in sorted(consumer.partitions_for_topic(topic) or ())]
            ends = await consumer.end_offsets(tps)
            for tp in tps:
                done = await group.committed(tp)
                offsets: list[int] = []
                stuck = ""
                consumer.assign([tp])
                await consumer.seek_to_beginning(tp)
                while await consumer.position(tp) < ends[tp]:
                    batch = await consumer.getmany(tp, timeout_ms=2000)
                    if not batch:
                        stuck = f", nothing returned from {await consumer.position(tp)}"
                        break
                    for record in batch.get(tp, ()):
                        if record.key and record.key.decode(errors="replace") in wanted:
                            offsets.append(record.offset)
                shown = ", ".join(map(str, offsets[:3])) + (f" … {offsets[-1]}" if len(offsets) > 3 else "")
                lines.append(f"{tp.topic}[{tp.partition}]: end {ends[tp]}, committed {'-' if done is None else done}, "
                             f"missing {len(offsets)} at [{shown}]{stuck}")
        finally:
            await consumer.stop()
            await group.stop()
        return "; ".join(lines)

    async def reconcile(self) -> Reconciliation:
        t = self.settings.topics
        rec = Reconciliation(sent_stories=len(self.sent), sent_duplicates=self.duplicates,
                             sent_malformed=len(self.malformed), kills=self.kills)
        enriched: dict[tuple[str, int], int] = {}
        for _, _key, value in await read_all(self.settings.bootstrap_servers, [t.enriched]):
            if value:
                item = orjson.loads(value)
                enriched[item["uri"], item["version"]] = enriched.get((item["uri"], item["version"]), 0) + 1
        rec.enriched_records = sum(enriched.values())
        rec.enriched_distinct = len(enriched)
        rec.missing = sorted(uri for uri, version in self.sent.items() if (uri, version) not in enriched)
        letters = [orjson.loads(v) for _, _, v in await read_all(self.settings.bootstrap_servers, [t.deadletter]) if v]
        offsets = {(d.get("source_topic"), d.get("partition"), d.get("offset")) for d in letters
                   if d.get("stage") == "normalize"}
        rec.dead_lettered = len(offsets)
        rec.missing_dead_letters = max(0, len(self.malformed) - rec.dead_lettered)
        ids: dict[tuple[str, str, str], set[str]] = {}
        for _, _, value in await read_all(self.settings.bootstrap_servers, [t.alerts]):
            if value:
                a = orjson.loads(value)
                rec.alert_records += 1
                ids.setdefault((a["story_uri"], a["region_id"], a.get("rule_id") or ""), set()).add(a["alert_id"])
        rec.alert_ids = len({i for v in ids.values() for i in v})
        rec.conflicting_alert_ids = sorted(f"{k}: {sorted(v)}" for k, v in ids.items() if len(v) > 1)
        return rec


def soak(settings: Settings, workdir: Path, *, minutes: float, workers: int = 2, rate: float = 10.0,
         kill_every: tuple[float, float] = (20.0, 60.0), say: Callable[[str], None] = lambda s: print(s, flush=True)
         ) -> Reconciliation:
    """``wirewatch chaos``: for ``minutes``, send ``rate`` stories/s and SIGKILL a random worker every
    ``kill_every`` seconds (uniform), restarting it; then drain and reconcile."""
    from ..kafka import EMBEDDED_PRODUCER_BATCH_BYTES, EmbeddedBroker

    broker = None
    if settings.broker is None:
        broker = EmbeddedBroker(log_path=workdir / "broker.log").start()
        settings = settings.with_(broker=broker.url, producer_batch_bytes=EMBEDDED_PRODUCER_BATCH_BYTES,
                                  session_timeout=2.0)
    run = ChaosRun(settings, workdir, workers=workers, say=say)

    async def go() -> Reconciliation:
        await run.start()
        say(f"chaos: {workers} worker(s) on {run.settings.bootstrap_servers}, topics {run.settings.topic_prefix}*, "
            f"{rate:g} stories/s for {minutes:g} min, a kill every {kill_every[0]:g}–{kill_every[1]:g} s")
        end = time.monotonic() + minutes * 60
        next_kill = time.monotonic() + run.rnd.uniform(*kill_every)
        while time.monotonic() < end:
            started = time.monotonic()
            await run.send(max(1, int(rate)))
            if time.monotonic() >= next_kill:
                victim = run.rnd.choice(sorted(run.procs))
                run.kill(victim)
                await run.start_worker(victim)
                next_kill = time.monotonic() + run.rnd.uniform(*kill_every)
                rec = await run.reconcile()
                say(f"  so far: {rec.summary(final=False)}")
            await asyncio.sleep(max(0.0, 1.0 - (time.monotonic() - started)))
        say("chaos: draining …")
        await run.drained(timeout=600)
        return await run.reconcile()

    try:
        return asyncio.run(go())
    finally:
        run.stop()
        if broker is not None:
            broker.stop()
