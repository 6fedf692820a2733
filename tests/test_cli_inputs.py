"""Every CLI command that reads a file answers a bad one with one clear line, never a traceback: the
file inputs are fuzzed as the parsers are (random bytes, broken UTF-8, truncated or wrongly shaped JSON,
XML and TSV, empty files, directories)."""

import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.cli import main

_SHAPED = st.one_of(
    st.binary(max_size=300),
    st.text(max_size=300).map(str.encode),
    st.sampled_from([b"", b"\xff\xfe\x00", b"{", b"[]", b"{}", b"null", b'{"type": "FeatureCollection"}',
                     b'{"type": "Feature", "geometry": {"type": "Point", "coordinates": [200, 99]}}',
                     b'[{"id": "r", "region": "nowhere"}]', b"<articles><article>", b"<articles/>",
                     b'{"text": "x", "spans": [{"start": 5, "end": 1, "label": "VERB"}]}',
                     b"id\ttext\tlabel\n1\tsome text\n", b"\t\t\t\n\x00\n", "caf\u00e9 \u2014 \U0001f600".encode(),
                     b'{"story": {}, "kind": "multi_event", "events": [{}]}', b"\xef\xbb\xbf{\"a\": 1}"]),
    st.lists(st.text(alphabet=string.printable, max_size=40), max_size=6).map(lambda xs: "\n".join(xs).encode()),
)

# (command words, the file's suffix); the file is appended to the words (a directory for `eval stories`)
_COMMANDS = [
    (["regions", "check"], ".geojson"),
    (["rules", "check"], ".json"),
    (["eval", "geo"], ".xml"),
    (["eval", "events"], ".tsv"),
    (["eval", "events"], ".jsonl"),
    (["eval", "stories"], "/"),
    (["enrich"], ".json"),
    (["ingest", "--broker", "kafka://127.0.0.1:9", "--retry-seconds", "0"], ".xml"),
]


def _no_traceback(capsys, code):
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    errors = [line for line in err.splitlines() if line.startswith("wirewatch: error:")]
    assert code == 0 or err.strip(), "a failure must say why"
    assert len(errors) <= 1


@pytest.mark.slow
@pytest.mark.parametrize(("words", "suffix"), _COMMANDS, ids=[" ".join(w[:2]) + s for w, s in _COMMANDS])
@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=_SHAPED)
def test_a_bad_input_file_gets_one_clear_line(words, suffix, data, tmp_path_factory, capsys, monkeypatch):
    root = tmp_path_factory.mktemp("input")
    monkeypatch.chdir(root)  # `ingest` lists what it could not send under ./.wirewatch
    if suffix == "/":
        (root / "one.json").write_bytes(data)
        path = root
    else:
        path = root / f"input{suffix}"
        path.write_bytes(data)
    try:
        code = main([*words, str(path)])
    except SystemExit as exc:  # argparse's own usage errors
        code = exc.code
    _no_traceback(capsys, code)


@pytest.mark.parametrize(("words", "suffix"), _COMMANDS, ids=[" ".join(w[:2]) + s for w, s in _COMMANDS])
@pytest.mark.parametrize("kind", ["missing", "directory"])
def test_a_missing_file_or_a_directory_gets_one_clear_line(words, suffix, kind, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "nothing-here.json"
    if kind == "directory":
        path.mkdir()
    try:
        code = main([*words, str(path)])
    except SystemExit as exc:
        code = exc.code
    assert code != 0 or suffix == "/" and kind == "directory"
    _no_traceback(capsys, code)
