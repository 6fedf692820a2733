"""Crash, rebalance and accounting: prove that nothing is lost (``wirewatch chaos``, tests/reliability/).

A :class:`ChaosRun` starts workers on fresh topics, sends stories — new ones, second versions and kills
close behind their originals, exact duplicates (the same uri and version again) and malformed messages —
while killing workers with SIGKILL and adding and stopping workers, and then **reconciles** what came out
against what went in, reading the topics themselves (a killed worker's counters die with it):

- the latest version sent of every story (its v2, or its kill) is on ``wire.enriched`` (a record may
  appear twice after a crash — at-least-once; consumers drop repeats by key + version);
- an earlier version is on ``wire.enriched`` or was **superseded**: a later version of the same story is
  there (the enrich stage drops a version that a later one follows in the same batch — its
  ``dropped.superseded`` counter);
- every malformed message is on ``wire.deadletter``, pointing at its raw offset;
- every duplicate send is accounted for by its original's enriched record (dropped as a duplicate,
  or — if a crash replayed it — enriched again under the same key and version);
- **order**, per story, in offset order on ``wire.enriched`` (a story's records share a partition): no
  version lower than one already there (**backwards**; repeats of the latest are at-least-once); for a
  killed story, the kill is its last record — after it only repeats of the kill (**kills not final**);
- alerts: one alert id per (story, region, rule) — a replay re-sends the same id, never a new one — and
  an alert whose stories were all killed ends ``retracted`` (its last record on ``wire.alerts``; else
  **alerts left active**).

``in = distinct enriched + superseded + dead-lettered + dropped-as-duplicate`` is printed; ``ok`` is
false when any input is missing or any order check fails.
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
from ._storygen import SyntheticStory, generate_stories

__all__ = ["ChaosRun", "Reconciliation", "soak"]


_LISTS = ("missing", "conflicting_alert_ids", "backwards", "kills_not_final", "alerts_left_active")


def _epoch(stamp: str | None) -> float | None:
    from datetime import datetime

    try:
        return datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp() if stamp else None
    except ValueError:
        return None


def _pauses(times: list[float], moments: list[tuple[float, str]], window: float = 15.0) -> list[tuple[str, float]]:
    """Per hand-over, the longest gap between consecutive ``times`` (sorted) that overlaps ``window`` seconds
    after it (0 when stories kept coming at once)."""
    out = []
    for at, what in moments:
        gaps = [b - max(a, at) for a, b in zip(times, times[1:], strict=False) if b > at and a < at + window]
        out.append((what, round(max(gaps, default=0.0), 2)))
    return out


def _killed(record: dict) -> bool:
    return record.get("pubstatus") in ("canceled", "withheld")


def _shown(record: dict) -> str:
    return f"v{record.get('version')}{' kill' if _killed(record) else ''}"


@dataclass
class Reconciliation:
    sent_stories: int = 0  # new stories (their first version)
    sent_versions: int = 0  # second versions of them
    sent_kills: int = 0  # kills (withdrawals) of them
    sent_duplicates: int = 0
    sent_malformed: int = 0
    enriched_records: int = 0
    enriched_distinct: int = 0  # distinct (uri, version) on wire.enriched
    superseded: int = 0  # earlier versions not on wire.enriched, a later one of the same story there
    dead_lettered: int = 0
    missing: list[str] = field(default_factory=list)  # "uri vN" sent, neither enriched nor superseded
    missing_dead_letters: int = 0
    backwards: list[str] = field(default_factory=list)  # uri: its records on wire.enriched, out of order
    kills_not_final: list[str] = field(default_factory=list)  # uri: its records, something after the kill
    alert_records: int = 0
    alert_ids: int = 0
    conflicting_alert_ids: list[str] = field(default_factory=list)  # (story, region, rule) with two ids
    alerts_left_active: list[str] = field(default_factory=list)  # alert id (uri): killed, last record not retracted
    kills: int = 0  # workers SIGKILLed
    scale_outs: int = 0  # workers added
    scale_ins: int = 0  # workers stopped (SIGTERM)
    # hand-overs: each worker start's spawn → /ready seconds, in order; and per kill, restart, scale-out or
    # scale-in, the longest silence of wire.enriched (no story enriched, by enriched_at) overlapping the 15 s
    # after it — the stories keep coming all along, so a silence is a pause of the pipeline
    ready_seconds: list[float] = field(default_factory=list)
    pauses: list[tuple[str, float]] = field(default_factory=list)

    @property
    def order_ok(self) -> bool:
        return not self.backwards and not self.kills_not_final and not self.alerts_left_active

    @property
    def ok(self) -> bool:
        return (not self.missing and not self.missing_dead_letters and not self.conflicting_alert_ids
                and self.order_ok)

    def as_dict(self) -> dict:
        return {**{k: v for k, v in self.__dict__.items() if k not in _LISTS},
                **{k: getattr(self, k)[:20] for k in _LISTS},
                **{f"{k}_count": len(getattr(self, k)) for k in _LISTS}, "ok": self.ok,
                "in": self.sent_stories + self.sent_versions + self.sent_kills + self.sent_duplicates
                + self.sent_malformed,
                "accounted": self.enriched_distinct + self.superseded + self.dead_lettered + self.sent_duplicates}

    def summary(self, final: bool = True) -> str:
        d = self.as_dict()
        verdict = ("OK" if self.ok else "LOSS" if self.missing or self.missing_dead_letters else "VIOLATION") \
            if final else "still in flight: " + str(len(self.missing))
        return (f"in {d['in']} = {self.sent_stories} stories + {self.sent_versions} second versions + "
                f"{self.sent_kills} kills + {self.sent_duplicates} duplicates + {self.sent_malformed} malformed; "
                f"out: {self.enriched_distinct} distinct enriched "
                f"({self.enriched_records} records, {self.enriched_records - self.enriched_distinct} replayed), "
                f"{self.superseded} superseded, {self.dead_lettered} dead-lettered, "
                f"{self.sent_duplicates} dropped or replayed as duplicates; "
                f"missing {len(self.missing)}, dead letters missing {self.missing_dead_letters}; "
                f"order: {len(self.backwards)} backwards, {len(self.kills_not_final)} kills not final; alerts: "
                f"{self.alert_records} records, {self.alert_ids} ids, {len(self.conflicting_alert_ids)} conflicting, "
                f"{len(self.alerts_left_active)} left active; workers: {self.kills} kill(s), "
                f"{self.scale_outs} scale-out(s), {self.scale_ins} scale-in(s){self.handovers()} → {verdict}")

    def handovers(self) -> str:
        if not self.ready_seconds and not self.pauses:
            return ""
        ready = ", ".join(f"{s:.1f}" for s in self.ready_seconds)
        pauses = ", ".join(f"{what} {s:.1f}" for what, s in self.pauses)
        return f"; ready after spawn (s): {ready}; longest pause after (s): {pauses or 'none'}"


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
        self.ready_s: list[float] = []  # each start's spawn → /ready
        self.moments: list[tuple[float, str]] = []  # (epoch seconds, "kill 1" …) of each hand-over
        self.sent: dict[str, list[int]] = {}  # uri → the versions sent, in order
        self.killed: set[str] = set()  # uris sent a kill (their last version)
        self.versions = 0  # second versions sent
        self.withdrawals = 0  # kills sent
        self.duplicates = 0
        self.malformed: list[bytes] = []
        self.kills = 0
        self.scale_outs = self.scale_ins = 0
        self.count = 0  # stories sent so far (duplicates and malformed messages are interleaved by it)
        # second versions and kills still to send: (after story #, order, uri, version), and per uri its
        # text and what still follows ("v2", "kill")
        self.due: list[tuple[int, int, str, int]] = []
        self.plans: dict[str, tuple[SyntheticStory, list[str]]] = {}
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
        started, restart = time.monotonic(), k in self.ports and any(what.endswith(f" {k}") for _, what in self.moments)
        self.moments.append((time.time(), f"{'restart' if restart else 'start'} {k}"))
        proc = self.procs[k] = spawn_worker(self.settings.with_(web_port=port), log_path, self.worker_module)
        await asyncio.to_thread(wait_ready, f"http://{self.settings.web_host}:{port}/ready", proc, 180.0, log_path)
        self.ready_s.append(round(time.monotonic() - started, 2))

    def kill(self, k: int) -> None:
        proc = self.procs.pop(k)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        self.moments.append((time.time(), f"kill {k}"))
        self.kills += 1
        self.say(f"  killed worker {k} (SIGKILL)")

    async def scale_out(self) -> int:
        """Start one more worker (the group rebalances); returns its number."""
        k = max(self.procs, default=-1) + 1
        await self.start_worker(k)
        self.moments = [(t, f"scale-out {k}" if what == f"start {k}" else what) for t, what in self.moments]
        self.scale_outs += 1
        self.say(f"  scaled out: worker {k} started ({len(self.procs)} running)")
        return k

    def scale_in(self, k: int | None = None) -> int:
        """Stop worker ``k`` (the newest by default) as an operator would: SIGTERM, then wait."""
        k = max(self.procs) if k is None else k
        self.moments.append((time.time(), f"scale-in {k}"))
        code = terminate(self.procs.pop(k), timeout=30)
        self.scale_ins += 1
        self.say(f"  scaled in: worker {k} stopped (exit {code}, {len(self.procs)} running)")
        return k

    async def backlog(self) -> int:
        """Records on the raw topic not yet committed by the group (what waits to be normalised)."""
        from aiokafka import AIOKafkaConsumer, TopicPartition

        s = self.settings
        group = AIOKafkaConsumer(bootstrap_servers=s.bootstrap_servers, enable_auto_commit=False, group_id=s.app_id)
        await group.start()  # never subscribes: it only asks the group's committed offsets
        try:
            tps = [TopicPartition(s.topics.raw, p) for p in range(s.partitions)]
            ends = await group.end_offsets(tps)
            return sum([ends[tp] - ((await group.committed(tp)) or 0) for tp in tps])
        finally:
            await group.stop()

    def stop(self) -> None:
        for proc in self.procs.values():
            terminate(proc, timeout=15)
        self.procs.clear()

    # -- input ----------------------------------------------------------------------------------
    async def send(self, n: int, *, duplicate_every: int = 10, malformed_every: int = 50, versions: float = 0.0,
                   kills: float = 0.0, within: int = 4, carry: bool = False) -> None:
        """``n`` new stories; after every ``duplicate_every``-th an exact duplicate of a random earlier
        record, after every ``malformed_every``-th a malformed message. A share ``versions`` of the stories
        get a second version and a share ``kills`` a kill (ninjs ``pubstatus: canceled``, the next
        version number), each 0..``within`` stories after what it follows — right behind it in the same
        batch, or a few messages later: (v1, v2), (v1, kill) or (v1, v2, kill). With ``carry``, what is due
        after this send's last story waits for the next send; else it goes out at the end of this one."""
        stories = generate_stories(n, seed=self.rnd.randrange(1 << 30), prefix=f"urn:chaos:{uuid.uuid4().hex[:6]}")
        records: list[tuple[bytes, bytes]] = []
        originals: list[tuple[bytes, bytes]] = []
        due, plans = self.due, self.plans

        def follow_up(uri: str, version: int) -> tuple[bytes, bytes]:
            story, steps = plans[uri]
            step = steps.pop(0)
            if not steps:
                del plans[uri]
            if step == "v2":
                value = {"uri": uri, "version": version, "language": "en", "headline": f"UPDATE {story.headline}",
                         "body_text": story.body + "\n\nThe story was updated with new details."}
                self.versions += 1
            else:
                value = {"uri": uri, "version": version, "language": "en", "pubstatus": "canceled",
                         "headline": f"KILL {story.headline}", "body_text": ""}
                self.withdrawals += 1
                self.killed.add(uri)
            self.sent[uri].append(version)
            return uri.encode(), orjson.dumps(value)

        def release(upto: int) -> None:
            due.sort()
            while due and due[0][0] <= upto:
                _, _, uri, version = due.pop(0)
                records.append(follow_up(uri, version))
                originals.append(records[-1])
                if uri in plans:
                    due.append((upto + self.rnd.randint(0, within), self.count, uri, version + 1))
                    due.sort()

        for story in stories:
            self.count += 1
            k = self.count
            value = orjson.dumps({"uri": story.uri, "version": 1, "language": "en", "headline": story.headline,
                                  "body_text": story.body})
            records.append((story.uri.encode(), value))
            originals.append(records[-1])
            self.sent[story.uri] = [1]
            draw = self.rnd.random()
            plan = (["v2", "kill"] if draw < kills / 2 else ["kill"] if draw < kills
                    else ["v2"] if draw < kills + versions else [])
            if plan:
                plans[story.uri] = (story, plan)
                due.append((k + self.rnd.randint(0, within), k, story.uri, 2))
            release(k)
            if duplicate_every and k % duplicate_every == 0:
                records.append(self.rnd.choice(originals))
                self.duplicates += 1
            if malformed_every and k % malformed_every == 0:
                bad = b"{\"uri\": \"urn:chaos:broken\", \"body_text\": " + str(k).encode()  # truncated JSON
                records.append((b"", bad))
                self.malformed.append(bad)
        while due and not carry:
            release(due[0][0] + within)
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
        wanted = {m.split(" ")[0] for m in missing}  # "uri vN"
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
        rec = Reconciliation(sent_stories=len(self.sent), sent_versions=self.versions, sent_kills=self.withdrawals,
                             sent_duplicates=self.duplicates, sent_malformed=len(self.malformed), kills=self.kills,
                             scale_outs=self.scale_outs, scale_ins=self.scale_ins)
        enriched: dict[tuple[str, int], int] = {}
        history: dict[str, list[dict]] = {}  # uri → its records on wire.enriched, in offset order
        for _, _key, value in await read_all(self.settings.bootstrap_servers, [t.enriched]):
            if value:
                item = orjson.loads(value)
                enriched[item["uri"], item["version"]] = enriched.get((item["uri"], item["version"]), 0) + 1
                history.setdefault(item["uri"], []).append(item)
        rec.enriched_records = sum(enriched.values())
        rec.ready_seconds = list(self.ready_s)
        rec.pauses = _pauses(sorted(_epoch(item.get("enriched_at")) for records in history.values() for item in records
                                    if _epoch(item.get("enriched_at")) is not None),
                             [(t, what) for t, what in self.moments if not what.startswith("start ")])
        rec.enriched_distinct = len(enriched)
        for uri, versions in self.sent.items():
            latest = max((v for v in versions if (uri, v) in enriched), default=0)
            for version in versions:
                if (uri, version) in enriched:
                    continue
                if version < latest:
                    rec.superseded += 1  # a later version of it is there
                else:
                    rec.missing.append(f"{uri} v{version}")
        rec.missing.sort()
        for uri, records in history.items():
            top = 0
            for item in records:
                if item["version"] < top:
                    rec.backwards.append(f"{uri}: {' '.join(map(_shown, records))}")
                    break
                top = item["version"]
            first_kill = next((i for i, item in enumerate(records) if _killed(item)), None)
            if first_kill is not None and any(not _killed(item) or item["version"] != records[first_kill]["version"]
                                              for item in records[first_kill:]):
                rec.kills_not_final.append(f"{uri}: {' '.join(map(_shown, records))}")
        letters = [orjson.loads(v) for _, _, v in await read_all(self.settings.bootstrap_servers, [t.deadletter]) if v]
        offsets = {(d.get("source_topic"), d.get("partition"), d.get("offset")) for d in letters
                   if d.get("stage") == "normalize"}
        rec.dead_lettered = len(offsets)
        rec.missing_dead_letters = max(0, len(self.malformed) - rec.dead_lettered)
        ids: dict[tuple[str, str, str], set[str]] = {}
        last: dict[str, dict] = {}  # alert id → its last record (one partition per alert id: offset order)
        stories: dict[str, set[str]] = {}  # alert id → every story its records name
        for _, _, value in await read_all(self.settings.bootstrap_servers, [t.alerts]):
            if value:
                a = orjson.loads(value)
                rec.alert_records += 1
                ids.setdefault((a["story_uri"], a["region_id"], a.get("rule_id") or ""), set()).add(a["alert_id"])
                last[a["alert_id"]] = a
                stories.setdefault(a["alert_id"], set()).update([a["story_uri"], *(a.get("also_reported_by") or ())])
        rec.alert_ids = len({i for v in ids.values() for i in v})
        rec.conflicting_alert_ids = sorted(f"{k}: {sorted(v)}" for k, v in ids.items() if len(v) > 1)
        # an alert that only killed stories report must end retracted (one another story still reports stays)
        rec.alerts_left_active = sorted(
            f"{aid} ({', '.join(sorted(stories[aid]))}): last {a.get('status')} of v{a.get('story_version')}"
            for aid, a in last.items() if a.get("status") != "retracted" and stories[aid] <= self.killed)
        return rec


def soak(settings: Settings, workdir: Path, *, minutes: float, workers: int = 2, rate: float = 10.0,
         kill_every: tuple[float, float] = (20.0, 60.0), versions: float = 0.2, kills: float = 0.1,
         scale: int = 1, backlog_seconds: float = 30.0,
         say: Callable[[str], None] = lambda s: print(s, flush=True)) -> Reconciliation:
    """``wirewatch chaos``: for ``minutes``, send ``rate`` stories/s (a share ``versions`` with a second
    version, a share ``kills`` killed) and SIGKILL a random worker every ``kill_every`` seconds (uniform),
    restarting it; ``scale`` times, spread over the run, send ``backlog_seconds`` worth of stories at once
    and start one more worker while they wait on the raw topic, and later, behind another such burst, stop
    one (SIGTERM); then drain and reconcile."""
    from ..kafka import EmbeddedBroker, for_embedded

    broker = None
    if settings.broker is None:
        broker = EmbeddedBroker(log_path=workdir / "broker.log").start()
        settings = for_embedded(settings, broker.url)
    run = ChaosRun(settings, workdir, workers=workers, say=say)
    # second versions and kills up to ≈ 2 s behind what they follow (into the next sends, other batches)
    mix = dict(versions=versions, kills=kills, within=max(4, int(2 * rate)), carry=True)

    async def burst() -> int:
        await run.send(max(1, int(rate * backlog_seconds)), **mix)
        return await run.backlog()

    async def go() -> Reconciliation:
        await run.start()
        say(f"chaos: {workers} worker(s) on {run.settings.bootstrap_servers}, topics {run.settings.topic_prefix}*, "
            f"{rate:g} stories/s for {minutes:g} min ({versions:.0%} with a second version, {kills:.0%} killed), "
            f"a kill every {kill_every[0]:g}–{kill_every[1]:g} s, {scale} scale-out/in under a backlog")
        began = time.monotonic()
        end = began + minutes * 60
        # scale-outs and scale-ins alternate, evenly spread over the run: out, in, out, in, …
        steps = [began + (end - began) * (i + 1) / (2 * scale + 1) for i in range(2 * scale)]
        next_kill = time.monotonic() + run.rnd.uniform(*kill_every)
        while time.monotonic() < end or steps:
            started = time.monotonic()
            await run.send(max(1, int(rate)), **mix)
            if steps and time.monotonic() >= steps[0]:
                steps.pop(0)
                waiting = await burst()
                if len(steps) % 2:  # a scale-out
                    say(f"  backlog of {waiting} raw records; scaling out")
                    await run.scale_out()
                else:
                    say(f"  backlog of {waiting} raw records; scaling in")
                    run.scale_in()
            elif time.monotonic() >= next_kill:
                victim = run.rnd.choice(sorted(run.procs))
                run.kill(victim)
                await run.start_worker(victim)
                next_kill = time.monotonic() + run.rnd.uniform(*kill_every)
                rec = await run.reconcile()
                say(f"  so far: {rec.summary(final=False)}")
            await asyncio.sleep(max(0.0, 1.0 - (time.monotonic() - started)))
        await run.send(1, **{**mix, "carry": False})  # what is still due goes out
        say("chaos: draining …")
        await run.drained(timeout=600)
        return await run.reconcile()

    try:
        return asyncio.run(go())
    finally:
        run.stop()
        if broker is not None:
            broker.stop()
