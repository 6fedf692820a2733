"""``wirewatch bench``: measure speed — bare spaCy vs the pipeline through the broker, latency, cold start, memory."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..core import ConfigError, Settings
from ._common import add_common, make_settings, write_report

__all__ = ["add_parser", "cmd_bench"]


def _bench_texts(args: argparse.Namespace) -> list[tuple[str, str]]:
    """(headline, body) of the stories to time: GWN.xml articles, text files / directories, or generated."""
    if not args.paths:
        from ..tools import generate_stories

        return [(s.headline, s.body) for s in generate_stories(args.n or (48 if args.quick else 400))]
    out: list[tuple[str, str]] = []
    for path in args.paths:
        if not path.exists():
            raise ConfigError(f"no such file: {path}")
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for f in files:
            if f.suffix == ".xml" and b"<articles" in f.read_bytes()[:2000]:
                from ..evaluation import load_gwn

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
    settings = make_settings(args)
    texts = _bench_texts(args)
    if args.components:
        return _bench_components(args, settings, [body for _, body in texts])
    from ..tools import BenchOptions, BenchStory, run_bench

    options = BenchOptions(partitions=args.partitions or 4, latency_stories=20 if args.quick else args.latency_stories,
                           worker_counts=(1,) if args.workers == 1 else (1, 2))
    report = run_bench([BenchStory(h, b) for h, b in texts], settings, options, settings.data_dir / "bench")
    if args.json:
        write_report(args.json, report)
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


def _resolution_speed(enricher, texts: list[str], repeat: int) -> float:
    """Gazetteer lookups per second on the toponyms the pipeline finds in ``texts``, with each story's
    countries as context."""
    from ..geo import default_gazetteer
    from ..tools import time_resolution

    mentions = []
    for doc in enricher.nlp.pipe(texts):
        places = [p for p in doc._.places or () if p.kind == "toponym"]
        context = frozenset(p.entry.country_code for p in places if p.entry is not None)
        mentions += [(p.text, context) for p in places]
    return time_resolution(default_gazetteer(), mentions, repeat=max(3, repeat))


def _bench_components(args: argparse.Namespace, settings: Settings, texts: list[str]) -> int:
    from ..enrich import Enricher
    from ..tools import time_components

    enricher = Enricher.load(settings.model)
    times = time_components(enricher.nlp, texts, repeat=args.repeat)
    report = times.as_dict()
    report["resolve_mentions_per_s"] = round(_resolution_speed(enricher, texts, args.repeat))
    if args.match_regions:
        from ..core import Story
        from ..tools import time_matching

        stories = enricher.enrich([Story(uri=f"bench:{k}", version=1, headline="", body=t, source_format="text",
                                         received_at="", language="en") for k, t in enumerate(texts)])
        report["match_ms_per_story"] = round(time_matching(stories, args.match_regions), 4)
        report["regions"] = args.match_regions
    if args.json:
        write_report(args.json, report)
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


def add_parser(sub: argparse._SubParsersAction) -> None:
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
    add_common(p)
