"""``wirewatch eval geo|events|stories``: evaluate against development corpora."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..core import ConfigError, Settings
from ._common import add_common, make_settings, print_json, reported_as_json, write_json_lines

__all__ = ["add_parser", "cmd_eval"]


def cmd_eval(args: argparse.Namespace) -> int:

    from ..enrich import Enricher
    from ..evaluation import evaluate_geo, load_gwn
    from ..geo import default_gazetteer

    settings = make_settings(args)
    if args.task == "stories":
        return _eval_stories(args, settings)
    if args.path is None:
        raise ConfigError(f"wirewatch eval {args.task} needs a PATH (see wirewatch eval --help)")
    if not args.path.exists():
        raise ConfigError(f"no such file: {args.path} (GeoWebNews: ../shared/data/geo/geowebnews/GWN.xml; LGL: "
                          "../shared/data/geo/lgl/lgl-dev.xml; CASE 2021: "
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
        write_json_lines(args.errors, report.errors)
    if args.json:
        print_json(report.as_dict())
        return 0
    o = report.overall
    print(f"{args.path.name}: {len(articles)} articles, {o['gold']} gold toponyms with coordinates")
    print(f"recognition: recall {o['recall']}, precision {report.precision} ({report.predicted} predicted)")
    print(f"resolution on {o['found']} found: Acc@161 {o.get('acc_at_161')}, exact id {o.get('exact_id')}, "
          f"country {o.get('country_accuracy')}, mean {o.get('mean_error_km')} km, median {o.get('median_error_km')} km, "
          f"AUC {o.get('auc')}")
    print(f"{'type':22s} {'gold':>5s} {'recall':>7s} {'acc161':>7s} {'exact':>6s}")
    for t, r in report.by_type.items():
        print(f"{t:22s} {r['gold']:5d} {r['recall']!s:>7s} {r.get('acc_at_161')!s:>7s} {r.get('exact_id')!s:>6s}")
    return 0


def _eval_events(args: argparse.Namespace, settings: Settings) -> int:

    from ..enrich import Enricher
    from ..evaluation import CASE_TO_TYPE, evaluate_case, evaluate_locations, load_case, load_event_locations, place_linker

    enricher = Enricher.load(settings.model)
    if args.path.suffix == ".jsonl":
        items = load_event_locations(args.path, limit=args.limit)
        report = evaluate_locations(items, place_linker(enricher.nlp))
        if reported_as_json(args, report.as_dict(), report.errors):
            return 0
        print(f"event locations: {report.n} sentences, accuracy {report.accuracy} "
              f"(with a gold location: {report.with_location}; without: {report.without_location})")
        return 0
    snippets = load_case(args.path)
    if args.limit:
        snippets = snippets[:args.limit]
    from ..events import default_classifier

    classifier = default_classifier()
    case = evaluate_case(snippets, lambda stories: enricher.enrich(stories, batch_size=32),
                         (lambda text: classifier.best_type(text, CASE_TO_TYPE.values())[0]) if classifier else None)
    errors = ({"id": i, "gold": g, "predicted": p} for i, g, p in case.predictions if g != p)
    if reported_as_json(args, case.as_dict(), errors):
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


def _eval_stories(args: argparse.Namespace, settings: Settings) -> int:

    from ..enrich import Enricher
    from ..evaluation import STORIES_DIR, evaluate_stories, load_stories

    stories = load_stories(args.path or STORIES_DIR)
    if args.limit:
        stories = stories[:args.limit]
    enricher = Enricher.load(settings.model)
    report = evaluate_stories(stories, lambda batch: enricher.enrich(batch, batch_size=16))
    if reported_as_json(args, report.as_dict(), report.errors):
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


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("eval", help="evaluate against a development corpus (geo: GeoWebNews or LGL; events: CASE 2021, "
                                    "event locations)",
                       description="wirewatch eval geo PATH/GWN.xml or an LGL XML file (detected): toponym recognition "
                                   "recall/precision and, on "
                                   "found toponyms, Acc@161km, exact GeoNames id, country accuracy, mean/median error, "
                                   "AUC — overall and by toponym type. wirewatch eval events PATH/dev.tsv: CASE 2021 "
                                   "task 2 event types (weighted/macro F1, per class, confusions). wirewatch eval "
                                   "events PATH/dev.jsonl: accuracy of the place linked to each event verb.")
    p.add_argument("task", choices=["geo", "events", "stories"])
    p.add_argument("path", type=Path, metavar="PATH", nargs="?",
                   help="GWN.xml or LGL XML, a CASE .tsv, an event-location .jsonl, or a directory of annotated stories "
                        "(stories; default: the set shipped in pipeline/evaluation/stories)")
    p.add_argument("--limit", type=int, metavar="N", help="evaluate the first N items only (events)")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.add_argument("--errors", type=Path, metavar="FILE",
                   help="write every error as JSON lines (geo: misses, spurious places, >161 km and wrong GeoNames "
                        "ids; events: wrong labels/places)")
    add_common(p)
