from pathlib import Path

import orjson
import pytest

from pipeline import AlertMatcher, EnrichedStory, Focus, Place, RegionError, load_regions
from pipeline.alerting import alert_id, parse_regions

FIXTURES = Path(__file__).parent / "fixtures"


def place(name, lat, lon, cc, gid):
    return Place(text=name, start=0, end=len(name), geonameid=gid, name=name, country_code=cc, admin1=None,
                 lat=lat, lon=lon, feature="PPL", confidence=0.9)


ERBIL = place("Erbil", 36.19, 44.01, "IQ", 95446)
BAGHDAD = place("Baghdad", 33.34, 44.40, "IQ", 98182)
SAMARRA = place("Samarra", 34.20, 43.87, "IQ", 94787)
MAYADIN = place("Al Mayadin", 35.02, 40.45, "SY", 173480)


def enriched(*places, pubstatus="usable", uri="urn:test:a"):
    return EnrichedStory(uri=uri, version=1, headline="H", body="b", language="en", entities=[], places=list(places),
                         events=[], focus=Focus(), enriched_at="t", model="m", pubstatus=pubstatus)


@pytest.fixture(scope="module")
def matcher():
    return AlertMatcher(load_regions(FIXTURES / "regions.geojson"))


def regions_hit(matcher, *places):
    return sorted(a.region_id for a in matcher.match(enriched(*places)))


def test_point_in_polygon(matcher):
    assert regions_hit(matcher, ERBIL) == ["kurdistan"]


def test_country_code(matcher):
    assert regions_hit(matcher, MAYADIN) == ["syria"]


def test_polygon_hole_excludes(matcher):
    assert regions_hit(matcher, BAGHDAD) == []  # inside the hole
    assert regions_hit(matcher, SAMARRA) == ["donut"]  # in the ring, outside the hole


def test_unresolved_places_never_match(matcher):
    unresolved = Place(text="Somewhere", start=0, end=9, geonameid=None, name=None, country_code=None, admin1=None,
                       lat=None, lon=None, feature=None, confidence=0.0)
    assert regions_hit(matcher, unresolved) == []


def test_alert_content_and_deterministic_id(matcher):
    [alert] = matcher.match(enriched(ERBIL, ERBIL))
    assert alert.alert_id == alert_id("kurdistan", "urn:test:a")
    assert [p.name for p in alert.places] == ["Erbil"]  # each place once
    assert alert.match_reasons == ["Erbil:inside"]
    assert alert.status == "active"
    [again] = matcher.match(enriched(ERBIL))
    assert again.alert_id == alert.alert_id


def test_killed_story_only_retracts(matcher):
    killed = enriched(ERBIL, pubstatus="canceled")
    assert matcher.match(killed) == []
    [alert] = matcher.retract(killed, {"kurdistan"})
    assert (alert.status, alert.region_id, alert.match_reasons) == ("retracted", "kurdistan", ["kill"])
    assert alert.alert_id == alert_id("kurdistan", "urn:test:a")  # supersedes the earlier alert


@pytest.mark.parametrize("doc, match", [
    ({"type": "Polygon"}, "FeatureCollection"),
    ({"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {}, "geometry": None}]}, "id"),
    ({"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"id": "a"}, "geometry": None}]},
     "geometry, bbox, circle, country_codes or admin1"),
    ({"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"id": "a", "bbox": [10, 5, 20]}}]},
     "west, south, east, north"),
    ({"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"id": "a", "bbox": [10, 50, 20, 5]}}]},
     "south < north"),
    ({"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"id": "a",
      "circle": {"lat": 36, "lon": 44}}}]}, "radius_km"),
    ({"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"id": "a", "admin1": ["Erbil"]}}]},
     "IQ.11"),
    ({"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"id": "a", "country_codes": ["IRQ"]}}]},
     "alpha-2"),
    ({"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"id": "a"},
      "geometry": {"type": "Point", "coordinates": [1, 2]}}]}, "Polygon"),
    ({"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"id": "bow"},
      "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]}}]}, "invalid geometry"),
    ({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"id": "a", "country_codes": ["IQ"]}},
        {"type": "Feature", "properties": {"id": "a", "country_codes": ["SY"]}}]}, "twice"),
])
def test_bad_regions_say_what_is_wrong(doc, match):
    with pytest.raises(RegionError, match=match):
        parse_regions(doc)


def _rfeature(geometry=None, **props) -> dict:
    return {"type": "Feature", "geometry": geometry, "properties": {"id": "r", **props}}


def _polygon(*rings) -> dict:
    return {"type": "Polygon", "coordinates": [list(r) for r in rings]}


SQUARE = [[44, 36], [45, 36], [45, 37], [44, 37], [44, 36]]


@pytest.mark.parametrize("feature, what, fix", [
    (_rfeature(_polygon([[36, 44], [36, 45], [37, 136], [36, 44]])), "latitude 136 is outside −90…90",
     "GeoJSON positions are [longitude, latitude]"),
    (_rfeature(_polygon([[200, 36], [45, 36], [45, 37], [200, 36]])), "longitude 200 is outside −180…180",
     "[longitude, latitude]"),
    (_rfeature({"type": "MultiPolygon", "coordinates": [[SQUARE], [[[44, 95], [45, 36], [45, 37], [44, 95]]]]}),
     "outer ring of polygon #2, position #1: latitude 95", "(swap the two)"),
    (_rfeature(_polygon([[44, 36], [45, 36], [44, 36]])), "outer ring has 3 position(s)", "at least 4"),
    (_rfeature(_polygon([[44, 36], [45, 36], [45, 37], [44, 37]])), "outer ring is not closed",
     "repeat the first position at the end"),
    (_rfeature(_polygon([[44, 36], [45, 37], [46, 38], [44, 36]])), "encloses no area",
     "three corners that are not in a line"),
    (_rfeature(_polygon(SQUARE, [[44.2, 36.2], [44.4, 36.2], [44.2, 36.2]])), "hole #1 has 3 position(s)", "at least 4"),
    (_rfeature(_polygon([[44, 36], "x", [44, 36]])), "position #2: 'x' is not a position", "[longitude, latitude]"),
    (_rfeature(circle={"lat": 136, "lon": 44, "radius_km": 10}), "circle centre: latitude 136 is outside −90…90",
     '"lat" is the latitude'),
    (_rfeature(circle={"lat": 36, "lon": 244, "radius_km": 10}), "longitude 244 is outside −180…180", '"lon"'),
    (_rfeature(circle={"lat": 36, "lon": 44, "radius_km": 0}), "radius_km 0 must be more than 0", "kilometres"),
    (_rfeature(circle={"lat": 36, "lon": 44, "radius_km": -5}), "radius_km -5 must be more than 0", "kilometres"),
    (_rfeature(circle={"lat": 36, "lon": 44, "radius_km": 60000}), "radius_km 60000 is over 5000 km",
     "use country_codes or a bbox"),
    (_rfeature(bbox=[36, 44, 37, 95]), "latitude 95 is outside −90…90", "[west, south, east, north]"),
    (_rfeature(bbox=[190, 36, 45, 37]), "longitude 190 is outside −180…180", "[west, south, east, north]"),
    (_rfeature(bbox=[44, 37, 45, 36]), "south 37 is not below north 36", "[west, south, east, north]"),
    (_rfeature(country_codes=["UK"]), "'UK' is not an ISO 3166-1 alpha-2 country code", "did you mean 'GB' (United Kingdom)?"),
    (_rfeature(country_codes=["IRQ"]), "'IRQ' is not an ISO 3166-1 alpha-2", "did you mean 'IQ' (Iraq)?"),
    (_rfeature(country_codes=["XQ"]), "'XQ' is not an ISO 3166-1 alpha-2", "geonames.org/countries"),
    (_rfeature(admin1=["QQ.11"]), "properties.admin1 'QQ.11': 'QQ' is not", "geonames.org/countries"),
])
def test_region_errors_say_what_is_wrong_and_how_to_fix_it(feature, what, fix):
    from pipeline.alerting import region_document

    for check in (lambda: parse_regions({"type": "FeatureCollection", "features": [feature]}),
                  lambda: region_document(feature, "r")):  # a file, and PUT /regions/{id}
        with pytest.raises(RegionError) as caught:
            check()
        assert what in str(caught.value) and fix in str(caught.value), str(caught.value)


def test_valid_regions_still_load():
    regions = parse_regions({"type": "FeatureCollection", "features": [
        _rfeature(_polygon(SQUARE), country_codes=["iq", "SY"], admin1=["IQ.11"]),
        {**_rfeature(bbox=[170, -20, -170, 0]), "properties": {"id": "fiji-samoa", "bbox": [170, -20, -170, 0]}},
        {**_rfeature(), "properties": {"id": "c", "circle": {"lat": -89.5, "lon": 179.9, "radius_km": 5000}}},
        {**_rfeature(), "properties": {"id": "k", "country_codes": ["XK"]}},  # Kosovo: GeoNames' code
    ]})
    assert [r.id for r in regions] == ["r", "fiji-samoa", "c", "k"]
    assert regions[0].country_codes == {"IQ", "SY"}


def test_unreadable_regions_file(tmp_path):
    with pytest.raises(RegionError, match="WIREWATCH_REGIONS"):
        load_regions(tmp_path / "missing.geojson")
    bad = tmp_path / "bad.geojson"
    bad.write_text("{nope")
    with pytest.raises(RegionError, match="not valid JSON"):
        load_regions(bad)


def test_demo_regions_load():
    from pipeline.core import Settings

    regions = load_regions(Settings.from_env(environ={}).regions)
    assert {"iraq", "iraq-syria-border"} <= {r.id for r in regions}
    orjson.loads(Path(Settings().regions).read_bytes())


def test_area_intersection_and_country(matcher):
    from pipeline.core import Area

    box_in_kurdistan = {"type": "Polygon", "coordinates": [[[43.0, 36.0], [44.0, 36.0], [44.0, 36.5], [43.0, 36.5], [43.0, 36.0]]]}
    area = Area(text="northern Iraq", start=0, end=13, kind="part_of_country", country_codes=["IQ"], geometry=box_in_kurdistan)
    story = enriched()
    story.areas = [area]
    [alert] = matcher.match(story)
    assert alert.region_id == "kurdistan" and alert.match_reasons == ["northern Iraq:intersects"]
    assert alert.areas[0].text == "northern Iraq" and alert.places == []
    syria = Area(text="eastern Syria", start=0, end=13, kind="part_of_country", country_codes=["SY"],
                 geometry={"type": "Polygon", "coordinates": [[[39, 34], [40, 34], [40, 35], [39, 34]]]})
    story.areas = [syria]
    assert [a.region_id for a in matcher.match(story)] == ["syria"]



def _place(name, lat, lon, cc, admin1=None):
    return Place(text=name, start=0, end=len(name), geonameid=abs(hash(name)) % 10**6, name=name, country_code=cc,
                 admin1=admin1, lat=lat, lon=lon, feature="PPL", confidence=0.9)


def _matches(regions, *places):
    matcher = AlertMatcher(parse_regions({"type": "FeatureCollection", "features": regions}))
    story = EnrichedStory(uri="urn:t", version=1, headline="h", body="b", language="en", entities=[],
                          places=list(places), events=[], focus=Focus(), enriched_at="t", model="m")
    return {a.region_id for a in matcher.match(story)}


def _feature(rid, **props):
    return {"type": "Feature", "properties": {"id": rid, **props}, "geometry": None}


def test_bbox_across_the_antimeridian():
    pacific = _feature("pacific", bbox=[170, -20, -170, 0])
    assert _matches([pacific], _place("Suva", -18.14, 178.44, "FJ")) == {"pacific"}
    assert _matches([pacific], _place("Apia", -13.83, -171.76, "WS")) == {"pacific"}
    assert _matches([pacific], _place("Nairobi", -1.28, 36.82, "KE")) == set()


def test_circle_around_a_point():
    erbil = _feature("erbil-50km", circle={"lat": 36.19, "lon": 44.01, "radius_km": 50})
    assert _matches([erbil], _place("Ankawa", 36.23, 43.99, "IQ")) == {"erbil-50km"}
    assert _matches([erbil], _place("Mosul", 36.34, 43.12, "IQ")) == set()  # ≈ 80 km west


def test_first_level_division():
    region = _feature("erbil-governorate", admin1=["IQ.11"])
    assert _matches([region], _place("Erbil", 36.19, 44.01, "IQ", "11")) == {"erbil-governorate"}
    assert _matches([region], _place("Mosul", 36.34, 43.12, "IQ", "15")) == set()


def test_many_regions_only_the_right_ones():
    regions = [_feature(f"box{k}", bbox=[k, 0, k + 1, 1]) for k in range(-170, 170)]
    assert _matches(regions, _place("x", 0.5, 10.5, "XX")) == {"box10"}


def test_a_sea_or_a_region_across_countries_is_not_a_point_inside_a_region(matcher):
    # hand-compiled features have approximate points: one inside a country's polygon says nothing of where
    # the story is, unless the feature lies in that country or is narrow (a strait)
    def feature(name, lat, lon, cc, code):
        return Place(text=name, start=0, end=len(name), geonameid=None, name=name, country_code=cc, admin1=None,
                     lat=lat, lon=lon, feature=code, confidence=0.9)
    assert regions_hit(matcher, feature("Kurdish mountains", 36.19, 44.01, None, "MTS")) == []
    assert regions_hit(matcher, feature("Erbil plain", 36.19, 44.01, "IQ", "PLN")) == ["kurdistan"]
    assert regions_hit(matcher, feature("a strait", 36.19, 44.01, None, "STRT")) == ["kurdistan"]
    assert regions_hit(matcher, feature("Ghouta", 33.6, 36.4, "SY", "RGN")) == ["syria"]  # by its country
