import pytest

from pipeline.geo import GeoEntry, Gazetteer, default_gazetteer, normalize_name


def test_normalize_name():
    assert normalize_name("Ālbū  Kamāl") == "albu kamal"
    assert normalize_name("Deir ez-Zor") == "deir ez zor"
    assert normalize_name("The United States") == "united states"


@pytest.fixture(scope="module")
def gazetteer():
    return default_gazetteer()


@pytest.mark.parametrize("mention, geonameid", [
    ("Baghdad", 98182), ("Irbil", 95446), ("Erbil", 95446), ("Arbil", 95446), ("Hawler", 95446),
    ("Iraq", 99237), ("Syria", 163843), ("Mosul", 99072), ("Fallujah", 99454), ("Deir ez-Zor", 170794),
])
def test_resolves_common_names(gazetteer, mention, geonameid):
    entry, confidence = gazetteer.resolve(mention)
    assert entry.geonameid == geonameid
    assert 0 < confidence <= 1


def test_country_codes_only_in_capitals(gazetteer):
    assert gazetteer.resolve("U.S.")[0].country_code == "US"
    assert gazetteer.resolve("us") is None


def test_unknown_is_none(gazetteer):
    assert gazetteer.resolve("Qwxzzyville") is None


def test_prior_prefers_country_then_population():
    small = GeoEntry(1, "Jordan", "US", None, 40.0, -75.0, "PPL", 1000)
    country = GeoEntry(2, "Jordan", "JO", None, None, None, "PCLI", 10_000_000)
    big = GeoEntry(3, "Jordan", "XX", None, 0.0, 0.0, "PPL", 50_000_000)
    g = Gazetteer([(small, ["Jordan"]), (country, ["Jordan"]), (big, ["Jordan"])])
    assert [e.geonameid for e in g.candidates("jordan")] == [2, 3, 1]
