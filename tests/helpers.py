"""Test helpers: wait on conditions with deadlines (never sleep as synchronisation)."""

from __future__ import annotations

import asyncio
import subprocess
import time
import uuid
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import AsyncIterator, Awaitable, Callable, Iterator, TypeVar

from pipeline.core import Settings, terminate
from pipeline.kafka import follow, free_port, produce
from pipeline.stream import spawn_worker, wait_ready

T = TypeVar("T")


def wait_until(check: Callable[[], T], timeout: float, what: str, interval: float = 0.2) -> T:
    """Call ``check`` until it returns something truthy (returned), or fail after ``timeout`` seconds
    saying ``what`` did not happen. The one way tests wait for a condition."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise AssertionError(f"{what}: not within {timeout:g} s (last: {value!r})")
        time.sleep(interval)


async def await_until(check: Callable[[], Awaitable[T]], timeout: float, what: str, interval: float = 0.2) -> T:
    """:func:`wait_until` for a coroutine function."""
    deadline = time.monotonic() + timeout
    while True:
        value = await check()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise AssertionError(f"{what}: not within {timeout:g} s (last: {value!r})")
        await asyncio.sleep(interval)


async def produce_and_collect(
    settings: Settings,
    messages: list[bytes],
    topics: list[str],
    done: Callable[[list[tuple[str, bytes | None, bytes]]], bool],
    timeout: float = 60.0,
    to_topic: str | None = None,
) -> list[tuple[str, bytes | None, bytes]]:
    """Start following ``topics`` at their end, produce ``messages`` (to raw unless ``to_topic``),
    collect until ``done``."""
    seen: list[tuple[str, bytes | None, bytes]] = []
    started = asyncio.Event()

    async def collect() -> None:
        async for item in follow(settings.bootstrap_servers, topics, started=started):
            seen.append(item)
            if done(seen):
                return

    task = asyncio.ensure_future(collect())
    await asyncio.wait_for(started.wait(), 20)
    await produce(settings.bootstrap_servers, to_topic or settings.topics.raw, messages)
    try:
        await asyncio.wait_for(task, timeout)
    except asyncio.TimeoutError:
        raise AssertionError(f"condition not met within {timeout} s; saw {len(seen)} records: {seen[:5]}") from None
    return seen


async def produce_and_watch(
    settings: Settings,
    messages: list[bytes],
    topics: list[str],
    done: Callable[[list[tuple[str, bytes | None, bytes]]], bool],
    linger: float,
    timeout: float = 60.0,
) -> list[tuple[str, bytes | None, bytes]]:
    """Like :func:`produce_and_collect`, but keep collecting for ``linger`` seconds once ``done`` holds:
    for checking that nothing comes *after* what was awaited."""
    seen: list[tuple[str, bytes | None, bytes]] = []
    started, reached = asyncio.Event(), asyncio.Event()

    async def collect() -> None:
        async for item in follow(settings.bootstrap_servers, topics, started=started):
            seen.append(item)
            if done(seen):
                reached.set()

    task = asyncio.ensure_future(collect())
    try:
        await asyncio.wait_for(started.wait(), 20)
        await produce(settings.bootstrap_servers, settings.topics.raw, messages)
        try:
            await asyncio.wait_for(reached.wait(), timeout)
        except asyncio.TimeoutError:
            raise AssertionError(f"condition not met within {timeout} s; saw {len(seen)} records") from None
        await asyncio.sleep(linger)
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    return seen


@dataclass
class WorkerHandle:
    settings: Settings
    proc: subprocess.Popen
    log_path: Path
    ready_seconds: float

    @property
    def base_url(self) -> str:
        return f"http://{self.settings.web_host}:{self.settings.web_port}"

    def stop(self) -> int:
        return terminate(self.proc, timeout=15)


def make_settings(broker_url: str, tmp: Path, regions: Path, **extra) -> Settings:
    tag = uuid.uuid4().hex[:8]
    return Settings.from_env(
        environ={},
        broker=broker_url,
        topic_prefix=f"t{tag}.",
        app_id=f"wirewatch-test-{tag}",
        partitions=2,
        web_port=free_port(),
        session_timeout=2.0,
        producer_batch_bytes=1,  # embedded broker: one record per batch (see Settings.producer_batch_bytes)
        regions=regions,
        data_dir=tmp,
        **extra,
    )


def start_worker(settings: Settings, timeout: float = 120.0) -> WorkerHandle:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    log_path = settings.data_dir / f"worker-{settings.web_port}.log"
    proc = spawn_worker(settings, log_path)
    t0 = time.monotonic()
    try:
        waited = wait_ready(f"http://{settings.web_host}:{settings.web_port}/ready", proc, timeout, log_path)
    except Exception:
        terminate(proc)
        print(log_path.read_text()[-5000:])
        raise
    return WorkerHandle(settings, proc, log_path, waited or time.monotonic() - t0)


FIXTURE_REGIONS = Path(__file__).resolve().parent / "fixtures" / "regions.geojson"


@contextmanager
def running_worker(broker_url: str, tmp: Path, regions: Path = FIXTURE_REGIONS, **extra) -> Iterator[WorkerHandle]:
    """Fresh topics (prefix and group of their own) and one worker on them; stopped cleanly afterwards."""
    from pipeline.kafka import ensure_topics

    settings = make_settings(broker_url, tmp, regions, **extra)
    asyncio.run(ensure_topics(settings.bootstrap_servers, settings.all_topics, partitions=2, replication=1))
    handle = start_worker(settings)
    try:
        yield handle
    finally:
        code = handle.stop()
    assert code == 0, handle.log_path.read_text()[-3000:]


@asynccontextmanager
async def http_receiver(path: str, handler: Callable) -> AsyncIterator[str]:
    """A local HTTP server answering POSTs to ``path`` with ``handler``; yields the URL to post to."""
    from aiohttp import web

    app = web.Application()
    app.router.add_post(path, handler)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        yield f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}{path}"
    finally:
        await runner.cleanup()
