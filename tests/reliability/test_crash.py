"""Crashes against the real (embedded) broker: kill -9 a worker with 1,000 stories in flight and restart
it; kill one of two workers and let the other take over. Every input must be accounted for."""

from __future__ import annotations

import asyncio

import pytest

from pipeline.tools import ChaosRun
from tests.helpers import await_until, make_settings

pytestmark = pytest.mark.broker


async def wait_enriched(run: ChaosRun, at_least: int, timeout: float = 180.0) -> int:
    async def enough() -> int:
        n = await run.enriched_count()
        return n if n >= at_least else 0

    return await await_until(enough, timeout, f"at least {at_least} stories enriched", interval=0.5)


async def wait_committed(run: ChaosRun, timeout: float = 60.0) -> None:
    """Until the group has committed an offset on some stories partition (Faust commits every 2.8 s)."""
    from aiokafka import AIOKafkaConsumer, TopicPartition

    s = run.settings
    group = AIOKafkaConsumer(bootstrap_servers=s.bootstrap_servers, enable_auto_commit=False, group_id=s.app_id)
    await group.start()  # never subscribes: it only asks the group's committed offsets

    async def committed() -> bool:
        for p in range(s.partitions):
            if await group.committed(TopicPartition(s.topics.stories, p)):
                return True
        return False

    try:
        await await_until(committed, timeout, "a stories offset committed", interval=0.3)
    finally:
        await group.stop()


def chaos(broker, tmp_path, *, workers: int, stories: int, kill_after: int, restart: bool,
          worker_module: str = "pipeline", after_commit: bool = False, **settings):
    """Send ``stories``, SIGKILL the last worker once ``kill_after`` are enriched (and, with
    ``after_commit``, once the group has committed a stories offset), optionally restart it, wait for
    the flow to finish, and reconcile. Returns the reconciliation and the workers' logs."""
    from tests.helpers import FIXTURE_REGIONS

    run = ChaosRun(make_settings(broker.url, tmp_path, FIXTURE_REGIONS, **settings), tmp_path / "chaos",
                   workers=workers, partitions=4, worker_module=worker_module)

    async def go():
        await run.start()
        await run.send(stories)
        seen = await wait_enriched(run, kill_after)
        if after_commit:
            await wait_committed(run)
        run.kill(workers - 1)  # mid-stream: most stories are still in flight
        if restart:
            await run.start_worker(workers - 1)
        await run.drained(timeout=150)
        rec = await run.reconcile()
        where = await run.diagnose(rec.missing) if not rec.ok else ""  # for a failure seen only in CI
        return seen, rec, where

    try:
        seen, rec, where = asyncio.run(go())
    finally:
        run.stop()
    print(f"killed after {seen} enriched; {rec.summary()}")
    logs = {p.name: p.read_text(errors="replace") for p in sorted(run.settings.data_dir.glob("worker-*.log"))}
    if where:  # say where the flow stopped, and what the workers said of rebalances
        print("where:", where)
        for name, text in logs.items():
            lines = [ln for ln in text.splitlines()
                     if any(w in ln for w in ("WARNING", "ERROR", "Revoking", "assigned", "Seek", "ready"))
                     and "dead letter from" not in ln]
            print(f"--- {name} ({len(lines)} lines of note, the last 60):", *lines[-60:], sep="\n")
    return rec, "\n".join(logs.values())


def test_kill_9_mid_stream_and_restart_loses_nothing(broker, tmp_path):
    rec, _ = chaos(broker, tmp_path, workers=1, stories=1000, kill_after=150, restart=True)
    assert rec.sent_stories == 1000 and rec.kills == 1
    assert rec.ok, rec.summary()
    assert rec.enriched_distinct == 1000 and rec.dead_lettered == rec.sent_malformed == 20
    assert rec.as_dict()["accounted"] == rec.as_dict()["in"]


def test_two_workers_one_dies_the_other_takes_over(broker, tmp_path):
    rec, _ = chaos(broker, tmp_path, workers=2, stories=500, kill_after=100, restart=False)  # worker 0 takes over
    assert rec.ok, rec.summary()
    assert rec.enriched_distinct == 500 and rec.dead_lettered == rec.sent_malformed == 10


def test_restart_with_a_slow_seek_loses_nothing(broker, tmp_path):
    """The restarted worker waits one more second after seeking its partitions to the committed offsets
    (tests/reliability/slow_seek_worker.py). Before pipeline/stream/faust_compat/_recovery.py, records delivered in that
    window were cleared from the stream queues yet counted as read, and most stories stalled (213 of 300;
    795 of 1,000 with the restart test's numbers); now the flow stays stopped until the seek is done."""
    rec, _ = chaos(broker, tmp_path, workers=1, stories=300, kill_after=60, restart=True,
                   worker_module="tests.reliability.slow_seek_worker")
    assert rec.ok, rec.summary()
    assert rec.enriched_distinct == 300 and rec.dead_lettered == rec.sent_malformed == 6


def test_a_partition_left_stopped_after_a_restart_is_read_again(broker, tmp_path):
    """The restarted worker skips 5 records of one stories partition right after its seek
    (tests/reliability/lossy_seek_worker.py), as Faust does when it drops records fetched around a
    rebalance as already read: they are never delivered and the partition's commit stops. The stall
    watch (pipeline/stream/faust_compat/_stall.py, every second here) seeks the partition back and they are enriched."""
    # killed once an offset is committed (else the restart has none to skip past), with enough stories
    # still unread beyond it (600 over 4 partitions)
    rec, logs = chaos(broker, tmp_path, workers=1, stories=600, kill_after=30, restart=True, after_commit=True,
                      worker_module="tests.reliability.lossy_seek_worker", stall_check=1.0)
    assert "INJECTED:" in logs, "the fault was not injected (no stories partition had a committed offset)"
    assert "seeking back to" in logs
    assert rec.ok, rec.summary()
    assert rec.enriched_distinct == 600


def test_versions_and_kills_stay_in_order_through_kills_and_scaling(broker, tmp_path):
    """Second versions and kills close behind their originals ((v1, v2), (v1, kill), (v1, v2, kill)), while
    a worker is SIGKILLed and restarted, a third worker starts behind a backlog and one stops again behind
    another: nothing is lost (a v1 superseded in its batch counts), no story's records on wire.enriched go
    back to an older version, a kill is its story's last record, and a killed story's alerts end retracted."""
    from tests.helpers import FIXTURE_REGIONS

    run = ChaosRun(make_settings(broker.url, tmp_path, FIXTURE_REGIONS), tmp_path / "chaos", workers=2, partitions=4)
    mix = dict(versions=0.3, kills=0.2)

    async def go():
        await run.start()
        await run.send(200, **mix)
        await wait_enriched(run, 40)
        run.kill(1)  # mid-stream
        await run.start_worker(1)
        await run.send(200, **mix)
        waiting_out = await run.backlog()
        await run.scale_out()
        await run.send(200, **mix)
        waiting_in = await run.backlog()
        run.scale_in()
        await run.drained(timeout=150)
        rec = await run.reconcile()
        where = await run.diagnose(rec.missing) if rec.missing else ""
        return rec, waiting_out, waiting_in, where

    try:
        rec, waiting_out, waiting_in, where = asyncio.run(go())
    finally:
        run.stop()
    print(f"backlog {waiting_out} at the scale-out, {waiting_in} at the scale-in; {rec.summary()}")
    if where:
        print("where:", where)
    assert waiting_out > 0 and waiting_in > 0, "no backlog waited on the raw topic while scaling"
    assert rec.kills == 1 and rec.scale_outs == 1 and rec.scale_ins == 1
    assert rec.sent_stories == 600 and rec.sent_versions > 0 and rec.sent_kills > 0
    assert not rec.missing and not rec.missing_dead_letters and not rec.conflicting_alert_ids, rec.summary()
    assert rec.as_dict()["accounted"] == rec.as_dict()["in"]
    # A SIGKILLed worker's marks are on the changelog before its output (pending marks, docs/reliability.md,
    # "Kill finality across crashes"): the new owner's replays of older versions are stale (once seen
    # before the fix: "v3 kill v1 v3 kill").
    assert not rec.backwards and not rec.kills_not_final, (rec.backwards, rec.kills_not_final)
    assert not rec.alerts_left_active, rec.alerts_left_active
    assert rec.ok, rec.summary()
