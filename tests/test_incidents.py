"""Near-duplicates across stories and per-rule cooldown (IncidentBook; no broker)."""

from pipeline import Alert
from pipeline.alerting import Incident, IncidentBook, near_duplicate
from pipeline.core import Event, EventPlace, Offsets

T0 = 1_800_000_000.0


def alert(uri="urn:a", type_="air_drone_strike", lat=36.19, lon=44.01, gid=95446, day="2026-11-23",
          evidence="A drone struck the airport in Irbil on Monday, wounding two guards.", status="active", aid=None):
    place = EventPlace(text="Irbil", start=0, end=5, how="attached", kind="toponym", geonameid=gid, name="Erbil",
                       country_code="IQ", lat=lat, lon=lon)
    ev = Event(type=type_, confidence=0.9, sentence=Offsets(start=0, end=10), place=place, date=day)
    return Alert(alert_id=aid or f"id-{uri}-{type_}", status=status, region_id="erbil", region_name="Erbil",
                 story_uri=uri, story_version=1, headline="Drone attack", places=[], match_reasons=[], created_at="t",
                 rule_id="strikes", severity=4, event=ev, evidence=evidence)


def test_another_wire_reporting_the_same_strike_updates_the_first_alert():
    book = IncidentBook()
    first = book.admit(alert(), now=T0)
    assert first.kind == "new" and first.alert.alert_id == "id-urn:a-air_drone_strike"
    other = alert(uri="urn:b", lat=36.21, lon=44.05, evidence="Two guards were hurt when a drone hit Irbil airport.")
    second = book.admit(other, now=T0 + 600)
    assert second.kind == "duplicate"
    assert second.alert.alert_id == first.alert.alert_id and second.alert.also_reported_by == ["urn:a"]
    again = book.admit(other, now=T0 + 900)  # a replay of the second story: the same update
    assert again.kind == "update" and again.alert.alert_id == first.alert.alert_id


def test_different_type_place_or_day_is_a_different_incident():
    book = IncidentBook()
    book.admit(alert(), now=T0)
    assert book.admit(alert(uri="urn:c", type_="armed_clash"), now=T0).kind == "new"
    assert book.admit(alert(uri="urn:d", lat=33.3, lon=44.4, gid=98182), now=T0).kind == "new"  # Baghdad
    assert book.admit(alert(uri="urn:e", day="2026-11-27"), now=T0).kind == "new"
    unrelated = alert(uri="urn:f", evidence="Rockets hit a wedding hall; markets closed.")
    assert book.admit(unrelated, now=T0).kind == "new"  # same place, type and day but nothing in common


def test_cooldown_suppresses_new_incidents_but_not_updates():
    book = IncidentBook()
    assert book.admit(alert(), now=T0, cooldown_minutes=30).kind == "new"
    later = alert(uri="urn:g", lat=36.4, lon=44.3, gid=1, evidence="Shelling of a village north of Irbil.",
                  day="2026-11-24")
    assert book.admit(later, now=T0 + 60, cooldown_minutes=30).kind == "suppressed"
    assert book.admit(alert(), now=T0 + 120, cooldown_minutes=30).kind == "update"
    after = alert(uri="urn:h", lat=35.0, lon=43.0, gid=2, evidence="Another drone came down near Kirkuk.")
    assert book.admit(after, now=T0 + 31 * 60, cooldown_minutes=30).kind == "new"


def test_retraction_waits_until_no_story_reports_the_incident():
    book = IncidentBook()
    first = book.admit(alert(), now=T0).alert
    book.admit(alert(uri="urn:b", evidence="A drone hit the Irbil airport, wounding guards."), now=T0)
    killed_b = book.admit(alert(uri="urn:b", status="retracted"), now=T0 + 5)
    assert killed_b.kind == "withdraw" and killed_b.alert.also_reported_by == []  # urn:a still reports it
    killed_a = book.admit(alert(status="retracted"), now=T0 + 6)
    assert killed_a.kind == "retract" and killed_a.alert.alert_id == first.alert_id


def test_state_round_trips_and_old_incidents_are_forgotten():
    book = IncidentBook()
    book.admit(alert(), now=T0)
    again = IncidentBook(book.state())
    assert again.admit(alert(uri="urn:b"), now=T0 + 60).kind == "duplicate"
    assert IncidentBook(book.state()).admit(alert(uri="urn:b"), now=T0 + 8 * 86400).kind == "new"


def test_the_sweep_forgets_incidents_of_a_book_no_candidate_touches():
    book = IncidentBook(keep_s=86400)
    book.admit(alert(), now=T0)
    book.admit(alert(uri="urn:b", type_="armed_clash"), now=T0 + 12 * 3600)
    assert not book.expire(T0 + 3600)  # nothing past the window yet
    assert book.expire(T0 + 30 * 3600) and [i.type for i in book.incidents] == ["armed_clash"]
    assert book.expire(T0 + 40 * 3600) and book.incidents == []  # empty: the worker deletes the book


def test_alerts_without_rules_are_never_merged_nor_suppressed_and_near_duplicate_needs_a_type():
    plain = Alert(**{**alert().asdict(), "rule_id": None})
    twin = Alert(**{**alert(uri="urn:b").asdict(), "rule_id": None})
    book = IncidentBook()
    assert book.admit(plain, now=T0, cooldown_minutes=30).kind == "new"
    assert book.admit(twin, now=T0 + 1, cooldown_minutes=30).kind == "new"  # its own alert, not a duplicate
    assert book.admit(plain, now=T0 + 2).alert.status == "updated"  # the same lifecycle as a rule's alert
    a = Incident.of(alert(), T0)
    b = Incident.of(alert(uri="urn:x"), T0)
    assert near_duplicate(a, b)
    a.type = None
    assert not near_duplicate(a, b)


def ack(base: Alert) -> Alert:
    """What POST /alerts/{id}/ack sends to the book: the alert's latest state, status acknowledged."""
    return Alert(**{**base.asdict(), "status": "acknowledged", "created_at": "2026-11-23T19:00:00Z"})


def test_updates_go_out_as_updated_and_an_acknowledged_incident_stays_acknowledged():
    book = IncidentBook()
    first = book.admit(alert(), now=T0).alert
    assert first.status == "active" and first.updated_at is None
    newer = Alert(**{**alert().asdict(), "story_version": 2, "created_at": "2026-11-23T18:30:00Z"})
    update = book.admit(newer, now=T0 + 60)
    assert (update.kind, update.alert.status, update.alert.updated_at) == ("update", "updated", "2026-11-23T18:30:00Z")
    acked = book.admit(ack(update.alert), now=T0 + 120)
    assert (acked.kind, acked.alert.alert_id, acked.alert.status) == ("ack", first.alert_id, "acknowledged")
    # another wire reports it, then a new version of the first story: both keep it acknowledged
    other = Alert(**{**alert(uri="urn:b", evidence="A drone hit the Irbil airport, wounding guards.").asdict(),
                     "created_at": "2026-11-23T20:00:00Z"})
    duplicate = book.admit(other, now=T0 + 180)
    assert (duplicate.kind, duplicate.alert.status) == ("duplicate", "acknowledged")
    assert duplicate.alert.updated_at == "2026-11-23T20:00:00Z" and duplicate.alert.also_reported_by == ["urn:a"]
    again = book.admit(Alert(**{**newer.asdict(), "story_version": 3}), now=T0 + 240)
    assert (again.kind, again.alert.status) == ("update", "acknowledged")
    assert IncidentBook(book.state()).incidents[0].status == "acknowledged"  # the status is part of the state


def test_retracted_incidents_refuse_acknowledgements_and_reopen_when_reported_again():
    book = IncidentBook()
    first = book.admit(alert(), now=T0).alert
    retraction = book.admit(alert(status="retracted"), now=T0 + 5)
    assert (retraction.kind, retraction.alert.status) == ("retract", "retracted")
    late = book.admit(ack(first), now=T0 + 6)  # acknowledged on a worker that had not seen the retraction yet
    assert late.kind == "drop" and late.alert is None and "retracted" in late.reason
    assert book.admit(alert(status="retracted"), now=T0 + 7).kind == "drop"  # a replayed retraction
    reopened = book.admit(alert(), now=T0 + 8)
    assert (reopened.kind, reopened.alert.alert_id, reopened.alert.status) == ("new", first.alert_id, "active")
    assert book.admit(ack(reopened.alert), now=T0 + 9).alert.status == "acknowledged"
    retracted = book.admit(alert(status="retracted"), now=T0 + 10)
    assert (retracted.kind, retracted.alert.status) == ("retract", "retracted")


def test_an_acknowledgement_of_an_alert_the_book_does_not_hold_passes():
    forgotten = ack(alert(aid="id-old"))
    decision = IncidentBook().admit(forgotten, now=T0)
    assert (decision.kind, decision.alert.status) == ("pass", "acknowledged")


B_EVIDENCE = "A drone hit the Irbil airport, wounding guards."
C_EVIDENCE = "Guards were wounded as a drone struck Irbil airport."


def three_reports(book: IncidentBook) -> str:
    """urn:a, then urn:b and urn:c reporting the same incident; the alert carries urn:c's report."""
    first = book.admit(alert(), now=T0).alert
    book.admit(alert(uri="urn:b", evidence=B_EVIDENCE), now=T0 + 1)
    latest = book.admit(alert(uri="urn:c", evidence=C_EVIDENCE), now=T0 + 2).alert
    assert (latest.story_uri, latest.also_reported_by) == ("urn:c", ["urn:a", "urn:b"])
    return first.alert_id


def test_a_killed_report_leaves_also_reported_by():
    book = IncidentBook()
    aid = three_reports(book)
    killed = book.admit(alert(uri="urn:b", status="retracted"), now=T0 + 3)
    assert killed.kind == "withdraw" and killed.alert.alert_id == aid
    assert (killed.alert.story_uri, killed.alert.also_reported_by) == ("urn:c", ["urn:a"])
    assert killed.alert.status == "updated" and killed.alert.evidence == C_EVIDENCE
    again = IncidentBook(book.state())  # the reports survive the state's round trip
    assert again.admit(alert(uri="urn:a", status="retracted"), now=T0 + 4).alert.also_reported_by == []


def test_when_the_alerts_story_is_killed_another_report_becomes_primary():
    book = IncidentBook()
    aid = three_reports(book)
    killed = book.admit(alert(uri="urn:c", status="retracted"), now=T0 + 3)
    assert killed.kind == "withdraw" and killed.alert.alert_id == aid
    assert (killed.alert.story_uri, killed.alert.also_reported_by) == ("urn:b", ["urn:a"])
    assert killed.alert.evidence == B_EVIDENCE and killed.alert.event is not None
    last = book.admit(alert(uri="urn:b", status="retracted"), now=T0 + 4).alert
    assert (last.story_uri, last.also_reported_by, last.evidence) == ("urn:a", [], alert().evidence)
    gone = book.admit(alert(status="retracted"), now=T0 + 5)
    assert (gone.kind, gone.alert.status) == ("retract", "retracted")


def test_a_withdrawal_keeps_an_acknowledged_incident_acknowledged():
    book = IncidentBook()
    first = book.admit(alert(), now=T0).alert
    book.admit(alert(uri="urn:b", evidence=B_EVIDENCE), now=T0 + 1)
    book.admit(ack(first), now=T0 + 2)
    killed = book.admit(alert(uri="urn:b", status="retracted"), now=T0 + 3)
    assert (killed.alert.status, killed.alert.story_uri, killed.alert.also_reported_by) == ("acknowledged", "urn:a", [])


def test_an_incident_recorded_without_reports_drops_the_withdrawal_as_before():
    book = IncidentBook()
    book.admit(alert(), now=T0)
    book.admit(alert(uri="urn:b", evidence=B_EVIDENCE), now=T0 + 1)
    old = [{k: v for k, v in item.items() if k not in ("reports", "status", "updated_at")} for item in book.state()["incidents"]]
    decision = IncidentBook(old).admit(alert(uri="urn:b", status="retracted"), now=T0 + 2)
    assert decision.kind == "drop" and decision.alert is None


def test_who_acknowledged_when_and_why_stays_on_the_alert():
    book = IncidentBook()
    first = book.admit(alert(), now=T0).alert
    signed = Alert(**{**ack(first).asdict(), "acknowledged_by": "duty desk", "acknowledged_at": "2026-11-23T19:00:01Z",
                      "ack_note": "called the stringer"})
    acked = book.admit(signed, now=T0 + 1).alert
    assert (acked.acknowledged_by, acked.acknowledged_at, acked.ack_note) == (
        "duty desk", "2026-11-23T19:00:01Z", "called the stringer")
    later = IncidentBook(book.state()).admit(alert(uri="urn:b", evidence=B_EVIDENCE), now=T0 + 2).alert
    assert (later.status, later.acknowledged_by, later.ack_note) == ("acknowledged", "duty desk", "called the stringer")
    unsigned = book.admit(ack(first), now=T0 + 3).alert  # acknowledged again, without a body
    assert (unsigned.acknowledged_by, unsigned.acknowledged_at, unsigned.ack_note) == (
        "anonymous", "2026-11-23T19:00:00Z", None)


def test_a_candidate_read_again_after_a_crash_cannot_reopen_a_retracted_incident():
    """The incidents worker applied an alert (offset 10) and its retraction (11) and wrote the book, then
    died before committing: the new owner reads both again with the book recovered. Both are skipped, so
    the retracted alert is not sent active again; a later candidate (12) is applied."""
    book = IncidentBook()
    for offset, status in ((10, "active"), (11, "retracted")):
        assert not book.replayed(offset)
        book.admit(alert(status=status), now=T0 + offset)
        book.applied_at(offset)
    again = IncidentBook(book.state())
    assert again.replayed(10) and again.replayed(11) and not again.replayed(12)
    assert again.incidents[0].status == "retracted"
    assert not IncidentBook([]).replayed(0)  # a bare list (an older worker's book) knows no offset
