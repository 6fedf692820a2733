"""The chaos reconciliation's order checks, on topic contents given directly (no broker): versions going
backwards on wire.enriched, a record after a kill, a killed story's alert left active, and a v1
superseded in its batch counted as accounted for."""

from __future__ import annotations

import asyncio

import orjson

import pipeline.tools._chaos as chaos
from pipeline.core import Settings
from pipeline.tools import ChaosRun


def _story(uri: str, version: int, kill: bool = False) -> tuple[str, bytes, bytes]:
    value = {"uri": uri, "version": version, "pubstatus": "canceled" if kill else "usable"}
    return "enriched", uri.encode(), orjson.dumps(value)


def _alert(aid: str, uri: str, status: str, version: int = 1, also: tuple[str, ...] = ()) -> tuple[str, bytes, bytes]:
    value = {"alert_id": aid, "story_uri": uri, "region_id": "r", "status": status, "story_version": version,
             "also_reported_by": list(also)}
    return "alerts", aid.encode(), orjson.dumps(value)


def reconcile(monkeypatch, tmp_path, sent: dict[str, list[int]], killed: set[str], records: list) -> chaos.Reconciliation:
    run = ChaosRun(Settings.from_env(environ={}).with_(broker="127.0.0.1:9"), tmp_path)
    run.sent, run.killed = sent, killed
    run.versions = sum(len(v) - 1 for v in sent.values())

    async def read_all(bootstrap, topics, timeout=30.0):
        kind = "enriched" if topics == [run.settings.topics.enriched] else \
            "alerts" if topics == [run.settings.topics.alerts] else "other"
        return [(t, k, v) for t, k, v in records if t == kind]

    monkeypatch.setattr(chaos, "read_all", read_all)
    return asyncio.run(run.reconcile())


def test_in_order_with_a_superseded_v1_and_repeats_is_ok(monkeypatch, tmp_path):
    rec = reconcile(monkeypatch, tmp_path, {"a": [1, 2], "b": [1, 2, 3], "c": [1]}, {"b"}, [
        _story("a", 2), _story("a", 2),  # v1 superseded in its batch; v2 repeated (at-least-once)
        _story("b", 1), _story("b", 2), _story("b", 3, kill=True), _story("b", 3, kill=True),
        _story("c", 1),
        _alert("x", "b", "active"), _alert("x", "b", "active", 2), _alert("x", "b", "retracted", 3),
        _alert("y", "a", "active", 2),
        _alert("z", "c", "active", also=("b",)),  # c, not killed, still reports it
    ])
    assert rec.ok, rec.summary()
    assert (rec.superseded, rec.enriched_distinct, rec.enriched_records) == (1, 5, 7)
    assert rec.as_dict()["accounted"] == rec.as_dict()["in"] == 6


def test_backwards_kill_not_final_and_alert_left_active_fail(monkeypatch, tmp_path):
    rec = reconcile(monkeypatch, tmp_path, {"a": [1, 2], "b": [1, 2], "c": [1, 2, 3]}, {"b", "c"}, [
        _story("a", 1), _story("a", 2), _story("a", 1),  # an older version after a newer one
        _story("b", 1), _story("b", 2, kill=True), _story("b", 1),  # the story back after its kill
        _story("c", 2), _story("c", 3, kill=True), _story("c", 2),
        _alert("x", "b", "active"), _alert("x", "b", "retracted", 2), _alert("x", "b", "active", 1),
        _alert("w", "c", "active", 2, also=("b",)),  # every story reporting it was killed
    ])
    assert not rec.ok and not rec.missing
    assert rec.backwards == ["a: v1 v2 v1", "b: v1 v2 kill v1", "c: v2 v3 kill v2"]
    assert rec.kills_not_final == ["b: v1 v2 kill v1", "c: v2 v3 kill v2"]
    assert [a.split(" ")[0] for a in rec.alerts_left_active] == ["w", "x"]
    assert "VIOLATION" in rec.summary()
    d = rec.as_dict()
    assert (d["backwards_count"], d["kills_not_final_count"], d["alerts_left_active_count"]) == (3, 2, 2)


def test_a_missing_latest_version_is_missing_not_superseded(monkeypatch, tmp_path):
    rec = reconcile(monkeypatch, tmp_path, {"a": [1, 2]}, set(), [_story("a", 1)])
    assert rec.missing == ["a v2"] and rec.superseded == 0 and not rec.ok


def test_a_pause_is_the_longest_silence_of_the_enriched_topic_after_a_hand_over():
    from pipeline.tools._chaos import _pauses

    times = [0.0, 1.0, 2.0, 3.0, 10.0, 11.0, 12.0, 20.0, 40.0]  # stories enriched (s): silences 3→10, 12→20, 20→40
    assert _pauses(times, [(2.5, "kill 1")]) == [("kill 1", 8.0)]  # 12→20 starts within the 15 s after it
    assert _pauses(times, [(6.0, "scale-out 2")]) == [("scale-out 2", 20.0)]  # 20→40 starts before 6 + 15
    assert _pauses([0.0, 3.0, 10.0, 11.0], [(5.0, "restart 1")]) == [("restart 1", 5.0)]  # counted from it on
    assert _pauses([0.0, 0.5, 1.0], [(0.6, "scale-in 2")]) == [("scale-in 2", 0.4)]
