"""Prometheus exposition (no broker), read back with prometheus_client's own parser."""


import prometheus_client
from prometheus_client.parser import text_string_to_metric_families

from pipeline.stream import Histogram, Stats
from pipeline.stream import render_metrics as render
from pipeline.stream._metrics import CONTENT_TYPE, StatsCollector

#: every family the worker exposes: name (as the parser gives it: a counter without ``_total``) → type, help
FAMILIES = {
    "wirewatch_up": ("gauge", "1 while the worker serves"),
    "wirewatch_messages_processed": ("counter", "messages each stage handled"),
    "wirewatch_records_produced": ("counter", "records sent, by kind, and incident decisions"),
    "wirewatch_dead_letters": ("counter", "messages dead-lettered, by stage and reason"),
    "wirewatch_duplicates_dropped": ("counter", "story versions dropped as duplicate or stale"),
    "wirewatch_alerts": ("counter", "alerts sent to wire.alerts, by severity and status"),
    "wirewatch_stage_seconds": ("histogram", "work per message in each stage (enrich: per story)"),
    "wirewatch_record_age_seconds": ("histogram", "age of a record (now - its Kafka timestamp) when a stage finished it"),
    "wirewatch_consumer_lag": ("gauge", "high-water mark minus position, per assigned partition"),
    "wirewatch_model_load_seconds": ("gauge", ""),
}


def _stats() -> Stats:
    s = Stats()
    s.processed["enrich"] += 3
    s.produced.update(stories=2, incident_new=1)
    s.took("enrich", 0.3, n=3)  # three stories of 0.1 s
    s.took("match", 0.002)
    s.dead_letters['normalize:bad"json'] += 2
    s.dropped["duplicate"] += 1
    s.alerts[4, "active"] += 1
    return s


def _render(s: Stats, **extra) -> str:
    body = render(processed=s.processed, produced=s.produced, dead_letters=s.dead_letters, dropped=s.dropped,
                  alerts=s.alerts, stage_seconds=s.stage_seconds, record_age=s.record_age, **extra)
    assert isinstance(body, bytes)
    return body.decode()


def _families(text: str) -> dict:
    return {f.name: f for f in text_string_to_metric_families(text)}


def _samples(family) -> dict:
    """(sample name, sorted labels) → value."""
    return {(s.name, tuple(sorted(s.labels.items()))): s.value for s in family.samples}


def test_every_family_keeps_its_name_type_and_help():
    families = _families(_render(_stats(), lag=[("wire.raw", 0, 5)],
                                 gauges={"model_load_seconds": 1.25, "absent": None}))
    assert {name: (f.type, f.documentation) for name, f in families.items()} == FAMILIES
    assert _samples(families["wirewatch_up"]) == {("wirewatch_up", ()): 1.0}
    assert _samples(families["wirewatch_model_load_seconds"]) == {("wirewatch_model_load_seconds", ()): 1.25}


def test_counters_carry_their_labels_and_values():
    families = _families(_render(_stats()))
    assert _samples(families["wirewatch_messages_processed"]) == {
        ("wirewatch_messages_processed_total", (("stage", "enrich"),)): 3.0}
    assert _samples(families["wirewatch_records_produced"]) == {
        ("wirewatch_records_produced_total", (("stage", "incident_new"),)): 1.0,
        ("wirewatch_records_produced_total", (("stage", "stories"),)): 2.0}
    assert _samples(families["wirewatch_dead_letters"]) == {  # the quote survives escaping
        ("wirewatch_dead_letters_total", (("reason", 'bad"json'), ("stage", "normalize"))): 2.0}
    assert _samples(families["wirewatch_duplicates_dropped"]) == {
        ("wirewatch_duplicates_dropped_total", (("verdict", "duplicate"),)): 1.0}
    assert _samples(families["wirewatch_alerts"]) == {
        ("wirewatch_alerts_total", (("severity", "4"), ("status", "active"))): 1.0}


def test_histogram_buckets_are_cumulative():
    samples = _samples(_families(_render(_stats()))["wirewatch_stage_seconds"])
    bucket = lambda stage, le: samples["wirewatch_stage_seconds_bucket", (("le", le), ("stage", stage))]  # noqa: E731
    assert [bucket("enrich", le) for le in ("0.005", "0.05", "0.1", "1.0", "30.0", "+Inf")] == [0, 0, 3, 3, 3, 3]
    assert samples["wirewatch_stage_seconds_count", (("stage", "enrich"),)] == 3
    assert abs(samples["wirewatch_stage_seconds_sum", (("stage", "enrich"),)] - 0.3) < 1e-9
    assert bucket("match", "0.005") == 1 and samples["wirewatch_stage_seconds_count", (("stage", "match"),)] == 1
    les = [dict(key)["le"] for name, key in samples if name.endswith("_bucket") and dict(key)["stage"] == "enrich"]
    assert les == ["0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1.0", "2.5", "5.0", "10.0", "30.0", "+Inf"]


def test_lag_and_gauges_without_value_are_left_out():
    families = _families(_render(Stats(), lag=[("wire.raw", 1, 0), ("wire.raw", 0, 5)],
                                 gauges={"worker_ready_seconds": None, "gazetteer_load_seconds": 0.5}))
    assert _samples(families["wirewatch_consumer_lag"]) == {
        ("wirewatch_consumer_lag", (("partition", "0"), ("topic", "wire.raw"))): 5.0,
        ("wirewatch_consumer_lag", (("partition", "1"), ("topic", "wire.raw"))): 0.0}
    assert "wirewatch_worker_ready_seconds" not in families
    assert families["wirewatch_gazetteer_load_seconds"].type == "gauge"
    assert families["wirewatch_stage_seconds"].samples == []  # no stage yet: the family, without series


def test_collector_reads_the_live_counters_in_a_registry_of_its_own():
    s = Stats()
    registry = prometheus_client.CollectorRegistry(auto_describe=False)
    registry.register(StatsCollector(processed=s.processed, produced=s.produced, dead_letters=s.dead_letters,
                                     dropped=s.dropped, alerts=s.alerts, stage_seconds=s.stage_seconds,
                                     record_age=s.record_age))
    assert registry.get_sample_value("wirewatch_messages_processed_total", {"stage": "match"}) is None
    s.processed["match"] += 2
    s.took("match", 0.01)
    assert registry.get_sample_value("wirewatch_messages_processed_total", {"stage": "match"}) == 2
    assert registry.get_sample_value("wirewatch_stage_seconds_count", {"stage": "match"}) == 1


def test_nothing_lands_in_the_default_registry():
    _render(_stats())
    assert prometheus_client.REGISTRY.get_sample_value("wirewatch_up") is None
    assert not any(f.name.startswith("wirewatch_") for f in prometheus_client.REGISTRY.collect())


def test_content_type_is_the_text_format_0_0_4():
    assert CONTENT_TYPE == "text/plain; version=0.0.4; charset=utf-8"


def test_histogram_overflow_bucket():
    h = Histogram()
    h.observe(100.0)
    assert h.counts[-1] == 1 and h.n == 1
