"""Regions of interest and alert matching: plain Python + shapely, no Kafka."""

from ._matcher import AlertMatcher, alert_id
from ._regions import Region, load_regions, parse_regions

__all__ = ["AlertMatcher", "Region", "alert_id", "load_regions", "parse_regions"]
