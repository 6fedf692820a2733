"""The core every other subpackage builds on: the records that travel on the topics, the errors, the
settings, (de)serialisation, which story version wins, dead letters, logging, state files, child
processes, and the records' terminal form and filters. No Kafka client, no spaCy, no shapely here.

Names whose module needs Faust (the records are ``faust.Record`` classes) are imported on first use.
"""

from ._backoff import Backoff, backoff_delay
from ._clock import utc_now_iso
from ._config import CATALOG, STAGES, Settings, TopicNames, settings_to_env
from ._errors import (
    DEAD_LETTER_STAGES,
    REASONS,
    BrokerError,
    ConfigError,
    CorpusError,
    GazetteerError,
    InputTooLarge,
    MalformedInput,
    MissingContent,
    ModelError,
    ParseError,
    Reason,
    RegionError,
    RuleError,
    TopicsMissing,
    UnsupportedFormat,
    WirewatchError,
    reason,
)
from ._files import atomic_write, load_json_state, read_json, save_json_state
from ._lazy import lazy_exports
from ._logging import JsonFormatter, logging_config
from ._modality import HAPPENING, MODALITIES
from ._procs import die_with_parent, libc, name_os_thread, spawn, terminate
from ._runfile import RUN_FILE, RunInfo, pid_alive, read_run_info, remove_run_info, write_run_info

__getattr__, _lazy_names = lazy_exports(__name__, {
    "_records": ("Alert", "AlertLocation", "Area", "Dateline", "DeadLetter", "EnrichedStory", "Entity", "Event",
                 "EventPlace", "Focus", "FocusItem", "Offsets", "Place", "RECORD_SCHEMAS", "Story", "TextSpan"),
    "_serde": ("dumps", "from_json", "loads", "register_codec", "to_dict"),
    "_versions": ("GatedBatch", "Retention", "Verdict", "VersionGate", "is_kill", "judge", "latest_only", "mark",
                  "pending"),
    "_deadletter": ("MAX_KEPT_BYTES", "dead_letter"),
    "_render": ("render_alert", "render_dead_letter", "render_enriched"),
    "_filters": ("record_filter",),
})

__all__ = [
    "Backoff", "backoff_delay", "utc_now_iso", "CATALOG", "STAGES", "Settings", "TopicNames", "settings_to_env",
    "BrokerError", "ConfigError", "CorpusError", "GazetteerError", "InputTooLarge", "MalformedInput", "MissingContent",
    "ModelError", "ParseError", "RegionError", "RuleError", "TopicsMissing", "UnsupportedFormat", "WirewatchError",
    "DEAD_LETTER_STAGES", "REASONS", "Reason", "reason",
    "atomic_write", "load_json_state", "read_json", "save_json_state", "lazy_exports", "JsonFormatter", "logging_config",
    "HAPPENING", "MODALITIES",
    "die_with_parent", "libc", "name_os_thread", "spawn", "terminate",
    "RUN_FILE", "RunInfo", "pid_alive", "read_run_info", "remove_run_info", "write_run_info",
    *_lazy_names,
]
