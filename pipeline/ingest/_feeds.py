"""``wirewatch ingest --feed URL…``: poll RSS/Atom/ninjs feeds over HTTP(S).

Each poll that returns a new document sends it, as fetched, to ``wire.raw`` (the normalize stage
splits it into stories; the versions table drops entries already seen). Conditional requests
(``If-None-Match`` / ``If-Modified-Since``) and a content hash avoid resending an unchanged feed.
Failures back off exponentially (honouring ``Retry-After``) up to ``max_backoff``. What was seen is
kept in a state file, so a restart resumes with conditional requests.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Awaitable, Callable

import aiohttp

from ..core import ConfigError, backoff_delay, load_json_state, save_json_state

__all__ = ["FeedPoller", "FeedState"]

log = logging.getLogger("wirewatch.feeds")
_MAX_FEED_BYTES = 16 * 1024 * 1024


@dataclass
class FeedState:
    etag: str | None = None
    last_modified: str | None = None
    sha256: str | None = None
    failures: int = 0
    next_poll: float = 0.0  # time.time() of the next allowed poll


@dataclass
class FeedPoller:
    urls: list[str]
    send: Callable[[bytes], Awaitable[None]]
    state_path: Path
    interval: float = 60.0
    max_backoff: float = 900.0
    timeout: float = 30.0
    states: dict[str, FeedState] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for url in self.urls:
            if not url.startswith(("http://", "https://")):
                raise ConfigError(f"feed URL must be http(s)://…, got {url!r}")
        saved = load_json_state(self.state_path, "feed state") or {}
        self.states = {u: FeedState(**saved[u]) for u in self.urls if u in saved}
        for url in self.urls:
            self.states.setdefault(url, FeedState())

    def _save(self) -> None:
        save_json_state(self.state_path, {u: asdict(s) for u, s in self.states.items()})

    def _fail(self, state: FeedState, why: str, retry_after: float | None = None) -> str:
        state.failures += 1
        delay = backoff_delay(self.interval, state.failures, self.max_backoff)
        if retry_after is not None:
            delay = max(delay, min(retry_after, self.max_backoff))
        state.next_poll = time.time() + delay
        return f"error: {why} (attempt {state.failures}, next try in {delay:.0f} s)"

    async def poll_once(self, session: aiohttp.ClientSession, url: str) -> str:
        """Poll ``url`` once: ``sent``, ``not_modified``, ``unchanged`` or ``error: …``."""
        state = self.states[url]
        headers = {"Accept": "application/rss+xml, application/atom+xml, application/json, */*;q=0.5",
                   "User-Agent": "wirewatch-feed-poller"}
        if state.etag:
            headers["If-None-Match"] = state.etag
        if state.last_modified:
            headers["If-Modified-Since"] = state.last_modified
        try:
            async with session.get(url, headers=headers, timeout=aiohttp.ClientTimeout(total=self.timeout)) as resp:
                if resp.status == 304:
                    outcome = "not_modified"
                elif resp.status >= 400:
                    retry = resp.headers.get("Retry-After")
                    return self._fail(state, f"HTTP {resp.status}", float(retry) if retry and retry.isdigit() else None)
                else:
                    body = await resp.content.read(_MAX_FEED_BYTES + 1)
                    if len(body) > _MAX_FEED_BYTES:
                        return self._fail(state, f"feed larger than {_MAX_FEED_BYTES} bytes")
                    digest = hashlib.sha256(body).hexdigest()
                    if digest == state.sha256:
                        outcome = "unchanged"
                    else:
                        await self.send(body)
                        state.sha256 = digest
                        outcome = "sent"
                    state.etag = resp.headers.get("ETag") or state.etag
                    state.last_modified = resp.headers.get("Last-Modified") or state.last_modified
        except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
            return self._fail(state, f"{type(exc).__name__}: {exc}")
        finally:
            self._save()
        state.failures = 0
        state.next_poll = time.time() + self.interval
        self._save()
        return outcome

    async def run(self, stop: asyncio.Event, report: Callable[[str, str], None] | None = None) -> None:
        async with aiohttp.ClientSession() as session:
            while not stop.is_set():
                now = time.time()
                for url in self.urls:
                    if self.states[url].next_poll <= now:
                        outcome = await self.poll_once(session, url)
                        (report or (lambda u, o: log.info("%s: %s", u, o)))(url, outcome)
                wake = min(s.next_poll for s in self.states.values()) - time.time()
                try:
                    await asyncio.wait_for(stop.wait(), timeout=max(0.05, min(wake, self.interval)))
                except asyncio.TimeoutError:
                    pass
