"""``python -m pipeline.tools._fetchcost`` measures on the real broker and reports a row per step; its
numbers are never asserted. A broker it cannot reach is one clear line."""

from __future__ import annotations

import asyncio
import subprocess
import sys

import pytest

from pipeline.tools._fetchcost import measure

pytestmark = pytest.mark.broker


def test_a_row_per_step_with_every_latency(broker):
    rows = asyncio.run(measure(broker.url.removeprefix("kafka://"), steps=2, every=30, say=lambda _: None))
    assert [r["records"] for r in rows] == [41, 82]
    assert all(r[k] >= 0 for r in rows for k in ("produce_ms", "fetch_end_ms", "fetch_start_ms"))


def test_an_unreachable_broker_is_one_line():
    result = subprocess.run([sys.executable, "-m", "pipeline.tools._fetchcost", "--steps", "1", "--every", "1",
                             "--broker", "kafka://127.0.0.1:1"], capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "fetchcost: cannot reach the Kafka broker" in result.stderr
