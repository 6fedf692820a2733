"""Relative and composite locations → geometries alerting can intersect (pure: regex + shapely).

- part of a country: "eastern Syria", "northern Iraq", "central Mali" → the country's polygon cut to
  that part of its bounding box (halves; "central" is the middle third);
- a shared border: "near the Iraq-Syria border", "the Syrian-Turkish border" → the two countries'
  common boundary buffered by ``border_km`` (default 50 km);
- relative to a place: "south of Damascus", "30 km north of Mosul" → a disc of radius d/2 centred
  d/2 away from the place in that direction (d = the stated distance, else ``relative_km``).

Country shapes: PyPI ``countryinfo`` 1.0.1 (MIT) GeoJSON borders, simplified.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import shapely
from shapely.geometry import box, mapping, shape
from shapely.geometry.base import BaseGeometry

from ._gazetteer import Gazetteer

__all__ = ["AreaMention", "find_areas", "country_shape"]

_DIRS = {
    "north": (0, 1), "south": (0, -1), "east": (1, 0), "west": (-1, 0),
    "northeast": (1, 1), "northwest": (-1, 1), "southeast": (1, -1), "southwest": (-1, -1),
}
_ADJ = r"(?P<dir>north|south|east|west|north-?east|north-?west|south-?east|south-?west|central)(?:ern)?"
_NAME = r"(?P<name>[A-Z][\w'’-]+(?:\s[A-Z][\w'’-]+)?)"
_PART = re.compile(rf"\b{_ADJ}\s+(?:parts?\s+of\s+)?{_NAME}")
_BORDER = re.compile(r"\b(?:the\s+)?(?P<a>[A-Z][\w'’]+)(?:\s*[-–/]\s*|\s+and\s+)(?P<b>[A-Z][\w'’]+)\s+border\b")
_RELATIVE = re.compile(
    r"\b(?:(?P<dist>\d+(?:\.\d+)?)\s*(?P<unit>km|kilometers|kilometres|miles|mi)\s+)?"
    r"(?P<dir>north|south|east|west|north-?east|north-?west|south-?east|south-?west)\s+of\s+"
    r"(?:the\s+(?:city|town|village)\s+of\s+)?" + _NAME)


@dataclass(frozen=True)
class AreaMention:
    text: str
    start: int
    end: int
    kind: str  # part_of_country | border | relative
    country_codes: tuple[str, ...]
    geometry: dict[str, Any]  # GeoJSON


@lru_cache(maxsize=512)
def country_shape(code: str) -> BaseGeometry | None:
    """The country's border polygon (simplified), or ``None`` if countryinfo has none."""
    from countryinfo import CountryInfo
    from countryinfo.exceptions import CountryNotFoundError

    try:
        geo = CountryInfo(code).geo_json() or {}
    except (KeyError, ValueError, CountryNotFoundError):  # e.g. Kosovo (XK): no shape, so no area
        return None
    parts = []
    for feature in geo.get("features", []):
        try:
            parts.append(shape(feature["geometry"]))
        except (KeyError, TypeError, ValueError, AttributeError):
            continue
    if not parts:
        return None
    geom = shapely.union_all(parts).simplify(0.02, preserve_topology=True)
    return geom if geom.is_valid else geom.buffer(0)


def _direction(word: str) -> tuple[int, int] | None:
    return _DIRS.get(word.replace("-", "").lower())


def _part(geom: BaseGeometry, word: str) -> BaseGeometry:
    minx, miny, maxx, maxy = geom.bounds
    w, h = maxx - minx, maxy - miny
    if word.lower().startswith("central"):
        cut = box(minx + w / 3, miny + h / 3, maxx - w / 3, maxy - h / 3)
    else:
        dx, dy = _direction(word) or (0, 0)
        x0, x1 = (minx + w / 2, maxx) if dx > 0 else (minx, maxx - w / 2) if dx < 0 else (minx, maxx)
        y0, y1 = (miny + h / 2, maxy) if dy > 0 else (miny, maxy - h / 2) if dy < 0 else (miny, maxy)
        cut = box(x0, y0, x1, y1)
    return geom.intersection(cut)


def _km_to_deg(km: float, lat: float) -> tuple[float, float]:
    return km / 111.32 / max(0.2, math.cos(math.radians(lat))), km / 110.57


def _country(gazetteer: Gazetteer, word: str) -> str | None:
    """A country named directly ("Syria") or by its adjective ("Syrian")."""
    found, _ = gazetteer.candidates(word, fold=False)
    if found and found[0].is_country:
        return found[0].country_code
    entry = gazetteer.demonym(word)
    return entry.country_code if entry is not None else None


def _emit(out: list, m: re.Match, kind: str, codes: tuple[str, ...], geom: BaseGeometry | None) -> None:
    if geom is not None and not geom.is_empty:
        out.append(AreaMention(m.group(0), m.start(), m.end(), kind, codes, mapping(geom)))


def find_areas(text: str, gazetteer: Gazetteer, *, border_km: float = 50.0, relative_km: float = 50.0) -> list[AreaMention]:
    out: list[AreaMention] = []
    for m in _BORDER.finditer(text):
        a, b = _country(gazetteer, m.group("a")), _country(gazetteer, m.group("b"))
        if not a or not b or a == b:
            continue
        sa, sb = country_shape(a), country_shape(b)
        if sa is None or sb is None:
            continue
        shared = sa.buffer(0.05).intersection(sb.buffer(0.05))  # tolerant of simplified, slightly apart borders
        if shared.is_empty:
            continue
        lat = shared.centroid.y
        _emit(out, m, "border", (a, b), shared.buffer(_km_to_deg(border_km, lat)[1]).simplify(0.02))
    for m in _PART.finditer(text):
        code = _country(gazetteer, m.group("name"))
        geom = country_shape(code) if code else None
        if geom is not None and not any(a.start <= m.start() < a.end for a in out):
            _emit(out, m, "part_of_country", (code,), _part(geom, m.group("dir")))
    for m in _RELATIVE.finditer(text):
        resolved = gazetteer.resolve(m.group("name"))
        direction = _direction(m.group("dir"))
        if not resolved or direction is None or resolved[0].lat is None:
            continue
        entry = resolved[0]
        dist = float(m.group("dist")) if m.group("dist") else relative_km
        if m.group("unit") in ("miles", "mi"):
            dist *= 1.609
        norm = math.hypot(*direction)
        dx_deg, dy_deg = _km_to_deg(dist / 2, entry.lat)
        center = shapely.Point(entry.lon + direction[0] / norm * dx_deg, entry.lat + direction[1] / norm * dy_deg)
        radius = _km_to_deg(max(dist / 2, 10.0), entry.lat)[1]
        _emit(out, m, "relative", (entry.country_code,), center.buffer(radius, quad_segs=8))
    return sorted(out, key=lambda a: a.start)
