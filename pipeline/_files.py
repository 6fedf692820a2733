"""Small state files: written atomically, read with a clear error when corrupt."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import orjson

from ._errors import ConfigError

__all__ = ["atomic_write", "load_json_state", "save_json_state"]


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that readers see the old or the new file, never half of one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def save_json_state(path: Path, state: Any) -> None:
    atomic_write(path, orjson.dumps(state, option=orjson.OPT_INDENT_2))


def load_json_state(path: Path, what: str) -> Any:
    """The JSON state in ``path`` (``None`` when absent); a corrupt file is a :class:`ConfigError`."""
    if not path.exists():
        return None
    try:
        return orjson.loads(path.read_bytes())
    except orjson.JSONDecodeError:
        raise ConfigError(f"{what} {path} is corrupt; move it away to start afresh") from None
