"""The run-time catalog of regions and rules: file base, topic overlay, tombstones, bad records (no broker)."""

from pathlib import Path

import orjson

from pipeline.alerting import Catalog

FIXTURES = Path(__file__).resolve().parent / "fixtures"
CIRCLE = {"type": "Feature", "geometry": None, "properties": {"circle": {"lat": 36.19, "lon": 44.01, "radius_km": 50}}}


def test_overlay_replaces_adds_and_tombstones_hide():
    catalog = Catalog.from_files(FIXTURES / "regions.geojson", None)
    assert catalog.region_ids() == {"kurdistan", "syria", "donut"}
    assert catalog.apply("regions", b"irbil", orjson.dumps(CIRCLE)) is None
    assert catalog.origin("regions", "irbil") == "topic" and catalog.get("regions", "irbil")["properties"]["id"] == "irbil"
    assert catalog.apply("regions", b"syria", None) is None  # a tombstone hides a file region
    assert catalog.region_ids() == {"kurdistan", "donut", "irbil"}
    matcher, problems = catalog.matcher()
    assert {r.id for r in matcher.regions} == {"kurdistan", "donut", "irbil"} and not problems
    assert set(matcher.modes().values()) == {"every_story"}


def test_bad_records_are_skipped_with_a_reason():
    catalog = Catalog()
    assert "not JSON" in catalog.apply("regions", b"x", b"{oops")
    assert "invalid" in catalog.apply("regions", b"x", orjson.dumps({"type": "Feature", "properties": {}}))
    assert "not a valid id" in catalog.apply("regions", b"bad id", orjson.dumps(CIRCLE))
    assert "invalid" in catalog.apply("rules", b"r", orjson.dumps({"region": "x", "types": ["nonsense"]}))
    assert catalog.version == 0 and catalog.region_ids() == set()


def test_a_rule_whose_region_is_gone_is_inactive_until_it_returns():
    catalog = Catalog()
    assert catalog.apply("rules", b"r", orjson.dumps({"region": "irbil"})) is None  # order of arrival does not matter
    matcher, problems = catalog.matcher()
    assert matcher.rules == [] and "inactive" in problems[0]
    catalog.apply("regions", b"irbil", orjson.dumps(CIRCLE))
    matcher, problems = catalog.matcher()
    assert [r.id for r in matcher.rules] == ["r"] and not problems and matcher.modes() == {"irbil": "rules"}
    assert catalog.rules_using("irbil") == ["r"]
