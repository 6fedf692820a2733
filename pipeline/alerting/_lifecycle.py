"""The life of an incident's alert: which status follows which, in one table (pure).

    (new) ──report──▶ active ──report, withdraw──▶ updated
    active, updated ──ack──▶ acknowledged ──report, withdraw, ack──▶ acknowledged
    active, updated, acknowledged ──retract──▶ retracted ──report──▶ active (reopened)

The actions:

- ``report``: a story reports the incident — its first report, a new version of a reporting story, or
  another wire's report of the same incident;
- ``withdraw``: one of several reporting stories no longer reports it (killed, or a new version without
  the event); others still do;
- ``ack``: an analyst acknowledges the alert (``POST /alerts/{id}/ack``);
- ``retract``: the last reporting story no longer reports it.

An acknowledged incident stays acknowledged through later reports and withdrawals (its alert is sent
again with the new content, ``updated_at`` saying when). A retracted incident cannot be acknowledged;
a story reporting it again reopens it as a new alert under the same id.
"""

from __future__ import annotations

from typing import Literal

from ..core import WirewatchError

__all__ = ["ACTIONS", "STATUSES", "TRANSITIONS", "IllegalTransition", "transition"]

Status = Literal["active", "updated", "acknowledged", "retracted"]
Action = Literal["report", "withdraw", "ack", "retract"]

STATUSES: tuple[str, ...] = ("active", "updated", "acknowledged", "retracted")
ACTIONS: tuple[str, ...] = ("report", "withdraw", "ack", "retract")

#: (status before — ``None`` for an incident not seen yet —, action) → status after. Anything else is illegal.
TRANSITIONS: dict[tuple[str | None, str], str] = {
    (None, "report"): "active",
    ("active", "report"): "updated",
    ("active", "withdraw"): "updated",
    ("active", "ack"): "acknowledged",
    ("active", "retract"): "retracted",
    ("updated", "report"): "updated",
    ("updated", "withdraw"): "updated",
    ("updated", "ack"): "acknowledged",
    ("updated", "retract"): "retracted",
    ("acknowledged", "report"): "acknowledged",
    ("acknowledged", "withdraw"): "acknowledged",
    ("acknowledged", "ack"): "acknowledged",  # acknowledged again: who, when and the note are replaced
    ("acknowledged", "retract"): "retracted",
    ("retracted", "report"): "active",  # reopened: a story reports the incident again
}


class IllegalTransition(WirewatchError):
    """An action that the incident's status does not allow (acknowledging a retracted alert, …)."""


def transition(status: str | None, action: str) -> str:
    """The status after ``action``; :class:`IllegalTransition` when the table has no such step."""
    try:
        return TRANSITIONS[status, action]
    except KeyError:
        if status is not None and status not in STATUSES or action not in ACTIONS:
            raise IllegalTransition(f"unknown status {status!r} or action {action!r}") from None
        raise IllegalTransition(f"a {status or 'new'} alert cannot take {action!r}") from None
