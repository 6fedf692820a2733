"""The faust.Records and the JSON Schemas in schemas/ must agree, field for field and type for type."""

import json
import types
import typing
from pathlib import Path

import faust
import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource

from pipeline import Alert, DeadLetter, EnrichedStory, Entity, Event, Focus, FocusItem, Place, Story
from pipeline.core import RECORD_SCHEMAS, Area, Dateline, EventPlace, Offsets, TextSpan, to_dict

SCHEMAS = Path(__file__).resolve().parent.parent / "schemas"
DEFS = {Entity: "entity", Place: "place", Event: "event", Focus: "focus", FocusItem: "focus_item"}


def load(name):
    return json.loads((SCHEMAS / name).read_text())


@pytest.fixture(scope="module")
def registry():
    names = [p.name for p in SCHEMAS.glob("*.schema.json")] + ["event-taxonomy.json"]
    resources = [(s["$id"], Resource.from_contents(s)) for s in map(load, names)]
    return Registry().with_resources(resources)


def validator(name, registry):
    schema = load(name)
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, registry=registry)


PLACE = Place(text="Irbil", start=1, end=6, geonameid=95446, name="Erbil", country_code="IQ", admin1="11",
              lat=36.19, lon=44.01, feature="PPL", confidence=0.9)
SAMPLES = {
    Story: Story(uri="u", version=1, headline="h", body="b", source_format="ninjs", received_at="2026-01-01T00:00:00Z",
                 language="en", subjects=["s"], place_hints=["Irbil"], signals=["correction"],
                 dateline=Dateline(text="BAGHDAD (AP)", place="Baghdad")),
    EnrichedStory: EnrichedStory(
        uri="u", version=1, headline="h", body="b", language="en",
        entities=[Entity(text="Irbil", label="GPE", start=1, end=6)], places=[PLACE],
        events=[Event(type="air_drone_strike", confidence=0.8, acled_event_type="Explosions/Remote violence",
                      acled_sub_event_type="Air/drone strike", trigger=TextSpan(text="drone struck", start=0, end=12),
                      sentence=Offsets(start=0, end=40), modality="asserted", actors=["militia"], targets=["airport"],
                      place=EventPlace(text="Irbil", start=1, end=6, how="attached", kind="toponym", geonameid=95446,
                                       name="Erbil", country_code="IQ", lat=36.19, lon=44.01),
                      date="2026-11-23", date_text="Monday", fatalities=0)],
        focus=Focus(countries=[FocusItem(name="Iraq", score=1.0, country_code="IQ")], places=[]),
        enriched_at="t", model="m", tags=["x"],
        areas=[Area(text="eastern Syria", start=0, end=13, kind="part_of_country", country_codes=["SY"],
                    geometry={"type": "Polygon", "coordinates": [[[39, 33], [42, 33], [42, 37], [39, 33]]]})]),
    Alert: Alert(alert_id="0" * 32, status="active", region_id="r", region_name="R", story_uri="u", story_version=1,
                 headline="h", places=[PLACE], match_reasons=["Erbil:inside"], created_at="t"),
    DeadLetter: DeadLetter(stage="normalize", reason="bad_json", message="m", original_base64="eA==", original_size=1,
                           failed_at="t", source_topic="wire.raw", partition=0, offset=3, key=None,
                           original_sha256="0" * 64),
}


@pytest.mark.parametrize("cls", list(RECORD_SCHEMAS))
def test_serialised_record_validates(cls, registry):
    errors = list(validator(RECORD_SCHEMAS[cls], registry).iter_errors(to_dict(SAMPLES[cls])))
    assert not errors, [e.message for e in errors]


@pytest.mark.parametrize("cls", list(RECORD_SCHEMAS))
def test_extra_field_is_rejected(cls, registry):
    data = {**to_dict(SAMPLES[cls]), "unexpected": 1}
    assert not validator(RECORD_SCHEMAS[cls], registry).is_valid(data)


def test_every_topic_record_has_a_schema():
    """Records of the data-flow topics are faust.Records; regions and rules (GeoJSON Features, rule
    objects) are documents checked by their parsers and the test below."""
    catalog = {"region.schema.json", "rule.schema.json"}
    assert set(RECORD_SCHEMAS.values()) == {p.name for p in SCHEMAS.glob("*.schema.json")} - {"common.schema.json"} - catalog


# -- structural agreement: the same fields, the same required set, the same types --------------
_JSON_TYPES = {str: "string", int: "integer", float: "number", bool: "boolean", dict: "object"}


def _expected(annotation):
    """(json types, nested record or item annotation) for a record field annotation."""
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        inner, nested = _expected(args[0])
        return inner | {"null"}, nested
    if origin in (list, typing.List):
        return {"array"}, typing.get_args(annotation)[0]
    if origin in (dict, typing.Dict):
        return {"object"}, None
    if isinstance(annotation, type) and issubclass(annotation, faust.Record):
        return {"object"}, annotation
    return {_JSON_TYPES[annotation]}, None


def _resolve(prop, common):
    ref = prop.get("$ref")
    if ref is None:
        return prop
    if ref == "event-taxonomy.json":
        return load(ref)
    target = common if ref.startswith("common.schema.json") else None
    path = ref.split("#/")[1].split("/")
    node = target if target is not None else None
    for part in path:
        node = node[part]
    return node


def _schema_types(prop, common):
    if "oneOf" in prop:  # nullable nested record: oneOf [null, $ref]
        types, target = set(), None
        for option in prop["oneOf"]:
            t, resolved = _schema_types(option, common)
            types |= t
            target = resolved if "object" in t else target
        return types, target
    prop = _resolve(prop, common)
    t = prop.get("type", "object" if "properties" in prop else None)
    return set(t) if isinstance(t, list) else {t}, prop


def _check(cls, schema, common, where):
    fields = cls._options.fields
    assert set(schema["properties"]) == set(fields), f"{where}: schema properties differ from {cls.__name__} fields"
    # Serialisation always writes every field (null where Optional), so the schema requires them all.
    assert set(schema.get("required", [])) == set(fields), f"{where}: every field must be required"
    assert schema.get("additionalProperties") is False, f"{where}: must forbid additional properties"
    for name, annotation in fields.items():
        want, nested = _expected(annotation)
        got, prop = _schema_types(schema["properties"][name], common)
        assert got == want, f"{where}.{name}: schema type {got} but record type {want}"
        if "array" in want:
            items = prop["items"]
            if isinstance(nested, type) and issubclass(nested, faust.Record):
                _check(nested, _resolve(items, common), common, f"{where}.{name}[]")
            else:
                assert _schema_types(items, common)[0] == _expected(nested)[0]
        elif isinstance(nested, type) and issubclass(nested, faust.Record):
            _check(nested, prop, common, f"{where}.{name}")


@pytest.mark.parametrize("cls", list(RECORD_SCHEMAS))
def test_record_and_schema_have_the_same_shape(cls):
    common = load("common.schema.json")
    # local $refs inside common (focus → focus_item) resolve against common itself
    for d in common["$defs"].values():
        for prop in d.get("properties", {}).values():
            for node in [prop.get("items", {}), *prop.get("oneOf", [])]:
                if node.get("$ref", "").startswith("#/"):
                    node["$ref"] = "common.schema.json" + node["$ref"]
    _check(cls, load(RECORD_SCHEMAS[cls]), common, cls.__name__)


def test_event_taxonomy_file_is_generated_from_the_code():
    from pipeline.events import taxonomy_document

    assert load("event-taxonomy.json") == taxonomy_document(), "run: python -m pipeline.events._taxonomy > schemas/event-taxonomy.json"


def test_unknown_event_type_is_rejected(registry):
    data = to_dict(SAMPLES[EnrichedStory])
    data["events"][0]["type"] = "alien_invasion"
    assert not validator("enriched-story.schema.json", registry).is_valid(data)


def test_region_and_rule_schemas_agree_with_the_parsers(registry):
    """wire.regions / wire.rules carry documents the parsers accept; the schemas say the same."""
    from pipeline.alerting import RULE_FIELDS, region_document, rule_document
    from pipeline.core import RuleError

    regions = validator("region.schema.json", registry)
    rules = validator("rule.schema.json", registry)
    demo = json.loads((Path(__file__).resolve().parent.parent / "pipeline" / "demo" / "regions.geojson").read_text())
    for feature in demo["features"]:
        regions.validate(region_document(feature, feature["properties"]["id"]))
    assert set(load("rule.schema.json")["properties"]) == set(RULE_FIELDS)
    good = {"id": "r1", "region": "kurdistan", "types": ["air_drone_strike"], "min_severity": 3, "threats": True,
            "cooldown_minutes": 30, "webhook": {"url": "https://example.org/h", "secret": "x" * 16}}
    rules.validate(rule_document(good, "r1", {"kurdistan"}))
    for bad in ({"id": "r1", "region": "kurdistan", "types": ["drone"]}, {"id": "r1", "region": "kurdistan", "min_severity": 9},
                {"id": "r 1", "region": "kurdistan"}, {"id": "r1", "region": "kurdistan", "colour": "red"}):
        assert not rules.is_valid(bad)
        with pytest.raises(RuleError):
            rule_document(bad, bad["id"], {"kurdistan"})
    assert not regions.is_valid({"type": "Feature", "properties": {"id": "x", "bbox": [0, 0, 1]}})


def test_the_modalities_are_the_cores():
    from pipeline.core import HAPPENING, MODALITIES

    event = load("common.schema.json")["$defs"]["event"]["properties"]["modality"]["enum"]
    rule = load("rule.schema.json")["properties"]["modalities"]["items"]["enum"]
    assert list(MODALITIES) == event == rule and HAPPENING <= set(MODALITIES)
