"""One incident, one item: alerts grouped by incident — the pure grouping, and over HTTP (/incidents, its
stream, acknowledging an incident, /alerts filters, /places) with aiohttp's test client (no broker)."""

import asyncio

import faust
import orjson
import pytest
from aiohttp.test_utils import TestClient, TestServer

from pipeline import Alert
from pipeline.alerting import AlertFeed, AlertMatcher, IncidentFilter, group_alerts, incident_status, parse_time
from pipeline.core import AlertLocation, Event, EventPlace, Offsets, Settings, TextSpan
from pipeline.stream import Services, add_ack, add_alert_views, add_web

TOKEN = "views-token-123"


def alert(aid, uri, region="erbil", rule=None, severity=3, status="active", others=(), type_="air_drone_strike",
          at="2026-12-07T08:00:00+00:00", acked=None):
    ev = Event(type=type_, confidence=0.9, sentence=Offsets(start=0, end=20),
               trigger=TextSpan(text="drone", start=2, end=7),
               place=EventPlace(text="Irbil", start=0, end=5, how="attached", kind="toponym", geonameid=95446,
                                name="Erbil", country_code="IQ", lat=36.19, lon=44.01))
    return Alert(alert_id=aid, status=status, region_id=region, region_name=region.title(), story_uri=uri,
                 story_version=1, headline=f"headline of {uri}", places=[], match_reasons=[f"{region}:inside"],
                 created_at=at, rule_id=rule, severity=severity, event=ev if rule else None,
                 events=[] if rule else [ev], evidence="A drone hit Irbil.",
                 evidence_trigger=TextSpan(text="drone", start=2, end=7),
                 location=AlertLocation(lat=36.19, lon=44.01, name="Erbil", source="event", how="attached"),
                 also_reported_by=list(others), acknowledged_by=acked, acknowledged_at=at if acked else None,
                 ack_note="seen" if acked else None)


# -- the pure grouping ------------------------------------------------------------------------------
def test_a_story_matched_by_regions_and_rules_is_one_incident():
    items = [(1, alert("a1", "urn:s1", region="erbil")),
             (2, alert("a2", "urn:s1", region="kurdistan", rule="strikes", severity=5)),
             (3, alert("a3", "urn:s9", region="syria", type_="armed_clash"))]
    groups = group_alerts(items)
    assert [g.incident_id for g in groups] == ["a3", "a1"]  # newest first; an incident's id: its first alert's
    one = groups[1].asdict()
    assert [r["id"] for r in one["regions"]] == ["erbil", "kurdistan"] and one["rules"] == ["strikes"]
    assert one["severity"] == 5 and one["headline"] == "headline of urn:s1" and one["stories"] == ["urn:s1"]
    assert [a["alert_id"] for a in one["alerts"]] == ["a1", "a2"]
    assert one["evidence_trigger"] == {"text": "drone", "start": 2, "end": 7} and one["location"]["name"] == "Erbil"


def test_near_duplicates_join_the_incident_through_also_reported_by():
    items = [(1, alert("a1", "urn:s1", region="erbil")),
             (2, alert("a2", "urn:s2", region="kurdistan", rule="strikes", others=["urn:s1"])),
             (3, alert("a3", "urn:s3", region="erbil")),
             (4, alert("a4", "urn:s3", region="kurdistan", rule="strikes", others=["urn:s2"]))]
    [group] = group_alerts(items)
    assert group.incident_id == "a1" and group.stories == ["urn:s1", "urn:s2", "urn:s3"]


def test_an_incidents_status_sums_up_its_alerts():
    assert incident_status(["active", "retracted"]) == "active"
    assert incident_status(["acknowledged", "updated"]) == "updated"
    assert incident_status(["acknowledged", "retracted"]) == "acknowledged"
    assert incident_status(["retracted", "retracted"]) == "retracted"
    [group] = group_alerts([(1, alert("a1", "urn:s1", status="retracted", severity=5)),
                            (2, alert("a2", "urn:s1", region="kurdistan", severity=2, acked="desk", status="acknowledged"))])
    data = group.asdict()
    assert (data["status"], data["severity"], data["acknowledged_by"], data["ack_note"]) == ("acknowledged", 2, "desk", "seen")


def test_incident_filters():
    [group] = group_alerts([(1, alert("a1", "urn:s1")), (2, alert("a2", "urn:s1", region="syria", rule="r", severity=4))])
    assert IncidentFilter(region="syria")(group) and not IncidentFilter(region="iraq")(group)
    assert IncidentFilter(rule="r")(group) and not IncidentFilter(rule="x")(group)
    assert IncidentFilter(type="air_drone_strike")(group) and not IncidentFilter(type="arrests")(group)
    assert IncidentFilter(min_severity=4)(group) and not IncidentFilter(min_severity=5)(group)
    assert IncidentFilter(since=parse_time("2026-12-07T07:00:00Z"))(group)
    assert not IncidentFilter(since=parse_time("2026-12-07T09:00:00Z"))(group)


def test_the_feed_says_which_incidents_changed_after_a_sequence_number():
    feed = AlertFeed()
    feed.add(alert("a1", "urn:s1"))
    s2 = feed.add(alert("a2", "urn:s9"))
    s3 = feed.add(alert("a3", "urn:s1", region="kurdistan"))
    changed = feed.incidents_after(s2 - 1)
    assert [(s, g.incident_id) for s, g in changed] == [(s2, "a2"), (s3, "a1")]
    assert feed.incidents_after(s3) == []
    assert feed.incident("a3").incident_id == "a1"  # found by one of its alerts' ids too


# -- over HTTP --------------------------------------------------------------------------------------
class Topic:
    """Stands in for wire.alert-candidates: keeps what is sent."""

    def __init__(self):
        self.sent = []

    async def send(self, key, value):
        self.sent.append((key, orjson.loads(value)))


@pytest.fixture
def services():
    return Services(nlp=None, matcher=AlertMatcher([]))


@pytest.fixture
async def client(services):
    app = faust.App("incident-views-test", broker="memory://", web_enabled=True, autodiscover=False)
    settings = Settings(ingest_token=TOKEN)
    candidates = Topic()
    add_web(app, settings, services)
    add_alert_views(app, services)
    add_ack(app, settings, services, candidates)
    async with TestClient(TestServer(app.web.web_app)) as http:
        http.candidates = candidates
        yield http


async def test_get_incidents_groups_regions_and_rules(client, services):
    services.feed.add(alert("a1", "urn:s1", region="erbil"))
    services.feed.add(alert("a2", "urn:s1", region="kurdistan", rule="strikes", severity=5))
    services.feed.add(alert("a3", "urn:s9", region="syria", severity=2, type_="armed_clash"))
    body = await (await client.get("/incidents")).json()
    assert [i["incident_id"] for i in body["incidents"]] == ["a3", "a1"] and body["seq"] == 3
    assert [r["id"] for r in body["incidents"][1]["regions"]] == ["erbil", "kurdistan"]
    assert body["incidents"][1]["rules"] == ["strikes"]
    for query, ids in [("rule=strikes", ["a1"]), ("region=syria", ["a3"]), ("min_severity=4", ["a1"]),
                       ("type=armed_clash", ["a3"]), ("limit=1", ["a3"]), ("since=2030-01-01T00:00:00Z", [])]:
        got = await (await client.get(f"/incidents?{query}")).json()
        assert [i["incident_id"] for i in got["incidents"]] == ids, query
    one = await client.get("/incidents/a2")
    assert one.status == 200 and (await one.json())["incident_id"] == "a1"
    assert (await client.get("/incidents/nope")).status == 404
    bad = await client.get("/incidents?since=yesterday")
    assert bad.status == 400 and "ISO 8601" in (await bad.json())["error"]


async def test_alerts_filter_by_event_type_and_time(client, services):
    services.feed.add(alert("a1", "urn:s1", rule="r"))
    services.feed.add(alert("a2", "urn:s2", type_="arrests", at="2026-12-07T10:00:00+00:00"))
    assert [a["alert_id"] for a in (await (await client.get("/alerts?type=arrests")).json())["alerts"]] == ["a2"]
    late = await (await client.get("/alerts?since=2026-12-07T09:00:00Z")).json()
    assert [a["alert_id"] for a in late["alerts"]] == ["a2"]
    assert late["alerts"][0]["evidence_trigger"] == {"text": "drone", "start": 2, "end": 7}


async def test_the_incident_stream_sends_each_changed_incident(client, services):
    services.feed.add(alert("a1", "urn:s1"))
    response = await client.get("/incidents/stream?after=0")
    assert response.headers["Content-Type"] == "text/event-stream"

    async def next_event():
        lines = []
        while not lines or lines[-1] != "":
            lines.append((await asyncio.wait_for(response.content.readline(), 5)).decode().rstrip("\n"))
        return {k: v for k, _, v in (ln.partition(": ") for ln in lines if ln)}

    first = await next_event()
    assert first["event"] == "incident" and first["id"] == "1" and orjson.loads(first["data"])["incident_id"] == "a1"
    await services.feed.publish(alert("a2", "urn:s1", region="kurdistan", rule="strikes"))
    second = await next_event()
    data = orjson.loads(second["data"])
    assert second["id"] == "2" and data["incident_id"] == "a1" and data["rules"] == ["strikes"]
    response.close()


async def test_acknowledging_an_incident_acknowledges_its_standing_alerts(client, services):
    services.feed.add(alert("a1", "urn:s1"))
    services.feed.add(alert("a2", "urn:s1", region="kurdistan", rule="strikes"))
    services.feed.add(alert("a3", "urn:s1", region="syria", status="retracted"))
    assert (await client.post("/incidents/a1/ack")).status == 401
    auth = {"Authorization": f"Bearer {TOKEN}"}
    resp = await client.post("/incidents/a1/ack", headers=auth, data=b'{"by": "duty desk", "note": "called"}')
    body = await resp.json()
    assert resp.status == 202 and body["alerts"] == ["a1", "a2"] and body["by"] == "duty desk"
    sent = client.candidates.sent
    assert [(k, v["alert_id"], v["status"], v["acknowledged_by"], v["ack_note"]) for k, v in sent] == [
        (b"region:erbil", "a1", "acknowledged", "duty desk", "called"),
        (b"rule:strikes", "a2", "acknowledged", "duty desk", "called")]
    assert (await client.post("/incidents/zzz/ack", headers=auth)).status == 404
    services.feed.add(alert("b1", "urn:s7", status="retracted"))
    assert (await client.post("/incidents/b1/ack", headers=auth)).status == 409
    assert (await client.post("/incidents/a1/ack", headers=auth, data=b"[1]")).status == 400


async def test_place_labels_are_the_largest_cities(client):
    body = await (await client.get("/places?limit=50")).json()
    places = body["places"]
    assert len(places) == 50 and [p["rank"] for p in places] == list(range(1, 51))
    assert places[0]["population"] >= places[-1]["population"] > 1_000_000
    assert {"name", "lat", "lon", "country_code", "population", "geonameid"} <= set(places[0])


async def test_country_numbers_and_vendored_images(client):
    countries = (await (await client.get("/countries")).json())["countries"]
    assert countries["IQ"] == {"numeric": "368", "name": "Iraq"} and countries["AD"]["numeric"] == "020"
    image = await client.get("/static/vendor/images/spritesheet.svg")
    assert image.status in (200, 404)  # 404 only before the front-end files are vendored
    if image.status == 200:
        assert image.headers["Content-Type"].startswith("image/svg+xml")
    assert (await client.get("/static/vendor/images/..%2Fleaflet.js")).status == 404
