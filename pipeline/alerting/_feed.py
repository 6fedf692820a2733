"""The recent alerts a worker's web server shows and streams (pure; asyncio, no Kafka).

Every alert read from ``wire.alerts`` gets a sequence number. ``recent`` gives the latest state of
each alert (an update or retraction replaces it), newest first; ``after`` gives every alert message
after a sequence number, for a server-sent-events stream to resume from ``Last-Event-ID``.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict, deque
from dataclasses import dataclass

from ..core import Alert

__all__ = ["AlertFeed", "AlertFilter"]


@dataclass(frozen=True)
class AlertFilter:
    region: str | None = None
    rule: str | None = None
    min_severity: int | None = None
    status: str | None = None

    def __call__(self, alert: Alert) -> bool:
        return ((self.region is None or alert.region_id == self.region)
                and (self.rule is None or alert.rule_id == self.rule)
                and (self.min_severity is None or (alert.severity or 0) >= self.min_severity)
                and (self.status is None or alert.status == self.status))


class AlertFeed:
    def __init__(self, capacity: int = 1000) -> None:
        self.capacity = capacity
        self.seq = 0
        self._log: deque[tuple[int, Alert]] = deque(maxlen=capacity)
        self._latest: OrderedDict[str, tuple[int, Alert]] = OrderedDict()
        self._changed = asyncio.Condition()

    def add(self, alert: Alert) -> int:
        self.seq += 1
        self._log.append((self.seq, alert))
        self._latest.pop(alert.alert_id, None)
        self._latest[alert.alert_id] = (self.seq, alert)
        while len(self._latest) > self.capacity:
            self._latest.popitem(last=False)
        return self.seq

    async def publish(self, alert: Alert) -> int:
        seq = self.add(alert)
        async with self._changed:
            self._changed.notify_all()
        return seq

    def recent(self, match: AlertFilter = AlertFilter(), limit: int = 100) -> list[tuple[int, Alert]]:
        out = [(s, a) for s, a in reversed(self._latest.values()) if match(a)]
        return out[:max(0, limit)]

    def after(self, seq: int, match: AlertFilter = AlertFilter()) -> list[tuple[int, Alert]]:
        return [(s, a) for s, a in self._log if s > seq and match(a)]

    async def wait(self, seq: int, timeout: float) -> None:
        """Until an alert after ``seq`` arrives, or ``timeout`` seconds."""
        if self.seq > seq:
            return
        async with self._changed:
            try:
                await asyncio.wait_for(self._changed.wait_for(lambda: self.seq > seq), timeout)
            except asyncio.TimeoutError:
                return
