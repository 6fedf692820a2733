"""A watchdog for a stream partition that stops although records wait on it.

Faust tracks, per partition, the last offset it read and the offset it committed. After a rebalance a
partition can be left with records below the read offset that were never delivered (cleared from a
queue, or fetched before a seek and dropped as already read — see ``pipeline/_faust_recovery.py``):
nothing acknowledges them, the commit stops there and the partition's remaining stories wait forever
while the worker looks healthy. :class:`StallWatch` spots such a partition from what the consumer
already knows, and the app's timer (:func:`watch_stalls`) seeks it back to its committed offset, so the
records are read again (at-least-once: a story that was in fact processed is dropped downstream as a
duplicate by its key and version).

A partition is *stalled* when, for ``patience`` consecutive checks, records wait on it (end offset >
committed offset), none of its messages is being processed, and neither its committed nor its read
offset moved — while the worker is idle (nothing in process anywhere) or other partitions' read
offsets moved (so the consumer is not simply blocked on a full stream buffer). Paused partitions,
changelogs and the time of a rebalance are left alone.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Hashable, Mapping

__all__ = ["PartitionView", "StallWatch", "watch_stalls"]

log = logging.getLogger("wirewatch.stall")


@dataclass(frozen=True)
class PartitionView:
    committed: int | None  # the next offset to process, as committed
    read: int | None  # the last offset read from the broker
    end: int | None  # the partition's end offset (highwater), as last fetched


class StallWatch:
    """Pure decision logic: :meth:`check` takes a snapshot of the partitions and returns those to seek
    back to their committed offsets."""

    def __init__(self, patience: int = 3) -> None:
        if patience < 1:
            raise ValueError("patience must be at least 1 check")
        self.patience = patience
        self._last: dict[Hashable, PartitionView] = {}
        self._still: dict[Hashable, int] = {}  # checks a waiting partition has not moved

    def check(self, views: Mapping[Hashable, PartitionView], busy: set) -> list[Hashable]:
        """``views``: each watched partition's offsets now; ``busy``: partitions with a message in
        process (delivered and not yet acknowledged)."""
        moved = any(self._last.get(tp, view).read != view.read for tp, view in views.items())
        idle = not busy
        stalled: list[Hashable] = []
        for tp, view in views.items():
            before = self._last.get(tp)
            waiting = view.committed is not None and view.end is not None and view.end > view.committed
            if tp in busy or not waiting or before is None or (before.committed, before.read) != (view.committed, view.read):
                self._still[tp] = 0
                continue
            self._still[tp] = self._still.get(tp, 0) + 1
            if self._still[tp] >= self.patience and (idle or moved):
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
    ``_unacked_messages``, ``_paused_partitions`` — faust-streaming 0.15.3) and uses its public
    ``seek``/``highwater``/``assignment``."""
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
        busy = {m.tp for m in list(consumer._unacked_messages) if not m.acked}
        for tp in watch.check(views, busy):
            view = views[tp]
            log.warning("partition %s/%s stopped at committed offset %s with records up to %s waiting (read offset "
                        "%s): seeking back to %s to read them again", tp.topic, tp.partition, view.committed,
                        view.end, view.read, view.committed)
            await consumer.seek(tp, view.committed)

    return watch
