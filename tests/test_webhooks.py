"""Webhooks: signature, SSRF guard, retries (a real local HTTP server, no broker)."""

import hashlib
import hmac

import aiohttp
import pytest
from aiohttp import web

from pipeline.alerting import Webhook, WebhookError, check_url, deliver, sign

SECRET = "0123456789abcdef-secret"


def test_signature_is_hmac_sha256_of_the_body():
    body = b'{"alert_id": "x"}'
    assert sign(body, SECRET) == "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()


@pytest.mark.parametrize("url", ["http://127.0.0.1/hook", "http://localhost:8080/x", "http://10.1.2.3/",
                                 "http://169.254.169.254/latest/meta-data", "http://[::1]/", "http://192.168.0.9/"])
async def test_internal_addresses_are_refused_unless_allowed(url):
    with pytest.raises(WebhookError, match="internal address"):
        await check_url(url)
    await check_url(url, allow_private=True)


async def test_only_http_urls():
    with pytest.raises(WebhookError, match="http"):
        await check_url("file:///etc/passwd", allow_private=True)


@pytest.fixture
async def receiver():
    got, answers = [], []

    async def hook(request):
        got.append((dict(request.headers), await request.read()))
        return web.Response(status=answers.pop(0) if answers else 200)

    app = web.Application()
    app.router.add_post("/hook", hook)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}/hook", got, answers
    await runner.cleanup()


async def test_delivery_signs_and_retries_server_errors(receiver):
    url, got, answers = receiver
    answers += [503, 500]  # two failures, then 200
    body = b'{"alert_id": "a1"}'
    async with aiohttp.ClientSession() as session:
        status = await deliver(session, Webhook(url, SECRET), body, alert_id="a1", status="active",
                               base_delay=0.01, allow_private=True)
    assert status == 200 and len(got) == 3
    headers, received = got[-1]
    assert received == body and headers["X-Wirewatch-Signature"] == sign(body, SECRET)
    assert headers["X-Wirewatch-Alert-Id"] == "a1"


async def test_a_refusing_receiver_is_not_retried_and_fails(receiver):
    url, got, answers = receiver
    answers += [400]
    async with aiohttp.ClientSession() as session:
        with pytest.raises(WebhookError, match="HTTP 400"):
            await deliver(session, Webhook(url, SECRET), b"{}", alert_id="a", status="active", base_delay=0.01,
                          allow_private=True)
    assert len(got) == 1


async def test_the_connection_itself_refuses_internal_addresses(receiver):
    """DNS rebinding: whatever check_url saw, the connector's resolver checks the addresses it connects to."""
    from pipeline.alerting import guarded_connector

    url, got, _ = receiver
    by_name = url.replace("127.0.0.1", "localhost")
    async with aiohttp.ClientSession(connector=guarded_connector(allow_private=False)) as session:
        with pytest.raises(aiohttp.ClientConnectorError, match="internal address"):
            await session.post(by_name, data=b"{}")
    assert got == []
    async with aiohttp.ClientSession(connector=guarded_connector(allow_private=True)) as session:
        async with session.post(by_name, data=b"{}") as resp:
            assert resp.status == 200
