"""The recent alerts a worker's web server shows and streams (pure; asyncio, no Kafka).

Every alert read from ``wire.alerts`` gets a sequence number. ``recent`` gives the latest state of
each alert (an update or retraction replaces it), newest first; ``after`` gives every alert message
after a sequence number, for a server-sent-events stream to resume from ``Last-Event-ID``.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict, deque
from dataclasses import dataclass
from datetime import datetime

from ..core import Alert
from ._grouping import IncidentFilter, IncidentItem, group_alerts, incidents_of, parse_time

__all__ = ["AlertFeed", "AlertFilter"]

_EVERY_INCIDENT = IncidentFilter()


@dataclass(frozen=True)
class AlertFilter:
    region: str | None = None
    rule: str | None = None
    min_severity: int | None = None
    status: str | None = None
    type: str | None = None  # the alert's event type (an alert without a rule: one of its story's events)
    since: datetime | None = None  # created or updated at or after

    def __call__(self, alert: Alert) -> bool:
        return ((self.region is None or alert.region_id == self.region)
                and (self.rule is None or alert.rule_id == self.rule)
                and (self.min_severity is None or (alert.severity or 0) >= self.min_severity)
                and (self.status is None or alert.status == self.status)
                and (self.type is None or (alert.event.type == self.type if alert.event is not None
                                           else any(e.type == self.type for e in alert.events)))
                and (self.since is None
                     or (parse_time(max(alert.created_at, alert.updated_at or "")) or self.since) >= self.since))


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

    def incidents(self, match: IncidentFilter = _EVERY_INCIDENT, limit: int = 100) -> list[IncidentItem]:
        """The recent alerts grouped by incident (see ``_grouping.py``), newest first."""
        return incidents_of(list(self._latest.values()), match, limit)

    def incident(self, incident_id: str) -> IncidentItem | None:
        """The incident with that id, or the one holding the alert with that id."""
        groups = group_alerts(self._latest.values())
        return next((g for g in groups if g.incident_id == incident_id), None) \
            or next((g for g in groups if any(a.alert_id == incident_id for _, a in g.alerts)), None)

    def incidents_after(self, seq: int, match: IncidentFilter = _EVERY_INCIDENT) -> list[tuple[int, IncidentItem]]:
        """The incidents that alert messages after ``seq`` changed, each once, with the latest such
        message's sequence number, oldest first: what an incident stream sends next."""
        changed = {a.alert_id: s for s, a in self._log if s > seq}
        if not changed:
            return []
        out = []
        for group in group_alerts(self._latest.values()):
            last = max((changed[a.alert_id] for _, a in group.alerts if a.alert_id in changed), default=None)
            if last is not None and match(group):
                out.append((last, group))
        return sorted(out, key=lambda item: item[0])

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
