"""Regions and rules at run time: the worker's catalog follower and the ``/regions`` ``/rules`` HTTP API.

Writes go to the ``wire.regions`` / ``wire.rules`` topics (key = id, value = the validated JSON
document, empty value = delete); every worker — this one included — applies them when it reads them
back, so all workers change together and a restarted worker rebuilds the same state. A ``PUT`` or
``DELETE`` answers once this worker has applied the change (``"applied": true``) or after 5 s.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any, Callable

import faust
import orjson

from ..alerting import Kind, public_rule, region_document, rule_document
from ..core import Backoff, BrokerError, RegionError
from ..kafka import ensure_topics, follow

if TYPE_CHECKING:
    from ..core import Settings
    from ._services import Services

__all__ = ["add_catalog_views", "follow_catalog"]

log = logging.getLogger("wirewatch.catalog")

def _rebuild(services: "Services") -> int:
    catalog = services.catalog
    assert catalog is not None
    version = catalog.version
    matcher, problems = catalog.matcher()
    for problem in problems:
        log.warning("%s", problem)
    before = services.matcher.modes() if services.matcher is not None else {}
    for region, mode in sorted(matcher.modes().items()):
        if before.get(region) != mode:
            log.info("region %r alerts on %s", region, "its rules' events only" if mode == "rules" else "every story")
    services.matcher = matcher
    log.info("catalog v%d: %d regions, %d active rules", version, len(matcher.regions), len(matcher.rules))
    return version


async def _ensure_routes(settings: "Settings", services: "Services") -> None:
    """Create the topics of routed rules (``<prefix>alerts.<rule id>``) that do not exist yet."""
    wanted = {f"{settings.topics.alerts}.{r.id}" for r in services.matcher.rules if r.route} - services.routes
    if not wanted:
        return
    try:
        created = await ensure_topics(settings.bootstrap_servers, sorted(wanted), partitions=settings.partitions,
                                      replication=settings.replication)
    except BrokerError as exc:
        log.warning("catalog: cannot create routed alert topics %s: %s; their alerts go to %s only",
                    sorted(wanted), exc, settings.topics.alerts)
        return
    if created:
        log.info("catalog: created routed alert topics %s", created)
    services.routes |= wanted


async def follow_catalog(settings: "Settings", services: "Services") -> None:
    """Replay wire.regions and wire.rules, then follow them; rebuild the matcher (at most every
    0.1 s) whenever they change. Broker errors: replay again from the beginning after a backoff."""
    names = settings.topics
    kind_of: dict[str, Kind] = {names.regions: "regions", names.rules: "rules"}
    base = services.catalog
    assert base is not None
    backoff = Backoff(first=1.0, cap=30.0)
    while True:
        caught_up = asyncio.Event()

        async def rebuilder(caught_up: asyncio.Event) -> None:
            await caught_up.wait()
            while True:
                if services.catalog is not None and services.catalog.version != services.catalog_built:
                    version = _rebuild(services)
                    await _ensure_routes(settings, services)
                    services.catalog_built = version  # a PUT answers "applied" from here on
                services.catalog_ready.set()
                await asyncio.sleep(0.1)

        task = asyncio.ensure_future(rebuilder(caught_up))
        try:
            # a catalog change may take half a second to apply; an idle fetch every 100 ms (the stories'
            # wait) cost the embedded broker ≈ 0.01 of a core per worker
            async for topic, key, value in follow(settings.bootstrap_servers, list(kind_of), from_beginning=True,
                                                  caught_up=caught_up, fetch_max_wait_ms=_CATALOG_FETCH_WAIT_MS):
                backoff.reset()
                problem = base.apply(kind_of[topic], key, value)
                if problem:
                    log.warning("catalog: %s", problem)
        except BrokerError as exc:
            log.warning("catalog: %s; replaying in %.0f s", exc, backoff.peek())
        finally:
            task.cancel()
        await asyncio.sleep(backoff.next())


#: How long the catalog follower's fetches wait at the broker (ms): regions and rules change rarely.
_CATALOG_FETCH_WAIT_MS = 500


def add_catalog_views(app: faust.App, settings: "Settings", services: "Services", topics: dict[str, faust.TopicT],
                      refused: Callable[..., Any]) -> None:
    """``GET /regions``, ``GET|PUT|DELETE /regions/{id}``; the same for ``/rules``."""
    catalog = services.catalog
    assert catalog is not None

    def shown(kind: Kind, doc: dict[str, Any]) -> dict[str, Any]:
        return public_rule(doc) if kind == "rules" else doc

    async def applied(kind: Kind, rid: str, doc: dict[str, Any] | None) -> bool:
        for _ in range(100):
            if catalog.get(kind, rid) == doc and services.catalog_built == catalog.version:
                return True
            await asyncio.sleep(0.05)
        return False

    def add(kind: Kind) -> None:
        @app.page(f"/{kind}")
        async def listing(web: Any, request: Any) -> Any:
            docs = catalog.documents(kind)
            body: dict[str, Any] = {kind: [shown(kind, d) for d in docs.values()],
                                    "origins": {k: catalog.origin(kind, k) for k in docs}}
            if kind == "regions":  # per region: "every_story", or "rules" when its rules narrow it
                body["alerts_on"] = services.matcher.modes()
            return web.json(body)

        class One(faust.web.View):
            async def get(self, request: Any, item_id: str) -> Any:
                doc = catalog.get(kind, item_id)
                if doc is None:
                    return self.json({"error": f"no {kind[:-1]} {item_id!r}"}, status=404)
                return self.json(shown(kind, doc))

            async def put(self, request: Any, item_id: str) -> Any:
                no = refused(self, request, settings.ingest_token, f"changing {kind}")
                if no is not None:
                    return no
                limit = settings.max_message_bytes
                if (request.content_length or 0) > limit:
                    return self.json({"error": f"body over {limit} bytes"}, status=413)
                data = await request.read()
                if len(data) > limit:
                    return self.json({"error": f"body over {limit} bytes"}, status=413)
                try:
                    body = orjson.loads(data)
                except orjson.JSONDecodeError as exc:
                    return self.json({"error": f"the body is not JSON: {exc}"}, status=400)
                try:
                    if kind == "regions":
                        doc = region_document(body, item_id)
                    else:
                        doc = rule_document(body, item_id, catalog.region_ids())
                except RegionError as exc:  # RuleError is a RegionError
                    return self.json({"error": str(exc)}, status=422)
                created = catalog.get(kind, item_id) is None
                await topics[kind].send(key=item_id.encode(), value=orjson.dumps(doc))
                ok = await applied(kind, item_id, doc)
                return self.json({"id": item_id, "applied": ok, kind[:-1]: shown(kind, doc)},
                                 status=201 if created else 200)

            async def delete(self, request: Any, item_id: str) -> Any:
                no = refused(self, request, settings.ingest_token, f"changing {kind}")
                if no is not None:
                    return no
                if catalog.get(kind, item_id) is None:
                    return self.json({"error": f"no {kind[:-1]} {item_id!r}"}, status=404)
                if kind == "regions" and catalog.rules_using(item_id):
                    users = catalog.rules_using(item_id)
                    return self.json({"error": f"rules {users} use region {item_id!r}: delete or change them first"},
                                     status=409)
                await topics[kind].send(key=item_id.encode(), value=None)
                ok = await applied(kind, item_id, None)
                return self.json({"id": item_id, "deleted": True, "applied": ok})

        app.page(f"/{kind}/{{item_id}}")(One)

    add("regions")
    add("rules")
