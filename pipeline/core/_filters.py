"""Record filters for ``wirewatch tail`` (pure): the example consumer others copy.

``--region`` keeps alerts of that region; ``--type`` keeps enriched stories with an event of one of the
types (alerts: the alert's event, or any of its listed events); ``--country`` keeps enriched stories
with a resolved place or focus country in one of the countries (alerts: a matched place or area there).
"""

from __future__ import annotations

from typing import Any, Callable, Sequence

from ._errors import ConfigError
from ._records import Alert, EnrichedStory

__all__ = ["record_filter"]


def record_filter(stage: str, region: str | None = None, types: Sequence[str] = (),
                  countries: Sequence[str] = ()) -> Callable[[Any], bool] | None:
    """A predicate over decoded records of ``stage``, or ``None`` when nothing is filtered."""
    if not (region or types or countries):
        return None
    if stage not in ("enriched", "alerts"):
        raise ConfigError(f"--region/--type/--country filter enriched stories or alerts, not {stage!r}")
    if region and stage != "alerts":
        raise ConfigError("--region filters alerts: use `wirewatch tail alerts --region ID`")
    wanted_types, wanted_cc = set(types), {c.upper() for c in countries}

    def keep(record: Any) -> bool:
        if isinstance(record, Alert):
            events = [record.event] if record.event is not None else list(record.events)
            ccs = {p.country_code for p in record.places} | {c for a in record.areas for c in a.country_codes}
            return ((not region or record.region_id == region)
                    and (not wanted_types or any(e.type in wanted_types for e in events))
                    and (not wanted_cc or bool(ccs & wanted_cc)))
        if isinstance(record, EnrichedStory):
            ccs = {p.country_code for p in record.places if p.geonameid is not None}
            ccs |= {f.country_code for f in record.focus.countries}
            return ((not wanted_types or any(e.type in wanted_types for e in record.events))
                    and (not wanted_cc or bool(ccs & wanted_cc)))
        return False

    return keep
