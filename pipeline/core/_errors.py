"""The exception hierarchy. Every error wirewatch raises on purpose is a ``WirewatchError``.

Messages say what went wrong *and* what to do about it.
"""

from __future__ import annotations

__all__ = [
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
            self.code = code
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
