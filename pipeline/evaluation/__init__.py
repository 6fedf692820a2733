"""Evaluation against development corpora (``wirewatch eval …``)."""

from ._events import (
                      CASE_TO_TYPE,
                      CaseReport,
                      LocationReport,
                      evaluate_case,
                      evaluate_locations,
                      load_case,
                      load_event_locations,
                      place_linker,
)
from ._geo import GeoReport, evaluate_geo, load_gwn
from ._stories import STORIES_DIR, AnnotatedStory, StoriesReport, evaluate_stories, load_stories

__all__ = ["CASE_TO_TYPE", "GeoReport", "evaluate_geo", "load_gwn", "CaseReport", "LocationReport", "evaluate_case",
           "evaluate_locations", "load_case", "load_event_locations", "place_linker", "STORIES_DIR", "AnnotatedStory",
           "StoriesReport", "evaluate_stories", "load_stories"]
