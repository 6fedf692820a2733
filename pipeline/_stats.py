"""In-process counters (served at ``/stats``; Prometheus ``/metrics`` arrives with issue 08)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

__all__ = ["Stats"]


@dataclass
class Stats:
    processed: Counter = field(default_factory=Counter)  # stage → messages handled
    produced: Counter = field(default_factory=Counter)  # topic stage → records sent
    dead_letters: Counter = field(default_factory=Counter)  # "stage:reason" → count
    dropped: Counter = field(default_factory=Counter)  # duplicate / stale story versions dropped

    def as_dict(self) -> dict:
        return {
            "processed": dict(self.processed),
            "produced": dict(self.produced),
            "dead_letters": dict(self.dead_letters),
            "dropped": dict(self.dropped),
        }
