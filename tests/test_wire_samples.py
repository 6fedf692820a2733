"""Every real wire sample in ../shared/data/wire either parses into stories or is rejected with a
documented reason — never a crash. Spot checks pin headline, body, uri, version and dateline."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pipeline import ParseError, parse_raw

#: The reasons a wire message may be rejected with (docs/formats.md, "Dead letters").
DOCUMENTED_REASONS = {
    "no_text", "not_a_story", "package_only", "unsupported_format", "missing_uri", "bad_json", "bad_xml",
    "invalid_utf8", "xml_entities", "wrong_type", "ninjs_invalid", "binary", "empty", "too_large", "too_deep",
    "bad_feed", "no_items", "wrong_format",
}


@pytest.fixture(scope="module", autouse=True)
def ninjs_schemas(shared_data):
    os.environ.setdefault("WIREWATCH_NINJS_SCHEMAS", str(shared_data / "wire" / "iptc-ninjs" / "specification"))


def samples(root: Path) -> list[Path]:
    skip = ("specification", "documentation", "schema-extension")
    return sorted(p for p in (root / "wire").rglob("*") if p.is_file() and not any(s in p.parts for s in skip)
                  and p.name != "GeoJSON-schema.json")


def test_every_sample_parses_or_is_rejected_with_a_documented_reason(shared_data):
    paths = samples(shared_data)
    assert len(paths) >= 150
    parsed, rejected = 0, {}
    for path in paths:
        try:
            stories = parse_raw(path.read_bytes())
        except ParseError as exc:
            assert exc.code in DOCUMENTED_REASONS, f"{path}: undocumented reason {exc.code}"
            rejected[exc.code] = rejected.get(exc.code, 0) + 1
            continue
        parsed += 1
        for s in stories:
            assert s.uri and isinstance(s.version, int), path
            assert s.headline.strip(), f"{path}: no headline"
            assert s.body.strip() or s.pubstatus in ("canceled", "withheld"), f"{path}: no body"
            assert "<p" not in s.body.lower(), f"{path}: markup left in body"
    assert parsed >= 140, (parsed, rejected)


def one(shared_data, rel):
    [story] = parse_raw((shared_data / "wire" / rel).read_bytes())
    return story


@pytest.mark.parametrize("rel, uri, version, headline, body_start, dateline", [
    ("superdesk-fixtures/tag_reuters.com_2016_newsml_L1N14N0FF_version_978556838", "tag:reuters.com,0000:newsml_L1N14N0FF",
     978556838, "CORRECTED-S. Illinois battles flooding", "(In Jan. 3 story, corrects", None),
    ("dpa-digitalwires/input/with_dateline.json", "urn:newsml:dpa.com:20090101:250128-930-357319", 2,
     "DeepSeek-Schock aus China", "New York (dpa) - Ein Chatbot", "New York"),
    ("superdesk-fixtures/stt1.xml", "urn:newsml:stt.fi::102736761", 2, "Mikko Moilanen siirtyy", "Diplomi-insinööri", "Helsinki"),
    ("superdesk-fixtures/ap-nitf.xml", None, 1, "Can trading pollution like stocks", "NEW YORK (AP) — The gas", "NEW YORK"),
    ("superdesk-fixtures/afp.xml", "urn:newsml:afp.com:20140829T135002Z:TX-PAR-FXW86", 1, "Sweden court accepts receivership",
     "A Chinese-owned company", None),
    ("superdesk-fixtures/IPTC7901.txt", None, 1, "Germany Social Democrats: Coalition talks", "Berlin (dpa) - Negotiations", "Berlin"),
    ("superdesk-fixtures/ap_anpa-3.tst", None, 1, "$210 lobster is found dead", "CHATHAM, Mass. (AP) _ A lobster", "CHATHAM"),
    ("iptc-ninjs/examples/3.0/ntb_text.json", "urn:8d19cf88-b3ab-4972-8fec-1207599f2872", 6, "Google har kjøpt giganttomt",
     "IT-giganten Google", None),
    ("superdesk-fixtures/dpa.xml", "urn:newsml:dpa.com:20090101:221011-930-4303", 1, "Eintracht in London", "London (dpa) - 2019", "London"),
    ("superdesk-fixtures/ansa-newsmlg2-text.xml", "tag:ansa.it,2017-10-11:40e5fb1034e7e2b21942ea09718fc85a", 1,
     "Catalan independence declaration", "(ANSA) - Rome", "Rome"),
])
def test_sample_fields(shared_data, rel, uri, version, headline, body_start, dateline):
    s = one(shared_data, rel)
    if uri is not None:
        assert s.uri == uri
    else:
        assert s.uri.startswith("urn:wirewatch:")  # heuristic id for formats without one
    assert s.version == version
    assert s.headline.startswith(headline)
    assert s.body.startswith(body_start)
    if dateline is None:
        assert s.dateline is None or s.dateline.place
    else:
        assert s.dateline is not None and s.dateline.text.startswith(dateline)


def test_reuters_kill_and_correction(shared_data):
    correction = one(shared_data, "superdesk-fixtures/tag_reuters.com_2016_newsml_L1N14N0FF_version_978556838")
    kill = one(shared_data, "superdesk-fixtures/tag_reuters.com_2016_newsml_L1N14N0FF_version_1542761538")
    assert correction.uri == kill.uri
    assert "correction" in correction.signals and correction.pubstatus == "usable"
    assert kill.pubstatus == "canceled" and "delete" in kill.signals and kill.body == ""
    assert kill.version_created > correction.version_created  # Reuters versions are opaque: time orders them


def test_dpa_signals(shared_data):
    assert "update" in one(shared_data, "dpa-digitalwires/input/with_dateline.json").signals
    assert one(shared_data, "dpa-digitalwires/input/dw-1.json").signals == ["correction"]


def test_languages_are_stated_or_detected(shared_data):
    assert one(shared_data, "superdesk-fixtures/IPTC7901.txt").language == "en"  # detected
    assert one(shared_data, "superdesk-fixtures/nitf-ntb.xml").language in ("no", "nb", "nn")
    assert one(shared_data, "superdesk-fixtures/stt1.xml").language == "fi-FI"  # stated


def test_pictures_and_packages_are_rejected_with_reasons(shared_data):
    for rel, code in [
        ("iptc-newsml-g2/examples/LISTING_3_Photo_in_NewsML-G2.xml", "no_text"),
        ("iptc-newsml-g2/examples/LISTING_6_Simple_NewsML-G2_Package.xml", "not_a_story"),
        ("superdesk-fixtures/tag_reuters.com_2014_newsml_KBN0FL0NM_version_10", "package_only"),
        ("superdesk-fixtures/ap_media_text_item.json", "no_text"),
    ]:
        with pytest.raises(ParseError) as info:
            parse_raw((shared_data / "wire" / rel).read_bytes())
        assert info.value.code == code, rel


def test_ninjs_core_validation_policy():
    import orjson

    ok = {"uri": "urn:v", "version": 2, "headline": "H", "body_text": "Text.", "x-provider-field": {"any": 1}}
    [story] = parse_raw(orjson.dumps(ok))  # numeric version and provider extensions are fine
    assert story.version == 2
    for bad in ({**ok, "headline": ["not", "a", "string"]}, {**ok, "pubstatus": "maybe"}):
        with pytest.raises(ParseError) as info:
            parse_raw(orjson.dumps(bad))
        assert info.value.code in ("ninjs_invalid", "wrong_type")
