"""The adjustments to Faust's internals (pipeline/stream/faust_compat), without a broker: the installed
faust-streaming is the version they were written for, and every internal they touch still exists with the
signature they rely on — so that an upgrade of Faust or aiokafka fails here, loudly, not in production."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest

from pipeline.core import Settings, WirewatchError
from pipeline.stream import faust_compat

ROOT = Path(__file__).resolve().parent.parent


def params(func) -> list[str]:
    return list(inspect.signature(func).parameters)


def assigned_in(cls: type, attribute: str) -> bool:
    """``self.<attribute> = …`` somewhere in ``cls``'s own source."""
    return re.search(rf"self\.{attribute}\s*(:[^=]*)?=", inspect.getsource(cls)) is not None


# -- the version check -----------------------------------------------------------------------------
def test_the_installed_faust_is_the_version_the_adjustments_were_written_for():
    assert faust_compat.check_version() == faust_compat.FAUST_VERSION


def test_pyproject_pins_the_same_faust_version():
    pin = re.search(r'"faust-streaming==([^"]+)"', (ROOT / "pyproject.toml").read_text())
    assert pin is not None and pin.group(1) == faust_compat.FAUST_VERSION


def test_another_faust_version_is_refused_with_what_to_do():
    with pytest.raises(WirewatchError) as info:
        faust_compat.check_version("0.16.0")
    message = str(info.value)
    assert "0.16.0" in message and faust_compat.FAUST_VERSION in message
    assert f"faust-streaming=={faust_compat.FAUST_VERSION}" in message and "docs/faust-adjustments.md" in message


# -- apply() ------------------------------------------------------------------------------------------
def test_apply_installs_every_adjustment_on_a_new_app(tmp_path):
    import faust

    settings = Settings.from_env(data_dir=tmp_path, broker="kafka://127.0.0.1:1")
    app = faust.App("faust-compat-test", broker=settings.faust_broker, store="memory://")
    faust_compat.apply(app, settings)
    assert isinstance(app.tables, faust_compat.SafeTableManager)
    assert app.transport.Consumer.__name__ == "Consumer"
    # guard_offsets' class on top of use_fetch_max_wait's, on top of Faust's aiokafka consumer
    from faust.transport.drivers import aiokafka as driver

    mro = app.transport.Consumer.__mro__
    assert mro[2] is driver.Consumer
    assert "_add_gap" in vars(mro[0]) and "_new_offset" in vars(mro[0])
    assert "_new_consumer_thread" in vars(mro[1])
    assert settings.stall_check > 0 and len(app._app_tasks) == 1  # the stall watch's timer

    quiet = faust.App("faust-compat-test-quiet", broker=settings.faust_broker, store="memory://")
    faust_compat.apply(quiet, settings.with_(stall_check=0.0))
    assert quiet._app_tasks == []


def test_apply_refuses_an_app_that_already_declared_its_tables(tmp_path):
    import faust

    settings = Settings.from_env(data_dir=tmp_path, broker="kafka://127.0.0.1:1")
    app = faust.App("faust-compat-test-2", broker=settings.faust_broker, store="memory://")
    app.tables  # noqa: B018 — creates the table manager
    with pytest.raises(WirewatchError, match="before the app declares its tables"):
        faust_compat.apply(app, settings)


# -- _fetch.py: the fetch wait ------------------------------------------------------------------------
def test_fetch_wait_internals():
    from aiokafka import AIOKafkaConsumer
    from faust.transport.drivers import aiokafka as driver

    assert params(driver.AIOKafkaConsumerThread._create_worker_consumer) == ["self", "transport"]
    assert params(driver.Consumer._new_consumer_thread) == ["self"]
    assert params(driver.AIOKafkaConsumerThread.__init__) == ["self", "consumer", "kwargs"]  # loop=, beacon=
    assert driver.Transport.Consumer is driver.Consumer  # the class the override replaces on app.transport
    assert "fetch_max_wait_ms" in params(AIOKafkaConsumer.__init__)
    assert assigned_in(AIOKafkaConsumer, "_fetch_max_wait_ms")  # the private attribute set before start()
    assert "self._fetch_max_wait_ms" in inspect.getsource(AIOKafkaConsumer.start)  # … and read by start()


# -- _recovery.py: table recovery with the flow stopped -----------------------------------------------
def test_recovery_internals():
    from faust.tables import TableManager
    from faust.tables.recovery import Recovery
    from faust.transport.consumer import Consumer
    from mode.utils.queues import FlowControlEvent

    assert params(Recovery.on_recovery_completed) == ["self", "generation_id"]
    assert inspect.signature(Recovery.on_recovery_completed).parameters["generation_id"].default == 0
    assert inspect.iscoroutinefunction(Recovery.on_recovery_completed)
    assert params(Recovery.__init__) == ["self", "app", "tables", "kwargs"]  # beacon=, loop=
    assert isinstance(inspect.getattr_static(TableManager, "recovery"), property)
    assert assigned_in(TableManager, "_recovery")
    assert params(Consumer.stop_flow) == ["self"]
    assert params(FlowControlEvent.suspend) == ["self"]
    # what on_recovery_completed does after our stop, in this order (see _recovery.py): resume the stream
    # partitions, seek them to the committed offsets, resume the flow control (clears the stream queues),
    # resume the consumer's flow
    source = inspect.getsource(Recovery.on_recovery_completed)
    steps = ["consumer.resume_partitions(", "consumer.perform_seek()", "self.app.flow_control.resume()",
             "consumer.resume_flow()"]
    assert all(step in source for step in steps), steps
    assert [source.index(step) for step in steps] == sorted(source.index(step) for step in steps)


# -- _stall.py: offset guard and stall watch ----------------------------------------------------------
def test_offset_guard_internals():
    from faust.transport.consumer import Consumer

    assert params(Consumer._add_gap) == ["self", "tp", "offset_from", "offset_to"]
    assert inspect.iscoroutinefunction(Consumer._add_gap)
    assert params(Consumer._new_offset) == ["self", "tp"]
    for attribute in ("_acked", "_committed_offset"):
        assert assigned_in(Consumer, attribute), attribute


def test_stall_watch_internals():
    import faust
    from faust.channels import Channel
    from faust.transport.conductor import Conductor
    from faust.transport.consumer import Consumer

    for attribute in ("_committed_offset", "_read_offset", "_unacked_messages", "_paused_partitions", "flow_active"):
        assert assigned_in(Consumer, attribute), attribute
    assert params(Consumer.seek) == ["self", "partition", "offset"]
    assert params(Consumer.highwater) == ["self", "tp"]
    assert params(Consumer.assignment) == ["self"]
    assert params(Consumer.earliest_offsets) == ["self", "partitions"]
    assert assigned_in(Conductor, "_topics")
    assert assigned_in(Channel, "_queue")
    timer = inspect.signature(faust.App.timer).parameters
    assert list(timer)[:2] == ["self", "interval"] and "name" in timer
    assert "rebalancing" in vars(faust.App) or hasattr(faust.App, "rebalancing")


def test_table_write_through_internals():
    """_tables.py: the changelog send whose future Table.on_key_set drops, the store it sets, and what tells
    a worker which keys it owns."""
    from faust.assignor.partition_assignor import PartitionAssignor
    from faust.tables.base import Collection
    from faust.tables.table import Table
    from faust.transport.drivers.aiokafka import Producer

    assert params(Collection.send_changelog)[:4] == ["self", "partition", "key", "value"]
    assert params(Collection.partition_for_key) == ["self", "key"]
    assert "send_changelog(self.partition_for_key(key), key, value)" in inspect.getsource(Table.on_key_set)
    assert isinstance(Collection.changelog_topic_name, property)
    assert params(Producer.key_partition) == ["self", "topic", "key"]
    assert params(PartitionAssignor.assigned_actives) == ["self"]


# -- _store.py: the RocksDB store keyed to each key's partition ---------------------------------------
def test_rocksdb_store_internals():
    from faust.stores import STORES
    from faust.stores.rocksdb import Store

    from pipeline.stream.faust_compat import _store

    assert params(Store._set) == ["self", "key", "value"]
    assert params(Store._db_for_partition) == ["self", "partition"]
    assert assigned_in(Store, "_key_index")
    # Faust's own _set takes the partition from the current event; ours from the key (no event needed)
    assert "current_event()" in inspect.getsource(Store._set)
    _store.register()
    assert STORES.by_url(f"{_store.SCHEME}://") is _store.PartitionedRocksDBStore


def test_rocksdb_store_puts_a_key_in_its_own_partition(tmp_path):
    """Outside any event (a batch's marks, the retention sweep), a key goes to the database of the partition
    its changelog record goes to."""
    from pipeline.stream.faust_compat._store import PartitionedRocksDBStore

    store = PartitionedRocksDBStore.__new__(PartitionedRocksDBStore)  # only what _set touches
    store._key_index, store._dbs = {}, {}
    written: dict[int, dict] = {}

    class DB(dict):
        def put(self, key, value):
            self[key] = value

    store._partition_for = lambda key: {b"a": 1, b"b": 3}[key]
    store._db_for_partition = lambda p: written.setdefault(p, DB())
    store._set(b"a", b"1")
    store._set(b"b", b"2")
    assert written == {1: {b"a": b"1"}, 3: {b"b": b"2"}} and store._key_index == {b"a": 1, b"b": 3}
