"""Shared fixtures. Unit tests need nothing; ``broker`` tests start the embedded Tansu broker once
per session; ``shared_data`` tests read ../shared/data (or $WIREWATCH_SHARED_DATA)."""

from __future__ import annotations

import os
from pathlib import Path

import hypothesis  # noqa: F401  imported here, not first at the session's end by its plugin: Python 3.11.7's
import pytest  # compiler fails ("AST constructor recursion depth mismatch") on that late, deep import

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    path = Path(os.environ.get("WIREWATCH_SHARED_DATA") or ROOT.parent / "shared" / "data")
    if not path.is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"shared development data not found at {path} (set WIREWATCH_SHARED_DATA)")
        pytest.skip(f"shared development data not found at {path}")
    return path


@pytest.fixture(scope="session", autouse=True)
def gazetteer_index():
    """Build the gazetteer's on-disk index once, before any worker process needs it."""
    from pipeline.geo import default_gazetteer

    return default_gazetteer()


@pytest.fixture(scope="session")
def enricher():
    from pipeline import Enricher

    return Enricher.load()


@pytest.fixture(scope="session")
def broker():
    from pipeline.kafka import EmbeddedBroker

    with EmbeddedBroker() as b:
        yield b


_BROKER_DIRS = {"integration", "reliability", "e2e"}


def pytest_collection_modifyitems(config, items):
    """Markers from what a test needs: ``shared_data`` when it reads the development data, ``broker`` when
    it lives with the broker tests (integration, reliability, end to end) or uses the broker fixture, so
    ``make test-fast`` (``-m "not broker and not shared_data and not slow"``) can leave them out."""
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        if "shared_data" in fixtures:
            item.add_marker(pytest.mark.shared_data)
        if "broker" in fixtures or _BROKER_DIRS & set(Path(str(item.fspath)).parts):
            item.add_marker(pytest.mark.broker)
