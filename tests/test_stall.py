"""The stall detector behind the worker's watchdog (pure)."""

from pipeline._stall import StallDetector


def test_a_partition_read_to_the_end_but_not_committed_is_a_stall_after_the_grace_time():
    d = StallDetector(after=30)
    assert not d.check("p0", committed=47, read=264, high=265, now=0)
    assert not d.check("p0", committed=47, read=264, high=265, now=29)
    assert d.check("p0", committed=47, read=264, high=265, now=31)
    assert not d.check("p0", committed=47, read=264, high=265, now=32)  # not again at once


def test_progress_or_pending_records_are_not_stalls():
    d = StallDetector(after=30)
    d.check("p0", committed=47, read=264, high=265, now=0)
    assert not d.check("p0", committed=80, read=264, high=265, now=40)  # commits move: a slow agent
    assert not d.check("p1", committed=10, read=50, high=265, now=0)  # still reading
    assert not d.check("p1", committed=10, read=50, high=265, now=100)
    assert not d.check("p2", committed=265, read=264, high=265, now=100)  # all done
    assert not d.check("p3", committed=None, read=None, high=265, now=100)  # nothing read yet
