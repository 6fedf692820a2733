"""``python -m tests.reliability.slow_seek_worker worker``: a worker whose seek of its partitions to the
committed offsets, after a rebalance, is followed by one more second before Faust goes on.

That second widens the window in which faust-streaming 0.15.3 delivers records it then clears from the
stream queues (see ``pipeline/stream/faust_compat/_recovery.py``): without the fix, a restart then stalled most stories
in both runs tried, instead of now and then.
"""

from __future__ import annotations

import asyncio
import sys

from faust.transport.consumer import Consumer

from pipeline.cli import main

SEEK_DELAY_SECONDS = 1.0


def _slowed(perform_seek):
    async def perform_seek_then_wait(self: Consumer) -> None:
        await perform_seek(self)
        await asyncio.sleep(SEEK_DELAY_SECONDS)

    return perform_seek_then_wait


if __name__ == "__main__":
    Consumer.perform_seek = _slowed(Consumer.perform_seek)
    sys.exit(main())
