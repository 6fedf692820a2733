"""Lazy public faces: a package names what it exports, and a name whose module is heavy to import
(Faust, spaCy, shapely) is imported on first use, so that importing the package stays cheap."""

from __future__ import annotations

import importlib
import sys
from typing import Any, Callable, Mapping, Sequence

__all__ = ["lazy_exports"]


def lazy_exports(package: str, table: Mapping[str, Sequence[str]]) -> tuple[Callable[[str], Any], list[str]]:
    """``table``: private module (relative to ``package``) → the names it exports. Returns the package's
    module ``__getattr__`` and the list of those names (for ``__all__``)."""
    where = {name: module for module, names in table.items() for name in names}

    def __getattr__(name: str) -> Any:
        module = where.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f"{package}.{module}"), name)
        setattr(sys.modules[package], name, value)  # once imported, a plain attribute
        return value

    return __getattr__, list(where)
