import orjson
import pytest

from pipeline import InputTooLarge, MalformedInput, MissingContent, UnsupportedFormat
from pipeline import parse_raw as parse_all
from pipeline.parsing import detect_format


def parse_raw(data: bytes, **kw):
    [story] = parse_all(data, **kw)
    return story


def ninjs(**fields) -> bytes:
    return orjson.dumps({"uri": "urn:test:1", "body_text": "Text.", **fields})


def test_ninjs_fields_are_normalised():
    story = parse_raw(ninjs(
        version="3", headline="H", versioncreated="2026-01-01T00:00:00Z", language="en",
        subject=[{"name": "conflict"}, "raw-subject"], place=[{"name": "Irbil"}], copyrightholder="Demo",
    ))
    assert (story.uri, story.version, story.headline, story.language) == ("urn:test:1", 3, "H", "en")
    assert story.subjects == ["conflict", "raw-subject"]
    assert story.place_hints == ["Irbil"]
    assert story.provider == "Demo"
    assert story.source_format == "ninjs"
    assert story.pubstatus == "usable"


def test_plain_body_text_is_kept_character_for_character():
    body = "  BAGHDAD (AP) — Line one.\r\n\r\nLine «two»\tend.  "
    assert parse_raw(ninjs(body_text=body)).body == body
    assert parse_raw(body.encode(), format="text").body == body


def test_body_html_is_stripped_keeping_paragraphs():
    story = parse_raw(ninjs(body_text=None, body_html="<p>First &amp; <b>bold</b>.</p><p>Second</p><script>x()</script>"))
    assert story.body == "First & bold.\n\nSecond"


def test_headline_falls_back_to_first_line():
    assert parse_raw(b"Headline here\n\nBody text.").headline == "Headline here"


def test_plain_text_uri_is_derived_from_content_and_stable():
    a, b = parse_raw(b"Same text."), parse_raw(b"Same text.")
    assert a.uri == b.uri and a.uri.startswith("urn:wirewatch:text:")
    assert parse_raw(b"Other text.").uri != a.uri


@pytest.mark.parametrize(
    "data, error, code",
    [
        (b'{"uri": "x", "body_text": ', MalformedInput, "bad_json"),
        (b"\xff\xfe\x00junk", MalformedInput, "invalid_utf8"),
        ('{"uri": "x", "body_text": "Caf\u00e9'.encode()[:-1], MalformedInput, "bad_json"),  # cut inside a character
        (b'{"body_text": "no uri"}', MissingContent, "missing_uri"),
        (b'{"uri": "x", "type": "picture"}', MissingContent, "no_text"),
        (b'{"uri": 5, "body_text": "t"}', MalformedInput, "wrong_type"),
        (b'{"uri": "x", "body_text": "t", "version": "v2"}', MalformedInput, "wrong_type"),
        (b"[1, 2]", MalformedInput, "wrong_type"),
        (b"<?xml version='1.0'?><html><body>hi</body></html>", UnsupportedFormat, "unsupported_format"),
        (b"<?xml version='1.0'?><conceptItem/>", UnsupportedFormat, "not_a_story"),
        (b"<newsItem><unclosed></newsItem>", MalformedInput, "bad_xml"),
        (b"\x01\x02\x03\x04\x05abc\x06\x07", UnsupportedFormat, "binary"),
        (b"   \n\t ", MissingContent, "empty"),
        (b"[" * 5000 + b"]" * 5000, MalformedInput, "bad_json"),
    ],
)
def test_bad_input_gets_a_precise_reason(data, error, code):
    with pytest.raises(error) as info:
        parse_raw(data)
    assert info.value.code == code
    assert str(info.value)  # a human message


def test_size_limit():
    with pytest.raises(InputTooLarge) as info:
        parse_raw(b"x" * 101, max_bytes=100)
    assert "WIREWATCH_MAX_MESSAGE_BYTES" in str(info.value)


def test_unknown_explicit_format():
    with pytest.raises(UnsupportedFormat, match="known formats"):
        parse_raw(b"text", format="nitf9")


def test_detect_format():
    assert detect_format(b'  {"a": 1}') == "ninjs"
    assert detect_format(b"Plain words") == "text"
    assert detect_format(b'{"format": "digitalwires@1.0", "urn": "x"}') == "dpa-digitalwires"
    assert detect_format(b"<nitf><body/></nitf>") == "nitf"
    assert detect_format(b'<newsItem xmlns="http://iptc.org/std/nar/2006-10-01/"/>') == "newsml-g2"
    assert detect_format(b"<rss version='2.0'><channel/></rss>") == "feed"
    assert detect_format(b"\x16\x16\x01W1234\x1fasi") == "anpa"
    assert detect_format(b"\x01eca0001 4 rs") == "iptc7901"


def test_bom_is_ignored():
    assert parse_raw(b"\xef\xbb\xbf" + ninjs()).uri == "urn:test:1"


def test_ninjs_samples_from_shared_data_parse_or_fail_with_a_reason(shared_data):
    """Every ninjs sample either becomes a Story or raises a ParseError with a code — never crashes."""
    from pipeline import ParseError

    paths = sorted((shared_data / "wire").rglob("*ninjs*.json")) + sorted((shared_data / "wire" / "iptc-ninjs" / "examples").rglob("*.json"))
    assert paths, "no ninjs samples found"
    parsed = 0
    for path in paths:
        try:
            stories = parse_all(path.read_bytes())
        except ParseError as exc:
            assert exc.code and str(exc)
        else:
            parsed += 1
            assert all(s.uri and (s.body.strip() or s.pubstatus != "usable") for s in stories)
    assert parsed >= 5


def test_datelines_in_the_body_with_a_byline_on_the_same_line():
    from pipeline.parsing import parse_dateline

    cases = {
        "BAGHDAD (AP) — A drone struck": ("BAGHDAD (AP)", "Baghdad"),
        "By Jane Roe. BOSTON (Reuters) - A judge said": ("BOSTON (Reuters)", "Boston"),
        "By JANE DOE and JOHN ROE, Associated Press WASHINGTON (AP) — The": ("WASHINGTON (AP)", "Washington"),
        "By Jane Doe\nMOSUL, Iraq (AP) — Fighting": ("MOSUL, Iraq (AP)", "Mosul"),
        "ST. LOUIS – Police said": ("ST. LOUIS", "St. Louis"),
        "Waghäusel (dpa) - Ein Unfall": ("Waghäusel (dpa)", "Waghäusel"),
    }
    for body, (text, place) in cases.items():
        got = parse_dateline(body)
        assert got is not None and (got.text, got.place) == (text, place), body
    assert parse_dateline("By Staff - a note") is None
    assert parse_dateline("Officials said - nothing") is None


def test_html_bodies_become_paragraphs_with_one_walker():
    from pipeline.parsing._html import html_to_text

    assert html_to_text("<p>First &amp; one.</p><p>Second<br>line</p><script>x=1</script><ul><li>a</li></ul>") == \
        "First & one.\n\nSecond\n\nline\n\na"
    assert html_to_text("<script>hidden()</script>") == ""
    assert html_to_text("<div>" * 5000 + "deep" + "</div>" * 5000) == "deep"  # deeper than the parser goes
