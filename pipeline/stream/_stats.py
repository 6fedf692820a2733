"""In-process counters and histograms (served at ``/stats`` as JSON and ``/metrics`` for Prometheus)."""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field

from ._metrics import Histogram

__all__ = ["Stats"]


@dataclass
class Stats:
    processed: Counter = field(default_factory=Counter)  # stage → messages handled
    produced: Counter = field(default_factory=Counter)  # topic stage → records sent
    dead_letters: Counter = field(default_factory=Counter)  # "stage:reason" → count
    dropped: Counter = field(default_factory=Counter)  # duplicate / stale story versions dropped
    alerts: Counter = field(default_factory=Counter)  # (severity, status) → alerts sent
    stage_seconds: dict[str, Histogram] = field(default_factory=dict)  # work per message
    record_age: dict[str, Histogram] = field(default_factory=dict)  # now − Kafka timestamp when a stage is done
    gauges: dict[str, float | None] = field(default_factory=dict)  # model/gazetteer load, ready time

    def took(self, stage: str, seconds: float, n: int = 1) -> None:
        """``n`` messages of ``stage`` took ``seconds`` together."""
        self.stage_seconds.setdefault(stage, Histogram()).observe(seconds / max(1, n), n)

    def aged(self, stage: str, timestamp_ms: int | None) -> None:
        if timestamp_ms:
            self.record_age.setdefault(stage, Histogram()).observe(max(0.0, time.time() - timestamp_ms / 1000))

    def as_dict(self) -> dict:
        return {
            "processed": dict(self.processed),
            "produced": dict(self.produced),
            "dead_letters": dict(self.dead_letters),
            "dropped": dict(self.dropped),
            "alerts": {f"severity {s} {status}": n for (s, status), n in sorted(self.alerts.items())},
            "gauges": dict(self.gauges),
        }
