"""Gazetteer and toponym resolution: plain Python, no spaCy, no Kafka."""

from ._gazetteer import INDEX_VERSION, GeoEntry, Gazetteer, default_gazetteer, haversine_km
from ._normalize import fold_name, normalize_name

__all__ = ["INDEX_VERSION", "GeoEntry", "Gazetteer", "default_gazetteer", "haversine_km", "fold_name", "normalize_name"]
