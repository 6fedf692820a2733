"""`wirewatch eval geo` on GeoWebNews and on LGL runs end to end and does not regress below today's floor."""

import subprocess
import sys

import orjson
import pytest

from pipeline.core import ConfigError
from pipeline.evaluation import load_gwn


def _eval(path, tmp_path):
    errors = tmp_path / "errors.jsonl"
    proc = subprocess.run([sys.executable, "-m", "pipeline", "eval", "geo", str(path), "--json", "--errors", str(errors)],
                          capture_output=True, timeout=600)
    assert proc.returncode == 0, proc.stderr.decode()[-2000:]
    dump = [orjson.loads(line) for line in errors.read_bytes().splitlines()]
    return orjson.loads(proc.stdout)["overall"], dump


def test_eval_geo_on_geowebnews(shared_data, tmp_path):
    report, dump = _eval(shared_data / "geo" / "geowebnews" / "GWN.xml", tmp_path)
    assert report["gold"] == 2601
    # floors a little under the measured values (docs/geoparsing.md): a regression guard, not a target
    assert report["recall"] >= 0.73 and report["precision"] >= 0.87
    assert report["acc_at_161"] >= 0.91 and report["exact_id"] >= 0.85 and report["country_accuracy"] >= 0.95
    kinds = {d["error"] for d in dump if "error" in d}
    assert {"missed", "spurious"} <= kinds and len(dump) > 100  # misses, spurious places and wrong ones dumped


def test_eval_geo_reads_lgl_too(shared_data, tmp_path):
    report, _ = _eval(shared_data / "geo" / "lgl" / "lgl-dev.xml", tmp_path)
    assert report["gold"] > 2000
    assert report["recall"] >= 0.86 and report["precision"] >= 0.75 and report["acc_at_161"] >= 0.84
    assert report["exact_id"] >= 0.82


def test_a_file_that_is_neither_format_is_refused_with_a_reason(tmp_path):
    other = tmp_path / "other.xml"
    other.write_text("<articles><article><text>Nothing here.</text></article></articles>")
    with pytest.raises(ConfigError, match="no gold toponyms"):
        load_gwn(other)
    (tmp_path / "broken.xml").write_text("<articles><article>")
    with pytest.raises(ConfigError, match="cannot read it as XML"):
        load_gwn(tmp_path / "broken.xml")
