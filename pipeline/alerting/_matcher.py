"""EnrichedStory → Alerts for the regions it touches.

Rule: a story alerts a region when one of its resolved places lies inside the region's geometry or
in one of its countries, or when one of its areas ("near the Iraq-Syria border") intersects the
region's geometry or lies in one of its countries. Event-aware rules come with issue 05.
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

    def _reasons(self, region: Region, place: Place) -> list[str]:
        reasons = []
        if place.country_code and place.country_code in region.country_codes:
            reasons.append(f"country:{place.country_code}")
        if place.lat is not None and place.lon is not None and region.contains_point(place.lon, place.lat):
            reasons.append("inside")
        return reasons

    def _area_reasons(self, region: Region, area: Area) -> list[str]:
        reasons = [f"country:{cc}" for cc in area.country_codes if cc in region.country_codes]
        if region.geometry is not None:
            try:
                if shape(area.geometry).intersects(region.geometry):
                    reasons.append("intersects")
            except (ValueError, TypeError, AttributeError, shapely.errors.GEOSException) as exc:
                log.warning("area %r of a story has an unusable geometry (%s); matching its places only", area.text, exc)
        return reasons

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
        alerts = []
        for region in self.regions:
            matched: dict[int, Place] = {}  # first mention of each matching place
            reasons: set[str] = set()
            for place in story.places:
                why = self._reasons(region, place) if place.geonameid is not None else []
                if why:
                    matched.setdefault(place.geonameid, place)
                    reasons.update(f"{place.name}:{w}" for w in why)
            areas = []
            for area in story.areas:
                why = self._area_reasons(region, area)
                if why:
                    areas.append(area)
                    reasons.update(f"{area.text}:{w}" for w in why)
            if not matched and not areas:
                continue
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
                    match_reasons=sorted(reasons),
                    events=list(story.events),
                    areas=areas,
                    created_at=now,
                )
            )
        return alerts
