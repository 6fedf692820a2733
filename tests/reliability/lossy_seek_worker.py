"""``python -m tests.reliability.lossy_seek_worker worker``: a worker that, once, does not deliver 5
records of one stories partition (25 past its committed offset) after seeking its partitions to the
committed offsets — as
faust-streaming does with records fetched around a rebalance that it drops as already read. Faust
itself would then book the jump in offsets as a compacted-topic gap and commit past the 5 records;
with ``pipeline/stream/faust_compat/_stall.py`` the partition's commit waits for them, and the stall watch reads them
again.
"""

from __future__ import annotations

import sys

from faust.transport.consumer import Consumer

from pipeline.cli import main

SKIPPED = 5
AHEAD = 25  # the records skipped start this far past the committed offset: beyond what the killed worker
# processed before it died (about 10 per partition), so they are stories nobody enriched yet
_target: dict = {}  # tp → first committed offset after the restart
_skipped: set[int] = set()


def _choosing(perform_seek):
    async def perform_seek_and_choose(self: Consumer) -> None:
        await perform_seek(self)
        if _target:
            return
        for tp, committed in sorted(self._committed_offset.items()):
            if tp.topic.endswith(".stories") and committed:
                _target[tp] = committed + AHEAD
                print(f"INJECTED: {tp.topic}/{tp.partition} offsets {committed + AHEAD} to "
                      f"{committed + AHEAD + SKIPPED - 1} will not be delivered once", flush=True)
                return

    return perform_seek_and_choose


def _skipping(getmany):
    async def getmany_skipping(self: Consumer, timeout: float):
        async for tp, message in getmany(self, timeout):
            start = _target.get(tp)
            if start is not None and start <= message.offset < start + SKIPPED and message.offset not in _skipped:
                _skipped.add(message.offset)
                continue
            yield tp, message

    return getmany_skipping


if __name__ == "__main__":
    Consumer.perform_seek = _choosing(Consumer.perform_seek)
    Consumer.getmany = _skipping(Consumer.getmany)
    sys.exit(main())
