"""The Slack-compatible incoming-webhook channel: an alert as a chat message.

The body is ``{"text": …, "blocks": […]}`` — the form Slack's incoming webhooks take, and Mattermost's,
Rocket.Chat's and others' that copy it. ``text`` is the one-line fallback (notifications, clients
without blocks); the blocks are a header (the event type@place and the severity), the evidence
sentence, the story's headline (linked when its uri is a web address) and uri, and a context line
(region, rule, status, what matched). Story text reaches the message as text: ``&``, ``<`` and ``>``
are escaped, so a headline cannot mention ``@channel`` or forge a link.

The URL is the rule's ``slack.url``, else the worker's ``WIREWATCH_SLACK_URL``. An incoming-webhook URL
is its own credential: errors, logs and ``GET /rules`` show its host only. Like the generic webhook, the
host must not resolve to an internal address (unless ``WIREWATCH_WEBHOOK_ALLOW_PRIVATE``); 2xx is
success, 429 (waiting at least its ``Retry-After``, at most 60 s) and 5xx are retried, other answers
(``invalid_payload``, ``no_service``, ``channel_is_archived`` …) are not.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from ._alert_text import cut, headline_line, one_line, web_link
from ._channels import Attempt, Channel, ChannelError, Message
from ._webhooks import check_http_url, post_once

if TYPE_CHECKING:
    from ..core import Alert

__all__ = ["Slack", "SlackChannel", "SlackError", "slack_payload", "masked_url"]

# Slack's limits: a header's text, a section's text, the fallback text.
_HEADER_MAX, _SECTION_MAX, _TEXT_MAX = 150, 3000, 4000


class SlackError(ChannelError):
    """A Slack incoming-webhook URL is missing or refused, or the message was not taken after every attempt."""

    code = "slack_failed"


@dataclass(frozen=True)
class Slack:
    """A rule's ``slack`` field: its incoming-webhook URL, or ``None`` for the worker's ``WIREWATCH_SLACK_URL``."""

    url: str | None = None


def masked_url(url: str | None) -> str:
    """``https://hooks.slack.com/***``: the URL without its secret path."""
    if not url:
        return "(none)"
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}/***"


def _escape(text: str) -> str:
    """Slack's mrkdwn escaping: the three characters that start entities, links and mentions."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack_payload(alert: Alert) -> dict[str, Any]:
    """The incoming-webhook body for ``alert``."""
    header = headline_line(alert)
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": cut(header, _HEADER_MAX), "emoji": False}}]
    if alert.evidence:
        blocks.append({"type": "section", "text": {
            "type": "mrkdwn", "text": cut("> " + _escape(one_line(alert.evidence)), _SECTION_MAX)}})
    headline = _escape(one_line(alert.headline)) or "(no headline)"
    link = web_link(alert.story_uri)
    story = f"*<{_escape(link)}|{headline}>*" if link else f"*{headline}*"
    blocks.append({"type": "section", "text": {
        "type": "mrkdwn",
        "text": cut(f"{story}\n`{_escape(alert.story_uri)}` v{alert.story_version}", _SECTION_MAX)}})
    context = [f"Region: *{_escape(alert.region_name or alert.region_id)}* (`{_escape(alert.region_id)}`)"]
    if alert.rule_id:
        context.append(f"Rule: `{_escape(alert.rule_id)}`")
    context.append(f"Status: {_escape(alert.status)}")
    if alert.match_reasons:
        context.append("Matched: " + _escape("; ".join(alert.match_reasons)))
    blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": cut(" · ".join(context), _SECTION_MAX)}]})
    text = f"{header} — {one_line(alert.headline)} ({alert.region_name or alert.region_id})"
    return {"text": cut(_escape(text), _TEXT_MAX), "blocks": blocks}


class SlackChannel(Channel):
    """A rule's Slack-compatible incoming webhook."""

    name = "slack"
    error = SlackError

    def __init__(self, session, url: str | None, *, allow_private: bool = False) -> None:
        self.session, self.url, self.allow_private = session, url, allow_private

    def describe(self) -> str:
        return f"Slack webhook {masked_url(self.url)}"

    async def check(self) -> None:
        if not self.url:
            raise SlackError("the rule asks for Slack without a URL and WIREWATCH_SLACK_URL is not set: "
                             "give the rule a slack.url or set WIREWATCH_SLACK_URL")
        await check_http_url(self.url, self.allow_private, error=SlackError, label="Slack webhook",
                             shown=masked_url(self.url))

    async def attempt(self, message: Message) -> Attempt:
        from ..core import dumps

        assert self.url is not None  # check() refused a missing URL
        body = dumps(slack_payload(message.record()))
        headers = {"Content-Type": "application/json", "X-Wirewatch-Alert-Id": message.alert_id,
                   "X-Wirewatch-Status": message.status}
        return await post_once(self.session, self.url, body, headers, explain=True, shown=masked_url(self.url))
