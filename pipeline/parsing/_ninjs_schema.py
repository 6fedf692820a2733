"""Validate ninjs items against the IPTC ninjs JSON Schemas (1.x draft-07, 2.x/3.x draft 2020-12).

The schemas are IPTC's (CC BY 4.0 / MIT, iptc/newsinjson) and are not bundled: point
``WIREWATCH_NINJS_SCHEMAS`` at a directory holding ``ninjs-schema_*.json`` and ``GeoJSON-schema.json``
(the IPTC repository's ``specification/`` folder plus the GeoJSON schema it references). All
references resolve offline. Without that directory, items are parsed without schema validation and
a warning says so once per process.

Tolerance: provider extensions (properties a schema does not define) are allowed — errors from
``additionalProperties`` / ``unevaluatedProperties`` are ignored; everything else must conform to the
newest schema of the item's ninjs generation (1.x lower-case, 2.x ``headlines``/``bodies``, 3.x camelCase).
Only the *core* — the properties wirewatch reads — is validated; extras are kept, not judged.
Leniencies (documented): ``null`` means absent; a numeric ``version`` is accepted as its string form; provider item types
(BBC ``story``/``advisory``) are treated as extensions.
"""

from __future__ import annotations

import logging
import os
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

import orjson
from jsonschema import Draft7Validator, Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7, DRAFT202012

from ..core import MalformedInput

__all__ = ["validate_ninjs", "schema_dir", "ninjs_generation"]

log = logging.getLogger("wirewatch.ninjs")
_EXTENSION_ERRORS = {"additionalProperties", "unevaluatedProperties"}
_GEOJSON_ID = "https://geojson.org/schema/GeoJSON.json"
#: The properties wirewatch reads: validated strictly. Everything else is a provider's business.
_CORE = {
    "uri", "type", "version", "versioncreated", "versionCreated", "pubstatus", "pubStatus", "language",
    "headline", "headlines", "body_text", "body_html", "bodies", "description_text", "descriptions",
    "located", "copyrightholder", "copyrightHolder",
}
_CAMEL_3X = {"versionCreated", "pubStatus", "contentCreated", "copyrightHolder", "copyrightNotice", "firstCreated"}


def schema_dir() -> Path | None:
    raw = os.environ.get("WIREWATCH_NINJS_SCHEMAS")
    if raw:
        return Path(raw)
    shared = os.environ.get("WIREWATCH_SHARED_DATA")
    if shared:
        candidate = Path(shared) / "wire" / "iptc-ninjs" / "specification"
        if candidate.is_dir():
            return candidate
    return None


def ninjs_generation(item: dict[str, Any]) -> str:
    keys = set(item)
    if keys & _CAMEL_3X:
        return "3"
    if keys & {"headlines", "bodies", "descriptions"}:
        return "2"
    return "1"


@lru_cache(maxsize=4)
def _validators(directory: Path) -> dict[str, list[tuple[str, Any]]]:
    """generation → [(schema file name, validator)], newest first."""
    resources = []
    geojson = directory / "GeoJSON-schema.json"
    if not geojson.exists():
        geojson = directory.parent / "GeoJSON-schema.json"
    if geojson.exists():
        resources.append((_GEOJSON_ID, Resource.from_contents(orjson.loads(geojson.read_bytes()), default_specification=DRAFT7)))
    schemas: dict[str, list[tuple[tuple[int, ...], str, dict]]] = {}
    for path in directory.glob("ninjs-schema_*.json"):
        m = re.match(r"ninjs-schema_(\d+)\.(\d+)\.json$", path.name)
        if not m:
            continue  # development drafts are not used for validation
        schema = orjson.loads(path.read_bytes())
        spec = DRAFT202012 if "2020-12" in schema.get("$schema", "") else DRAFT7
        sid = (schema.get("$id") or schema.get("id") or path.name).rstrip("#")
        resources.append((sid, Resource.from_contents(schema, default_specification=spec)))
        schemas.setdefault(m.group(1), []).append(((int(m.group(1)), int(m.group(2))), path.name, schema))
    registry = Registry().with_resources(resources)
    out = {}
    for gen, entries in schemas.items():
        entries.sort(reverse=True)
        out[gen] = [
            (name, (Draft202012Validator if "2020-12" in s.get("$schema", "") else Draft7Validator)(s, registry=registry))
            for _, name, s in entries
        ]
    return out


@lru_cache(maxsize=1)
def _warn_once() -> None:
    log.warning("ninjs items are parsed WITHOUT schema validation: set WIREWATCH_NINJS_SCHEMAS to the "
                "directory of IPTC ninjs-schema_*.json files to validate them")


def _core_errors(validator: Any, item: dict[str, Any]) -> list[str]:
    errors = []
    for error in validator.iter_errors(item):
        leaves = error.context or [error]
        if all(e.validator in _EXTENSION_ERRORS for e in leaves) or error.validator in _EXTENSION_ERRORS:
            continue
        path = "/".join(str(p) for p in error.absolute_path) or "(item)"
        errors.append(f"{path}: {error.message[:200]}")
    return errors


def validate_ninjs(item: Any) -> None:
    """Raise :class:`MalformedInput` (``ninjs_invalid``) if the item breaks its ninjs generation's schema."""
    directory = schema_dir()
    if directory is None or not isinstance(item, dict):
        if directory is None:
            _warn_once()
        return
    validators = _validators(directory).get(ninjs_generation(item))
    if not validators:
        return
    candidate = {k: v for k, v in item.items() if k in _CORE and v is not None}  # null = absent
    if "uri" not in candidate and isinstance(item.get("guid"), str):
        candidate["uri"] = item["guid"]  # Superdesk's pre-1.0 ninjs names it guid
    if isinstance(candidate.get("version"), int) and not isinstance(candidate["version"], bool):
        candidate["version"] = str(candidate["version"])  # leniency: many providers send numbers
    if candidate.get("type") not in (None, "text", "audio", "video", "picture", "graphic", "composite", "component"):
        candidate.pop("type")  # provider item types (BBC: story, advisory) are an extension, not an error
    first_errors: list[str] = []
    for name, validator in validators:
        try:
            errors = _core_errors(validator, candidate)
        except TypeError as exc:  # some IPTC 1.x schemas carry draft-03 "required": true, which can't evaluate
            errors = [f"the schema cannot evaluate this item ({exc}); a core field has an unexpected type"]
        if not errors:
            return
        if not first_errors:
            first_errors = [f"{name}: {e}" for e in errors]
    raise MalformedInput(
        f"ninjs item does not conform to the IPTC schema ({len(first_errors)} error(s)): " + "; ".join(first_errors[:3]),
        code="ninjs_invalid", format_guess="ninjs",
    )
