"""Table writes that can be awaited, and the keys a worker may delete (what the agents' bookkeeping needs
from Faust's tables beyond ``table[key] = value``).

- :func:`write_through`: ``Table.__setitem__`` sends the changelog record in the background
  (``Table.on_key_set`` → ``send_changelog``, whose future it drops). The enrich and match stages need a
  mark durable *before* the output it covers is sent (docs/reliability.md, "Kill finality"): this sets
  the value in the table's store and returns the changelog record's future (``send_changelog``), which
  resolves when the broker has acknowledged it (``producer_acks=-1``).
- :func:`owns`: the expiry timers delete only keys of changelog partitions this worker holds as active
  (a standby's copy is read-only: a tombstone from it could land after the owner's newer write).
"""

from __future__ import annotations

import asyncio
from typing import Any

__all__ = ["owns", "write_through"]


def write_through(table: Any, key: Any, value: Any) -> asyncio.Future:
    """``table[key] = value``; the returned future resolves once the changelog record is acknowledged."""
    fut = table.send_changelog(table.partition_for_key(key), key, value)
    table.data[key] = value
    return fut


def owns(app: Any, table: Any, key: bytes) -> bool:
    """Whether ``key``'s changelog partition is one of this worker's active partitions."""
    return app.producer.key_partition(table.changelog_topic_name, key) in app.assignor.assigned_actives()
