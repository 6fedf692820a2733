"""deploy/ (Kustomize, Strimzi, KEDA) cannot run here: check that the manifests parse, that the core kinds
validate against the Kubernetes schemas (kubernetes-validate, offline), and that they agree with the code."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from pipeline.cli import COMMANDS, build_parser
from pipeline.core import Settings

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
K8S_VERSION = "1.33"
CRDS = {("kafka.strimzi.io/v1beta2", "Kafka"), ("kafka.strimzi.io/v1beta2", "KafkaNodePool"),
        ("kafka.strimzi.io/v1beta2", "KafkaTopic"), ("keda.sh/v1alpha1", "ScaledObject")}


def kustomization(path: Path) -> dict:
    return yaml.safe_load((path / "kustomization.yaml").read_text())


def resources(path: Path) -> list[dict]:
    """The documents a kustomization brings in, recursively (what `kustomize build` starts from)."""
    docs: list[dict] = []
    for entry in kustomization(path).get("resources", []):
        target = (path / entry).resolve()
        assert target.exists(), f"{path}/kustomization.yaml: resource {entry} does not exist"
        if target.is_dir():
            docs += resources(target)
        else:
            docs += [d for d in yaml.safe_load_all(target.read_text()) if d]
    return docs


@pytest.fixture(scope="module")
def base() -> list[dict]:
    return resources(DEPLOY / "base")


def one(docs: list[dict], kind: str, name: str | None = None) -> dict:
    found = [d for d in docs if d["kind"] == kind and (name is None or d["metadata"]["name"] == name)]
    assert len(found) == 1, f"expected one {kind} {name or ''}, found {len(found)}"
    return found[0]


def settings_env(base_dir: Path = DEPLOY / "base") -> dict[str, str]:
    literals = kustomization(base_dir)["configMapGenerator"][0]["literals"]
    return dict(item.split("=", 1) for item in literals)


def test_every_document_is_well_formed_and_core_kinds_validate(base):
    import kubernetes_validate

    production = resources(DEPLOY / "overlays" / "production")
    assert len(production) == len(base) + 1  # + the namespace
    for doc in production:
        assert {"apiVersion", "kind", "metadata"} <= set(doc) and doc["metadata"].get("name")
        if (doc["apiVersion"], doc["kind"]) in CRDS:
            assert isinstance(doc.get("spec"), dict), f"{doc['kind']} without a spec"
            continue
        kubernetes_validate.validate(doc, K8S_VERSION, strict=True)


def test_settings_are_real_settings_and_load():
    env = settings_env()
    known = {f"WIREWATCH_{f.upper()}" for f in Settings.__dataclass_fields__}
    assert set(env) <= known, set(env) - known
    Settings.from_env(environ=env)


def test_worker_runs_a_real_command_with_real_probes_and_port(base):
    deployment = one(base, "Deployment", "wirewatch-worker")
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    assert container["args"][0] in COMMANDS
    build_parser().parse_args(container["args"])
    env = settings_env()
    assert container["ports"][0]["containerPort"] == int(env["WIREWATCH_WEB_PORT"])
    assert container["readinessProbe"]["httpGet"]["path"] == "/ready"
    assert container["livenessProbe"]["httpGet"]["path"] == "/health"
    topology = (ROOT / "pipeline" / "stream" / "_web.py").read_text()
    for path in ("/ready", "/health", "/metrics"):
        assert f'@app.page("{path}")' in topology
    assert container["resources"]["limits"]["memory"] == "1Gi"  # the bench: peak RSS ≈ 840 MB per worker with its NLP process
    for var in container.get("env", []):
        assert var["name"] in {f"WIREWATCH_{f.upper()}" for f in Settings.__dataclass_fields__}
    secret = one(base, "Secret", var["valueFrom"]["secretKeyRef"]["name"])
    assert var["valueFrom"]["secretKeyRef"]["key"] in secret["stringData"]
    service = one(base, "Service", "wirewatch-web")
    assert service["spec"]["selector"] == deployment["spec"]["selector"]["matchLabels"]


def test_topics_are_exactly_what_the_workers_need(base):
    settings = Settings.from_env(environ=settings_env())
    declared = {d["spec"]["topicName"]: d["spec"] for d in base if d["kind"] == "KafkaTopic"}
    assert set(declared) == set(settings.all_topics)
    for name, spec in declared.items():
        assert re.fullmatch(r"[a-z0-9.-]+", name)
        compact = name in (settings.topics.regions, settings.topics.rules) or name.endswith("-changelog")
        assert (spec["config"]["cleanup.policy"] == "compact") == compact, name
    scaled = one(base, "ScaledObject")
    trigger = scaled["spec"]["triggers"][0]["metadata"]
    assert trigger["consumerGroup"] == settings.app_id and trigger["topic"] in declared
    assert min(s["partitions"] for s in declared.values()) >= scaled["spec"]["maxReplicaCount"]
    assert scaled["spec"]["scaleTargetRef"]["name"] == "wirewatch-worker"
    kafka = one(base, "Kafka")
    assert kafka["spec"]["kafka"]["config"]["auto.create.topics.enable"] is False
    assert kafka["spec"]["kafka"]["version"].startswith("4.")
    assert settings.broker == "kafka://wirewatch-kafka-bootstrap:9092"  # Strimzi's bootstrap service for "wirewatch"


def test_the_overlay_pins_the_image_and_namespace():
    overlay = kustomization(DEPLOY / "overlays" / "production")
    assert overlay["namespace"] == "wirewatch"
    assert overlay["images"][0]["name"] == "wirewatch" and overlay["images"][0]["newTag"]


def test_prometheus_scrapes_the_metrics_path():
    config = yaml.safe_load((DEPLOY / "prometheus.yml").read_text())
    job = config["scrape_configs"][0]
    assert job["metrics_path"] == "/metrics" and job["dns_sd_configs"][0]["port"] == Settings().web_port
