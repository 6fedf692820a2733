"""The stall watch's decision (pipeline/_faust_stall.py), without a broker; the broker test is
tests/reliability/test_crash.py::test_a_partition_left_stopped_after_a_restart_is_read_again."""

from __future__ import annotations

import pytest

from pipeline._faust_stall import PartitionView as V
from pipeline._faust_stall import StallWatch


def run(watch: StallWatch, ticks, busy=frozenset()):
    return [watch.check(views, set(busy)) for views in ticks]


def test_a_partition_stopped_with_records_waiting_is_sought_after_patience_checks():
    stuck = {"p0": V(committed=11, read=104, end=105)}
    assert run(StallWatch(patience=3), [stuck] * 5) == [[], [], [], ["p0"], []]


def test_a_partition_that_moves_is_not_stalled():
    ticks = [{"p0": V(10 + i, 10 + i, 200)} for i in range(6)]
    assert run(StallWatch(patience=2), ticks) == [[]] * 6


def test_a_partition_with_a_message_in_process_is_not_stalled():
    stuck = {"p0": V(11, 104, 105)}
    assert run(StallWatch(patience=1), [stuck] * 4, busy={"p0"}) == [[]] * 4


def test_caught_up_or_unknown_partitions_are_not_stalled():
    ticks = [{"done": V(105, 104, 105), "fresh": V(None, None, 40), "unfetched": V(3, 2, None)}] * 4
    assert run(StallWatch(patience=1), ticks) == [[]] * 4


def test_a_blocked_consumer_is_not_mistaken_for_a_stall():
    """Nothing moves anywhere and a message is in process elsewhere (the consumer waits on a full
    stream buffer): no partition is judged stalled."""
    ticks = [{"p0": V(11, 20, 105), "p1": V(5, 7, 50)}] * 4
    assert run(StallWatch(patience=1), ticks, busy={"p1"}) == [[]] * 4


def test_a_stall_is_seen_while_other_partitions_flow():
    ticks = [{"p0": V(11, 20, 105), "p1": V(5 + i, 7 + i, 500)} for i in range(4)]
    assert run(StallWatch(patience=2), ticks, busy={"p1"}) == [[], [], ["p0"], []]


def test_patience_must_be_positive():
    with pytest.raises(ValueError):
        StallWatch(patience=0)
