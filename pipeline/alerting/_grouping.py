"""One incident, one item: the recent alerts grouped by the incident they report (pure; no Kafka).

A story matched by several regions and rules gives several alerts, and the incident book folds another
wire's report of the same incident into an alert (``also_reported_by``). For an analyst that is one
incident: alerts are grouped by the stories they carry — two alerts belong to one incident when they
share a story, directly or through a chain of near-duplicates (an alert of story A listing story B, and
another alert of story B). Each group is an :class:`IncidentItem`: its regions and rules, its stories,
the most severe alert's content (headline, event, place, evidence) and a status summing up its alerts'.

``incident_id`` is the id of the group's first alert (the one the worker received first), so a group
keeps its id as alerts join it; when two groups merge, the older one's id stays.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Iterable, Sequence

import orjson

from ..core import Alert, dumps

__all__ = ["IncidentFilter", "IncidentItem", "group_alerts", "incident_status", "incidents_of", "parse_time"]


def incident_status(statuses: Iterable[str]) -> str:
    """The status of an incident from its alerts': ``retracted`` when all are; else ``acknowledged`` when
    every alert still standing is; else ``updated`` when one was updated; else ``active``."""
    standing = [s for s in statuses if s != "retracted"]
    if not standing:
        return "retracted"
    if all(s == "acknowledged" for s in standing):
        return "acknowledged"
    return "updated" if "updated" in standing else "active"


def parse_time(text: str | None) -> datetime | None:
    """An ISO 8601 time (``Z`` or an offset; without one, UTC), or ``None`` when it is none."""
    try:
        moment = datetime.fromisoformat(text) if text else None
    except ValueError:
        return None
    return moment.replace(tzinfo=timezone.utc) if moment is not None and moment.tzinfo is None else moment


def _types(alert: Alert) -> set[str]:
    """The event types an alert is about: its event's, else (a region without a rule) its story's events'."""
    if alert.event is not None:
        return {alert.event.type}
    return {e.type for e in alert.events}


@dataclass
class IncidentItem:
    """One incident: every recent alert reporting it, in the order the worker received them."""

    alerts: list[tuple[int, Alert]] = field(default_factory=list)  # (sequence number, latest state)

    @property
    def incident_id(self) -> str:
        return min(self.alerts, key=lambda item: item[0])[1].alert_id

    @property
    def seq(self) -> int:
        return max(s for s, _ in self.alerts)

    @property
    def standing(self) -> list[Alert]:
        """The alerts not retracted (all of them when every one is)."""
        alive = [a for _, a in self.alerts if a.status != "retracted"]
        return alive or [a for _, a in self.alerts]

    @property
    def lead(self) -> Alert:
        """The alert that speaks for the incident: the most severe standing one, about an event rather
        than a whole story, the latest received."""
        ranked = [(a.status != "retracted", a.severity or 0, a.event is not None, s, a) for s, a in self.alerts]
        return max(ranked, key=lambda r: r[:4])[4]

    @property
    def status(self) -> str:
        return incident_status(a.status for _, a in self.alerts)

    @property
    def severity(self) -> int:
        return max((a.severity or 1) for a in self.standing)

    @property
    def regions(self) -> list[dict[str, str]]:
        names = {a.region_id: a.region_name for a in self.standing}
        return [{"id": rid, "name": names[rid]} for rid in sorted(names)]

    @property
    def rules(self) -> list[str]:
        return sorted({a.rule_id for a in self.standing if a.rule_id})

    @property
    def types(self) -> list[str]:
        return sorted(set().union(*(_types(a) for a in self.standing)))

    @property
    def stories(self) -> list[str]:
        return sorted({uri for a in self.standing for uri in (a.story_uri, *a.also_reported_by)})

    @property
    def created_at(self) -> str:
        return min(a.created_at for _, a in self.alerts)

    @property
    def updated_at(self) -> str:
        return max(max(a.created_at, a.updated_at or "") for _, a in self.alerts)

    def asdict(self) -> dict[str, Any]:
        lead = orjson.loads(dumps(self.lead))
        acked = max((a for _, a in self.alerts if a.acknowledged_at), key=lambda a: a.acknowledged_at or "",
                    default=None)
        return {
            "incident_id": self.incident_id, "seq": self.seq, "status": self.status, "severity": self.severity,
            "headline": lead["headline"], "story_uri": lead["story_uri"], "story_version": lead["story_version"],
            "stories": self.stories, "regions": self.regions, "rules": self.rules, "types": self.types,
            "event": lead["event"], "location": lead["location"], "places": lead["places"],
            "evidence": lead["evidence"], "evidence_trigger": lead["evidence_trigger"],
            "match_reasons": sorted({r for a in self.standing for r in a.match_reasons}),
            "created_at": self.created_at, "updated_at": self.updated_at,
            "acknowledged_by": acked.acknowledged_by if acked else None,
            "acknowledged_at": acked.acknowledged_at if acked else None,
            "ack_note": acked.ack_note if acked else None,
            "alerts": [{"alert_id": a.alert_id, "status": a.status, "region_id": a.region_id,
                        "region_name": a.region_name, "rule_id": a.rule_id, "severity": a.severity,
                        "story_uri": a.story_uri} for _, a in sorted(self.alerts, key=lambda item: item[0])],
        }


def group_alerts(alerts: Iterable[tuple[int, Alert]]) -> list[IncidentItem]:
    """The alerts (sequence number, latest state) grouped by incident, newest incident first (by the
    latest alert message of each)."""
    parent: dict[str, str] = {}

    def find(uri: str) -> str:
        parent.setdefault(uri, uri)
        while parent[uri] != uri:
            parent[uri] = parent[parent[uri]]
            uri = parent[uri]
        return uri

    items = list(alerts)
    for _, alert in items:
        first = find(alert.story_uri)
        for other in alert.also_reported_by:
            root = find(other)
            if root != first:
                parent[root] = first
    groups: dict[str, IncidentItem] = {}
    for seq, alert in items:
        groups.setdefault(find(alert.story_uri), IncidentItem()).alerts.append((seq, alert))
    return sorted(groups.values(), key=lambda g: g.seq, reverse=True)


@dataclass(frozen=True)
class IncidentFilter:
    """Which incidents to list: one of whose regions, rules or event types is the one asked for, at
    least that severity, that status, changed at or after ``since`` (UTC ISO)."""

    region: str | None = None
    rule: str | None = None
    type: str | None = None
    min_severity: int | None = None
    status: str | None = None
    since: datetime | None = None

    def __call__(self, item: IncidentItem) -> bool:
        return ((self.region is None or any(r["id"] == self.region for r in item.regions))
                and (self.rule is None or self.rule in item.rules)
                and (self.type is None or self.type in item.types)
                and (self.min_severity is None or item.severity >= self.min_severity)
                and (self.status is None or item.status == self.status)
                and (self.since is None or (parse_time(item.updated_at) or self.since) >= self.since))


def incidents_of(items: Sequence[tuple[int, Alert]], match: IncidentFilter = IncidentFilter(),
                 limit: int = 100) -> list[IncidentItem]:
    """The incidents of ``items`` that ``match`` asks for, newest first, at most ``limit``."""
    return [g for g in group_alerts(items) if match(g)][:max(0, limit)]
