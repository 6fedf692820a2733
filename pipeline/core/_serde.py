"""JSON (de)serialisation with orjson, for records on topics and on the command line."""

from __future__ import annotations

from typing import Any, TypeVar

import faust
import orjson
from faust.serializers import codecs

__all__ = ["dumps", "loads", "to_dict", "from_json", "register_codec"]

R = TypeVar("R", bound=faust.Record)


def _default(obj: Any) -> Any:
    if isinstance(obj, faust.Record):
        return obj.asdict()
    raise TypeError(f"cannot serialise {type(obj).__name__} to JSON")


def to_dict(record: faust.Record) -> dict[str, Any]:
    """The plain-JSON form of a record (nested records become objects)."""
    return orjson.loads(dumps(record))


def dumps(obj: Any) -> bytes:
    return orjson.dumps(obj, default=_default)


def loads(data: bytes | str) -> Any:
    return orjson.loads(data)


def from_json(cls: type[R], data: bytes | str) -> R:
    """Parse a record from its JSON form."""
    return cls.from_data(orjson.loads(data))


class OrjsonCodec(codecs.Codec):
    """Faust codec that writes and reads JSON with orjson."""

    def _dumps(self, obj: Any) -> bytes:
        return dumps(obj)

    def _loads(self, s: bytes) -> Any:
        return orjson.loads(s)


def register_codec() -> None:
    """Make ``serializer="orjson"`` available to Faust (idempotent; called when an app is built)."""
    codecs.register("orjson", OrjsonCodec())
