"""The worker's web server: probes (``/health``, ``/ready``), counters (``/stats``, ``/metrics``), the live
map (``/``, ``/static/…``), ``POST /ingest``, recent alerts and their server-sent stream, acknowledging an
alert, and the read-token guard. (``/regions`` and ``/rules``: :mod:`._catalog`.)"""

from __future__ import annotations

import hmac
import time
from pathlib import Path
from typing import Any

import faust
import orjson

from ..alerting import AlertFilter, IncidentFilter, book_key, parse_time
from ..core import Alert, BrokerError, ParseError, Settings, dumps, from_json, utc_now_iso
from ..events import taxonomy_listing
from ..kafka import check_topics
from ..parsing import parse_raw
from ._metrics import CONTENT_TYPE, render_metrics
from ._places import MAX_LABELS, country_numbers, largest_places
from ._services import Services

__all__ = ["ack_details", "add_ack", "add_alert_views", "add_ingest", "add_web", "read_guard", "refused"]


#: Readable without a token even when WIREWATCH_READ_TOKEN is set: probes and the map's static page.
_OPEN_PATHS = ("/health", "/ready", "/static/")


def read_guard(settings: Settings) -> Any:
    """aiohttp middleware: with ``WIREWATCH_READ_TOKEN`` set, every GET except probes and the map's files
    needs ``Authorization: Bearer <read or write token>`` or ``?token=`` (EventSource cannot send
    headers); compared in constant time. Writes are checked by their views (:func:`refused`)."""
    from aiohttp import web as aioweb

    tokens = [t.encode() for t in (settings.read_token, settings.ingest_token) if t]

    @aioweb.middleware
    async def guard(request: Any, handler: Any) -> Any:
        if settings.read_token and request.method in ("GET", "HEAD") and request.path != "/" \
                and not request.path.startswith(_OPEN_PATHS):
            header = request.headers.get("Authorization", "")
            given = (header[7:] if header.startswith("Bearer ") else request.query.get("token", "")).encode()
            if not any(hmac.compare_digest(given, t) for t in tokens):
                return aioweb.json_response({"error": "reading needs a token: Authorization: Bearer … or ?token="},
                                            status=401)
        return await handler(request)

    return guard


def refused(view: faust.web.View, request: Any, token: str | None, what: str) -> Any | None:
    """The response refusing a write (403 without a configured token, 401 for a missing or wrong
    bearer token, compared in constant time), or ``None`` when it is allowed."""
    if not token:
        return view.json({"error": f"{what} is disabled: set WIREWATCH_INGEST_TOKEN"}, status=403)
    if not hmac.compare_digest(request.headers.get("Authorization", "").encode(), f"Bearer {token}".encode()):
        return view.json({"error": "missing or wrong bearer token"}, status=401)
    return None


def add_ingest(app: faust.App, settings: Settings, raw: faust.TopicT) -> None:
    """``POST /ingest``: one raw wire message in the body → ``wire.raw``. Token-protected, size-limited;
    the message is parsed once here so that the caller learns at once why it would be rejected."""

    @app.page("/ingest")
    class Ingest(faust.web.View):
        async def post(self, request: Any) -> Any:
            no = refused(self, request, settings.ingest_token, "ingest")
            if no is not None:
                return no
            limit = settings.max_message_bytes
            too_large = {"error": f"body over {limit} bytes", "reason": "too_large"}
            if (request.content_length or 0) > limit:
                return self.json(too_large, status=413)  # refused before reading the body
            data = await request.read()
            if len(data) > limit:
                return self.json(too_large, status=413)
            fmt = request.query.get("format", "auto")
            try:
                parsed = parse_raw(data, format=fmt, max_bytes=settings.max_message_bytes)
            except ParseError as exc:
                return self.json({"error": str(exc), "reason": exc.code, "format": exc.format_guess}, status=422)
            keys = [s.uri for s in parsed]
            await raw.send(key=keys[0].encode(), value=data)
            return self.json({"accepted": keys, "topic": raw.get_topic_name()}, status=202)


def _severity_param(query: Any) -> int | None:
    severity = query.get("min_severity")
    return int(severity) if severity and severity.isdigit() else None


def _bad_query(query: Any) -> str | None:
    """What is wrong with a listing's query (``since`` that is no time), or ``None``."""
    since = query.get("since")
    if since and parse_time(since) is None:
        return f"since={since!r} is not an ISO 8601 time (e.g. 2026-12-07T08:00:00Z)"
    return None


def _alert_filter(query: Any) -> AlertFilter:
    return AlertFilter(region=query.get("region"), rule=query.get("rule"), status=query.get("status"),
                       min_severity=_severity_param(query), type=query.get("type"), since=parse_time(query.get("since")))


def _incident_filter(query: Any) -> IncidentFilter:
    return IncidentFilter(region=query.get("region"), rule=query.get("rule"), status=query.get("status"),
                          min_severity=_severity_param(query), type=query.get("type"),
                          since=parse_time(query.get("since")))


def _limit(query: Any, default: int = 100) -> int:
    limit = query.get("limit", "")
    return int(limit) if limit.isdigit() else default


async def _event_stream(request: Any, services: Services, after: Any) -> Any:
    """Server-sent events from ``after(seq)`` — ``(sequence number, event name, JSON bytes)`` of what
    came after ``seq`` — resuming from ``Last-Event-ID`` (or ``?after=``), with a comment every 15 quiet
    seconds."""
    from aiohttp import web as aioweb

    last = request.headers.get("Last-Event-ID") or request.query.get("after") or ""
    seq = int(last) if last.isdigit() else services.feed.seq
    if seq > services.feed.seq:  # an id from before this worker restarted: send its whole recent buffer
        seq = 0
    response = aioweb.StreamResponse(headers={"Content-Type": "text/event-stream", "Cache-Control": "no-cache"})
    await response.prepare(request)
    quiet = 0.0
    try:
        while request.transport is not None and not request.transport.is_closing():
            for number, name, data in after(seq):
                await response.write(b"id: %d\nevent: %s\ndata: %s\n\n" % (number, name, data))
            seq = max(seq, services.feed.seq)
            await services.feed.wait(seq, timeout=1.0)  # short: a closed client is noticed within a second
            quiet = quiet + 1.0 if services.feed.seq == seq else 0.0
            if quiet >= 15.0:
                await response.write(b": keep-alive\n\n")
                quiet = 0.0
    except ConnectionResetError:  # the client left
        pass
    return response


def add_alert_views(app: faust.App, services: Services) -> None:
    """``GET /alerts`` (recent, filterable), ``GET /alerts/stream`` (server-sent events),
    ``GET /alerts/{id}/deliveries`` (this worker's webhook attempts), and the same alerts grouped by
    incident: ``GET /incidents``, ``GET /incidents/stream``, ``GET /incidents/{id}``."""

    @app.page("/alerts")
    async def recent(web: Any, request: Any) -> Any:
        bad = _bad_query(request.query)
        if bad:
            return web.json({"error": bad}, status=400)
        items = services.feed.recent(_alert_filter(request.query), _limit(request.query))
        return web.json({"alerts": [orjson.loads(dumps(a)) for _, a in items], "seq": services.feed.seq})

    @app.page("/alerts/{alert_id}/deliveries")
    async def deliveries(web: Any, request: Any, alert_id: str) -> Any:
        """The webhook deliveries of the alert that this worker made (in memory, its last alerts only)."""
        return web.json({"alert_id": alert_id, "deliveries": services.deliveries.get(alert_id)})

    @app.page("/alerts/stream")
    async def stream(web: Any, request: Any) -> Any:
        """Server-sent events: one ``alert`` event per alert message, ``id`` = sequence number; resume
        with ``Last-Event-ID`` (or ``?after=``) within the worker's recent buffer."""
        match = _alert_filter(request.query)
        return await _event_stream(request, services, lambda seq: [
            (number, b"alert", dumps(alert)) for number, alert in services.feed.after(seq, match)])

    @app.page("/incidents")
    async def incidents(web: Any, request: Any) -> Any:
        """The recent alerts grouped by incident (a story and its near-duplicates), newest first."""
        bad = _bad_query(request.query)
        if bad:
            return web.json({"error": bad}, status=400)
        items = services.feed.incidents(_incident_filter(request.query), _limit(request.query))
        return web.json({"incidents": [g.asdict() for g in items], "seq": services.feed.seq})

    @app.page("/incidents/stream")
    async def incident_stream(web: Any, request: Any) -> Any:
        """Server-sent events: one ``incident`` event (the whole incident) whenever one of its alerts
        changes; ``id`` = the sequence number of that alert message."""
        match = _incident_filter(request.query)
        return await _event_stream(request, services, lambda seq: [
            (number, b"incident", orjson.dumps(group.asdict())) for number, group in services.feed.incidents_after(seq, match)])

    @app.page("/incidents/{incident_id}")
    async def incident(web: Any, request: Any, incident_id: str) -> Any:
        """One incident, by its id or the id of one of its alerts."""
        group = services.feed.incident(incident_id)
        if group is None:
            return web.json({"error": f"no recent incident {incident_id!r} on this worker"}, status=404)
        return web.json(group.asdict())


#: The longest ``by`` and ``note`` an acknowledgement takes (characters).
ACK_BY_MAX, ACK_NOTE_MAX = 200, 2000


def ack_details(body: bytes, default_by: str = "anonymous") -> tuple[str, str | None]:
    """``(by, note)`` of an acknowledgement's body: empty, or a JSON object with optional string fields
    ``by`` and ``note``. :class:`ValueError` says what is wrong."""
    if not body.strip():
        return default_by, None
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError:
        raise ValueError('the body is not JSON: send {"by": "…", "note": "…"} (both optional) or nothing') from None
    if not isinstance(data, dict):
        raise ValueError('the body must be a JSON object: {"by": "…", "note": "…"} (both optional)')
    unknown = sorted(set(data) - {"by", "note"})
    if unknown:
        raise ValueError(f"unknown field(s) {', '.join(map(repr, unknown))}: an acknowledgement takes 'by' and 'note'")
    by, note = data.get("by"), data.get("note")
    for name, value, limit in (("by", by, ACK_BY_MAX), ("note", note, ACK_NOTE_MAX)):
        if value is not None and not isinstance(value, str):
            raise ValueError(f"{name!r} must be a string")
        if value is not None and len(value) > limit:
            raise ValueError(f"{name!r} is over {limit} characters")
    return (by.strip() or default_by) if by else default_by, note or None


async def _acknowledge(candidates: faust.TopicT, current: Alert, by: str, note: str | None, now: str) -> None:
    acked = from_json(Alert, orjson.dumps({**orjson.loads(dumps(current)), "status": "acknowledged", "created_at": now,
                                           "acknowledged_by": by, "acknowledged_at": now, "ack_note": note}))
    await candidates.send(key=book_key(acked).encode(), value=dumps(acked))


def add_ack(app: faust.App, settings: Settings, services: Services, candidates: faust.TopicT) -> None:
    """``POST /alerts/{alert_id}/ack``, body empty or ``{"by": "…", "note": "…"}``: an acknowledgement of
    the alert (its latest state, status ``acknowledged``, who, when and the note) to
    ``wire.alert-candidates``, keyed like the alert's candidates, so that the incident book records it
    and sends the acknowledged alert to ``wire.alerts`` (same id), where every worker, stream and
    subscriber sees it. ``POST /incidents/{incident_id}/ack`` does the same for every alert of the
    incident that is not retracted. Bearer token as for ``/ingest``."""

    async def details(view: faust.web.View, request: Any) -> Any:
        no = refused(view, request, settings.ingest_token, "acknowledging")
        if no is not None:
            return no
        try:
            return ack_details(await request.read())
        except ValueError as exc:
            return view.json({"error": str(exc)}, status=400)

    @app.page("/alerts/{alert_id}/ack")
    class Ack(faust.web.View):
        async def post(self, request: Any, alert_id: str) -> Any:
            given = await details(self, request)
            if not isinstance(given, tuple):
                return given
            by, note = given
            current = next((a for _, a in services.feed.recent(limit=services.feed.capacity) if a.alert_id == alert_id),
                           None)
            if current is None:
                return self.json({"error": f"no recent alert {alert_id!r} on this worker"}, status=404)
            if current.status == "retracted":
                return self.json({"error": "the alert was retracted; nothing to acknowledge"}, status=409)
            now = utc_now_iso()
            await _acknowledge(candidates, current, by, note, now)
            return self.json({"acknowledged": alert_id, "by": by, "at": now, "note": note}, status=202)

    @app.page("/incidents/{incident_id}/ack")
    class AckIncident(faust.web.View):
        async def post(self, request: Any, incident_id: str) -> Any:
            given = await details(self, request)
            if not isinstance(given, tuple):
                return given
            by, note = given
            group = services.feed.incident(incident_id)
            if group is None:
                return self.json({"error": f"no recent incident {incident_id!r} on this worker"}, status=404)
            standing = [a for _, a in group.alerts if a.status != "retracted"]
            if not standing:
                return self.json({"error": "the incident was retracted; nothing to acknowledge"}, status=409)
            now = utc_now_iso()
            for current in standing:
                await _acknowledge(candidates, current, by, note, now)
            return self.json({"acknowledged": group.incident_id, "alerts": [a.alert_id for a in standing], "by": by,
                              "at": now, "note": note}, status=202)


_STATIC = Path(__file__).parent.parent / "static"
_CONTENT_TYPES = {".html": "text/html", ".js": "application/javascript", ".css": "text/css", ".json": "application/json",
                  ".png": "image/png", ".svg": "image/svg+xml"}


def _static_file(web: Any, folder: Path, name: str) -> Any:
    """A file of ``folder`` by its plain name (no paths: nothing outside the folder can be asked for)."""
    path = folder / name
    if "/" in name or name.startswith(".") or path.suffix not in _CONTENT_TYPES or not path.is_file():
        hint = (" (the map's vendored files are missing: run `python pipeline/tools/_vendor.py`)"
                if "vendor" in folder.parts else "")
        return web.json({"error": f"no such file: {name}{hint}"}, status=404)
    return web.bytes(path.read_bytes(), content_type=_CONTENT_TYPES[path.suffix],
                     headers={"Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"})


def add_web(app: faust.App, settings: Settings, services: Services) -> None:
    topics = settings.all_topics
    state: dict[str, Any] = {"topics_ok": False, "checked": 0.0, "error": None}

    @app.page("/health")
    async def health(web: Any, request: Any) -> Any:
        return web.json({"status": "ok"})

    @app.page("/ready")
    async def ready(web: Any, request: Any) -> Any:
        now = time.monotonic()
        if now - state["checked"] > 2.0:
            try:
                await check_topics(settings.bootstrap_servers, topics)
                state.update(topics_ok=True, error=None)
            except BrokerError as exc:
                state.update(topics_ok=False, error=str(exc))
            state["checked"] = now
        checks = {
            "model_loaded": services.nlp is not None and services.nlp.loaded,
            "broker_reachable_topics_present": state["topics_ok"],
            "partitions_assigned": services.ready_at is not None,
        }
        ok = all(checks.values())
        body = {"ready": ok, "checks": checks, "error": state["error"]}
        return web.json(body, status=200 if ok else 503)

    @app.page("/stats")
    async def stats(web: Any, request: Any) -> Any:
        return web.json(services.stats.as_dict())

    @app.page("/metrics")
    async def metrics(web: Any, request: Any) -> Any:
        """Prometheus text format 0.0.4, by prometheus_client (see pipeline/stream/_metrics.py for the names)."""
        s = services.stats
        lag = []
        for tp in sorted(app.consumer.assignment()):
            if tp.topic.endswith("-changelog"):
                continue
            try:
                position = await app.consumer.position(tp)
                high = app.consumer.highwater(tp)
            except Exception:  # noqa: BLE001 — a partition mid-rebalance has no position: leave it out
                continue
            if position is not None and high is not None:
                lag.append((tp.topic, tp.partition, max(0, high - position)))
        gauges = {**s.gauges, "worker_ready_seconds": (services.ready_at - services.started_at)
                  if services.ready_at is not None else None}
        body = render_metrics(processed=s.processed, produced=s.produced, dead_letters=s.dead_letters, dropped=s.dropped,
                              alerts=s.alerts, stage_seconds=s.stage_seconds, record_age=s.record_age, lag=lag,
                              gauges=gauges)
        # as a header: aiohttp refuses a content_type argument that carries a charset
        return web.bytes(body, headers={"Content-Type": CONTENT_TYPE, "X-Content-Type-Options": "nosniff"})

    @app.page("/")
    async def index(web: Any, request: Any) -> Any:
        """The live map (pipeline/static; Leaflet and Natural Earth shapes vendored by pipeline/tools/_vendor.py)."""
        return _static_file(web, _STATIC, "index.html")

    @app.page("/static/{name}")
    async def static(web: Any, request: Any, name: str) -> Any:
        return _static_file(web, _STATIC, name)

    @app.page("/static/vendor/{name}")
    async def vendored(web: Any, request: Any, name: str) -> Any:
        return _static_file(web, _STATIC / "vendor", name)

    @app.page("/places")
    async def places(web: Any, request: Any) -> Any:
        """The map's place labels: the largest cities, largest first (``?limit=``, default 1000)."""
        return web.json({"places": largest_places(_limit(request.query, 1000)), "max": MAX_LABELS},
                        headers={"Cache-Control": "max-age=86400"})

    @app.page("/countries")
    async def countries(web: Any, request: Any) -> Any:
        """The countries' ISO 3166-1 numeric codes by alpha-2 code: how the map finds a region's countries
        among its country shapes."""
        return web.json({"countries": country_numbers()}, headers={"Cache-Control": "max-age=86400"})

    @app.page("/static/vendor/images/{name}")
    async def vendored_image(web: Any, request: Any, name: str) -> Any:
        """Images a vendored stylesheet names (leaflet-draw's toolbar icons)."""
        return _static_file(web, _STATIC / "vendor" / "images", name)

    @app.page("/taxonomy")
    async def taxonomy(web: Any, request: Any) -> Any:
        """The event types rules name (``types``) with their ACLED categories (``categories``)."""
        return web.json(taxonomy_listing())

    @app.page("/api")
    async def api(web: Any, request: Any) -> Any:
        return web.json({
            "service": "wirewatch",
            "endpoints": {"/": "live map of regions and alerts", "/api": "this list", "/health": "liveness",
                          "/ready": "readiness", "/stats": "counters", "/metrics": "Prometheus metrics",
                          "/taxonomy": "event types and ACLED categories, the names rules use",
                          "POST /ingest": "one raw wire message (Authorization: Bearer WIREWATCH_INGEST_TOKEN)",
                          "/alerts": "recent alerts (?region= &rule= &type= &status= &min_severity= &since= &limit=)",
                          "/alerts/stream": "server-sent events of alerts (same filters; Last-Event-ID resumes)",
                          "/incidents": "recent alerts grouped by incident (same filters)",
                          "/incidents/stream": "server-sent events of changed incidents (same filters)",
                          "/incidents/{id}": "one incident, by its id or one of its alerts' ids",
                          "POST /incidents/{id}/ack": "acknowledge every alert of an incident, body as for an alert "
                                                      "(Authorization: Bearer …)",
                          "/places": "the map's place labels: the largest cities (?limit=)",
                          "/countries": "ISO 3166-1 numeric codes by alpha-2 code (the map's country shapes)",
                          "/alerts/{id}/deliveries": "this worker's delivery attempts for an alert, per channel",
                          "POST /alerts/{id}/ack": "acknowledge an alert, body {\"by\": …, \"note\": …} or empty "
                                                   "(Authorization: Bearer …)",
                          "/regions, /regions/{id}": "GET; PUT a GeoJSON Feature / DELETE (Authorization: Bearer …)",
                          "/rules, /rules/{id}": "GET; PUT a rule object / DELETE (Authorization: Bearer …)"},
            "topics": topics,
        })
