"""The event place chooser: exported boosted trees score exactly as scikit-learn's model does, and the
shipped chooser loads (no broker, no shared data)."""

import numpy as np

from pipeline.evaluation._linker_training import _boosted, export_trees
from pipeline.nlp import FEATURES, PlaceChooser, default_chooser


def test_exported_trees_score_as_the_trained_model():
    rng = np.random.default_rng(7)
    X = rng.random((600, len(FEATURES))).round(2)
    y = ((X[:, 1] + X[:, 5] > 1.0) ^ (X[:, 9] > 0.8)).astype(float)
    model = _boosted(X, y)
    chooser = PlaceChooser(0.5, trees=export_trees(model))
    assert np.allclose(chooser.probabilities(X), model.predict_proba(X)[:, 1], atol=1e-5)
    items = ["a", "b", "c"]
    best = int(np.argmax(model.predict_proba(X[:3])[:, 1]))
    assert chooser.choose(items, X[:3].tolist(), threshold=0.0) == items[best]


def test_the_shipped_chooser_loads_and_abstains_below_its_threshold():
    chooser = default_chooser()
    assert chooser is not None and 0.0 < chooser.threshold < 1.0
    assert chooser.choose([], []) is None
    row = [0.0] * len(FEATURES)
    assert 0.0 <= chooser.probability(row) <= 1.0


def test_folds_go_by_text_so_a_repeated_sentence_is_never_on_both_sides():
    from pipeline.evaluation._linker_training import text_folds

    texts = [f"Sentence {i % 40}." for i in range(200)]  # each text five times
    folds = text_folds(texts)
    assert folds == text_folds(texts)  # stable across runs
    assert all(len({f for t, f in zip(texts, folds, strict=True) if t == text}) == 1 for text in set(texts))
    assert set(folds) <= set(range(5)) and len(set(folds)) > 1


def test_a_trigger_words_rate_shrinks_to_the_overall_share_when_it_was_seen_rarely():
    from pipeline.evaluation._linker_training import trigger_rates, with_rates

    rows = np.zeros((1, len(FEATURES)))
    data = [(rows, np.zeros(1), -1, gold, [-1], word) for word, gold in
            [("shelled", True)] * 8 + [("said", False)] * 8 + [("razed", True)]]
    rates = trigger_rates(data)
    chooser = PlaceChooser(0.5, trees=export_trees(_boosted(np.random.default_rng(1).random((80, len(FEATURES))),
                                                             np.arange(80) % 2)), rates=rates)
    prior = 9 / 17
    assert chooser.trigger_rate("shelled") > chooser.trigger_rate("razed") > prior > chooser.trigger_rate("said")
    assert abs(chooser.trigger_rate("unseen") - prior) < 1e-6  # a word never seen: the overall share
    column = FEATURES.index("trigger_rate")
    filled = with_rates(data, rates)
    assert filled[0][0][0, column] == chooser.trigger_rate("shelled") and data[0][0][0, column] == 0.0
