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


# -- durable before visible: pending marks ------------------------------------------------------------
@pytest.mark.parametrize("old, new, verdict", [
    (story(3, pubstatus="canceled"), story(3, pubstatus="canceled"), Verdict.REPLAY),  # its output may not be out
    (story(3, pubstatus="canceled"), story(1), Verdict.STALE),  # an older version after the kill's pending mark
    (story(3, pubstatus="canceled"), story(3), Verdict.STALE),  # a usable reusing a pending kill's number
    (story(2), story(2), Verdict.REPLAY),
    (story(2), story(1), Verdict.STALE),
    (story(2), story(3), Verdict.SUPERSEDES),
    (story(2), story(2, pubstatus="canceled"), Verdict.SUPERSEDES),
])
def test_judge_against_a_pending_mark(old, new, verdict):
    from pipeline.core import pending

    assert judge(pending(mark(old)), new) == verdict


def test_a_batch_s_marks_are_pending_first_and_final_only_for_what_was_sent():
    from pipeline.core import VersionGate

    gate = VersionGate()
    batch = gate.admit([("e1", s("urn:a", 1)), ("e2", s("urn:a", 1, "canceled")), ("e3", s("urn:b", 2))],
                       lambda uri: None, now=100.0)
    assert batch.pending == {"urn:a": {**mark(s("urn:a", 1, "canceled"), 100.0), "pending": True},
                             "urn:b": {**mark(s("urn:b", 2), 100.0), "pending": True}}
    final = gate.finished(batch, sent=["urn:a"])  # urn:b's enrichment failed: dead-lettered, no final mark
    assert final == {"urn:a": mark(s("urn:a", 1, "canceled"), 100.0)} and gate.inflight == {}


def test_a_final_mark_a_later_batch_replaced_is_not_written():
    from pipeline.core import VersionGate

    gate = VersionGate()
    first = gate.admit([("e1", s("urn:a", 1)), ("e2", s("urn:b", 1))], lambda uri: None)
    second = gate.admit([("e3", s("urn:a", 2))], lambda uri: None)  # its pending mark is written before first ends
    assert gate.finished(first) == {"urn:b": mark(s("urn:b", 1))}  # urn:a v1 would overwrite v2's pending mark
    assert gate.finished(second) == {"urn:a": mark(s("urn:a", 2))}


def test_after_a_crash_the_pending_kill_keeps_replays_of_older_versions_out():
    """The chaos test's "v3 kill, v1, v3 kill": a worker sent the kill of a (v1, v2, kill) batch and died
    before the final mark; the new owner reads the three again from the committed offset, in batches cut
    differently. The pending kill mark is on the changelog (written before the kill was sent), so v1 and v2
    are stale and the kill goes out again — the story's records stay in order, the kill last."""
    from pipeline.core import VersionGate

    crashed = VersionGate()
    batch = crashed.admit([("e1", s("urn:a", 1)), ("e2", s("urn:a", 2)), ("e3", s("urn:a", 3, "canceled"))],
                          lambda uri: None, now=100.0)
    table = dict(batch.pending)  # recovered from the changelog: the pending mark, no final one
    owner = VersionGate()
    alone = owner.admit([("e1", s("urn:a", 1))], table.get, now=110.0)
    assert alone.pairs == [] and [(why, x.version) for why, x in alone.dropped] == [("stale", 1)]
    rest = owner.admit([("e2", s("urn:a", 2)), ("e3", s("urn:a", 3, "canceled"))], table.get, now=110.0)
    assert [(x.version, x.pubstatus) for x in rest.kills] == [(3, "canceled")]  # sent again, not dropped
    assert [(why, x.version) for why, x in rest.dropped] == [("stale", 2)]
    table.update(owner.finished(rest))
    assert owner.admit([("e4", s("urn:a", 3, "canceled"))], table.get, now=120.0).dropped[0][0] == "duplicate"


# -- retention ---------------------------------------------------------------------------------------------
def test_retention_forgets_marks_past_the_window_and_dates_undated_ones():
    from pipeline.core import Retention

    keep = Retention(30 * 86400)
    old, fresh, undated = mark(story(1), 0.0), mark(story(2), 29 * 86400.0), mark(story(3))
    now = 31 * 86400.0
    assert keep.is_expired(old, now) and not keep.is_expired(fresh, now) and not keep.is_expired(undated, now)
    assert keep.live(old, now) is None and keep.live(fresh, now) is fresh and keep.live(None, now) is None
    gone, dated = keep.expired([(b"a", old), (b"b", fresh), (b"c", undated), (b"d", None)], now)
    assert gone == [b"a"] and dated == {b"c": {**undated, "seen": now}}
    assert Retention(0).expired([(b"a", old)], now) == ([], {}) and not Retention(0).is_expired(old, now)


def test_a_story_seen_again_after_the_window_is_new():
    from pipeline.core import Retention, VersionGate

    gate = VersionGate(Retention(86400))
    table = {"urn:a": mark(s("urn:a", 2), 0.0)}
    assert gate.admit([("e", s("urn:a", 2))], table.get, now=3600.0).dropped[0][0] == "duplicate"
    batch = gate.admit([("e", s("urn:a", 1))], table.get, now=2 * 86400.0)
    assert [x.version for _, x in batch.pairs] == [1] and not batch.dropped
