"""Prometheus exposition of a worker's counters, histograms and gauges (no Kafka).

Served at ``/metrics`` by ``prometheus_client``: :class:`StatsCollector` turns the worker's own
counters (:class:`~._stats.Stats`) into metric families, registered in a registry of its own (never
the library's global default registry), and :func:`render_metrics` writes them with
``prometheus_client.exposition.generate_latest`` in the text format 0.0.4 (:data:`CONTENT_TYPE`).
Names (all prefixed ``wirewatch_``):

- ``up`` — 1 while the worker serves;
- ``messages_processed_total{stage}`` — messages each agent handled (normalize, enrich, match, incidents);
- ``records_produced_total{stage}`` — records sent, by kind (stories, enriched, candidates, alerts,
  routed, deadletter), alerts delivered by channel (webhook, slack, email) and incident decisions
  (``incident_new``, ``incident_duplicate``, …);
- ``dead_letters_total{stage,reason}``; ``duplicates_dropped_total{verdict}`` (duplicate / stale versions);
- ``alerts_total{severity,status}`` — alerts sent to ``wire.alerts``;
- ``stage_seconds{stage}`` — histogram of the work per message in each stage (enrich: per story);
- ``record_age_seconds{stage}`` — histogram of a record's age (now − its Kafka timestamp) when a
  stage finished it: the latency from the producer to that stage, queueing included;
- ``consumer_lag{topic,partition}`` — high-water mark − position of each assigned partition;
- ``model_load_seconds``, ``gazetteer_load_seconds`` (in the NLP process when it has one:
  ``nlp_process_start_seconds`` then covers its start and both loads), ``worker_ready_seconds`` —
  gauges without help text.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable, Iterator, Mapping

from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, HistogramMetricFamily, Metric
from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4, generate_latest
from prometheus_client.registry import Collector, CollectorRegistry
from prometheus_client.utils import floatToGoString

__all__ = ["CONTENT_TYPE", "Histogram", "StatsCollector", "render_metrics"]

BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)

#: The content type of what :func:`render_metrics` writes: ``text/plain; version=0.0.4; charset=utf-8``
#: (what ``prometheus_client`` itself serves ``generate_latest``'s output with).
CONTENT_TYPE = CONTENT_TYPE_PLAIN_0_0_4


@dataclass
class Histogram:
    buckets: tuple[float, ...] = BUCKETS
    counts: list[int] = field(default_factory=lambda: [0] * (len(BUCKETS) + 1))
    total: float = 0.0
    n: int = 0

    def observe(self, seconds: float, n: int = 1) -> None:
        """``n`` observations of ``seconds`` each."""
        self.counts[bisect_left(self.buckets, seconds)] += n
        self.total += seconds * n
        self.n += n


def _counter(name: str, help_: str, label: str, values: Mapping[str, int]) -> CounterMetricFamily:
    family = CounterMetricFamily(f"wirewatch_{name}", help_, labels=[label])
    for key, value in sorted(values.items()):
        family.add_metric([str(key)], value)
    return family


def _histograms(name: str, help_: str, series: Mapping[str, Histogram]) -> HistogramMetricFamily:
    family = HistogramMetricFamily(f"wirewatch_{name}", help_, labels=["stage"])
    for stage, h in sorted(series.items()):
        running, buckets = 0, []
        for bound, count in zip(h.buckets, h.counts[:len(h.buckets)], strict=True):
            running += count
            buckets.append((floatToGoString(bound), running))
        buckets.append(("+Inf", h.n))
        family.add_metric([str(stage)], buckets, h.total)
    return family


class StatsCollector(Collector):
    """The worker's counters, histograms and gauges as Prometheus metric families.

    Reads the mappings it is given at every :meth:`collect` (so it can wrap the live
    :class:`~._stats.Stats` fields); ``lag`` is ``(topic, partition, messages)`` per assigned partition,
    and each gauge whose value is ``None`` is left out.
    """

    def __init__(self, *, processed: Counter, produced: Counter, dead_letters: Counter, dropped: Counter,
                 alerts: Counter, stage_seconds: Mapping[str, Histogram], record_age: Mapping[str, Histogram],
                 lag: Iterable[tuple[str, int, int]] = (), gauges: Mapping[str, float | None] = {}) -> None:
        self.processed, self.produced, self.dead_letters, self.dropped = processed, produced, dead_letters, dropped
        self.alerts, self.stage_seconds, self.record_age = alerts, stage_seconds, record_age
        self.lag, self.gauges = list(lag), gauges

    def collect(self) -> Iterator[Metric]:
        yield GaugeMetricFamily("wirewatch_up", "1 while the worker serves", value=1)
        yield _counter("messages_processed_total", "messages each stage handled", "stage", self.processed)
        yield _counter("records_produced_total", "records sent, by kind, and incident decisions", "stage", self.produced)
        dead = CounterMetricFamily("wirewatch_dead_letters_total", "messages dead-lettered, by stage and reason",
                                   labels=["stage", "reason"])
        for key, value in sorted(self.dead_letters.items()):
            stage, _, reason = key.partition(":")
            dead.add_metric([stage, reason], value)
        yield dead
        yield _counter("duplicates_dropped_total", "story versions dropped as duplicate or stale", "verdict", self.dropped)
        alerts = CounterMetricFamily("wirewatch_alerts_total", "alerts sent to wire.alerts, by severity and status",
                                     labels=["severity", "status"])
        for (severity, status), value in sorted(self.alerts.items()):
            alerts.add_metric([str(severity), str(status)], value)
        yield alerts
        yield _histograms("stage_seconds", "work per message in each stage (enrich: per story)", self.stage_seconds)
        yield _histograms("record_age_seconds", "age of a record (now - its Kafka timestamp) when a stage finished it",
                          self.record_age)
        lag = GaugeMetricFamily("wirewatch_consumer_lag", "high-water mark minus position, per assigned partition",
                                labels=["topic", "partition"])
        for topic, partition, messages in sorted(self.lag):
            lag.add_metric([str(topic), str(partition)], messages)
        yield lag
        for name, value in sorted(self.gauges.items()):
            if value is not None:
                yield GaugeMetricFamily(f"wirewatch_{name}", "", value=value)


def render_metrics(*, processed: Counter, produced: Counter, dead_letters: Counter, dropped: Counter,
                   alerts: Counter, stage_seconds: Mapping[str, Histogram], record_age: Mapping[str, Histogram],
                   lag: Iterable[tuple[str, int, int]] = (), gauges: Mapping[str, float | None] = {}) -> bytes:
    """The exposition (:data:`CONTENT_TYPE`), from a registry of its own holding one :class:`StatsCollector`."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(StatsCollector(processed=processed, produced=produced, dead_letters=dead_letters, dropped=dropped,
                                     alerts=alerts, stage_seconds=stage_seconds, record_age=record_age, lag=lag,
                                     gauges=gauges))
    return generate_latest(registry)
