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
])
def test_bad_settings_say_what_to_fix(env, match):
    with pytest.raises(ConfigError, match=match):
        Settings.from_env(environ=env)
