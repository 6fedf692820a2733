"""An event's modality: whether it happened, as the story tells it (pure; no Faust).

``schemas/common.schema.json`` lists the same values for ``Event.modality``."""

from __future__ import annotations

__all__ = ["MODALITIES", "HAPPENING"]

#: Every modality an event may have.
MODALITIES = ("asserted", "reported", "threatened", "planned", "negated", "denied", "hypothetical", "past")
#: The modalities of an event that happened: stated by the story, or by a source it quotes.
HAPPENING = frozenset({"asserted", "reported"})
