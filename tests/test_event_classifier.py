"""The learned event-type classifier: corpus loading and its errors, deterministic training, the shipped
model's round trip, and the story evaluation's scoring — on data written for these tests."""

import math

import orjson
import pytest

from pipeline.core import CorpusError
from pipeline.events import DEFAULT_MODEL_PATH, NONE, EventClassifier, default_classifier, load_corpus, train

TINY = [
    ("Militants shelled the army post with mortars overnight.", "shelling_artillery_missile_attack"),
    ("Artillery rounds and rockets pounded the town's market.", "shelling_artillery_missile_attack"),
    ("Rebels fired mortar shells at the barracks on Monday.", "shelling_artillery_missile_attack"),
    ("Troops fired rockets at the rebel-held hills all night.", "shelling_artillery_missile_attack"),
    ("Thousands marched peacefully through the capital to demand higher wages.", "peaceful_protest"),
    ("Teachers held a peaceful sit-in outside the ministry.", "peaceful_protest"),
    ("Farmers rallied in the square against the new land law.", "peaceful_protest"),
    ("Students marched to parliament chanting slogans, and dispersed at dusk.", "peaceful_protest"),
    ("The striker scored twice as the home side won the derby.", NONE),
    ("Lawmakers battled over the budget bill late into the night.", NONE),
    ("The central bank left its main interest rate unchanged.", NONE),
    ("The team's attack looked sharp in the second half.", NONE),
]


@pytest.fixture(scope="module")
def corpus_dir(tmp_path_factory):
    d = tmp_path_factory.mktemp("corpus")
    (d / "tiny.jsonl").write_bytes(b"\n".join(orjson.dumps({"text": t, "label": y}) for t, y in TINY) + b"\n")
    return d


def test_training_is_deterministic_and_the_model_round_trips(corpus_dir, tmp_path):
    examples = load_corpus(corpus_dir)
    assert len(examples) == len(TINY) and examples[0].source == "tiny.jsonl:1"
    a, report = train(examples, folds=2)
    b, _ = train(examples, folds=2)
    assert report.n == len(TINY) and 0.0 <= report.cv_weighted_f1 <= 1.0
    assert a.labels == b.labels and a.vocab == b.vocab and (a.coef == b.coef).all() and a.temperature == b.temperature
    a.save(tmp_path / "a.npz")
    loaded = EventClassifier.load(tmp_path / "a.npz")
    assert loaded.labels == a.labels and loaded.vocab == a.vocab
    p = loaded.proba("Rebels fired mortar shells at the army post.")
    assert abs(sum(p.values()) - 1.0) < 1e-6 and max(p, key=p.get) == "shelling_artillery_missile_attack"
    label, prob = loaded.best_type("The home side won the derby.")
    assert label != NONE and 0.0 < prob < 1.0  # closed set: an event type even for a quiet text


def test_the_residual_type_other_is_corrected_to_its_prior_and_the_shift_round_trips(tmp_path):
    other = [("The junta dissolved parliament and suspended the constitution.", "other"),
             ("Hundreds of inmates escaped after the prison's walls were breached.", "other")]
    (tmp_path / "tiny.jsonl").write_bytes(b"\n".join(orjson.dumps({"text": t, "label": y}) for t, y in TINY + other))
    examples = load_corpus(tmp_path)
    model, _ = train(examples, folds=2, other_prior=0.01)
    share = 2 / sum(e.label != NONE for e in examples)
    assert model.other_shift == pytest.approx(math.log(0.01 / 0.99) - math.log(share / (1 - share)), abs=1e-4)
    text = "The junta dissolved parliament on Monday."
    corrected = model.proba(text)["other"]
    model.save(tmp_path / "m.npz")
    assert EventClassifier.load(tmp_path / "m.npz").other_shift == model.other_shift
    model.other_shift = 0.0
    assert corrected < model.proba(text)["other"]


@pytest.mark.parametrize("line, message", [
    (b'{"text": "x", "label": "no_such_type"}', "label"),
    (b'{"label": "attack"}', "text"),
    (b"not json", "not JSON"),
])
def test_a_bad_corpus_line_is_a_clear_error(tmp_path, line, message):
    (tmp_path / "bad.jsonl").write_bytes(line + b"\n")
    with pytest.raises(CorpusError, match=message) as err:
        load_corpus(tmp_path)
    assert "bad.jsonl:1" in str(err.value)


def test_an_empty_corpus_directory_says_what_to_do(tmp_path):
    with pytest.raises(CorpusError, match="--corpus"):
        load_corpus(tmp_path)


def test_the_shipped_model_knows_every_type_and_none():
    from pipeline.events import TYPE_IDS

    clf = default_classifier()
    assert clf is not None and DEFAULT_MODEL_PATH.stat().st_size < 4_000_000
    assert set(clf.labels) == (set(TYPE_IDS) - {"election"}) | {NONE}
    p = clf.proba("Government troops recaptured the town from the rebels on Sunday, the army said.")
    assert max(p, key=p.get) == "government_regains_territory"
    p = clf.proba("The striker's late strike sealed a 2-1 win for the visitors.")
    assert max(p, key=p.get) == NONE


def test_story_scores_count_false_missed_and_misplaced_events(enricher):
    from pipeline.evaluation import evaluate_stories, load_stories

    stories = load_stories()
    assert len(stories) >= 40 and {s.kind for s in stories} >= {"multi_event", "no_event", "background_only"}
    report = evaluate_stories(stories[:6], enricher.enrich)
    assert report.stories == 6 and 0.0 <= report.precision <= 1.0 and 0.0 <= report.recall <= 1.0
    kinds = {e["error"] for e in report.errors}
    assert kinds <= {"false_event", "missed", "wrong_place"}


@pytest.mark.parametrize(("directory", "count"), [("stories_heldout", 16), ("stories_unseen", 24), ("stories_more", 24),
                                                ("stories_third", 24), ("stories_fourth", 30),
                                                ("stories_fifth", 24), ("stories_sixth", 24),
                                                ("stories_seventh", 24), ("stories_eighth", 24),
                                                ("stories_ninth", 24), ("stories_tenth", 24),
                                                ("stories_eleventh", 24)])
def test_the_held_out_stories_are_well_formed(directory, count):
    from pathlib import Path

    from pipeline.evaluation import load_stories
    from pipeline.events import TYPE_IDS

    stories = load_stories(Path(__file__).resolve().parent.parent / "pipeline/evaluation" / directory)
    assert len(stories) == count
    for s in stories:
        assert all(e.type in TYPE_IDS for e in s.events + s.acceptable), s.name
        for e in s.events + s.acceptable:
            assert e.place is None or e.place in s.story.body, (s.name, e.place)
