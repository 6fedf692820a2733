"""Geoparsing evaluation on GeoWebNews (Gritta et al. 2019, "A Pragmatic Guide to Geoparsing Evaluation")
or the Local-Global Lexicon (LGL: local news, Lieberman et al. 2010).

Recognition: a gold toponym *with coordinates* is found when a predicted place span (any kind:
toponym or demonym — GeoWebNews annotates "Russian hackers" as a toponym) overlaps it
(recall); a predicted place is correct when it overlaps such a gold toponym (precision).
Resolution, on found toponyms: Acc@161 km, exact GeoNames id (where gold has one), country
(where the gold id is in our gazetteer), mean/median error in km, and AUC of the error curve
(Gritta et al.: area under log(1 + error) normalised by log(20039 km); lower is better).
An unresolved prediction counts as the maximum error, 20,039 km.
"""

from __future__ import annotations

import math
import statistics
import xml.etree.ElementTree as ET  # the corpus is a trusted local file with no DTD
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Sequence

from ..core import ConfigError, EnrichedStory, Place, Story
from ..geo import haversine_km
from ..parsing import parse_dateline

__all__ = ["GoldToponym", "Article", "load_gwn", "evaluate_geo", "GeoReport", "haversine_km"]

MAX_ERROR_KM = 20039.0


@dataclass(frozen=True)
class GoldToponym:
    start: int
    end: int
    text: str
    type: str
    geonameid: int | None
    lat: float | None
    lon: float | None

    @property
    def has_coordinates(self) -> bool:
        return self.lat is not None and self.lon is not None


@dataclass(frozen=True)
class Article:
    id: str
    text: str
    toponyms: tuple[GoldToponym, ...]


def _float(text: str | None) -> float | None:
    try:
        return float(text) if text not in (None, "") else None
    except ValueError:
        return None


def load_gwn(path: str | Path) -> list[Article]:
    """The articles of a GeoWebNews file (``GWN.xml``) or of a Local-Global Lexicon file (LGL, Lieberman
    et al. 2010: ``<article docid>`` with ``<toponym><gaztag geonameid>``); LGL toponyms are typed by
    their GeoNames feature code (PPL, ADM1, PCLI, …). Raises :class:`ConfigError` for a file that is
    neither."""
    try:
        root = ET.parse(path).getroot()
    except (ET.ParseError, OSError) as exc:
        raise ConfigError(f"{path}: cannot read it as XML ({exc}); give GeoWebNews' GWN.xml or an LGL XML file") \
            from exc
    articles = _load_lgl(root) if root.find("article/toponyms/toponym/gaztag") is not None else _load_gwn(root)
    if not any(t.has_coordinates for a in articles for t in a.toponyms):
        raise ConfigError(f"{path}: no gold toponyms with coordinates found; give GeoWebNews' GWN.xml or an "
                          "LGL XML file (<articles><article><text/><toponyms>…)")
    return articles


def _load_lgl(root: ET.Element) -> list[Article]:
    articles = []
    for el in root.iter("article"):
        tops = []
        for t in el.find("toponyms") or []:
            tag = t.find("gaztag")
            gid = tag.get("geonameid") if tag is not None else None
            tops.append(GoldToponym(
                start=int(t.findtext("start")), end=int(t.findtext("end")), text=t.findtext("phrase") or "",
                type=(tag.findtext("fcode") if tag is not None else None) or "?",
                geonameid=int(gid) if gid and gid.isdigit() else None,
                lat=_float(tag.findtext("lat")) if tag is not None else None,
                lon=_float(tag.findtext("lon")) if tag is not None else None,
            ))
        articles.append(Article(id=el.get("docid", str(len(articles))), text=el.findtext("text") or "",
                                toponyms=tuple(tops)))
    return articles


def _load_gwn(root: ET.Element) -> list[Article]:
    articles = []
    for el in root.iter("article"):
        tops = []
        for t in el.find("toponyms") or []:
            gid = t.findtext("geonamesID")
            tops.append(GoldToponym(
                start=int(t.findtext("start")), end=int(t.findtext("end")), text=t.findtext("extractedName") or "",
                type=t.findtext("type") or "?", geonameid=int(gid) if gid and gid.isdigit() else None,
                lat=_float(t.findtext("latitude")), lon=_float(t.findtext("longitude")),
            ))
        articles.append(Article(id=el.get("file", str(len(articles))), text=el.findtext("text") or "", toponyms=tuple(tops)))
    return articles


@dataclass
class _Bucket:
    gold: int = 0
    found: int = 0
    errors: list[float] = field(default_factory=list)
    exact: list[bool] = field(default_factory=list)
    country: list[bool] = field(default_factory=list)

    def summary(self) -> dict:
        errs = self.errors
        out = {"gold": self.gold, "found": self.found, "recall": _ratio(self.found, self.gold)}
        if errs:
            near = sum(e <= 161 for e in errs)
            out.update({
                "acc_at_161": _ratio(near, len(errs)),
                "acc_at_161_of": [near, len(errs)],  # the counts behind the rounded ratio
                "mean_error_km": round(statistics.fmean(errs), 1),
                "median_error_km": round(statistics.median(errs), 1),
                "auc": round(statistics.fmean(math.log(1 + e) / math.log(1 + MAX_ERROR_KM) for e in errs), 3),
            })
        if self.exact:
            hits = sum(self.exact)
            out["exact_id"] = _ratio(hits, len(self.exact))
            out["exact_id_of"] = [hits, len(self.exact)]
        if self.country:
            out["country_accuracy"] = _ratio(sum(self.country), len(self.country))
        return out


def _ratio(a: int, b: int) -> float | None:
    return round(a / b, 3) if b else None


@dataclass
class GeoReport:
    overall: dict
    by_type: dict[str, dict]
    predicted: int
    predicted_correct: int
    errors: list[dict]

    @property
    def precision(self) -> float | None:
        return _ratio(self.predicted_correct, self.predicted)

    def as_dict(self) -> dict:
        return {"overall": {**self.overall, "precision": self.precision, "predicted": self.predicted},
                "by_type": self.by_type}


def _overlaps(a_start: int, a_end: int, b_start: int, b_end: int) -> bool:
    return a_start < b_end and b_start < a_end


def evaluate_geo(
    articles: Sequence[Article],
    enrich: Callable[[list[Story]], Iterable[EnrichedStory]],
    country_of: Callable[[int], str | None] = lambda gid: None,
) -> GeoReport:
    # as parse_raw would give them: a body starting "ST. LOUIS –" carries that dateline
    stories = [Story(uri=f"gwn:{a.id}", version=1, headline="", body=a.text, source_format="text",
                     received_at="", language="en", dateline=parse_dateline(a.text)) for a in articles]
    results = list(enrich(stories))
    overall, by_type = _Bucket(), defaultdict(_Bucket)
    predicted = predicted_correct = 0
    dump: list[dict] = []
    for article, result in zip(articles, results, strict=True):
        places: list[Place] = list(result.places)  # GWN annotates adjectival uses ("Russian") as toponyms too
        gold = [t for t in article.toponyms if t.has_coordinates]
        predicted += len(places)
        for p in places:
            if any(_overlaps(p.start, p.end, g.start, g.end) for g in gold):
                predicted_correct += 1
            elif not any(_overlaps(p.start, p.end, t.start, t.end) for t in article.toponyms):
                dump.append({"article": article.id, "span": p.text, "predicted": p.name, "kind": p.kind,
                             "error": "spurious"})
        for g in gold:
            buckets = (overall, by_type[g.type])
            for b in buckets:
                b.gold += 1
            match = next((p for p in places if _overlaps(p.start, p.end, g.start, g.end)), None)
            if match is None:
                dump.append({"article": article.id, "gold": g.text, "type": g.type, "error": "missed"})
                continue
            if match.lat is None or match.lon is None:
                err = MAX_ERROR_KM
            else:
                err = haversine_km(g.lat, g.lon, match.lat, match.lon)
            exact = (match.geonameid == g.geonameid) if g.geonameid else None
            gold_cc = country_of(g.geonameid) if g.geonameid else None
            for b in buckets:
                b.found += 1
                b.errors.append(err)
                if exact is not None:
                    b.exact.append(exact)
                if gold_cc:
                    b.country.append(match.country_code == gold_cc)
            if err > 161 or exact is False:  # far off, or near but another GeoNames entry
                dump.append({"article": article.id, "gold": g.text, "type": g.type, "gold_id": g.geonameid,
                             "span": match.text, "predicted": match.name, "predicted_id": match.geonameid,
                             "kind": match.kind, "error_km": round(err)})
    return GeoReport(overall=overall.summary(), by_type={k: v.summary() for k, v in sorted(by_type.items())},
                     predicted=predicted, predicted_correct=predicted_correct, errors=dump)
