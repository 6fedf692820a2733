"""docker-compose.yml cannot run here (no Docker engine): check that it parses and agrees with the code."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from pipeline.cli import COMMANDS, build_parser
from pipeline.core import Settings

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_kafka_is_official_kraft_image_with_volume(compose):
    kafka = compose["services"]["kafka"]
    assert kafka["image"].startswith("apache/kafka:4.")
    assert "controller" in kafka["environment"]["KAFKA_PROCESS_ROLES"]
    assert kafka["environment"]["KAFKA_AUTO_CREATE_TOPICS_ENABLE"] == "false"
    assert any(v.startswith("kafka-data:") for v in kafka["volumes"])


def test_every_wirewatch_command_exists_and_parses(compose):
    parser = build_parser()
    for name, service in compose["services"].items():
        if service.get("build") is None:
            continue
        command = service["command"]
        assert command[0] in COMMANDS, f"service {name} runs unknown command {command[0]}"
        parser.parse_args(command)  # raises SystemExit on unknown options


def test_every_env_var_is_a_setting(compose):
    known = {f"WIREWATCH_{f.upper()}" for f in Settings.__dataclass_fields__}
    for name, service in compose["services"].items():
        for var in service.get("environment", {}):
            if var.startswith("WIREWATCH_"):
                assert var in known, f"service {name} sets unknown {var}"
        Settings.from_env(environ={k: str(v) for k, v in service.get("environment", {}).items() if k.startswith("WIREWATCH_")})


def test_web_port_matches_dockerfile(compose):
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "EXPOSE 6066" in dockerfile
    assert compose["services"]["web"]["ports"] == ["127.0.0.1:6066:6066"]
