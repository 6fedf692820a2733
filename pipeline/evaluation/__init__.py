"""Evaluation against development corpora (``wirewatch eval …``)."""

from ._geo import GeoReport, evaluate_geo, load_gwn

__all__ = ["GeoReport", "evaluate_geo", "load_gwn"]
