"""Hostile input never crashes a parser, never expands entities, and always gets a reason."""

from __future__ import annotations

import time

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline import ParseError, parse_raw
from pipeline.core import MAX_KEPT_BYTES, dead_letter

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<newsItem guid="x"><contentSet><inlineData>&lol3;</inlineData></contentSet></newsItem>"""

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE nitf [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<nitf><body><body.content><p>&xxe;</p></body.content></body></nitf>"""

PARAMETER_ENTITY = b"""<?xml version="1.0"?><!DOCTYPE x [<!ENTITY % remote SYSTEM "http://127.0.0.1:1/evil.dtd"> %remote;]>
<nitf><body><body.content><p>x</p></body.content></body></nitf>"""


@pytest.mark.parametrize("doc", [BILLION_LAUGHS, XXE, PARAMETER_ENTITY])
def test_entity_declarations_are_rejected_unexpanded(doc):
    with pytest.raises(ParseError) as info:
        parse_raw(doc)
    assert info.value.code == "xml_entities"


def test_external_dtd_is_never_fetched_nor_its_entities_expanded():
    # Real NITF often names its DTD; the document is read without loading it, entities stay unexpanded.
    doc = b'<!DOCTYPE nitf SYSTEM "http://127.0.0.1:1/nitf.dtd"><nitf><body><body.content><p>&nbsp;x</p></body.content></body></nitf>'
    [story] = parse_raw(doc)
    assert story.body == "x"


def test_deep_nesting_is_rejected_quickly():
    start = time.monotonic()
    for doc in (b"[" * 100_000 + b"]" * 100_000, b"<a>" * 50_000 + b"</a>" * 50_000):
        with pytest.raises(ParseError):
            parse_raw(doc, max_bytes=10_000_000)
    assert time.monotonic() - start < 30  # generous: a guard against pathological blow-ups, not a benchmark


def test_oversize_dead_letter_keeps_a_reference_not_the_body():
    letter = dead_letter(stage="normalize", reason="too_large", message="m", original=b"x" * (MAX_KEPT_BYTES + 1),
                         source_topic="wire.raw", partition=1, offset=7)
    assert letter.original_truncated and letter.original_size == MAX_KEPT_BYTES + 1
    assert len(letter.original_base64) < 8000 and len(letter.original_sha256) == 64


_fuzz = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@_fuzz
@given(st.binary(max_size=2048))
def test_any_bytes_parse_or_fail_with_a_reason(data):
    try:
        stories = parse_raw(data)
    except ParseError as exc:
        assert exc.code and str(exc)
    else:
        assert all(s.uri for s in stories)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**63), 2**63 - 1) | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=5),
    max_leaves=20,
)
ninjs_keys = st.sampled_from(["uri", "guid", "version", "headline", "body_text", "body_html", "pubstatus", "language",
                              "subject", "place", "located", "headlines", "bodies", "versioncreated", "signals", "item"])


@_fuzz
@given(st.dictionaries(ninjs_keys, json_values, max_size=8))
def test_ninjs_shaped_json_parses_or_fails_with_a_reason(item):
    try:
        stories = parse_raw(orjson.dumps(item))
    except ParseError as exc:
        assert exc.code
    else:
        for s in stories:
            assert isinstance(s.uri, str) and isinstance(s.body, str) and isinstance(s.version, int)


xml_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="<&\x00"), max_size=40)


@_fuzz
@given(st.sampled_from(["newsItem", "nitf", "NewsML", "newsMessage", "rss"]), st.lists(xml_text, max_size=5))
def test_xml_shaped_input_parses_or_fails_with_a_reason(root, texts):
    body = "".join(f"<p>{t}</p>" for t in texts)
    doc = f'<{root} guid="g"><body><body.content>{body}</body.content></body><contentSet><inlineXML>{body}</inlineXML></contentSet></{root}>'
    try:
        parse_raw(doc.encode("utf-8", "surrogatepass"))
    except ParseError as exc:
        assert exc.code


# -- regions and rules (the catalog API and topics) ---------------------------------------------------
_json = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=20),
                     lambda kids: st.lists(kids, max_size=5) | st.dictionaries(st.text(max_size=12), kids, max_size=5),
                     max_leaves=30)
_feature_keys = st.sampled_from(["type", "geometry", "properties", "id", "bbox"])
_prop_keys = st.sampled_from(["id", "name", "bbox", "circle", "country_codes", "admin1", "extra"])


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.dictionaries(_feature_keys, _json, max_size=4), st.dictionaries(_prop_keys, _json, max_size=5))
def test_any_region_document_is_accepted_or_refused_with_a_reason(feature, props):
    from pipeline.alerting import region_document
    from pipeline.core import RegionError

    doc = {**feature, "type": "Feature", "properties": props}
    try:
        out = region_document(doc, "r1")
    except RegionError as exc:
        assert str(exc)
    else:
        assert out["properties"]["id"] == "r1"


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.dictionaries(st.sampled_from(["id", "region", "types", "categories", "min_severity", "modalities", "threats",
                                        "mentions", "keywords", "entities", "min_confidence", "cooldown_minutes",
                                        "webhook", "slack", "email", "route", "unknown"]), _json, max_size=6))
def test_any_rule_document_is_accepted_or_refused_with_a_reason(obj):
    from pipeline.alerting import rule_document
    from pipeline.core import RuleError

    try:
        rule_document({**obj, "region": obj.get("region", "r1")}, "rule1", {"r1"})
    except RuleError as exc:
        assert str(exc)


def test_enormous_and_invalid_geometries_are_refused():
    import pytest as _pytest

    from pipeline.alerting import region_document
    from pipeline.core import RegionError

    ring = [[(k % 1000) / 10, (k // 1000) / 10 % 80] for k in range(120_001)] + [[0, 0]]
    with _pytest.raises(RegionError, match="vertices"):
        region_document({"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": [ring]}}, "big")
    for geometry in ({"type": "Polygon", "coordinates": "nope"}, {"type": "Point", "coordinates": [1, 2]},
                     {"type": "Polygon", "coordinates": [[[0, 0], [1, 1]]]}):
        with _pytest.raises(RegionError):
            region_document({"type": "Feature", "properties": {}, "geometry": geometry}, "bad")


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.sampled_from(["regions", "rules"]), st.binary(max_size=40),
       st.one_of(st.binary(max_size=300), _json.map(lambda v: __import__("json").dumps(v).encode())))
def test_a_hostile_catalog_record_never_stops_the_follower(kind, key, value):
    """Anyone who can write to wire.regions / wire.rules may send anything: it is skipped with a reason."""
    from pipeline.alerting import Catalog

    catalog = Catalog()
    problem = catalog.apply(kind, key, value)
    assert problem is None or isinstance(problem, str)
    catalog.matcher()
