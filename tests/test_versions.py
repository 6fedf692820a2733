import pytest

from pipeline import Story
from pipeline.core import Verdict, is_kill, judge, latest_only, mark


def story(version=1, created=None, pubstatus="usable"):
    return Story(uri="urn:x", version=version, version_created=created, pubstatus=pubstatus, headline="h", body="b",
                 source_format="ninjs", received_at="t")


@pytest.mark.parametrize("old, new, verdict", [
    (None, story(1), Verdict.NEW),
    (story(1), story(2), Verdict.SUPERSEDES),
    (story(2), story(2), Verdict.DUPLICATE),
    (story(3), story(2), Verdict.STALE),
    # opaque version numbers (Reuters): time decides
    (story(1542761538, "2016-01-04T15:43:34Z"), story(978556838, "2016-01-04T16:34:45Z"), Verdict.SUPERSEDES),
    (story(978556838, "2016-01-04T16:34:45Z"), story(1542761538, "2016-01-04T15:43:34Z"), Verdict.STALE),
    (story(2, "2024-09-24T12:05:52+02:00"), story(2, "2024-09-24T10:05:52Z"), Verdict.DUPLICATE),  # same instant
    (story(1), story(1, pubstatus="canceled"), Verdict.SUPERSEDES),  # a kill reusing the version
    (story(1, pubstatus="canceled"), story(1, pubstatus="canceled"), Verdict.DUPLICATE),
])
def test_judge(old, new, verdict):
    assert judge(mark(old) if old else None, new) == verdict


def test_kill():
    assert is_kill(story(pubstatus="canceled")) and is_kill(story(pubstatus="withheld")) and not is_kill(story())


def test_reuters_samples_order(shared_data):
    from pipeline import parse_raw

    wire = shared_data / "wire" / "superdesk-fixtures"
    [correction] = parse_raw((wire / "tag_reuters.com_2016_newsml_L1N14N0FF_version_978556838").read_bytes())
    [kill] = parse_raw((wire / "tag_reuters.com_2016_newsml_L1N14N0FF_version_1542761538").read_bytes())
    assert judge(mark(correction), kill) == Verdict.SUPERSEDES
    assert judge(mark(kill), correction) == Verdict.STALE


def test_mark_of_the_enriched_story_equals_the_story_s():
    from pipeline import EnrichedStory, Focus

    s = story(5, "2026-01-02T03:04:05Z", "usable")
    e = EnrichedStory(uri=s.uri, version=s.version, version_created=s.version_created, pubstatus=s.pubstatus,
                      headline="h", body="b", language="en", entities=[], places=[], events=[], focus=Focus(),
                      enriched_at="t", model="m")
    assert mark(e) == mark(s)


def test_a_batch_carries_one_record_per_story_the_latest():
    def of(uri, version, pubstatus="usable"):
        return Story(uri=uri, version=version, pubstatus=pubstatus, headline="h", body="b", source_format="ninjs",
                     received_at="t")

    a1, b1, a_kill, b2, c1 = of("a", 1), of("b", 1), of("a", 1, "canceled"), of("b", 2), of("c", 1)
    kept, superseded = latest_only([a1, b1, a_kill, b2, c1])
    assert kept == [a_kill, b2, c1] and superseded == [a1, b1]
    assert latest_only([]) == ([], [])


def s(uri, version=1, pubstatus="usable"):
    return Story(uri=uri, version=version, pubstatus=pubstatus, headline="h", body="b", source_format="ninjs",
                 received_at="t")


def test_the_gate_keeps_one_record_per_story_and_a_kill_last():
    from pipeline.core import VersionGate

    gate, stored = VersionGate(), {"urn:old": mark(s("urn:old", 3))}
    items = [("e1", s("urn:a", 1)), ("e2", s("urn:a", 2)), ("e3", s("urn:b", 1)), ("e4", s("urn:b", 1, "canceled")),
             ("e5", s("urn:old", 2)), ("e6", s("urn:old", 3)), ("e7", s("urn:a", 1))]
    batch = gate.admit(items, stored.get)
    assert [(c, x.uri, x.version) for c, x in batch.pairs] == [("e2", "urn:a", 2)]  # v1 superseded, v1 again stale
    assert [(x.uri, x.pubstatus) for x in batch.kills] == [("urn:b", "canceled")]  # only the kill of urn:b goes on
    assert sorted((why, x.uri, x.version) for why, x in batch.dropped) == [
        ("duplicate", "urn:old", 3), ("stale", "urn:a", 1), ("stale", "urn:old", 2),
        ("superseded", "urn:a", 1), ("superseded", "urn:b", 1)]


def test_the_gate_judges_against_batches_still_in_flight_and_forgets_only_its_own_marks():
    from pipeline.core import VersionGate

    gate = VersionGate()
    first = gate.admit([("e1", s("urn:a", 2))], lambda uri: None)
    second = gate.admit([("e2", s("urn:a", 1)), ("e3", s("urn:a", 3))], lambda uri: None)  # table not yet marked
    assert [why for why, _ in second.dropped] == ["stale"] and [x.version for _, x in second.pairs] == [3]
    gate.finished(first)  # urn:a's in-flight mark is the second batch's: kept
    assert gate.inflight["urn:a"]["version"] == 3
    gate.finished(second)
    assert gate.inflight == {}
