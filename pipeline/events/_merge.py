"""One event per incident within a story (pure): a strike told in the lead and again in the fifth
paragraph is one event, not two.

Events merge when they have the same type, the same place (GeoNames id, else the place's words), dates at
most a day apart (a lead dated by its report, "… said Thursday", and a paragraph by the event, "on
Wednesday afternoon"), and both are happening (asserted/reported) or both are not. The surest one is kept, with
the largest stated death toll and the union of actors and targets.
"""

from __future__ import annotations

from datetime import date
from typing import Iterable

from ..core import HAPPENING, Event

__all__ = ["merge_events"]


def _key(event: Event) -> tuple:
    place = event.place
    where = (place.geonameid if place and place.geonameid is not None else
             place.text.lower() if place else None)
    happening = event.modality in HAPPENING
    return event.type, where, happening


def _day(event: Event) -> int | None:
    try:
        return date.fromisoformat(event.date[:10]).toordinal() if event.date else None
    except ValueError:
        return None


def merge_events(events: Iterable[Event]) -> list[Event]:
    groups: list[tuple[tuple, list[int | None], list[Event]]] = []
    for event in events:
        key, day = _key(event), _day(event)
        group = next((g for g in groups if g[0] == key and all(
            d is None or day is None or abs(d - day) <= 1 for d in g[1])), None)
        if group is None:
            groups.append((key, [day], [event]))
        else:
            group[1].append(day)
            group[2].append(event)
    merged = []
    for _, _, group in groups:
        best = max(group, key=lambda e: e.confidence)
        if len(group) > 1:
            deaths = [e.fatalities for e in group if e.fatalities is not None]
            best.fatalities = max(deaths) if deaths else None
            best.actors = _union(e.actors for e in group)
            best.targets = _union(e.targets for e in group)
        merged.append(best)
    return sorted(merged, key=lambda e: e.trigger.start if e.trigger else 0)


def _union(lists: Iterable[list[str]]) -> list[str]:
    out: list[str] = []
    for items in lists:
        for item in items:
            if item not in out:
                out.append(item)
    return out[:6]
