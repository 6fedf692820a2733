"""Where an alert is drawn (the event's place, not the dateline) and its evidence with the trigger (no broker)."""

from pipeline import EnrichedStory, Focus, FocusItem, Place
from pipeline.alerting import AlertMatcher, alert_location, evidence_of, parse_rules
from pipeline.core import Area, EventPlace, Offsets, TextSpan
from tests.test_rules import IRBIL, REGIONS, event, story

BAGHDAD = Place(text="BAGHDAD", start=0, end=7, geonameid=98182, name="Baghdad", country_code="IQ", admin1="07",
                lat=33.34, lon=44.40, feature="PPLC", confidence=0.9, role="dateline")


def test_the_marker_is_at_the_events_place_not_the_dateline():
    m = AlertMatcher(REGIONS, parse_rules([{"id": "r", "region": "erbil"}], ["erbil", "syria"]))
    [alert] = m.match(story(event(), places=(BAGHDAD, IRBIL)))
    loc = alert.location
    assert (loc.lat, loc.lon, loc.name, loc.source, loc.how, loc.geonameid) == (36.19, 44.01, "Erbil", "event", "attached",
                                                                                95446)
    [plain] = AlertMatcher(REGIONS).match(story(event(), places=(BAGHDAD, IRBIL)))
    assert plain.location.name == "Erbil" and plain.location.source == "event"


def test_an_event_in_an_area_is_drawn_inside_the_area():
    area = Area(text="eastern Syria", start=40, end=53, kind="part_of_country", country_codes=["SY"],
                geometry={"type": "Polygon", "coordinates": [[[38, 33], [42, 33], [42, 37], [38, 37], [38, 33]]]})
    ev = event(place=None)
    ev.place = EventPlace(text="eastern Syria", start=40, end=53, how="attached", kind="area", geonameid=None,
                          name=None, country_code="SY", lat=None, lon=None)
    loc = alert_location(story(ev, places=(), areas=[area]), ev)
    assert loc.source == "event_area" and 33 < loc.lat < 37 and 38 < loc.lon < 42


def test_without_an_event_place_the_storys_main_place():
    focused = EnrichedStory(**{**story(places=(BAGHDAD, IRBIL)).asdict(),
                               "focus": Focus(places=[FocusItem(name="Erbil", score=0.8, geonameid=95446)])})
    loc = alert_location(focused, event(place=None))
    assert (loc.name, loc.source, loc.how) == ("Erbil", "story", None)
    assert alert_location(story(places=(BAGHDAD, IRBIL)), None).name == "Baghdad"  # no focus: the first place
    assert alert_location(story(places=(BAGHDAD, IRBIL)), None, [IRBIL]).name == "Erbil"  # of those in the region
    assert alert_location(story(places=()), None) is None


def test_evidence_is_the_triggers_sentence_with_the_trigger_marked():
    s = story()
    text, trigger = evidence_of(s, event())
    assert text == "A drone struck the airport in Irbil on Monday, killing two guards."
    assert (trigger.text, trigger.start, trigger.end) == ("drone struck", 2, 14)
    assert text[trigger.start:trigger.end] == "drone struck"
    second = event()
    second.sentence, second.trigger = Offsets(start=67, end=98), TextSpan(text="vowed", start=79, end=84)
    text, trigger = evidence_of(s, second)
    assert text == "The militia vowed to retaliate." and text[trigger.start:trigger.end] == "vowed"
    outside = event()
    outside.trigger = TextSpan(text="vowed", start=79, end=84)  # not in its sentence: no highlight
    assert evidence_of(s, outside) == (s.body[0:66], None)
    assert evidence_of(s, None) == (None, None)


def test_the_incident_book_keeps_location_and_trigger_through_updates_and_withdrawals():
    from pipeline.alerting import IncidentBook

    m = AlertMatcher(REGIONS, parse_rules([{"id": "r", "region": "erbil"}], ["erbil", "syria"]))
    [first] = m.match(story(event(), uri="urn:t:1"))
    [second] = m.match(story(event(), uri="urn:t:2"))
    book = IncidentBook()
    book.admit(first, now=0)
    merged = book.admit(second, now=1).alert
    assert merged.location == first.location and merged.evidence_trigger == first.evidence_trigger
    [withdrawn] = m.retract(story(uri="urn:t:2"), m.memo([second]))
    face = book.admit(withdrawn, now=2).alert
    assert face.status == "updated" and face.location.name == "Erbil" and face.evidence_trigger.text == "drone struck"
