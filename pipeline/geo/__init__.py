"""Gazetteer and toponym resolution: plain Python, no spaCy, no Kafka. (Areas — "northern Syria" — need
shapely and are imported on first use.)"""

from ..core import lazy_exports
from ._gazetteer import (
    FEATURE_CODES,
    INDEX_VERSION,
    Gazetteer,
    GeoEntry,
    country_code_for,
    country_codes,
    default_gazetteer,
    haversine_km,
    locates,
)
from ._normalize import fold_name, normalize_name

__getattr__, _lazy_names = lazy_exports(__name__, {"_areas": ("AreaMention", "country_shape", "find_areas")})

__all__ = ["FEATURE_CODES", "INDEX_VERSION", "GeoEntry", "Gazetteer", "country_code_for", "country_codes", "default_gazetteer",
           "haversine_km", "locates",
           "fold_name", "normalize_name", *_lazy_names]
