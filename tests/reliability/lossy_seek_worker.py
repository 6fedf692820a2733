"""``python -m tests.reliability.lossy_seek_worker worker``: a worker that, once, right after seeking its
partitions to the committed offsets, moves the read offset of one stories partition 5 records ahead —
the state faust-streaming is left in when records fetched around a rebalance are dropped as already
read. Those 5 records are then never delivered and the partition's commit stops at them; the stall
watch (``pipeline/_faust_stall.py``) must find the partition and read them again.
"""

from __future__ import annotations

import sys

from faust.transport.consumer import Consumer

from pipeline.cli import main

SKIPPED = 5
_done: list[str] = []


def _lossy(perform_seek):
    async def perform_seek_then_skip(self: Consumer) -> None:
        await perform_seek(self)
        if _done:
            return
        for tp, committed in sorted(self._committed_offset.items()):
            if tp.topic.endswith(".stories") and committed:
                self._read_offset[tp] = committed + SKIPPED
                _done.append(f"{tp.topic}/{tp.partition}")
                print(f"INJECTED: {tp.topic}/{tp.partition} read offset {committed} -> {committed + SKIPPED}",
                      flush=True)
                return

    return perform_seek_then_skip


if __name__ == "__main__":
    Consumer.perform_seek = _lossy(Consumer.perform_seek)
    sys.exit(main())
