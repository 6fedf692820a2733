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
connection ("DNS rebinding") cannot reach an internal address either.
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

from ..core import WirewatchError

__all__ = ["Webhook", "WebhookError", "sign", "verify_signature", "check_url", "deliver", "guarded_connector",
           "internal_address"]


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
                  base_delay: float = 0.5, allow_private: bool = False) -> int:
    """POST ``body`` to the hook; the HTTP status on success, else :class:`WebhookError`."""
    import aiohttp

    await check_url(hook.url, allow_private)
    headers = {"Content-Type": "application/json", "X-Wirewatch-Alert-Id": alert_id, "X-Wirewatch-Status": status}
    last = ""
    for attempt in range(attempts):
        headers["X-Wirewatch-Signature"] = sign(body, hook.secret)  # signed afresh: a retry is not stale
        try:
            async with session.post(hook.url, data=body, headers=headers, allow_redirects=False,
                                    timeout=aiohttp.ClientTimeout(total=10)) as resp:
                if 200 <= resp.status < 300:
                    return resp.status
                last = f"HTTP {resp.status}"
                if resp.status != 429 and resp.status < 500:
                    break  # the receiver refuses it: retrying will not help
        except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
            last = f"{type(exc).__name__}: {exc}"
        if attempt + 1 < attempts:
            await asyncio.sleep(base_delay * 2 ** attempt)
    raise WebhookError(f"webhook {hook.url} failed after {attempt + 1} attempt(s): {last}")
