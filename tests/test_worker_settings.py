"""A worker sets what its broker needs: one record per producer batch and a shorter session timeout on
Tansu (no broker needed)."""

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


def test_on_tansu_a_worker_takes_the_shorter_session_timeout_unless_one_is_set(monkeypatch):
    monkeypatch.delenv("WIREWATCH_SESSION_TIMEOUT", raising=False)
    monkeypatch.setenv("WIREWATCH_PRODUCER_BATCH_BYTES", "1")
    settings = Settings(producer_batch_bytes=1)
    assert settings.session_timeout == 6.0
    assert fit_to_broker(settings, tansu=True).session_timeout == 2.0  # Tansu joins after half of it
    assert fit_to_broker(settings, tansu=False).session_timeout == 6.0
    monkeypatch.setenv("WIREWATCH_SESSION_TIMEOUT", "5")
    assert fit_to_broker(Settings(producer_batch_bytes=1, session_timeout=5.0), tansu=True).session_timeout == 5.0


def test_the_tools_and_run_take_the_embedded_settings_from_one_place(monkeypatch):
    from pipeline.kafka import for_embedded

    monkeypatch.delenv("WIREWATCH_SESSION_TIMEOUT", raising=False)
    fitted = for_embedded(Settings(), "kafka://127.0.0.1:9")
    assert (fitted.broker, fitted.producer_batch_bytes, fitted.session_timeout) == ("kafka://127.0.0.1:9", 1, 2.0)
    monkeypatch.setenv("WIREWATCH_SESSION_TIMEOUT", "1.5")  # an operator's choice is kept
    assert for_embedded(Settings(session_timeout=1.5), "kafka://127.0.0.1:9").session_timeout == 1.5
