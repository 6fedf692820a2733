"""A worker's alert channels: a rule's channel fields made into channels, and one alert message
delivered to all of them at once (see ``_channels.py`` for the interface and the retry loop)."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from ..core import Settings
from ._channels import Channel, ChannelError, DeliveryLog, Message, send
from ._email import EmailChannel, SmtpServer
from ._rules import Rule
from ._slack import SlackChannel
from ._webhooks import WebhookChannel

__all__ = ["Dispatcher"]

log = logging.getLogger("wirewatch")


class Dispatcher:
    """A rule's ``webhook``, ``slack`` and ``email`` fields as channels — with the worker's settings: the
    default Slack URL, the SMTP server and its default recipients — and :meth:`dispatch`, which delivers
    one alert message through each of them concurrently, every attempt in ``log`` under the channel's
    name. ``session`` is an aiohttp session, best with :func:`guarded_connector`'s connector."""

    def __init__(self, session: Any, settings: Settings, log: DeliveryLog | None = None, *, attempts: int = 4,
                 base_delay: float = 0.5) -> None:
        self.session, self.settings = session, settings
        self.log = DeliveryLog() if log is None else log
        self.attempts, self.base_delay = attempts, base_delay
        self.smtp = SmtpServer.from_settings(settings)

    def channels(self, rule: Rule) -> list[Channel]:
        allow_private = self.settings.webhook_allow_private
        out: list[Channel] = []
        if rule.webhook is not None:
            out.append(WebhookChannel(self.session, rule.webhook, allow_private=allow_private))
        if rule.slack is not None:
            out.append(SlackChannel(self.session, rule.slack.url or self.settings.slack_url,
                                    allow_private=allow_private))
        if rule.email is not None:
            out.append(EmailChannel(self.smtp, rule.email.to or self.smtp.to))
        return out

    async def dispatch(self, rule: Rule, message: Message) -> list[tuple[Channel, ChannelError | None]]:
        """Deliver ``message`` through each of the rule's channels at once: each channel with the error it
        ended with (``None``: delivered). The error's ``code`` is the dead-letter reason."""

        async def one(channel: Channel) -> tuple[Channel, ChannelError | None]:
            record = self.log.begin(message.alert_id, alert_status=message.status, rule_id=rule.id,
                                    channel=channel.name)
            try:
                await send(channel, message, attempts=self.attempts, base_delay=self.base_delay,
                           on_attempt=record.attempt)
            except ChannelError as exc:
                record.finish(str(exc))
                return channel, exc
            except Exception as exc:  # a fault of the channel itself: dead-lettered like a failure, never raised
                log.exception("%s: delivery of alert %s failed", channel.describe(), message.alert_id)
                error = channel.error(f"{channel.describe()} failed: {type(exc).__name__}: {exc}")
                record.finish(str(error))
                return channel, error
            record.finish()
            return channel, None

        return list(await asyncio.gather(*(one(c) for c in self.channels(rule))))
