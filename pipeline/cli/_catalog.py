"""``wirewatch regions|rules check|list|show|add|rm``: offline checks, or the live catalog on the broker."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from ..core import ConfigError, Settings
from ._common import add_common, make_settings, need_broker

__all__ = ["add_parser", "cmd_catalog"]


def _describe_region(doc: dict) -> str:
    from ..alerting import parse_region

    r = parse_region(doc)
    forms = [f"{len(r.country_codes)} countries" if r.country_codes else "",
             f"{len(r.admin1)} divisions" if r.admin1 else "",
             f"shape {r.geometry.geom_type} bounds {tuple(round(b, 2) for b in r.geometry.bounds)}"
             if r.geometry is not None else ""]
    return f"{r.id}: {r.name} — {'; '.join(f for f in forms if f)}"


def _describe_rule(doc: dict, region_ids: set[str]) -> str:
    from ..alerting import parse_rule
    from ..core import RuleError

    try:
        rule = parse_rule(doc, region_ids)
    except RuleError as exc:
        return f"{doc.get('id')}: INACTIVE ({exc})"
    what = ", ".join(sorted(rule.types)) or "every type"
    return (f"{rule.id} → {rule.region}: {what}; severity ≥ {rule.min_severity}; {'/'.join(sorted(rule.modalities))}"
            f"{f'; alerts at severity {rule.severity}' if rule.severity is not None else ''}"
            f"{'; mentions' if rule.mentions else ''}{'; webhook' if rule.webhook else ''}"
            f"{'; slack' if rule.slack else ''}{'; email' if rule.email else ''}")


def _live_catalog(settings: Settings):
    """The regions and rules the workers use: the configured files overlaid by wire.regions/wire.rules."""
    from ..alerting import Catalog
    from ..kafka import read_all

    catalog = Catalog.from_files(settings.regions, settings.rules)
    kinds = {settings.topics.regions: "regions", settings.topics.rules: "rules"}
    for topic, key, value in asyncio.run(read_all(settings.bootstrap_servers, list(kinds))):
        problem = catalog.apply(kinds[topic], key, value)
        if problem:
            print(f"wirewatch: warning: {problem}", file=sys.stderr)
    return catalog


def _catalog_items(kind: str, path: Path, region_ids: set[str]) -> list[tuple[str, dict]]:
    """(id, validated document) for each region Feature / rule object in ``path``."""
    from ..alerting import region_document, rule_document
    from ..core import read_json

    document = read_json(path, ConfigError, f"{kind} file")
    out: list[tuple[str, dict]] = []
    if kind == "regions":
        features = document.get("features") if isinstance(document, dict) and document.get("type") == "FeatureCollection" \
            else [document]
        if not isinstance(features, list):
            raise ConfigError(f"{path}: FeatureCollection.features must be a list")
        for i, f in enumerate(features):
            rid = (f.get("properties") or {}).get("id", f.get("id")) if isinstance(f, dict) else None
            if not isinstance(rid, str):
                raise ConfigError(f"{path}: feature #{i}: give the region an id in properties.id")
            out.append((rid, region_document(f, rid)))
    else:
        items = document if isinstance(document, list) else [document]
        for i, obj in enumerate(items):
            rid = obj.get("id") if isinstance(obj, dict) else None
            if not isinstance(rid, str):
                raise ConfigError(f"{path}: rule #{i}: give the rule a string id")
            out.append((rid, rule_document(obj, rid, region_ids)))
    seen = [rid for rid, _ in out]
    if len(seen) != len(set(seen)):
        raise ConfigError(f"{path}: an id is used twice")
    return out


def cmd_catalog(args: argparse.Namespace) -> int:
    """wirewatch regions|rules check|list|show|add|rm — offline checks, or the live catalog on the broker."""
    import orjson

    kind = args.command
    settings = make_settings(args)
    if args.action == "check":  # offline: a file as a worker would load it
        from ..alerting import load_regions, load_rules

        if kind == "regions":
            path = Path(args.target) if args.target else settings.regions
            regions = load_regions(path)
            for r in regions:
                print(f"{r.id}: {r.name}")
            print(f"{len(regions)} regions: valid ({path})", file=sys.stderr)
        else:
            path = Path(args.target) if args.target else settings.rules
            if path is None:
                raise ConfigError("give a rules file to check, or set WIREWATCH_RULES / --rules")
            rules = load_rules(path, [r.id for r in load_regions(settings.regions)])
            print(f"{len(rules)} rules: valid ({path}; regions from {settings.regions})", file=sys.stderr)
        return 0
    need_broker(settings, f"{kind} {args.action}")
    from ..kafka import send_keyed

    catalog = _live_catalog(settings)
    topic = getattr(settings.topics, kind)
    if args.action == "list":
        ids = catalog.region_ids()
        for key, doc in catalog.documents(kind).items():
            line = _describe_region(doc) if kind == "regions" else _describe_rule(doc, ids)
            print(f"{line}  [{catalog.origin(kind, key)}]")
        return 0
    if not args.target:
        raise ConfigError(f"`wirewatch {kind} {args.action}` needs {'a FILE' if args.action == 'add' else 'an ID'}")
    if args.action == "show":
        doc = catalog.get(kind, args.target)
        if doc is None:
            raise ConfigError(f"no {kind[:-1]} {args.target!r}; `wirewatch {kind} list` lists them")
        from ..alerting import public_rule

        print(orjson.dumps(public_rule(doc) if kind == "rules" else doc, option=orjson.OPT_INDENT_2).decode())
        return 0
    if args.action == "add":
        items = _catalog_items(kind, Path(args.target), catalog.region_ids())
        sent = asyncio.run(send_keyed(settings.bootstrap_servers, topic,
                                      [(rid.encode(), orjson.dumps(doc)) for rid, doc in items]))
        print(f"sent {sent} {kind} to {topic}: {', '.join(rid for rid, _ in items)}", file=sys.stderr)
        return 0
    # rm
    if catalog.get(kind, args.target) is None:
        raise ConfigError(f"no {kind[:-1]} {args.target!r}; `wirewatch {kind} list` lists them")
    users = catalog.rules_using(args.target) if kind == "regions" else []
    if users:
        raise ConfigError(f"rules {users} use region {args.target!r}: remove or change them first")
    asyncio.run(send_keyed(settings.bootstrap_servers, topic, [(args.target.encode(), None)]))
    print(f"deleted {kind[:-1]} {args.target} (tombstone on {topic})", file=sys.stderr)
    return 0


def add_parser(sub: argparse._SubParsersAction) -> None:
    for kind, what in (("regions", "regions of interest (GeoJSON Features)"), ("rules", "alert rules (JSON objects)")):
        p = sub.add_parser(kind, help=f"check, list, show, add or remove {what}",
                           description=f"check [FILE]: validate a file offline as a worker would load it (default: "
                                       f"WIREWATCH_{kind.upper()}). list / show ID: the {kind} the workers use now "
                                       f"(configured file overlaid by the {kind} topic). add FILE: validate and publish "
                                       f"to the {kind} topic; every worker applies it without a restart. rm ID: delete "
                                       f"(a tombstone on the topic). Also over HTTP: GET/PUT/DELETE /{kind}/ID.")
        p.add_argument("action", choices=["check", "list", "show", "add", "rm"])
        p.add_argument("target", nargs="?", metavar="FILE|ID", help="a file (check, add) or an id (show, rm)")
        add_common(p)
