"""The command line as a user runs it (subprocesses)."""

from __future__ import annotations

import subprocess
import sys

import orjson
import pytest

from pipeline.cli import COMMANDS


def wirewatch(*args, stdin: bytes = b"", timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline", *args], input=stdin, capture_output=True, timeout=timeout)


def test_help_lists_every_command():
    out = wirewatch("--help").stdout.decode()
    for name in COMMANDS:
        assert name in out
    for name in COMMANDS:
        sub = wirewatch(name, "--help")
        assert sub.returncode == 0 and b"usage: wirewatch " + name.encode() in sub.stdout


def test_enrich_offline_keeps_order_and_offsets():
    items = [
        {"uri": f"urn:test:{i}", "body_text": text}
        for i, text in enumerate([
            "A drone struck the airport in Irbil on Tuesday.",
            "Protesters marched through Baghdad and Basra.",
            "Nothing geographic here at all.",
        ])
    ]
    stdin = b"\n".join(orjson.dumps(i) for i in items) + b"\n"
    proc = wirewatch("enrich", stdin=stdin)
    assert proc.returncode == 0, proc.stderr.decode()
    out = [orjson.loads(line) for line in proc.stdout.splitlines()]
    assert [o["uri"] for o in out] == [i["uri"] for i in items]
    for o, i in zip(out, items, strict=True):
        assert o["body"] == i["body_text"]
        for span in o["entities"] + o["places"]:
            assert o["body"][span["start"]:span["end"]] == span["text"]
    assert any(p["geonameid"] == 95446 for p in out[0]["places"])
    assert b"3 enriched, 0 skipped" in proc.stderr


def test_enrich_reports_bad_lines_and_keeps_the_rest():
    stdin = b'{"uri": "urn:ok", "body_text": "Fighting near Mosul."}\n{"body_text": "no uri"}\n'
    proc = wirewatch("enrich", stdin=stdin)
    assert proc.returncode == 1
    assert len(proc.stdout.splitlines()) == 1
    assert b"<stdin>:2: skipped (missing_uri)" in proc.stderr


def test_enrich_plain_text_file(tmp_path):
    path = tmp_path / "story.txt"
    text = "Shelling hit Aleppo overnight.\n\nResidents fled to Idlib.\n"
    path.write_text(text)
    proc = wirewatch("enrich", "--format", "text", str(path))
    assert proc.returncode == 0, proc.stderr.decode()
    [out] = [orjson.loads(line) for line in proc.stdout.splitlines()]
    assert out["body"] == text


def test_missing_input_file_is_a_clear_error(tmp_path):
    proc = wirewatch("enrich", str(tmp_path / "nope.jsonl"))
    assert proc.returncode == 2 and b"cannot read" in proc.stderr


@pytest.mark.parametrize("command", ["worker", "topics create", "ingest x", "tail alerts"])
def test_broker_commands_without_broker_say_how_to_fix(command, tmp_path):
    # an empty data directory: no run.json of a running `wirewatch run` to find the broker in
    proc = subprocess.run([sys.executable, "-m", "pipeline", *command.split()], capture_output=True, timeout=60,
                          env={"PATH": "/usr/bin:/bin", "WIREWATCH_DATA_DIR": str(tmp_path)})
    assert proc.returncode == 2
    assert b"WIREWATCH_BROKER" in proc.stderr


def test_bench_times_each_component(tmp_path):
    text = tmp_path / "story.txt"
    text.write_text("Rockets hit a base near Irbil on Monday, officials said. Nobody was hurt.")
    result = wirewatch("bench", str(text), "--components", "--json", "-")
    assert result.returncode == 0, result.stderr.decode()
    report = orjson.loads(result.stdout)
    assert report["stories"] == 1 and "wirewatch_events" in report["ms_per_story"]
    assert wirewatch("bench", str(tmp_path / "missing.txt")).returncode != 0


def test_regions_and_rules_check_offline(tmp_path):
    shown = wirewatch("regions", "check")
    assert shown.returncode == 0 and b"iraq-syria-border" in shown.stdout
    rules = tmp_path / "rules.json"
    rules.write_text('[{"id": "x", "region": "nowhere"}]')
    bad = wirewatch("rules", "check", str(rules))
    assert bad.returncode == 2 and b"region 'nowhere' is not among the regions" in bad.stderr
    live = wirewatch("regions", "list", "--data-dir", str(tmp_path))  # the live catalog needs a broker, and says so
    assert live.returncode == 2 and b"needs a broker" in live.stderr
