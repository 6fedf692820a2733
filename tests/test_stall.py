"""The stall watch's decision (pipeline/stream/faust_compat/_stall.py), without a broker; the broker test is
tests/reliability/test_crash.py::test_a_partition_left_stopped_after_a_restart_is_read_again."""

from __future__ import annotations

import pytest

from pipeline.stream.faust_compat import PartitionView as V
from pipeline.stream.faust_compat import StallWatch


def run(watch: StallWatch, ticks, idle=True):
    return [watch.check(views, idle) for views in ticks]


def test_a_partition_stopped_with_records_waiting_is_sought_after_patience_checks():
    stuck = {"p0": V(committed=11, read=104, end=105)}
    assert run(StallWatch(patience=3), [stuck] * 5) == [[], [], [], ["p0"], []]


def test_a_partition_that_moves_is_not_stalled():
    ticks = [{"p0": V(10 + i, 10 + i, 200)} for i in range(6)]
    assert run(StallWatch(patience=2), ticks) == [[]] * 6


def test_nothing_is_judged_while_the_worker_is_busy():
    """Messages in process or queued: a partition's records may just wait their turn."""
    stuck = {"p0": V(11, 104, 105)}
    watch = StallWatch(patience=2)
    assert run(watch, [stuck] * 4, idle=False) == [[]] * 4
    assert run(watch, [stuck] * 3) == [[], ["p0"], []]  # counted from the first idle check


def test_caught_up_or_unknown_partitions_are_not_stalled():
    ticks = [{"done": V(105, 104, 105), "empty": V(None, None, 0), "unfetched": V(3, 2, None)}] * 4
    assert run(StallWatch(patience=1), ticks) == [[]] * 4


def test_a_never_committed_partition_left_unread_is_sought():
    """A worker killed before its group's first commit hands over partitions with nothing committed; one
    the new owner never reads (records waiting, nothing moving) is sought to its beginning."""
    assert run(StallWatch(patience=2), [{"fresh": V(None, None, 40)}] * 3) == [[], [], ["fresh"]]


def test_only_the_stopped_partition_is_sought():
    ticks = [{"p0": V(11, 20, 105), "p1": V(50, 49, 50)}] * 3
    assert run(StallWatch(patience=2), ticks) == [[], [], ["p0"]]


def test_patience_must_be_positive():
    with pytest.raises(ValueError):
        StallWatch(patience=0)


def test_a_commit_waits_for_a_hole_at_the_head_of_the_acknowledged_offsets():
    from pipeline.stream.faust_compat import commit_waits

    assert not commit_waits(31, committed=31) and commit_waits(32, committed=31)  # next to process: 31
    # nothing committed yet: the hole counts from the partition's first offset — a worker handed a
    # never-committed partition's records from its middle must not commit past those before them
    assert not commit_waits(0, committed=None) and commit_waits(21, committed=None)
    assert not commit_waits(500, committed=None, log_start=500)  # retention deleted the head
