"""Faust's RocksDB table store, with each key kept in the database of its own partition.

faust-streaming 0.15.3's ``rocksdb://`` store (``faust.stores.rocksdb.Store``) keeps one database per table
partition, next to the changelog offset it reflects, so that a restarted worker reads only the changelog's
tail. Its ``_set`` takes the partition from the *current event* (and asserts there is one). wirewatch's
tables are written outside any one event's context — a batch's marks for stories of several partitions,
the write-through of pending marks, the retention sweep's timer — and are declared with
``use_partitioner=True``: a key's changelog partition is its story's partition. So this store puts each key
in the database of that partition (the same one its changelog record goes to), whatever event, if any, is
current. Everything else — opening, recovery, persisted offsets, rebalances — is Faust's.

Registered as the ``wirewatch-rocksdb://`` store (:data:`SCHEME`); the topology uses it when
``WIREWATCH_TABLE_STORE=rocksdb``.
"""

from __future__ import annotations

from typing import Any, Optional

from faust.stores import STORES
from faust.stores.rocksdb import Store as RocksDBStore

__all__ = ["PartitionedRocksDBStore", "SCHEME", "register"]

SCHEME = "wirewatch-rocksdb"


class PartitionedRocksDBStore(RocksDBStore):
    """Faust's RocksDB store, keyed to each key's changelog partition rather than the current event's."""

    def _partition_for(self, key: bytes) -> int:
        table: Any = self.table
        return self.app.producer.key_partition(table.changelog_topic_name, key).partition

    def _set(self, key: bytes, value: Optional[bytes]) -> None:
        partition = self._partition_for(key)
        self._key_index[key] = partition
        self._db_for_partition(partition).put(key, value)


def register() -> None:
    """Make ``wirewatch-rocksdb://`` a store URL Faust knows (idempotent)."""
    STORES.aliases.setdefault(SCHEME, f"{__name__}:PartitionedRocksDBStore")
