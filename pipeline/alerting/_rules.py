"""Alert rules: what an analyst wants to hear about in a region (pure; no Kafka).

A rules file is a JSON list of objects::

    {"id": "isb-strikes", "region": "iraq-syria-border",
     "types": ["air_drone_strike", "shelling_artillery_missile_attack"],   # or "categories": [ACLED event types]
     "min_severity": 3, "modalities": ["asserted", "reported"], "threats": false,
     "mentions": false, "keywords": [], "entities": [], "min_confidence": 0.5, "cooldown_minutes": 0}

Defaults: every type, severity ≥ 1, modalities asserted and reported (``"threats": true`` adds
threatened), events located in the region only (``"mentions": true`` also alerts a story that merely
names a place there), no keyword filter (``keywords``: one must occur in the headline or body), no
entity filter (``entities``: the story's named entities or an event's actors must include one, case
aside: ``["Islamic State", "PKK"]``), confidence ≥ 0.5, no cooldown (``cooldown_minutes``: after an
alert, further *new* incidents of the rule within that many minutes are suppressed; reports of the same
incident still update its alert — see ``_incidents.py``).

A rule may fix its alerts' ``severity`` (1–5); without it an alert takes its event's default severity
(``_severity.py``: the type's base, moved by stated deaths and modality). ``min_severity`` compares the
event's default severity either way.

Channels (``_channels.py``), each optional: ``webhook`` (``{"url", "secret"}``, the Alert JSON signed),
``slack`` (``{"url"}`` of a Slack-compatible incoming webhook, or ``true`` for ``WIREWATCH_SLACK_URL``)
and ``email`` (``{"to": [addresses]}``, or ``true`` for ``WIREWATCH_SMTP_TO``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

from ..core import HAPPENING, MODALITIES, Event, RuleError
from ..events import CATEGORIES, EVENT_TYPES, TYPE_IDS, closest_names
from ._email import Email, valid_address
from ._regions import ID_PATTERN, require_unique
from ._severity import severity
from ._slack import Slack, masked_url
from ._webhooks import Webhook

__all__ = ["Rule", "parse_rule", "parse_rules", "load_rules", "public_rule", "read_rules_file", "severity"]

#: Every field a rule object may have (schemas/rule.schema.json lists the same).
RULE_FIELDS = frozenset({"id", "region", "types", "categories", "min_severity", "modalities", "threats", "mentions",
                         "keywords", "entities", "min_confidence", "webhook", "slack", "email", "name",
                         "cooldown_minutes", "route", "severity"})
_MODALITIES = set(MODALITIES)
_CATEGORIES = {t.acled_event_type for t in EVENT_TYPES if t.acled_event_type}


@dataclass(frozen=True)
class Rule:
    id: str
    region: str
    types: frozenset[str] = frozenset()  # empty: all
    min_severity: int = 1
    modalities: frozenset[str] = HAPPENING
    mentions: bool = False
    keywords: tuple[str, ...] = ()
    entities: tuple[str, ...] = ()  # lower-cased; the story must name one of them (its NER entities, event actors)
    min_confidence: float = 0.5
    webhook: Webhook | None = None
    name: str | None = None
    cooldown_minutes: float = 0.0  # after an alert, new incidents within this many minutes are suppressed
    route: bool = False  # also send this rule's alerts to their own topic, <prefix>alerts.<rule id>
    slack: Slack | None = None  # a Slack-compatible incoming webhook (url None: the worker's WIREWATCH_SLACK_URL)
    email: Email | None = None  # e-mail through the worker's SMTP server (to empty: WIREWATCH_SMTP_TO)
    severity: int | None = None  # the severity of the rule's alerts; None: their event's default severity

    def severity_of(self, event: Event) -> int:
        """The severity of this rule's alert about ``event``: the rule's own, else the event's default."""
        return self.severity if self.severity is not None else severity(event)

    @property
    def delivers(self) -> bool:
        """Whether the rule's alerts go to some channel (webhook, Slack, e-mail)."""
        return self.webhook is not None or self.slack is not None or self.email is not None

    def wants(self, event: Event) -> bool:
        return ((not self.types or event.type in self.types) and event.modality in self.modalities
                and event.confidence >= self.min_confidence and severity(event) >= self.min_severity)


def _rule(obj: Any, index: int, regions: set[str]) -> Rule:
    where = f"rule #{index}"
    if not isinstance(obj, dict):
        raise RuleError(f"{where}: each rule is a JSON object")
    rid = obj.get("id")
    if not isinstance(rid, str) or not ID_PATTERN.fullmatch(rid):
        raise RuleError(f"{where}: give the rule an id: 1–128 characters of A–Z a–z 0–9 . _ : -")
    where = f"rule {rid!r}"
    unknown = set(obj) - RULE_FIELDS
    if unknown:
        raise RuleError(f"{where}: unknown field(s) {sorted(unknown)}")
    region = obj.get("region")
    if not isinstance(region, str) or region not in regions:
        raise RuleError(f"{where}: region {region!r} is not among the regions ({', '.join(sorted(regions)) or 'none'})")
    types = set(_strings(obj.get("types", []), where, "types"))
    bad = sorted(types - set(TYPE_IDS))
    if bad:
        raise RuleError(f"{where}: {_unknown('event type', bad, TYPE_IDS, 'categories', CATEGORIES)}; the event "
                        "types: GET /taxonomy on a worker, or schemas/event-taxonomy.json")
    categories = set(_strings(obj.get("categories", []), where, "categories"))
    if categories - _CATEGORIES:
        raise RuleError(f"{where}: {_unknown('ACLED category', sorted(categories - _CATEGORIES), CATEGORIES, 'types', TYPE_IDS)}"
                        f"; use {sorted(_CATEGORIES)}")
    types |= {t.id for t in EVENT_TYPES if t.acled_event_type in categories}
    modalities = set(_strings(obj.get("modalities", sorted(HAPPENING)), where, "modalities"))
    if modalities - _MODALITIES:
        raise RuleError(f"{where}: unknown modalities {sorted(modalities - _MODALITIES)}; use {sorted(_MODALITIES)}")
    if obj.get("threats"):
        modalities.add("threatened")
    level = obj.get("min_severity", 1)
    if not isinstance(level, int) or isinstance(level, bool) or not 1 <= level <= 5:
        raise RuleError(f"{where}: min_severity must be an integer 1–5")
    fixed = obj.get("severity")
    if fixed is not None and (not isinstance(fixed, int) or isinstance(fixed, bool) or not 1 <= fixed <= 5):
        raise RuleError(f"{where}: severity must be an integer 1–5 (or left out: the event's default severity)")
    conf = obj.get("min_confidence", 0.5)
    if not isinstance(conf, (int, float)) or isinstance(conf, bool) or not 0 <= conf <= 1:
        raise RuleError(f"{where}: min_confidence must be a number 0–1")
    cooldown = obj.get("cooldown_minutes", 0)
    if not isinstance(cooldown, (int, float)) or isinstance(cooldown, bool) or not 0 <= cooldown <= 10080:
        raise RuleError(f"{where}: cooldown_minutes must be a number 0–10080 (a week)")
    route = obj.get("route", False)
    if not isinstance(route, bool) or (route and ":" in rid):
        raise RuleError(f"{where}: route must be true or false, and a routed rule's id may not contain ':' "
                        "(it names a Kafka topic)")
    hook = obj.get("webhook")
    if hook is not None and not (isinstance(hook, dict) and isinstance(hook.get("url"), str)
                                 and hook["url"].startswith(("http://", "https://"))
                                 and isinstance(hook.get("secret"), str) and len(hook["secret"]) >= 16):
        raise RuleError(f"{where}: webhook must be {{\"url\": \"https://…\", \"secret\": \"…\"}} with a secret of 16+ characters")
    slack, email = _slack(obj.get("slack"), where), _email(obj.get("email"), where)
    return Rule(id=rid, region=region, types=frozenset(types), min_severity=level, modalities=frozenset(modalities),
                mentions=bool(obj.get("mentions", False)),
                keywords=tuple(k.lower() for k in _strings(obj.get("keywords", []), where, "keywords")),
                entities=tuple(e.lower() for e in _strings(obj.get("entities", []), where, "entities")),
                min_confidence=float(conf), webhook=Webhook(hook["url"], hook["secret"]) if hook else None,
                name=str(obj["name"]) if "name" in obj else None, cooldown_minutes=float(cooldown), route=route,
                severity=fixed, slack=slack, email=email)


def _slack(value: Any, where: str) -> Slack | None:
    """``"slack": {"url": "https://hooks.slack.com/…"}``, or ``true`` for the worker's WIREWATCH_SLACK_URL."""
    if value is None or value is False:
        return None
    if value is True:
        return Slack()
    if isinstance(value, dict) and set(value) <= {"url"} and isinstance(value.get("url"), str) \
            and value["url"].startswith(("http://", "https://")):
        return Slack(value["url"])
    raise RuleError(f"{where}: slack must be {{\"url\": \"https://…\"}} (a Slack-compatible incoming webhook), or "
                    "true for the worker's WIREWATCH_SLACK_URL")


def _email(value: Any, where: str) -> Email | None:
    """``"email": {"to": ["desk@example.org"]}``, or ``true`` for the worker's WIREWATCH_SMTP_TO."""
    if value is None or value is False:
        return None
    if value is True:
        return Email()
    to = value.get("to") if isinstance(value, dict) and set(value) <= {"to"} else None
    if isinstance(to, list) and 1 <= len(to) <= 50 and all(valid_address(a) for a in to):
        return Email(tuple(dict.fromkeys(to)))
    raise RuleError(f"{where}: email must be {{\"to\": [\"desk@example.org\", …]}} (1–50 addresses), or true for "
                    "the worker's WIREWATCH_SMTP_TO")


def _unknown(what: str, bad: list[str], choices: tuple[str, ...], other_field: str, others: tuple[str, ...]) -> str:
    """"unknown event type 'air_strike': did you mean 'air_drone_strike'?" — one clause per unknown name."""
    clauses = []
    for name in bad:
        if name in others:
            clauses.append(f"{name!r} is not an {what} but one of the {other_field}: put it in {other_field!r}")
            continue
        close = closest_names(name, choices)
        meant = f": did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
        clauses.append(f"unknown {what} {name!r}{meant}")
    return "; ".join(clauses)


def _strings(value: Any, where: str, name: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise RuleError(f"{where}: {name} must be a list of strings")
    return value


def parse_rule(obj: Any, region_ids: Iterable[str]) -> Rule:
    """One rule (what ``PUT /rules/{id}`` and ``wire.rules`` carry); its region must be among ``region_ids``."""
    return _rule(obj, 0, set(region_ids))


def public_rule(obj: dict[str, Any]) -> dict[str, Any]:
    """A rule document fit to show: a webhook's secret is masked, and the path of a Slack URL (its secret)."""
    hook, slack = obj.get("webhook"), obj.get("slack")
    if isinstance(hook, dict) and "secret" in hook:
        obj = {**obj, "webhook": {**hook, "secret": "***"}}
    if isinstance(slack, dict) and isinstance(slack.get("url"), str):
        obj = {**obj, "slack": {**slack, "url": masked_url(slack["url"])}}
    return obj


def parse_rules(document: Any, region_ids: list[str]) -> list[Rule]:
    if not isinstance(document, list):
        raise RuleError("rules must be a JSON list of rule objects")
    rules = [_rule(obj, i, set(region_ids)) for i, obj in enumerate(document)]
    require_unique([r.id for r in rules], "rule", RuleError)
    return rules


def load_rules(path: str | Path, region_ids: list[str]) -> list[Rule]:
    return [rule for _, rule in read_rules_file(path, region_ids)]


def read_rules_file(path: str | Path, region_ids: list[str]) -> list[tuple[dict, Rule]]:
    """Each rule object of a rules file with its rule, read and validated once (errors name the file)."""
    from ..core import read_json

    path = Path(path)
    document = read_json(path, RuleError, "rules file", "set WIREWATCH_RULES or --rules")
    try:
        rules = parse_rules(document, region_ids)
    except RuleError as exc:
        raise RuleError(f"{path}: {exc}") from None
    return list(zip(document, rules, strict=True))
