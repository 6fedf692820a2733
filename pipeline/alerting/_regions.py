"""Regions of interest from a GeoJSON FeatureCollection.

Each Feature is one region. ``properties.id`` (required, unique) and ``properties.name`` name it.
Where it is — any of these, combined as a union:

- the geometry: Polygon or MultiPolygon, holes allowed (``"geometry": null`` when another form says where);
- ``properties.bbox``: ``[west, south, east, north]`` in degrees; west > east crosses the antimeridian
  (``[170, -20, -170, 0]``: Fiji to Samoa);
- ``properties.circle``: ``{"lat": …, "lon": …, "radius_km": …}`` (a geodesic circle, 64 vertices;
  split at the antimeridian);
- ``properties.country_codes``: ISO 3166-1 alpha-2 codes ("IQ");
- ``properties.admin1``: GeoNames first-level division codes "CC.CODE" ("IQ.11" Erbil, "US.CA"),
  matched by the division a place resolved to (no division shapes here).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import shapely
import shapely.affinity
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from ..core import RegionError

__all__ = ["ID_PATTERN", "MAX_VERTICES", "Region", "load_regions", "parse_region", "parse_regions", "read_regions_file",
           "require_unique"]

_POLYGONAL = {"Polygon", "MultiPolygon"}
#: Region and rule ids: safe in URLs, topic keys and file names.
ID_PATTERN = re.compile(r"[A-Za-z0-9._:-]{1,128}")
#: A region's geometry may have at most this many vertices (bounded memory and matching time).
MAX_VERTICES = 100_000


@dataclass(frozen=True)
class Region:
    id: str
    name: str
    country_codes: frozenset[str]
    geometry: BaseGeometry | None
    admin1: frozenset[str] = frozenset()  # "IQ.11"

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
    if not isinstance(rid, str) or not ID_PATTERN.fullmatch(rid):
        raise RegionError(f"{where}: give the region an id in properties.id: 1–128 characters of A–Z a–z 0–9 . _ : -")
    where = f"region {rid!r}"
    name = props.get("name", rid)
    codes = props.get("country_codes", [])
    if not isinstance(codes, list) or not all(isinstance(c, str) for c in codes):
        raise RegionError(f"{where}: properties.country_codes must be a list of ISO 3166-1 alpha-2 codes like \"IQ\"")
    for c in codes:
        _known_country(c, where, "properties.country_codes")
    admin1 = props.get("admin1", [])
    if not isinstance(admin1, list) or not all(isinstance(a, str) and a.count(".") == 1 and len(a.split(".")[0]) == 2
                                                and a.split(".")[1] for a in admin1):
        raise RegionError(f"{where}: properties.admin1 must be a list of GeoNames division codes like \"IQ.11\"")
    for a in admin1:
        _known_country(a.split(".")[0], where, f"properties.admin1 {a!r}")
    parts = [g for g in (_bbox(props.get("bbox"), where), _circle(props.get("circle"), where)) if g is not None]
    geometry = None
    raw_geom = feature.get("geometry")
    if raw_geom is not None:
        if not isinstance(raw_geom, dict) or raw_geom.get("type") not in _POLYGONAL:
            raise RegionError(f"{where}: geometry must be a Polygon or MultiPolygon (or null with country_codes)")
        _check_rings(raw_geom["type"], raw_geom.get("coordinates"), where)
        try:
            geometry = shape(raw_geom)
        except (ValueError, TypeError, AttributeError, IndexError, shapely.errors.GEOSException) as exc:
            raise RegionError(f"{where}: invalid geometry: {exc}") from None
        if shapely.get_num_coordinates(geometry) > MAX_VERTICES:
            raise RegionError(f"{where}: geometry has over {MAX_VERTICES:,} vertices; simplify it (e.g. mapshaper, "
                              "shapely simplify) before adding it")
        if geometry.is_empty or not geometry.is_valid:
            reason = shapely.is_valid_reason(geometry)
            raise RegionError(f"{where}: invalid geometry ({reason}); fix self-intersections and ring order")
    if parts:
        geometry = shapely.union_all([g for g in [geometry, *parts] if g is not None])
    if geometry is not None:
        shapely.prepare(geometry)
    if geometry is None and not codes and not admin1:
        raise RegionError(f"{where}: needs a geometry, bbox, circle, country_codes or admin1")
    return Region(id=rid, name=str(name), country_codes=frozenset(c.upper() for c in codes), geometry=geometry,
                  admin1=frozenset(a.upper() for a in admin1))


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


_ORDER = "GeoJSON positions are [longitude, latitude]"


def _known_country(code: str, where: str, field: str) -> None:
    """Refuse a country code the gazetteer does not know (places carry GeoNames' codes), naming the one meant."""
    from ..geo import country_code_for, country_codes

    if len(code) == 2 and code.upper() in country_codes():
        return
    meant = country_code_for(code)
    hint = (f"did you mean {meant!r} ({country_codes()[meant][0]})?" if meant else
            "look the country up at https://www.geonames.org/countries/")
    raise RegionError(f"{where}: {field}: {code!r} is not an ISO 3166-1 alpha-2 country code the gazetteer knows "
                      f"(GeoNames' codes, like \"IQ\" for Iraq); {hint}")


def _check_lon_lat(lon: float, lat: float, where: str, order: str = _ORDER) -> None:
    if not -180 <= lon <= 180:
        raise RegionError(f"{where}: longitude {lon:g} is outside −180…180: {order}")
    if not -90 <= lat <= 90:
        swapped = " (swap the two)" if -90 <= lon <= 90 else ""
        raise RegionError(f"{where}: latitude {lat:g} is outside −90…90: {order}{swapped}")


def _check_rings(kind: str, coordinates: Any, where: str) -> None:
    """Refuse, with the fix, positions outside the globe and rings that are short, open or flat."""
    polygons = [coordinates] if kind == "Polygon" else coordinates
    if not isinstance(polygons, list) or not polygons:
        shape_of = "a list of rings" if kind == "Polygon" else "a list of polygons, each a list of rings"
        raise RegionError(f"{where}: geometry.coordinates of a {kind} must be {shape_of}, each ring a list of "
                          "[longitude, latitude] positions")
    total = 0
    for p, rings in enumerate(polygons, 1):
        of = f" of polygon #{p}" if kind == "MultiPolygon" else ""
        if not isinstance(rings, list) or not rings:
            raise RegionError(f"{where}: polygon #{p} needs at least one ring (a list of [longitude, latitude] "
                              "positions)")
        for r, ring in enumerate(rings):
            label = f"{where}: {'outer ring' if r == 0 else f'hole #{r}'}{of}"
            if not isinstance(ring, list):
                raise RegionError(f"{label}: a ring is a list of [longitude, latitude] positions")
            total += len(ring)
            if total > MAX_VERTICES:
                raise RegionError(f"{where}: geometry has over {MAX_VERTICES:,} vertices; simplify it (e.g. mapshaper, "
                                  "shapely simplify) before adding it")
            for k, pos in enumerate(ring, 1):
                if not (isinstance(pos, list) and 2 <= len(pos) <= 3 and all(_number(v) for v in pos)):
                    raise RegionError(f"{label}, position #{k}: {pos!r} is not a position: {_ORDER}, numbers")
                _check_lon_lat(pos[0], pos[1], f"{label}, position #{k}")
            if len(ring) < 4:
                raise RegionError(f"{label} has {len(ring)} position(s); a ring needs at least 4: three corners or more, "
                                  "then the first position again to close it")
            if ring[0][:2] != ring[-1][:2]:
                raise RegionError(f"{label} is not closed: it starts at {ring[0][:2]} and ends at {ring[-1][:2]}; repeat "
                                  "the first position at the end")
            if shapely.MultiPoint([p[:2] for p in ring]).convex_hull.area == 0:
                raise RegionError(f"{label} encloses no area: its positions lie on one line or are one point; give at "
                                  "least three corners that are not in a line")


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _bbox(value: Any, where: str) -> BaseGeometry | None:
    if value is None:
        return None
    if not (isinstance(value, list) and len(value) == 4 and all(_number(v) for v in value)):
        raise RegionError(f"{where}: properties.bbox must be [west, south, east, north] in degrees")
    west, south, east, north = value
    order = "a bbox is [west, south, east, north] (longitude, latitude, longitude, latitude)"
    for lon, lat in ((west, south), (east, north)):
        _check_lon_lat(lon, lat, f"{where}: bbox {value}", order)
    if not south < north:
        raise RegionError(f"{where}: bbox {value}: south {south:g} is not below north {north:g} (south < north): {order}")
    if west < east:
        return shapely.box(west, south, east, north)
    if west == east:
        raise RegionError(f"{where}: bbox {value} has no width (west == east)")
    return shapely.MultiPolygon([shapely.box(west, south, 180, north), shapely.box(-180, south, east, north)])


#: A circle's largest radius: a quarter of the Earth's circumference is already a hemisphere.
MAX_RADIUS_KM = 5000.0


def _circle(value: Any, where: str) -> BaseGeometry | None:
    if value is None:
        return None
    if not (isinstance(value, dict) and all(_number(value.get(k)) for k in ("lat", "lon", "radius_km"))):
        raise RegionError(f"{where}: properties.circle must be {{\"lat\": …, \"lon\": …, \"radius_km\": …}}")
    lat, lon, radius = float(value["lat"]), float(value["lon"]), float(value["radius_km"])
    _check_lon_lat(lon, lat, f"{where}: circle centre", "\"lat\" is the latitude, \"lon\" the longitude")
    if radius <= 0:
        raise RegionError(f"{where}: circle radius_km {radius:g} must be more than 0 (kilometres)")
    if radius > MAX_RADIUS_KM:
        raise RegionError(f"{where}: circle radius_km {radius:g} is over {MAX_RADIUS_KM:g} km; for an area that "
                          "large use country_codes or a bbox (radius_km is in kilometres, not metres)")
    ring = [_destination(lat, lon, 360.0 * k / 64, radius) for k in range(64)]
    # Unwrap longitudes around the centre so the ring is continuous, then split at ±180.
    ring = [(x + 360 if x - lon < -180 else x - 360 if x - lon > 180 else x, y) for x, y in ring]
    poly = shapely.Polygon(ring)
    pieces = []
    for shift in (-360.0, 0.0, 360.0):
        part = shapely.affinity.translate(poly, xoff=shift).intersection(shapely.box(-180, -90, 180, 90))
        if not part.is_empty:
            pieces.append(part)
    return shapely.union_all(pieces)


def _destination(lat: float, lon: float, bearing_deg: float, km: float) -> tuple[float, float]:
    """The point ``km`` from (lat, lon) along ``bearing_deg`` on a sphere (lon, lat)."""
    r = km / 6371.0088
    p1, l1, b = math.radians(lat), math.radians(lon), math.radians(bearing_deg)
    p2 = math.asin(math.sin(p1) * math.cos(r) + math.cos(p1) * math.sin(r) * math.cos(b))
    l2 = l1 + math.atan2(math.sin(b) * math.sin(r) * math.cos(p1), math.cos(r) - math.sin(p1) * math.sin(p2))
    return math.degrees(l2), max(-90.0, min(90.0, math.degrees(p2)))


def parse_region(feature: Any) -> Region:
    """One region from a GeoJSON Feature (what ``PUT /regions/{id}`` and ``wire.regions`` carry)."""
    return _region(feature, 0)


def parse_regions(document: Any) -> list[Region]:
    """Regions from a parsed GeoJSON FeatureCollection (or a single Feature)."""
    return [region for _, region in _features_and_regions(document)]


def _features_and_regions(document: Any) -> list[tuple[dict, Region]]:
    if isinstance(document, dict) and document.get("type") == "Feature":
        features = [document]
    elif isinstance(document, dict) and document.get("type") == "FeatureCollection":
        features = document.get("features")
        if not isinstance(features, list):
            raise RegionError("FeatureCollection.features must be a list")
    else:
        raise RegionError("regions must be a GeoJSON FeatureCollection (or a single Feature)")
    pairs = [(f, _region(f, i)) for i, f in enumerate(features)]
    require_unique([r.id for _, r in pairs], "region", RegionError)
    return pairs


def require_unique(ids: list[str], what: str, error: type[Exception]) -> None:
    seen: set[str] = set()
    for i in ids:
        if i in seen:
            raise error(f"{what} id {i!r} is used twice; ids must be unique")
        seen.add(i)


def load_regions(path: str | Path) -> list[Region]:
    return [region for _, region in read_regions_file(path)]


def read_regions_file(path: str | Path) -> list[tuple[dict, Region]]:
    """Each Feature of a regions file with its region, read and validated once (errors name the file)."""
    from ..core import read_json

    path = Path(path)
    document = read_json(path, RegionError, "regions file", "set WIREWATCH_REGIONS or --regions")
    try:
        return _features_and_regions(document)
    except RegionError as exc:
        raise RegionError(f"{path}: {exc}") from None
