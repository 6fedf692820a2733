"""The exception hierarchy and the registry of dead-letter reason codes.

Every error wirewatch raises on purpose is a ``WirewatchError``; messages say what went wrong *and* what
to do about it. Every reason a message is dead-lettered for is a :class:`Reason` in :data:`REASONS`
(its code, the stages that use it, what it means, what to do): parse errors, dead letters, the
dead-letter schema's ``reason`` enum and the reason tables in docs/formats.md all follow it (tests
check that they agree).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "Reason",
    "REASONS",
    "DEAD_LETTER_STAGES",
    "reason",
    "WirewatchError",
    "ConfigError",
    "BrokerError",
    "TopicsMissing",
    "ModelError",
    "GazetteerError",
    "CorpusError",
    "RegionError",
    "ParseError",
    "UnsupportedFormat",
    "MalformedInput",
    "MissingContent",
    "InputTooLarge",
]


#: The stages that dead-letter messages, in pipeline order.
DEAD_LETTER_STAGES = ("normalize", "enrich", "match", "incidents", "deliver")


@dataclass(frozen=True)
class Reason:
    """Why a message was rejected: a stable machine-readable code, the stages that use it, what it
    means and what to do about it."""

    code: str
    stages: tuple[str, ...]
    meaning: str
    fix: str


_N = ("normalize",)
#: Every dead-letter reason code, by code.
REASONS: dict[str, Reason] = {r.code: r for r in (
    Reason("too_large", _N, "the message is larger than WIREWATCH_MAX_MESSAGE_BYTES",
           "raise the limit if such stories are legitimate"),
    Reason("empty", _N, "the message is empty or only white space", "fix the producer"),
    Reason("binary", _N, "the message looks like binary data, not text",
           "send text; pictures and other media are not stories"),
    Reason("invalid_utf8", _N, "the bytes are not valid UTF-8", "re-encode the message as UTF-8"),
    Reason("bad_json", _N, "JSON that does not parse, or that ends inside a UTF-8 character (cut short)",
           "send the whole, valid document"),
    Reason("bad_xml", _N, "XML that is not well-formed, or an empty XML document",
           "send the whole, well-formed document"),
    Reason("xml_entities", _N, "the XML's DOCTYPE declares entities (XXE / entity-expansion risk); never expanded",
           "remove the entity declarations"),
    Reason("too_deep", _N, "the document is nested too deeply to parse", "flatten it; no wire format nests this deep"),
    Reason("unsupported_format", _N,
           "XML whose root is not a wire format wirewatch reads, or an unknown forced format",
           "convert to a supported format (docs/formats.md), or check ?format="),
    Reason("wrong_format", _N, "a forced format the message does not follow",
           "drop the forced format, or send that format"),
    Reason("wrong_type", _N, "a field has the wrong JSON type", "fix the producer's field types"),
    Reason("malformed", _N, "the message claims a format but does not follow it",
           "fix the fields the message names"),
    Reason("missing_content", _N, "the message parsed but lacks a required field", "add the field the message names"),
    Reason("parse_error", _N, "the message could not be normalised into a story", "read the message; fix the producer"),
    Reason("no_items", _N, "an empty ninjs list", "send at least one item"),
    Reason("missing_uri", _N, "a story without an identifier",
           "give every story a stable identifier: versions and kills are matched by it"),
    Reason("no_text", _N, "a story with no text (pictures, video, metadata-only items, headers only)",
           "nothing, if it is media; otherwise send the text"),
    Reason("not_a_story", _N, "a NewsML-G2 concept, planning, package, knowledge or catalog item",
           "nothing: only newsItem and newsMessage carry stories"),
    Reason("package_only", _N, "a NewsML-G2 newsMessage whose package references items it does not include",
           "ingest the referenced newsItems the message names"),
    Reason("bad_feed", _N, "an RSS/Atom document feedparser cannot read", "fix the feed"),
    Reason("ninjs_invalid", _N, "a ninjs item's core does not conform to the IPTC schema of its generation",
           "fix the fields the message names"),
    Reason("bad_record", ("enrich", "match", "incidents"),
           "a record on an internal topic is not the record that topic carries",
           "only wirewatch should write to these topics; find the other producer"),
    Reason("enrich_failed", ("enrich",), "the NLP failed on this story (the rest of its batch went on)",
           "report it with the original bytes; re-ingest once fixed"),
    Reason("webhook_failed", ("deliver",), "a rule's webhook did not take the alert",
           "check the receiver and its URL (docs/regions-and-rules.md)"),
    Reason("slack_failed", ("deliver",), "a rule's Slack-compatible incoming webhook did not take the alert",
           "check the URL (the rule's slack.url or WIREWATCH_SLACK_URL) and the channel it posts to"),
    Reason("email_failed", ("deliver",), "the SMTP server did not take a rule's alert e-mail, or e-mail is not configured",
           "check WIREWATCH_SMTP_* and the recipients (the rule's email.to or WIREWATCH_SMTP_TO)"),
)}


def reason(code: str) -> Reason:
    """The registered reason for ``code``; a code outside the registry is a programming error."""
    try:
        return REASONS[code]
    except KeyError:
        raise ValueError(f"unregistered dead-letter reason {code!r}: add it to REASONS in "
                         "pipeline/core/_errors.py (and to docs/formats.md)") from None


class WirewatchError(Exception):
    """Root of all wirewatch errors."""


class ConfigError(WirewatchError):
    """A setting (environment variable or command-line option) is invalid."""


class BrokerError(WirewatchError):
    """The Kafka broker could not be started, reached or used."""


class TopicsMissing(BrokerError):
    """Topics the pipeline needs do not exist on the broker."""

    def __init__(self, missing: list[str]) -> None:
        self.missing = sorted(missing)
        super().__init__(
            f"topics missing on the broker: {', '.join(self.missing)}; "
            "create them with `wirewatch topics create` (topics are never auto-created)"
        )


class ModelError(WirewatchError):
    """The spaCy model could not be loaded."""


class GazetteerError(WirewatchError):
    """The gazetteer's data files are missing or unreadable."""


class CorpusError(WirewatchError):
    """A labelled training corpus (``wirewatch train``) is missing or has a bad record."""


class RegionError(WirewatchError):
    """A regions-of-interest file or region definition is invalid."""


class RuleError(RegionError):
    """An alert rules file or rule is invalid."""


class ParseError(WirewatchError):
    """A raw wire message could not be normalised into a Story.

    ``code`` is a stable, machine-readable reason (it is what the dead letter carries);
    the message is for humans.
    """

    code = "parse_error"

    def __init__(self, message: str, *, code: str | None = None, format_guess: str | None = None) -> None:
        super().__init__(message)
        if code is not None:
            self.code = reason(code).code
        self.format_guess = format_guess


class UnsupportedFormat(ParseError):
    """The message is in a format wirewatch does not (yet) parse."""

    code = "unsupported_format"


class MalformedInput(ParseError):
    """The message claims a format but does not follow it (bad JSON, bad encoding, wrong types)."""

    code = "malformed"


class MissingContent(ParseError):
    """The message parsed but carries nothing to analyse (no text) or lacks a required field."""

    code = "missing_content"


class InputTooLarge(ParseError):
    """The message is larger than the configured maximum."""

    code = "too_large"
