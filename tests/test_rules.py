"""Alert rules: events located in a region, types, modality, severity, mentions, retraction (no broker)."""

import pytest

from pipeline import EnrichedStory, Event, Focus, Place
from pipeline.alerting import AlertMatcher, parse_regions, parse_rules, severity
from pipeline.core import Area, EventPlace, Offsets, RuleError, TextSpan

REGIONS = parse_regions({"type": "FeatureCollection", "features": [
    {"type": "Feature", "properties": {"id": "erbil", "circle": {"lat": 36.19, "lon": 44.01, "radius_km": 60}},
     "geometry": None},
    {"type": "Feature", "properties": {"id": "syria", "country_codes": ["SY"]}, "geometry": None},
]})
BODY = "A drone struck the airport in Irbil on Monday, killing two guards. The militia vowed to retaliate."
IRBIL = Place(text="Irbil", start=29, end=34, geonameid=95446, name="Erbil", country_code="IQ", admin1="11",
              lat=36.19, lon=44.01, feature="PPL", confidence=0.9)


def event(type_="air_drone_strike", modality="asserted", fatalities=2, place=IRBIL, confidence=0.9):
    where = EventPlace(text=place.text, start=place.start, end=place.end, how="attached", kind="toponym",
                       geonameid=place.geonameid, name=place.name, country_code=place.country_code, lat=place.lat,
                       lon=place.lon) if place else None
    return Event(type=type_, confidence=confidence, trigger=TextSpan(text="drone struck", start=2, end=14),
                 sentence=Offsets(start=0, end=66), modality=modality, place=where, date="2026-11-23",
                 fatalities=fatalities)


def story(*events, places=(IRBIL,), areas=(), uri="urn:t:1", version=1):
    return EnrichedStory(uri=uri, version=version, headline="Drone hits Irbil airport", body=BODY, language="en",
                         entities=[], places=list(places), events=list(events), focus=Focus(), enriched_at="t",
                         model="m", areas=list(areas))


def matcher(*rules):
    return AlertMatcher(REGIONS, parse_rules(list(rules), [r.id for r in REGIONS]))


def test_event_located_in_region_alerts_with_severity_and_evidence():
    m = matcher({"id": "strikes", "region": "erbil", "types": ["air_drone_strike"]})
    [alert] = m.match(story(event()))
    assert (alert.rule_id, alert.region_id, alert.severity) == ("strikes", "erbil", 5)  # 4 + a stated death
    assert alert.event.type == "air_drone_strike" and alert.evidence.startswith("A drone struck")
    assert [a.alert_id for a in m.match(story(event()))] == [alert.alert_id]  # replays: the same id


def test_type_modality_and_severity_filters():
    m = matcher({"id": "strikes", "region": "erbil", "types": ["air_drone_strike"]})
    assert m.match(story(event(type_="peaceful_protest"))) == []
    assert m.match(story(event(modality="hypothetical"))) == []
    threats = matcher({"id": "t", "region": "erbil", "types": ["threaten"], "threats": True})
    assert threats.match(story(event(type_="threaten", modality="threatened", fatalities=None)))
    assert matcher({"id": "t", "region": "erbil"}).match(story(event(type_="threaten", modality="threatened"))) == []
    assert matcher({"id": "big", "region": "erbil", "min_severity": 5}).match(story(event(fatalities=None))) == []
    assert matcher({"id": "cat", "region": "erbil", "categories": ["Explosions/Remote violence"]}).match(story(event()))


def test_mentions_only_when_the_rule_asks():
    elsewhere = event(place=None)
    assert matcher({"id": "r", "region": "erbil"}).match(story(elsewhere)) == []
    [alert] = matcher({"id": "r", "region": "erbil", "mentions": True}).match(story(elsewhere))
    assert alert.event is None and alert.match_reasons == ["Erbil:inside"]


def test_event_in_an_area_matches_by_country_or_intersection():
    area = Area(text="eastern Syria", start=40, end=53, kind="part_of_country", country_codes=["SY"],
                geometry={"type": "Polygon", "coordinates": [[[38, 33], [42, 33], [42, 37], [38, 37], [38, 33]]]})
    ev = event(place=None)
    ev.place = EventPlace(text="eastern Syria", start=40, end=53, how="attached", kind="area", geonameid=None,
                          name=None, country_code="SY", lat=35.0, lon=40.0)
    [alert] = matcher({"id": "s", "region": "syria"}).match(story(ev, places=(), areas=[area]))
    assert alert.region_id == "syria" and alert.areas == [area]


def test_entity_filter():
    from pipeline import Entity

    named = story(event())
    named = EnrichedStory(**{**named.asdict(), "entities": [Entity(text="Kataib Hezbollah", label="ORG", start=0, end=5)]})
    assert matcher({"id": "e", "region": "erbil", "entities": ["kataib hezbollah"]}).match(named)
    assert matcher({"id": "e", "region": "erbil", "entities": ["PKK"]}).match(named) == []


def test_keywords():
    assert matcher({"id": "k", "region": "erbil", "keywords": ["airport"]}).match(story(event()))
    assert matcher({"id": "k", "region": "erbil", "keywords": ["pipeline"]}).match(story(event())) == []


def test_a_new_version_that_no_longer_matches_retracts_and_a_kill_retracts():
    m = matcher({"id": "strikes", "region": "erbil"})
    first = m.match(story(event()))
    memo = m.memo(first)
    second = story(event(type_="peaceful_protest", fatalities=None), version=2)
    [retraction] = m.retract(second, memo, m.match(second))
    assert (retraction.alert_id, retraction.status, retraction.rule_id) == (first[0].alert_id, "retracted", "strikes")
    kill = story(version=3)
    kill.pubstatus = "canceled"
    assert [a.match_reasons for a in m.retract(kill, memo)] == [["kill"]]


def test_severity_scale():
    assert severity(event(type_="peaceful_protest", fatalities=None)) == 1
    assert severity(event(type_="suicide_bomb", fatalities=40)) == 5
    assert severity(event(type_="shelling_artillery_missile_attack", fatalities=0)) == 4
    assert severity(event(type_="armed_clash", modality="hypothetical", fatalities=None)) == 3


@pytest.mark.parametrize("rules, message", [
    ({"id": "a"}, "list"),
    ([{"id": "a", "region": "mars"}], "not among the regions"),
    ([{"id": "a", "region": "erbil", "types": ["alien_invasion"]}], "event-taxonomy"),
    ([{"id": "a", "region": "erbil", "min_severity": 9}], "1–5"),
    ([{"id": "a", "region": "erbil", "modalities": ["maybe"]}], "modalities"),
    ([{"id": "a", "region": "erbil", "colour": "red"}], "unknown field"),
    ([{"id": "a", "region": "erbil", "cooldown_minutes": -5}], "cooldown_minutes must be"),
    ([{"id": "a", "region": "erbil"}, {"id": "a", "region": "syria"}], "twice"),
    ([{"id": "a", "region": "erbil", "webhook": {"url": "https://example.org/h", "secret": "short"}}], "16\\+"),
    ([{"id": "a", "region": "erbil", "webhook": {"url": "ftp://example.org/h", "secret": "x" * 20}}], "https"),
])
def test_bad_rules_say_what_is_wrong(rules, message):
    with pytest.raises(RuleError, match=message):
        parse_rules(rules, ["erbil", "syria"])


@pytest.mark.parametrize("field, given, suggestion", [
    ("types", ["air_strike"], "unknown event type 'air_strike': did you mean 'air_drone_strike'?"),
    ("types", ["drone_strike"], "did you mean 'air_drone_strike'?"),
    ("types", ["Protests"], "'Protests' is not an event type but one of the categories: put it in 'categories'"),
    ("categories", ["Explosions"], "unknown ACLED category 'Explosions': did you mean 'Explosions/Remote violence'?"),
    ("categories", ["battles"], "did you mean 'Battles'?"),
    ("categories", ["armed_clash"], "'armed_clash' is not an ACLED category but one of the types: put it in 'types'"),
])
def test_unknown_types_and_categories_suggest_the_closest_names(field, given, suggestion):
    with pytest.raises(RuleError) as caught:
        parse_rules([{"id": "a", "region": "erbil", field: given}], ["erbil"])
    assert suggestion in str(caught.value)


def test_an_unknown_name_with_nothing_close_names_where_to_look():
    with pytest.raises(RuleError) as caught:
        parse_rules([{"id": "a", "region": "erbil", "types": ["zzzz"]}], ["erbil"])
    assert "did you mean" not in str(caught.value) and "GET /taxonomy" in str(caught.value)


def test_taxonomy_listing_has_every_type_with_its_category():
    from pipeline.events import EVENT_TYPES, taxonomy_listing

    listing = taxonomy_listing()
    assert [t["id"] for t in listing["types"]] == [t.id for t in EVENT_TYPES]
    assert {"id", "category", "name", "definition", "plover", "cameo"} == set(listing["types"][0])
    assert listing["categories"]["Protests"] == [t.id for t in EVENT_TYPES if t.acled_event_type == "Protests"]
    assert sum(map(len, listing["categories"].values())) == sum(1 for t in EVENT_TYPES if t.acled_event_type)


async def test_alert_feed_keeps_the_latest_state_and_resumes():
    from pipeline.alerting import AlertFeed, AlertFilter

    feed = AlertFeed(capacity=10)
    m = matcher({"id": "strikes", "region": "erbil"})
    [active] = m.match(story(event()))
    [retracted] = m.retract(story(event(), version=2), m.memo([active]))
    s1 = await feed.publish(active)
    s2 = await feed.publish(retracted)
    assert [a.status for _, a in feed.recent()] == ["retracted"]  # one alert id, its latest state
    assert [s for s, _ in feed.after(0)] == [s1, s2] and feed.after(s2) == []
    assert feed.recent(AlertFilter(region="syria")) == []
    assert [a.status for _, a in feed.after(0, AlertFilter(status="active"))] == ["active"]
    await feed.wait(s2, timeout=0.01)  # nothing new: returns after the timeout


def test_tail_filters():
    from pipeline.core import ConfigError, record_filter

    m = matcher({"id": "strikes", "region": "erbil"})
    [alert] = m.match(story(event()))
    assert record_filter("alerts") is None
    assert record_filter("alerts", region="erbil")(alert) and not record_filter("alerts", region="syria")(alert)
    assert record_filter("alerts", types=["air_drone_strike"])(alert)
    assert not record_filter("alerts", types=["peaceful_protest"])(alert)
    assert record_filter("alerts", countries=["iq"])(alert)
    enriched = story(event())
    assert record_filter("enriched", types=["air_drone_strike"], countries=["IQ"])(enriched)
    assert not record_filter("enriched", countries=["SY"])(enriched)
    with pytest.raises(ConfigError, match="--region filters alerts"):
        record_filter("enriched", region="erbil")


def test_a_rule_narrows_its_own_region_and_never_silences_another():
    damascus = Place(text="Damascus", start=0, end=8, geonameid=170654, name="Damascus", country_code="SY",
                     admin1="13", lat=33.51, lon=36.29, feature="PPL", confidence=0.9)
    m = matcher({"id": "strikes", "region": "erbil", "types": ["air_drone_strike"]})
    assert m.modes() == {"erbil": "rules", "syria": "every_story"}
    # a story in the region without a rule alerts it, as when there were no rules at all
    [alert] = m.match(story(event(type_="peaceful_protest", place=damascus), places=(damascus,)))
    assert (alert.region_id, alert.rule_id) == ("syria", None)
    # the ruled region alerts only on what its rule asks for
    assert m.match(story(event(type_="peaceful_protest"))) == []
    assert [(a.region_id, a.rule_id) for a in m.match(story(event()))] == [("erbil", "strikes")]
    # one story touching both: each region by its own semantics
    both = story(event(), places=(IRBIL, damascus))
    assert sorted((a.region_id, a.rule_id) for a in m.match(both)) == [("erbil", "strikes"), ("syria", None)]
    assert AlertMatcher(REGIONS).modes() == {"erbil": "every_story", "syria": "every_story"}
