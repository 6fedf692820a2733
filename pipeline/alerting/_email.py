"""The e-mail channel: an alert as a message in plain text and simple HTML, sent over SMTP (aiosmtplib).

The SMTP server is the worker's (``WIREWATCH_SMTP_HOST``, ``_PORT``, ``_TLS``, ``_USERNAME``,
``_PASSWORD``, ``_FROM``); the recipients are the rule's ``email.to``, else ``WIREWATCH_SMTP_TO``. The
subject is the event type@place, the severity and the headline; the body has the evidence sentence, the
story (headline, uri, linked when a web address), the region, rule, status, places and what matched.
Headers ``X-Wirewatch-Alert-Id`` and ``X-Wirewatch-Status`` let a mail filter sort and drop repeats;
every message of one alert ``References`` the same id, so mail clients thread an alert's updates.

``WIREWATCH_SMTP_TLS``: ``starttls`` (the default: the server must offer STARTTLS, else nothing is
sent, least of all a password), ``tls`` (TLS from the first byte, port 465) or ``none`` (plain text: a
relay on the same host or network only). A reply 4xx, a dropped connection or a timeout is retried with
backoff; a reply 5xx (recipient unknown, message refused, authentication failed), a missing STARTTLS or
a certificate that does not verify are not. When the server takes the message for some recipients and
refuses others, the delivery counts as delivered and the attempt's ``error`` names the refused ones.
"""

from __future__ import annotations

import html
import re
import ssl
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from typing import TYPE_CHECKING

from ._alert_text import cut, headline_line, one_line, web_link
from ._channels import Attempt, Channel, ChannelError, Message

if TYPE_CHECKING:
    from ..core import Alert, Settings

__all__ = ["Email", "EmailChannel", "EmailError", "SmtpServer", "email_message", "valid_address"]

_ADDRESS = re.compile(r"[^@\s,;<>\"()\[\]\\]+@[^@\s,;<>\"()\[\]\\]+")
_PORTS = {"starttls": 587, "tls": 465, "none": 25}


def valid_address(text: str) -> bool:
    """A bare address, ``desk@example.org`` (no display name, no list)."""
    return isinstance(text, str) and _ADDRESS.fullmatch(text) is not None


class EmailError(ChannelError):
    """E-mail is not configured, or the SMTP server did not take the message after every attempt."""

    code = "email_failed"


@dataclass(frozen=True)
class Email:
    """A rule's ``email`` field: its recipients, or none for the worker's ``WIREWATCH_SMTP_TO``."""

    to: tuple[str, ...] = ()


@dataclass(frozen=True)
class SmtpServer:
    """Where and how a worker sends e-mail (``WIREWATCH_SMTP_*``); ``host`` ``None``: e-mail is off."""

    host: str | None = None
    port: int = 0  # 0: by ``tls``, 587 (starttls), 465 (tls) or 25 (none)
    tls: str = "starttls"
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    sender: str | None = None
    to: tuple[str, ...] = ()
    timeout: float = 30.0

    @classmethod
    def from_settings(cls, settings: Settings) -> "SmtpServer":
        to = tuple(a.strip() for a in (settings.smtp_to or "").split(",") if a.strip())
        return cls(host=settings.smtp_host, port=settings.smtp_port, tls=settings.smtp_tls,
                   username=settings.smtp_username, password=settings.smtp_password, sender=settings.smtp_from, to=to)

    @property
    def effective_port(self) -> int:
        return self.port or _PORTS.get(self.tls, 587)

    def sender_address(self) -> str:
        return parseaddr(self.sender or "")[1]


def _subject(alert: Alert) -> str:
    return cut(f"[wirewatch] {headline_line(alert)} — {one_line(alert.headline) or '(no headline)'}", 200)


def _places(alert: Alert) -> str:
    return ", ".join(f"{p.name or p.text}{f' ({p.country_code})' if p.country_code else ''}" for p in alert.places)


def _facts(alert: Alert) -> list[tuple[str, str]]:
    facts = [("Region", f"{alert.region_name or alert.region_id} ({alert.region_id})")]
    if alert.rule_id:
        facts.append(("Rule", alert.rule_id))
    facts.append(("Status", alert.status))
    if alert.places:
        facts.append(("Places", _places(alert)))
    if alert.match_reasons:
        facts.append(("Matched", "; ".join(alert.match_reasons)))
    if alert.acknowledged_by:
        facts.append(("Acknowledged", f"by {alert.acknowledged_by}" + (f": {alert.ack_note}" if alert.ack_note else "")))
    facts.append(("Alert", alert.alert_id))
    return [(k, one_line(v)) for k, v in facts]


def plain_text(alert: Alert) -> str:
    lines = [headline_line(alert), ""]
    if alert.evidence:
        lines += [f"“{one_line(alert.evidence)}”", ""]
    lines += [f"Story: {one_line(alert.headline) or '(no headline)'}",
              f"       {alert.story_uri} (version {alert.story_version})", ""]
    width = max(len(k) for k, _ in _facts(alert))
    lines += [f"{k + ':':<{width + 1}} {v}" for k, v in _facts(alert)]
    return "\n".join(lines) + "\n"


def html_text(alert: Alert) -> str:
    e = html.escape
    headline = e(one_line(alert.headline) or "(no headline)")
    link = web_link(alert.story_uri)
    story = f'<a href="{e(link)}">{headline}</a>' if link else headline
    parts = [f"<h2>{e(headline_line(alert))}</h2>"]
    if alert.evidence:
        parts.append(f"<blockquote>{e(one_line(alert.evidence))}</blockquote>")
    parts.append(f"<p><strong>{story}</strong><br><code>{e(alert.story_uri)}</code> (version {alert.story_version})</p>")
    rows = "".join(f"<tr><th align=\"left\">{e(k)}</th><td>{e(v)}</td></tr>" for k, v in _facts(alert))
    parts.append(f"<table>{rows}</table>")
    return "<!DOCTYPE html>\n<html><body>\n" + "\n".join(parts) + "\n</body></html>\n"


def email_message(alert: Alert, server: SmtpServer, to: tuple[str, ...], *, now: datetime | None = None) -> EmailMessage:
    """The message for ``alert``: plain text, with an HTML alternative."""
    domain = server.sender_address().rpartition("@")[2] or "wirewatch.invalid"
    message = EmailMessage()
    message["Subject"] = _subject(alert)
    message["From"] = server.sender or ""
    message["To"] = ", ".join(to)
    message["Date"] = format_datetime(now or datetime.now(timezone.utc))
    message["Message-ID"] = make_msgid("alert", domain=domain)
    message["References"] = f"<{alert.alert_id}.alert@{domain}>"
    message["X-Wirewatch-Alert-Id"] = alert.alert_id
    message["X-Wirewatch-Status"] = alert.status
    message.set_content(plain_text(alert))
    message.add_alternative(html_text(alert), subtype="html")
    return message


def _failed(code: int | None, text: str, *, permanent: bool) -> Attempt:
    text = one_line(text)
    summary = f"SMTP {code} {text}" if code is not None else text
    return Attempt(ok=False, status_code=code, error=text or None, permanent=permanent, summary=summary)


class EmailChannel(Channel):
    """A rule's e-mail recipients, through the worker's SMTP server."""

    name = "email"
    error = EmailError

    def __init__(self, server: SmtpServer, to: tuple[str, ...]) -> None:
        self.server, self.to = server, tuple(to)

    def describe(self) -> str:
        return f"e-mail to {', '.join(self.to) or '(nobody)'} via {self.server.host}:{self.server.effective_port}"

    async def check(self) -> None:
        if not self.server.host or not self.server.sender:
            raise EmailError("the rule asks for e-mail but no SMTP server is configured: set WIREWATCH_SMTP_HOST "
                             "and WIREWATCH_SMTP_FROM")
        if not self.to:
            raise EmailError("the rule asks for e-mail without recipients and WIREWATCH_SMTP_TO is not set: "
                             "give the rule email.to or set WIREWATCH_SMTP_TO")

    async def attempt(self, message: Message) -> Attempt:
        import aiosmtplib

        server = self.server
        mail = email_message(message.record(), server, self.to)
        try:
            refused, _ = await aiosmtplib.send(
                mail, sender=server.sender_address(), recipients=list(self.to), hostname=server.host,
                port=server.effective_port, username=server.username, password=server.password,
                use_tls=server.tls == "tls", start_tls=server.tls == "starttls", timeout=server.timeout)
        except aiosmtplib.SMTPRecipientsRefused as exc:  # every recipient refused
            codes = [r.code for r in exc.recipients]
            said = "; ".join(f"{r.recipient}: {r.code} {r.message}" for r in exc.recipients)
            return _failed(min(codes, default=None), f"recipients refused: {said}",
                           permanent=all(c >= 500 for c in codes))
        except aiosmtplib.SMTPResponseException as exc:  # a reply: 4xx may pass later, 5xx will not
            return _failed(exc.code, exc.message, permanent=exc.code >= 500)
        except (aiosmtplib.SMTPServerDisconnected, aiosmtplib.SMTPConnectError, aiosmtplib.SMTPTimeoutError) as exc:
            if isinstance(exc.__cause__, ssl.SSLCertVerificationError):
                return _failed(None, f"{type(exc).__name__}: {exc}", permanent=True)
            return _failed(None, f"{type(exc).__name__}: {exc}", permanent=False)
        except aiosmtplib.SMTPException as exc:  # no STARTTLS, no AUTH, no SMTPUTF8: the server will not change
            return _failed(None, f"{type(exc).__name__}: {exc}", permanent=True)
        except ssl.SSLError as exc:
            return _failed(None, f"{type(exc).__name__}: {exc}", permanent=True)
        except OSError as exc:
            return _failed(None, f"{type(exc).__name__}: {exc}", permanent=False)
        if refused:
            said = "; ".join(f"{address}: {reply.code} {reply.message}" for address, reply in refused.items())
            return Attempt(ok=True, status_code=250, error=one_line(f"some recipients refused: {said}"))
        return Attempt(ok=True, status_code=250)
