"""``wirewatch worker``: one pipeline worker (Faust) with its web server."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys

from ..core import ConfigError, Settings
from ._common import add_common, make_settings, need_broker

__all__ = ["add_parser", "cmd_worker", "fit_to_broker"]


def fit_to_broker(settings: Settings, tansu: bool) -> Settings:
    """What the broker needs: on Tansu (the embedded broker) one record per producer batch (its end
    offsets are wrong for batches of several records), set unless WIREWATCH_PRODUCER_BATCH_BYTES says
    otherwise, and refused when it does; and the embedded broker's shorter session timeout
    (:data:`~pipeline.kafka.EMBEDDED_SESSION_TIMEOUT`) unless WIREWATCH_SESSION_TIMEOUT is set."""
    from ..kafka import EMBEDDED_PRODUCER_BATCH_BYTES, embedded_session_timeout

    if not tansu:
        return settings
    settings = settings.with_(session_timeout=embedded_session_timeout(settings.session_timeout))
    if settings.producer_batch_bytes == EMBEDDED_PRODUCER_BATCH_BYTES:
        return settings
    if "WIREWATCH_PRODUCER_BATCH_BYTES" in os.environ:
        raise ConfigError(
            f"the broker is Tansu (the embedded broker), which needs one record per producer batch, but "
            f"WIREWATCH_PRODUCER_BATCH_BYTES={os.environ['WIREWATCH_PRODUCER_BATCH_BYTES']}: unset it or set it to "
            f"{EMBEDDED_PRODUCER_BATCH_BYTES}")
    print(f"wirewatch worker: the broker is Tansu (the embedded broker): one record per producer batch "
          f"(WIREWATCH_PRODUCER_BATCH_BYTES={EMBEDDED_PRODUCER_BATCH_BYTES})", file=sys.stderr, flush=True)
    return settings.with_(producer_batch_bytes=EMBEDDED_PRODUCER_BATCH_BYTES)


def cmd_worker(args: argparse.Namespace) -> int:
    import faust

    from ..alerting import Catalog
    from ..kafka import check_topics, is_tansu
    from ..stream import Services, create_app, make_runner

    settings = need_broker(make_settings(args), "worker")
    try:
        settings.data_dir.mkdir(parents=True, exist_ok=True)  # the tables' files live there
    except OSError as exc:
        raise ConfigError(f"cannot create the data directory {settings.data_dir} ({exc.strerror}); "
                          "set WIREWATCH_DATA_DIR (or --data-dir) to a writable directory") from None
    asyncio.run(check_topics(settings.bootstrap_servers, settings.all_topics))
    settings = fit_to_broker(settings, asyncio.run(is_tansu(settings.bootstrap_servers)))
    import time

    from ..core import logging_config
    from ..geo import default_gazetteer

    catalog = Catalog.from_files(settings.regions, settings.rules)
    matcher, _ = catalog.matcher()
    t0 = time.perf_counter()
    if settings.nlp_executor == "thread":
        default_gazetteer()
        t1 = time.perf_counter()
        nlp = make_runner("thread", settings.model, settings.batch_size)
        load = dict(gazetteer_load_seconds=t1 - t0, model_load_seconds=time.perf_counter() - t1)
    else:  # the child process loads the gazetteer and the model while this one joins the group
        nlp = make_runner("process", settings.model, settings.batch_size, wait=False)
        load = {}  # the enrich agent adds the load times once the child is ready
    services = Services(nlp=nlp, matcher=matcher, catalog=catalog)
    services.stats.gauges.update(load)
    asyncio.set_event_loop(asyncio.new_event_loop())  # Faust runs its own loop; asyncio.run() closed ours
    app = create_app(settings, services)
    worker = faust.Worker(app, loglevel=settings.log_level.upper(), quiet=True,
                          logging_config=logging_config(settings.log_format, settings.log_level))
    worker.execute_from_commandline()  # exits the process when the worker stops
    return 0


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("worker", help="run one pipeline worker (Faust) with its web server",
                       description="Run one worker: the normalize, enrich, match, incidents and deliver agents plus the web "
                                   "server (map, API, /health, /ready, /metrics: docs/http-api.md). Needs a broker "
                                   "and existing topics.")
    add_common(p)
