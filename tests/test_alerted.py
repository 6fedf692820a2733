"""The match stage's `alerted` entries (AlertedGate; no broker): a replay after a crash never makes a killed
story's retracted alerts active again, a retraction that may not have left is sent again, and entries are
forgotten after the retention window."""

from pipeline import EnrichedStory
from pipeline.alerting import AlertedGate
from pipeline.core import Focus, Retention, Verdict

A = ["id-a", "erbil", ""]
B = ["id-b", "iraq", "strikes"]


def enriched(version=1, pubstatus="usable", uri="urn:a"):
    return EnrichedStory(uri=uri, version=version, headline="H", body="b", language="en", entities=[], places=[],
                         events=[], focus=Focus(), enriched_at="t", model="m", pubstatus=pubstatus)


def test_a_story_without_an_entry_is_matched():
    plan = AlertedGate().plan(None, enriched(), now=0.0)
    assert plan.verdict == Verdict.NEW and plan.before == [] and not plan.known and not plan.skip


def test_older_versions_and_repeats_are_skipped_newer_ones_matched_against_what_was_alerted():
    gate = AlertedGate()
    entry = gate.final(enriched(2), [A], now=0.0)
    assert gate.plan(entry, enriched(1), now=1.0).skip  # stale
    assert gate.plan(entry, enriched(2), now=1.0).skip  # the same version again: its candidates were acknowledged
    plan = gate.plan(entry, enriched(3, "canceled"), now=1.0)
    assert plan.verdict == Verdict.SUPERSEDES and plan.before == [A] and plan.known


def test_after_a_kill_a_replay_of_an_earlier_version_never_re_alerts():
    """v1 alerted, the kill retracted it; the worker died before committing, so the new owner reads v1 and
    the kill again with the kill's entry already recovered: v1 is skipped (no active alert again), the kill
    is a repeat."""
    gate = AlertedGate()
    after_kill = gate.final(enriched(2, "canceled"), [], now=0.0)
    assert gate.plan(after_kill, enriched(1), now=5.0).verdict == Verdict.STALE
    assert gate.plan(after_kill, enriched(2, "canceled"), now=5.0).verdict == Verdict.DUPLICATE


def test_a_pending_entry_sends_its_retractions_again():
    """The kill's pending entry reached the changelog, its retraction of A perhaps not: the kill read again is
    matched with A as what was alerted before, so A is retracted again; v1 read again is skipped."""
    gate = AlertedGate()
    entry = gate.pending(enriched(2, "canceled"), before=[A], memo=[], now=0.0)
    assert entry["pending"] and entry["alerts"] == [A] and entry["version"] == 2
    plan = gate.plan(entry, enriched(2, "canceled"), now=1.0)
    assert plan.verdict == Verdict.REPLAY and plan.before == [A] and not plan.skip
    assert gate.plan(entry, enriched(1), now=1.0).skip
    both = gate.pending(enriched(3), before=[A], memo=[B, A], now=0.0)
    assert both["alerts"] == [A, B]  # what was alerted and what is: a replay retracts whichever it lacks


def test_entries_of_older_workers_are_matched_and_dated_by_the_sweep():
    gate = AlertedGate(Retention(86400))
    plan = gate.plan(["erbil"], enriched(), now=0.0)  # a bare list of region ids
    assert plan.verdict == Verdict.SUPERSEDES and plan.before == ["erbil"] and plan.known
    assert gate.dated([A], 5.0) == {"alerts": [A], "seen": 5.0}
    assert Retention(86400).expired([(b"k", [A])], 5.0, gate.dated) == ([], {b"k": {"alerts": [A], "seen": 5.0}})


def test_an_entry_past_the_window_is_forgotten():
    gate = AlertedGate(Retention(86400))
    entry = gate.final(enriched(2, "canceled"), [], now=0.0)
    assert gate.plan(entry, enriched(1), now=3600.0).skip
    plan = gate.plan(entry, enriched(1), now=2 * 86400.0)  # re-sent after the window: new
    assert plan.verdict == Verdict.NEW and not plan.known
    assert Retention(86400).expired([(b"k", entry)], 2 * 86400.0, gate.dated) == ([b"k"], {})
