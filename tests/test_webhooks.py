"""Webhooks: signature, SSRF guard, retries (a real local HTTP server, no broker)."""

import hashlib
import hmac

import aiohttp
import pytest
from aiohttp import web

from pipeline.alerting import Webhook, WebhookError, check_url, deliver, sign, verify_signature
from tests.helpers import http_receiver

SECRET = "0123456789abcdef-secret"


T = 1_800_000_000


def test_signature_is_hmac_sha256_of_timestamp_dot_body():
    body = b'{"alert_id": "x"}'
    mac = hmac.new(SECRET.encode(), f"{T}.".encode() + body, hashlib.sha256).hexdigest()
    assert sign(body, SECRET, timestamp=T) == f"t={T},v1={mac}"


def test_a_valid_signature_verifies_within_the_window():
    body = b'{"alert_id": "x", "status": "active"}'
    header = sign(body, SECRET, timestamp=T)
    assert verify_signature(SECRET, header, body, now=T)
    assert verify_signature(SECRET, header, body, now=T + 299)
    assert verify_signature(SECRET, f"v1=0000,{header}", body, now=T)  # any matching v1 will do


def test_a_tampered_body_an_old_timestamp_or_a_wrong_secret_do_not_verify():
    body = b'{"alert_id": "x", "status": "active"}'
    header = sign(body, SECRET, timestamp=T)
    assert not verify_signature(SECRET, header, body.replace(b"active", b"retracted"), now=T)
    assert not verify_signature(SECRET, header, body, now=T + 301)  # a replay after the window
    assert not verify_signature(SECRET, header, body, now=T - 301)  # from too far in the future
    assert verify_signature(SECRET, header, body, tolerance=600, now=T + 301)
    assert not verify_signature("another-secret-0123456", header, body, now=T)
    moved = header.replace(f"t={T}", f"t={T + 60}")  # the timestamp is signed too
    assert not verify_signature(SECRET, moved, body, now=T + 60)
    for broken in ("", "sha256=abc", f"t={T}", "v1=abc", f"t=soon,v1={header[-64:]}"):
        assert not verify_signature(SECRET, broken, body, now=T)


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

    async with http_receiver("/hook", hook) as url:
        yield url, got, answers


async def test_delivery_signs_and_retries_server_errors(receiver):
    url, got, answers = receiver
    answers += [503, 500]  # two failures, then 200
    body = b'{"alert_id": "a1"}'
    async with aiohttp.ClientSession() as session:
        status = await deliver(session, Webhook(url, SECRET), body, alert_id="a1", status="active",
                               base_delay=0.01, allow_private=True)
    assert status == 200 and len(got) == 3
    headers, received = got[-1]
    assert received == body and verify_signature(SECRET, headers["X-Wirewatch-Signature"], received)
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


def test_the_documented_verification_snippet_agrees_with_the_package():
    from pathlib import Path

    doc = (Path(__file__).resolve().parent.parent / "docs" / "regions-and-rules.md").read_text()
    [snippet] = [block for block in doc.split("```python\n")[1:] if "def verify_signature" in block]
    namespace: dict = {}
    exec(snippet.split("```")[0], namespace)  # noqa: S102 — the documentation's own code
    body = b'{"alert_id": "x"}'
    header = sign(body, SECRET, timestamp=T)
    for args in [(SECRET, header, body), (SECRET, header, body + b" "), ("wrong-secret-0123456", header, body)]:
        for now in (T, T + 301):
            assert namespace["verify_signature"](*args, now=now) == verify_signature(*args, now=now)


class FakeClock:
    def __init__(self, t: float = T) -> None:
        self.t = t

    def __call__(self) -> float:
        return self.t


async def test_the_delivery_log_records_every_attempt_and_the_outcome(receiver):
    from pipeline.alerting import DeliveryLog

    url, got, answers = receiver
    answers += [503, 500]  # two failures, then 200
    log = DeliveryLog(clock=FakeClock())
    record = log.begin("a1", alert_status="active", rule_id="r")
    async with aiohttp.ClientSession() as session:
        await deliver(session, Webhook(url, SECRET), b"{}", alert_id="a1", status="active", base_delay=0.01,
                      allow_private=True, on_attempt=record.attempt)
    record.finish()
    [delivery] = log.get("a1")
    assert (delivery["outcome"], delivery["alert_status"], delivery["rule_id"]) == ("delivered", "active", "r")
    assert [(a["attempt"], a["status_code"], a["error"]) for a in delivery["attempts"]] == [
        (1, 503, None), (2, 500, None), (3, 200, None)]
    assert [a["next_retry_at"] for a in delivery["attempts"]] == [
        "2027-01-15T08:00:00.010Z", "2027-01-15T08:00:00.020Z", None]  # after 0.01 s, then 0.02 s
    assert delivery["attempts"][0]["at"] == delivery["started_at"] == "2027-01-15T08:00:00.000Z"


async def test_the_delivery_log_records_refusals_and_network_errors(receiver):
    from pipeline.alerting import DeliveryLog

    url, got, answers = receiver
    answers += [400]
    log = DeliveryLog(clock=FakeClock())
    refused = log.begin("a2", alert_status="updated", rule_id="r")
    async with aiohttp.ClientSession() as session:
        with pytest.raises(WebhookError) as exc:
            await deliver(session, Webhook(url, SECRET), b"{}", alert_id="a2", status="updated", base_delay=0.01,
                          allow_private=True, on_attempt=refused.attempt)
        refused.finish(str(exc.value))
        unreachable = log.begin("a2", alert_status="acknowledged", rule_id="r")
        closed = url.rsplit(":", 1)[0] + ":1/hook"  # nothing listens on port 1
        with pytest.raises(WebhookError) as exc:
            await deliver(session, Webhook(closed, SECRET), b"{}", alert_id="a2", status="acknowledged", attempts=2,
                          base_delay=0.01, allow_private=True, on_attempt=unreachable.attempt)
        unreachable.finish(str(exc.value))
    first, second = log.get("a2")
    assert first["outcome"] == "failed" and "HTTP 400" in first["error"]
    assert [(a["status_code"], a["next_retry_at"]) for a in first["attempts"]] == [(400, None)]
    assert second["outcome"] == "failed" and second["alert_status"] == "acknowledged"
    assert [a["status_code"] for a in second["attempts"]] == [None, None]
    assert all(a["error"] for a in second["attempts"]) and second["attempts"][0]["next_retry_at"] is not None
    assert second["attempts"][1]["next_retry_at"] is None


def test_the_delivery_log_keeps_the_last_alerts_only():
    from pipeline.alerting import DeliveryLog

    log = DeliveryLog(capacity=2, clock=FakeClock())
    for aid in ("a", "b", "a", "c"):  # a delivered again: it is recent again
        log.begin(aid, alert_status="active", rule_id=None).finish()
    assert log.get("b") == [] and len(log.get("a")) == 2 and len(log.get("c")) == 1
    assert log.get("unknown") == []
