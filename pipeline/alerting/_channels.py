"""Alert channels: one interface for every way an alert leaves the pipeline, and one retry loop.

A :class:`Channel` is one destination of one rule (its generic webhook, its Slack-compatible incoming
webhook, its e-mail recipients). It makes **one attempt** at a time and says how it went
(:class:`Attempt`); :func:`send` does the rest, the same for every channel: a check before the first
attempt (a URL or a configuration refused is not tried at all), retries with exponential backoff
(:class:`~pipeline.core.Backoff`; a receiver's ``Retry-After`` lengthens the wait) of what may pass
later — HTTP 429 and 5xx, SMTP 4xx, network errors —, no retry of what will not (other HTTP 4xx,
SMTP 5xx), and after the last attempt the channel's error, whose ``code`` is the registered
dead-letter reason (``webhook_failed``, ``slack_failed``, ``email_failed``).

Every attempt is reported to ``on_attempt`` — :meth:`Delivery.attempt` of the :class:`DeliveryLog`
behind ``GET /alerts/{id}/deliveries``, one delivery per alert message and channel, the channel's name
in each attempt. ``_dispatch.py`` turns a rule's channel fields into channels and delivers one alert
message to all of them at once.

A new channel: a module ``_<channel>.py`` with its settings record (a rule field), its error (a
``ChannelError`` with its reason code, registered in ``pipeline/core/_errors.py``) and a ``Channel``
subclass; then a line in ``Dispatcher.channels`` (``_dispatch.py``).
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, ClassVar

from ..core import Backoff, WirewatchError

if TYPE_CHECKING:
    from ..core import Alert

__all__ = ["Attempt", "Channel", "ChannelError", "Message", "send", "Delivery", "DeliveryLog", "OnAttempt"]

#: ``on_attempt(attempt number, status code or None, error or None, seconds until the retry or None)``;
#: the status code is the HTTP status, or the SMTP reply code.
OnAttempt = Callable[[int, "int | None", "str | None", "float | None"], None]

#: The longest wait between two attempts, whatever the backoff or the receiver's ``Retry-After`` says.
MAX_DELAY = 60.0


class ChannelError(WirewatchError):
    """A channel refused its destination, or did not deliver after every attempt. ``code`` is the
    dead-letter reason: each channel's error class sets its own."""

    code: ClassVar[str]


@dataclass(frozen=True)
class Attempt:
    """How one attempt went."""

    ok: bool
    status_code: int | None = None  # HTTP status or SMTP reply code; None: no answer (network error)
    error: str | None = None  # the network error, or the receiver's explanation (Slack's, the SMTP server's)
    permanent: bool = False  # a failure that another attempt will not mend
    retry_after: float | None = None  # the receiver asks to wait this long (HTTP Retry-After)
    summary: str = ""  # the failure in a few words, for the final error ("HTTP 400", "SMTP 550 …")


@dataclass(frozen=True)
class Message:
    """One alert message to deliver: the Alert JSON as on ``wire.alerts`` and, for channels that format
    it, the decoded alert (decoded on first use when not given)."""

    body: bytes
    alert_id: str
    status: str
    alert: Alert | None = None

    @classmethod
    def of(cls, alert: Alert, body: bytes | None = None) -> "Message":
        from ..core import dumps

        return cls(body=dumps(alert) if body is None else body, alert_id=alert.alert_id, status=alert.status,
                   alert=alert)

    def record(self) -> Alert:
        if self.alert is not None:
            return self.alert
        from ..core import Alert, from_json

        alert = from_json(Alert, self.body)
        object.__setattr__(self, "alert", alert)
        return alert


class Channel:
    """One destination of an alert: ``name`` (what the delivery log says), ``error`` (its error class,
    whose ``code`` is the dead-letter reason), :meth:`check` before the first attempt, :meth:`attempt`."""

    name: ClassVar[str] = "channel"
    error: ClassVar[type[ChannelError]] = ChannelError

    def describe(self) -> str:
        """The destination in words for errors and logs, without secrets."""
        return self.name

    async def check(self) -> None:
        """Refuse a destination that must not be tried at all (raise ``self.error``)."""

    async def attempt(self, message: Message) -> Attempt:
        """One try; never raises for what the receiver or the network does (that is an :class:`Attempt`)."""
        raise NotImplementedError


async def send(channel: Channel, message: Message, *, attempts: int = 4, base_delay: float = 0.5,
               on_attempt: OnAttempt | None = None) -> Attempt:
    """Deliver ``message`` through ``channel``: the successful :class:`Attempt`, else ``channel.error``."""
    await channel.check()
    backoff = Backoff(first=base_delay, cap=MAX_DELAY)
    last = Attempt(ok=False, summary="no attempt made")
    number = 0
    for number in range(1, max(1, attempts) + 1):
        last = await channel.attempt(message)
        if last.ok:
            if on_attempt is not None:
                on_attempt(number, last.status_code, last.error, None)
            return last
        delay = None
        if not last.permanent and number < attempts:
            delay = backoff.next()
            if last.retry_after is not None:
                delay = max(delay, min(last.retry_after, MAX_DELAY))
        if on_attempt is not None:
            on_attempt(number, last.status_code, last.error, delay)
        if delay is None:
            break
        await asyncio.sleep(delay)
    raise channel.error(f"{channel.describe()} failed after {number} attempt(s): {last.summary}")


def _iso(t: float) -> str:
    return datetime.fromtimestamp(t, timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass
class Delivery:
    """One alert message's delivery through one channel: its attempts and how it ended."""

    alert_status: str  # the status of the alert message delivered
    rule_id: str | None
    started_at: str
    channel: str = "webhook"  # webhook, slack, email
    outcome: str = "pending"  # pending, delivered, failed
    error: str | None = None  # why it failed
    attempts: list[dict[str, Any]] = field(default_factory=list)
    clock: Callable[[], float] = field(default=time.time, repr=False)

    def attempt(self, number: int, status_code: int | None, error: str | None, retry_in: float | None) -> None:
        now = self.clock()
        self.attempts.append({"at": _iso(now), "channel": self.channel, "attempt": number,
                              "status_code": status_code, "error": error,
                              "next_retry_at": _iso(now + retry_in) if retry_in is not None else None})

    def finish(self, error: str | None = None) -> None:
        self.outcome, self.error = ("failed", error) if error is not None else ("delivered", None)

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("clock")
        return data


class DeliveryLog:
    """The deliveries (every channel) of this worker's last ``capacity`` alerts (in memory, not durable)."""

    def __init__(self, capacity: int = 1000, clock: Callable[[], float] = time.time) -> None:
        self.capacity, self.clock = capacity, clock
        self._by_alert: OrderedDict[str, list[Delivery]] = OrderedDict()

    def begin(self, alert_id: str, *, alert_status: str, rule_id: str | None, channel: str = "webhook") -> Delivery:
        delivery = Delivery(alert_status=alert_status, rule_id=rule_id, started_at=_iso(self.clock()),
                            channel=channel, clock=self.clock)
        self._by_alert.setdefault(alert_id, []).append(delivery)
        self._by_alert.move_to_end(alert_id)
        while len(self._by_alert) > self.capacity:
            self._by_alert.popitem(last=False)
        return delivery

    def get(self, alert_id: str) -> list[dict[str, Any]]:
        """The alert's deliveries on this worker, oldest first (empty: none here)."""
        return [d.as_dict() for d in self._by_alert.get(alert_id, [])]
