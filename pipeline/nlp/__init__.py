"""The spaCy pipeline: one function builds it and states its order."""

from ._build import DEFAULT_MODEL, PIPELINE_ORDER, build_nlp
from ._place_link import (
                          FEATURES,
                          PlaceChooser,
                          TriggerRates,
                          by_token,
                          candidate_features,
                          default_chooser,
                          first_place,
                          governor,
                          place_spans,
                          stages,
)

__all__ = ["DEFAULT_MODEL", "PIPELINE_ORDER", "build_nlp", "FEATURES", "PlaceChooser", "by_token", "candidate_features",
           "default_chooser", "first_place", "governor", "place_spans", "stages", "TriggerRates"]
