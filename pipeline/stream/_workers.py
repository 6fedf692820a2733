"""Worker processes: ``wirewatch worker`` as a child process, and waiting until it is ready."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from ..core import Settings, WirewatchError, settings_to_env, spawn

__all__ = ["WorkerDied", "spawn_worker", "wait_ready"]


class WorkerDied(WirewatchError):
    pass


def spawn_worker(settings: Settings, log_path: Path, module: str = "pipeline") -> subprocess.Popen:
    """``wirewatch worker`` as a child process with ``settings`` in its environment, output to ``log_path``;
    it dies with this process. ``module``: what ``python -m`` runs (tests run a worker with injected faults)."""
    with open(log_path, "ab") as log:
        return spawn([sys.executable, "-m", module, "worker"], env={**os.environ, **settings_to_env(settings)},
                     stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)


def wait_ready(url: str, proc: subprocess.Popen, timeout: float, log_path: Path) -> float:
    """Poll ``url`` (/ready) until it answers 200; fail early if the worker exits."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if proc.poll() is not None:
            raise WorkerDied(f"the worker exited with code {proc.returncode} before it was ready; see {log_path}")
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:
                if resp.status == 200:
                    return time.monotonic() - start
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass  # not up yet (503 is an HTTPError, a URLError): poll again
        time.sleep(0.2)
    raise WorkerDied(f"the worker was not ready within {timeout:.0f} s; see {log_path}")
