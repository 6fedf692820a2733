"""The enrich stage keeps two batches in flight; versions of one story in consecutive batches must still
come out in order, judged against each other (not only against what was already marked)."""

from __future__ import annotations

import asyncio

import orjson
import pytest

from pipeline import EnrichedStory
from pipeline.core import from_json
from tests.helpers import produce_and_collect, running_worker

pytestmark = pytest.mark.broker


def _item(version: int, body: str, pubstatus: str = "usable") -> bytes:
    return orjson.dumps({"uri": "urn:test:inflight", "version": version, "pubstatus": pubstatus, "language": "en",
                         "headline": f"v{version}", "body_text": body})


def test_versions_in_consecutive_batches_stay_in_order(broker, tmp_path):
    # batch size 1: every story is a batch of its own, so v2 is submitted while v1 is still in the NLP
    with running_worker(broker.url, tmp_path, batch_size=1) as worker:
        s, t = worker.settings, worker.settings.topics
        messages = [_item(1, "A drone struck the airport in Irbil on Tuesday."),
                    _item(2, "Shelling hit the outskirts of Damascus on Wednesday."),
                    _item(2, "Shelling hit the outskirts of Damascus on Wednesday."),  # a duplicate in flight
                    _item(1, "A stale first version."),  # stale against v2, which is not marked yet
                    _item(3, "", pubstatus="canceled"),  # a kill must not overtake v2's result
                    _item(4, "Protesters gathered in Mosul on Friday.")]
        seen = asyncio.run(produce_and_collect(
            s, messages, [t.enriched], lambda seen: any(from_json(EnrichedStory, v).version == 4 for _, _, v in seen)))
        out = [from_json(EnrichedStory, v) for _, _, v in seen]
        assert [(e.version, e.pubstatus) for e in out] == [(1, "usable"), (2, "usable"), (3, "canceled"),
                                                          (4, "usable")]
        assert out[0].places and out[0].places[0].text == "Irbil"
