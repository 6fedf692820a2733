"""A worker with alert rules, on the embedded broker: one alert per rule and located event, with
severity and evidence; a kill retracts it under the same id."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from pipeline import Alert
from pipeline.core import from_json
from tests.helpers import await_until, free_port, produce_and_collect, running_worker, wait_until

pytestmark = pytest.mark.broker
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
HOOK_SECRET = "integration-test-secret-0123"


@pytest.fixture(scope="module")
def worker(broker, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("rules-worker")
    rules = tmp / "rules.json"
    hook_port, slack_port, smtp_port = free_port(), free_port(), free_port()
    rules.write_bytes(orjson.dumps([
        {"id": "kurdistan-strikes", "region": "kurdistan", "categories": ["Explosions/Remote violence"]},
        {"id": "hooked", "region": "kurdistan", "keywords": ["webhook-test"],
         "webhook": {"url": f"http://127.0.0.1:{hook_port}/hook", "secret": HOOK_SECRET}},
        {"id": "chatty", "region": "kurdistan", "keywords": ["channels-test"],
         "slack": {"url": f"http://127.0.0.1:{slack_port}/services/T0/B0/secret"}, "email": True},
        {"id": "bounced", "region": "kurdistan", "keywords": ["channels-test"], "email": {"to": ["nobody@example.org"]}},
    ]))
    with running_worker(broker.url, tmp, rules=rules, ingest_token="s3cret", webhook_allow_private=True,
                        smtp_host="127.0.0.1", smtp_port=smtp_port, smtp_tls="none", smtp_from="alerts@example.org",
                        smtp_to="desk@example.org") as handle:
        handle.hook_port, handle.slack_port, handle.smtp_port = hook_port, slack_port, smtp_port
        yield handle


def item(version: int, body: str, pubstatus: str = "usable") -> bytes:
    return orjson.dumps({"uri": "urn:test:rules", "version": version, "pubstatus": pubstatus, "language": "en",
                         "headline": f"v{version}", "body_text": body})


async def test_rule_alerts_per_event_and_a_kill_retracts(worker):
    s, t = worker.settings, worker.settings.topics
    seen = await produce_and_collect(
        s, [item(1, "A drone struck the airport in Irbil on Tuesday. Nobody was hurt. Officials met in Baghdad.")],
        [t.alerts], lambda seen: any(x[0] == t.alerts for x in seen))
    [alert] = [from_json(Alert, v) for _, _, v in seen]
    assert (alert.rule_id, alert.region_id, alert.status) == ("kurdistan-strikes", "kurdistan", "active")
    assert alert.event.type == "air_drone_strike" and alert.severity == 4
    assert alert.evidence == "A drone struck the airport in Irbil on Tuesday."
    seen = await produce_and_collect(s, [item(2, "", pubstatus="canceled")], [t.alerts],
                                     lambda seen: any(x[0] == t.alerts for x in seen))
    [retraction] = [from_json(Alert, v) for _, _, v in seen]
    assert (retraction.alert_id, retraction.status, retraction.rule_id) == (alert.alert_id, "retracted",
                                                                             "kurdistan-strikes")


def test_recent_alerts_and_the_stream(worker):
    import json
    import urllib.request

    def retracted():  # the worker's feed follows wire.alerts; give it a moment to read the retraction
        with urllib.request.urlopen(f"{worker.base_url}/alerts?rule=kurdistan-strikes", timeout=5) as resp:
            body = json.loads(resp.read())
        return body if body["alerts"] and body["alerts"][0]["status"] == "retracted" else None

    body = wait_until(retracted, 20, "the rule's alert shown retracted")
    [latest] = body["alerts"]  # one alert id: its latest state, the retraction
    assert (latest["rule_id"], latest["status"]) == ("kurdistan-strikes", "retracted")
    with urllib.request.urlopen(f"{worker.base_url}/alerts?region=elsewhere", timeout=5) as resp:
        assert json.loads(resp.read())["alerts"] == []
    with urllib.request.urlopen(f"{worker.base_url}/alerts/stream?after=0", timeout=5) as resp:
        assert resp.headers["Content-Type"].startswith("text/event-stream")
        lines = [resp.readline().decode().rstrip("\n") for _ in range(8)]
    assert lines[0] == "id: 1" and lines[1] == "event: alert"
    first = json.loads(lines[2].removeprefix("data: "))
    assert first["status"] == "active" and first["event"]["type"] == "air_drone_strike"
    assert lines[4] == "id: 2"  # the retraction follows; a client resumes with Last-Event-ID


async def test_acknowledge(worker):
    import json
    import urllib.error
    import urllib.request

    s, t = worker.settings, worker.settings.topics
    story = orjson.dumps({"uri": "urn:test:ack", "version": 1, "language": "en", "headline": "h",
                          "body_text": "Rockets hit a base near Irbil on Monday."})
    seen = await produce_and_collect(s, [story], [t.alerts], lambda seen: any(x[0] == t.alerts for x in seen))
    [alert] = [from_json(Alert, v) for _, _, v in seen]

    def post(path, token, body=b""):
        req = urllib.request.Request(f"{worker.base_url}{path}", data=body, method="POST",
                                     headers={"Authorization": f"Bearer {token}"})
        try:
            with urllib.request.urlopen(req, timeout=5) as resp:
                return resp.status
        except urllib.error.HTTPError as exc:
            return exc.code

    assert post(f"/alerts/{alert.alert_id}/ack", "wrong") == 401
    assert post("/alerts/nosuchalert/ack", "s3cret") == 404
    assert post(f"/alerts/{alert.alert_id}/ack", "s3cret", b"{not json") == 400
    # 404 until the worker's feed has read the alert
    note = orjson.dumps({"by": "duty desk", "note": "called the stringer"})
    status = wait_until(lambda: (code := post(f"/alerts/{alert.alert_id}/ack", "s3cret", note)) != 404 and code, 20,
                        "the alert known to the feed")
    assert status == 202

    def acknowledged():
        with urllib.request.urlopen(f"{worker.base_url}/alerts?status=acknowledged", timeout=5) as resp:
            return json.loads(resp.read())["alerts"]

    acked = wait_until(acknowledged, 20, "the alert listed as acknowledged")
    assert [a["alert_id"] for a in acked] == [alert.alert_id]
    assert (acked[0]["acknowledged_by"], acked[0]["ack_note"]) == ("duty desk", "called the stringer")
    assert acked[0]["acknowledged_at"].endswith("Z")
    # a new version of the story updates the alert, which stays acknowledged
    newer = orjson.dumps({"uri": "urn:test:ack", "version": 2, "language": "en", "headline": "h2",
                          "body_text": "Rockets hit a base near Irbil on Monday."})
    seen = await produce_and_collect(s, [newer], [t.alerts], lambda seen: any(x[0] == t.alerts for x in seen))
    [update] = [from_json(Alert, v) for _, _, v in seen]
    assert (update.alert_id, update.status, update.story_version) == (alert.alert_id, "acknowledged", 2)
    assert update.updated_at is not None and (update.acknowledged_by, update.ack_note) == ("duty desk",
                                                                                          "called the stringer")


async def test_webhook_receives_signed_alerts(worker):
    import asyncio
    import json
    import urllib.request

    from aiohttp import web

    from pipeline.alerting import verify_signature

    got: list[tuple[dict, bytes]] = []
    arrived = asyncio.Event()

    async def hook(request):
        got.append((dict(request.headers), await request.read()))
        arrived.set()
        return web.Response(status=204)

    app = web.Application()
    app.router.add_post("/hook", hook)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", worker.hook_port).start()
    try:
        s, t = worker.settings, worker.settings.topics
        story = orjson.dumps({"uri": "urn:test:hook", "version": 1, "language": "en", "headline": "webhook-test",
                              "body_text": "Mortars hit a market near Irbil on Monday."})
        await produce_and_collect(s, [story], [t.alerts], lambda seen: any(x[0] == t.alerts for x in seen))
        await asyncio.wait_for(arrived.wait(), 30)
    finally:
        await runner.cleanup()
    headers, body = got[0]
    alert = from_json(Alert, body)
    assert alert.rule_id == "hooked" and verify_signature(HOOK_SECRET, headers["X-Wirewatch-Signature"], body)

    def delivered():  # the log is written once the receiver's answer is read
        with urllib.request.urlopen(f"{worker.base_url}/alerts/{alert.alert_id}/deliveries", timeout=5) as resp:
            found = json.loads(resp.read())["deliveries"]
        return found if found and found[-1]["outcome"] != "pending" else None

    [delivery] = wait_until(delivered, 20, "the delivery in the alert's delivery log")
    assert (delivery["outcome"], delivery["alert_status"], delivery["rule_id"]) == ("delivered", "active", "hooked")
    assert [(a["attempt"], a["status_code"], a["next_retry_at"]) for a in delivery["attempts"]] == [(1, 204, None)]


async def test_slack_and_email_deliver_and_a_refused_email_is_dead_lettered(worker):
    import asyncio
    import base64
    import email
    import email.policy
    import json
    import urllib.request

    from aiohttp import web
    from aiosmtpd.smtp import SMTP

    from pipeline.core import DeadLetter

    posts: list[tuple[dict, bytes]] = []
    mails: list[tuple[list[str], bytes]] = []
    arrived = asyncio.Event()

    async def slack(request):
        posts.append((dict(request.headers), await request.read()))
        arrived.set()
        return web.Response(text="ok")

    class Mailbox:
        async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
            if address == "nobody@example.org":
                return "550 5.1.1 No such user"
            envelope.rcpt_tos.append(address)
            return "250 OK"

        async def handle_DATA(self, server, session, envelope):
            mails.append((list(envelope.rcpt_tos), envelope.content))
            return "250 Message accepted for delivery"

    app = web.Application()
    app.router.add_post("/services/T0/B0/secret", slack)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", worker.slack_port).start()
    loop = asyncio.get_running_loop()
    smtp = await loop.create_server(lambda: SMTP(Mailbox(), loop=loop), "127.0.0.1", worker.smtp_port)
    try:
        s, t = worker.settings, worker.settings.topics
        story = orjson.dumps({"uri": "https://news.example.org/channels-test", "version": 1, "language": "en",
                              "headline": "channels-test: mortars hit Irbil",
                              "body_text": "Mortars hit a market near Irbil on Monday."})
        seen = await produce_and_collect(s, [story], [t.alerts, t.deadletter],
                                         lambda seen: any(x[0] == t.deadletter for x in seen))
        await asyncio.wait_for(arrived.wait(), 30)
        await await_until(lambda: asyncio.sleep(0, mails), 30, "the alert e-mail")
    finally:
        smtp.close()
        await runner.cleanup()
    [letter] = [from_json(DeadLetter, v) for topic, _, v in seen if topic == t.deadletter]
    bounced = from_json(Alert, base64.b64decode(letter.original_base64))
    assert (letter.stage, letter.reason, bounced.rule_id) == ("deliver", "email_failed", "bounced")
    assert "No such user" in letter.message
    [(headers, body)] = posts
    payload = json.loads(body)
    assert payload["blocks"][0]["type"] == "header" and "@Irbil" in payload["blocks"][0]["text"]["text"]
    assert "<https://news.example.org/channels-test|channels-test: mortars hit Irbil>" in json.dumps(payload)
    [(recipients, raw)] = mails
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert recipients == ["desk@example.org"] and message["X-Wirewatch-Alert-Id"] == headers["X-Wirewatch-Alert-Id"]
    assert "channels-test: mortars hit Irbil" in message["Subject"]

    def finished():
        with urllib.request.urlopen(f"{worker.base_url}/alerts/{headers['X-Wirewatch-Alert-Id']}/deliveries",
                                    timeout=5) as resp:
            found = json.loads(resp.read())["deliveries"]
        return found if len(found) == 2 and all(d["outcome"] != "pending" for d in found) else None

    deliveries = wait_until(finished, 20, "both deliveries in the alert's delivery log")
    assert sorted((d["channel"], d["outcome"], d["rule_id"]) for d in deliveries) == [
        ("email", "delivered", "chatty"), ("slack", "delivered", "chatty")]
    assert all(a["channel"] == d["channel"] for d in deliveries for a in d["attempts"])
    assert "T0/B0/secret" not in worker.log_path.read_text()  # a Slack URL is a credential
