"""Where raw messages come from: files, globs, stdin, and a watched directory.

A watched directory sends each file once: what was sent (name, size, mtime, SHA-256) is recorded in
a state file after the broker acknowledged it, so a restart resumes without resending; a file that
changes is sent again. A file is sent only once its size has stopped changing between two polls.
"""

from __future__ import annotations

import asyncio
import glob
import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Awaitable, Callable

from ..core import ConfigError, load_json_state, save_json_state

__all__ = ["expand_paths", "WatchState", "watch_directory"]


def expand_paths(raw_paths: list[str]) -> list[Path]:
    """Files, directories (recursively) and glob patterns → sorted files. Unknown paths are an error."""
    out: list[Path] = []
    for raw in raw_paths:
        matches = sorted(glob.glob(raw, recursive=True)) if glob.has_magic(raw) else [raw]
        if not matches:
            raise ConfigError(f"no file matches {raw!r}")
        for match in matches:
            path = Path(match)
            if path.is_dir():
                found = sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith("."))
                if not found:
                    raise ConfigError(f"directory {raw} holds no files to send (hidden files are skipped)")
                out += found
            elif path.is_file():
                out.append(path)
            else:
                raise ConfigError(f"no such file or directory: {raw}")
    return out


@dataclass
class WatchState:
    path: Path
    sent: dict[str, dict] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path) -> "WatchState":
        return cls(path, load_json_state(path, "watch state") or {})

    def save(self) -> None:
        save_json_state(self.path, self.sent)

    def is_new(self, name: str, stat: os.stat_result) -> bool:
        seen = self.sent.get(name)
        return seen is None or (seen["size"], seen["mtime_ns"]) != (stat.st_size, stat.st_mtime_ns)

    def record(self, name: str, stat: os.stat_result, data: bytes) -> None:
        self.sent[name] = {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns, "sha256": hashlib.sha256(data).hexdigest()}


async def watch_directory(
    directory: Path,
    state: WatchState,
    send: Callable[[list[bytes]], Awaitable[int]],
    *,
    interval: float = 1.0,
    on_sent: Callable[[Path], None] | None = None,
    stop: asyncio.Event | None = None,
) -> None:
    """Poll ``directory``; send each new or changed file once its size is stable."""
    if not directory.is_dir():
        raise ConfigError(f"--watch needs a directory, got {directory}")
    pending: dict[str, int] = {}
    while stop is None or not stop.is_set():
        for path in sorted(p for p in directory.iterdir() if p.is_file() and not p.name.startswith(".")):
            stat = path.stat()
            if not state.is_new(path.name, stat):
                continue
            if pending.get(path.name) != stat.st_size:
                pending[path.name] = stat.st_size  # still being written? look again next poll
                continue
            data = path.read_bytes()
            await send([data])
            state.record(path.name, stat, data)
            state.save()
            pending.pop(path.name, None)
            if on_sent is not None:
                on_sent(path)
        try:
            await asyncio.wait_for(stop.wait() if stop else asyncio.sleep(interval), timeout=interval)
        except asyncio.TimeoutError:
            pass
