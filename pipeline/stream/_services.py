"""What a worker's agents, tasks and web views share: the pure core it runs and its live state."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field

from ..alerting import AlertFeed, AlertMatcher, Catalog, DeliveryLog
from ._nlp_runner import NlpRunner
from ._stats import Stats

__all__ = ["Services"]


@dataclass
class Services:
    """The pure core a worker runs, injected so tests and the bench can build their own."""

    nlp: NlpRunner  # the NLP off the event loop: a thread or a child process (see _nlp_runner)
    matcher: AlertMatcher
    #: Regions and rules, changeable at run time (wire.regions / wire.rules). ``None``: ``matcher`` is fixed.
    catalog: Catalog | None = None
    catalog_ready: asyncio.Event = field(default_factory=asyncio.Event)
    catalog_built: int = -1  # the catalog version ``matcher`` was built from
    routes: set[str] = field(default_factory=set)  # routed alert topics known to exist
    stats: Stats = field(default_factory=Stats)
    feed: AlertFeed = field(default_factory=AlertFeed)
    deliveries: DeliveryLog = field(default_factory=DeliveryLog)  # this worker's delivery attempts (every channel), per alert
    started_at: float = field(default_factory=time.monotonic)
    ready_at: float | None = None
