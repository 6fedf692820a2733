"""Alert channels besides the generic webhook: Slack-compatible incoming webhooks (a local aiohttp server)
and e-mail (a local SMTP server, aiosmtpd), retried with backoff, in the delivery log, dead-lettered
with their reason codes when they give up (no broker)."""

from __future__ import annotations

import asyncio
import email
import email.policy
import json
import ssl
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web

from pipeline.alerting import (
    DeliveryLog,
    Dispatcher,
    Email,
    EmailChannel,
    EmailError,
    Message,
    Slack,
    SlackChannel,
    SlackError,
    SmtpServer,
    email_message,
    parse_rule,
    public_rule,
    send,
    slack_payload,
)
from pipeline.core import REASONS, Alert, ConfigError, Event, EventPlace, Offsets, RuleError, Settings, dead_letter
from tests.helpers import http_receiver

T = 1_800_000_000


def make_alert(**changes) -> Alert:
    fields = dict(
        alert_id="a" * 32, status="active", region_id="iraq-syria-border", region_name="Iraq–Syria border",
        story_uri="https://news.example.org/2026/strikes", story_version=2,
        headline="US jets strike <militia> depots & @channel near border", places=[],
        match_reasons=["air_drone_strike@Boukamal:inside"], created_at="2026-12-07T02:00:00Z",
        rule_id="border-violence", severity=4,
        event=Event(type="air_drone_strike", confidence=0.9, sentence=Offsets(start=0, end=10),
                    place=EventPlace(text="Boukamal", start=0, end=8, how="attached", kind="toponym", geonameid=1,
                                     name="Ālbū Kamāl", country_code="SY", lat=34.45, lon=40.92)),
        evidence="US jets struck <b>militia</b> depots near Boukamal on Tuesday.",
    )
    fields.update(changes)
    return Alert(**fields)


class FakeClock:
    def __init__(self, t: float = T) -> None:
        self.t = t

    def __call__(self) -> float:
        return self.t


# -- rules and settings -------------------------------------------------------------------------------

def test_rules_take_slack_and_email_fields():
    rule = parse_rule({"id": "r", "region": "x", "slack": {"url": "https://hooks.slack.com/services/T/B/secret"},
                       "email": {"to": ["desk@example.org", "desk@example.org", "duty@example.org"]}}, ["x"])
    assert rule.slack == Slack("https://hooks.slack.com/services/T/B/secret") and rule.delivers
    assert rule.email == Email(("desk@example.org", "duty@example.org"))  # a repeat counts once
    defaults = parse_rule({"id": "r", "region": "x", "slack": True, "email": True}, ["x"])
    assert defaults.slack == Slack(None) and defaults.email == Email(())
    plain = parse_rule({"id": "r", "region": "x", "slack": False}, ["x"])
    assert plain.slack is None and plain.email is None and not plain.delivers


@pytest.mark.parametrize("field, value", [
    ("slack", {"url": "ftp://hooks.example.org/x"}), ("slack", "https://hooks.example.org/x"), ("slack", {"url": 1}),
    ("slack", {"url": "https://x.org/h", "channel": "#ops"}), ("email", {"to": []}), ("email", {"to": "a@b.org"}),
    ("email", {"to": ["not an address"]}), ("email", {"to": ["a@b.org, c@d.org"]}), ("email", ["a@b.org"]),
    ("email", {"to": ["a@b.org\r\nBcc: x@y.org"]}),
])
def test_bad_channel_fields_are_refused(field, value):
    with pytest.raises(RuleError, match=field):
        parse_rule({"id": "r", "region": "x", field: value}, ["x"])


def test_slack_urls_are_masked_where_rules_are_shown():
    shown = public_rule({"id": "r", "slack": {"url": "https://hooks.slack.com/services/T0/B0/secretpath"},
                         "webhook": {"url": "https://h.example.org/x", "secret": "s" * 16}})
    assert shown["slack"] == {"url": "https://hooks.slack.com/***"} and shown["webhook"]["secret"] == "***"


def test_smtp_settings_from_the_environment():
    settings = Settings.from_env({"WIREWATCH_SMTP_HOST": "smtp.example.org", "WIREWATCH_SMTP_FROM": "wirewatch <alerts@example.org>",
                                  "WIREWATCH_SMTP_TO": "desk@example.org, duty@example.org", "WIREWATCH_SMTP_TLS": "tls",
                                  "WIREWATCH_SMTP_USERNAME": "alerts", "WIREWATCH_SMTP_PASSWORD": "pw",
                                  "WIREWATCH_SLACK_URL": "https://hooks.slack.com/services/T/B/x"})
    server = SmtpServer.from_settings(settings)
    assert (server.host, server.effective_port, server.tls, server.sender_address(), server.to) == (
        "smtp.example.org", 465, "tls", "alerts@example.org", ("desk@example.org", "duty@example.org"))
    assert "pw" not in repr(server)
    assert SmtpServer(host="h").effective_port == 587 and SmtpServer(host="h", tls="none", port=2525).effective_port == 2525


@pytest.mark.parametrize("env, match", [
    ({"WIREWATCH_SMTP_TLS": "ssl"}, "SMTP_TLS"),
    ({"WIREWATCH_SMTP_PORT": "70000"}, "SMTP_PORT"),
    ({"WIREWATCH_SMTP_USERNAME": "u"}, "SMTP_PASSWORD"),
    ({"WIREWATCH_SMTP_HOST": "smtp.example.org"}, "SMTP_FROM"),
    ({"WIREWATCH_SMTP_FROM": "nobody"}, "SMTP_FROM"),
    ({"WIREWATCH_SMTP_TO": "a@b.org, nobody"}, "SMTP_TO"),
    ({"WIREWATCH_SLACK_URL": "hooks.slack.com/x"}, "SLACK_URL"),
])
def test_bad_channel_settings_say_what_to_fix(env, match):
    with pytest.raises(ConfigError, match=match):
        Settings.from_env(env)


def test_the_reason_codes_are_registered():
    assert REASONS["slack_failed"].stages == REASONS["email_failed"].stages == ("deliver",)
    assert (SlackError.code, EmailError.code) == ("slack_failed", "email_failed")


# -- Slack ----------------------------------------------------------------------------------------------

def test_the_slack_payload():
    payload = slack_payload(make_alert())
    header, evidence, story, context = payload["blocks"]
    assert header == {"type": "header", "text": {"type": "plain_text", "text": "air_drone_strike@Boukamal · severity 4",
                                                 "emoji": False}}
    assert evidence["text"] == {"type": "mrkdwn", "text": "> US jets struck &lt;b&gt;militia&lt;/b&gt; depots near Boukamal on Tuesday."}
    assert story["text"]["text"] == ("*<https://news.example.org/2026/strikes|US jets strike &lt;militia&gt; depots &amp; @channel near border>*"
                                     "\n`https://news.example.org/2026/strikes` v2")
    [line] = context["elements"]
    assert line["text"] == ("Region: *Iraq–Syria border* (`iraq-syria-border`) · Rule: `border-violence` · Status: active · "
                            "Matched: air_drone_strike@Boukamal:inside")
    assert payload["text"].startswith("air_drone_strike@Boukamal · severity 4 — US jets strike &lt;militia&gt;")
    assert "<" not in payload["text"] and "<b>" not in json.dumps(payload)  # story text never becomes markup


def test_the_slack_payload_of_other_alerts():
    retracted = slack_payload(make_alert(status="retracted", event=None, severity=None, evidence=None,
                                         story_uri="urn:example:story|x", headline="A\nheadline " + "long " * 100))
    header, story, _ = retracted["blocks"]
    assert header["text"]["text"] == "[retracted] Iraq–Syria border · no severity"
    assert story["text"]["text"].startswith("*A headline long") and "<urn" not in story["text"]["text"]  # not a web link
    cut = slack_payload(make_alert(event=make_alert().event, headline="x", evidence="word " * 2000))
    assert len(cut["blocks"][1]["text"]["text"]) == 3000 and cut["blocks"][1]["text"]["text"].endswith("…")


@pytest.fixture
async def chat():
    """A local Slack-compatible receiver: answers ``answers`` in turn (then 200 ``ok``); a status with a
    Retry-After is given as (status, seconds)."""
    got, answers = [], []

    async def hook(request):
        got.append((dict(request.headers), await request.read()))
        answer = answers.pop(0) if answers else 200
        status, retry_after = answer if isinstance(answer, tuple) else (answer, None)
        text = {200: "ok", 404: "no_service", 429: "rate_limited", 500: "internal_error"}.get(status, "invalid_payload")
        return web.Response(status=status, text=text, headers={"Retry-After": str(retry_after)} if retry_after else {})

    async with http_receiver("/services/T0/B0/secretpath", hook) as url:
        yield url, got, answers


async def test_slack_receives_the_payload_and_rate_limits_are_retried(chat):
    url, got, answers = chat
    answers += [(429, 0.05), 500]
    alert = make_alert()
    log = DeliveryLog(clock=FakeClock())
    record = log.begin(alert.alert_id, alert_status="active", rule_id="border-violence", channel="slack")
    async with aiohttp.ClientSession() as session:
        done = await send(SlackChannel(session, url, allow_private=True), Message.of(alert), base_delay=0.01,
                          on_attempt=record.attempt)
    record.finish()
    assert done.ok and done.status_code == 200 and len(got) == 3
    headers, body = got[-1]
    assert json.loads(body) == json.loads(json.dumps(slack_payload(alert)))
    assert headers["Content-Type"] == "application/json" and headers["X-Wirewatch-Alert-Id"] == alert.alert_id
    [delivery] = log.get(alert.alert_id)
    assert delivery["channel"] == "slack" and delivery["outcome"] == "delivered"
    assert [(a["channel"], a["attempt"], a["status_code"], a["error"]) for a in delivery["attempts"]] == [
        ("slack", 1, 429, "rate_limited"), ("slack", 2, 500, "internal_error"), ("slack", 3, 200, None)]
    # the first wait is Retry-After's 0.05 s, longer than the backoff's 0.01 s; the second the backoff's 0.02 s
    assert [a["next_retry_at"] for a in delivery["attempts"]] == [
        "2027-01-15T08:00:00.050Z", "2027-01-15T08:00:00.020Z", None]


async def test_slack_refusals_are_not_retried_and_the_url_stays_secret(chat):
    url, got, answers = chat
    answers += [404]
    async with aiohttp.ClientSession() as session:
        with pytest.raises(SlackError) as exc:
            await send(SlackChannel(session, url, allow_private=True), Message.of(make_alert()), base_delay=0.01)
        assert len(got) == 1 and "HTTP 404 no_service" in str(exc.value)
        assert "secretpath" not in str(exc.value) and "127.0.0.1:" in str(exc.value)
        closed = url.rsplit(":", 1)[0] + ":1/services/T0/B0/secretpath"  # nothing listens on port 1
        with pytest.raises(SlackError) as exc:
            await send(SlackChannel(session, closed, allow_private=True), Message.of(make_alert()), attempts=2,
                       base_delay=0.01)
        assert "after 2 attempt(s)" in str(exc.value) and "secretpath" not in str(exc.value)


async def test_slack_without_a_url_or_to_an_internal_address_is_refused_before_any_attempt(chat):
    url, got, _ = chat
    async with aiohttp.ClientSession() as session:
        with pytest.raises(SlackError, match="WIREWATCH_SLACK_URL"):
            await send(SlackChannel(session, None), Message.of(make_alert()))
        with pytest.raises(SlackError, match="internal address") as exc:
            await send(SlackChannel(session, url), Message.of(make_alert()))
    assert got == [] and "secretpath" not in str(exc.value)


# -- e-mail ---------------------------------------------------------------------------------------------

def test_the_email_message():
    server = SmtpServer(host="smtp.example.org", sender="wirewatch <alerts@example.org>")
    message = email_message(make_alert(), server, ("desk@example.org", "duty@example.org"))
    assert message["Subject"] == ("[wirewatch] air_drone_strike@Boukamal · severity 4 — "
                                  "US jets strike <militia> depots & @channel near border")
    assert (message["From"], message["To"]) == ("wirewatch <alerts@example.org>", "desk@example.org, duty@example.org")
    assert message["X-Wirewatch-Alert-Id"] == "a" * 32 and message["X-Wirewatch-Status"] == "active"
    assert message["References"] == f"<{'a' * 32}.alert@example.org>" and message["Message-ID"].endswith("@example.org>")
    plain = message.get_body(("plain",)).get_content()
    assert "“US jets struck <b>militia</b> depots near Boukamal on Tuesday.”" in plain
    assert "Region:  Iraq–Syria border (iraq-syria-border)" in plain and "Rule:    border-violence" in plain
    assert "https://news.example.org/2026/strikes (version 2)" in plain
    page = message.get_body(("html",)).get_content()
    assert "<b>militia</b>" not in page and "&lt;b&gt;militia&lt;/b&gt;" in page  # story text is text, never markup
    assert '<a href="https://news.example.org/2026/strikes">US jets strike &lt;militia&gt; depots &amp; @channel' in page


def test_a_headline_cannot_add_headers():
    server = SmtpServer(host="smtp.example.org", sender="alerts@example.org")
    message = email_message(make_alert(headline="Hi\r\nBcc: victim@example.org"), server, ("desk@example.org",))
    assert message["Bcc"] is None and "\n" not in message["Subject"]


class Mailbox:
    """An aiosmtpd handler: refuses the recipients in ``refuse``, answers DATA with ``answers`` in turn
    (then accepts), keeps what it accepted."""

    def __init__(self) -> None:
        self.received: list[tuple[str, list[str], bytes]] = []
        self.answers: list[str] = []
        self.refuse: dict[str, str] = {}
        self.logins: list[tuple[str, bytes]] = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.answers:
            return self.answers.pop(0)
        self.received.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 Message accepted for delivery"

    def authenticate(self, server, session, envelope, mechanism, auth_data):
        from aiosmtpd.smtp import AuthResult

        self.logins.append((auth_data.login.decode(), auth_data.password))
        return AuthResult(success=auth_data.password == b"right-password", handled=False)  # unhandled: the server answers 535


@pytest.fixture
async def smtp():
    """A local SMTP server on this loop (no TLS, AUTH allowed in plain text) and its mailbox."""
    from aiosmtpd.smtp import SMTP

    box = Mailbox()
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: SMTP(box, hostname="mail.test", authenticator=box.authenticate, auth_require_tls=False, loop=loop),
        "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    yield SmtpServer(host="127.0.0.1", port=port, tls="none", sender="wirewatch <alerts@example.org>", timeout=5), box
    server.close()
    await server.wait_closed()


def _parsed(raw: bytes) -> email.message.EmailMessage:
    return email.message_from_bytes(raw, policy=email.policy.default)


async def test_email_is_delivered_after_a_temporary_refusal(smtp):
    server, box = smtp
    box.answers.append("451 4.3.0 Try again later")
    alert = make_alert()
    log = DeliveryLog(clock=FakeClock())
    record = log.begin(alert.alert_id, alert_status="active", rule_id="border-violence", channel="email")
    done = await send(EmailChannel(server, ("desk@example.org",)), Message.of(alert), base_delay=0.01,
                      on_attempt=record.attempt)
    record.finish()
    assert done.ok and done.status_code == 250
    [(sender, recipients, raw)] = box.received
    assert (sender, recipients) == ("alerts@example.org", ["desk@example.org"])
    message = _parsed(raw)
    assert message["Subject"].startswith("[wirewatch] air_drone_strike@Boukamal · severity 4")
    assert "Boukamal" in message.get_body(("plain",)).get_content()
    assert message.get_body(("html",)) is not None
    [delivery] = log.get(alert.alert_id)
    assert (delivery["channel"], delivery["outcome"]) == ("email", "delivered")
    assert [(a["channel"], a["attempt"], a["status_code"], a["error"]) for a in delivery["attempts"]] == [
        ("email", 1, 451, "4.3.0 Try again later"), ("email", 2, 250, None)]
    assert delivery["attempts"][0]["next_retry_at"] == "2027-01-15T08:00:00.010Z"


async def test_a_refused_recipient_is_not_retried(smtp):
    server, box = smtp
    box.refuse["nobody@example.org"] = "550 5.1.1 No such user"
    with pytest.raises(EmailError) as exc:
        await send(EmailChannel(server, ("nobody@example.org",)), Message.of(make_alert()), base_delay=0.01)
    assert exc.value.code == "email_failed" and "after 1 attempt(s)" in str(exc.value)
    assert "550" in str(exc.value) and "No such user" in str(exc.value) and box.received == []


async def test_some_recipients_refused_still_delivers_to_the_others(smtp):
    server, box = smtp
    box.refuse["nobody@example.org"] = "550 5.1.1 No such user"
    done = await send(EmailChannel(server, ("nobody@example.org", "desk@example.org")), Message.of(make_alert()))
    assert done.ok and "nobody@example.org" in done.error and [r for _, r, _ in box.received] == [["desk@example.org"]]


async def test_credentials_are_used_and_a_wrong_password_is_not_retried(smtp):
    server, box = smtp
    from dataclasses import replace

    await send(EmailChannel(replace(server, username="alerts", password="right-password"), ("desk@example.org",)),
               Message.of(make_alert()))
    assert box.logins == [("alerts", b"right-password")] and len(box.received) == 1
    with pytest.raises(EmailError, match="after 1 attempt") as exc:
        await send(EmailChannel(replace(server, username="alerts", password="wrong-pw-4711"), ("desk@example.org",)),
                   Message.of(make_alert()), base_delay=0.01)
    # one attempt (aiosmtplib tries each mechanism the server offers), no retry; the password is not in the error
    assert {login for login in box.logins[1:]} == {("alerts", b"wrong-pw-4711")} and len(box.received) == 1
    assert "535" in str(exc.value) and "wrong-pw-4711" not in str(exc.value)


async def test_starttls_is_required_when_asked_for(smtp):
    """A server without STARTTLS gets nothing — least of all a password — and is not tried again."""
    server, box = smtp
    from dataclasses import replace

    with pytest.raises(EmailError, match="STARTTLS") as exc:
        await send(EmailChannel(replace(server, tls="starttls", username="alerts", password="right-password"),
                                ("desk@example.org",)), Message.of(make_alert()), base_delay=0.01)
    assert "after 1 attempt" in str(exc.value) and box.logins == [] and box.received == []


TLS = Path(__file__).resolve().parent / "fixtures" / "tls"  # a self-signed certificate for localhost and 127.0.0.1, tests only


def _server_tls() -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(TLS / "localhost-cert.pem", TLS / "localhost-key.pem")
    return context


@pytest.fixture
async def smtp_tls():
    """Two local SMTP servers with the test certificate: one that requires STARTTLS, one that speaks TLS
    from the first byte."""
    from aiosmtpd.smtp import SMTP

    box = Mailbox()
    loop = asyncio.get_running_loop()
    starttls = await loop.create_server(
        lambda: SMTP(box, hostname="mail.test", tls_context=_server_tls(), require_starttls=True,
                     authenticator=box.authenticate, loop=loop), "127.0.0.1", 0)
    implicit = await loop.create_server(
        lambda: SMTP(box, hostname="mail.test", authenticator=box.authenticate, loop=loop,
                     auth_require_tls=False),  # it is TLS, from the first byte: aiosmtpd does not know it
        "127.0.0.1", 0, ssl=_server_tls())
    ports = starttls.sockets[0].getsockname()[1], implicit.sockets[0].getsockname()[1]
    yield SmtpServer(host="127.0.0.1", port=ports[0], tls="starttls", sender="alerts@example.org", timeout=5,
                     username="alerts", password="right-password"), ports[1], box
    for server in (starttls, implicit):
        server.close()
        await server.wait_closed()


async def test_starttls_and_tls_with_a_trusted_certificate(smtp_tls, monkeypatch):
    from dataclasses import replace

    server, tls_port, box = smtp_tls
    monkeypatch.setenv("SSL_CERT_FILE", str(TLS / "localhost-cert.pem"))  # trust the test certificate
    await send(EmailChannel(server, ("desk@example.org",)), Message.of(make_alert()))
    await send(EmailChannel(replace(server, tls="tls", port=tls_port), ("duty@example.org",)), Message.of(make_alert()))
    assert [r for _, r, _ in box.received] == [["desk@example.org"], ["duty@example.org"]]
    assert box.logins == [("alerts", b"right-password")] * 2  # the password only ever went over TLS


async def test_a_certificate_that_does_not_verify_is_not_retried(smtp_tls):
    from dataclasses import replace

    server, tls_port, box = smtp_tls
    for tried in (server, replace(server, tls="tls", port=tls_port)):
        with pytest.raises(EmailError, match="after 1 attempt") as exc:
            await send(EmailChannel(tried, ("desk@example.org",)), Message.of(make_alert()), base_delay=0.01)
        assert "CERTIFICATE_VERIFY_FAILED" in str(exc.value) or "certificate verify failed" in str(exc.value)
    assert box.logins == [] and box.received == []


async def test_an_unreachable_server_is_retried():
    from pipeline.kafka import free_port

    server = SmtpServer(host="127.0.0.1", port=free_port(), tls="none", sender="alerts@example.org", timeout=2)
    log = DeliveryLog(clock=FakeClock())
    record = log.begin("a", alert_status="active", rule_id="r", channel="email")
    with pytest.raises(EmailError, match="after 3 attempt"):
        await send(EmailChannel(server, ("desk@example.org",)), Message.of(make_alert()), attempts=3, base_delay=0.01,
                   on_attempt=record.attempt)
    assert [(a["status_code"], bool(a["error"])) for a in log.get("a")[0]["attempts"]] == [(None, True)] * 3


async def test_email_without_a_server_or_recipients_is_refused_before_any_attempt():
    with pytest.raises(EmailError, match="WIREWATCH_SMTP_HOST"):
        await send(EmailChannel(SmtpServer(), ("desk@example.org",)), Message.of(make_alert()))
    with pytest.raises(EmailError, match="WIREWATCH_SMTP_TO"):
        await send(EmailChannel(SmtpServer(host="h", sender="a@b.org"), ()), Message.of(make_alert()))


# -- every channel of a rule at once ---------------------------------------------------------------------

async def test_a_rule_s_channels_are_delivered_at_once_and_failures_carry_their_reason(chat, smtp):
    url, got, _ = chat
    server, box = smtp
    box.refuse["nobody@example.org"] = "550 5.1.1 No such user"
    settings = Settings(webhook_allow_private=True, slack_url=url, smtp_host=server.host, smtp_port=server.port,
                        smtp_tls="none", smtp_from="alerts@example.org", smtp_to="desk@example.org")
    rules = [parse_rule({"id": "ok", "region": "x", "slack": True, "email": True}, ["x"]),
             parse_rule({"id": "bounced", "region": "x", "email": {"to": ["nobody@example.org"]}}, ["x"])]
    log = DeliveryLog(clock=FakeClock())
    alert = make_alert()
    body = Message.of(alert).body
    async with aiohttp.ClientSession() as session:
        dispatcher = Dispatcher(session, settings, log, base_delay=0.01)
        assert [c.name for c in dispatcher.channels(rules[0])] == ["slack", "email"]
        delivered = await dispatcher.dispatch(rules[0], Message(body=body, alert_id=alert.alert_id, status=alert.status))
        failed = await dispatcher.dispatch(rules[1], Message.of(alert, body))
    assert [(c.name, e) for c, e in delivered] == [("slack", None), ("email", None)]
    assert len(got) == 1 and [r for _, r, _ in box.received] == [["desk@example.org"]]
    [(channel, error)] = failed
    assert channel.name == "email" and error.code == "email_failed"
    letter = dead_letter(stage="deliver", reason=error.code, message=str(error), original=body)  # what the agent sends
    assert letter.reason == "email_failed" and "No such user" in letter.message
    deliveries = log.get(alert.alert_id)
    assert [(d["rule_id"], d["channel"], d["outcome"]) for d in deliveries] == [
        ("ok", "slack", "delivered"), ("ok", "email", "delivered"), ("bounced", "email", "failed")]
    assert all(a["channel"] == d["channel"] for d in deliveries for a in d["attempts"])


async def test_a_channel_that_breaks_is_a_failure_not_a_crash():
    class Broken(SlackChannel):
        async def attempt(self, message):
            raise RuntimeError("a bug")

    class Dispatching(Dispatcher):
        def channels(self, rule):
            return [Broken(None, "https://hooks.example.org/x", allow_private=True)]

    rule = parse_rule({"id": "r", "region": "x", "slack": True}, ["x"])
    [(channel, error)] = await Dispatching(None, Settings()).dispatch(rule, Message.of(make_alert()))
    assert error.code == "slack_failed" and "RuntimeError: a bug" in str(error)
