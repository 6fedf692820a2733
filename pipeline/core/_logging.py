"""Worker logging: plain text for a terminal, or one JSON object per line for log collectors.

``WIREWATCH_LOG_FORMAT=json``: each line is ``{"ts", "level", "logger", "message"}``, plus ``story_uri``
when the line is about a story (the agents pass it as ``extra={"story_uri": …}``) and ``exc`` with a
traceback. Secrets never reach the logs: settings are not logged, tokens, webhook secrets, Slack URLs
and the SMTP password are not part of any message.
"""

from __future__ import annotations

import logging
from datetime import datetime, timezone
from typing import Any

import orjson

__all__ = ["JsonFormatter", "logging_config"]


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(), "logger": record.name, "message": record.getMessage(),
        }
        uri = getattr(record, "story_uri", None)
        if uri:
            entry["story_uri"] = uri
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return orjson.dumps(entry, default=str).decode()


def logging_config(fmt: str, level: str) -> dict[str, Any] | None:
    """A ``logging.config.dictConfig`` for Faust's worker, or ``None`` for Faust's own text format."""
    if fmt != "json":
        return None
    return {
        "version": 1, "disable_existing_loggers": False,
        "formatters": {"json": {"()": JsonFormatter}},
        "handlers": {"out": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stdout"}},
        "root": {"handlers": ["out"], "level": level.upper()},
    }
