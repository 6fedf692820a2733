"""``wirewatch bench``: the pipeline's speed against the NLP limit, through a real broker.

One run measures, on the same stories:

(a) ``bare_spacy`` — ``nlp.pipe`` of the very pipeline the workers use (model + wirewatch components),
    single process, after a warm-up, once before (b) and once after it (``runs``; the rate is both runs'
    stories over both runs' time, so a host whose speed drifts skews the ratio less);
(b) ``pipeline_1`` — one worker process (warmed up), raw → enriched → alerts through the broker: all
    stories sent at once; steady-state rate = stories enriched after the first batch arrived / time from
    that arrival to the last (``end_to_end_stories_per_s`` counts from the first story sent);
(c) ``pipeline_2`` — two worker processes on the same number of partitions, the same way;
plus latency percentiles raw → enriched and raw → alert at a fixed offered load (default half of (b)),
each worker's cold start (process start → ``/ready``), peak RSS per worker (VmHWM), and the gazetteer's
load time. Every phase uses fresh topics and a fresh consumer group. A region covering the world makes
every story with a resolved place produce an alert, so the match stage does its full work.

It is a measurement, never an assertion: tests run only ``--quick`` to show it works.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import statistics
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

import orjson

from ..core import Settings, WirewatchError, terminate
from ..kafka import ensure_topics, follow

__all__ = ["BenchOptions", "BenchStory", "run_bench"]

_WORLD = {"type": "FeatureCollection", "features": [
    {"type": "Feature", "geometry": None, "properties": {"id": "world", "name": "Everywhere", "bbox": [-180, -90, 180, 90]}}]}


@dataclass(frozen=True)
class BenchStory:
    headline: str
    body: str


@dataclass
class BenchOptions:
    partitions: int = 4
    load_fraction: float = 0.5  # offered load for the latency phase, as a fraction of (b)
    latency_stories: int = 200
    worker_counts: tuple[int, ...] = (1, 2)
    ready_timeout: float = 180.0


def _percentiles(values: Sequence[float]) -> dict[str, float | None]:
    """p50, p95 and p99 of latencies in seconds, in milliseconds (``statistics.quantiles``, inclusive)."""
    if not values:
        return {"p50": None, "p95": None, "p99": None, "n": 0}
    cuts = statistics.quantiles(values, n=100, method="inclusive") if len(values) > 1 else [values[0]] * 99
    return {"p50": round(cuts[49] * 1000, 1), "p95": round(cuts[94] * 1000, 1), "p99": round(cuts[98] * 1000, 1),
            "n": len(values)}


def _stat(path: Path) -> tuple[str, list[str]] | None:
    """A ``/proc/…/stat`` file as (the command name, the fields after it); ``None`` if it is gone."""
    try:
        head, tail = path.read_text().rsplit(")", 1)
    except (OSError, ValueError):
        return None  # the process or thread ended
    return head.split("(", 1)[1], tail.split()


def _stat_cpu_seconds(fields: list[str]) -> float:
    """User + system CPU seconds in a stat's fields (utime, stime)."""
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _cpu_seconds(pid: int | None) -> float:
    """User + system CPU seconds a process has used so far (Linux /proc; 0 elsewhere)."""
    stat = _stat(Path(f"/proc/{pid}/stat")) if pid is not None else None
    try:
        return _stat_cpu_seconds(stat[1]) if stat else 0.0
    except (IndexError, ValueError):
        return 0.0


def _thread_cpu_seconds(pid: int | None, main: str | None = "loop") -> dict[str, float]:
    """CPU seconds per thread name of a process so far (Linux /proc; empty elsewhere): where a worker's
    time goes — the NLP (thread or process, ``wirewatch-nlp``) against the event loop (the main thread,
    reported as ``loop``) and the others."""
    out: dict[str, float] = {}
    if pid is None:
        return out
    try:
        tasks = list(Path(f"/proc/{pid}/task").iterdir())
    except OSError:
        return out
    for task in tasks:
        stat = _stat(task / "stat")
        if stat is None:
            continue
        name = main if main and task.name == str(pid) else stat[0]  # (a worker's main thread: its loop)
        out[name] = out.get(name, 0.0) + _stat_cpu_seconds(stat[1])
    return out


def _family(pid: int) -> list[int]:
    """``pid`` and its descendants (a worker's NLP process; Linux /proc)."""
    parents: dict[int, list[int]] = {}
    for path in Path("/proc").glob("[0-9]*/stat"):
        stat = _stat(path)
        if stat is not None:
            parents.setdefault(int(stat[1][1]), []).append(int(path.parent.name))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo += parents.get(p, [])
    return out


def _family_cpu_seconds(pid: int) -> float:
    return sum(_cpu_seconds(p) for p in _family(pid))


def _family_thread_cpu_seconds(pid: int) -> dict[str, float]:
    """:func:`_thread_cpu_seconds` of a worker and of its children (their threads as ``child:<name>``)."""
    out = _thread_cpu_seconds(pid)
    for child in _family(pid)[1:]:
        for name, sec in _thread_cpu_seconds(child, main=None).items():
            key = f"child:{name}"
            out[key] = out.get(key, 0.0) + sec
    return out


def _family_peak_rss_mb(pid: int) -> float | None:
    """The peak RSS of a worker and its children, added (≥ the peak of their sum)."""
    peaks = [r for r in (_peak_rss_mb(p) for p in _family(pid)) if r is not None]
    return round(sum(peaks), 1) if peaks else None


def _peak_rss_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        return None
    return None


def _balanced_uris(prefix: str, n: int, partitions: int) -> list[str]:
    """``n`` story uris whose keys spread evenly over ``partitions`` — story k on partition k mod
    ``partitions``, by the producers' default partitioner (murmur2 of the key, as Kafka's clients) — so
    that every worker of (c) gets the same share. Hashed as they come, 400 keys fall 88/118/90/104 on 4
    partitions: one worker would finish early and the rest of the run measure the other alone."""
    from aiokafka.partitioner import DefaultPartitioner

    partition, every = DefaultPartitioner(), list(range(partitions))
    uris = []
    for k in range(n):
        j = 0
        while partition(f"{prefix}:{k}.{j}".encode(), every, every) != k % partitions:
            j += 1
        uris.append(f"{prefix}:{k}.{j}")
    return uris


def _message(uri: str, story: BenchStory) -> tuple[bytes, bytes]:
    return uri.encode(), orjson.dumps({"uri": uri, "version": 1, "language": "en", "headline": story.headline,
                                       "body_text": story.body, "type": "text"})


def _messages(prefix: str, stories: Sequence[BenchStory], n: int, partitions: int) -> list[tuple[bytes, bytes]]:
    """``n`` raw messages of ``stories`` (cycled), keyed evenly over ``partitions``."""
    return [_message(uri, stories[k % len(stories)]) for k, uri in enumerate(_balanced_uris(prefix, n, partitions))]


class _Phase:
    """Fresh topics + group, N workers; produce and watch enriched/alerts."""

    def __init__(self, base: Settings, workdir: Path, workers: int, partitions: int, ready_timeout: float) -> None:
        tag = uuid.uuid4().hex[:8]
        regions = workdir / "bench-regions.geojson"
        regions.write_bytes(orjson.dumps(_WORLD))
        self.settings = base.with_(topic_prefix=f"bench{tag}.", app_id=f"wirewatch-bench-{tag}", partitions=partitions,
                                   regions=regions, data_dir=workdir / tag)
        self.n_workers, self.ready_timeout = workers, ready_timeout
        self.procs: list[subprocess.Popen] = []
        self.cold_start: list[float] = []

    async def start(self) -> None:
        s = self.settings
        s.data_dir.mkdir(parents=True, exist_ok=True)
        await ensure_topics(s.bootstrap_servers, s.all_topics, partitions=s.partitions, replication=s.replication)
        from ..kafka import free_port
        from ..stream import spawn_worker, wait_ready

        starts = []
        for k in range(self.n_workers):
            port = free_port("127.0.0.1")
            starts.append((time.monotonic(), port, k,
                           spawn_worker(s.with_(web_port=port), s.data_dir / f"worker-{k}.log")))
        for t0, port, k, proc in starts:
            self.procs.append(proc)
            await asyncio.to_thread(wait_ready, f"http://{s.web_host}:{port}/ready", proc, self.ready_timeout,
                                    s.data_dir / f"worker-{k}.log")
            self.cold_start.append(time.monotonic() - t0)

    def stop(self) -> list[float | None]:
        rss = [_family_peak_rss_mb(p.pid) for p in self.procs]
        for p in self.procs:
            terminate(p, timeout=15)
        return rss

    async def run(self, messages: list[tuple[bytes, bytes]], *, rate: float | None = None,
                  progress: Callable[[int], None] | None = None, timeout: float = 1800.0,
                  snapshot: Callable[[], object] | None = None) -> dict:
        """Send ``messages`` (as fast as possible, or at ``rate`` per second); return arrival times and
        ``snapshot()`` taken when the first and when the last story came out enriched (``snapshots``)."""
        from aiokafka import AIOKafkaProducer

        s = self.settings
        t = s.topics
        expected = {k for k, _ in messages}
        sent_at: dict[bytes, float] = {}
        enriched_at: dict[bytes, float] = {}
        alert_at: dict[str, float] = {}
        snapshots: list[tuple[float, object]] = []
        started = asyncio.Event()

        async def watch() -> None:
            async for topic, key, value in follow(s.bootstrap_servers, [t.enriched, t.alerts], started=started):
                now = time.monotonic()
                if topic == t.enriched and key in expected and key not in enriched_at:
                    enriched_at[key] = now
                    if snapshot is not None and len(enriched_at) in (1, len(expected)):
                        snapshots.append((now, snapshot()))
                    if progress is not None:
                        progress(1)
                    if len(enriched_at) == len(expected):
                        await asyncio.sleep(1.0)  # let the last alerts arrive
                        return
                elif topic == t.alerts and value:
                    uri = orjson.loads(value).get("story_uri")
                    alert_at.setdefault(uri, now)

        watcher = asyncio.ensure_future(watch())
        await asyncio.wait_for(started.wait(), 30)
        producer = AIOKafkaProducer(bootstrap_servers=s.bootstrap_servers, acks="all",
                                    max_batch_size=s.producer_batch_bytes, linger_ms=0)
        await producer.start()
        try:
            t0 = time.monotonic()
            for i, (key, value) in enumerate(messages):
                if rate:
                    delay = t0 + i / rate - time.monotonic()
                    if delay > 0:
                        await asyncio.sleep(delay)
                await producer.send_and_wait(t.raw, value, key=key)
                sent_at[key] = time.monotonic()
        finally:
            await producer.stop()
        try:
            await asyncio.wait_for(watcher, timeout)
        except asyncio.TimeoutError:
            raise WirewatchError(f"bench: only {len(enriched_at)} of {len(expected)} stories came through within "
                                 f"{timeout:.0f} s; see {s.data_dir}/worker-*.log") from None
        return {"sent": sent_at, "enriched": enriched_at, "alerts": alert_at, "snapshots": snapshots}


def _throughput(sent: dict[bytes, float], arrivals: dict[bytes, float], words: dict[bytes, int]) -> dict:
    """Steady state: the stories enriched after the first ones arrived, per second until the last arrived
    (the fill — first batch wait, first NLP batch, the hops — is left out, like ``nlp.pipe``'s model load).
    ``end_to_end`` also gives stories / (last enriched − first sent)."""
    order = sorted(arrivals.values())
    if len(order) < 20:
        raise WirewatchError("bench: too few stories to measure; use at least 20")
    first = order[0]
    head = sum(1 for t in order if t - first < 0.05)  # the first batch arrives together
    span = order[-1] - first
    steady = [k for k, t in arrivals.items() if t - first >= 0.05]
    end_to_end = order[-1] - min(sent.values())
    if len(steady) < len(order) // 4:  # too few batches for a steady state (--quick): count from the first sent
        steady, span = list(arrivals), end_to_end
    return {"stories_per_s": round(len(steady) / span, 2),
            "words_per_s": round(sum(words[k] for k in steady) / span, 1), "stories": len(order),
            "first_batch": head, "end_to_end_stories_per_s": round(len(order) / end_to_end, 2)}


async def _pipeline(base: Settings, workdir: Path, workers: int, options: BenchOptions, stories: list[BenchStory],
                    say: Callable[[str], None], broker_pid: int | None) -> tuple[dict, _Phase]:
    phase = _Phase(base, workdir, workers, options.partitions, options.ready_timeout)
    await phase.start()
    say(f"  {workers} worker(s) ready: cold start {', '.join(f'{c:.1f} s' for c in phase.cold_start)}")
    warm = _messages(f"urn:bench:warm:{uuid.uuid4().hex[:6]}", stories, 2 * workers, options.partitions)
    await phase.run(warm)  # every worker has loaded, joined and enriched once
    tag = uuid.uuid4().hex[:6]
    messages = _messages(f"urn:bench:{tag}", stories, len(stories), options.partitions)
    words = {k: len(orjson.loads(v)["body_text"].split()) for k, v in messages}
    pids = {"broker": broker_pid, "bench": os.getpid(), **{f"worker_{k}": p.pid for k, p in enumerate(phase.procs)}}

    def cpu() -> tuple[dict[str, float], dict[int, dict[str, float]]]:  # a worker with its NLP process
        return ({name: _cpu_seconds(pid) if name in ("broker", "bench") else _family_cpu_seconds(pid)
                 for name, pid in pids.items()},
                {k: _family_thread_cpu_seconds(p.pid) for k, p in enumerate(phase.procs)})

    times = await phase.run(messages, snapshot=cpu)
    result = _throughput(times["sent"], times["enriched"], words)
    # where the machine's CPU went between the first and the last story out (cores busy, per process and
    # per thread of each worker: the NLP executor against the event loop)
    (t0, (cpu0, threads0)), (t1, (cpu1, threads1)) = times["snapshots"]
    wall = t1 - t0
    result["cpu_cores_busy"] = {name: round((cpu1[name] - cpu0[name]) / wall, 2) for name in pids}
    threads = {}
    for k in threads1:
        busy = {name: round((sec - threads0[k].get(name, 0.0)) / wall, 2) for name, sec in threads1[k].items()}
        threads[f"worker_{k}"] = {name: b for name, b in sorted(busy.items(), key=lambda kv: -kv[1]) if b >= 0.01}
    result["cpu_cores_busy_by_thread"] = threads
    # CPU per story (ms), each process: what (c) can reach on a machine is its cores / the sum of these
    result["cpu_ms_per_story"] = {name: round(1000 * busy / result["stories_per_s"], 2)
                                  for name, busy in result["cpu_cores_busy"].items()}
    result["alerts"] = len(times["alerts"])
    say(f"  {workers} worker(s): {result['stories_per_s']} stories/s, {result['words_per_s']} words/s; cores busy "
        f"{result['cpu_cores_busy']}; by thread {threads}")
    return result, phase


def run_bench(stories: list[BenchStory], settings: Settings, options: BenchOptions, workdir: Path,
              say: Callable[[str], None] = lambda s: print(s, file=sys.stderr, flush=True)) -> dict:
    """Run (a), (b), latency, (c); return the report (see the module docstring)."""
    from ..enrich import Enricher
    from ..geo import default_gazetteer
    from ..kafka import embedded_broker, for_embedded

    workdir.mkdir(parents=True, exist_ok=True)
    report: dict = {"stories": len(stories), "words_per_story": round(sum(len(s.body.split()) for s in stories)
                                                                        / max(1, len(stories)), 1),
                    "cpus": os.cpu_count(), "partitions": options.partitions, "nlp_executor": settings.nlp_executor}
    t0 = time.perf_counter()
    default_gazetteer()
    report["gazetteer_load_s"] = round(time.perf_counter() - t0, 2)
    say(f"gazetteer loaded in {report['gazetteer_load_s']} s")
    enricher = Enricher.load(settings.model)
    texts = [s.body for s in stories]
    words = sum(len(t.split()) for t in texts)
    list(enricher.nlp.pipe(texts[:5]))

    def bare() -> float:
        """Seconds for bare ``nlp.pipe`` over the texts. Run before and after (b), on a host whose speed
        drifts between minutes: the ratio (b)/(a) takes (a) as the mean of the two."""
        t0 = time.perf_counter()
        for _ in enricher.nlp.pipe(texts, batch_size=settings.batch_size):
            pass
        return time.perf_counter() - t0

    spans = [bare()]
    report["bare_spacy"] = {"stories_per_s": round(len(texts) / spans[0], 2), "words_per_s": round(words / spans[0], 1)}
    say(f"(a) bare spaCy: {report['bare_spacy']['stories_per_s']} stories/s (single process)")

    broker = None
    broker_pid: int | None = None
    if settings.broker is None:
        shutil.rmtree(workdir / "s3", ignore_errors=True)  # each run starts empty, as in memory
        broker = embedded_broker(settings.storage, workdir).start()
        settings = for_embedded(settings, broker.url)
        broker_pid = broker.pid
        report["broker_storage"] = settings.storage
        say(f"embedded broker at {broker.url} ({broker.storage})")
    try:
        async def go() -> None:
            say("(b) one worker …")
            one, phase = await _pipeline(settings, workdir, 1, options, stories, say, broker_pid)
            report["pipeline_1"] = one
            spans.append(await asyncio.to_thread(bare))  # the workers are idle now
            runs = [round(len(texts) / x, 2) for x in spans]
            report["bare_spacy"] = {"stories_per_s": round(2 * len(texts) / sum(spans), 2),
                                    "words_per_s": round(2 * words / sum(spans), 1), "runs": runs}
            say(f"(a) bare spaCy again: {runs[1]} stories/s; (a) = {report['bare_spacy']['stories_per_s']} "
                "(both runs together)")
            rate = one["stories_per_s"] * options.load_fraction
            try:
                report["latency_ms"] = await _latency(phase, options, stories, rate, say)
            finally:
                rss = phase.stop()
            report["cold_start_s"] = round(max(phase.cold_start), 2)
            report["rss_mb"] = max(r for r in rss if r is not None) if any(rss) else None
            if 2 in options.worker_counts:
                say("(c) two workers …")
                two, phase2 = await _pipeline(settings, workdir, 2, options, stories, say, broker_pid)
                rss2 = phase2.stop()
                report["pipeline_2"] = two
                report["cold_start_s_2"] = [round(c, 2) for c in phase2.cold_start]
                report["rss_mb"] = max([report["rss_mb"] or 0] + [r for r in rss2 if r is not None])

        asyncio.run(go())
    finally:
        enricher = None  # the model's memory goes before the report is written
        if broker is not None:
            broker.stop()
    a, b = report["bare_spacy"]["stories_per_s"], report["pipeline_1"]["stories_per_s"]
    report["ratio_pipeline_to_bare"] = round(b / a, 3)
    if "pipeline_2" in report:
        report["scaling_2_to_1"] = round(report["pipeline_2"]["stories_per_s"] / b, 3)
    return report


async def _latency(phase: _Phase, options: BenchOptions, stories: list[BenchStory], rate: float,
                   say: Callable[[str], None]) -> dict:
    tag = uuid.uuid4().hex[:6]
    n = min(options.latency_stories, max(20, len(stories)))
    messages = _messages(f"urn:bench:lat:{tag}", stories, n, options.partitions)
    say(f"latency: {n} stories offered at {rate:.2f}/s (half of (b)) …")
    lat = await phase.run(messages, rate=rate)
    sent = lat["sent"]
    out = {"raw_to_enriched": _percentiles([lat["enriched"][k] - sent[k] for k in sent if k in lat["enriched"]]),
           "raw_to_alert": _percentiles([lat["alerts"][k.decode()] - sent[k] for k in sent
                                         if k.decode() in lat["alerts"]]),
           "offered_stories_per_s": round(rate, 3)}
    say(f"  raw→enriched p50/p95/p99 {out['raw_to_enriched']['p50']}/{out['raw_to_enriched']['p95']}/"
        f"{out['raw_to_enriched']['p99']} ms; raw→alert p99 {out['raw_to_alert']['p99']} ms")
    return out
