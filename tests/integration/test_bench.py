"""``wirewatch bench --quick`` runs end to end (embedded broker, 1 and 2 workers) and writes the report
with every documented key. A smoke test of the benchmark: its numbers are never asserted."""

from __future__ import annotations

import subprocess
import sys

import orjson
import pytest

pytestmark = pytest.mark.broker


def test_quick_bench_writes_every_key(tmp_path):
    out = tmp_path / "bench.json"
    result = subprocess.run([sys.executable, "-m", "pipeline", "bench", "--quick", "--json", str(out),
                             "--data-dir", str(tmp_path / "data")], capture_output=True, timeout=900)
    assert result.returncode == 0, result.stderr.decode()[-3000:]
    report = orjson.loads(out.read_bytes())
    for key in ("bare_spacy", "pipeline_1", "pipeline_2"):
        assert report[key]["stories_per_s"] > 0
    assert {"ratio_pipeline_to_bare", "scaling_2_to_1", "cold_start_s", "rss_mb", "gazetteer_load_s"} <= set(report)
    for path in ("raw_to_enriched", "raw_to_alert"):
        assert {"p50", "p95", "p99"} <= set(report["latency_ms"][path])
    assert b"(b)/(a)" in result.stdout
