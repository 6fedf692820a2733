"""EnrichedStory → Alerts for the regions it touches.

Rule: a story alerts a region when one of its resolved places lies inside the region's geometry, in
one of its countries or first-level divisions, or when one of its areas ("near the Iraq-Syria border")
intersects the region's geometry or lies in one of its countries. Region geometries sit in an STRtree,
so a story costs a few index lookups however many regions there are (``wirewatch bench --regions N``).
Event-aware rules (event located in the region, types, severity, cooldown) are issue 05's next step.
"""

from __future__ import annotations

import hashlib
import logging
from typing import Iterable, Sequence

import shapely
from shapely.geometry import shape

from .._records import Alert, Area, EnrichedStory, Place
from ..parsing._common import utc_now_iso
from ._regions import Region

__all__ = ["AlertMatcher", "alert_id"]

_RETRACTING = {"canceled", "withheld"}
log = logging.getLogger("wirewatch.alerting")


def alert_id(region_id: str, story_uri: str) -> str:
    """Deterministic: replays and retries of the same story for the same region share one id."""
    return hashlib.sha256(f"{region_id}\x1f{story_uri}".encode()).hexdigest()[:32]


class AlertMatcher:
    def __init__(self, regions: Sequence[Region]) -> None:
        self.regions = list(regions)
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
        if place.lat is not None and place.lon is not None and self._shaped:
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

    def retract(self, story: EnrichedStory, region_ids: Iterable[str]) -> list[Alert]:
        """Retraction alerts for regions an earlier version alerted and this one (or a kill) does not."""
        names = {r.id: r.name for r in self.regions}
        now = utc_now_iso()
        return [
            Alert(alert_id=alert_id(rid, story.uri), status="retracted", region_id=rid, region_name=names.get(rid, rid),
                  story_uri=story.uri, story_version=story.version, headline=story.headline, places=[],
                  match_reasons=["kill" if story.pubstatus in _RETRACTING else "no longer matches"], created_at=now)
            for rid in sorted(region_ids)
        ]

    def match(self, story: EnrichedStory) -> list[Alert]:
        if story.pubstatus in _RETRACTING:
            return []  # a kill only retracts (see retract)
        now = utc_now_iso()
        places: dict[int, dict[int, Place]] = {}  # region → first mention of each matching place
        areas: dict[int, list[Area]] = {}
        reasons: dict[int, set[str]] = {}
        for place in story.places:
            if place.geonameid is None:
                continue
            for i, why in self._place_hits(place).items():
                places.setdefault(i, {}).setdefault(place.geonameid, place)
                reasons.setdefault(i, set()).update(f"{place.name}:{w}" for w in why)
        for area in story.areas:
            for i, why in self._area_hits(area).items():
                areas.setdefault(i, []).append(area)
                reasons.setdefault(i, set()).update(f"{area.text}:{w}" for w in why)
        alerts = []
        for i in sorted(reasons):
            region, matched = self.regions[i], places.get(i, {})
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
                )
            )
        return alerts
