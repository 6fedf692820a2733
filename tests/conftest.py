"""Shared fixtures. Unit tests need nothing; ``broker`` tests start the embedded Tansu broker once
per session; ``shared_data`` tests read ../shared/data (or $WIREWATCH_SHARED_DATA)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

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
