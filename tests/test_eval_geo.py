"""`wirewatch eval geo` on GeoWebNews runs end to end and does not regress below today's floor."""

import subprocess
import sys

import orjson


def test_eval_geo_on_geowebnews(shared_data, tmp_path):
    gwn = shared_data / "geo" / "geowebnews" / "GWN.xml"
    errors = tmp_path / "errors.jsonl"
    proc = subprocess.run([sys.executable, "-m", "pipeline", "eval", "geo", str(gwn), "--json", "--errors", str(errors)],
                          capture_output=True, timeout=600)
    assert proc.returncode == 0, proc.stderr.decode()[-2000:]
    report = orjson.loads(proc.stdout)["overall"]
    assert report["gold"] == 2601
    # floors a little under the measured values (docs/geoparsing.md): a regression guard, not a target
    assert report["recall"] >= 0.70 and report["precision"] >= 0.85
    assert report["acc_at_161"] >= 0.91 and report["exact_id"] >= 0.85 and report["country_accuracy"] >= 0.95
    assert errors.read_bytes().count(b"\n") > 100  # the per-error dump is written
