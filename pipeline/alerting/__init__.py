"""Regions of interest, alert rules, alert matching and the alert channels (webhook, Slack, e-mail):
plain Python + shapely, no Kafka."""

from ._alerted import AlertedGate, MatchPlan
from ._catalog import Catalog, Kind, region_document, rule_document
from ._channels import Attempt, Channel, ChannelError, Delivery, DeliveryLog, Message, send
from ._dispatch import Dispatcher
from ._email import Email, EmailChannel, EmailError, SmtpServer, email_message
from ._feed import AlertFeed, AlertFilter
from ._grouping import IncidentFilter, IncidentItem, group_alerts, incident_status, incidents_of, parse_time
from ._incidents import Decision, Incident, IncidentBook, book_key, near_duplicate, signature
from ._lifecycle import STATUSES, TRANSITIONS, IllegalTransition, transition
from ._matcher import AlertMatcher, alert_id, alert_location, evidence_of
from ._regions import Region, load_regions, parse_region, parse_regions
from ._rules import RULE_FIELDS, Rule, load_rules, parse_rule, parse_rules, public_rule
from ._severity import BASE, base_severity, default_severity, highest_severity, severity
from ._slack import Slack, SlackChannel, SlackError, slack_payload
from ._webhooks import Webhook, WebhookChannel, WebhookError, check_url, deliver, guarded_connector, sign, verify_signature

__all__ = ["AlertMatcher", "Region", "Rule", "alert_id", "load_regions", "load_rules", "parse_regions", "parse_rules",
           "severity", "Catalog", "Kind", "region_document", "rule_document", "AlertFeed", "AlertFilter", "Decision",
           "Incident", "IncidentBook", "near_duplicate", "signature", "parse_region", "RULE_FIELDS", "parse_rule",
           "public_rule", "book_key", "STATUSES", "TRANSITIONS", "IllegalTransition", "transition",
           "Webhook", "WebhookError", "check_url", "deliver", "guarded_connector", "sign",
           "verify_signature", "Delivery", "DeliveryLog", "alert_location", "evidence_of", "BASE",
           "base_severity", "default_severity", "highest_severity", "IncidentFilter", "IncidentItem", "group_alerts",
           "incident_status", "incidents_of", "parse_time", "Attempt", "Channel", "ChannelError", "Message", "send",
           "Dispatcher", "WebhookChannel", "Slack", "SlackChannel", "SlackError", "slack_payload", "Email",
           "EmailChannel", "EmailError", "SmtpServer", "email_message", "AlertedGate", "MatchPlan"]
