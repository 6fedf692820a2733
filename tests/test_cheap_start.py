"""Starting the command line is cheap: building the parser and ``--help`` import neither spaCy, nor Faust,
nor shapely (each command imports what it needs when it runs). Measured in a fresh interpreter; no timing."""

from __future__ import annotations

import subprocess
import sys

import pytest

HEAVY = ("spacy", "faust", "shapely")

PROBE = """
import sys
import pipeline.cli
argv = sys.argv[1:]
if argv:
    try:
        pipeline.cli.main(argv)
    except SystemExit:
        pass
else:
    pipeline.cli.build_parser()
heavy = [m for m in {heavy!r} if m in sys.modules]
print("HEAVY:" + ",".join(heavy), file=sys.stderr)
"""


def heavy_modules_after(*argv: str) -> list[str]:
    proc = subprocess.run([sys.executable, "-c", PROBE.format(heavy=HEAVY), *argv], capture_output=True, text=True,
                          timeout=60)
    line = [ln for ln in proc.stderr.splitlines() if ln.startswith("HEAVY:")]
    assert line, proc.stderr
    return [m for m in line[-1][len("HEAVY:"):].split(",") if m]


def test_building_the_parser_imports_nothing_heavy():
    assert heavy_modules_after() == []


@pytest.mark.parametrize("argv", [["--help"], ["tail", "--help"], ["topics", "--help"], ["run", "--help"],
                                  ["worker", "--help"], ["enrich", "--help"], ["eval", "--help"], ["bench", "--help"]])
def test_help_imports_nothing_heavy(argv):
    assert heavy_modules_after(*argv) == []


def test_importing_the_package_imports_nothing_heavy():
    proc = subprocess.run([sys.executable, "-c", f"import sys, pipeline; print([m for m in {HEAVY!r} if m in sys.modules])"],
                          capture_output=True, text=True, timeout=60)
    assert proc.stdout.strip() == "[]", proc.stderr
