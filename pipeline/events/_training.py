"""Training the event-type classifier from the labelled corpus (``wirewatch train events``).

The corpus is JSON lines under ``pipeline/events/corpus/``: ``{"text", "label", …}`` with ``label`` an
event type id of the taxonomy or ``none``. Training is deterministic (fixed fold assignment, a
deterministic solver), so the same corpus gives the same model file.

Steps: features per snippet (:func:`pipeline.events._classifier.sentence_features`); vocabulary = features
seen in at least ``min_df`` snippets; ``(1 + log tf) · idf``, L2-normalised; a multinomial logistic
regression (scikit-learn, lbfgs). Stratified k-fold cross-validation gives the out-of-fold predictions
the report is made of and the calibration temperature (the one that minimises the out-of-fold log
loss); the final model is fitted on the whole corpus.

Prior correction: the corpus holds a few hundred snippets per event type and fewer of ``none`` (about one
in seven), but in wire stories most sentences with a tempting word report no new event. Our annotated
stories have 414 sentences with a lexicon trigger for 70 events; counting each event as told in about two
sentences, two thirds of them report none. A model trained at the corpus' share of ``none`` would see
events everywhere; so the calibrated log-odds of ``none`` are shifted by ``logit(none_prior) −
logit(corpus share)`` (Saerens et al., 2002: adjusting a classifier to new priors), ``none_prior``
= 0.67 by default. The residual type ``other`` (a development that fits no other type) gets the same
correction: the corpus gives it as many snippets as a common type (about one event snippet in 25), but
none of the 95 gold events of our development and held-out stories is one; its log-odds are shifted
from its share of the corpus' event snippets to ``other_prior`` = 0.01 (at most about one event in a
hundred). The cross-validation numbers are those of the uncorrected model (the corpus' own priors).
"""

from __future__ import annotations

import math
import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

import numpy as np
import orjson

from ..core import CorpusError
from ._classifier import NONE, OTHER, EventClassifier, sentence_features
from ._scores import score_labels
from ._taxonomy import TYPE_IDS

__all__ = ["CORPUS_DIR", "Example", "load_corpus", "train", "TrainingReport"]

CORPUS_DIR = Path(__file__).with_name("corpus")
_LABELS = set(TYPE_IDS) | {NONE}


@dataclass(frozen=True)
class Example:
    text: str
    label: str
    source: str  # file:line


def load_corpus(directory: str | Path = CORPUS_DIR) -> list[Example]:
    """Every example of every ``*.jsonl`` file in ``directory`` (sorted by file name, then line)."""
    files = sorted(Path(directory).glob("*.jsonl"))
    if not files:
        raise CorpusError(f"no *.jsonl files in {directory}: point --corpus at the labelled corpus directory")
    out = []
    for path in files:
        for n, line in enumerate(path.read_bytes().splitlines(), 1):
            if not line.strip():
                continue
            where = f"{path.name}:{n}"
            try:
                record = orjson.loads(line)
            except orjson.JSONDecodeError as exc:
                raise CorpusError(f"{where}: not JSON ({exc}); fix or remove the line") from None
            if not isinstance(record, dict) or not isinstance(record.get("text"), str) or not record["text"].strip():
                raise CorpusError(f"{where}: needs a non-empty \"text\" string")
            label = record.get("label")
            if label not in _LABELS:
                raise CorpusError(f"{where}: label {label!r} is not an event type id of the taxonomy nor {NONE!r}")
            out.append(Example(record["text"], label, where))
    return out


@dataclass
class TrainingReport:
    n: int
    labels: dict[str, int]
    folds: int
    cv_accuracy: float
    cv_weighted_f1: float
    cv_macro_f1: float
    per_class: dict[str, dict]
    confusions: list[tuple[str, str, int]]
    temperature: float
    calibration: list[dict] = field(default_factory=list)  # per confidence bin: n, mean confidence, accuracy
    features: int = 0
    seconds: float = 0.0

    def as_dict(self) -> dict:
        return {k: (list(map(list, v)) if k == "confusions" else v) for k, v in self.__dict__.items()}


def _matrix(feature_rows: Sequence[dict[str, float]], vocab: dict[str, int], idf: np.ndarray):
    from scipy.sparse import csr_matrix

    indptr, indices, data = [0], [], []
    for feats in feature_rows:
        row = [(vocab[k], (1.0 + math.log(c)) if c >= 1 else c) for k, c in feats.items() if k in vocab]
        if row:
            idx = np.array([j for j, _ in row])
            val = np.array([v for _, v in row]) * idf[idx]
            val /= np.sqrt((val ** 2).sum()) or 1.0
            indices.extend(idx.tolist())
            data.extend(val.tolist())
        indptr.append(len(indices))
    return csr_matrix((data, indices, indptr), shape=(len(feature_rows), len(vocab)))


def _vocabulary(feature_rows: Sequence[dict[str, float]], min_df: int) -> tuple[dict[str, int], np.ndarray]:
    df = Counter(k for feats in feature_rows for k in feats)
    keys = sorted(k for k, n in df.items() if n >= min_df)
    n = len(feature_rows)
    idf = np.array([math.log((1 + n) / (1 + df[k])) + 1.0 for k in keys])
    return {k: i for i, k in enumerate(keys)}, idf


def _fit(feature_rows, labels, classes, min_df: int, c: float):
    from sklearn.linear_model import LogisticRegression
    from threadpoolctl import threadpool_limits

    vocab, idf = _vocabulary(feature_rows, min_df)
    model = LogisticRegression(C=c, max_iter=3000, tol=1e-5)
    with threadpool_limits(1):  # one BLAS thread: the same bits whichever process or machine fits it
        model.fit(_matrix(feature_rows, vocab, idf), [classes.index(y) for y in labels])
    # Classes absent from a fold's training part get no column from scikit-learn: put them back, never chosen.
    coef = np.zeros((len(vocab), len(classes)))
    intercept = np.full(len(classes), -30.0)
    for col, cls in enumerate(model.classes_):
        coef[:, cls] = model.coef_[col] if len(model.classes_) > 2 else (model.coef_[0] if col else -model.coef_[0])
        intercept[cls] = model.intercept_[col] if len(model.classes_) > 2 else 0.0
    return EventClassifier(tuple(classes), vocab, idf, coef.astype(np.float32), intercept)


def _folds(labels: Sequence[str], k: int) -> list[int]:
    """Stratified fold of each example: the i-th example of each label goes to fold i mod k."""
    seen: Counter[str] = Counter()
    out = []
    for y in labels:
        out.append(seen[y] % k)
        seen[y] += 1
    return out


def _logit(p: float) -> float:
    return math.log(p / (1.0 - p))


def _temperature(logits: np.ndarray, gold: np.ndarray) -> float:
    best = (math.inf, 1.0)
    for t in np.arange(0.3, 3.01, 0.05):
        z = logits / t
        z = z - z.max(axis=1, keepdims=True)
        logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
        nll = -logp[np.arange(len(gold)), gold].mean()
        best = min(best, (nll, round(float(t), 2)))
    return best[1]


def train(examples: Sequence[Example], *, folds: int = 5, min_df: int = 2, c: float = 8.0, none_prior: float = 0.67,
          other_prior: float = 0.01,
          progress: Callable[[str], None] = lambda s: None) -> tuple[EventClassifier, TrainingReport]:
    """Cross-validate, calibrate and fit the classifier on ``examples``; returns the model fitted on all of them."""
    import time

    started = time.perf_counter()
    classes = sorted({e.label for e in examples})
    labels = [e.label for e in examples]
    progress(f"features for {len(examples)} examples")
    rows = [sentence_features(e.text) for e in examples]
    fold_of = _folds(labels, folds)
    logits = np.zeros((len(examples), len(classes)))
    # The k folds' models and the final one are independent fits: one process per core (each fit is
    # deterministic, so the result does not depend on how many run at once).
    from joblib import Parallel, delayed

    jobs = max(1, min(os.cpu_count() or 1, folds + 1))
    progress(f"{folds} cross-validation folds and the final model, {jobs} at a time")
    parts = [([rows[i] for i, f in enumerate(fold_of) if f != k], [labels[i] for i, f in enumerate(fold_of) if f != k])
             for k in range(folds)] + [(rows, labels)]
    fitted = Parallel(n_jobs=jobs)(delayed(_fit)(x, y, classes, min_df, c) for x, y in parts)
    for k, model in enumerate(fitted[:folds]):
        for i in (i for i, f in enumerate(fold_of) if f == k):
            idx, val = _weigh_row(rows[i], model)
            logits[i] = (val @ model.coef[idx] if len(idx) else 0.0) + model.intercept
    gold = np.array([classes.index(y) for y in labels])
    temperature = _temperature(logits, gold)
    predicted = [classes[j] for j in logits.argmax(axis=1)]
    per_class, weighted, macro, accuracy = score_labels(labels, predicted)
    confusions = Counter((g, p) for g, p in zip(labels, predicted, strict=True) if g != p).most_common(20)
    final = fitted[folds]
    final.temperature = temperature
    share = labels.count(NONE) / len(labels)
    if NONE in classes and 0.0 < share < 1.0 and 0.0 < none_prior < 1.0:
        final.none_shift = round(_logit(none_prior) - _logit(share), 4)
    events = [y for y in labels if y != NONE]
    other_share = events.count(OTHER) / len(events) if events else 0.0
    if OTHER in classes and 0.0 < other_share < 1.0 and 0.0 < other_prior < 1.0:
        final.other_shift = round(_logit(other_prior) - _logit(other_share), 4)
    report = TrainingReport(len(examples), dict(sorted(Counter(labels).items())), folds, accuracy, weighted, macro,
                            per_class, [(g, p, n) for (g, p), n in confusions], temperature,
                            _calibration(logits / temperature, gold), len(final.vocab),
                            round(time.perf_counter() - started, 1))
    return final, report


def _weigh_row(feats: dict[str, float], model: EventClassifier):
    from ._classifier import _weigh

    return _weigh(feats, model.vocab, model.idf)


def _calibration(logits: np.ndarray, gold: np.ndarray) -> list[dict]:
    z = np.exp(logits - logits.max(axis=1, keepdims=True))
    p = z / z.sum(axis=1, keepdims=True)
    conf, pred = p.max(axis=1), p.argmax(axis=1)
    bins = []
    for lo, hi in ((0.0, 0.4), (0.4, 0.6), (0.6, 0.8), (0.8, 0.9), (0.9, 1.01)):
        mask = (conf >= lo) & (conf < hi)
        if mask.any():
            bins.append({"bin": f"{lo:.1f}-{min(hi, 1.0):.1f}", "n": int(mask.sum()),
                         "mean_confidence": round(float(conf[mask].mean()), 3),
                         "accuracy": round(float((pred[mask] == gold[mask]).mean()), 3)})
    return bins
