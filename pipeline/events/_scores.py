"""Per-class precision, recall and F1 of a labelling (pure): the figures the CASE evaluation and the
classifier's cross-validation report."""

from __future__ import annotations

from typing import Sequence

__all__ = ["score_labels"]


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def score_labels(gold: Sequence[str], predicted: Sequence[str]) -> tuple[dict[str, dict], float, float, float]:
    classes = sorted(set(gold))
    per_class = {}
    for c in classes:
        tp = sum(1 for g, p in zip(gold, predicted, strict=True) if g == c and p == c)
        fp = sum(1 for g, p in zip(gold, predicted, strict=True) if g != c and p == c)
        fn = sum(1 for g, p in zip(gold, predicted, strict=True) if g == c and p != c)
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        per_class[c] = {"precision": round(precision, 3), "recall": round(recall, 3),
                        "f1": round(_f1(precision, recall), 3), "support": tp + fn}
    total = len(gold)
    weighted = sum(v["f1"] * v["support"] for v in per_class.values()) / total if total else 0.0
    macro = sum(v["f1"] for v in per_class.values()) / len(per_class) if per_class else 0.0
    accuracy = sum(1 for g, p in zip(gold, predicted, strict=True) if g == p) / total if total else 0.0
    return per_class, round(weighted, 3), round(macro, 3), round(accuracy, 3)
