"""The alert lifecycle's transition table (pure; no broker)."""

import pytest

from pipeline.alerting import STATUSES, TRANSITIONS, IllegalTransition, transition


@pytest.mark.parametrize(("before", "action", "after"), [
    (None, "report", "active"),
    ("active", "report", "updated"),
    ("updated", "report", "updated"),
    ("active", "withdraw", "updated"),
    ("active", "ack", "acknowledged"),
    ("updated", "ack", "acknowledged"),
    ("acknowledged", "report", "acknowledged"),  # an update keeps it acknowledged
    ("acknowledged", "withdraw", "acknowledged"),
    ("acknowledged", "ack", "acknowledged"),
    ("acknowledged", "retract", "retracted"),
    ("updated", "retract", "retracted"),
    ("retracted", "report", "active"),  # reopened
])
def test_legal_transitions(before, action, after):
    assert transition(before, action) == after


@pytest.mark.parametrize(("before", "action"), [
    ("retracted", "ack"), ("retracted", "retract"), ("retracted", "withdraw"), (None, "ack"), (None, "retract"),
    ("active", "reopen"), ("closed", "report"),
])
def test_illegal_transitions_raise(before, action):
    with pytest.raises(IllegalTransition):
        transition(before, action)


def test_every_status_is_reachable_and_only_known_statuses_appear():
    reached = set(TRANSITIONS.values())
    assert reached == set(STATUSES)
    assert {before for before, _ in TRANSITIONS} - {None} == set(STATUSES)
