"""Webhook delivery of alerts: signed, retried, and never to internal addresses unless allowed.

The body is the Alert JSON. Header ``X-Wirewatch-Signature: sha256=<hex>`` is the HMAC-SHA256 of the
body with the rule's secret (receivers compare it in constant time); ``X-Wirewatch-Alert-Id`` and
``X-Wirewatch-Status`` let them drop repeats (delivery is at-least-once). A 2xx answer is success;
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
from dataclasses import dataclass
from urllib.parse import urlsplit

from ..core import WirewatchError

__all__ = ["Webhook", "WebhookError", "sign", "check_url", "deliver", "guarded_connector", "internal_address"]


class WebhookError(WirewatchError):
    """A webhook URL is not allowed, or delivery failed after every attempt."""


@dataclass(frozen=True)
class Webhook:
    url: str
    secret: str


def sign(body: bytes, secret: str) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


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
    headers = {"Content-Type": "application/json", "X-Wirewatch-Signature": sign(body, hook.secret),
               "X-Wirewatch-Alert-Id": alert_id, "X-Wirewatch-Status": status}
    last = ""
    for attempt in range(attempts):
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
