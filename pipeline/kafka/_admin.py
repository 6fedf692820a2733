"""Broker administration over the Kafka protocol (aiokafka): readiness probe, topic creation."""

from __future__ import annotations

import asyncio
import time
from typing import Iterable

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import KafkaConnectionError, KafkaError, TopicAlreadyExistsError

from ..core import BrokerError, TopicsMissing

__all__ = ["wait_for_broker", "existing_topics", "ensure_topics", "check_topics", "is_tansu"]

#: Tansu answers with this cluster id unless started with another (the embedded broker never is).
TANSU_CLUSTER_ID = "tansu_cluster"


async def _admin(bootstrap: str, timeout: float) -> AIOKafkaAdminClient:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=max(1000, int(timeout * 1000)))
    await admin.start()
    return admin


async def _port_open(bootstrap: str) -> bool:
    host, _, port = bootstrap.split(",")[0].rpartition(":")
    try:
        _, writer = await asyncio.open_connection(host.strip("[]"), int(port))
    except OSError:
        return False
    writer.close()
    await writer.wait_closed()
    return True


async def wait_for_broker(bootstrap: str, timeout: float = 30.0) -> float:
    """Wait until the broker answers a metadata request. Returns the seconds waited."""
    start = time.monotonic()
    deadline = start + timeout
    last_error: Exception | None = None
    while time.monotonic() < deadline:
        if not await _port_open(bootstrap):
            last_error = ConnectionRefusedError(f"nothing listens at {bootstrap}")
            await asyncio.sleep(0.05)
            continue
        try:
            admin = await _admin(bootstrap, 2.0)
        except (KafkaError, OSError) as exc:
            last_error = exc
            await asyncio.sleep(0.05)
            continue
        try:
            await admin.list_topics()
            return time.monotonic() - start
        except (KafkaError, OSError) as exc:
            last_error = exc
        finally:
            await admin.close()
        await asyncio.sleep(0.05)
    raise BrokerError(
        f"no Kafka broker answered at {bootstrap} within {timeout:.0f} s ({last_error}); "
        "check WIREWATCH_BROKER / --broker, or leave it unset to use the embedded broker"
    )


async def existing_topics(bootstrap: str, timeout: float = 10.0) -> set[str]:
    try:
        admin = await _admin(bootstrap, timeout)
    except KafkaConnectionError as exc:
        raise BrokerError(f"cannot reach the Kafka broker at {bootstrap}: {exc}") from None
    try:
        return set(await admin.list_topics())
    finally:
        await admin.close()


async def check_topics(bootstrap: str, names: Iterable[str]) -> None:
    """Raise :class:`TopicsMissing` unless every topic in ``names`` exists."""
    missing = set(names) - await existing_topics(bootstrap)
    if missing:
        raise TopicsMissing(sorted(missing))


async def ensure_topics(bootstrap: str, names: Iterable[str], *, partitions: int, replication: int) -> list[str]:
    """Create the topics in ``names`` that do not exist yet. Returns the names created."""
    names = list(names)
    try:
        admin = await _admin(bootstrap, 10.0)
    except KafkaConnectionError as exc:
        raise BrokerError(f"cannot reach the Kafka broker at {bootstrap}: {exc}") from None
    try:
        missing = [n for n in names if n not in set(await admin.list_topics())]
        if missing:
            try:
                await admin.create_topics([NewTopic(n, partitions, replication) for n in missing])
            except TopicAlreadyExistsError:
                pass  # another process created them between our list and create: that is the goal
        still = set(names) - set(await admin.list_topics())
        if still:
            raise BrokerError(f"broker did not create topics {sorted(still)}; check its logs and ACLs")
        return missing
    finally:
        await admin.close()


async def is_tansu(bootstrap: str, timeout: float = 5.0) -> bool:
    """Whether the broker at ``bootstrap`` is Tansu (the embedded broker), by the cluster id it reports;
    a broker that cannot say is taken for Kafka."""
    admin = await _admin(bootstrap, timeout)
    try:
        described = await admin.describe_cluster()
    except (KafkaError, OSError):
        return False
    finally:
        await admin.close()
    return str(described.get("cluster_id") or "") == TANSU_CLUSTER_ID
