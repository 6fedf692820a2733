"""Regions of interest from a GeoJSON FeatureCollection.

Each Feature is one region. ``properties.id`` (required, unique) and ``properties.name`` name it;
the geometry (Polygon or MultiPolygon, holes allowed) and/or ``properties.country_codes``
(ISO 3166-1 alpha-2) say where it is. A Feature may have ``"geometry": null`` when it is defined by
country codes alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
import shapely
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from .._errors import RegionError

__all__ = ["Region", "load_regions", "parse_regions"]

_POLYGONAL = {"Polygon", "MultiPolygon"}


@dataclass(frozen=True)
class Region:
    id: str
    name: str
    country_codes: frozenset[str]
    geometry: BaseGeometry | None

    def contains_point(self, lon: float, lat: float) -> bool:
        return self.geometry is not None and self.geometry.covers(shapely.Point(lon, lat))


def _region(feature: Any, index: int) -> Region:
    where = f"feature #{index}"
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        raise RegionError(f"{where}: expected a GeoJSON Feature object")
    props = feature.get("properties") or {}
    if not isinstance(props, dict):
        raise RegionError(f"{where}: 'properties' must be an object")
    rid = props.get("id", feature.get("id"))
    if not isinstance(rid, str) or not rid.strip():
        raise RegionError(f"{where}: give the region a string id in properties.id")
    where = f"region {rid!r}"
    name = props.get("name", rid)
    codes = props.get("country_codes", [])
    if not isinstance(codes, list) or not all(isinstance(c, str) and len(c) == 2 and c.isalpha() for c in codes):
        raise RegionError(f"{where}: properties.country_codes must be a list of ISO 3166-1 alpha-2 codes like \"IQ\"")
    geometry = None
    raw_geom = feature.get("geometry")
    if raw_geom is not None:
        if not isinstance(raw_geom, dict) or raw_geom.get("type") not in _POLYGONAL:
            raise RegionError(f"{where}: geometry must be a Polygon or MultiPolygon (or null with country_codes)")
        try:
            geometry = shape(raw_geom)
        except (ValueError, TypeError, AttributeError, IndexError, shapely.errors.GEOSException) as exc:
            raise RegionError(f"{where}: invalid geometry: {exc}") from None
        if geometry.is_empty or not geometry.is_valid:
            reason = shapely.is_valid_reason(geometry)
            raise RegionError(f"{where}: invalid geometry ({reason}); fix self-intersections and ring order")
        shapely.prepare(geometry)
    if geometry is None and not codes:
        raise RegionError(f"{where}: needs a geometry, country_codes, or both")
    return Region(id=rid, name=str(name), country_codes=frozenset(c.upper() for c in codes), geometry=geometry)


def parse_regions(document: Any) -> list[Region]:
    """Regions from a parsed GeoJSON FeatureCollection (or a single Feature)."""
    if isinstance(document, dict) and document.get("type") == "Feature":
        features = [document]
    elif isinstance(document, dict) and document.get("type") == "FeatureCollection":
        features = document.get("features")
        if not isinstance(features, list):
            raise RegionError("FeatureCollection.features must be a list")
    else:
        raise RegionError("regions must be a GeoJSON FeatureCollection (or a single Feature)")
    regions = [_region(f, i) for i, f in enumerate(features)]
    seen: set[str] = set()
    for r in regions:
        if r.id in seen:
            raise RegionError(f"region id {r.id!r} is used twice; ids must be unique")
        seen.add(r.id)
    return regions


def load_regions(path: str | Path) -> list[Region]:
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise RegionError(f"cannot read regions file {str(path)!r}: {exc.strerror}; set WIREWATCH_REGIONS or --regions") from None
    try:
        document = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise RegionError(f"regions file {str(path)!r} is not valid JSON: {exc}") from None
    try:
        return parse_regions(document)
    except RegionError as exc:
        raise RegionError(f"{path}: {exc}") from None
