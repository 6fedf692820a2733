"""Feed polling against a real HTTP server on loopback."""

from __future__ import annotations

import time

import aiohttp
import pytest
from aiohttp import web

from pipeline import ConfigError
from pipeline.ingest import FeedPoller

FEED = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>Demo</title>
<item><guid>urn:demo:feed:1</guid><title>Clashes near Kirkuk</title><description>Clashes were reported near Kirkuk.</description></item>
</channel></rss>"""


class Server:
    def __init__(self):
        self.body, self.etag, self.status, self.requests = FEED, '"v1"', 200, []

    async def handle(self, request):
        self.requests.append(dict(request.headers))
        if self.status != 200:
            return web.Response(status=self.status, headers={"Retry-After": "120"})
        if request.headers.get("If-None-Match") == self.etag:
            return web.Response(status=304)
        return web.Response(body=self.body, headers={"ETag": self.etag}, content_type="application/rss+xml")


@pytest.fixture
async def server():
    srv = Server()
    app = web.Application()
    app.router.add_get("/feed", srv.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    srv.url = f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}/feed"
    yield srv
    await runner.cleanup()


async def test_poll_sends_once_then_uses_conditional_requests(server, tmp_path):
    sent = []

    async def send(data):
        sent.append(data)

    state = tmp_path / "feeds.json"
    poller = FeedPoller([server.url], send, state, interval=10)
    async with aiohttp.ClientSession() as session:
        assert await poller.poll_once(session, server.url) == "sent"
        assert await poller.poll_once(session, server.url) == "not_modified"
        assert server.requests[-1]["If-None-Match"] == '"v1"'
        server.etag = '"v2"'  # new ETag, same body: nothing is resent
        assert await poller.poll_once(session, server.url) == "unchanged"
        server.status = 503
        outcome = await poller.poll_once(session, server.url)
        assert outcome.startswith("error: HTTP 503") and poller.states[server.url].next_poll >= time.time() + 119
    assert sent == [FEED]
    # restart: the state file carries the ETag, so the first request is conditional
    server.status = 200
    again = FeedPoller([server.url], send, state, interval=10)
    async with aiohttp.ClientSession() as session:
        assert await again.poll_once(session, server.url) == "not_modified"
    assert sent == [FEED]


async def test_unreachable_feed_backs_off(tmp_path):
    async def send(data):
        raise AssertionError("nothing to send")

    url = "http://127.0.0.1:1/feed"
    poller = FeedPoller([url], send, tmp_path / "f.json", interval=1, max_backoff=5)
    async with aiohttp.ClientSession() as session:
        first = await poller.poll_once(session, url)
        second = await poller.poll_once(session, url)
    assert first.startswith("error") and "attempt 2" in second
    assert poller.states[url].next_poll <= time.time() + 5  # capped


def test_feed_urls_must_be_http(tmp_path):
    with pytest.raises(ConfigError, match="http"):
        FeedPoller(["file:///etc/passwd"], None, tmp_path / "f.json")


def test_polled_feed_parses_into_stories():
    from pipeline import parse_raw

    [story] = parse_raw(FEED)
    assert (story.uri, story.headline, story.source_format) == ("urn:demo:feed:1", "Clashes near Kirkuk", "feed")
