import pytest
from shapely.geometry import Point, shape

from pipeline.geo import default_gazetteer, find_areas


@pytest.fixture(scope="module")
def g():
    return default_gazetteer()


def areas(text, g):
    return {a.text: a for a in find_areas(text, g)}


def test_border_between_two_countries(g):
    [a] = find_areas("US jets struck depots near the Iraq-Syria border on Sunday.", g)
    assert (a.kind, set(a.country_codes)) == ("border", {"IQ", "SY"})
    geom = shape(a.geometry)
    assert geom.contains(Point(40.92, 34.45))  # Boukamal, on the border
    assert not geom.contains(Point(44.40, 33.34))  # Baghdad, 300 km away
    assert areas("along the Syrian-Turkish border", g)["the Syrian-Turkish border"].country_codes == ("SY", "TR")


def test_part_of_a_country(g):
    eastern = shape(areas("A US patrol in eastern Syria was shelled.", g)["eastern Syria"].geometry)
    assert eastern.contains(Point(40.45, 35.02))  # Mayadeen, east
    assert not eastern.contains(Point(36.29, 33.51))  # Damascus, west
    northern = shape(areas("Clashes in northern Iraq.", g)["northern Iraq"].geometry)
    assert northern.contains(Point(44.01, 36.19)) and not northern.contains(Point(47.78, 30.51))  # Erbil, not Basra


def test_relative_to_a_place(g):
    south = shape(areas("a shrine south of Damascus", g)["south of Damascus"].geometry)
    assert south.centroid.y < 33.51 and abs(south.centroid.x - 36.29) < 0.2
    far = shape(areas("Shelling hit 30 km north of Mosul.", g)["30 km north of Mosul"].geometry)
    assert far.centroid.y > 36.335


def test_no_areas_in_plain_text(g):
    assert find_areas("The minister spoke to reporters on Monday.", g) == []
    assert find_areas("He crossed the Smith-Jones border of his patience.", g) == []


def test_a_country_without_a_shape_gives_no_area_and_no_error(g):
    # Kosovo (XK) has no border polygon in countryinfo: found as a toponym elsewhere, never a crash here.
    assert [a.kind for a in find_areas("Police patrolled the Serbia-Kosovo border overnight.", g)] in ([], ["border"])
