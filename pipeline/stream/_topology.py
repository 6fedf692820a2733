"""The streaming topology — the whole data flow, readable in one place::

    wire.raw ──normalize──▶ wire.stories ──enrich──▶ wire.enriched ──match──▶ wire.alert-candidates
        │                        │                        │                        │ (keyed by rule)
        │                        │                        │                   incidents ──▶ wire.alerts ──deliver──▶ channels
        └────────────────────────┴────────────────────────┴────────────────────────┴──────▶ wire.deadletter

    wire.regions, wire.rules ──(every worker, from the beginning)──▶ the matcher's regions and rules

Agents are thin: they decode, call the pure core (:func:`~pipeline.parsing.parse_raw`,
:class:`~pipeline.Enricher` — in the NLP runner's process or thread, ``pipeline/stream/_nlp_runner.py`` —,
:class:`~pipeline.alerting.AlertMatcher`), and send. Every message a stage cannot handle goes to the
dead-letter topic with its reason; nothing raises out of an agent. The web server's views are in
``_web.py`` and ``_catalog.py``; what agents, tasks and views share is :class:`~._services.Services`.
Records are JSON (orjson) on every topic; keys are the story uri (the alert id on ``wire.alerts``, the rule on
``wire.alert-candidates``, the id on ``wire.regions`` and ``wire.rules``). Delivery is at-least-once: a consumer
that sees a record twice can drop it by key + version.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from typing import Any

import faust
import orjson
from faust.types import EventT

from ..alerting import AlertedGate, Dispatcher, IncidentBook, Message, book_key, guarded_connector
from ..core import (
    Alert,
    Backoff,
    BrokerError,
    EnrichedStory,
    GatedBatch,
    ParseError,
    Retention,
    Settings,
    Story,
    VersionGate,
    dead_letter,
    dumps,
    from_json,
    register_codec,
)
from ..kafka import follow
from ..parsing import parse_raw
from . import faust_compat
from ._catalog import add_catalog_views, follow_catalog
from ._services import Services
from ._web import add_ack, add_alert_views, add_ingest, add_web, read_guard, refused
from .faust_compat import owns, write_through

__all__ = ["create_app"]


class _AbandonedBatch(RuntimeError):
    """A batch not sent because an earlier one failed: its events stay unacked."""

log = logging.getLogger("wirewatch")

_DECODE_ERRORS = (orjson.JSONDecodeError, TypeError, ValueError, KeyError)
#: Deletes of one sweep between two waits for the producer (a few hundred milliseconds of tombstones on the
#: embedded broker, one record per request).
_SWEEP_CHUNK = 500


def create_app(settings: Settings, services: Services) -> faust.App:
    register_codec()
    tables_dir = settings.data_dir / "faust" / f"worker-{settings.web_port}"  # a worker's own tables
    tables_dir.mkdir(parents=True, exist_ok=True)
    app = faust.App(
        settings.app_id,
        broker=settings.faust_broker,
        # the tables on disk, each key in its own partition's database (faust_compat/_store.py), or in memory
        store="wirewatch-rocksdb://" if settings.table_store == "rocksdb" else "memory://",
        topic_replication_factor=settings.replication,
        topic_partitions=settings.partitions,
        topic_allow_declare=False,  # topics are created explicitly (`wirewatch topics create`)
        topic_disable_leader=True,
        broker_session_timeout=settings.session_timeout,
        broker_heartbeat_interval=max(0.2, settings.session_timeout / 6),
        broker_rebalance_timeout=max(10.0, settings.session_timeout * 2),
        consumer_auto_offset_reset="earliest",
        web_bind=settings.web_host,
        web_port=settings.web_port,
        web_transport=f"tcp://{settings.web_host}:{settings.web_port}",
        datadir=str(tables_dir),
        producer_acks=-1,
        producer_max_batch_size=settings.producer_batch_bytes,
        key_serializer="raw",
        value_serializer="json",
        # aiohttp: the read-token guard, and no request body over the message limit (plus headroom)
        web_application_options={"middlewares": [read_guard(settings)],
                                  "client_max_size": settings.max_message_bytes + 65536},
    )
    faust_compat.apply(app, settings)  # the adjustments to Faust's internals (checks the Faust version first)
    names = settings.topics

    def topic(name: str) -> faust.TopicT:
        return app.topic(name, key_serializer="raw", value_serializer="raw", partitions=settings.partitions)

    raw, stories, enriched, alerts, deadletters = (topic(n) for n in names.all())
    catalog_topics = {"regions": topic(names.regions), "rules": topic(names.rules)}
    candidates = topic(names.candidates)
    routes: dict[str, faust.TopicT] = {}  # <prefix>alerts.<rule id> of rules with "route": true
    # Worker state, partitioned like the story keys (use_partitioner: the changelog partition follows the
    # key, so batched writes land where the story's partition is). Backed by <app_id>-<name>-changelog.
    # Keys are the story uri as raw bytes (exactly the stories' key, so the partitioner agrees), values JSON.
    versions = app.Table("versions", default=None, partitions=settings.partitions, use_partitioner=True,
                         key_type=bytes)
    alerted = app.Table("alerted", default=None, partitions=settings.partitions, use_partitioner=True,
                        key_type=bytes)
    # Keyed by rule id (candidates are keyed so): every report of a rule's incidents meets one book.
    incidents = app.Table("incidents", default=None, partitions=settings.partitions, use_partitioner=True,
                          key_type=bytes)
    stats = services.stats
    # Entries are dated (processing time) and forgotten after the retention window (docs/reliability.md)
    retention = Retention(settings.state_retention_s)
    incident_keep_s = min(7 * 86400.0, retention.window_s) if retention.window_s > 0 else 7 * 86400.0

    async def send(t: faust.TopicT, stage: str, key: str, record: faust.Record | bytes) -> asyncio.Future:
        """Send a record; the returned future resolves when the broker has acknowledged it."""
        fut = await t.send(key=key.encode(), value=record if isinstance(record, bytes) else dumps(record))
        stats.produced[stage] += 1
        return fut

    async def reject(stage: str, event: EventT, reason: str, message: str, format_guess: str | None = None) -> None:
        msg = event.message
        letter = dead_letter(
            stage=stage, reason=reason, message=message, original=msg.value or b"",
            source_topic=msg.topic, partition=msg.partition, offset=msg.offset, key=msg.key,
            format_guess=format_guess,
        )
        log.warning("dead letter from %s (%s@%s/%s): %s: %s", stage, msg.topic, msg.partition, msg.offset, reason, message,
                    extra={"story_uri": letter.key})
        stats.dead_letters[f"{stage}:{reason}"] += 1
        await send(deadletters, "deadletter", letter.key or f"{msg.topic}/{msg.partition}/{msg.offset}", letter)

    async def decoded(stage: str, event: EventT, record_type: type) -> Any:
        """The record in ``event``, or ``None`` after dead-lettering what is not one (``bad_record``)."""
        try:
            return from_json(record_type, event.value)
        except _DECODE_ERRORS as exc:
            article = "an" if record_type.__name__[0] in "AEIOU" else "a"
            await reject(stage, event, "bad_record", f"not {article} {record_type.__name__} record: {exc}")
            return None

    # -- raw bytes → Story ------------------------------------------------------------------
    @app.agent(raw, name="normalize")
    async def normalize(stream: faust.StreamT) -> None:
        async for event in stream.events():
            stats.processed["normalize"] += 1
            started = time.perf_counter()
            try:
                parsed = parse_raw(event.value or b"", max_bytes=settings.max_message_bytes)
            except ParseError as exc:
                await reject("normalize", event, exc.code, str(exc), exc.format_guess)
                continue
            for story in parsed:
                await send(stories, "stories", story.uri, story)
            stats.took("normalize", time.perf_counter() - started)
            stats.aged("normalize", event.message.timestamp)

    # -- Story → EnrichedStory (batched; the NLP in its thread or process, off the loop) -------
    # Two batches in flight: while the NLP works on one, the loop sends the previous one's results and
    # gathers, decodes and submits the next, so the NLP does not wait for the loop between batches.
    # A batch's events stay unacked (one more reference) until its results are sent and its versions
    # marked, and batches finish in order: a crash replays, never loses, and never reorders a story.
    # A batch's marks are written pending (and acknowledged) before any of its output is sent, final after
    # the output is acknowledged: after a crash the recovered table knows every version that may be out.
    @app.agent(stories, name="enrich")
    async def enrich(stream: faust.StreamT) -> None:
        await _nlp_ready()
        finishing: list[asyncio.Future] = []  # the batches in flight, oldest first
        gate = VersionGate(retention)  # versions only go forward, across the batches in flight too
        try:
            async for events in stream.take_events(settings.batch_size, within=settings.batch_within):
                stats.processed["enrich"] += len(events)
                items = [(event, story) for event in events
                         if (story := await decoded("enrich", event, Story)) is not None]
                batch = gate.admit(items, lambda uri: versions.get(uri.encode()), time.time())
                marked = [write_through(versions, uri.encode(), m) for uri, m in batch.pending.items()]
                durable = asyncio.gather(*marked) if marked else None
                for why, story in batch.dropped:
                    stats.dropped[why] += 1
                    log.info("dropped %s version %s of %s", why, story.version, story.uri, extra={"story_uri": story.uri})
                for event in events:
                    event.message.incref()  # take_events acks on; the last ack is _finish_enrich's
                pairs = batch.pairs
                work = asyncio.ensure_future(services.nlp.enrich([s for _, s in pairs])) if pairs else None
                finishing.append(asyncio.ensure_future(_finish_enrich(
                    finishing[-1] if finishing else None, events, batch, work, gate, durable)))
                while finishing and (len(finishing) >= 2 or finishing[0].done()):
                    await finishing.pop(0)  # raises what a batch's finishing raised
        finally:
            for task in finishing:
                task.cancel()  # their events are unacked: read again after a restart

    async def _nlp_ready() -> None:
        """Wait for the NLP (a worker loads it while it joins its group); a model that cannot load stops
        the worker with its error, as it did before the join."""
        started = time.perf_counter()
        try:
            await services.nlp.ready()
        except Exception as exc:  # noqa: BLE001 — ModelError, NlpProcessDied: the worker cannot enrich
            log.critical("the NLP could not load: %s", exc)
            os._exit(1)  # nothing is consumed without it; Faust's own stop would restart the agent
        if services.nlp.load_seconds:
            waited = time.perf_counter() - started
            stats.gauges.update(services.nlp.load_seconds, nlp_wait_seconds=waited)
            log.info("NLP ready: gazetteer %.1f s + model %.1f s, loaded while the worker started; the first batch "
                     "waited %.1f s more for it", services.nlp.load_seconds.get("gazetteer_load_seconds", 0.0),
                     services.nlp.load_seconds.get("model_load_seconds", 0.0), waited)

    async def _finish_enrich(previous: asyncio.Future | None, events: list[EventT], batch: GatedBatch,
                             work: asyncio.Future | None, gate: VersionGate, durable: asyncio.Future | None) -> None:
        """Send one batch's results after the previous batch's — once its pending marks are acknowledged —,
        write the final marks once the results are acknowledged, ack the events, and let the gate forget
        the batch's in-flight marks."""
        kills, pairs = batch.kills, batch.pairs
        if previous is not None:
            await asyncio.wait([previous])
            if previous.cancelled() or previous.exception() is not None:
                if work is not None:
                    work.cancel()
                if durable is not None:
                    durable.cancel()
                # Fail too, never return: a later batch must not ack its events past these unacked ones
                # (Faust commits past a gap at a partition's head while nothing is committed there yet).
                raise _AbandonedBatch("an earlier batch failed; its events and these are read again after a restart")
        if durable is not None:
            await durable  # the pending marks are on the changelog before any of the batch's output is out
        started = time.perf_counter()
        out: list[asyncio.Future] = []
        sent: list[str] = []
        for story in kills:  # a kill needs no NLP: it retracts downstream
            out.append(await send(enriched, "enriched", story.uri, services.nlp.kill(story)))
            sent.append(story.uri)
        results: list[tuple[Story, bytes]] = []
        if work is not None:
            try:
                results = list(zip([story for _, story in pairs], await work, strict=True))
            except Exception:  # noqa: BLE001 — find the failing story, dead-letter it, keep going
                log.exception("enrichment of a batch of %d failed; retrying one by one", len(pairs))
                for event, story in pairs:
                    try:
                        results += [(story, value) for value in await services.nlp.enrich([story])]
                    except Exception as exc:  # noqa: BLE001 — one story's failure must not stop the stream
                        await reject("enrich", event, "enrich_failed", f"{type(exc).__name__}: {exc}")
            stats.took("enrich", time.perf_counter() - started, len(pairs))
        for story, value in results:  # (a dead-lettered story has no result and keeps its pending mark)
            out.append(await send(enriched, "enriched", story.uri, value))
            sent.append(story.uri)
        if out:
            await asyncio.gather(*out)  # acknowledged: only now may a final mark say so
        # (The enriched story carries its story's version fields, so the story's mark is the result's.)
        for uri, marked in gate.finished(batch, sent).items():
            versions[uri.encode()] = marked
        for event, _ in pairs:
            stats.aged("enrich", event.message.timestamp)
        for event in events:
            event.ack()

    # -- EnrichedStory → Alerts ---------------------------------------------------------------
    # Each story's entry in `alerted` (its version and its alerts) is written pending (and acknowledged)
    # before its candidates are sent, final after they are acknowledged; an older version than the entry's,
    # or its version again once final, is skipped (alerting/_alerted.py): a replay after a crash never makes
    # a retracted alert of a killed story active again. Stories are taken in batches, so that a batch
    # waits for the broker twice (its pending entries, then its candidates), not each story.
    alerted_gate = AlertedGate(retention)

    @app.agent(enriched, name="match")
    async def match(stream: faust.StreamT) -> None:
        if services.catalog is not None:
            await services.catalog_ready.wait()  # no story is matched against a half-read catalog
        async for events in stream.take_events(settings.batch_size, within=settings.batch_within):
            stats.processed["match"] += len(events)
            started, now = time.perf_counter(), time.time()
            entries: dict[bytes, Any] = {}  # the batch's entries as it leaves them (final), by story key
            pending: dict[bytes, dict] = {}  # to write and have acknowledged before any candidate is sent
            out: list[Alert] = []
            for event in events:
                story = await decoded("match", event, EnrichedStory)
                if story is None:
                    continue
                key = story.uri.encode()
                plan = alerted_gate.plan(entries[key] if key in entries else alerted.get(key), story, now)
                if plan.skip:
                    stats.dropped[f"match_{plan.verdict.value}"] += 1
                    log.info("match: skipped %s version %s of %s", plan.verdict.value, story.version, story.uri,
                             extra={"story_uri": story.uri})
                    continue
                current = services.matcher.match(story)
                memo = services.matcher.memo(current)
                emitted = current + services.matcher.retract(story, plan.before, current)
                if emitted:
                    out += emitted
                    earlier = pending[key]["alerts"] if key in pending else []
                    pending[key] = alerted_gate.pending(story, [*earlier, *plan.before], memo, now)
                if emitted or plan.known:
                    entries[key] = alerted_gate.final(story, memo, now)
                stats.aged("match", event.message.timestamp)
            if pending:
                await asyncio.gather(*[write_through(alerted, key, entry) for key, entry in pending.items()])
            if out:
                await asyncio.gather(*[await send(candidates, "candidates", book_key(alert), alert) for alert in out])
            for key, entry in entries.items():  # after the candidates are acknowledged
                alerted[key] = entry
            stats.took("match", time.perf_counter() - started, len(events))

    # -- candidate alerts → wire.alerts: one alert per incident, per-rule cooldown -----------------
    # In batches: a batch's alerts are acknowledged before its books are written, each with the offset of
    # the last candidate it applied (a candidate read again after a crash is skipped).
    @app.agent(candidates, name="incidents")
    async def incident_book(stream: faust.StreamT) -> None:
        async for events in stream.take_events(settings.batch_size, within=settings.batch_within):
            books: dict[bytes, IncidentBook] = {}
            sent: list[asyncio.Future] = []
            for event in events:
                stats.processed["incidents"] += 1
                alert = await decoded("incidents", event, Alert)
                if alert is None:
                    continue
                key = (event.key or b"")
                rule = services.matcher.rule(alert.rule_id)
                book = books.get(key) or books.setdefault(key, IncidentBook(incidents.get(key), keep_s=incident_keep_s))
                if book.replayed(event.message.offset):  # applied before a crash: its alert is out already
                    stats.dropped["incidents_replayed"] += 1
                    continue
                decision = book.admit(alert, now=time.time(),
                                      cooldown_minutes=rule.cooldown_minutes if rule else 0.0)
                stats.produced[f"incident_{decision.kind}"] += 1
                if decision.alert is not None:
                    sent.append(await send(alerts, "alerts", decision.alert.alert_id, decision.alert))
                    stats.alerts[decision.alert.severity or 0, decision.alert.status] += 1
                    stats.aged("alert", event.message.timestamp)
                    route = f"{names.alerts}.{rule.id}" if rule is not None and rule.route else None
                    if route is not None and route in services.routes:  # created when the rule arrived
                        routed = routes.get(route) or routes.setdefault(route, topic(route))
                        sent.append(await send(routed, "routed", decision.alert.alert_id, decision.alert))
                elif decision.reason:
                    log.info("alert %s of rule %s not sent: %s", alert.alert_id, alert.rule_id, decision.reason,
                             extra={"story_uri": alert.story_uri})
                book.applied_at(event.message.offset)
            if sent:
                await asyncio.gather(*sent)  # acknowledged before a book says its candidates are applied
            for key, book in books.items():  # after the sends: a crash in between re-sends, never loses
                incidents[key] = book.state()

    @app.agent(alerts, name="deliver")
    async def deliver_alerts(stream: faust.StreamT) -> None:
        """Alerts of rules with channels — a webhook (signed), Slack, e-mail — delivered through each at
        once (one worker per partition: once per alert, at least once); what a channel gives up on goes to
        the dead letters with its reason. The rule is looked up when the alert is delivered, so channels
        added at run time apply at once."""
        import aiohttp

        wanted: tuple[Any, bool] = (None, False)  # (the matcher, whether some rule of it has a channel)
        async with aiohttp.ClientSession(connector=guarded_connector(settings.webhook_allow_private)) as session:
            dispatcher = Dispatcher(session, settings, services.deliveries)
            async for event in stream.events():
                if wanted[0] is not services.matcher:
                    wanted = (services.matcher, any(r.delivers for r in services.matcher.rules))
                if not wanted[1]:
                    continue  # no channels configured: nothing to decode
                try:
                    alert = from_json(Alert, event.value)
                except _DECODE_ERRORS:
                    continue  # the alert feed logs malformed alerts
                rule = services.matcher.rule(alert.rule_id)
                if rule is None or not rule.delivers:
                    continue
                for channel, error in await dispatcher.dispatch(rule, Message.of(alert, event.value)):
                    if error is None:
                        stats.produced[channel.name] += 1
                    else:
                        await reject("deliver", event, error.code, str(error))

    @app.timer(interval=settings.state_sweep_seconds)
    async def sweep_state() -> None:
        """Forget table entries past the retention window: deletes (tombstones on the changelogs) of the keys
        this worker owns. No await between a check and its delete: an entry written since is never deleted.
        The deletes go in chunks of ``_SWEEP_CHUNK``, each checked again and followed by a wait for the
        producer's buffer to ebb, so that a large sweep (the first after a long stop) neither holds the
        event loop nor queues thousands of tombstones ahead of the stories' records.
        Each sweep also sets the tables' sizes as gauges (``table_entries_<table>``: keys held, standbys included)."""
        for name, table in (("versions", versions), ("alerted", alerted), ("incidents", incidents)):
            stats.gauges[f"table_entries_{name}"] = len(table)
        if retention.window_s <= 0:
            return
        now = time.time()
        forgotten = 0
        for table, date in ((versions, None), (alerted, alerted_gate.dated)):
            gone, dated = retention.expired(list(table.items()), now, date)
            for key, entry in dated.items():  # before any await: nothing has changed them since the read
                if owns(app, table, key):
                    table[key] = entry
            for k, key in enumerate(gone):
                if k and not k % _SWEEP_CHUNK:
                    await app.producer.buffer.wait_until_ebb()
                    await asyncio.sleep(0)
                # checked again: after an await the entry may be fresh, or its partition gone
                if owns(app, table, key) and retention.is_expired(table.get(key), now):
                    del table[key]
                    forgotten += 1
        for key, state in list(incidents.items()):
            book = IncidentBook(state, keep_s=incident_keep_s)
            if owns(app, incidents, key) and book.expire(now):
                forgotten += 1
                if book.incidents:  # (an empty book's offset only mattered in the seconds after a crash)
                    incidents[key] = book.state()
                else:
                    del incidents[key]
        if forgotten:
            stats.produced["state_expired"] += forgotten
            log.info("state sweep: forgot %d entries older than %g days", forgotten, settings.state_retention_days)

    if services.catalog is not None:
        @app.task
        async def catalog_feed() -> None:
            """Every worker reads wire.regions and wire.rules from the beginning, then follows them."""
            await follow_catalog(settings, services)

    @app.task
    async def alert_feed() -> None:
        """Every worker's web server sees every alert (all partitions, no consumer group)."""
        backoff = Backoff(first=1.0, cap=30.0)
        while True:
            try:
                # the recent history too, so that a restarted worker's /alerts, stream and map are not empty
                async for _, _, value in follow(settings.bootstrap_servers, [alerts.get_topic_name()],
                                                last=services.feed.capacity):
                    backoff.reset()
                    try:
                        await services.feed.publish(from_json(Alert, value))
                    except _DECODE_ERRORS as exc:
                        log.warning("alert feed: skipped a record that is not an Alert: %s", exc)
            except BrokerError as exc:
                log.warning("alert feed: %s; retrying in %.0f s", exc, backoff.peek())
            await asyncio.sleep(backoff.next())

    add_web(app, settings, services)
    add_alert_views(app, services)
    add_ack(app, settings, services, candidates)
    add_ingest(app, settings, raw)
    if services.catalog is not None:
        add_catalog_views(app, settings, services, catalog_topics, refused)

    @app.on_rebalance_complete.connect
    async def _assigned(sender: Any, **kwargs: Any) -> None:
        if services.ready_at is None:
            services.ready_at = time.monotonic()
            log.info("worker ready %.2f s after start", services.ready_at - services.started_at)

    return app

