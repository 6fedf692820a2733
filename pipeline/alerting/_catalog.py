"""The regions and rules a worker matches with, changeable while it runs (pure; no Kafka).

Two layers, by id:

- the **base**: the files a worker was started with (``WIREWATCH_REGIONS``, ``WIREWATCH_RULES``);
- the **overlay**: records of the ``wire.regions`` / ``wire.rules`` topics, keyed by id, the value a
  region Feature / rule object as JSON, an empty value (tombstone) deleting it. An overlay record
  replaces a base entry of the same id; a tombstone hides it.

Every worker replays both topics from the beginning and then follows them (:meth:`Catalog.apply`), so
a change made through ``wirewatch regions add`` or ``PUT /regions/{id}`` reaches every worker without a
restart. Records that do not validate are skipped with a reason (someone may write to the topic
directly); a rule whose region is gone is inactive until the region returns.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import orjson

from ..core import RegionError, RuleError
from ._matcher import AlertMatcher
from ._regions import ID_PATTERN, Region, parse_region, read_regions_file
from ._rules import Rule, parse_rule, read_rules_file

__all__ = ["Catalog", "Kind", "region_document", "rule_document"]

Kind = Literal["regions", "rules"]


def region_document(doc: Any, rid: str) -> dict[str, Any]:
    """A region Feature for id ``rid``: ``properties.id`` filled in (or checked), then validated."""
    if not ID_PATTERN.fullmatch(rid):
        raise RegionError(f"region id {rid!r}: use 1–128 characters of A–Z a–z 0–9 . _ : -")
    if not isinstance(doc, dict) or doc.get("type") != "Feature":
        raise RegionError("a region is a GeoJSON Feature: {\"type\": \"Feature\", \"geometry\": …, \"properties\": {…}}")
    props = doc.get("properties") or {}
    if not isinstance(props, dict):
        raise RegionError("'properties' must be an object")
    if props.get("id", rid) != rid:
        raise RegionError(f"properties.id {props.get('id')!r} differs from the region id {rid!r} in the path")
    out = _with_id(doc, rid)
    parse_region(out)
    return out


def _with_id(feature: dict[str, Any], rid: str) -> dict[str, Any]:
    """The Feature as stored: its id in ``properties.id``, no top-level ``id``."""
    out = {**feature, "properties": {**(feature.get("properties") or {}), "id": rid}}
    out.pop("id", None)
    return out


def rule_document(doc: Any, rid: str, region_ids: set[str]) -> dict[str, Any]:
    """A rule object for id ``rid``: ``id`` filled in (or checked), then validated against ``region_ids``."""
    if not ID_PATTERN.fullmatch(rid):
        raise RuleError(f"rule id {rid!r}: use 1–128 characters of A–Z a–z 0–9 . _ : -")
    if not isinstance(doc, dict):
        raise RuleError("a rule is a JSON object: {\"region\": …, \"types\": […], …}")
    if doc.get("id", rid) != rid:
        raise RuleError(f"id {doc.get('id')!r} differs from the rule id {rid!r} in the path")
    out = {**doc, "id": rid}
    parse_rule(out, region_ids)
    return out


@dataclass(frozen=True)
class _Entry:
    doc: dict[str, Any]
    origin: str  # "file" or "topic"
    region: Region | None = None  # regions only: parsed once


class Catalog:
    def __init__(self) -> None:
        self._base: dict[Kind, dict[str, _Entry]] = {"regions": {}, "rules": {}}
        self._overlay: dict[Kind, dict[str, _Entry | None]] = {"regions": {}, "rules": {}}  # None: deleted
        self.version = 0

    @classmethod
    def from_files(cls, regions: Path | None, rules: Path | None) -> "Catalog":
        """The base layer from the configured files (each validated; errors name the file)."""
        catalog = cls()
        if regions is not None:
            for feature, region in read_regions_file(regions):
                catalog._base["regions"][region.id] = _Entry(_with_id(feature, region.id), "file", region)
        if rules is not None:
            for obj, rule in read_rules_file(rules, list(catalog._base["regions"])):
                catalog._base["rules"][rule.id] = _Entry(obj, "file")
        return catalog

    # -- reading ------------------------------------------------------------------------------
    def _view(self, kind: Kind) -> dict[str, _Entry]:
        view = dict(self._base[kind])
        for key, entry in self._overlay[kind].items():
            if entry is None:
                view.pop(key, None)
            else:
                view[key] = entry
        return view

    def documents(self, kind: Kind) -> dict[str, dict[str, Any]]:
        return {key: e.doc for key, e in sorted(self._view(kind).items())}

    def get(self, kind: Kind, key: str) -> dict[str, Any] | None:
        entry = self._view(kind).get(key)
        return entry.doc if entry else None

    def origin(self, kind: Kind, key: str) -> str | None:
        entry = self._view(kind).get(key)
        return entry.origin if entry else None

    def region_ids(self) -> set[str]:
        return set(self._view("regions"))

    def rules_using(self, region_id: str) -> list[str]:
        return sorted(k for k, e in self._view("rules").items() if e.doc.get("region") == region_id)

    # -- changing -----------------------------------------------------------------------------
    def apply(self, kind: Kind, key: bytes | None, value: bytes | None) -> str | None:
        """One record of ``wire.regions`` / ``wire.rules``. Returns why it was skipped, or ``None``."""
        if kind not in self._overlay:
            return f"unknown catalog kind {kind!r}"
        rid = key.decode("utf-8", "replace") if key else ""
        if not ID_PATTERN.fullmatch(rid):
            return f"{kind} record with key {rid!r}: not a valid id; skipped"
        if not value:
            self._overlay[kind][rid] = None
            self.version += 1
            return None
        try:
            doc = orjson.loads(value)
            if kind == "regions":
                doc = region_document(doc, rid)
                entry = _Entry(doc, "topic", parse_region(doc))
            else:  # the region is checked when the matcher is built: order of arrival must not matter
                region = doc.get("region") if isinstance(doc, dict) else None
                doc = rule_document(doc, rid, {region} if isinstance(region, str) else set())
                entry = _Entry(doc, "topic")
        except orjson.JSONDecodeError as exc:
            return f"{kind} record {rid!r} is not JSON ({exc}); skipped"
        except RegionError as exc:  # RuleError is a RegionError
            return f"{kind} record {rid!r} is invalid ({exc}); skipped"
        self._overlay[kind][rid] = entry
        self.version += 1
        return None

    def matcher(self) -> tuple[AlertMatcher, list[str]]:
        """The matcher for the current regions and rules, and the rules left out (with why).
        A region without a (valid) rule alerts on every story that touches it; one with rules, as they say."""
        regions = [e.region for _, e in sorted(self._view("regions").items()) if e.region is not None]
        ids = {r.id for r in regions}
        rules: list[Rule] = []
        problems: list[str] = []
        entries = self._view("rules")
        for key, entry in sorted(entries.items()):
            try:
                rules.append(parse_rule(entry.doc, ids))
            except RuleError as exc:
                problems.append(f"rule {key!r} inactive: {exc}")
        return AlertMatcher(regions, rules), problems
