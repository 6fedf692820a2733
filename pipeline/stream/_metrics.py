"""Prometheus text exposition of a worker's counters, histograms and gauges (pure; no Kafka).

Served at ``/metrics``. Names (all prefixed ``wirewatch_``):

- ``messages_processed_total{stage}`` — messages each agent handled (normalize, enrich, match, incidents);
- ``records_produced_total{stage}`` — records sent, by kind (stories, enriched, candidates, alerts,
  routed, deadletter, webhook) and incident decisions (``incident_new``, ``incident_duplicate``, …);
- ``dead_letters_total{stage,reason}``; ``duplicates_dropped_total{verdict}`` (duplicate / stale versions);
- ``alerts_total{severity,status}`` — alerts sent to ``wire.alerts``;
- ``stage_seconds{stage}`` — histogram of the work per message in each stage (enrich: per story);
- ``record_age_seconds{stage}`` — histogram of a record's age (now − its Kafka timestamp) when a
  stage finished it: the latency from the producer to that stage, queueing included;
- ``consumer_lag{topic,partition}`` — high-water mark − position of each assigned partition;
- ``model_load_seconds``, ``gazetteer_load_seconds`` (in the NLP process when it has one:
  ``nlp_process_start_seconds`` then covers its start and both loads), ``worker_ready_seconds``; ``up``.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable, Mapping

__all__ = ["Histogram", "render_metrics"]

BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


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


def _labels(**labels: object) -> str:
    inner = ",".join(f'{k}="{_escape(str(v))}"' for k, v in labels.items())
    return "{" + inner + "}" if inner else ""


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _counter(name: str, help_: str, label: str, values: Mapping[str, int]) -> list[str]:
    out = [f"# HELP wirewatch_{name} {help_}", f"# TYPE wirewatch_{name} counter"]
    out += [f"wirewatch_{name}{_labels(**{label: k})} {v}" for k, v in sorted(values.items())]
    return out


def _histograms(name: str, help_: str, series: Mapping[str, Histogram]) -> list[str]:
    out = [f"# HELP wirewatch_{name} {help_}", f"# TYPE wirewatch_{name} histogram"]
    for stage, h in sorted(series.items()):
        running = 0
        for bound, count in zip(h.buckets, h.counts[:len(h.buckets)], strict=True):
            running += count
            out.append(f"wirewatch_{name}_bucket{_labels(stage=stage, le=bound)} {running}")
        out.append(f"wirewatch_{name}_bucket{_labels(stage=stage, le='+Inf')} {h.n}")
        out.append(f"wirewatch_{name}_sum{_labels(stage=stage)} {h.total:.6f}")
        out.append(f"wirewatch_{name}_count{_labels(stage=stage)} {h.n}")
    return out


def render_metrics(*, processed: Counter, produced: Counter, dead_letters: Counter, dropped: Counter,
           alerts: Counter, stage_seconds: Mapping[str, Histogram], record_age: Mapping[str, Histogram],
           lag: Iterable[tuple[str, int, int]] = (), gauges: Mapping[str, float | None] = {}) -> str:
    """The exposition text (``text/plain; version=0.0.4``)."""
    lines = ["# HELP wirewatch_up 1 while the worker serves", "# TYPE wirewatch_up gauge", "wirewatch_up 1"]
    lines += _counter("messages_processed_total", "messages each stage handled", "stage", processed)
    lines += _counter("records_produced_total", "records sent, by kind, and incident decisions", "stage", produced)
    lines += ["# HELP wirewatch_dead_letters_total messages dead-lettered, by stage and reason",
              "# TYPE wirewatch_dead_letters_total counter"]
    for key, v in sorted(dead_letters.items()):
        stage, _, reason = key.partition(":")
        lines.append(f"wirewatch_dead_letters_total{_labels(stage=stage, reason=reason)} {v}")
    lines += _counter("duplicates_dropped_total", "story versions dropped as duplicate or stale", "verdict", dropped)
    lines += ["# HELP wirewatch_alerts_total alerts sent to wire.alerts, by severity and status",
              "# TYPE wirewatch_alerts_total counter"]
    for (sev, status), v in sorted(alerts.items()):
        lines.append(f"wirewatch_alerts_total{_labels(severity=sev, status=status)} {v}")
    lines += _histograms("stage_seconds", "work per message in each stage (enrich: per story)", stage_seconds)
    lines += _histograms("record_age_seconds", "age of a record (now - its Kafka timestamp) when a stage finished it",
                         record_age)
    lines += ["# HELP wirewatch_consumer_lag high-water mark minus position, per assigned partition",
              "# TYPE wirewatch_consumer_lag gauge"]
    lines += [f"wirewatch_consumer_lag{_labels(topic=t, partition=p)} {n}" for t, p, n in sorted(lag)]
    for name, value in sorted(gauges.items()):
        if value is not None:
            lines += [f"# TYPE wirewatch_{name} gauge", f"wirewatch_{name} {value:.3f}"]
    return "\n".join(lines) + "\n"
