"""Event tagging: typical wire sentences written for these tests, the pure helpers, and the
development-set floors (CASE 2021 task 2, event locations) read from ../shared/data."""

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline import Story
from pipeline.core import Dateline
from pipeline.events import CUES, EVENT_TYPES, TRIGGERS, TYPE_IDS, parse_fatalities, resolve_date


def story(body, uri="urn:test:events", dateline=None):
    return Story(uri=uri, version=1, headline="", body=body, source_format="text",
                 received_at="2026-11-25T09:00:00Z", language="en", dateline=dateline)


def events(enricher, body, **kw):
    [r] = enricher.enrich([story(body, **kw)])
    return r


def by_type(result):
    return {e.type: e for e in result.events}


def test_taxonomy_has_the_issue_ids_and_acled_names():
    assert len(TYPE_IDS) == len(set(TYPE_IDS)) == 32
    strike = next(t for t in EVENT_TYPES if t.id == "air_drone_strike")
    assert (strike.acled_event_type, strike.acled_sub_event_type) == ("Explosions/Remote violence", "Air/drone strike")
    assert {t.id for t in EVENT_TYPES if t.acled_event_type is None} == {
        "diplomatic_event", "attribution_of_responsibility", "organized_crime", "natural_disaster",
        "man_made_disaster", "threaten", "election"}


def test_lexicon_is_consistent():
    assert {t.type for t in TRIGGERS} - {"_territory"} <= set(TYPE_IDS)
    assert all(g in CUES for t in TRIGGERS for g in t.needs + t.unless)


def test_asserted_airstrike_with_actor_place_and_date(enricher):
    r = events(enricher, "BAGHDAD (Test Wire) — US planes carried out airstrikes on militia depots near Boukamal "
                         "on Monday.", dateline=Dateline(text="BAGHDAD (Test Wire)", place="Baghdad"))
    e = by_type(r)["air_drone_strike"]
    assert e.modality == "asserted" and e.acled_sub_event_type == "Air/drone strike"
    assert "US planes" in e.actors and e.trigger.text == "airstrikes"
    assert (e.place.name, e.place.how) == ("Ālbū Kamāl", "attached")
    assert (e.date, e.date_text) == ("2026-11-23", "Monday")
    assert r.body[e.trigger.start:e.trigger.end] == "airstrikes"
    assert "air_drone_strike" in r.tags


def test_rocket_fire_without_casualties(enricher):
    e = by_type(events(enricher, "Troops in Irbil were hit by rocket fire on Sunday, but nobody was hurt."))
    s = e["shelling_artillery_missile_attack"]
    assert s.modality == "asserted" and s.fatalities == 0 and s.place.name == "Erbil"
    assert "Troops" in s.targets


def test_drone_struck_the_airport_in_irbil(enricher):
    s = by_type(events(enricher, "An explosives-laden drone struck the airport in Irbil late on Tuesday."))
    e = s["air_drone_strike"]
    assert e.place.name == "Erbil" and e.place.how == "attached" and e.date == "2026-11-24"


def test_threat_hypothesis_denial_and_election(enricher):
    r = events(enricher, "The militia vowed to retaliate. Its commander said the group might use drones. "
                         "A spokesman denied that the group keeps weapons depots in the area. "
                         "Officials warned that the elections may be postponed.")
    got = {(e.type, e.modality) for e in r.events}
    assert ("threaten", "threatened") in got
    assert ("air_drone_strike", "hypothetical") in got
    assert not any(t == "headquarters_or_base_established" and m in ("asserted", "reported") for t, m in got)
    assert any(t == "election" for t, _ in got)
    assert "election" in r.tags and "threaten" in r.tags
    assert "air_drone_strike" not in r.tags  # hypothetical: not summarised as happening


def test_rehearsals_and_words_in_scare_quotes_are_not_events_that_happened(enricher):
    rehearsal = by_type(events(enricher, "Soldiers in Cahul rehearsed an air strike on a mock militant camp, "
                                         "dropping inert bombs from two helicopters."))
    assert rehearsal["air_drone_strike"].modality == "hypothetical"
    quoted = by_type(events(enricher, 'Militiamen "attacked" the checkpoint near Cahul with paintball guns as '
                                      "cadets defended it on Sunday."))
    assert quoted["armed_clash"].modality == "hypothetical"
    real = by_type(events(enricher, "Militiamen attacked the checkpoint near Cahul with rifles on Sunday."))
    assert real["armed_clash"].modality == "asserted"


def test_fatalities_and_suicide_bomb(enricher):
    e = by_type(events(enricher, "An attacker wearing a suicide vest detonated it at a checkpoint in Mosul, killing 12 soldiers."))
    assert e["suicide_bomb"].fatalities == 12 and e["suicide_bomb"].place.name == "Mosul"


def test_protest_family(enricher):
    assert "peaceful_protest" in by_type(events(enricher, "Hundreds of students held a peaceful rally in Basra."))
    assert "protest_with_intervention" in by_type(events(
        enricher, "Police fired tear gas to disperse protesters outside the ministry in Baghdad."))
    assert "violent_demonstration" in by_type(events(
        enricher, "Rioters torched cars and hurled stones at shops in Kirkuk."))


def test_territory_by_actor(enricher):
    gov = by_type(events(enricher, "Government forces recaptured the town of Mayadeen from the militants on Friday."))
    assert "government_regains_territory" in gov
    rebels = by_type(events(enricher, "Militants seized control of several villages near Deir ez-Zor."))
    assert "non_state_actor_overtakes_territory" in rebels


def test_no_events_in_plain_text(enricher):
    assert events(enricher, "The weather was mild and the markets were busy on Sunday.").events == []


@pytest.mark.parametrize("text, expected", [
    ("killing 7 farmers, including 3 boys", 7), ("at least 14 villagers were killed", 14),
    ("three soldiers died", 3), ("the death toll rose to 40", 40), ("leaving two people dead", 2),
    ("no casualties were reported", 0), ("Twenty-one people were killed", 21), ("killed dozens", None),
    ("the blast injured 12 people", None), ("a 16-year-old boy was shot dead overnight", 1),
    ("a man was arrested", None),
])
def test_fatalities(text, expected):
    assert parse_fatalities(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("on Monday", "2026-11-23"), ("on Sunday", "2026-11-22"), ("last Monday", "2026-11-16"),
    ("June 27", "2026-06-27"), ("on 27 June 2025", "2025-06-27"), ("mid-April", "2026-04"),
    ("last month", "2026-10"), ("over the past month", "2026-11-23"), ("yesterday", "2026-11-22"),
    ("two days ago", "2026-11-21"),
    ("the day after", "2026-11-21"), ("the next day", "2026-11-21"), ("a day later", "2026-11-21"),
    ("the previous day", "2026-11-19"), ("in late 2017", "2017"), ("Dec. 30", "2025-12-30"), ("no date here", None),
    ("the memory of May 2017", "2017-05"), ("the June 2022 massacre", "2022-06"), ("the 2019 killings", "2019"),
    ("the 2,000 troops", None), ("a gunfight last May", "2026-05"), ("last November", "2025-11"),
    ("the last may be", None), ("between 1964 and 1973", "1973"), ("from 2014 to 2017", "2017"),
    ("during the late 1980s", "1989"), ("since the 1990s", None), ("in the 2020s", None),
])
def test_dates_resolve_against_the_story_date(text, expected):
    got = resolve_date(text, date(2026, 11, 23), previous="2026-11-20")
    assert (got[0] if got else None) == expected


def test_case2021_floor(shared_data, enricher):
    """CASE 2021 task 2 development half, closed-set as ``wirewatch eval events`` scores it. The classifier
    never saw these snippets; the trigger rules were once tuned while reading its errors, so the numbers
    are somewhat optimistic. The floor guards against regressions."""
    from pipeline.evaluation import CASE_TO_TYPE, evaluate_case, load_case
    from pipeline.events import default_classifier

    classifier = default_classifier()
    report = evaluate_case(load_case(shared_data / "events/case2021-task2/dev.tsv"), enricher.enrich,
                           lambda text: classifier.best_type(text, CASE_TO_TYPE.values())[0])
    assert report.weighted_f1 >= 0.74 and report.macro_f1 >= 0.70, report.as_dict()


def test_event_location_floor(shared_data, enricher):
    from pipeline.evaluation import evaluate_locations, load_event_locations, place_linker

    items = load_event_locations(shared_data / "events/event-location/dev.jsonl", limit=600)
    report = evaluate_locations(items, place_linker(enricher.nlp))
    assert report.accuracy >= 0.66, report.as_dict()  # a regression guard under the in-sample figure (docs/evaluation.md)


def test_event_location_spans_with_token_offsets_are_repaired(tmp_path):
    """Some records of the event-location data hold token indices in a span's start/end; its text and
    tokens say where it really is."""
    import json

    from pipeline.evaluation import load_event_locations

    text = "Rockets hit a base near Irbil on Monday."
    words = text[:-1].split() + ["."]
    tokens, at = [], 0
    for k, w in enumerate(words):
        at = text.index(w, at)
        tokens.append({"text": w, "start": at, "end": at + len(w), "id": k})
        at += len(w)
    record = {"text": text, "tokens": tokens, "spans": [
        {"start": 8, "end": 11, "token_start": 1, "token_end": 1, "label": "VERB"},
        {"start": 5, "end": 5, "token_start": 5, "token_end": 5, "label": "LOCATION", "text": "Irbil"}]}
    path = tmp_path / "dev.jsonl"
    path.write_text(json.dumps(record) + "\n")
    [item] = load_event_locations(path)
    assert [text[a:b] for a, b in item.locations] == ["Irbil"] and text[slice(*item.verb)] == "hit"



_WORDS = st.sampled_from(["killed", "killing", "left", "leaving", "dead", "two", "12", "twenty-one", "no", "casualties",
                          "on", "Monday", "June", "27", "mid-April", "last", "month", "ago", "the", "day", "after",
                          "airstrikes", "protesters", "seized", "Irbil", "near", "border", ",", ".", "death", "toll"])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(_WORDS, st.text(max_size=8)), max_size=30))
def test_pure_helpers_never_crash(words):
    text = " ".join(words)
    parse_fatalities(text)
    resolve_date(text, date(2026, 1, 5), previous="2026-01-01")


@settings(max_examples=25, deadline=None)
@given(st.lists(_WORDS, min_size=1, max_size=40))
def test_event_tagging_never_crashes(enricher, words):
    [r] = enricher.enrich([story(" ".join(words))])
    for e in r.events:
        assert 0 <= e.confidence <= 1 and e.type in TYPE_IDS


def test_place_chooser_weights_match_the_features():
    from pipeline.nlp import FEATURES, default_chooser

    chooser = default_chooser()
    assert chooser is not None and 0 < chooser.threshold < 1
    assert chooser.probabilities([[0.0] * len(FEATURES)]).shape == (1,)


def test_one_incident_told_twice_is_one_event(enricher):
    r = events(enricher, "A drone struck the airport in Irbil on Tuesday, killing two guards. Officials said the "
                         "drone struck the airport in Irbil on Tuesday before dawn, killing three people in all.")
    strikes = [e for e in r.events if e.type == "air_drone_strike"]
    assert len(strikes) == 1 and strikes[0].fatalities == 3


MULTI_EVENT = """BAGHDAD (Test Wire) — American warplanes and drones hit two compounds of an Iran-aligned militia near \
the towns of Boukamal and Mayadeen in eastern Syria before dawn on Monday, killing at least six fighters, two Iraqi \
security officials said.

The strikes came hours after an explosives-laden drone crashed into a hangar at Irbil international airport, \
in Iraq's Kurdish region, late on Sunday. Airport staff said nobody was hurt.

On Monday afternoon, rockets were fired at a base near Baghdad airport that hosts American troops, a \
coalition spokesman said. There were no casualties.

A commander of the militia vowed revenge for the strikes.

The group has carried out dozens of attacks on bases in Iraq and Syria since October."""


def test_a_story_with_several_events_lists_each_with_its_own_type_place_and_evidence(enricher):
    r = events(enricher, MULTI_EVENT, dateline=Dateline(text="BAGHDAD (Test Wire)", place="Baghdad"))
    news = [e for e in r.events if e.modality in ("asserted", "reported", "threatened")]
    found = {(e.type, e.place.name if e.place else None) for e in news}
    assert ("air_drone_strike", "Ālbū Kamāl") in found or ("air_drone_strike", "Al Mayādīn") in found, found
    assert ("air_drone_strike", "Erbil") in found, found
    assert any(t == "shelling_artillery_missile_attack" for t, _ in found), found
    assert any(e.type == "threaten" and e.modality == "threatened" for e in news), found
    for e in news:  # each event's evidence is its own sentence, and its trigger lies inside it
        evidence = r.body[e.sentence.start:e.sentence.end]
        assert r.body[e.trigger.start:e.trigger.end] == e.trigger.text
        assert e.sentence.start <= e.trigger.start < e.trigger.end <= e.sentence.end and "\n" not in evidence.strip()
    background = [e for e in r.events if "since October" in r.body[e.sentence.start:e.sentence.end]]
    assert all(e.modality == "past" for e in background), background  # the tally is not a new event
    assert len({(e.type, e.place.name if e.place else None) for e in news}) == len(news)  # no event told twice


@pytest.mark.parametrize("body, sentence, expected", [
    # background: perfect outside the lead, pluperfect, durative adverbials
    ("Shelling hit Aleppo on Monday. The war has killed hundreds of thousands of people.", 1, "past"),
    ("Shelling hit Aleppo on Monday. Rebels fired thousands of shells at the city over the past year.", 1, "past"),
    ("Shelling hit Aleppo on Monday. Gunmen have attacked the road repeatedly.", 1, "past"),
    # the speaker's news, backshifted into reported or quoted speech: not background
    ("The army said on Monday it had retaken the town of Diapaga from jihadists.", 0, "reported"),
    ("An air strike has killed 12 people in the town of Kunduz, officials said.", 0, "reported"),
])
def test_background_is_told_by_aspect_and_time_adverbials(enricher, body, sentence, expected):
    r = events(enricher, body)
    starts = [0] + [i + 2 for i, c in enumerate(body) if body[i:i + 2] == ". "]
    got = [e.modality for e in r.events if e.sentence.start == starts[sentence]]
    if expected == "past":  # background: no event, or one that is not news
        assert all(m == "past" for m in got), [(e.type, e.modality, e.sentence) for e in r.events]
    else:
        assert got and all(m == expected for m in got), [(e.type, e.modality, e.sentence) for e in r.events]


@pytest.mark.parametrize("follow_up", [
    "Five people were killed and 23 were wounded.",  # an outcome without a perpetrator
    "The blast shattered shop windows along the street.",  # a definite noun phrase
    '"There was smoke everywhere," said a shopkeeper.',  # an eyewitness' words
])
def test_a_follow_up_sentence_is_no_new_event(enricher, follow_up):
    r = events(enricher, f"A car bomb exploded outside a police station in Kirkuk on Monday. {follow_up}")
    happening = [e for e in r.events if e.modality in ("asserted", "reported")]
    assert len(happening) == 1, [(e.type, e.trigger.text) for e in r.events]


def test_event_location_records_without_spans_are_skipped_and_bad_lines_named(tmp_path):
    import json

    from pipeline.core import ConfigError
    from pipeline.evaluation import load_event_locations

    good = {"text": "Rockets hit Irbil.", "spans": [{"start": 8, "end": 11, "label": "VERB"},
                                                    {"start": 12, "end": 17, "label": "LOCATION"}]}
    path = tmp_path / "loc.jsonl"
    path.write_text("\n".join([json.dumps({"text": "No spans here."}), json.dumps(good), ""]), encoding="utf-8")
    [item] = load_event_locations(path)
    assert item.verb == (8, 11) and item.locations == ((12, 17),)
    path.write_text(json.dumps(good) + "\n{not json\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"loc.jsonl:2: not JSON"):
        load_event_locations(path)


def test_a_sentence_joining_two_events_tells_both(enricher):
    body = ("GAO, Mali (Test Wire) — Gunmen on motorbikes attacked an army post in Ansongo at dawn on Friday, and "
            "two hours later a landmine ripped through a minibus on the road near Bourem, killing six passengers, "
            "officials said.")
    found = {(e.type, e.place.text if e.place else None) for e in events(enricher, body).events}
    assert ("armed_clash", "Ansongo") in found
    assert any(t == "remote_explosive_landmine_ied" for t, _ in found)


def test_a_lead_summed_up_and_detailed_below_is_one_event_per_incident(enricher):
    body = ("SUCRE, Bolivia (Test Wire) — Thousands of miners marched through the capital on Monday to demand lower "
            "fuel prices, while riot police fired tear gas at a road blockade in the east.\n\n"
            "In Montero, police fired tear gas and rubber bullets to break up a blockade of the highway by "
            "sugar-cane cutters, a local radio station reported.")
    r = events(enricher, body)
    intervened = [e for e in r.events if e.type == "protest_with_intervention"]
    assert len(intervened) == 1 and intervened[0].place.text == "Montero"
    assert any(e.type == "peaceful_protest" for e in r.events)


def test_a_fire_the_strike_set_off_and_the_bomber_retold_are_no_new_events(enricher):
    body = ("ODESA, Ukraine (Test Wire) — A Russian missile hit a grain terminal in Odesa overnight, setting off a fire "
            "that burned until morning, the regional governor said.\n\n"
            "Separately, a woman wearing an explosives belt blew herself up at a checkpoint in Izium, police said. "
            "The woman, who had arrived on foot, walked up to the barrier and detonated the charge.")
    types = [e.type for e in events(enricher, body).events]
    assert "man_made_disaster" not in types
    assert types.count("suicide_bomb") == 1 and "remote_explosive_landmine_ied" not in types


def test_a_place_located_in_a_broader_one_is_the_finer_one():
    from pipeline.nlp._place_link import narrower, narrowest

    text = "Gunmen shot six men in the village of Kubwa, in the Tarka area, near Wukari, on Sunday."

    def item(name):
        at = text.index(name)
        return (0, 0, "toponym", 0, name, at, at + len(name), 0.0, True)

    items = [item("Kubwa"), item("Tarka"), item("Wukari")]
    inner = narrower(items, text)
    assert inner == [-1, 0, -1]  # "Kubwa, in the Tarka area"; "…, near Wukari" locates nothing
    assert narrowest(1, inner) == 0 and narrowest(2, inner) == 2


def test_a_place_told_as_a_region_is_refined_by_the_village_named_next(enricher):
    body = ("YANGON, Myanmar (Test Wire) — Military jets bombed a village in the central Magway region on Tuesday, "
            "killing at least eight people, residents said.\n\n"
            "Two bombs fell on a school in the village of Pauk, a teacher said.")
    r = events(enricher, body, dateline=Dateline(text="YANGON, Myanmar (Test Wire)", place="Yangon"))
    strikes = [e for e in r.events if e.type == "air_drone_strike" and e.modality != "past"]
    assert strikes and strikes[0].place is not None and strikes[0].place.text == "Pauk", \
        [(e.type, e.place) for e in strikes]


def test_an_event_takes_no_place_from_another_clause_of_its_sentence(enricher):
    body = ("BUNIA, Congo (Test Wire) — Militiamen hacked to death 11 villagers in a raid on a village in Ituri "
            "province, local officials said Monday, while troops and rebels clashed for a third day around the town "
            "of Sake.")
    r = events(enricher, body, dateline=Dateline(text="BUNIA, Congo (Test Wire)", place="Bunia"))
    attacks = [e for e in r.events if e.type == "attack"]
    assert attacks and all(e.place is None or e.place.text != "Sake" for e in attacks), \
        [(e.type, e.place) for e in attacks]


def test_a_paragraph_opening_with_a_place_sets_the_scene_for_its_next_sentences():
    from types import SimpleNamespace

    from pipeline.nlp._discourse import _frame

    text = ("Drivers marched in the capital on Monday.\n\n"
            "In Villa Nueva, a crowd stopped buses near Ocotal and burned two. Others threw stones at police.")
    places = [SimpleNamespace(start=text.index(n), role="mentioned", kind="toponym", entry=None)
              for n in ("Villa Nueva", "Ocotal")]
    later = text.index("Others")
    assert _frame(text, places, later, set()) == 0  # the opening "In X," — not a place named further on
    assert _frame(text, places, text.index("In Villa"), set()) is None  # nor for its own sentence
    assert _frame(text, places, 0, set()) is None


def test_an_event_naming_no_place_goes_on_in_the_scene_of_the_one_before(enricher):
    # the dateline is where the reporter files from; a story stays where its last event happened
    body = ("NAIROBI, Kenya (Test Wire) — Raiders stormed the market town of Kapedo on Tuesday and killed six herders, "
            "police said.\n\nHours later, the raiders looted shops and torched a church, residents said.")
    r = events(enricher, body, dateline=Dateline(text="NAIROBI, Kenya (Test Wire)", place="Nairobi"))
    looting = by_type(r).get("looting_property_destruction")
    assert looting is not None and looting.place is not None and looting.place.text == "Kapedo", \
        [(e.type, e.place) for e in r.events]
    assert looting.place.how == "context"  # inferred: a finer place told later may still refine it


def test_a_scene_is_set_only_by_a_happening_event_with_a_place_of_its_own():
    from dataclasses import dataclass
    from types import SimpleNamespace

    from pipeline.nlp._discourse import _continue_scenes

    @dataclass(frozen=True)
    class Ref:
        text: str
        how: str

    def place(text, how):
        return Ref(text, how) if how else None

    def event(at, modality, text=None, how=None):
        return SimpleNamespace(sentence=(at, at + 10), modality=modality, place=place(text, how))

    past = event(0, "past", "Gwoza", "attached")  # background does not set the scene
    first = event(20, "reported", "Kapedo", "attached")
    later = event(40, "reported", "Nairobi", "dateline")
    hedged = event(60, "hypothetical")
    _continue_scenes([later, past, first, hedged])  # in text order, whatever the list's
    assert later.place.text == "Kapedo" and later.place.how == "context"
    assert hedged.place is None  # what did not happen is not placed
    lone = event(0, "reported", "Nairobi", "dateline")
    _continue_scenes([lone])
    assert lone.place.how == "dateline"  # no scene before it: the dateline stays


@pytest.mark.parametrize("text", [
    "Warplanes dropped thousands of bombs on the province from 1964 to 1973.",
    "Warplanes dropped thousands of bombs on the province during the 1960s.",
])
def test_an_event_dated_by_a_span_of_past_years_is_background(enricher, text):
    assert by_type(events(enricher, text))["air_drone_strike"].modality == "past"


def test_a_quotation_alone_is_no_event_even_as_the_first_thing_told(enricher):
    body = ('LUSAKA (Test Wire) — Power Dynamos beat Red Arrows 2-0 on Sunday to go top of the table.\n\n"We kept '
            'pushing and told the players their back four would crack late on. It collapsed."\n\nThe club plays again '
            'on Wednesday.')
    assert not events(enricher, body).events
    told = ('MONGU (Test Wire) — "The roof fell in on the pupils while they were writing an exam," a teacher at a '
            'school in Mongu said on Monday.\n\nThe roof of a classroom collapsed on Monday, killing two pupils, '
            'police said.')
    assert "man_made_disaster" in by_type(events(enricher, told))  # the narration tells it: an event


def test_what_anyone_would_do_is_no_event_and_no_threat(enricher):
    body = ("Gangs beat a suspected thief to death in Kakata on Monday, police said.\n\nThe police chief warned that "
            "anyone who joined in mob justice would be prosecuted.")
    r = events(enricher, body)
    assert by_type(r)["mob_violence"].modality == "reported"
    assert all(e.modality == "hypothetical" for e in r.events if e.type == "threaten"), \
        [(e.type, e.modality) for e in r.events]


def test_a_finite_contrast_clause_tells_its_own_event_where_the_parser_lost_its_subject(enricher):
    # the parser reads "Huambo young men" as one phrase under "of": "hurled" has no subject, but its tense
    # makes it a clause of its own
    text = ("Police fired tear gas and detained dozens of people protesting in the Cazenga district of Luanda on "
            "Monday, while in the central city of Huambo young men hurled stones at a police station and set a car "
            "on fire.")
    got = {e.type: e.place.text if e.place else None for e in events(enricher, text).events}
    assert got.get("protest_with_intervention") == "Cazenga" and got.get("violent_demonstration") == "Huambo", got


def test_a_town_has_one_demonstration_a_day(enricher):
    # "the Yungas town of Caranavi" is Caranavi; the march later told there is the riot's first form
    body = ("LA PAZ (Test Wire) — Riot police fired tear gas to clear a road block at Parotani on Monday, while in the "
            "Yungas town of Caranavi protesters set fire to the town hall, officials said.\n\n"
            "In Caranavi, several hundred residents angry at the mayor marched on the town hall in the afternoon.")
    r = events(enricher, body)
    demonstrations = [(e.type, e.place.text if e.place else None) for e in r.events
                      if e.type in ("peaceful_protest", "violent_demonstration")]
    assert demonstrations == [("violent_demonstration", "Caranavi")], demonstrations


def test_a_weekday_naming_a_kind_of_thing_does_not_date_the_event(enricher):
    # "Friday prayers" is no date: the attack is dated by its year, years before the story, so background
    r = events(enricher, "A school opened in Kafr Saad on Thursday. Gunmen opened fire on worshippers at Friday "
                         "prayers in the village mosque on March 3, 2016, killing 41 people.")
    assert all(e.modality == "past" for e in r.events if e.type == "attack"), [(e.type, e.modality) for e in r.events]
    assert by_type(events(enricher, "Gunmen killed four farmers near Dogo on Friday morning, police said."))[
        "attack"].date == "2026-11-20"  # a part of the day keeps its weekday a date


def test_a_vow_of_revenge_after_an_event_is_a_threat(enricher):
    r = events(enricher, "A drone strike on a car near Talwara killed two men on Tuesday, officials said. The "
                         "Red Hand Brigade said the men were its fighters and vowed to avenge their deaths.")
    assert {"air_drone_strike", "threaten"} <= set(by_type(r)), [(e.type, e.confidence) for e in r.events]


def test_a_vehicle_running_over_a_mine_is_no_background_phrase(enricher):
    r = events(enricher, "A truck carrying cattle traders ran over a landmine outside Bouar on Monday, killing "
                         "three people, a local official said.")
    assert "remote_explosive_landmine_ied" in by_type(r), [(e.type, e.confidence) for e in r.events]


def test_an_apposition_saying_what_a_place_is_locates_the_event_at_it():
    from pipeline.nlp.events import narrower, narrowest

    text = "Rebels were driven out of Baoro, a town near the border with Cameroon, and from Nana, a village in Ouham."

    def item(name):
        at = text.index(name)
        return (0, 0, "toponym", 0, name, at, at + len(name), 0.0, True)

    items = [item("Baoro"), item("Cameroon"), item("Nana"), item("Ouham")]
    inner = narrower(items, text)
    assert narrowest(1, inner) == 0 and narrowest(3, inner) == 2
    assert narrowest(2, inner) == 2  # "Cameroon, and from Nana": no apposition across the clause
    text = "Troops killed four gunmen near Ayilamo, also in Logo, on Friday."
    assert narrower([item("Ayilamo"), item("Logo")], text) == [-1, 0]
    # "A <part> of B": the noun says which is the part
    text = "A man was shot on the estate in the Brussels municipality of Anderlecht."
    assert narrower([item("Brussels"), item("Anderlecht")], text) == [1, -1]
    text = "A bomb went off in the Karrada district of Baghdad."
    assert narrower([item("Karrada"), item("Baghdad")], text) == [-1, 0]
    # a division named as one, and a place in it named after it with a preposition of place
    text = "In the southern district of Phalombe, a crowd beat two men to death near Migowi on Monday."
    assert narrower([item("Phalombe"), item("Migowi")], text) == [1, -1]
    text = "Troops from Kabul and Herat arrived in Kandahar."
    assert narrower([item("Kabul"), item("Herat"), item("Kandahar")], text) == [-1, -1, -1]


def test_a_name_apposed_to_a_place_noun_is_a_place_and_civilians_leaving_is_no_handover(enricher):
    r = events(enricher, "Suspected jihadists killed at least five civilians in a night raid on Quitunda, a fishing "
                         "village in Palma district, residents said.")
    assert by_type(r)["attack"].place.text == "Quitunda", [(e.type, e.place) for e in r.events]
    r = events(enricher, "Residents said dozens of families had left the camps around Kalemie since Saturday.")
    assert "non_violent_transfer_of_territory" not in by_type(r)
    r = events(enricher, "Government troops left the town of Bama on Monday and rebels moved in without a fight.")
    assert "non_violent_transfer_of_territory" in by_type(r)


def test_a_quadcopter_is_a_drone(enricher):
    r = events(enricher, "Three people were killed when explosives were dropped from a quadcopter on a house in "
                         "Datta Khel, police said.")
    assert "air_drone_strike" in by_type(r), [(e.type, e.confidence) for e in r.events]


@pytest.mark.parametrize("sentence, threat", [
    ("In a video message, a commander of the Kivu Lions warned that the group would attack every army post in "
     "Masisi if the offensive went on.", True),
    ("It warned that it would go on targeting convoys on the Bunia road.", True),
    ("Analysts warned that militants would attack polling stations.", False),  # someone else's forecast
    ("The ministry warned that prices would hit record highs.", False),  # no harm to anyone
])
def test_an_actor_warning_it_will_harm_a_target_is_a_threat(enricher, sentence, threat):
    r = events(enricher, sentence)
    assert ("threaten" in by_type(r)) == threat, [(e.type, e.modality, e.confidence) for e in r.events]


def test_a_verb_coordinated_with_a_denial_is_not_denied(enricher):
    r = events(enricher, "A rebel spokesman rejected the accusation and warned that the group would attack every "
                         "position of the army in Walikale.")
    assert by_type(r)["threaten"].modality == "threatened"


def test_damage_told_without_its_doer_after_a_violent_event_is_part_of_it(enricher):
    r = events(enricher, "Gunmen ambushed an army patrol near Menaka on Monday, the ministry said. Four soldiers "
                         "were wounded and a truck was destroyed.")
    assert "looting_property_destruction" not in by_type(r), [(e.type, e.trigger.text) for e in r.events]
    r = events(enricher, "Police arrested 30 people in Kasese on Monday. Dozens of shops were looted overnight in the "
                         "town's market, traders said.")  # after an arrest: damage of its own
    assert "looting_property_destruction" in by_type(r), [(e.type, e.trigger.text) for e in r.events]


def test_an_existential_no_negates_the_event_noun_it_governs(enricher):
    r = events(enricher, "A bomb killed five people at a bus stop in Bannu on Monday. There was no immediate claim of "
                         "responsibility for the attack.")
    claims = [e for e in r.events if e.type == "attribution_of_responsibility"]
    assert all(e.modality == "negated" for e in claims), [(e.type, e.modality) for e in r.events]


@pytest.mark.parametrize("body", [
    # a gerund subject in the present perfect, outside the lead
    "An aircraft bombed a cattle market in Waat on Monday, killing seven people. Fighting between the army and "
    "a local militia has driven thousands from their homes across the state.",
    # a main clause in the pluperfect sets the scene, whatever word the sentence was read by
    "Police shot dead two marchers in Gagnoa on Tuesday, witnesses said. Thousands had set out from the market "
    "singing to protest against the exclusion of candidates from the election.",
])
def test_scene_setting_sentences_are_no_new_events(enricher, body):
    r = events(enricher, body)
    second = body.index(". ") + 2
    assert all(e.modality not in ("asserted", "reported") for e in r.events if e.sentence.start >= second), \
        [(e.type, e.modality, e.sentence) for e in r.events]


def test_a_device_retold_as_it_and_a_recent_span_are_not_background(enricher):
    r = events(enricher, "A man threw a grenade into a bar in Kamenge on Saturday, police said. It went off "
                         "beside a stall selling maize, wounding four people.")
    happening = [e for e in r.events if e.modality in ("asserted", "reported")]
    assert len(happening) == 1, [(e.type, e.trigger.text) for e in r.events]
    r = events(enricher, "Leaders said miners near Homoxi had sexually abused three young women over the past "
                         "month, luring them to camps with offers of food.")
    assert by_type(r)["sexual_violence"].modality == "reported"


def test_a_story_led_by_an_exercise_tells_the_exercise_not_strikes(enricher):
    r = events(enricher, "Troops backed by artillery and helicopters practised driving back an armed incursion near "
                         "Osh this week, in one of the largest exercises the country has held. Rocket launchers "
                         "fired at targets laid out on a range near Uzgen, and helicopters landed airborne troops "
                         "behind the lines.")
    assert not [e for e in r.events if e.modality in ("asserted", "reported")], \
        [(e.type, e.modality) for e in r.events]
    r = events(enricher, "Gunmen attacked soldiers taking part in a military exercise near Kidal on Monday. "
                         "Separately, a roadside bomb hit an army truck near Anefis on Tuesday.")
    assert any(e.modality in ("asserted", "reported") for e in r.events if e.sentence.start > 0)  # a real lead


@pytest.mark.parametrize("text, type_, place", [
    ("Border guards fought a gunbattle overnight with armed men who had crossed the river from Afghanistan into "
     "the Darvoz district, officials said.", "armed_clash", "Darvoz"),  # where attackers set out from
    ("Riot police fired tear gas at farmers who tried to drive their tractors onto the Athens-Thessaloniki highway "
     "near Nikaia on Wednesday.", "protest_with_intervention", "Nikaia"),  # the ends of a road
    ("A suicide bomber blew himself up at a checkpoint in Bir Lahfan, 30 km south of El Arish, on Monday, killing "
     "four soldiers.", "suicide_bomb", "Bir Lahfan"),  # where a distance is measured from
])
def test_origins_road_ends_and_distance_marks_are_not_where_it_happened(enricher, text, type_, place):
    r = events(enricher, text)
    assert by_type(r)[type_].place.text == place, [(e.type, e.place) for e in r.events]


def test_a_clause_told_hours_apart_keeps_its_own_places(enricher):
    r = events(enricher, "Police fired tear gas on Tuesday to break up a protest by cashew farmers in the district "
                         "of Tandahimba, hours after gunmen seized four fishermen near the border village of Kitaya, "
                         "officials said.")
    got = {e.type: e.place.text if e.place else None for e in r.events}
    assert got.get("protest_with_intervention") == "Tandahimba", got


def test_stun_grenades_are_crowd_control_not_a_grenade_attack(enricher):
    r = events(enricher, "Police responded with rubber bullets and stun grenades in Mthatha on Monday.")
    assert "grenade" not in by_type(r), [(e.type, e.confidence) for e in r.events]
    r = events(enricher, "A man threw a grenade at a bar in Mthatha on Monday, wounding six people.")
    assert "grenade" in by_type(r), [(e.type, e.confidence) for e in r.events]


def test_a_demonstration_is_one_event_typed_by_its_most_escalated_form(enricher):
    riot = ("Youths set fire to cars and pelted gendarmes with stones overnight in Saint-Louis, the High "
            "Commission said. Gendarmes responded with tear gas and detained three people.")
    r = events(enricher, riot)
    kinds = [e.type for e in r.events if e.type in ("violent_demonstration", "protest_with_intervention")]
    assert kinds == ["violent_demonstration"], [(e.type, e.place) for e in r.events]
    # a march told in one paragraph and a dispersal with its own place in another are two events
    two = ("Thousands of teachers marched peacefully through Tegucigalpa on Tuesday to demand a pay rise.\n\n"
           "In the southern city of Choluteca, police fired tear gas to break up a blockade of the highway by "
           "farmers.")
    assert {"peaceful_protest", "protest_with_intervention"} <= set(by_type(events(enricher, two)))


def test_a_retelling_at_a_part_of_the_town_tells_the_place_more_precisely():
    from types import SimpleNamespace as NS

    from pipeline.nlp._discourse import merge_retellings

    text = "A pipe bomb exploded in Derry on Sunday.\n\nThe bomb went off at a house in the Creggan area."

    def mentions():
        lead = NS(type="remote_explosive_landmine_ied", modality="reported", sentence=(0, 40),
                  trigger=("bomb", 7, 11), place=NS(text="Derry", how="attached", coarse=False, kind="toponym", index=0),
                  date=None, date_text=None, fatalities=None, confidence=0.9)
        later = NS(type="remote_explosive_landmine_ied", modality="reported", sentence=(42, 91),
                   trigger=("bomb", 46, 50), place=NS(text="Creggan", how="attached", coarse=False, kind="toponym",
                                                      index=1), date=None, date_text=None, fatalities=None,
                   confidence=0.85)
        return [lead, later]
    [kept] = merge_retellings(text, mentions(), inside=lambda a, b: (a.text, b.text) == ("Creggan", "Derry"))
    assert kept.place.text == "Creggan"
    assert len(merge_retellings(text, mentions())) == 2  # without it, two places: two incidents


def test_an_undated_sentence_goes_on_in_the_time_its_paragraph_is_set_in(enricher):
    past = ("Officers laid flowers at the memorial on Friday.\n\nThe clashes broke out before dawn on May 9, "
            "2015, when police moved into the neighbourhood. Several houses in the district were burned out.")
    r = events(enricher, past)
    assert not [e for e in r.events if e.modality in ("asserted", "reported")], [(e.type, e.modality) for e in r.events]
    now = ("Officers laid flowers at the memorial on Friday.\n\nThe clashes broke out before dawn on May 9, "
           "2015, when police moved into the neighbourhood.\n\nSeveral houses in the district were burned out "
           "overnight, residents said.")
    assert any(e.modality in ("asserted", "reported") for e in events(enricher, now).events)


def test_a_killing_told_as_organised_crime_is_an_attack_too(enricher):
    r = events(enricher, "A 16-year-old boy was shot dead overnight at the foot of a tower block in Marseille, "
                         "prosecutors said, the latest casualty of a drug war between rival dealing networks.")
    got = {e.type for e in r.events if e.modality in ("asserted", "reported")}
    assert "attack" in got or "armed_clash" in got, [(e.type, e.confidence) for e in r.events]


def test_finding_nothing_and_powers_granted_are_no_events(enricher):
    r = events(enricher, "A police bomb squad combed the block after daybreak and found no other explosives.")
    assert not [e for e in r.events if e.modality in ("asserted", "reported")], [(e.type, e.modality) for e in r.events]
    r = events(enricher, "The government declared a state of emergency in St Catherine, which allows soldiers and "
                         "police to search premises and detain suspects without a warrant.")
    assert "arrests" not in {e.type for e in r.events if e.modality in ("asserted", "reported")}
    r = events(enricher, "Police found two rifles and a cache of explosives in a house in Ganta on Monday.")
    assert by_type(r)["disrupted_weapons_use"].modality == "asserted"


def test_what_was_done_during_the_war_is_background(enricher):
    r = events(enricher, "Troops dismantled two rocket launchers near Qaa on Monday.\n\nSeveral small factions fired "
                         "rockets from Lebanon during the war.")
    shelling = [e for e in r.events if e.type == "shelling_artillery_missile_attack"]
    assert all(e.modality not in ("asserted", "reported") for e in shelling), [(e.type, e.modality) for e in r.events]


def test_a_retelling_the_classifier_doubts_still_tells_where(enricher):
    r = events(enricher, "HODEIDAH, Yemen (AP) - A landmine killed two shepherds on the Red Sea coast on Monday, "
                         "officials said.\n\nIn Hodeidah province, a mine blew up under their donkey cart on a track "
                         "in Hays district at dawn, a medic said.",
               dateline=Dateline(text="HODEIDAH, Yemen (AP)", place="Hodeidah"))
    mine = by_type(r)["remote_explosive_landmine_ied"]
    assert mine.place is not None and mine.place.text.startswith("Hays"), mine.place


def test_where_the_source_sits_is_not_where_it_happened(enricher):
    r = events(enricher, "Gunmen opened fire on a checkpoint at the edge of Al-Busayrah overnight, and guards fired "
                         "back for an hour, a war monitor based in Britain said.")
    assert all(e.place is None or e.place.text != "Britain" for e in r.events), [(e.type, e.place) for e in r.events]


def test_a_name_tagged_as_a_person_twice_and_the_edge_of_a_name_are_places(enricher):
    r = events(enricher, "Police in the town of Tuz Khurmatu fired tear gas at a crowd on Monday.\n\nIn Tuz Khurmatu, "
                         "about 70 km south of Kirkuk, hundreds had gathered over power cuts.")
    assert [p.text for p in r.places].count("Tuz Khurmatu") == 2, [p.text for p in r.places]
    r = events(enricher, "A bomber blew himself up at a checkpoint on the edge of Kolofata on Friday.")
    assert "Kolofata" in [p.text for p in r.places], [p.text for p in r.places]
    r = events(enricher, "Police fought members of a gang for hours in Croix-des-Bouquets on Monday.")
    assert "Croix-des-Bouquets" in [p.text for p in r.places], [p.text for p in r.places]
    r = events(enricher, "Farmers blocked the Athens-Thessaloniki highway on Monday.")
    assert not any("-" in p.text for p in r.places), [p.text for p in r.places]


def test_a_films_plot_and_an_attempted_ceasefire_are_no_events(enricher):
    for body in ('"Morro Alto" follows two brothers who end up on opposite sides of a gang feud.',
                 "Clan elders were trying on Thursday to arrange a ceasefire, a council member said."):
        r = events(enricher, body)
        assert not [e for e in r.events if e.modality in ("asserted", "reported")], \
            (body, [(e.type, e.modality) for e in r.events])


def test_a_device_retold_by_a_definite_noun_is_no_new_event(enricher):
    r = events(enricher, "A militant hurled a grenade at a police van in Bijbehara on Monday, police said. The device "
                         "missed the van and exploded on the pavement.")
    got = [e.type for e in r.events if e.modality in ("asserted", "reported")]
    assert got == ["grenade"], got


def test_a_habit_an_order_and_people_seized_are_no_incidents(enricher):
    lead = "Gunmen killed two traders near Maracaibo on Monday, police said.\n\n"
    for body, type_ in ((lead + "Near the border, armed groups and smugglers compete for the routes that carry fuel.",
                         "organized_crime"),
                        (lead + "Timberwolves: Visit Denver on Thursday.", "diplomatic_event"),
                        ("Gunmen ambushed a patrol in Guerrero state on Monday, while kidnappers seized a group of "
                         "transport workers elsewhere in the state.", "disrupted_weapons_use")):
        r = events(enricher, body)
        assert type_ not in {e.type for e in r.events if e.modality in ("asserted", "reported")}, \
            (body, [(e.type, e.modality) for e in r.events])


def test_a_relative_clause_keeps_its_time_to_itself(enricher):
    r = events(enricher, "Jets struck two towns in Shan state on Thursday.\n\nLater in the afternoon an aircraft hit a "
                         "market street in Kyaukme, killing six people, according to the armed group, which has held "
                         "the town since last year.")
    strikes = [e for e in r.events if e.type == "air_drone_strike"]
    assert strikes and all(e.modality in ("asserted", "reported") for e in strikes), [(e.type, e.modality) for e in r.events]


def test_another_incident_of_a_type_told_is_an_event_of_its_own(enricher):
    r = events(enricher, "KABUL (AP) - A roadside bomb killed three soldiers in Kandahar province on Monday, officials "
                         "said.\n\nThe bomb hit their truck near the village of Arghandab before dawn, a police "
                         "spokesman said.\n\nHours later, another bomb went off beside a bus station in Spin Boldak, "
                         "wounding two police officers, he said.")
    bombs = [e for e in r.events if e.type == "remote_explosive_landmine_ied" and e.modality in ("asserted", "reported")]
    assert len(bombs) == 2, [(e.type, e.modality, e.place) for e in r.events]


def test_a_lake_named_in_the_lead_is_a_landmark_not_the_place(enricher):
    r = events(enricher, "LIMA (Reuters) - Police fired tear gas at farmers blocking roads near Lake Titicaca on "
                         "Tuesday.\n\nIn Juliaca, officers cleared a bridge held by several hundred demonstrators.",
               dateline=Dateline(text="LIMA (Reuters)", place="Lima"))
    dispersal = by_type(r)["protest_with_intervention"]
    assert dispersal.place is not None and dispersal.place.text == "Juliaca", dispersal.place


def test_people_seized_are_abducted_or_arrested_and_a_count_is_no_incident(enricher):
    r = events(enricher, "Three farm labourers were seized from a field outside Kandhkot on Wednesday by a dozen men "
                         "armed with rifles, police said.")
    got = {e.type for e in r.events if e.modality in ("asserted", "reported")}
    assert "abduction_forced_disappearance" in got and "disrupted_weapons_use" not in got, got
    r = events(enricher, "Troops seized four smugglers at a checkpoint near Tame on Monday, the army said.")
    got = {e.type for e in r.events if e.modality in ("asserted", "reported")}
    assert "disrupted_weapons_use" not in got and "abduction_forced_disappearance" not in got, got
    r = events(enricher, "Gunmen killed two farmers near Diffa on Monday.\n\nA researcher said the jump in abductions "
                         "pointed to groups short of money.")
    assert "abduction_forced_disappearance" not in {e.type for e in r.events if e.modality in ("asserted", "reported")}


def test_a_forecast_is_no_threat_and_blaming_tired_legs_is_no_attribution(enricher):
    r = events(enricher, "Gunmen killed two guards in Tajoura on Monday.\n\nAny move to dislodge the faction by force "
                         "could pull in heavier brigades from Misrata, warned a researcher who follows Libya.")
    assert "threaten" not in {e.type for e in r.events if e.modality == "threatened"}, [(e.type, e.modality) for e in r.events]
    r = events(enricher, "Sao Raimundo won 2-1 in Boa Vista on Sunday.\n\nTheir beaten coach blamed tired legs.")
    assert "attribution_of_responsibility" not in {e.type for e in r.events}, [(e.type, e.modality) for e in r.events]
    r = events(enricher, "The ministry blamed the ambush near Ayorou on the Islamic State Sahel Province.")
    assert "attribution_of_responsibility" in {e.type for e in r.events}, [(e.type, e.modality) for e in r.events]


def test_control_taken_of_nothing_named_is_no_territory(enricher):
    r = events(enricher, "Georgia beat Portugal 31-14 in Tbilisi on Sunday.\n\nThe home pack seized control after the "
                         "interval.")
    assert not {"non_state_actor_overtakes_territory", "government_regains_territory"} & {e.type for e in r.events}
    r = events(enricher, "Rebels seized control of Kitchanga on Monday after two days of fighting, residents said.")
    assert "non_state_actor_overtakes_territory" in {e.type for e in r.events}, [(e.type, e.modality) for e in r.events]


@pytest.mark.parametrize("body", [
    # the words before the trigger mark a new incident
    "Gunmen ambushed a police convoy near Dikwa on Friday, killing four officers, officials said.\n\nIn another "
    "attack, gunmen seized six farmers working their fields outside Marte on Saturday, according to a cousin of one "
    "of the captives.",
    # "the captives" hangs off "a cousin": it says who the source is
    "Jihadists attacked an army post near Ngouboua on Friday, killing six soldiers, the army said.\n\nFurther west, "
    "armed men took at least 11 fishermen from their camp on an island near Bol on Saturday evening, according to a "
    "cousin of two of the captives.",
])
def test_a_second_incident_told_in_the_body_is_no_elaboration(enricher, body):
    r = events(enricher, body)
    assert {"armed_clash", "abduction_forced_disappearance"} <= set(by_type(r)), \
        [(e.type, e.trigger.text) for e in r.events]


def test_a_definite_retelling_folds_into_an_event_of_its_own_type():
    from types import SimpleNamespace as N

    from pipeline.nlp._discourse import fold_elaborations

    def mention(type_, confidence, elaborates=None):
        return N(type=type_, modality="reported", confidence=confidence, fatalities=None, place=None,
                 elaborates=elaborates)

    march = mention("peaceful_protest", 0.59)  # "… while hundreds of growers marched elsewhere in the state"
    strike = mention("air_drone_strike", 0.92)  # "The attack hit El Aguaje …"
    retold = mention("peaceful_protest", 0.94, "definite")  # "The march ended peacefully …"
    kept = fold_elaborations([march, strike, retold], sure=lambda e: e.confidence >= 0.8)
    assert kept == [march, strike]  # the march is made sure by its retelling, not folded into the strike


def test_a_past_massacre_and_the_blame_for_it_are_past(enricher):
    r = events(enricher, "Villagers in Tondikiwindi gathered on Sunday to remember those who died when gunmen raided "
                         "their homes in January 2021, killing scores.\n\nNobody has been tried over the massacre. It "
                         "was widely blamed on a jihadist faction, although the group never said it was behind it.")
    assert r.events and all(e.modality not in ("asserted", "reported") for e in r.events), \
        [(e.type, e.modality) for e in r.events]  # the raid in its own clause's time; the blame for it
    r = events(enricher, "A bomb tore through a bus station in Kano on Monday, killing nine people, police said. "
                         "It was blamed on Boko Haram by the state governor.")  # blame for the news
    assert by_type(r)["attribution_of_responsibility"].modality in ("asserted", "reported")


def test_a_story_that_looks_back_stays_in_the_past_across_paragraphs(enricher):
    # an anniversary story: the lead tells nothing happening now, so the undated paragraphs after the dated
    # retelling go on in its time — the blame, the riot and the curfew are then, not news
    body = ("GULU, Uganda (Test Wire) — Traders in Gulu laid flowers at the bus park on Wednesday to remember "
            "the 12 people who died there when a bomb went off ten years ago.\n\n"
            "The device exploded on the morning of March 3, 2016, as buses were loading for Kampala.\n\n"
            "Police blamed a rebel faction for the blast, and for three nights angry youths stoned the police "
            "post and burned tyres in the streets. Soldiers were deployed and a curfew was imposed.")
    r = events(enricher, body, dateline=Dateline(text="GULU, Uganda (Test Wire)", place="Gulu"))
    assert all(e.modality not in ("asserted", "reported") for e in r.events), \
        [(e.type, e.modality) for e in r.events]
    # news in the lead: a later undated paragraph after a dated background one is news again
    body = ("GULU, Uganda (Test Wire) — A bomb went off at the Gulu bus park on Wednesday, killing four people, "
            "police said.\n\n"
            "A similar device killed 12 people at the same bus park on March 3, 2016.\n\n"
            "Police arrested three men near the bus park hours after the blast, a spokesman said.")
    r = events(enricher, body, dateline=Dateline(text="GULU, Uganda (Test Wire)", place="Gulu"))
    assert by_type(r).get("arrests") is not None and by_type(r)["arrests"].modality in ("asserted", "reported"), \
        [(e.type, e.modality) for e in r.events]


@pytest.mark.parametrize("said, threat", [
    ("A clan leader said his people would avenge their dead.", True),  # the backshifted "will": the threat
    ("A clan leader said his people would leave if the fighting went on.", False),  # a condition
    ("A clan leader said his people could avenge their dead one day.", False),  # a hedge
])
def test_a_future_someone_states_is_a_threat(enricher, said, threat):
    r = events(enricher, "Gunmen from a rival clan killed six men near Mendi on Saturday, police said. " + said)
    threats = [e for e in r.events if e.type == "threaten" and e.modality == "threatened"]
    assert bool(threats) is threat, [(e.type, e.modality) for e in r.events]


def test_a_reported_clause_dated_itself_keeps_its_time(enricher):
    r = events(enricher, "A widow told a court in Makurdi on Tuesday how armed men surrounded her village three "
                         "years ago and shot her husband and two of her brothers as they tried to flee.")
    assert all(e.modality not in ("asserted", "reported") for e in r.events if e.type == "attack"), \
        [(e.type, e.modality, e.date) for e in r.events]


def test_a_word_in_quotation_marks_is_not_the_evidence_the_type_is_told_by(enricher):
    # the classifier reads an air strike; the lexicon's strongest trigger is the army's scare-quoted jargon, a
    # word mentioned, not used — the evidence is the narration's verb, and the strike is reported, not unreal
    r = events(enricher, "The army said its helicopters had struck a convoy of rebel fighters near Bambari on Thursday, "
                         "\"neutralising\" about 15 of them.")
    strike = by_type(r).get("air_drone_strike")
    assert strike is not None and strike.modality == "reported", [(e.type, e.modality) for e in r.events]


@pytest.mark.parametrize("text, word, counted", [
    ("The report counts 58 people abducted for ransom on the roads between Nekemte and Gimbi.", "abducted", True),
    ("The study also recorded eleven kidnappings of traders near Dembi Dolo.", "kidnappings", True),
    ("the jump in abductions worried the governor", "abductions", True),
    ("Police recorded the names of the men abducted near Gimbi.", "abducted", False),
    ("Gunmen abducted eleven traders near Dembi Dolo on Monday.", "abducted", False),
])
def test_what_a_tally_or_a_report_counts_is_a_statistic(enricher, text, word, counted):
    from pipeline.nlp.events import _counted

    doc = enricher.nlp(text)
    [parsed] = enricher.nlp.get_pipe("wirewatch_events")._parse([doc[:]])
    assert _counted(next(t for t in parsed if t.text == word)) is counted


@pytest.mark.parametrize("text, word, modality", [
    ("Officers stood by the roadside but made no attempt to disperse the protesters, the traders said.", "disperse",
     "negated"),
    ("Police made an attempt to disperse the protesters, witnesses said.", "disperse", "reported"),
    # what no one tried to stop still happened
    ("Soldiers made no effort to stop the looting of the market, residents said.", "looting", "reported"),
])
def test_an_act_no_one_attempted_is_negated(enricher, text, word, modality):
    from pipeline.nlp.events import _modality

    [parsed] = enricher.nlp.get_pipe("wirewatch_events")._parse([enricher.nlp(text)[:]])
    assert _modality(next(t for t in parsed if t.text == word)) == modality


@pytest.mark.parametrize("text", [
    "Police in Asuncion said nobody was arrested after the final.",
    "\"Nobody in Paraguay is arrested for their opinions,\" the minister said.",
    "No one was arrested in Asuncion after the match, police said.",
])
def test_an_event_that_befell_no_one_is_negated(enricher, text):
    assert by_type(events(enricher, text))["arrests"].modality == "negated"


@pytest.mark.parametrize("text, word, type_, kind", [
    ("Two suspected bandits were killed in a gunbattle near Garhi Yasin, police said.", "gunbattle", "armed_clash",
     None),
    ("Two suspected bandits were killed in the gunbattle, police said.", "gunbattle", "armed_clash", "definite"),
    ("One drone hit a building, setting off a fire that crews took hours to put out.", "fire", "man_made_disaster",
     "consequence"),
    ("Three soldiers were killed, the army said.", "killed", "armed_clash", "outcome"),
    ("Drivers marched with photographs of colleagues killed by gangs.", "killed", "peaceful_protest", None),
    # a conjoined verb shares its head's subject: the police act anew; the blast's toll is its outcome
    ("Border police stopped a lorry near Bitola and arrested its driver.", "arrested", "arrests", None),
    ("The blast tore through a bus and killed four people.", "killed", "remote_explosive_landmine_ied", "outcome"),
])
def test_what_tells_more_of_an_event_already_told(enricher, text, word, type_, kind):
    from pipeline.nlp._discourse import elaboration

    [parsed] = enricher.nlp.get_pipe("wirewatch_events")._parse([enricher.nlp(text)[:]])
    tok = next(t for t in parsed if t.text == word)
    assert elaboration(tok, parsed[:], tok.idx, type_) == kind


def test_where_someone_comes_from_is_not_where_the_event_happened(enricher):
    from pipeline.nlp import place_spans
    from pipeline.nlp.events import without_origins

    doc = enricher.nlp("Police near Bitola stopped a truck and arrested the driver, a man from Strumica.")
    [parsed] = enricher.nlp.get_pipe("wirewatch_events")._parse([doc[:]])
    spans = place_spans(doc, doc[:])
    assert {s[4] for s in spans} == {"Bitola", "Strumica"}
    assert [s[4] for s in without_origins(spans, parsed, 0)] == ["Bitola"]


@pytest.mark.parametrize("text, word, own", [
    ("Troops shelled rebel positions outside Kitshanga days before the rebels overran Rubaya.", "shelled",
     ["Kitshanga"]),
    ("A landmine wounded two farmers near Srebrenik after police broke up a sit-in at Lukavac.", "wounded",
     ["Srebrenik"]),
])
def test_a_clause_of_another_time_holds_another_events_places(enricher, text, word, own):
    from pipeline.nlp import place_spans
    from pipeline.nlp.events import own_clause

    doc = enricher.nlp(text)
    [parsed] = enricher.nlp.get_pipe("wirewatch_events")._parse([doc[:]])
    trigger = next(t for t in parsed if t.text == word)
    assert [s[4] for s in own_clause(place_spans(doc, doc[:]), parsed, trigger, 0)] == own


def test_a_raid_that_detains_people_and_seizes_weapons_tells_both(enricher):
    r = events(enricher, "In Thessaloniki, counterterrorism officers arrested two men and a woman in raids on two "
                         "apartments in the Toumba neighborhood and seized two pistols and ammunition.")
    assert {"arrests", "disrupted_weapons_use"} <= set(by_type(r)), [(e.type, e.trigger.text) for e in r.events]
    r = events(enricher, "Police seized 20 rifles in a raid on a farm near Kisumu, officials said.")
    assert "arrests" not in by_type(r)


def test_people_taken_away_by_armed_men_are_abducted(enricher):
    r = events(enricher, "Gunmen ambushed an army convoy near Djibo on Monday.\n\nIn Tanwalbougou, armed men on "
                         "motorcycles had taken a municipal councillor and two teachers from their homes on Sunday, "
                         "residents said.")
    assert "abduction_forced_disappearance" in by_type(r), [(e.type, e.trigger.text) for e in r.events]
    r = events(enricher, "Police took three suspects from their homes in Kisumu on Friday.")
    assert "abduction_forced_disappearance" not in by_type(r)
