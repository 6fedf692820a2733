"""The adjustments wirewatch makes to Faust's internals, in one place, for one Faust version.

faust-streaming hard-codes a fetch wait that slows every hop, and around a rebalance it can leave a
partition's records undelivered and commit past them. Three adjustments fix that (each module's
docstring says why and what it touches; ``docs/faust-adjustments.md`` sums them up):

- ``_fetch.py``: the worker's consumer fetches with ``fetch_max_wait_ms`` from the settings;
- ``_recovery.py``: table recovery seeks the stream partitions while no record can flow;
- ``_stall.py``: offset jumps on the stream topics are not committed past, and a stalled partition is
  sought back to its committed offset (the stall watch);
- ``_tables.py``: a table write whose changelog record can be awaited, and which keys a worker owns
  (for the expiry timers);
- ``_store.py``: the RocksDB table store keeping each key in its own partition's database, whatever event
  is current (registered as ``wirewatch-rocksdb://``).

:func:`apply` installs all of them on a new app (the topology calls it right after creating the app);
it first checks that the installed faust-streaming is :data:`FAUST_VERSION`, the version they were
written and tested for. ``tests/test_faust_compat.py`` checks, without a broker, that every Faust
internal they touch still exists with the expected signature.
"""

from __future__ import annotations

from importlib import metadata
from typing import TYPE_CHECKING, Any

from ...core import WirewatchError, lazy_exports

if TYPE_CHECKING:
    from ...core import Settings

#: The faust-streaming version these adjustments were written for (pyproject.toml pins the same).
FAUST_VERSION = "0.15.3"

__getattr__, _lazy_names = lazy_exports(__name__, {
    "_fetch": ("use_fetch_max_wait",),
    "_recovery": ("SafeTableManager",),
    "_store": ("PartitionedRocksDBStore",),
    "_stall": ("PartitionView", "StallWatch", "commit_waits", "guard_offsets", "watch_stalls"),
    "_tables": ("owns", "write_through"),
})

__all__ = ["FAUST_VERSION", "apply", "check_version", "streamed_topics", *_lazy_names]


def check_version(installed: str | None = None) -> str:
    """The installed faust-streaming version; a :class:`~pipeline.core.WirewatchError` if it is not
    :data:`FAUST_VERSION`. (``installed``: the version to judge instead of the installed one.)"""
    if installed is None:
        try:
            installed = metadata.version("faust-streaming")
        except metadata.PackageNotFoundError:
            installed = "none"
    if installed != FAUST_VERSION:
        raise WirewatchError(
            f"faust-streaming {installed} is installed, but wirewatch's adjustments to Faust's internals "
            f"(pipeline/stream/faust_compat) are written for {FAUST_VERSION}: install the pinned version "
            f"(pip install faust-streaming=={FAUST_VERSION}, or pip install -e . in the repository). To move to "
            f"another version, check each adjustment against it (docs/faust-adjustments.md; "
            f"tests/test_faust_compat.py checks the internals they touch), then update FAUST_VERSION and the pin "
            f"in pyproject.toml together"
        )
    return installed


def streamed_topics(settings: Settings) -> set[str]:
    """The topics the agents consume: not compacted, no transactions — an offset is never missing from them."""
    names = settings.topics
    return {names.raw, names.stories, names.enriched, names.alerts, names.candidates}


def apply(app: Any, settings: Settings) -> None:
    """Install every adjustment on ``app`` (a new ``faust.App`` that has not declared a table yet)."""
    check_version()
    from ._fetch import use_fetch_max_wait
    from ._recovery import SafeTableManager
    from ._stall import guard_offsets, watch_stalls
    from ._store import register

    register()  # the wirewatch-rocksdb:// table store

    if "tables" in vars(app):
        raise WirewatchError("faust_compat.apply() must run before the app declares its tables")
    app.conf.TableManager = SafeTableManager  # seeks the stream partitions after a rebalance with the flow stopped
    use_fetch_max_wait(app, settings.fetch_max_wait_ms)
    streamed = streamed_topics(settings)
    guard_offsets(app, streamed)  # a jump in delivered offsets stops the partition instead of being committed past
    if settings.stall_check > 0:  # a partition left stopped by a rebalance is read again
        watch_stalls(app, streamed, interval=settings.stall_check)
