"""Default severity (1–5) of an event: its type's base, moved by the stated deaths and by its modality (pure).

The table says it all; :func:`default_severity` reads it:

- ``BASE``: the event type's base level (a type not listed: 1);
- ``FATALITY_STEPS``: +1 with a stated death, +2 with ten or more;
- ``MODALITY_STEP``: −1 when the event is not asserted or reported (threatened, planned, negated, denied,
  hypothetical, past);
- the result is kept within 1–5.

Every alert carries a severity: a rule's ``severity`` when it sets one, else the default severity of its
event; an alert without a rule (a region alerting on every story) takes the highest default severity of
the story's events located in the region, else of all the story's events, else 1.
"""

from __future__ import annotations

from typing import Iterable

from ..core import HAPPENING, Event

__all__ = ["BASE", "FATALITY_STEPS", "MODALITY_STEP", "base_severity", "default_severity", "severity",
           "highest_severity"]

#: level → the event types with that base level (schemas/event-taxonomy.json ids)
BASE: dict[int, frozenset[str]] = {
    5: frozenset({"chemical_weapon", "suicide_bomb"}),
    4: frozenset({"air_drone_strike", "shelling_artillery_missile_attack", "remote_explosive_landmine_ied",
                  "armed_clash", "attack", "government_regains_territory", "non_state_actor_overtakes_territory",
                  "abduction_forced_disappearance", "sexual_violence", "grenade",
                  "excessive_force_against_protesters", "mob_violence"}),
    3: frozenset({"violent_demonstration", "looting_property_destruction", "natural_disaster", "man_made_disaster",
                  "threaten", "disrupted_weapons_use"}),
    2: frozenset({"protest_with_intervention", "arrests", "change_to_group_activity",
                  "headquarters_or_base_established", "non_violent_transfer_of_territory", "organized_crime",
                  "attribution_of_responsibility"}),
}
#: (at least this many stated deaths, added levels), the first that applies
FATALITY_STEPS: tuple[tuple[int, int], ...] = ((10, 2), (1, 1))
#: added when the modality is not one of ``FIRM_MODALITIES``
MODALITY_STEP = -1
FIRM_MODALITIES = HAPPENING
_LEVEL = {t: level for level, types in BASE.items() for t in types}


def base_severity(event_type: str | None) -> int:
    """The event type's base level (1 for a type the table does not list, or none)."""
    return _LEVEL.get(event_type or "", 1)


def default_severity(event_type: str | None, modality: str | None = "asserted", fatalities: int | None = None) -> int:
    """The severity of an event of ``event_type`` with ``modality`` and ``fatalities`` stated deaths, 1–5."""
    level = base_severity(event_type)
    if fatalities:
        level += next((step for least, step in FATALITY_STEPS if fatalities >= least), 0)
    if (modality or "asserted") not in FIRM_MODALITIES:
        level += MODALITY_STEP
    return max(1, min(5, level))


def severity(event: Event) -> int:
    """:func:`default_severity` of an event record."""
    return default_severity(event.type, event.modality, event.fatalities)


def highest_severity(events: Iterable[Event], default: int = 1) -> int:
    """The highest default severity among ``events`` (``default`` when there are none)."""
    return max((severity(e) for e in events), default=default)
