"""Child processes that die with their parent (no orphans, even if the parent is killed -9)."""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
import subprocess
import sys
from functools import lru_cache
from typing import Any, Sequence

__all__ = ["spawn", "terminate", "name_os_thread", "die_with_parent", "libc"]

_PR_SET_PDEATHSIG = 1
_PR_SET_NAME = 15


@lru_cache(maxsize=1)
def libc() -> ctypes.CDLL | None:
    """The C library (Linux), loaded once; ``None`` elsewhere or if it cannot be found."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    except OSError:
        return None


def name_os_thread(name: str) -> None:
    """Give the calling thread ``name`` (at most 15 bytes) at the OS level too, so ``top -H``, ``ps -L``
    and ``/proc/<pid>/task/*/comm`` — and ``wirewatch bench``'s CPU per thread — tell it apart (Linux;
    elsewhere nothing)."""
    c = libc()
    if c is not None:
        c.prctl(_PR_SET_NAME, name.encode()[:15], 0, 0, 0)


def die_with_parent() -> None:
    """In a child process: receive SIGTERM when the parent (the thread that started it) exits (Linux),
    and leave the terminal's process group, so that a Ctrl-C reaches the parent, which stops its
    children in order."""
    c = libc()
    if c is not None:
        c.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    os.setpgrp()


def spawn(argv: Sequence[str], **kwargs: Any) -> subprocess.Popen:
    """Start ``argv`` so that it receives SIGTERM when this process (thread) exits.

    Call from the main thread: Linux sends the parent-death signal when the *thread* that
    forked the child exits.
    """
    libc()  # loaded here, not between fork and exec (find_library may run a program)
    return subprocess.Popen(list(argv), preexec_fn=die_with_parent, **kwargs)


def terminate(proc: subprocess.Popen, timeout: float = 10.0) -> int:
    """SIGTERM, wait up to ``timeout`` seconds, then SIGKILL. Returns the exit code."""
    if proc.poll() is None:
        proc.terminate()
        try:
            return proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
    return proc.wait()
