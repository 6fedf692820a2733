"""Default severity: the table, the function, and every alert carrying one (no broker)."""

import pytest

from pipeline.alerting import BASE, AlertMatcher, base_severity, default_severity, parse_regions, parse_rules, severity
from pipeline.core import RuleError, render_alert
from pipeline.events import TYPE_IDS
from tests.test_rules import IRBIL, REGIONS, event, story


def test_the_table_names_known_event_types_once():
    listed = [t for types in BASE.values() for t in types]
    assert len(listed) == len(set(listed))
    assert set(listed) <= set(TYPE_IDS)
    assert base_severity("peaceful_protest") == 1 and base_severity(None) == 1 and base_severity("no_such") == 1


@pytest.mark.parametrize(("type_", "modality", "fatalities", "expected"), [
    ("air_drone_strike", "asserted", None, 4),
    ("air_drone_strike", "reported", 0, 4),
    ("air_drone_strike", "asserted", 1, 5),
    ("armed_clash", "asserted", 12, 5),  # 4 + 2, kept within 5
    ("violent_demonstration", "asserted", 10, 5),  # 3 + 2
    ("violent_demonstration", "asserted", 9, 4),  # 3 + 1
    ("arrests", "asserted", None, 2),
    ("arrests", "denied", None, 1),
    ("peaceful_protest", "planned", None, 1),  # 1 − 1, kept within 1
    ("threaten", "threatened", None, 2),
    ("suicide_bomb", "hypothetical", 30, 5),  # 5 + 2 − 1
    ("chemical_weapon", "past", None, 4),
    (None, None, None, 1),
])
def test_default_severity(type_, modality, fatalities, expected):
    assert default_severity(type_, modality, fatalities) == expected


def test_severity_of_an_event_record_is_the_default():
    ev = event(type_="shelling_artillery_missile_attack", modality="reported", fatalities=3)
    assert severity(ev) == default_severity("shelling_artillery_missile_attack", "reported", 3) == 5


def test_an_alert_without_a_rule_takes_the_highest_severity_of_its_events_in_the_region():
    plain = AlertMatcher(REGIONS)
    arrests, strike = event(type_="arrests", fatalities=None), event(fatalities=None)
    [alert] = plain.match(story(arrests, strike))
    assert (alert.rule_id, alert.severity) == (None, 4)
    assert alert.evidence == story().body[0:66] and alert.evidence_trigger.text == "drone struck"
    [quiet] = plain.match(story())  # no events: the lowest
    assert quiet.severity == 1 and quiet.evidence is None


def test_a_rule_may_fix_the_severity_of_its_alerts():
    m = AlertMatcher(REGIONS, parse_rules([{"id": "r", "region": "erbil", "severity": 2, "min_severity": 4}],
                                          ["erbil", "syria"]))
    [alert] = m.match(story(event(fatalities=None)))
    assert alert.severity == 2  # min_severity still compares the event's default (4)
    assert m.match(story(event(type_="arrests"))) == []
    with pytest.raises(RuleError, match="severity must be an integer 1–5"):
        parse_rules([{"id": "r", "region": "erbil", "severity": 6}], ["erbil"])


def test_the_terminal_shows_every_alerts_severity_place_and_evidence():
    [plain] = AlertMatcher(REGIONS).match(story(event()))
    text = render_alert(plain)
    assert "severity=5" in text and "rule=" not in text
    assert "at: Erbil (36.19, 44.01; event)" in text
    assert "evidence: A [drone struck] the airport in Irbil" in text
    regions = parse_regions({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"id": "erbil", "circle": {"lat": 36.19, "lon": 44.01, "radius_km": 60}},
         "geometry": None}]})
    [ruled] = AlertMatcher(regions, parse_rules([{"id": "r", "region": "erbil"}], ["erbil"])).match(story(event()))
    assert "rule=r air_drone_strike@Irbil severity=5" in render_alert(ruled)
    assert IRBIL.name == "Erbil"
