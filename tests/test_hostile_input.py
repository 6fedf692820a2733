"""Hostile input never crashes a parser, never expands entities, and always gets a reason."""

from __future__ import annotations

import time

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline import ParseError, parse_raw
from pipeline._deadletter import MAX_KEPT_BYTES, dead_letter

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
