"""``wirewatch train events``: rebuild the event-type classifier from the labelled corpus."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..core import ConfigError
from ._common import print_json

__all__ = ["add_parser", "cmd_train"]


def cmd_train(args: argparse.Namespace) -> int:

    from ..events import CORPUS_DIR, DEFAULT_MODEL_PATH, load_corpus, train

    examples = load_corpus(args.corpus or CORPUS_DIR)
    out = args.out or DEFAULT_MODEL_PATH
    say = (lambda s: print(f"· {s}", file=sys.stderr)) if not args.json else (lambda s: None)
    if not 0.0 < args.none_prior < 1.0:
        raise ConfigError(f"--none-prior must lie between 0 and 1 (exclusive), not {args.none_prior}")
    model, report = train(examples, folds=args.folds, none_prior=args.none_prior, progress=say)
    model.save(out)
    if args.json:
        print_json({**report.as_dict(), "model": str(out), "none_shift": model.none_shift})
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


def add_parser(sub: argparse._SubParsersAction) -> None:
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
