"""A worker sets what its broker needs: one record per producer batch on Tansu (no broker needed)."""

import pytest

from pipeline.cli._worker import fit_to_broker
from pipeline.core import ConfigError, Settings


def test_on_tansu_a_worker_produces_one_record_per_batch(monkeypatch, capsys):
    monkeypatch.delenv("WIREWATCH_PRODUCER_BATCH_BYTES", raising=False)
    settings = Settings()
    assert settings.producer_batch_bytes > 1
    assert fit_to_broker(settings, tansu=True).producer_batch_bytes == 1
    assert "the broker is Tansu" in capsys.readouterr().err
    assert fit_to_broker(settings, tansu=False) is settings  # Kafka keeps its batches


def test_an_explicit_batch_size_on_tansu_is_refused_with_the_fix(monkeypatch):
    monkeypatch.setenv("WIREWATCH_PRODUCER_BATCH_BYTES", "16384")
    with pytest.raises(ConfigError, match="unset it or set it to 1"):
        fit_to_broker(Settings(producer_batch_bytes=16384), tansu=True)
    monkeypatch.setenv("WIREWATCH_PRODUCER_BATCH_BYTES", "1")
    assert fit_to_broker(Settings(producer_batch_bytes=1), tansu=True).producer_batch_bytes == 1
