"""Small state files: written atomically, read with a clear error when corrupt."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import orjson

from ._errors import ConfigError, WirewatchError

__all__ = ["atomic_write", "load_json_state", "read_json", "save_json_state"]


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


def read_json(path: Path, error: type[WirewatchError], what: str, hint: str = "") -> Any:
    """A JSON file's document, or ``error`` saying which file and why (unreadable / not JSON)."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise error(f"cannot read {what} {str(path)!r}: {exc.strerror}{'; ' + hint if hint else ''}") from None
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise error(f"{what} {str(path)!r} is not valid JSON: {exc}") from None
