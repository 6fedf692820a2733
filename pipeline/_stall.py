"""Detect a stream partition the worker has stopped feeding to its agent (pure; no Kafka).

Why: after a worker restart, Faust (0.15.3) can resume a partition's flow before it seeks it to the
committed offset. Records fetched in that window advance Faust's *read offset* without reaching the
agent; after the seek, the re-fetched records lie below the read offset and Faust drops them as
already read ("DROPPED MESSAGE ROFF"). The partition then sits with its read offset at the high-water
mark and its committed offset behind, for good (seen once in seven runs of the kill -9 test).

The watchdog (a timer in the topology) feeds this class each partition's committed offset, read offset
and high-water mark; when a partition has been "read to the end but not committed" with no commit
progress for ``after`` seconds, it says so, and the worker seeks the partition back to its committed
offset (Faust's ``Consumer.seek`` also resets the read offset), so the records are delivered again —
at-least-once; the versions table drops the ones that were in fact processed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Hashable

__all__ = ["StallDetector"]


@dataclass
class StallDetector:
    after: float = 30.0
    _since: dict[Hashable, tuple[int, float]] = field(default_factory=dict)

    def check(self, tp: Hashable, *, committed: int | None, read: int | None, high: int | None, now: float) -> bool:
        """True when ``tp`` looks stalled (then its timer restarts, so a seek is not repeated at once)."""
        if committed is None or read is None or high is None or committed >= high or read + 1 < high:
            self._since.pop(tp, None)  # nothing to do, or records are still on their way to the agent
            return False
        seen = self._since.get(tp)
        if seen is None or seen[0] != committed:
            self._since[tp] = (committed, now)  # commits are progressing: a slow agent, not a stall
            return False
        if now - seen[1] < self.after:
            return False
        self._since[tp] = (committed, now)
        return True
