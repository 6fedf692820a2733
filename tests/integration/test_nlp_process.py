"""The worker's NLP process against the real (embedded) broker: killed, it is replaced and no story is
lost; it dies with its worker (no orphan after a kill -9)."""

from __future__ import annotations

import asyncio
import os
import signal
from pathlib import Path

import orjson
import pytest

from tests.helpers import produce_and_collect, running_worker, wait_until

pytestmark = pytest.mark.broker


def nlp_children(pid: int) -> list[int]:
    """The worker's NLP process(es): its children started by multiprocessing's spawn."""
    out = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            if f"\nPPid:\t{pid}\n" in status.read_text() and \
                    b"spawn_main" in (status.parent / "cmdline").read_bytes():
                out.append(int(status.parent.name))
        except OSError:
            continue  # the process ended
    return out


def alive(pid: int) -> bool:
    try:
        return (Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]) != "Z"
    except OSError:
        return False


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux /proc")
def test_a_killed_nlp_process_is_replaced_and_nothing_is_lost(broker, tmp_path):
    with running_worker(broker.url, tmp_path) as worker:
        [child] = nlp_children(worker.proc.pid)
        os.kill(child, signal.SIGKILL)
        s, t = worker.settings, worker.settings.topics
        stories = [orjson.dumps({"uri": f"urn:test:nlpdeath:{i}", "version": 1,
                                 "body_text": f"Shelling hit a village near Mosul on day {i}."}) for i in range(12)]
        seen = asyncio.run(produce_and_collect(s, stories, [t.enriched, t.deadletter],
                                               lambda seen: len({k for tp, k, _ in seen if tp == t.enriched}) >= 12,
                                               timeout=120))
        assert not [v for tp, _, v in seen if tp == t.deadletter]
        assert len({k for tp, k, _ in seen if tp == t.enriched}) == 12
        [replacement] = nlp_children(worker.proc.pid)
        assert replacement != child
        log = worker.log_path.read_text()
        assert "retrying one by one" in log and "NlpProcessDied" in log


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux /proc")
def test_the_nlp_process_dies_with_its_worker(broker, tmp_path):
    with running_worker(broker.url, tmp_path) as worker:
        [child] = nlp_children(worker.proc.pid)
        worker.proc.send_signal(signal.SIGKILL)
        worker.proc.wait(10)
        wait_until(lambda: not alive(child), 10, "the NLP process gone with its worker", interval=0.1)
        worker.stop = lambda: 0  # already gone (running_worker stops it cleanly otherwise)
