"""A watchdog for a stream partition that stops although records wait on it.

Faust tracks, per partition, the last offset it read and the offset it committed. After a rebalance a
partition can be left with records below the read offset that were never delivered (cleared from a
queue, or fetched before a seek and dropped as already read — see ``_recovery.py``):
nothing acknowledges them, the commit stops there and the partition's remaining stories wait forever
while the worker looks healthy. :class:`StallWatch` spots such a partition from what the consumer
already knows, and the app's timer (:func:`watch_stalls`) seeks it back to its committed offset, so the
records are read again (at-least-once: a story that was in fact processed is dropped downstream as a
duplicate by its key and version).

Two changes to Faust's consumer keep such records from being committed past (:func:`guard_offsets`, for
the stream topics only — they are not compacted and wirewatch writes no transactions, so an offset is
never legitimately missing from them): a jump in the offsets delivered is not booked as a compacted-
topic gap (Faust books it, and commits past the records in it), and nothing is committed while the
lowest acknowledged offset lies above the next one to process — the committed offset, or the log's start
while nothing is committed yet (Faust lets a hole of one record through, and checks nothing at all on a
partition without a commit: a worker that took over such a partition and was handed records from its
middle committed past all those before them).
The partition then stops instead of losing them, and the watch reads them again. Records that
retention deleted before they were processed are logged as an error and passed over.

A partition is *stalled* when, for ``patience`` consecutive checks, records wait on it (end offset >
committed offset, or > 0 when nothing is committed yet — it is then sought to its beginning) and
neither its committed nor its read offset moved while the worker was idle: no message in process and
none queued for a stream (a busy worker's partitions may just be waiting their turn — so under
unbroken load a stall is only repaired at the next lull). Paused partitions, changelogs and the time
of a rebalance are left alone.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Hashable, Mapping

__all__ = ["PartitionView", "StallWatch", "commit_waits", "watch_stalls", "guard_offsets"]

log = logging.getLogger("wirewatch.stall")


@dataclass(frozen=True)
class PartitionView:
    committed: int | None  # the next offset to process, as committed
    read: int | None  # the last offset read from the broker
    end: int | None  # the partition's end offset (highwater), as last fetched


def commit_waits(lowest_acked: int, committed: int | None, log_start: int = 0) -> bool:
    """Whether a stream partition's commit must wait: its lowest acknowledged offset lies above the next
    offset to process — ``committed``, or ``log_start`` (the partition's first offset) while nothing is
    committed. The records in between were never acknowledged: committing past them would lose them."""
    return lowest_acked > (committed if committed is not None else log_start)


class StallWatch:
    """Pure decision logic: :meth:`check` takes a snapshot of the partitions and returns those to seek
    back to their committed offsets."""

    def __init__(self, patience: int = 3) -> None:
        if patience < 1:
            raise ValueError("patience must be at least 1 check")
        self.patience = patience
        self._last: dict[Hashable, PartitionView] = {}
        self._still: dict[Hashable, int] = {}  # checks a waiting partition has not moved

    def check(self, views: Mapping[Hashable, PartitionView], idle: bool) -> list[Hashable]:
        """``views``: each watched partition's offsets now; ``idle``: nothing is in process or queued for
        the streams (otherwise a partition's records may simply wait their turn)."""
        stalled: list[Hashable] = []
        for tp, view in views.items():
            before = self._last.get(tp)
            # (nothing committed yet: the whole partition is to be read — a worker killed before its
            # group's first commit hands over partitions like that)
            position = view.committed if view.committed is not None else 0
            waiting = view.end is not None and view.end > position
            if not idle or not waiting or before is None or (before.committed, before.read) != (view.committed, view.read):
                self._still[tp] = 0
                continue
            self._still[tp] = self._still.get(tp, 0) + 1
            if self._still[tp] >= self.patience:
                stalled.append(tp)
                self._still[tp] = 0  # give the seek time to work before judging again
        self._last = dict(views)
        for tp in list(self._still):
            if tp not in views:
                del self._still[tp]
        return stalled


def watch_stalls(app: Any, topics: set[str], *, interval: float, patience: int = 3) -> StallWatch:
    """Every ``interval`` seconds, seek a stalled partition of ``topics`` back to its committed offset.

    Reads the Faust consumer's offset bookkeeping (``_committed_offset``, ``_read_offset``,
    ``_unacked_messages``, ``_paused_partitions``) and the conductor's channel queues (``_topics``,
    ``_queue``) — faust-streaming 0.15.3 — and uses the consumer's public ``seek``/``highwater``/
    ``assignment``/``earliest_offsets``."""
    watch = StallWatch(patience)

    @app.timer(interval, name="wirewatch.stall_watch")
    async def stall_watch() -> None:
        consumer = app.consumer
        if app.rebalancing or not consumer.flow_active:
            return
        paused = set(consumer._paused_partitions)
        views = {tp: PartitionView(consumer._committed_offset.get(tp), consumer._read_offset.get(tp),
                                   consumer.highwater(tp))
                 for tp in consumer.assignment() if tp.topic in topics and tp not in paused}
        in_process = any(not m.acked for m in list(consumer._unacked_messages))
        queued = any(ch._queue is not None and ch._queue.qsize() for ch in list(app.topics._topics))
        for tp in watch.check(views, idle=not (in_process or queued)):
            view = views[tp]
            earliest = (await consumer.earliest_offsets(tp)).get(tp)
            if view.committed is None:  # never committed: from the beginning (auto_offset_reset=earliest)
                start = earliest if earliest is not None else 0
                if start > 0:  # the log starts later (retention): the commit's guard counts from there
                    consumer._committed_offset[tp] = start
            else:
                start = view.committed
            if earliest is not None and earliest > start:  # retention deleted them: nothing to read again
                log.error("partition %s/%s: records %s to %s were deleted (retention) before they were processed; "
                          "going on from %s", tp.topic, tp.partition, start, earliest - 1, earliest)
                consumer._committed_offset[tp] = start = earliest
            log.warning("partition %s/%s stopped at committed offset %s with records up to %s waiting (read offset "
                        "%s): seeking back to %s to read them again", tp.topic, tp.partition, view.committed,
                        view.end, view.read, start)
            await consumer.seek(tp, start)

    return watch


def guard_offsets(app: Any, topics: set[str]) -> None:
    """Make ``app``'s consumer (whatever class it has now) neither book offset jumps on ``topics`` as
    gaps nor commit past a hole at the head of their acknowledged offsets (faust-streaming 0.15.3's
    ``Consumer._add_gap`` and ``Consumer._new_offset``)."""
    base = app.transport.Consumer

    class Consumer(base):  # type: ignore[misc, valid-type]
        async def _add_gap(self, tp: Any, offset_from: int, offset_to: int) -> None:
            if tp.topic not in topics:
                await super()._add_gap(tp, offset_from, offset_to)
                return
            log.warning("partition %s/%s: offsets %s to %s were not delivered; its commit waits for them (the "
                        "stall watch reads them again)", tp.topic, tp.partition, offset_from, offset_to - 1)

        def _new_offset(self, tp: Any) -> int | None:
            acked = self._acked[tp]
            if tp.topic in topics and acked and commit_waits(min(acked), self._committed_offset[tp]):
                return None  # a hole at the head: wait for it (the stall watch reads it again)
            return super()._new_offset(tp)

    app.transport.Consumer = Consumer
