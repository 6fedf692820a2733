"""The ``wirewatch`` command line."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from pathlib import Path
from typing import Any, BinaryIO, Iterable, Sequence

from .core import STAGES, Settings
from .core import ConfigError, WirewatchError

__all__ = ["main", "build_parser", "COMMANDS"]

_DESCRIPTION = """\
wirewatch — streaming ingest for news wire stories.

  sources → wire.raw → normalize → wire.stories → enrich → wire.enriched → match → wire.alerts
                                (every rejection → wire.deadletter, with its reason)

Settings come from WIREWATCH_* environment variables; the options below override them.
Without a broker URL, `run` starts an embedded, memory-only broker.
"""


def _add_common(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("settings (override WIREWATCH_* environment variables)")
    g.add_argument("--broker", metavar="URL", help="Kafka broker, kafka://host:port[,host:port] (WIREWATCH_BROKER)")
    g.add_argument("--topic-prefix", metavar="P", help="topic name prefix (WIREWATCH_TOPIC_PREFIX, default 'wire.')")
    g.add_argument("--partitions", type=int, metavar="N", help="partitions per topic when creating (WIREWATCH_PARTITIONS, default 4)")
    g.add_argument("--model", metavar="NAME", help="spaCy model package or path (WIREWATCH_MODEL)")
    g.add_argument("--regions", type=Path, metavar="FILE", help="regions of interest, GeoJSON (WIREWATCH_REGIONS)")
    g.add_argument("--rules", type=Path, metavar="FILE", help="alert rules, a JSON list (WIREWATCH_RULES)")
    g.add_argument("--web-host", metavar="HOST", help="web server bind address (WIREWATCH_WEB_HOST, default 127.0.0.1)")
    g.add_argument("--web-port", type=int, metavar="PORT", help="web server port (WIREWATCH_WEB_PORT, default 6066)")
    g.add_argument("--app-id", metavar="ID", help="Faust app id = consumer group (WIREWATCH_APP_ID)")
    g.add_argument("--data-dir", type=Path, metavar="DIR", help="logs and worker state (WIREWATCH_DATA_DIR, default .wirewatch)")
    g.add_argument("--log-level", metavar="LEVEL", help="debug, info, warning, error (WIREWATCH_LOG_LEVEL)")


def _settings(args: argparse.Namespace) -> Settings:
    return Settings.from_env(
        broker=args.broker, topic_prefix=args.topic_prefix, partitions=args.partitions, model=args.model,
        regions=args.regions, rules=args.rules, web_host=args.web_host, web_port=args.web_port, app_id=args.app_id,
        data_dir=args.data_dir, log_level=args.log_level,
    )


def _need_broker(settings: Settings, command: str) -> Settings:
    if settings.broker is None:
        raise ConfigError(
            f"`wirewatch {command}` needs a broker: set WIREWATCH_BROKER or --broker kafka://host:port "
            "(`wirewatch run` starts an embedded one)"
        )
    return settings


# -- commands ------------------------------------------------------------------------------------
def cmd_run(args: argparse.Namespace) -> int:
    from ._run import RunOptions, demo_stories, run_pipeline
    from .ingest import expand_paths

    settings = _settings(args)
    ingest = demo_stories() if args.demo else []
    ingest += expand_paths(args.ingest) if args.ingest else []
    return run_pipeline(settings, RunOptions(ingest=ingest, until_alerts=args.until_alerts, timeout=args.timeout))


def cmd_worker(args: argparse.Namespace) -> int:
    import faust

    from .kafka import check_topics
    from .stream import make_runner
    from .alerting._catalog import Catalog
    from .stream import Services, create_app

    settings = _need_broker(_settings(args), "worker")
    try:
        settings.data_dir.mkdir(parents=True, exist_ok=True)  # the tables' files live there
    except OSError as exc:
        raise ConfigError(f"cannot create the data directory {settings.data_dir} ({exc.strerror}); "
                          "set WIREWATCH_DATA_DIR (or --data-dir) to a writable directory") from None
    asyncio.run(check_topics(settings.bootstrap_servers, settings.all_topics))
    import time

    from .core import logging_config
    from .geo import default_gazetteer

    catalog = Catalog.from_files(settings.regions, settings.rules)
    matcher, _ = catalog.matcher()
    t0 = time.perf_counter()
    if settings.nlp_executor == "thread":
        default_gazetteer()
        t1 = time.perf_counter()
        nlp = make_runner("thread", settings.model, settings.batch_size)
        load = dict(gazetteer_load_seconds=t1 - t0, model_load_seconds=time.perf_counter() - t1)
    else:  # the child process loads the gazetteer and the model; this one needs neither
        nlp = make_runner("process", settings.model, settings.batch_size)
        load = dict(nlp.load_seconds, nlp_process_start_seconds=time.perf_counter() - t0)
    services = Services(nlp=nlp, matcher=matcher, catalog=catalog)
    services.stats.gauges.update(load)
    asyncio.set_event_loop(asyncio.new_event_loop())  # Faust runs its own loop; asyncio.run() closed ours
    app = create_app(settings, services)
    worker = faust.Worker(app, loglevel=settings.log_level.upper(), quiet=True,
                          logging_config=logging_config(settings.log_format, settings.log_level))
    worker.execute_from_commandline()  # exits the process when the worker stops
    return 0


def _describe_region(doc: dict) -> str:
    from .alerting._regions import parse_region

    r = parse_region(doc)
    forms = [f"{len(r.country_codes)} countries" if r.country_codes else "",
             f"{len(r.admin1)} divisions" if r.admin1 else "",
             f"shape {r.geometry.geom_type} bounds {tuple(round(b, 2) for b in r.geometry.bounds)}"
             if r.geometry is not None else ""]
    return f"{r.id}: {r.name} — {'; '.join(f for f in forms if f)}"


def _describe_rule(doc: dict, region_ids: set[str]) -> str:
    from .alerting._rules import parse_rule
    from .core import RuleError

    try:
        rule = parse_rule(doc, region_ids)
    except RuleError as exc:
        return f"{doc.get('id')}: INACTIVE ({exc})"
    what = ", ".join(sorted(rule.types)) or "every type"
    return (f"{rule.id} → {rule.region}: {what}; severity ≥ {rule.min_severity}; {'/'.join(sorted(rule.modalities))}"
            f"{'; mentions' if rule.mentions else ''}{'; webhook' if rule.webhook else ''}")


def _live_catalog(settings: Settings):
    """The regions and rules the workers use: the configured files overlaid by wire.regions/wire.rules."""
    from .kafka import read_all
    from .alerting._catalog import Catalog

    catalog = Catalog.from_files(settings.regions, settings.rules)
    kinds = {settings.topics.regions: "regions", settings.topics.rules: "rules"}
    for topic, key, value in asyncio.run(read_all(settings.bootstrap_servers, list(kinds))):
        problem = catalog.apply(kinds[topic], key, value)
        if problem:
            print(f"wirewatch: warning: {problem}", file=sys.stderr)
    return catalog


def _catalog_items(kind: str, path: Path, region_ids: set[str]) -> list[tuple[str, dict]]:
    """(id, validated document) for each region Feature / rule object in ``path``."""
    from .core import read_json
    from .alerting._catalog import region_document, rule_document

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
    settings = _settings(args)
    if args.action == "check":  # offline: a file as a worker would load it
        from .alerting import load_regions, load_rules

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
    _need_broker(settings, f"{kind} {args.action}")
    from .kafka import send_keyed

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
        from .alerting._rules import public_rule

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


def cmd_topics(args: argparse.Namespace) -> int:
    from .kafka import ensure_topics, existing_topics

    settings = _need_broker(_settings(args), "topics")
    if args.action == "create":
        created = asyncio.run(ensure_topics(settings.bootstrap_servers, settings.all_topics,
                                            partitions=settings.partitions, replication=settings.replication))
        print(f"created: {', '.join(created) or 'none (all existed)'}")
    else:
        present = asyncio.run(existing_topics(settings.bootstrap_servers))
        for name in settings.all_topics:
            print(f"{name}\t{'present' if name in present else 'MISSING'}")
    return 0


def cmd_broker(args: argparse.Namespace) -> int:
    import signal

    from .kafka import EmbeddedBroker

    signal.signal(signal.SIGTERM, signal.default_int_handler)  # SIGTERM stops it like Ctrl-C

    with EmbeddedBroker(port=args.port) as broker:
        print(f"embedded broker (memory only) listening: {broker.url}", flush=True)
        print(f"export WIREWATCH_BROKER={broker.url} WIREWATCH_PRODUCER_BATCH_BYTES=1", flush=True)
        try:
            signal.pause()
        except KeyboardInterrupt:
            pass
    return 0


def cmd_ingest(args: argparse.Namespace) -> int:
    import time

    from tqdm import tqdm

    from .kafka import produce
    from .ingest import WatchState, expand_paths, watch_directory

    settings = _need_broker(_settings(args), "ingest")
    bootstrap, topic = settings.bootstrap_servers, settings.topics.raw

    def split(data: bytes) -> list[bytes]:
        return [ln for ln in data.splitlines() if ln.strip()] if args.lines else [data]

    if args.feed:
        from .ingest import FeedPoller

        async def send_feed(data: bytes) -> None:
            await produce(bootstrap, topic, [data])

        poller = FeedPoller(args.feed, send_feed, settings.data_dir / "feeds.json", interval=args.interval or 60.0)
        print(f"polling {len(args.feed)} feed(s) every {poller.interval:.0f} s → {topic}; Ctrl-C stops", file=sys.stderr)

        async def go() -> None:
            await poller.run(asyncio.Event(), report=lambda u, o: print(f"{u}: {o}", file=sys.stderr, flush=True))

        try:
            asyncio.run(go())
        except KeyboardInterrupt:
            return 130
        return 0
    if args.watch is not None:
        state = WatchState.load(settings.data_dir / f"watch-{args.watch.resolve().name}.json")
        print(f"watching {args.watch} → {topic} (state: {state.path}); Ctrl-C stops", file=sys.stderr)

        async def send(messages: list[bytes]) -> int:
            return await produce(bootstrap, topic, [m for data in messages for m in split(data)])

        try:
            asyncio.run(watch_directory(args.watch, state, send, interval=args.interval or 1.0,
                                        on_sent=lambda p: print(f"sent {p.name}", file=sys.stderr, flush=True)))
        except KeyboardInterrupt:
            return 130
        return 0
    if not args.paths:
        raise ConfigError("give files, directories, globs or '-' to ingest, or --watch DIR, or --feed URL…")
    from .kafka import Unsent

    paths = ["<stdin>"] if args.paths == ["-"] else [str(p) for p in expand_paths(args.paths)]
    origin: list[int] = []  # message number → index into paths (ints: small even for many messages)

    def messages():  # read lazily: memory holds one file at a time
        for k, name in enumerate(paths):
            data = sys.stdin.buffer.read() if name == "<stdin>" else Path(name).read_bytes()
            for m in split(data):
                origin.append(k)
                yield m

    with tqdm(total=len(paths), desc="ingesting", unit="file", file=sys.stderr, disable=not sys.stderr.isatty()) as bar:
        def progress(n: int) -> None:
            bar.n = origin[n - 1] + 1 if origin else 0
            bar.refresh()
        try:
            sent = asyncio.run(produce(bootstrap, topic, messages(), on_sent=progress,
                                       retry_seconds=args.retry_seconds))
        except Unsent as exc:
            first = origin[exc.sent] if exc.sent < len(origin) else 0
            unsent = paths[first:]
            report = settings.data_dir / f"unsent-{int(time.time())}.txt"
            report.parent.mkdir(parents=True, exist_ok=True)
            report.write_text("".join(f"{p}\n" for p in unsent))
            print(f"wirewatch ingest: {exc}. Sent {exc.sent} message(s); NOT sent: {len(unsent)} file(s) "
                  f"from {unsent[0]} on — listed in {report}; re-run with them once the broker is back",
                  file=sys.stderr)
            return 1
    print(f"sent {sent} message(s) to {topic}", file=sys.stderr)
    return 0


def cmd_tail(args: argparse.Namespace) -> int:
    from .kafka import follow
    from .core import Alert, DeadLetter, EnrichedStory, Story
    from .core import render_alert, render_dead_letter, render_enriched
    from .core import from_json

    from .core import record_filter

    keep = record_filter(args.stage, args.region_id, args.type or (), args.country or ())
    settings = _need_broker(_settings(args), "tail")
    topic = getattr(settings.topics, args.stage)
    record_type = {"stories": Story, "enriched": EnrichedStory, "alerts": Alert, "deadletter": DeadLetter}.get(args.stage)
    render = {"enriched": render_enriched, "alerts": render_alert, "deadletter": render_dead_letter}.get(args.stage)

    async def go() -> None:
        count = 0
        async for _topic, _key, value in follow(settings.bootstrap_servers, [topic], from_beginning=args.from_beginning,
                                                 idle_timeout=args.idle_timeout):
            if keep is not None:
                try:
                    wanted = keep(from_json(record_type, value))
                except (ValueError, TypeError, KeyError) as exc:
                    print(f"wirewatch tail: skipped a record that is not a {record_type.__name__}: {exc}",
                          file=sys.stderr)
                    continue
                if not wanted:
                    continue
            if args.json or render is None or record_type is None:
                sys.stdout.buffer.write(value + b"\n")
                sys.stdout.buffer.flush()
            else:
                print(render(from_json(record_type, value)), flush=True)
            count += 1
            if args.max is not None and count >= args.max:
                return

    try:
        asyncio.run(go())
    except KeyboardInterrupt:
        return 130
    return 0


def cmd_enrich(args: argparse.Namespace) -> int:
    from .enrich import Enricher
    from .enrich import enrich_stream, read_messages

    settings = _settings(args)
    handles: list[tuple[str, BinaryIO]] = []
    if not args.files or args.files == ["-"]:
        handles.append(("<stdin>", sys.stdin.buffer))
    else:
        for name in args.files:
            try:
                handles.append((name, open(name, "rb")))
            except OSError as exc:
                raise ConfigError(f"cannot read {name}: {exc.strerror}") from None
    enricher = Enricher.load(settings.model)
    written, failures = enrich_stream(read_messages(handles, args.format), enricher, sys.stdout.buffer,
                                      fmt=args.format, batch_size=args.batch_size)
    for f in failures:
        print(f"wirewatch enrich: {f.where}: skipped ({f.reason}): {f.message}", file=sys.stderr)
    print(f"wirewatch enrich: {written} enriched, {len(failures)} skipped", file=sys.stderr)
    return 1 if failures else 0


def _write_json_lines(path: Path, items: Iterable[Any]) -> None:
    import orjson

    path.write_bytes(b"".join(orjson.dumps(item) + b"\n" for item in items))


def _print_json(data: Any) -> None:
    import orjson

    print(orjson.dumps(data, option=orjson.OPT_INDENT_2).decode())


def _bench_texts(args: argparse.Namespace) -> list[tuple[str, str]]:
    """(headline, body) of the stories to time: GWN.xml articles, text files / directories, or generated."""
    if not args.paths:
        from .tools import generate_stories

        return [(s.headline, s.body) for s in generate_stories(args.n or (48 if args.quick else 400))]
    out: list[tuple[str, str]] = []
    for path in args.paths:
        if not path.exists():
            raise ConfigError(f"no such file: {path}")
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for f in files:
            if f.suffix == ".xml" and b"<articles" in f.read_bytes()[:2000]:
                from .evaluation import load_gwn

                out += [(a.text.split("\n", 1)[0][:120], a.text) for a in load_gwn(f)]
            else:
                text = f.read_text(encoding="utf-8", errors="replace")
                out.append((text.split("\n", 1)[0][:120], text))
    if not out:
        raise ConfigError("no texts to time: give a GeoWebNews GWN.xml, text files or directories (or nothing: "
                          "generated stories)")
    n = args.n or (48 if args.quick else None)
    return out[:n] if n else out


def cmd_bench(args: argparse.Namespace) -> int:
    settings = _settings(args)
    texts = _bench_texts(args)
    if args.components:
        return _bench_components(args, settings, [body for _, body in texts])
    from .tools import BenchOptions, BenchStory, run_bench

    options = BenchOptions(partitions=args.partitions or 4, latency_stories=20 if args.quick else args.latency_stories,
                           worker_counts=(1,) if args.workers == 1 else (1, 2))
    report = run_bench([BenchStory(h, b) for h, b in texts], settings, options, settings.data_dir / "bench")
    if args.json:
        _write_report(args.json, report)
    a, b = report["bare_spacy"], report["pipeline_1"]
    lat = report["latency_ms"]
    print(f"{report['stories']} stories, {report['words_per_story']} words each on average, {report['cpus']} CPUs, "
          f"{report['partitions']} partitions")
    print(f"(a) bare spaCy, one process      {a['stories_per_s']:8.2f} stories/s {a['words_per_s']:9.1f} words/s")
    print(f"(b) pipeline, 1 worker           {b['stories_per_s']:8.2f} stories/s {b['words_per_s']:9.1f} words/s"
          f"   (b)/(a) = {report['ratio_pipeline_to_bare']}")
    if "pipeline_2" in report:
        c = report["pipeline_2"]
        print(f"(c) pipeline, 2 workers          {c['stories_per_s']:8.2f} stories/s {c['words_per_s']:9.1f} words/s"
              f"   (c)/(b) = {report['scaling_2_to_1']}")
    for name in ("raw_to_enriched", "raw_to_alert"):
        p = lat[name]
        print(f"latency {name:16s} p50 {p['p50']} ms, p95 {p['p95']} ms, p99 {p['p99']} ms (n={p['n']}) at "
              f"{lat['offered_stories_per_s']} stories/s offered")
    print(f"cold start {report['cold_start_s']} s; peak RSS per worker {report['rss_mb']} MB; gazetteer load "
          f"{report['gazetteer_load_s']} s")
    return 0


def cmd_chaos(args: argparse.Namespace) -> int:
    from .tools import soak

    settings = _settings(args)
    rec = soak(settings, settings.data_dir / "chaos", minutes=args.minutes, workers=args.workers, rate=args.rate,
               kill_every=(args.kill_min, args.kill_max))
    print(rec.summary())
    if args.json:
        _write_report(args.json, rec.as_dict())
    return 0 if rec.ok else 1


def _write_report(path: Path, report: dict) -> None:
    if str(path) == "-":
        _print_json(report)
        return
    import orjson

    path.write_bytes(orjson.dumps(report, option=orjson.OPT_INDENT_2) + b"\n")
    print(f"wrote {path}", file=sys.stderr)


def _resolution_speed(enricher, texts: list[str], repeat: int) -> float:
    """Gazetteer lookups per second on the toponyms the pipeline finds in ``texts``, with each story's
    countries as context."""
    from .tools import time_resolution
    from .geo import default_gazetteer

    mentions = []
    for doc in enricher.nlp.pipe(texts):
        places = [p for p in doc._.places or () if p.kind == "toponym"]
        context = frozenset(p.entry.country_code for p in places if p.entry is not None)
        mentions += [(p.text, context) for p in places]
    return time_resolution(default_gazetteer(), mentions, repeat=max(3, repeat))


def _bench_components(args: argparse.Namespace, settings: Settings, texts: list[str]) -> int:
    from .tools import time_components
    from .enrich import Enricher

    enricher = Enricher.load(settings.model)
    times = time_components(enricher.nlp, texts, repeat=args.repeat)
    report = times.as_dict()
    report["resolve_mentions_per_s"] = round(_resolution_speed(enricher, texts, args.repeat))
    if args.match_regions:
        from .tools import time_matching
        from .core import Story

        stories = enricher.enrich([Story(uri=f"bench:{k}", version=1, headline="", body=t, source_format="text",
                                         received_at="", language="en") for k, t in enumerate(texts)])
        report["match_ms_per_story"] = round(time_matching(stories, args.match_regions), 4)
        report["regions"] = args.match_regions
    if args.json:
        _write_report(args.json, report)
        return 0
    print(f"{times.stories} stories, {times.words / max(times.stories, 1):.0f} words each on average")
    for name, ms in times.ms_per_story.items():
        print(f"  {name:20s} {ms:7.2f} ms/story")
    print(f"  {'total':20s} {times.total_ms:7.2f} ms/story ({1000 / times.total_ms:.1f} stories/s on one core)")
    print(f"event tagging (senter + wirewatch_events) adds {times.event_share:.1%} to the rest of the pipeline")
    print(f"place resolution (gazetteer only): {report['resolve_mentions_per_s']:,} mentions/s")
    if args.match_regions:
        print(f"alert matching with {args.match_regions} regions: {report['match_ms_per_story']:.3f} ms/story")
    return 0


def _eval_events(args: argparse.Namespace, settings: Settings) -> int:

    from .enrich import Enricher
    from .evaluation import CASE_TO_TYPE, evaluate_case, evaluate_locations, load_case, load_event_locations, place_linker

    enricher = Enricher.load(settings.model)
    if args.path.suffix == ".jsonl":
        items = load_event_locations(args.path, limit=args.limit)
        report = evaluate_locations(items, place_linker(enricher.nlp))
        if _reported_as_json(args, report.as_dict(), report.errors):
            return 0
        print(f"event locations: {report.n} sentences, accuracy {report.accuracy} "
              f"(with a gold location: {report.with_location}; without: {report.without_location})")
        return 0
    snippets = load_case(args.path)
    if args.limit:
        snippets = snippets[:args.limit]
    from .events import default_classifier

    classifier = default_classifier()
    case = evaluate_case(snippets, lambda stories: enricher.enrich(stories, batch_size=32),
                         (lambda text: classifier.best_type(text, CASE_TO_TYPE.values())[0]) if classifier else None)
    errors = ({"id": i, "gold": g, "predicted": p} for i, g, p in case.predictions if g != p)
    if _reported_as_json(args, case.as_dict(), errors):
        return 0
    print(f"CASE 2021 task 2: {case.n} snippets, accuracy {case.accuracy}, weighted F1 {case.weighted_f1}, "
          f"macro F1 {case.macro_f1} ({case.fallback} snippets without a tagged event, typed by the classifier alone)")
    print(f"{'class':32s} {'P':>5s} {'R':>5s} {'F1':>5s} {'n':>4s}")
    for name, v in case.per_class.items():
        print(f"{name:32s} {v['precision']:5.2f} {v['recall']:5.2f} {v['f1']:5.2f} {v['support']:4d}")
    print("most frequent confusions (gold → predicted):")
    for g, p, n in case.confusions[:10]:
        print(f"  {g} → {p}: {n}")
    return 0


def _reported_as_json(args: argparse.Namespace, report: dict, errors: Iterable[dict]) -> bool:
    """Write the errors where ``--errors`` says; print the report as JSON if ``--json`` (then say so)."""
    if args.errors:
        _write_json_lines(args.errors, errors)
    if args.json:
        _print_json(report)
    return bool(args.json)


def _eval_stories(args: argparse.Namespace, settings: Settings) -> int:

    from .enrich import Enricher
    from .evaluation import STORIES_DIR, evaluate_stories, load_stories

    stories = load_stories(args.path or STORIES_DIR)
    if args.limit:
        stories = stories[:args.limit]
    enricher = Enricher.load(settings.model)
    report = evaluate_stories(stories, lambda batch: enricher.enrich(batch, batch_size=16))
    if _reported_as_json(args, report.as_dict(), report.errors):
        return 0
    print(f"stories: {report.stories}, gold events {report.gold_events}, counted predictions "
          f"{report.predicted_events}")
    print(f"event precision {report.precision}, recall {report.recall}, event-place accuracy "
          f"{report.place_accuracy}, false events per no-event story {report.false_events_per_no_event_story}")
    print(f"{'type':36s} {'tp':>4s} {'fp':>4s} {'fn':>4s} {'P':>6s} {'R':>6s}")
    for name, v in report.by_type.items():
        print(f"{name:36s} {v['tp']:4d} {v['fp']:4d} {v['fn']:4d} {v['precision']!s:>6s} {v['recall']!s:>6s}")
    print("by kind of story:")
    for name, v in report.by_kind.items():
        print(f"  {name:18s} {v['stories']:3d} stories: tp {v['tp']}, fp {v['fp']}, fn {v['fn']}")
    return 0


def cmd_train(args: argparse.Namespace) -> int:

    from .events import CORPUS_DIR, DEFAULT_MODEL_PATH, load_corpus, train

    examples = load_corpus(args.corpus or CORPUS_DIR)
    out = args.out or DEFAULT_MODEL_PATH
    say = (lambda s: print(f"· {s}", file=sys.stderr)) if not args.json else (lambda s: None)
    if not 0.0 < args.none_prior < 1.0:
        raise ConfigError(f"--none-prior must lie between 0 and 1 (exclusive), not {args.none_prior}")
    model, report = train(examples, folds=args.folds, none_prior=args.none_prior, progress=say)
    model.save(out)
    if args.json:
        _print_json({**report.as_dict(), "model": str(out), "none_shift": model.none_shift})
        return 0
    print(f"trained on {report.n} examples, {len(report.labels)} labels, {report.features} features, "
          f"{report.seconds} s → {out} ({Path(out).stat().st_size // 1024} KB)")
    print(f"{report.folds}-fold cross-validation: accuracy {report.cv_accuracy}, weighted F1 {report.cv_weighted_f1}, "
          f"macro F1 {report.cv_macro_f1}; calibration temperature {report.temperature}; prior correction "
          f"{model.none_shift:+.3f} log-odds on none (corpus share {report.labels.get('none', 0) / report.n:.3f} → "
          f"{args.none_prior})")
    print(f"{'label':36s} {'P':>5s} {'R':>5s} {'F1':>5s} {'n':>4s}")
    for name, v in report.per_class.items():
        print(f"{name:36s} {v['precision']:5.2f} {v['recall']:5.2f} {v['f1']:5.2f} {v['support']:4d}")
    print("calibration (out of fold): " + "; ".join(
        f"{b['bin']}: n {b['n']}, confidence {b['mean_confidence']}, accuracy {b['accuracy']}" for b in report.calibration))
    print("most frequent confusions (gold → predicted): " + "; ".join(f"{g} → {p}: {n}" for g, p, n in report.confusions[:10]))
    return 0


def cmd_eval(args: argparse.Namespace) -> int:

    from .enrich import Enricher
    from .evaluation import evaluate_geo, load_gwn
    from .geo import default_gazetteer

    settings = _settings(args)
    if args.task == "stories":
        return _eval_stories(args, settings)
    if args.path is None:
        raise ConfigError(f"wirewatch eval {args.task} needs a PATH (see wirewatch eval --help)")
    if not args.path.exists():
        raise ConfigError(f"no such file: {args.path} (GeoWebNews: ../shared/data/geo/geowebnews/GWN.xml; CASE 2021: "
                          "../shared/data/events/case2021-task2/dev.tsv; event locations: "
                          "../shared/data/events/event-location/dev.jsonl)")
    if args.task == "events":
        return _eval_events(args, settings)
    articles = load_gwn(args.path)
    enricher = Enricher.load(settings.model)
    gazetteer = default_gazetteer()

    def country_of(gid: int) -> str | None:
        entry = gazetteer.get(gid)
        return entry.country_code if entry else None

    report = evaluate_geo(articles, lambda stories: enricher.enrich(stories, batch_size=16), country_of)
    if args.errors:
        _write_json_lines(args.errors, report.errors)
    if args.json:
        _print_json(report.as_dict())
        return 0
    o = report.overall
    print(f"GeoWebNews: {len(articles)} articles, {o['gold']} gold toponyms with coordinates")
    print(f"recognition: recall {o['recall']}, precision {report.precision} ({report.predicted} predicted)")
    print(f"resolution on {o['found']} found: Acc@161 {o.get('acc_at_161')}, exact id {o.get('exact_id')}, "
          f"country {o.get('country_accuracy')}, mean {o.get('mean_error_km')} km, median {o.get('median_error_km')} km, "
          f"AUC {o.get('auc')}")
    print(f"{'type':22s} {'gold':>5s} {'recall':>7s} {'acc161':>7s} {'exact':>6s}")
    for t, r in report.by_type.items():
        print(f"{t:22s} {r['gold']:5d} {r['recall']!s:>7s} {r.get('acc_at_161')!s:>7s} {r.get('exact_id')!s:>6s}")
    return 0


COMMANDS = {
    "run": cmd_run, "worker": cmd_worker, "topics": cmd_topics, "regions": cmd_catalog, "rules": cmd_catalog, "broker": cmd_broker,
    "ingest": cmd_ingest, "tail": cmd_tail, "enrich": cmd_enrich, "eval": cmd_eval, "bench": cmd_bench, "chaos": cmd_chaos,
    "train": cmd_train,
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="wirewatch", description=_DESCRIPTION,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("run", help="start everything: (embedded) broker, worker, web; optionally ingest; print alerts",
                       description="Start the (embedded) broker, create topics, start one worker with the web server, "
                                   "ingest stories and print alerts and dead letters as they arrive. Ctrl-C stops everything.")
    p.add_argument("--demo", action="store_true", help="ingest the bundled demo stories")
    p.add_argument("--ingest", nargs="*", default=[], metavar="PATH", help="also ingest these files/directories")
    p.add_argument("--until-alerts", type=int, metavar="N", help="exit 0 once N distinct alerts arrived")
    p.add_argument("--timeout", type=float, metavar="S", help="exit 1 if not done after S seconds")
    _add_common(p)

    p = sub.add_parser("worker", help="run one pipeline worker (Faust) with its web server",
                       description="Run one worker: the normalize, enrich and match agents plus the web server "
                                   "(/health, /ready, /stats). Needs a broker and existing topics.")
    _add_common(p)

    p = sub.add_parser("topics", help="create or list the pipeline's topics",
                       description=f"Topics: {', '.join(STAGES)} (each with the prefix). They are never auto-created.")
    p.add_argument("action", choices=["create", "list"])
    _add_common(p)

    for kind, what in (("regions", "regions of interest (GeoJSON Features)"), ("rules", "alert rules (JSON objects)")):
        p = sub.add_parser(kind, help=f"check, list, show, add or remove {what}",
                           description=f"check [FILE]: validate a file offline as a worker would load it (default: "
                                       f"WIREWATCH_{kind.upper()}). list / show ID: the {kind} the workers use now "
                                       f"(configured file overlaid by the {kind} topic). add FILE: validate and publish "
                                       f"to the {kind} topic; every worker applies it without a restart. rm ID: delete "
                                       f"(a tombstone on the topic). Also over HTTP: GET/PUT/DELETE /{kind}/ID.")
        p.add_argument("action", choices=["check", "list", "show", "add", "rm"])
        p.add_argument("target", nargs="?", metavar="FILE|ID", help="a file (check, add) or an id (show, rm)")
        _add_common(p)

    p = sub.add_parser("broker", help="run the embedded broker (Tansu, memory only) in the foreground")
    p.add_argument("--port", type=int, help="port to listen on (default: a free one)")

    p = sub.add_parser("ingest", help="send wire messages (files, directories, globs, stdin, a watched directory) to wire.raw",
                       description="Each file is one message (any format: ninjs, NewsML-G2, NITF, …); with --lines each "
                                   "non-empty line is one message. '-' reads stdin. --watch DIR sends every new or "
                                   "changed file once, remembering what it sent across restarts.")
    p.add_argument("paths", nargs="*", metavar="PATH", help="files, directories, glob patterns, or '-'")
    p.add_argument("--lines", action="store_true", help="one message per line (JSON lines)")
    p.add_argument("--watch", type=Path, metavar="DIR", help="keep watching DIR and send new files as they arrive")
    p.add_argument("--feed", nargs="+", metavar="URL", help="poll these RSS/Atom/ninjs feed URLs (ETag/If-Modified-Since, backoff)")
    p.add_argument("--interval", type=float, default=None, metavar="S",
                   help="poll interval: --watch default 1 s, --feed default 60 s")
    p.add_argument("--retry-seconds", dest="retry_seconds", type=float, default=60.0, metavar="S",
                   help="keep retrying a message the broker does not take for S seconds (default 60); then stop, "
                        "list the files not sent, exit 1")
    _add_common(p)

    p = sub.add_parser("tail", help="follow a topic and print its records",
                       description="Print records of a pipeline topic as they arrive (pretty, or --json lines).")
    p.add_argument("stage", choices=list(STAGES))
    p.add_argument("--json", action="store_true", help="raw JSON lines instead of the pretty form")
    p.add_argument("--from-beginning", action="store_true", help="start at the oldest record, not the newest")
    p.add_argument("--max", type=int, metavar="N", help="stop after N records")
    p.add_argument("--idle-timeout", type=float, metavar="S", help="stop when nothing arrived for S seconds")
    p.add_argument("--region", dest="region_id", metavar="ID", help="alerts of this region only")
    p.add_argument("--type", nargs="+", metavar="T", help="with an event of one of these types (event-taxonomy ids)")
    p.add_argument("--country", nargs="+", metavar="CC", help="with a place in one of these countries (ISO alpha-2)")
    _add_common(p)

    p = sub.add_parser("enrich", help="enrich stories offline (no broker): JSON lines in, EnrichedStory JSON lines out",
                       description="Read ninjs JSON lines ({\"uri\": …, \"body_text\": …} per line) from files or stdin and "
                                   "write one EnrichedStory JSON per line to stdout, in input order, with the same code "
                                   "as the enrich agent. With --format text each file is one plain-text story.")
    p.add_argument("files", nargs="*", metavar="FILE", help="input files; none or '-' reads stdin")
    p.add_argument("--format", default="auto", choices=["auto", "ninjs", "text"], help="input format (default: auto)")
    p.add_argument("--batch-size", type=int, default=64, metavar="N", help="stories per nlp.pipe batch")
    _add_common(p)

    p = sub.add_parser("eval", help="evaluate against a development corpus (geo: GeoWebNews; events: CASE 2021, "
                                    "event locations)",
                       description="wirewatch eval geo PATH/GWN.xml: toponym recognition recall/precision and, on "
                                   "found toponyms, Acc@161km, exact GeoNames id, country accuracy, mean/median error, "
                                   "AUC — overall and by toponym type. wirewatch eval events PATH/dev.tsv: CASE 2021 "
                                   "task 2 event types (weighted/macro F1, per class, confusions). wirewatch eval "
                                   "events PATH/dev.jsonl: accuracy of the place linked to each event verb.")
    p.add_argument("task", choices=["geo", "events", "stories"])
    p.add_argument("path", type=Path, metavar="PATH", nargs="?",
                   help="GWN.xml, a CASE .tsv, an event-location .jsonl, or a directory of annotated stories "
                        "(stories; default: the set shipped in pipeline/evaluation/stories)")
    p.add_argument("--limit", type=int, metavar="N", help="evaluate the first N items only (events)")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.add_argument("--errors", type=Path, metavar="FILE",
                   help="write every error as JSON lines (geo: misses, >161 km and wrong GeoNames ids; events: wrong labels/places)")
    _add_common(p)

    p = sub.add_parser("train", help="rebuild a shipped model from the project's own labelled data",
                       description="wirewatch train events: cross-validates the event-type classifier on the "
                                   "labelled corpus (pipeline/events/corpus/*.jsonl), calibrates it, fits it on the "
                                   "whole corpus and writes the model file the event tagger loads. Deterministic.")
    p.add_argument("what", choices=["events"])
    p.add_argument("--corpus", type=Path, metavar="DIR", help="corpus directory (default: the shipped corpus)")
    p.add_argument("--out", type=Path, metavar="FILE", help="model file (default: the shipped model's path)")
    p.add_argument("--folds", type=int, default=5, metavar="K", help="cross-validation folds (default 5)")
    p.add_argument("--none-prior", type=float, default=0.67, metavar="P",
                   help="share of trigger sentences in wire stories that report no new event; the model's odds of "
                        "'none' are corrected from the corpus' share to this (default 0.67)")
    p.add_argument("--json", action="store_true", help="print the training report as JSON")

    p = sub.add_parser("bench", help="measure speed: bare spaCy vs the pipeline through the broker (1 and 2 workers), "
                                     "latency, cold start, memory",
                       description="wirewatch bench [PATH…]: on the same stories — GeoWebNews GWN.xml, text files or "
                                   "directories, or (default) generated stories — measures (a) bare spaCy nlp.pipe, "
                                   "(b) the pipeline with 1 worker through the (embedded) broker, (c) with 2 workers, "
                                   "latency p50/p95/p99 raw→enriched and raw→alert at half of (b)'s rate, cold start, "
                                   "peak RSS, gazetteer load. --components times each spaCy component instead. "
                                   "A measurement, not a test.")
    p.add_argument("paths", nargs="*", type=Path, metavar="PATH", help="GWN.xml, text files or directories")
    p.add_argument("--n", type=int, metavar="N", help="number of stories (default 400 generated; all of PATHs)")
    p.add_argument("--quick", action="store_true", help="a smoke run: 48 stories, short latency phase")
    p.add_argument("--workers", type=int, choices=[1, 2], default=2, help="up to 1 or 2 workers (default 2)")
    p.add_argument("--latency-stories", dest="latency_stories", type=int, default=200, metavar="N",
                   help="stories offered in the latency phase (default 200)")
    p.add_argument("--json", type=Path, metavar="FILE", help="also write the report as JSON ('-': stdout)")
    p.add_argument("--components", action="store_true", help="time each spaCy component instead (no broker)")
    p.add_argument("--repeat", type=int, default=1, metavar="N", help="--components: runs; best time kept")
    p.add_argument("--match-regions", dest="match_regions", type=int, default=0, metavar="N",
                   help="--components: also time alert matching against N synthetic regions")
    _add_common(p)

    p = sub.add_parser("chaos", help="soak test: send stories, kill workers at random (SIGKILL), reconcile",
                       description="For --minutes, send --rate stories/s (with duplicates and malformed messages) to "
                                   "fresh topics while killing a random worker every --kill-min..--kill-max seconds and "
                                   "restarting it; then wait until everything is through and reconcile in = enriched + "
                                   "dead-lettered + dropped-as-duplicate from the topics. Exit 1 if anything is missing.")
    p.add_argument("--minutes", type=float, default=5.0, metavar="N", help="how long to run (default 5)")
    p.add_argument("--workers", type=int, default=2, metavar="N", help="worker processes (default 2)")
    p.add_argument("--rate", type=float, default=10.0, metavar="R", help="stories per second (default 10)")
    p.add_argument("--kill-min", dest="kill_min", type=float, default=20.0, metavar="S")
    p.add_argument("--kill-max", dest="kill_max", type=float, default=60.0, metavar="S")
    p.add_argument("--json", type=Path, metavar="FILE", help="also write the reconciliation as JSON ('-': stdout)")
    _add_common(p)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        return COMMANDS[args.command](args)
    except WirewatchError as exc:
        print(f"wirewatch: error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # `wirewatch eval … | head`: the reader left; not an error of ours
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())
