"""Webhook delivery of alerts: signed, retried, and never to internal addresses unless allowed.

The body is the Alert JSON. Header ``X-Wirewatch-Signature: t=<unix seconds>,v1=<hex>`` carries when
the attempt was signed and the HMAC-SHA256, with the rule's secret, of ``"<t>.<body>"``: a receiver
checks it with :func:`verify_signature` (constant-time comparison, and a replay window: a signature
older than five minutes is refused), so a captured request cannot be replayed later. Every attempt is
signed afresh. ``X-Wirewatch-Alert-Id`` and ``X-Wirewatch-Status`` let receivers drop repeats
(delivery is at-least-once). A 2xx answer is success; 429/5xx and network errors are retried with
exponential backoff (``_channels.send``: the generic webhook is one channel among others); after the
last attempt the caller dead-letters the alert. URLs whose host resolves to a loopback, private,
link-local or reserved address are refused (server-side request forgery) unless
``WIREWATCH_WEBHOOK_ALLOW_PRIVATE`` is set. The check is made on the very addresses the connection uses
(:func:`guarded_connector`: a resolver that refuses internal addresses), so a host whose DNS answer
changes between a check and the connection ("DNS rebinding") cannot reach an internal address either;
the Slack channel uses the same guards. ``_channels.DeliveryLog`` keeps the attempts of a worker's last alerts in memory
(``GET /alerts/{id}/deliveries``).
"""

from __future__ import annotations

import asyncio
import errno
import hashlib
import hmac
import ipaddress
import socket
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from ._channels import Attempt, Channel, ChannelError, Message, OnAttempt, send

__all__ = ["Webhook", "WebhookError", "WebhookChannel", "sign", "verify_signature", "check_url", "check_http_url",
           "deliver", "guarded_connector", "internal_address", "post_once"]


class WebhookError(ChannelError):
    """A webhook URL is not allowed, or delivery failed after every attempt."""

    code = "webhook_failed"


@dataclass(frozen=True)
class Webhook:
    url: str
    secret: str


def sign(body: bytes, secret: str, timestamp: int | None = None) -> str:
    """The ``X-Wirewatch-Signature`` value: ``t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">``."""
    t = int(time.time()) if timestamp is None else int(timestamp)
    mac = hmac.new(secret.encode(), str(t).encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"t={t},v1={mac}"


def verify_signature(secret: str, header: str, body: bytes, tolerance: int = 300, now: float | None = None) -> bool:
    """Whether ``header`` (``X-Wirewatch-Signature``) signs ``body`` (the raw request bytes) with
    ``secret`` within ``tolerance`` seconds of ``now``. Standard library only: copy it as it is."""
    import hashlib
    import hmac
    import time

    fields = [part.split("=", 1) for part in header.split(",") if "=" in part]
    stamps = [v.strip() for k, v in fields if k.strip() == "t"]
    macs = [v.strip() for k, v in fields if k.strip() == "v1"]
    if len(stamps) != 1 or not stamps[0].isdigit() or not macs:
        return False
    if abs((time.time() if now is None else now) - int(stamps[0])) > tolerance:
        return False  # too old (a replay) or from too far in the future
    expected = hmac.new(secret.encode(), stamps[0].encode() + b"." + body, hashlib.sha256).hexdigest()
    return any(hmac.compare_digest(expected, mac) for mac in macs)


def internal_address(text: str) -> bool:
    address = ipaddress.ip_address(text.split("%")[0])
    return (address.is_private or address.is_loopback or address.is_link_local or address.is_reserved
            or address.is_multicast or address.is_unspecified)


def guarded_connector(allow_private: bool = False):
    """An aiohttp connector whose resolver refuses internal addresses (unless allowed): the
    addresses checked are the addresses connected to."""
    import aiohttp
    from aiohttp.abc import AbstractResolver
    from aiohttp.resolver import DefaultResolver

    class GuardedResolver(AbstractResolver):
        def __init__(self) -> None:
            self._inner = DefaultResolver()

        async def resolve(self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET) -> list:
            results = await self._inner.resolve(host, port, family)
            if not allow_private:
                bad = [r["host"] for r in results if internal_address(r["host"])]
                if bad:
                    raise OSError(errno.EACCES, f"webhook host {host!r} resolves to an internal address ({bad[0]}); "
                                  "set WIREWATCH_WEBHOOK_ALLOW_PRIVATE=1 to allow it")
            return results

        async def close(self) -> None:
            await self._inner.close()

    return aiohttp.TCPConnector(resolver=GuardedResolver())


async def check_url(url: str, allow_private: bool = False) -> None:
    """Refuse non-HTTP(S) URLs and, unless allowed, hosts resolving to internal addresses."""
    await check_http_url(url, allow_private, error=WebhookError, label="webhook", shown=url)


async def check_http_url(url: str, allow_private: bool, *, error: type[ChannelError], label: str, shown: str) -> None:
    """:func:`check_url` for any HTTP channel: ``label`` names it and ``shown`` is the URL as errors show
    it (a Slack URL is its own secret: only its host is shown)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise error(f"{label} URL {shown!r} must be http(s)://host/…")
    if allow_private:
        return
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(parts.hostname, parts.port or 443, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise error(f"{label} host {parts.hostname!r} does not resolve: {exc}") from None
    for *_, sockaddr in infos:
        if internal_address(sockaddr[0]):
            raise error(f"{label} host {parts.hostname!r} resolves to an internal address ({sockaddr[0]}); "
                        "set WIREWATCH_WEBHOOK_ALLOW_PRIVATE=1 to allow it")


def _retry_after(value: str | None) -> float | None:
    """An HTTP ``Retry-After`` in seconds (the date form is not used by the receivers we know)."""
    try:
        seconds = float(value) if value is not None else None
    except ValueError:
        return None
    return seconds if seconds is not None and 0 <= seconds < float("inf") else None


async def post_once(session, url: str, body: bytes, headers: dict[str, str], *, explain: bool = False,
                    shown: str | None = None) -> Attempt:
    """One POST: 2xx is success; 429 and 5xx may pass later; another answer is permanent; a network error
    or a timeout (10 s) may pass later. ``explain``: the answer's first 200 characters are the attempt's
    ``error`` and its ``Retry-After`` is honoured. ``shown``: the URL as errors show it."""
    import aiohttp

    try:
        async with session.post(url, data=body, headers=headers, allow_redirects=False,
                                timeout=aiohttp.ClientTimeout(total=10)) as resp:
            if 200 <= resp.status < 300:
                return Attempt(ok=True, status_code=resp.status)
            said = None
            if explain:
                said = " ".join((await resp.text(errors="replace"))[:200].split()) or None
            return Attempt(ok=False, status_code=resp.status, error=said,
                           permanent=resp.status != 429 and resp.status < 500,
                           retry_after=_retry_after(resp.headers.get("Retry-After")) if explain else None,
                           summary=f"HTTP {resp.status}" + (f" {said}" if said else ""))
    except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
        text = f"{type(exc).__name__}: {exc}"
        if shown is not None:
            text = text.replace(url, shown)
        return Attempt(ok=False, error=text, summary=text)


class WebhookChannel(Channel):
    """A rule's generic webhook: the Alert JSON as it is, signed (``X-Wirewatch-Signature``)."""

    name = "webhook"
    error = WebhookError

    def __init__(self, session, hook: Webhook, *, allow_private: bool = False) -> None:
        self.session, self.hook, self.allow_private = session, hook, allow_private

    def describe(self) -> str:
        return f"webhook {self.hook.url}"

    async def check(self) -> None:
        await check_url(self.hook.url, self.allow_private)

    async def attempt(self, message: Message) -> Attempt:
        headers = {"Content-Type": "application/json", "X-Wirewatch-Alert-Id": message.alert_id,
                   "X-Wirewatch-Status": message.status,
                   "X-Wirewatch-Signature": sign(message.body, self.hook.secret)}  # signed afresh: a retry is not stale
        return await post_once(self.session, self.hook.url, message.body, headers)


async def deliver(session, hook: Webhook, body: bytes, *, alert_id: str, status: str, attempts: int = 4,
                  base_delay: float = 0.5, allow_private: bool = False, on_attempt: OnAttempt | None = None) -> int:
    """POST ``body`` to the hook; the HTTP status on success, else :class:`WebhookError`. ``on_attempt``
    hears of every attempt (for :class:`DeliveryLog`)."""
    done = await send(WebhookChannel(session, hook, allow_private=allow_private),
                      Message(body=body, alert_id=alert_id, status=status),
                      attempts=attempts, base_delay=base_delay, on_attempt=on_attempt)
    return done.status_code or 200
