"""Noise control across stories: one alert per incident, and per-rule cooldown (pure; no Kafka).

The match stage emits *candidate* alerts, one per (rule, story, event). An :class:`IncidentBook` — one
per rule, kept in a table partitioned by rule, so every candidate of a rule meets the same book —
decides what reaches ``wire.alerts``:

- a candidate whose id the book already knows (a new version of the same story) **updates** the
  incident's alert;
- a candidate that is a **near-duplicate** of a recent incident (the same incident told by another wire:
  same event type; places within 30 km; dates at most a day apart — or no dates, then a stronger text
  match; evidence texts sharing words) **updates** that incident's alert — same ``alert_id``, the other
  story listed in ``also_reported_by`` — instead of creating a second alert;
- otherwise, within the rule's ``cooldown_minutes`` after its last alert, the candidate is **suppressed**
  (remembered, counted, not sent); after it, a **new** alert;
- a retraction (a kill, or a new version that no longer reports the event) of a candidate retracts the
  incident's alert once no story supports it any more; while others still do, the alert is sent again
  without that story in ``also_reported_by`` (and, when the alert carried that story, carrying the
  latest remaining report instead);
- an acknowledgement (``POST /alerts/{id}/ack`` sends it here, keyed like the candidates) marks the
  incident acknowledged.

Each incident carries its alert's status, moved by :func:`~._lifecycle.transition`: the first report
sends it ``active``, later reports ``updated`` (or still ``acknowledged`` once acknowledged, with
``updated_at`` saying when), the last retraction ``retracted`` (kept, so that a late acknowledgement
cannot revive it; a story reporting it again reopens it). Alerts without a rule (regions only) follow
the same lifecycle, one incident per alert: they are never merged nor suppressed. Incidents are
forgotten after 7 days (``keep_s``; the state retention window if shorter) — when a candidate meets the
book, and at the worker's periodic sweep (:meth:`IncidentBook.expire`), which deletes a book left empty —
and a book holds at most 100 (``capacity``).
"""

from __future__ import annotations

import math
import re
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any, Literal

from ..core import Alert, to_dict
from ._lifecycle import IllegalTransition, transition

__all__ = ["Decision", "Incident", "IncidentBook", "book_key", "near_duplicate", "signature"]

_WORD = re.compile(r"[^\W\d_]{3,}|\d+", re.UNICODE)
_STOP = frozenset("""the and for with that this from was were are has have had its their they said says
officials official reported report reports according also after before about into over than then there
which while who whom will would could should been being not but all any some one two three near""".split())


def signature(text: str, limit: int = 64) -> list[str]:
    """The content words of an evidence sentence, for comparing two reports of one incident."""
    words = [w.lower() for w in _WORD.findall(text or "")]
    return sorted({w for w in words if w not in _STOP})[:limit]


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(h)))


def _days_apart(a: str | None, b: str | None) -> int | None:
    try:
        return abs((date.fromisoformat(a[:10]) - date.fromisoformat(b[:10])).days) if a and b else None
    except ValueError:
        return None


@dataclass
class Incident:
    alert_id: str  # the alert every report of this incident updates
    type: str | None
    place: str | None  # geonameid or place text
    lat: float | None
    lon: float | None
    date: str | None
    words: list[str]
    at: float  # when it was first seen (epoch seconds)
    severity: int = 1
    suppressed: bool = False
    sources: dict[str, str] = field(default_factory=dict)  # candidate alert id → story uri
    status: str = "active"  # the alert's status (see _lifecycle)
    updated_at: str | None = None  # when a report last changed it (the candidate's created_at)
    #: candidate alert id → that report's alert (of incidents that can merge: those with an event type),
    #: the latest last: the incident's alert carries the latest report, and another when its story leaves
    reports: dict[str, dict[str, Any]] = field(default_factory=dict)
    acknowledged_by: str | None = None  # the last acknowledgement: who, when (UTC ISO), with what note
    acknowledged_at: str | None = None
    ack_note: str | None = None

    @classmethod
    def of(cls, alert: Alert, now: float, suppressed: bool = False) -> "Incident":
        ev = alert.event
        place = ev.place if ev else None
        return cls(alert_id=alert.alert_id, type=ev.type if ev else None,
                   place=(str(place.geonameid) if place.geonameid is not None else place.text) if place else None,
                   lat=place.lat if place else None, lon=place.lon if place else None, date=ev.date if ev else None,
                   words=signature(f"{alert.evidence or ''} {alert.headline}"), at=now, severity=alert.severity or 1,
                   suppressed=suppressed, sources={alert.alert_id: alert.story_uri},
                   reports={alert.alert_id: _report(alert)} if ev is not None and ev.type else {})

    def remember(self, alert: Alert) -> None:
        """``alert`` reports the incident: listed among its sources, its report the latest."""
        self.sources[alert.alert_id] = alert.story_uri
        if self.type is not None:
            self.reports.pop(alert.alert_id, None)
            self.reports[alert.alert_id] = _report(alert)

    def step(self, action: str) -> str:
        """Move the incident's status by ``action`` (:class:`IllegalTransition` if it may not)."""
        self.status = transition(self.status, action)
        return self.status


def near_duplicate(a: Incident, b: Incident) -> bool:
    """Two reports of one incident: same type, same place (or within 30 km), compatible dates, shared words."""
    if a.type is None or a.type != b.type:
        return False
    if a.lat is not None and a.lon is not None and b.lat is not None and b.lon is not None:
        if _km((a.lat, a.lon), (b.lat, b.lon)) > 30.0:
            return False
    elif a.place is None or a.place != b.place:
        return False
    days = _days_apart(a.date, b.date)
    if days is not None and days > 1:
        return False
    wa, wb = set(a.words), set(b.words)
    similarity = len(wa & wb) / len(wa | wb) if wa and wb else 0.0
    return similarity >= (0.2 if days is not None else 0.3)


@dataclass(frozen=True)
class Decision:
    kind: Literal["new", "update", "duplicate", "suppressed", "withdraw", "retract", "ack", "pass", "drop"]
    alert: Alert | None  # what to send to wire.alerts (None: nothing)
    reason: str = ""


class IncidentBook:
    """The recent incidents of one rule (or of one region without a rule). State round-trips through
    :meth:`state` (JSON-able). The whole book is one table record, written again at every candidate, and
    each incident keeps its reports: ``capacity`` keeps that record well under a broker's 1 MB message
    limit and its rewriting cheap (100 recent incidents per rule is far more than near-duplicates need)."""

    def __init__(self, state: Any = None, *, keep_s: float = 7 * 86400, capacity: int = 100) -> None:
        if isinstance(state, dict):  # {"incidents": […], "applied": offset}; a bare list from older workers
            items, self.applied = state.get("incidents") or [], state.get("applied")
        else:
            items, self.applied = state or [], None
        self.incidents = [Incident(**item) for item in items]
        self.keep_s, self.capacity = keep_s, capacity

    def state(self) -> dict[str, Any]:
        return {"incidents": [asdict(i) for i in self.incidents], "applied": self.applied}

    def replayed(self, offset: int) -> bool:
        """Whether the candidate at ``offset`` (of the book's candidates partition: a book's candidates share
        one) was applied already — read again after a crash, with the book recovered ahead of the committed
        offset. Its effect is in the book, and its alert was acknowledged by the broker before the book was
        written (the agent's order), so it is skipped: replaying it could reopen an incident retracted since."""
        return self.applied is not None and offset <= self.applied

    def applied_at(self, offset: int) -> None:
        """The candidate at ``offset`` is applied (written with the book, after its alert is acknowledged)."""
        self.applied = offset if self.applied is None else max(self.applied, offset)

    def _prune(self, now: float) -> None:
        self.incidents = [i for i in self.incidents if now - i.at <= self.keep_s][-self.capacity:]

    def expire(self, now: float) -> bool:
        """Forget the incidents past ``keep_s`` (the expiry timer's sweep, for books no candidate touches);
        whether any was forgotten. A book left empty is deleted from the table."""
        held = len(self.incidents)
        self._prune(now)
        return len(self.incidents) != held

    def admit(self, alert: Alert, *, now: float, cooldown_minutes: float = 0.0) -> Decision:
        """What ``alert`` (a candidate, a retraction or an acknowledgement) does to the book, and what to send."""
        self._prune(now)
        known = next((i for i in self.incidents if alert.alert_id in i.sources), None)
        if alert.status == "acknowledged":
            return self._acknowledge(alert)
        if alert.status == "retracted":
            return self._retract(alert, known)
        if known is not None and known.status == "retracted":  # reported again: reopened as a new alert
            self.incidents.remove(known)
            known = None
        if known is not None:
            if known.suppressed:
                return Decision("drop", None, "an update of an incident suppressed by the cooldown")
            known.severity = max(known.severity, alert.severity or 1)
            known.remember(alert)
            known.step("report")
            known.updated_at = alert.created_at
            return Decision("update", _as(alert, known, _others(known, alert)))
        candidate = Incident.of(alert, now)
        twin = None if alert.rule_id is None else next(
            (i for i in reversed(self.incidents) if i.status != "retracted" and near_duplicate(i, candidate)), None)
        if twin is not None:
            twin.remember(alert)
            twin.words = sorted(set(twin.words) | set(candidate.words))[:128]
            twin.severity = max(twin.severity, candidate.severity)
            if twin.suppressed:
                return Decision("drop", None, "a report of an incident suppressed by the cooldown")
            twin.step("report")
            twin.updated_at = alert.created_at
            return Decision("duplicate", _as(alert, twin, _others(twin, alert)))
        last = max((i.at for i in self.incidents if not i.suppressed and i.status != "retracted"), default=None)
        if alert.rule_id is not None and cooldown_minutes > 0 and last is not None \
                and now - last < cooldown_minutes * 60:
            candidate.suppressed = True
            self.incidents.append(candidate)
            return Decision("suppressed", None, f"within the rule's {cooldown_minutes:g}-minute cooldown")
        self.incidents.append(candidate)
        return Decision("new", _as(alert, candidate, []))

    def _retract(self, alert: Alert, known: Incident | None) -> Decision:
        if known is None:
            return Decision("pass", alert, "retraction of an alert this book never saw")
        if known.status == "retracted":
            return Decision("drop", None, f"incident {known.alert_id} is retracted already")
        known.sources.pop(alert.alert_id, None)
        known.reports.pop(alert.alert_id, None)
        if known.sources:
            return self._withdraw(alert, known)
        if known.suppressed:
            self.incidents.remove(known)
            return Decision("drop", None, "the incident was suppressed by the cooldown")
        known.step("retract")
        known.sources = {alert.alert_id: alert.story_uri}  # kept (retracted) until forgotten, by its last id
        return Decision("retract", _as(alert, known, []))

    def _withdraw(self, alert: Alert, known: Incident) -> Decision:
        """A story no longer reports the incident but others do: its alert again, without that story in
        ``also_reported_by``; when it carried that story, it carries the latest remaining report."""
        if known.suppressed:
            return Decision("drop", None, f"other stories still report incident {known.alert_id} (suppressed)")
        if not known.reports:  # an incident recorded before reports were kept: nothing to rebuild it from
            return Decision("drop", None, f"other stories still report incident {known.alert_id}")
        reports = list(known.reports.values())
        known.severity = max(r.get("severity") or 1 for r in reports)
        known.step("withdraw")
        known.updated_at = alert.created_at
        face = Alert.from_data({**reports[-1], "status": known.status, "created_at": alert.created_at})
        return Decision("withdraw", _as(face, known, _others(known, face)))

    def _acknowledge(self, alert: Alert) -> Decision:
        incident = next((i for i in self.incidents if i.alert_id == alert.alert_id and not i.suppressed), None)
        if incident is None:
            return Decision("pass", alert, "acknowledgement of an alert this book does not hold")
        try:
            incident.step("ack")
        except IllegalTransition as exc:
            return Decision("drop", None, str(exc))
        incident.acknowledged_by = alert.acknowledged_by or "anonymous"
        incident.acknowledged_at = alert.acknowledged_at or alert.created_at
        incident.ack_note = alert.ack_note
        return Decision("ack", _as(alert, incident, _others(incident, alert)))


def book_key(alert: Alert) -> str:
    """The key of ``alert``'s incident book: a rule's candidates (and acknowledgements) share one
    partition, hence one book; alerts without a rule, their region's."""
    return f"rule:{alert.rule_id}" if alert.rule_id else f"region:{alert.region_id}"


def _report(alert: Alert) -> dict[str, Any]:
    """What the book keeps of a report, to send the incident's alert with it later (its state aside)."""
    data = to_dict(alert)
    for name in ("status", "created_at", "also_reported_by", "updated_at", "acknowledged_by", "acknowledged_at",
                 "ack_note"):
        data.pop(name, None)
    return data


def _others(incident: Incident, alert: Alert) -> list[str]:
    return sorted({uri for aid, uri in incident.sources.items() if uri != alert.story_uri})


def _as(alert: Alert, incident: Incident, others: list[str]) -> Alert:
    """``alert`` re-addressed to the incident's alert id, with its status, listing the other stories that
    report it."""
    data = alert.asdict()
    data.update(alert_id=incident.alert_id, also_reported_by=others, status=incident.status,
                updated_at=incident.updated_at, acknowledged_by=incident.acknowledged_by,
                acknowledged_at=incident.acknowledged_at, ack_note=incident.ack_note,
                severity=max(incident.severity, alert.severity or 1) if alert.status != "retracted" else alert.severity)
    return Alert(**data)
