"""Prometheus exposition (no broker)."""

from collections import Counter

from pipeline.stream import Histogram, Stats
from pipeline.stream import render_metrics as render


def test_histogram_buckets_are_cumulative_and_labels_escaped():
    s = Stats()
    s.took("enrich", 0.3, n=3)  # three stories of 0.1 s
    s.took("match", 0.002)
    s.dead_letters['normalize:bad"json'] += 2
    s.alerts[4, "active"] += 1
    text = render(processed=Counter(enrich=3), produced=s.produced, dead_letters=s.dead_letters, dropped=s.dropped,
                  alerts=s.alerts, stage_seconds=s.stage_seconds, record_age=s.record_age,
                  lag=[("wire.raw", 0, 5)], gauges={"model_load_seconds": 1.25, "absent": None})
    assert 'wirewatch_stage_seconds_bucket{stage="enrich",le="0.05"} 0' in text
    assert 'wirewatch_stage_seconds_bucket{stage="enrich",le="0.1"} 3' in text
    assert 'wirewatch_stage_seconds_bucket{stage="enrich",le="+Inf"} 3' in text
    assert 'wirewatch_stage_seconds_count{stage="match"} 1' in text
    assert 'wirewatch_dead_letters_total{stage="normalize",reason="bad\\"json"} 2' in text
    assert 'wirewatch_alerts_total{severity="4",status="active"} 1' in text
    assert 'wirewatch_consumer_lag{topic="wire.raw",partition="0"} 5' in text
    assert "wirewatch_model_load_seconds 1.250" in text and "absent" not in text
    assert text.endswith("\n")


def test_histogram_overflow_bucket():
    h = Histogram()
    h.observe(100.0)
    assert h.counts[-1] == 1 and h.n == 1
