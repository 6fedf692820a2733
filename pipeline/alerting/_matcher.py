"""EnrichedStory → Alerts for the regions it touches.

Rule: a story alerts a region when one of its resolved places lies inside the region's geometry (not an
ocean, sea or region across countries — "Middle East", "Sahara": their points are conventions, see
:func:`pipeline.geo.locates`), in one of its countries or first-level divisions, or when one of its
areas ("near the Iraq-Syria border") intersects the region's geometry or lies in one of its countries.
Region geometries sit in an STRtree, so a story costs a few index lookups however many regions there
are (``wirewatch bench --regions N``).
"""

from __future__ import annotations

import hashlib
import logging
from typing import Any, Iterable, Sequence

import shapely
from shapely.geometry import shape

from ..core import Alert, AlertLocation, Area, EnrichedStory, Event, EventPlace, Place, TextSpan, utc_now_iso
from ..geo import locates
from ._regions import Region
from ._rules import Rule
from ._severity import severity

__all__ = ["AlertMatcher", "alert_id", "alert_location", "evidence_of"]

_RETRACTING = {"canceled", "withheld"}
log = logging.getLogger("wirewatch.alerting")


def alert_id(*parts: str) -> str:
    """Deterministic: replays and retries of the same story for the same region (or rule and event)
    share one id."""
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]


def _event_key(event: Event) -> str:
    """An event's identity within a story: type, where, when."""
    place = event.place
    where = (str(place.geonameid) if place and place.geonameid is not None else place.text if place else "")
    return f"{event.type}|{where}|{event.date or ''}"


class AlertMatcher:
    """Regions, and optionally rules, region by region: a region **without a rule** alerts on every story
    that touches it (one alert per story and region); a region **with rules** is narrowed by them: one
    alert per (rule, event located in the region), and a story that merely names a place there alerts
    only rules with ``mentions``. A rule for one region never silences another."""

    def __init__(self, regions: Sequence[Region], rules: Sequence[Rule] | None = None) -> None:
        self.regions = list(regions)
        self.rules = list(rules) if rules else []
        self._rules_by_id = {r.id: r for r in self.rules}
        self._region_index = {r.id: i for i, r in enumerate(self.regions)}
        #: Regions (indexes) whose alerts their rules decide.
        self._ruled = {self._region_index[r.region] for r in self.rules if r.region in self._region_index}
        self._shaped = [i for i, r in enumerate(self.regions) if r.geometry is not None]
        self._tree = shapely.STRtree([self.regions[i].geometry for i in self._shaped])
        self._by_country: dict[str, list[int]] = {}
        self._by_admin1: dict[str, list[int]] = {}
        for i, r in enumerate(self.regions):
            for cc in r.country_codes:
                self._by_country.setdefault(cc, []).append(i)
            for code in r.admin1:
                self._by_admin1.setdefault(code, []).append(i)

    def _place_hits(self, place: Place) -> dict[int, list[str]]:
        """Region index → reasons, for one resolved place."""
        hits: dict[int, list[str]] = {}
        if place.country_code:
            for i in self._by_country.get(place.country_code, ()):
                hits.setdefault(i, []).append(f"country:{place.country_code}")
            if place.admin1:
                code = f"{place.country_code}.{place.admin1}".upper()
                for i in self._by_admin1.get(code, ()):
                    hits.setdefault(i, []).append(f"admin1:{code}")
        if place.lat is not None and place.lon is not None and self._shaped and locates(place.feature, place.country_code):
            for k in self._tree.query(shapely.Point(place.lon, place.lat), predicate="covered_by"):
                hits.setdefault(self._shaped[int(k)], []).append("inside")
        return hits

    def _area_hits(self, area: Area) -> dict[int, list[str]]:
        hits: dict[int, list[str]] = {}
        for cc in area.country_codes:
            for i in self._by_country.get(cc, ()):
                hits.setdefault(i, []).append(f"country:{cc}")
        if self._shaped:
            try:
                geom = shape(area.geometry)
                found = self._tree.query(geom, predicate="intersects")
            except (ValueError, TypeError, AttributeError, shapely.errors.GEOSException) as exc:
                log.warning("area %r of a story has an unusable geometry (%s); matching its places only", area.text, exc)
                found = []
            for k in found:
                hits.setdefault(self._shaped[int(k)], []).append("intersects")
        return hits

    def modes(self) -> dict[str, str]:
        """Per region id, what it alerts on: ``"rules"`` (its rules narrow it) or ``"every_story"``."""
        return {r.id: "rules" if i in self._ruled else "every_story" for i, r in enumerate(self.regions)}

    def rule(self, rule_id: str | None) -> Rule | None:
        return self._rules_by_id.get(rule_id) if rule_id is not None else None

    @staticmethod
    def memo(alerts: Iterable[Alert]) -> list[list[str]]:
        """What to remember of a story's alerts, to retract them later: [alert id, region id, rule id]."""
        return sorted([a.alert_id, a.region_id, a.rule_id or ""] for a in alerts)

    def retract(self, story: EnrichedStory, previous: Iterable[Any], current: Iterable[Alert] = ()) -> list[Alert]:
        """Retraction alerts for what an earlier version alerted and this one (or a kill) does not.
        ``previous``: :meth:`memo` entries (or, from older workers, region ids)."""
        names = {r.id: r.name for r in self.regions}
        keep = {a.alert_id for a in current}
        now = utc_now_iso()
        out = []
        for entry in previous:
            aid, rid, rule = (alert_id(entry, story.uri), entry, None) if isinstance(entry, str) else \
                (entry[0], entry[1], entry[2] or None)
            if aid in keep:
                continue
            out.append(Alert(alert_id=aid, status="retracted", region_id=rid, region_name=names.get(rid, rid),
                             story_uri=story.uri, story_version=story.version, headline=story.headline, places=[],
                             match_reasons=["kill" if story.pubstatus in _RETRACTING else "no longer matches"],
                             created_at=now, rule_id=rule))
        return sorted(out, key=lambda a: (a.region_id, a.alert_id))

    def match(self, story: EnrichedStory) -> list[Alert]:
        if story.pubstatus in _RETRACTING:
            return []  # a kill only retracts (see retract)
        now = utc_now_iso()
        # Region hits, once per distinct place (a story names Irbil five times: one lookup) and per area.
        place_hits = {_key(p): self._place_hits(p) for p in story.places if _key(p) is not None}
        area_hits = {(a.start, a.end): self._area_hits(a) for a in story.areas}
        places: dict[int, dict[int | str, Place]] = {}  # region → first mention of each matching place
        areas: dict[int, list[Area]] = {}
        reasons: dict[int, set[str]] = {}
        for place in story.places:
            key = _key(place)
            if key is None:
                continue
            for i, why in place_hits[key].items():
                places.setdefault(i, {}).setdefault(key, place)
                reasons.setdefault(i, set()).update(f"{place.name}:{w}" for w in why)
        for area in story.areas:
            for i, why in area_hits[area.start, area.end].items():
                areas.setdefault(i, []).append(area)
                reasons.setdefault(i, set()).update(f"{area.text}:{w}" for w in why)
        alerts = self._by_rules(story, places, areas, reasons, place_hits, area_hits, now) if self.rules else []
        for i in sorted(reasons):
            if i in self._ruled:
                continue
            region, matched = self.regions[i], places.get(i, {})
            located = [e for e in story.events if _event_reasons(e, place_hits, area_hits, i)]
            lead = max(located, key=severity, default=None)  # the first of the most severe events in the region
            evidence, trigger = evidence_of(story, lead)
            alerts.append(
                Alert(
                    alert_id=alert_id(region.id, story.uri),
                    status="active",
                    region_id=region.id,
                    region_name=region.name,
                    story_uri=story.uri,
                    story_version=story.version,
                    headline=story.headline,
                    places=list(matched.values()),
                    match_reasons=sorted(reasons[i]),
                    events=list(story.events),
                    areas=areas.get(i, []),
                    created_at=now,
                    severity=severity(lead) if lead is not None else max((severity(e) for e in story.events), default=1),
                    evidence=evidence,
                    evidence_trigger=trigger,
                    location=alert_location(story, lead, list(matched.values())),
                )
            )
        return sorted(alerts, key=lambda a: (a.region_id, a.rule_id or "", a.alert_id))

    # -- rules ----------------------------------------------------------------------------------
    def _by_rules(self, story: EnrichedStory, places: dict, areas: dict, reasons: dict, place_hits: dict,
                  area_hits: dict, now: str) -> list[Alert]:
        text = f"{story.headline}\n{story.body}".lower()
        named = {e.text.lower() for e in story.entities} | {a.lower() for ev in story.events for a in ev.actors}
        alerts: dict[str, Alert] = {}
        for rule in self.rules:
            i = self._region_index.get(rule.region)
            if i is None or (rule.keywords and not any(k in text for k in rule.keywords)) \
                    or (rule.entities and not named & set(rule.entities)):
                continue
            region, found = self.regions[i], False
            for event in story.events:
                if not rule.wants(event):
                    continue
                why = _event_reasons(event, place_hits, area_hits, i)
                if not why:
                    continue
                found = True
                aid = alert_id(rule.id, story.uri, _event_key(event))
                held = alerts.get(aid)
                if held is not None and held.event is not None and held.event.confidence >= event.confidence:
                    continue  # the same event told twice in the story: keep the surer
                evidence, trigger = evidence_of(story, event)
                at = [p for p in story.places if event.place and p.start == event.place.start]
                alerts[aid] = Alert(
                    alert_id=aid, status="active", region_id=region.id, region_name=region.name, story_uri=story.uri,
                    story_version=story.version, headline=story.headline, places=at,
                    match_reasons=[f"{event.type}@{event.place.text if event.place else '?'}:{w}" for w in why],
                    created_at=now, rule_id=rule.id, severity=rule.severity_of(event), event=event,
                    evidence=evidence, evidence_trigger=trigger,
                    areas=[a for a in story.areas if event.place and a.start == event.place.start],
                    location=alert_location(story, event, at),
                )
            if not found and rule.mentions and i in reasons:
                aid = alert_id(rule.id, story.uri, "mentions")
                alerts[aid] = Alert(
                    alert_id=aid, status="active", region_id=region.id, region_name=region.name, story_uri=story.uri,
                    story_version=story.version, headline=story.headline, places=list(places.get(i, {}).values()),
                    match_reasons=sorted(reasons[i]), created_at=now, rule_id=rule.id,
                    severity=rule.severity or max((severity(e) for e in story.events), default=1),
                    events=list(story.events), areas=areas.get(i, []),
                    location=alert_location(story, None, list(places.get(i, {}).values())))
        return sorted(alerts.values(), key=lambda a: (a.region_id, a.rule_id or "", a.alert_id))


def evidence_of(story: EnrichedStory, event: Event | None) -> tuple[str | None, TextSpan | None]:
    """The sentence that reports ``event`` and its trigger words within it (offsets into the sentence;
    ``None`` when the trigger lies outside the sentence)."""
    sentence = event.sentence if event is not None else None
    if sentence is None or not 0 <= sentence.start < sentence.end <= len(story.body):
        return None, None
    text = story.body[sentence.start:sentence.end]
    trigger = event.trigger
    if trigger is None or not sentence.start <= trigger.start < trigger.end <= sentence.end:
        return text, None
    start, end = trigger.start - sentence.start, trigger.end - sentence.start
    return text, TextSpan(text=text[start:end], start=start, end=end)


def alert_location(story: EnrichedStory, event: Event | None, fallback: Sequence[Place] = ()) -> AlertLocation | None:
    """Where to draw an alert: the event's place when it has coordinates (whatever linked it: the
    trigger's own words, its sentence, the dateline), a point inside the event's area; only when the
    event has neither, the story's main place — its focus place when it is among ``fallback`` (the
    places that put the story in the region) or ``fallback`` is empty, else the first of ``fallback``
    with coordinates."""
    place = event.place if event is not None else None
    if place is not None and place.lat is not None and place.lon is not None:
        return AlertLocation(lat=place.lat, lon=place.lon, name=place.name or place.text, source="event",
                             how=place.how, geonameid=place.geonameid)
    if place is not None and place.kind == "area":
        area = next((a for a in story.areas if (a.start, a.end) == (place.start, place.end)), None) \
            or next((a for a in story.areas if a.text == place.text), None)
        point = _inside(area.geometry) if area is not None else None
        if point is not None:
            return AlertLocation(lat=point[1], lon=point[0], name=place.text, source="event_area", how=place.how)
    located = [p for p in (fallback or story.places) if p.lat is not None and p.lon is not None]
    if not located:
        return None
    focus = {f.geonameid for f in story.focus.places[:1] if f.geonameid is not None}
    main = next((p for p in located if p.geonameid in focus), located[0])
    return AlertLocation(lat=main.lat, lon=main.lon, name=main.name or main.text, source="story",
                         geonameid=main.geonameid)


def _inside(geometry: dict | None) -> tuple[float, float] | None:
    """A point inside a GeoJSON geometry (lon, lat), or ``None`` for an unusable one."""
    try:
        point = shape(geometry).representative_point()
    except (ValueError, TypeError, AttributeError, KeyError, shapely.errors.GEOSException):
        return None
    return (point.x, point.y) if not point.is_empty else None


def _event_reasons(event: Event, place_hits: dict, area_hits: dict, region_index: int) -> list[str]:
    """Why the event's place lies in the region (empty: it does not), from the story's region hits."""
    place = event.place
    if place is None:
        return []
    if place.kind == "area":
        return area_hits.get((place.start, place.end), {}).get(region_index, [])
    key = _key(place)
    return place_hits.get(key, {}).get(region_index, []) if key is not None else []


def _key(place: Place | EventPlace) -> int | str | None:
    """A resolved place's identity: its GeoNames id, or for a hand-compiled feature (a sea, a region: no
    GeoNames id, but a point) its name; ``None`` for an unresolved mention."""
    if place.geonameid is not None:
        return place.geonameid
    return f"feature:{place.name}" if place.name and place.lat is not None else None
