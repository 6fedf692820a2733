"""Regions of interest, alert rules and alert matching: plain Python + shapely, no Kafka."""

from ._alerted import AlertedGate, MatchPlan
from ._catalog import Catalog, Kind, region_document, rule_document
from ._feed import AlertFeed, AlertFilter
from ._incidents import Decision, Incident, IncidentBook, book_key, near_duplicate, signature
from ._lifecycle import STATUSES, TRANSITIONS, IllegalTransition, transition
from ._matcher import AlertMatcher, alert_id
from ._regions import Region, load_regions, parse_region, parse_regions
from ._rules import RULE_FIELDS, Rule, load_rules, parse_rule, parse_rules, public_rule, severity
from ._webhooks import Delivery, DeliveryLog, Webhook, WebhookError, check_url, deliver, guarded_connector, sign, verify_signature

__all__ = ["AlertMatcher", "Region", "Rule", "alert_id", "load_regions", "load_rules", "parse_regions", "parse_rules",
           "severity", "Catalog", "Kind", "region_document", "rule_document", "AlertFeed", "AlertFilter", "Decision",
           "Incident", "IncidentBook", "near_duplicate", "signature", "parse_region", "RULE_FIELDS", "parse_rule",
           "public_rule", "book_key", "STATUSES", "TRANSITIONS", "IllegalTransition", "transition",
           "Webhook", "WebhookError", "check_url", "deliver", "guarded_connector", "sign",
           "verify_signature", "Delivery", "DeliveryLog", "AlertedGate", "MatchPlan"]
