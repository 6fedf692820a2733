"""Evaluation against development corpora (``wirewatch eval …``)."""

from ._events import (CaseReport, LocationReport, evaluate_case, evaluate_locations, load_case, load_event_locations,
                      place_linker)
from ._geo import GeoReport, evaluate_geo, load_gwn

__all__ = ["GeoReport", "evaluate_geo", "load_gwn", "CaseReport", "LocationReport", "evaluate_case",
           "evaluate_locations", "load_case", "load_event_locations", "place_linker"]
