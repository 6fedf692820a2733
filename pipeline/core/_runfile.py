"""``<data dir>/run.json``: where a running ``wirewatch run`` listens (broker URL, web base URL, pid), so that
the other commands find it without being told."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import orjson

from ._files import atomic_write

__all__ = ["RUN_FILE", "RunInfo", "write_run_info", "remove_run_info", "read_run_info", "pid_alive"]

RUN_FILE = "run.json"


@dataclasses.dataclass(frozen=True)
class RunInfo:
    broker: str
    web: str
    pid: int
    path: Path


def pid_alive(pid: int) -> bool:
    """Whether a process ``pid`` exists (a zombie counts as gone)."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True  # no /proc (not Linux): os.kill said it exists
    return stat.rsplit(")", 1)[-1].split()[:1] != ["Z"]


def write_run_info(data_dir: Path, broker: str, web: str, pid: int | None = None) -> Path:
    path = Path(data_dir) / RUN_FILE
    atomic_write(path, orjson.dumps({"broker": broker, "web": web, "pid": os.getpid() if pid is None else pid},
                                    option=orjson.OPT_INDENT_2) + b"\n")
    return path


def remove_run_info(data_dir: Path, pid: int | None = None) -> None:
    """Remove the run file if it is this process's (or ``pid``'s) — not one a later run wrote."""
    path = Path(data_dir) / RUN_FILE
    try:
        if orjson.loads(path.read_bytes()).get("pid") == (os.getpid() if pid is None else pid):
            path.unlink()
    except (OSError, ValueError, AttributeError):
        pass


def read_run_info(data_dir: Path) -> tuple[RunInfo | None, str | None]:
    """The running pipeline's run file: ``(info, None)``; ``(None, why)`` when the file is there but
    unusable (its process is gone, it is corrupt); ``(None, None)`` when there is none."""
    path = Path(data_dir) / RUN_FILE
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None, None
    except OSError as exc:
        return None, f"cannot read {path} ({exc.strerror})"
    try:
        doc = orjson.loads(data)
        info = RunInfo(broker=str(doc["broker"]), web=str(doc["web"]), pid=int(doc["pid"]), path=path)
    except (ValueError, KeyError, TypeError):
        return None, f"{path} is not a run file (broker, web, pid); remove it"
    if not pid_alive(info.pid):
        return None, f"{path} is stale (its `wirewatch run`, pid {info.pid}, is gone)"
    return info, None
