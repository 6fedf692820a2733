"""Gazetteer and toponym resolution: plain Python, no spaCy, no Kafka."""

from ._gazetteer import GeoEntry, Gazetteer, default_gazetteer, normalize_name

__all__ = ["GeoEntry", "Gazetteer", "default_gazetteer", "normalize_name"]
