"""Train the event place chooser (:class:`pipeline.nlp._place_link.PlaceChooser`) on the event-location
data, with k-fold cross-validation, and write its weights.

    python -m pipeline.evaluation._linker_training ../shared/data/events/event-location/dev.jsonl

Prints the cross-validated accuracy next to the rules' on the same folds; writes
``pipeline/nlp/place_linker.json`` (feature names, weights, threshold) unless ``--dry-run``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

from ._events import LocationItem, load_event_locations

__all__ = ["collect", "fit", "cross_validate"]

WEIGHTS_PATH = Path(__file__).resolve().parent.parent / "nlp" / "place_linker.json"


def collect(nlp, items: list[LocationItem]) -> list[tuple[np.ndarray, np.ndarray, int, bool]]:
    """Per item: candidate feature rows, candidate labels (overlaps a gold location), the index of the
    rules' choice (-1: none), and whether the item has a gold location at all."""
    from ..nlp import by_token, candidate_features, first_place, place_spans, stages

    tagger = nlp.get_pipe("wirewatch_events")
    out = []
    for item, doc in zip(items, nlp.pipe((i.text for i in items), batch_size=64), strict=True):
        span = doc.char_span(item.verb[0], item.verb[1], alignment_mode="expand")
        rows, labels, rule = np.zeros((0, 0)), np.zeros(0), -1
        if span is not None and len(span):
            sent = doc[span.start].sent
            [sent_doc] = tagger._parse([sent])
            tok = tagger._token(sent, sent_doc, span.start, span.end)
            places = place_spans(doc, sent)
            if places and tok is not None:
                found_by_stage = list(stages(tok, by_token(places, sent.start)))
                chosen = first_place(found_by_stage, False)
                rule_item = chosen[1] if chosen else None
                rows = np.array(candidate_features(tok, found_by_stage, places, rule_item, sent.start)[0])
                labels = np.array([float(any(p[5] < e and s < p[6] for s, e in item.locations)) for p in places])
                rule = next((k for k, p in enumerate(places) if p is rule_item), -1)
        out.append((rows, labels, rule, bool(item.locations)))
    return out


def fit(data, l2: float = 1.0, iterations: int = 30) -> tuple[np.ndarray, float]:
    """Logistic regression (Newton's method, L2) on all candidate rows; then the threshold that makes
    the most items right on ``data``."""
    rows = [d[0] for d in data if len(d[0])]
    X = np.vstack(rows)
    y = np.concatenate([d[1] for d in data if len(d[0])])
    w = np.zeros(X.shape[1])
    reg = l2 * np.eye(X.shape[1])
    reg[0, 0] = 0.0  # no penalty on the bias
    for _ in range(iterations):
        p = 1 / (1 + np.exp(-np.clip(X @ w, -30, 30)))
        grad = X.T @ (p - y) + reg @ w
        hess = (X * (p * (1 - p))[:, None]).T @ X + reg
        w -= np.linalg.solve(hess, grad)
    best_t, best_acc = 0.5, -1.0
    for t in np.linspace(0.05, 0.95, 37):
        acc = accuracy(data, w, t)
        if acc > best_acc:
            best_t, best_acc = float(t), acc
    return w, best_t


def _choice(rows: np.ndarray, w: np.ndarray, t: float) -> int:
    if not len(rows):
        return -1
    p = 1 / (1 + np.exp(-np.clip(rows @ w, -30, 30)))
    k = int(np.argmax(p))
    return k if p[k] >= t else -1


def _right(choice: int, labels: np.ndarray, has_gold: bool) -> bool:
    return labels[choice] > 0 if choice >= 0 else not has_gold


def accuracy(data, w: np.ndarray, t: float) -> float:
    return float(np.mean([_right(_choice(r, w, t), lab, g) for r, lab, _, g in data]))


def cross_validate(data, folds: int = 5) -> dict:
    model, rules = [], []
    idx = np.arange(len(data))
    for k in range(folds):
        test = set(idx[k::folds].tolist())
        train = [d for i, d in enumerate(data) if i not in test]
        w, t = fit(train)
        for i in sorted(test):
            rows, labels, rule, gold = data[i]
            model.append(_right(_choice(rows, w, t), labels, gold))
            rules.append(_right(rule, labels, gold))
    return {"folds": folds, "items": len(data), "model_accuracy": round(float(np.mean(model)), 3),
            "rules_accuracy": round(float(np.mean(rules)), 3)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("path", type=Path, help="event-location dev.jsonl")
    parser.add_argument("--limit", type=int, help="first N items only")
    parser.add_argument("--dry-run", action="store_true", help="cross-validate only; write nothing")
    args = parser.parse_args(argv)
    from ..enrich import Enricher

    items = load_event_locations(args.path, limit=args.limit)
    nlp = Enricher.load().nlp
    data = collect(nlp, items)
    report = cross_validate(data)
    print(json.dumps(report))
    if not args.dry_run:
        from ..nlp import FEATURES

        w, t = fit(data)
        WEIGHTS_PATH.write_text(json.dumps({"features": list(FEATURES), "weights": [round(float(x), 5) for x in w],
                                            "threshold": round(t, 3), "trained_on": args.path.name,
                                            "items": len(items), "cross_validation": report}, indent=1) + "\n")
        print(f"wrote {WEIGHTS_PATH}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
