"""Regions of interest, alert rules and alert matching: plain Python + shapely, no Kafka."""

from ._matcher import AlertMatcher, alert_id
from ._regions import Region, load_regions, parse_regions
from ._rules import Rule, load_rules, parse_rules, severity

__all__ = ["AlertMatcher", "Region", "Rule", "alert_id", "load_regions", "load_rules", "parse_regions", "parse_rules",
           "severity"]
