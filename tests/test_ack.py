"""The body of POST /alerts/{id}/ack: empty, or who and a note (no broker)."""

import pytest

from pipeline.stream import ack_details


@pytest.mark.parametrize(("body", "expected"), [
    (b"", ("anonymous", None)),
    (b"  \n", ("anonymous", None)),
    (b"{}", ("anonymous", None)),
    (b'{"by": "duty desk"}', ("duty desk", None)),
    (b'{"by": "duty desk", "note": "called the stringer"}', ("duty desk", "called the stringer")),
    (b'{"by": null, "note": ""}', ("anonymous", None)),
    (b'{"by": "   "}', ("anonymous", None)),
])
def test_ack_bodies(body, expected):
    assert ack_details(body) == expected


@pytest.mark.parametrize(("body", "message"), [
    (b"not json", "not JSON"),
    (b'["duty desk"]', "JSON object"),
    (b'{"by": 7}', "'by' must be a string"),
    (b'{"who": "x"}', "unknown field"),
    (b'{"note": "' + b"x" * 2001 + b'"}', "over 2000"),
])
def test_bad_ack_bodies_say_what_is_wrong(body, message):
    with pytest.raises(ValueError, match=message):
        ack_details(body)
