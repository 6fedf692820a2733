"""Train the event place chooser (:class:`pipeline.nlp.PlaceChooser`: boosted trees over the
candidates' parse features) on the event-location data, with k-fold cross-validation, and write it.

    python -m pipeline.evaluation._linker_training ../shared/data/events/event-location/dev.jsonl

Prints the cross-validated accuracy next to the rules' on the same folds; writes
``pipeline/nlp/place_linker.json`` (feature names, trees, threshold) unless ``--dry-run``.
"""

from __future__ import annotations

import argparse
import json
import sys
import zlib
from pathlib import Path

import numpy as np

from ._events import LocationItem, load_event_locations

__all__ = ["collect", "fit", "cross_validate", "export_trees", "text_folds", "trigger_rates", "with_rates"]

WEIGHTS_PATH = Path(__file__).resolve().parent.parent / "nlp" / "place_linker.json"


def collect(nlp, items: list[LocationItem]) -> list[tuple[np.ndarray, np.ndarray, int, bool, list[int], str]]:
    """Per item: candidate feature rows, candidate labels (overlaps a gold location), the index of the
    rules' choice (-1: none), whether the item has a gold location at all, per candidate the place it
    locates ("X, in Y": :func:`~pipeline.nlp.events.narrower`), which the tagger takes instead, and the
    trigger's word (lower case). The candidates are those of the trigger's own clause when it names any
    (:func:`~pipeline.nlp.events.own_clause`). The rows' ``trigger_rate`` is left 0: :func:`with_rates`
    fills it from the items a model is trained on."""
    from ..nlp import by_token, candidate_features, first_place, place_spans, stages
    from ..nlp.events import narrower, own_clause, without_origins

    tagger = nlp.get_pipe("wirewatch_events")
    out = []
    for item, doc in zip(items, nlp.pipe((i.text for i in items), batch_size=64), strict=True):
        span = doc.char_span(item.verb[0], item.verb[1], alignment_mode="expand")
        rows, labels, rule, inner = np.zeros((0, 0)), np.zeros(0), -1, []
        word = item.text[item.verb[0]:item.verb[1]].lower()
        if span is not None and len(span):
            sent = doc[span.start].sent
            [sent_doc] = tagger._parse([sent])
            tok = tagger._token(sent, sent_doc, span.start, span.end)
            word = tok.lower_ if tok is not None else word
            places = place_spans(doc, sent)
            if places and tok is not None and sent_doc is not None:  # the trigger's own clause's, as the tagger
                places = own_clause(places, sent_doc, tok, sent.start)
            if places and sent_doc is not None:  # less where someone set out from, as the tagger
                places = without_origins(places, sent_doc, sent.start)
            if places and tok is not None:
                found_by_stage = list(stages(tok, by_token(places, sent.start)))
                chosen = first_place(found_by_stage, False)
                rule_item = chosen[1] if chosen else None
                rows = np.array(candidate_features(tok, found_by_stage, places, rule_item, sent.start)[0])
                labels = np.array([float(any(p[5] < e and s < p[6] for s, e in item.locations)) for p in places])
                rule = next((k for k, p in enumerate(places) if p is rule_item), -1)
                inner = narrower(places, doc.text)
        out.append((rows, labels, rule, bool(item.locations), inner, word))
    return out


RATE_WEIGHT = 5.0  # a trigger word's rate counts as this many events at the overall share, then its own


def trigger_rates(data) -> dict:
    """Per trigger word, its events and those with a gold place in their sentence, and the overall share:
    what :class:`~pipeline.nlp.TriggerRates` reads."""
    counts: dict[str, list[int]] = {}
    for d in data:
        n = counts.setdefault(d[5], [0, 0])
        n[0] += 1
        n[1] += int(d[3])
    prior = float(np.mean([d[3] for d in data])) if data else 0.0
    return {"prior": round(prior, 6), "weight": RATE_WEIGHT, "counts": dict(sorted(counts.items()))}


def with_rates(data, rates: dict):
    """The items with their rows' ``trigger_rate`` set from ``rates`` (those of other items)."""
    from ..nlp import FEATURES, TriggerRates

    column = FEATURES.index("trigger_rate")
    rate = TriggerRates(rates)
    out = []
    for rows, labels, rule, gold, inner, word in data:
        if len(rows):
            rows = rows.copy()
            rows[:, column] = rate(word)
        out.append((rows, labels, rule, gold, inner, word))
    return out


def _boosted(X: np.ndarray, y: np.ndarray):
    from sklearn.ensemble import HistGradientBoostingClassifier

    # no early stopping, no subsampling: the same data give the same trees
    return HistGradientBoostingClassifier(max_iter=100, learning_rate=0.1, max_leaf_nodes=31, min_samples_leaf=40,
                                          early_stopping=False, random_state=0).fit(X, y)


def export_trees(model) -> dict:
    """The ensemble as flat node arrays (every tree's nodes one after another, children as global
    indexes), which :class:`~pipeline.nlp.PlaceChooser` walks without scikit-learn."""
    feature, threshold, left, right, leaf, value, roots = [], [], [], [], [], [], []
    depth = 0
    for [predictor] in model._predictors:
        nodes, base = predictor.nodes, len(feature)
        roots.append(base)
        for node in nodes:
            is_leaf = bool(node["is_leaf"])
            feature.append(int(node["feature_idx"]))
            threshold.append(float(node["num_threshold"]))
            left.append(base + int(node["left"]) if not is_leaf else base)
            right.append(base + int(node["right"]) if not is_leaf else base)
            leaf.append(int(is_leaf))
            value.append(float(node["value"]) if is_leaf else 0.0)
            depth = max(depth, int(node["depth"]))
    baseline = float(np.ravel(model._baseline_prediction)[0])
    return {"baseline": baseline, "max_depth": depth, "roots": roots, "feature": feature,
            "threshold": [round(x, 6) for x in threshold], "left": left, "right": right, "leaf": leaf,
            "value": [round(x, 7) for x in value]}


def _rows(data) -> tuple[np.ndarray, np.ndarray]:
    X = np.vstack([d[0] for d in data if len(d[0])])
    y = np.concatenate([d[1] for d in data if len(d[0])])
    return X, y


def fit(data) -> tuple[dict, float, dict]:
    """The trigger words' rates on ``data``, the boosted trees on all candidate rows (with those rates); then
    the threshold that makes the most items right on ``data``."""
    from ..nlp import PlaceChooser

    rates = trigger_rates(data)
    data = with_rates(data, rates)
    trees = export_trees(_boosted(*_rows(data)))
    chooser = PlaceChooser(0.5, trees=trees, rates=rates)
    scored = [(chooser.probabilities(r) if len(r) else np.zeros(0), lab, g, inner) for r, lab, _, g, inner, _ in data]
    best_t, best_acc = 0.5, -1.0
    for t in np.linspace(0.05, 0.95, 37):
        acc = float(np.mean([_right(_choice(p, t, inner), lab, g) for p, lab, g, inner in scored]))
        if acc > best_acc:
            best_t, best_acc = float(t), acc
    return trees, best_t, rates


def _choice(p: np.ndarray, t: float, inner: list[int] | None = None) -> int:
    """The tagger's choice: the likeliest candidate if it reaches ``t``, then the place it locates, if any."""
    from ..nlp.events import narrowest

    if not len(p):
        return -1
    k = int(np.argmax(p))
    if p[k] < t:
        return -1
    return narrowest(k, inner) if inner else k


def _right(choice: int, labels: np.ndarray, has_gold: bool) -> bool:
    return labels[choice] > 0 if choice >= 0 else not has_gold


def text_folds(texts: list[str], folds: int = 5) -> list[int]:
    """Each item's fold, by its text: the data repeat sentences (8,604 distinct texts among 9,684 items),
    and a sentence seen in training would flatter the test. Stable across runs (CRC-32, not ``hash``)."""
    return [zlib.crc32(text.encode()) % folds for text in texts]


def cross_validate(data, folds: int = 5, fold_of: list[int] | None = None) -> dict:
    """Accuracy of the chooser and of the rules alone, each item tested by the model of the other folds;
    ``fold_of`` gives each item's fold (default: every ``folds``-th item)."""
    from ..nlp import PlaceChooser

    model, rules = [], []
    fold_of = fold_of if fold_of is not None else [i % folds for i in range(len(data))]
    for k in range(folds):
        test = {i for i, fold in enumerate(fold_of) if fold == k}
        train = [d for i, d in enumerate(data) if i not in test]
        trees, t, rates = fit(train)
        chooser = PlaceChooser(t, trees=trees, rates=rates)
        tested = with_rates([data[i] for i in sorted(test)], rates)  # the rates of the other folds' items
        for rows, labels, rule, gold, inner, _ in tested:
            p = chooser.probabilities(rows) if len(rows) else np.zeros(0)
            model.append(_right(_choice(p, t, inner), labels, gold))
            rules.append(_right(rule, labels, gold))
    return {"folds": folds, "items": len(data), "model_accuracy": round(float(np.mean(model)), 3),
            "rules_accuracy": round(float(np.mean(rules)), 3)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("path", type=Path, help="event-location dev.jsonl")
    parser.add_argument("--limit", type=int, help="first N items only")
    parser.add_argument("--dry-run", action="store_true", help="cross-validate only; write nothing")
    args = parser.parse_args(argv)
    from ..nlp import build_nlp

    items = load_event_locations(args.path, limit=args.limit)
    nlp = build_nlp(events_config={"place_model": ""})  # the candidates and their features; no chooser needed
    data = collect(nlp, items)
    report = cross_validate(data, fold_of=text_folds([i.text for i in items]))
    print(json.dumps(report))
    if not args.dry_run:
        from ..nlp import FEATURES

        trees, t, rates = fit(data)
        WEIGHTS_PATH.write_text(json.dumps({"features": list(FEATURES), "trees": trees, "threshold": round(t, 3),
                                            "trigger_rates": rates,
                                            "trained_on": args.path.name, "items": len(items),
                                            "cross_validation": report}, separators=(",", ":")) + "\n")
        print(f"wrote {WEIGHTS_PATH}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
