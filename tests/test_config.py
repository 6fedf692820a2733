from pathlib import Path

import pytest

from pipeline import ConfigError, Settings
from pipeline.core import settings_to_env


def test_defaults_and_topic_names():
    s = Settings.from_env(environ={})
    assert s.broker is None
    assert s.topics.all() == ["wire.raw", "wire.stories", "wire.enriched", "wire.alerts", "wire.deadletter"]


def test_env_and_overrides():
    s = Settings.from_env(
        environ={"WIREWATCH_BROKER": "kafka://k1:9092,k2:9092", "WIREWATCH_TOPIC_PREFIX": "prod.", "WIREWATCH_PARTITIONS": "12"},
        partitions=6,
    )
    assert s.bootstrap_servers == "k1:9092,k2:9092"
    assert s.faust_broker == ["kafka://k1:9092", "kafka://k2:9092"]
    assert s.topics.raw == "prod.raw"
    assert s.partitions == 6


def test_round_trip_through_environment():
    s = Settings.from_env(environ={}, broker="kafka://h:1", web_port=7000, regions=Path("/x.geojson"), session_timeout=2.5)
    assert Settings.from_env(environ=settings_to_env(s)) == s


@pytest.mark.parametrize("env, match", [
    ({"WIREWATCH_BROKER": "localhost:9092"}, "kafka://host:port"),
    ({"WIREWATCH_PARTITIONS": "many"}, "WIREWATCH_PARTITIONS"),
    ({"WIREWATCH_PARTITIONS": "0"}, "at least 1"),
    ({"WIREWATCH_WEB_PORT": "70000"}, "port"),
    ({"WIREWATCH_STATE_RETENTION_DAYS": "-1"}, "WIREWATCH_STATE_RETENTION_DAYS"),
    ({"WIREWATCH_STATE_SWEEP_SECONDS": "0"}, "WIREWATCH_STATE_SWEEP_SECONDS"),
])
def test_bad_settings_say_what_to_fix(env, match):
    with pytest.raises(ConfigError, match=match):
        Settings.from_env(environ=env)


def test_state_retention_defaults_to_30_days_and_is_read_from_the_environment():
    assert Settings.from_env(environ={}).state_retention_s == 30 * 86400
    s = Settings.from_env(environ={"WIREWATCH_STATE_RETENTION_DAYS": "2.5", "WIREWATCH_STATE_SWEEP_SECONDS": "60"})
    assert s.state_retention_days == 2.5 and s.state_retention_s == 2.5 * 86400 and s.state_sweep_seconds == 60
    assert Settings.from_env(environ={"WIREWATCH_STATE_RETENTION_DAYS": "0"}).state_retention_s == 0  # for ever


def test_table_store_is_rocksdb_by_default_and_checked():
    assert Settings.from_env(environ={}).table_store == "rocksdb"
    assert Settings.from_env(environ={"WIREWATCH_TABLE_STORE": "memory"}).table_store == "memory"
    with pytest.raises(ConfigError, match="WIREWATCH_TABLE_STORE"):
        Settings.from_env(environ={"WIREWATCH_TABLE_STORE": "disk"})
