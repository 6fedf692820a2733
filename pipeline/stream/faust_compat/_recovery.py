"""Faust's table recovery, with the stream partitions sought while no record can flow.

faust-streaming 0.15.3 finishes a rebalance with table recovery (ours: the ``versions``, ``alerted`` and
``incidents`` tables) in ``Recovery.on_recovery_completed``: it resumes the stream partitions, seeks them
to their committed offsets, and only then resumes the app's flow control — which **clears every stream
queue**. But the consumer's flow was already resumed earlier, to read the changelogs. So records fetched
while the seek is awaited, or in the few loop turns between the end of the seek and the resume, are
delivered into the stream queues and advance the consumer's read offset; the resume then throws them
away, and when the fetcher, sought back, returns them again they lie below the read offset and are
dropped as already read (``DROPPED MESSAGE ROFF``). They are never acknowledged: the partition's commit
stalls there, and a later offset jump can even be booked as a gap (for compacted topics) and committed
past them. Seen as an intermittent stall or loss after a ``kill -9``/restart or a takeover; made
deterministic by delaying the resume by one second after the seek (795 of 1,000 stories stalled).

The fix stops the consumer's flow and suspends the flow control *before* the partitions are resumed and
sought, and lets the drain loop leave the record it was delivering (its callback is cancelled by the
stop; the read offset it then sets is overwritten by the seek). Nothing is delivered until the seek is
done and the queues are cleared; then the flow resumes from the committed offsets. This is the order
Faust itself uses when it has no table to recover (``Recovery._resume_streams``, faust-streaming#217).

Faust's table manager also sleeps one second when it starts, to let tables be added late; wirewatch's
tables are all defined with the topology, before the app starts (a late one raises), so the manager
starts at once: a second less for every worker start.
"""

from __future__ import annotations

import asyncio

from faust.tables import TableManager
from faust.tables.recovery import Recovery

__all__ = ["SafeTableManager"]

#: Time for the drain loop to see the stopped flow and leave the record it was delivering (a few loop
#: turns are enough; this is generous, and paid once per rebalance).
_SETTLE_SECONDS = 0.05


class _SeekStoppedRecovery(Recovery):
    async def on_recovery_completed(self, generation_id: int = 0) -> None:
        self.app.consumer.stop_flow()
        self.app.flow_control.suspend()
        await asyncio.sleep(_SETTLE_SECONDS)
        # resumes the partitions, seeks them to the committed offsets, clears the queues, resumes the flow
        await super().on_recovery_completed(generation_id)


class SafeTableManager(TableManager):
    """Faust's table manager with :class:`_SeekStoppedRecovery` (pass as ``faust.App(TableManager=…)``)."""

    async def on_start(self) -> None:
        # Faust's: ``await self.sleep(1.0)`` first, then the same two steps. The tables are all registered
        # with the topology, before the app starts (``add`` refuses one once the tables are finalized).
        if not self.should_stop:
            await self._update_channels()
            await self.recovery.start()

    @property
    def recovery(self) -> Recovery:
        if self._recovery is None:
            self._recovery = _SeekStoppedRecovery(self.app, self, beacon=self.beacon, loop=self.loop)
        return self._recovery
