"""The worker's NLP runners (thread and child process) without a broker: same output, and a dead NLP
process is replaced (the batch fails with NlpProcessDied, the next one goes through)."""

import asyncio
import os
import signal

import orjson
import pytest

from pipeline import Story
from pipeline.core import ConfigError, Settings
from pipeline.stream import NlpProcessDied, ProcessRunner, ThreadRunner

BODIES = [
    "IRBIL, Iraq (Test Wire) — A drone struck a military base near Irbil airport on Tuesday, officials said.",
    "MAYADEEN, Syria (Test Wire) — Shelling hit the town of Mayadeen overnight; two people were wounded.",
]


def stories():
    return [Story(uri=f"urn:test:runner:{k}", version=1, headline="H", body=b, source_format="text",
                  received_at="2026-01-01T00:00:00Z", language="en") for k, b in enumerate(BODIES)]


def _comparable(value: bytes) -> dict:
    doc = orjson.loads(value)
    doc.pop("enriched_at")
    return doc


@pytest.fixture(scope="module")
def process_runner():
    runner = ProcessRunner(Settings().model, batch_size=8)
    yield runner
    runner.close()


def test_process_and_thread_give_the_same_records(enricher, process_runner):
    thread = ThreadRunner(enricher, batch_size=8)
    try:
        by_thread = asyncio.run(thread.enrich(stories()))
    finally:
        thread.close()
    by_process = asyncio.run(process_runner.enrich(stories()))
    assert [_comparable(v) for v in by_process] == [_comparable(v) for v in by_thread]
    assert process_runner.model_name == enricher.model_name
    assert {e["type"] for e in orjson.loads(by_process[0])["events"]} >= {"air_drone_strike"}


def test_the_loaded_nlp_process_gives_way_to_the_event_loop(process_runner):
    from pipeline.stream import NLP_NICENESS

    [pid] = list(process_runner._pool._processes)
    assert os.getpriority(os.PRIO_PROCESS, pid) == os.getpriority(os.PRIO_PROCESS, 0) + NLP_NICENESS


def test_a_kill_needs_no_model(process_runner):
    killed = process_runner.kill(stories()[0])
    assert killed.tags == ["kill"] and killed.model == process_runner.model_name and not killed.places


def test_a_dead_nlp_process_is_replaced(process_runner):
    [pid] = list(process_runner._pool._processes)  # the child (private: there is no public accessor)
    os.kill(pid, signal.SIGKILL)
    with pytest.raises(NlpProcessDied, match="died while enriching 2 stories; a new one was started"):
        asyncio.run(process_runner.enrich(stories()))
    [again] = asyncio.run(process_runner.enrich(stories()[:1]))
    assert orjson.loads(again)["uri"] == "urn:test:runner:0"
    assert list(process_runner._pool._processes) != [pid]


def test_the_executor_setting_is_checked():
    with pytest.raises(ConfigError, match="nlp_executor .* must be process or thread"):
        Settings.from_env({"WIREWATCH_NLP_EXECUTOR": "fibre"})
    assert Settings.from_env({"WIREWATCH_NLP_EXECUTOR": "thread"}).nlp_executor == "thread"


def test_a_model_that_does_not_load_is_reported_as_itself():
    from pipeline.core import ModelError

    with pytest.raises(ModelError, match="cannot load spaCy model 'no_such_model'"):
        ProcessRunner("no_such_model")


def test_a_runner_that_does_not_wait_is_ready_once_its_child_has_loaded():
    """``wait=False`` (the worker's: it joins its group while the child loads): not loaded at first, then
    ``ready()`` returns with the model's name and load times; a model that cannot load raises there."""
    from pipeline.core import ModelError

    runner = ProcessRunner(Settings().model, batch_size=8, wait=False)
    try:
        assert not runner.loaded
        asyncio.run(runner.ready())
        assert runner.loaded and runner.model_name
        assert set(runner.load_seconds) == {"gazetteer_load_seconds", "model_load_seconds"}
        assert len(asyncio.run(runner.enrich(stories()[:1]))) == 1
    finally:
        runner.close()
    broken = ProcessRunner("no_such_model", wait=False)
    with pytest.raises(ModelError, match="cannot load spaCy model 'no_such_model'"):
        asyncio.run(broken.ready())
