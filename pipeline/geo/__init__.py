"""Gazetteer and toponym resolution: plain Python, no spaCy, no Kafka."""

from ._gazetteer import FEATURE_CODES, INDEX_VERSION, GeoEntry, Gazetteer, default_gazetteer, haversine_km, locates
from ._normalize import fold_name, normalize_name

__all__ = ["FEATURE_CODES", "INDEX_VERSION", "GeoEntry", "Gazetteer", "default_gazetteer", "haversine_km", "locates",
           "fold_name", "normalize_name"]
