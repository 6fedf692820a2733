import asyncio
import os

import pytest

from pipeline import ConfigError
from pipeline.ingest import WatchState, expand_paths, watch_directory


def test_expand_paths(tmp_path):
    (tmp_path / "a.json").write_text("{}")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.xml").write_text("<x/>")
    (tmp_path / ".hidden").write_text("")
    assert [p.name for p in expand_paths([str(tmp_path)])] == ["a.json", "b.xml"]
    assert [p.name for p in expand_paths([str(tmp_path / "*.json")])] == ["a.json"]
    with pytest.raises(ConfigError, match="no file matches"):
        expand_paths([str(tmp_path / "*.nitf")])
    with pytest.raises(ConfigError, match="no such file"):
        expand_paths([str(tmp_path / "missing.json")])


async def run_watch(directory, state, sent, polls=4):
    stop = asyncio.Event()

    async def send(messages):
        sent.extend(messages)
        return len(messages)

    task = asyncio.ensure_future(watch_directory(directory, state, send, interval=0.01, stop=stop))
    for _ in range(polls):
        await asyncio.sleep(0.03)
    stop.set()
    await asyncio.wait_for(task, 5)


async def test_watch_sends_each_file_once_across_restarts(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "one.txt").write_text("First story.")
    state_path = tmp_path / "state.json"
    sent: list[bytes] = []
    await run_watch(inbox, WatchState.load(state_path), sent)
    assert sent == [b"First story."]
    # restart: a new process loads the state; only the new file and the changed one go out
    (inbox / "two.txt").write_text("Second story.")
    await run_watch(inbox, WatchState.load(state_path), sent)
    assert sent == [b"First story.", b"Second story."]
    (inbox / "one.txt").write_text("First story, corrected.")
    os.utime(inbox / "one.txt", ns=(1, 10**18))
    await run_watch(inbox, WatchState.load(state_path), sent)
    assert sent[-1] == b"First story, corrected." and len(sent) == 3


def test_corrupt_state_is_a_clear_error(tmp_path):
    bad = tmp_path / "state.json"
    bad.write_text("{nope")
    with pytest.raises(ConfigError, match="corrupt"):
        WatchState.load(bad)
