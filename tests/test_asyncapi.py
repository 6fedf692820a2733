"""docs/asyncapi.yaml agrees with the code: one channel per topic the pipeline defines, each payload
schema a file of schemas/, each record the code sends on a topic described by its own schema."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from pipeline.core import RECORD_SCHEMAS, Alert, DeadLetter, EnrichedStory, Settings, Story

ROOT = Path(__file__).resolve().parent.parent
DOC_PATH = ROOT / "docs" / "asyncapi.yaml"
SETTINGS = Settings()  # the defaults: prefix wire., app id wirewatch
TOPICS = SETTINGS.topics

#: What the code sends on each topic (pipeline/stream/_topology.py: normalize → stories, enrich →
#: enriched, match → alert-candidates, incidents (and POST /alerts/{id}/ack) → alerts and the routed
#: topics, every stage → deadletter; pipeline/stream/_catalog.py and `wirewatch regions|rules` →
#: regions and rules).
RECORDS = {TOPICS.stories: Story, TOPICS.enriched: EnrichedStory, TOPICS.candidates: Alert, TOPICS.alerts: Alert,
           f"{TOPICS.alerts}.{{ruleId}}": Alert, TOPICS.deadletter: DeadLetter}
DOCUMENTS = {TOPICS.regions: "region.schema.json", TOPICS.rules: "rule.schema.json"}


@pytest.fixture(scope="module")
def doc() -> dict:
    return yaml.safe_load(DOC_PATH.read_text())


def resolve(doc: dict, ref: str):
    """A local reference (``#/a/b``) within the document."""
    assert ref.startswith("#/"), ref
    node = doc
    for part in ref[2:].split("/"):
        node = node[part]
    return node


def deref(doc: dict, node: dict) -> dict:
    return resolve(doc, node["$ref"]) if "$ref" in node else node


def refs(node, path=()):
    """Every ``$ref`` in the document, with where it is."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield path, value
            else:
                yield from refs(value, path + (key,))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from refs(value, path + (i,))


def channel_messages(doc: dict, channel: dict) -> list[dict]:
    return [deref(doc, m) for m in channel["messages"].values()]


def schema_files(doc: dict, channel: dict) -> set[str]:
    out = set()
    for message in channel_messages(doc, channel):
        payload = message["payload"]
        if "schema" in payload:
            assert payload["schemaFormat"] == "application/schema+json;version=2020-12"
            out.add(payload["schema"]["$ref"])
    return out


def by_address(doc: dict) -> dict[str, dict]:
    return {c["address"]: c for c in doc["channels"].values()}


def test_is_asyncapi_3(doc):
    assert re.fullmatch(r"3\.\d+\.\d+", str(doc["asyncapi"]))
    assert doc["info"]["title"] and doc["info"]["version"]
    for name, server in doc["servers"].items():
        assert server["protocol"] == "kafka", name
        for variable in re.findall(r"\{(\w+)\}", server["host"]):
            assert variable in server["variables"], (name, variable)
    assert "embedded" in doc["servers"] and "production" in doc["servers"]


def test_channels_are_the_topics_the_code_defines(doc):
    addresses = set(by_address(doc))
    fixed = {a for a in addresses if "{" not in a}
    assert fixed == set(SETTINGS.all_topics)
    # the one address with a parameter: a routed rule's topic, <prefix>alerts.<rule id>
    assert addresses - fixed == {f"{TOPICS.alerts}.{{ruleId}}"}
    routed = by_address(doc)[f"{TOPICS.alerts}.{{ruleId}}"]
    assert set(routed["parameters"]) == {"ruleId"}


def test_every_local_reference_resolves(doc):
    for path, ref in refs(doc):
        if ref.startswith("#/"):
            resolve(doc, ref)
        else:
            assert path[-2:] == ("payload", "schema"), f"{path}: only payload schemas point outside: {ref}"


def test_every_schema_reference_is_a_file_of_schemas(doc):
    external = [ref for _, ref in refs(doc) if not ref.startswith("#")]
    assert external
    for ref in external:
        assert ref.startswith("../schemas/"), ref
        target = (DOC_PATH.parent / ref).resolve()
        assert target.is_file(), f"{ref} does not exist"
        json.loads(target.read_text())
    used = {Path(ref).name for ref in external}
    assert used == set(RECORD_SCHEMAS.values()) | set(DOCUMENTS.values())


def test_each_record_on_a_topic_has_its_schema(doc):
    channels = by_address(doc)
    assert set(RECORD_SCHEMAS) == set(RECORDS.values())
    for address, record in RECORDS.items():
        name = RECORD_SCHEMAS[record]
        assert schema_files(doc, channels[address]) == {f"../schemas/{name}"}, address
        assert json.loads((ROOT / "schemas" / name).read_text())["title"] == record.__name__
    for address, name in DOCUMENTS.items():
        assert schema_files(doc, channels[address]) == {f"../schemas/{name}"}, address
        # and the tombstone that deletes an entry
        assert {"null"} <= {m["payload"].get("type") for m in channel_messages(doc, channels[address])}


def test_every_message_has_a_key(doc):
    for address, channel in by_address(doc).items():
        for message in channel_messages(doc, channel):
            key = message["bindings"]["kafka"]["key"]
            assert key.get("description"), f"{address}: say what the key is"


def test_operations_name_their_channels_messages(doc):
    channels = doc["channels"]
    covered = set()
    for op_id, op in doc["operations"].items():
        assert op["action"] in ("send", "receive"), op_id
        channel_ref = op["channel"]["$ref"]
        channel_id = channel_ref.split("/")[-1]
        assert channel_ref == f"#/channels/{channel_id}" and channel_id in channels, op_id
        for m in op["messages"]:
            assert m["$ref"].startswith(f"#/channels/{channel_id}/messages/"), (op_id, m)
        covered |= {(channel_id, op["action"])}
    # every topic is written and read by someone
    assert covered == {(c, action) for c in channels for action in ("send", "receive")}
    # subscribers read the enriched stories, the alerts and the dead letters
    subscribed = {op["channel"]["$ref"] for op in doc["operations"].values()
                  if op["action"] == "receive" and {"name": "subscriber"} in op.get("tags", [])}
    addresses = {channels[ref.split("/")[-1]]["address"] for ref in subscribed}
    assert {TOPICS.enriched, TOPICS.alerts, TOPICS.deadletter} <= addresses
