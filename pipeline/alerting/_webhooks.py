"""Webhook delivery of alerts: signed, retried, and never to internal addresses unless allowed.

The body is the Alert JSON. Header ``X-Wirewatch-Signature: t=<unix seconds>,v1=<hex>`` carries when
the attempt was signed and the HMAC-SHA256, with the rule's secret, of ``"<t>.<body>"``: a receiver
checks it with :func:`verify_signature` (constant-time comparison, and a replay window: a signature
older than five minutes is refused), so a captured request cannot be replayed later. Every attempt is
signed afresh. ``X-Wirewatch-Alert-Id`` and ``X-Wirewatch-Status`` let receivers drop repeats
(delivery is at-least-once). A 2xx answer is success;
429/5xx and network errors are retried with exponential backoff; after the last attempt the caller
dead-letters the alert. URLs whose host resolves to a loopback, private, link-local or reserved
address are refused (server-side request forgery) unless ``WIREWATCH_WEBHOOK_ALLOW_PRIVATE`` is set.
The check is made on the very addresses the connection uses (:func:`guarded_connector`: a resolver
that refuses internal addresses), so a host whose DNS answer changes between a check and the
connection ("DNS rebinding") cannot reach an internal address either. :class:`DeliveryLog` keeps the
attempts of a worker's last alerts in memory (``GET /alerts/{id}/deliveries``).
"""

from __future__ import annotations

import asyncio
import errno
import hashlib
import hmac
import ipaddress
import socket
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from typing import Any
from urllib.parse import urlsplit

from ..core import WirewatchError, backoff_delay

__all__ = ["Webhook", "WebhookError", "sign", "verify_signature", "check_url", "deliver", "guarded_connector",
           "internal_address", "Delivery", "DeliveryLog"]

#: ``on_attempt(attempt number, HTTP status or None, error or None, seconds until the retry or None)``
OnAttempt = Callable[[int, "int | None", "str | None", "float | None"], None]


class WebhookError(WirewatchError):
    """A webhook URL is not allowed, or delivery failed after every attempt."""


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
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise WebhookError(f"webhook URL {url!r} must be http(s)://host/…")
    if allow_private:
        return
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(parts.hostname, parts.port or 443, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise WebhookError(f"webhook host {parts.hostname!r} does not resolve: {exc}") from None
    for *_, sockaddr in infos:
        if internal_address(sockaddr[0]):
            raise WebhookError(f"webhook host {parts.hostname!r} resolves to an internal address ({sockaddr[0]}); "
                               "set WIREWATCH_WEBHOOK_ALLOW_PRIVATE=1 to allow it")


async def deliver(session, hook: Webhook, body: bytes, *, alert_id: str, status: str, attempts: int = 4,
                  base_delay: float = 0.5, allow_private: bool = False, on_attempt: OnAttempt | None = None) -> int:
    """POST ``body`` to the hook; the HTTP status on success, else :class:`WebhookError`. ``on_attempt``
    hears of every attempt (for :class:`DeliveryLog`)."""
    import aiohttp

    await check_url(hook.url, allow_private)
    headers = {"Content-Type": "application/json", "X-Wirewatch-Alert-Id": alert_id, "X-Wirewatch-Status": status}
    last = ""
    for attempt in range(attempts):
        headers["X-Wirewatch-Signature"] = sign(body, hook.secret)  # signed afresh: a retry is not stale
        try:
            async with session.post(hook.url, data=body, headers=headers, allow_redirects=False,
                                    timeout=aiohttp.ClientTimeout(total=10)) as resp:
                code: int | None = resp.status
                if 200 <= resp.status < 300:
                    if on_attempt is not None:
                        on_attempt(attempt + 1, resp.status, None, None)
                    return resp.status
                last, error = f"HTTP {resp.status}", None
                if resp.status != 429 and resp.status < 500:
                    if on_attempt is not None:
                        on_attempt(attempt + 1, resp.status, None, None)
                    break  # the receiver refuses it: retrying will not help
        except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
            code, last = None, f"{type(exc).__name__}: {exc}"
            error = last
        delay = backoff_delay(base_delay, attempt, cap=60.0) if attempt + 1 < attempts else None
        if on_attempt is not None:
            on_attempt(attempt + 1, code, error, delay)
        if delay is not None:
            await asyncio.sleep(delay)
    raise WebhookError(f"webhook {hook.url} failed after {attempt + 1} attempt(s): {last}")


def _iso(t: float) -> str:
    return datetime.fromtimestamp(t, timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass
class Delivery:
    """One alert message's webhook delivery: its attempts and how it ended."""

    alert_status: str  # the status of the alert message delivered
    rule_id: str | None
    started_at: str
    outcome: str = "pending"  # pending, delivered, failed
    error: str | None = None  # why it failed
    attempts: list[dict[str, Any]] = field(default_factory=list)
    clock: Callable[[], float] = field(default=time.time, repr=False)

    def attempt(self, number: int, status_code: int | None, error: str | None, retry_in: float | None) -> None:
        now = self.clock()
        self.attempts.append({"at": _iso(now), "attempt": number, "status_code": status_code, "error": error,
                              "next_retry_at": _iso(now + retry_in) if retry_in is not None else None})

    def finish(self, error: str | None = None) -> None:
        self.outcome, self.error = ("failed", error) if error is not None else ("delivered", None)

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("clock")
        return data


class DeliveryLog:
    """The webhook deliveries of this worker's last ``capacity`` alerts (in memory, not durable)."""

    def __init__(self, capacity: int = 1000, clock: Callable[[], float] = time.time) -> None:
        self.capacity, self.clock = capacity, clock
        self._by_alert: OrderedDict[str, list[Delivery]] = OrderedDict()

    def begin(self, alert_id: str, *, alert_status: str, rule_id: str | None) -> Delivery:
        delivery = Delivery(alert_status=alert_status, rule_id=rule_id, started_at=_iso(self.clock()),
                            clock=self.clock)
        self._by_alert.setdefault(alert_id, []).append(delivery)
        self._by_alert.move_to_end(alert_id)
        while len(self._by_alert) > self.capacity:
            self._by_alert.popitem(last=False)
        return delivery

    def get(self, alert_id: str) -> list[dict[str, Any]]:
        """The alert's deliveries on this worker, oldest first (empty: none here)."""
        return [d.as_dict() for d in self._by_alert.get(alert_id, [])]
