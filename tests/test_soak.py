"""The soak tool's NLP-free stand-in (pipeline/tools/_soak.py), without a broker: every story comes out an
EnrichedStory with one place, so the world region alerts on it."""

import asyncio

from pipeline import Story
from pipeline.core import EnrichedStory, from_json


def test_the_stand_in_enriches_without_nlp_one_place_per_story():
    from pipeline.tools._soak import _stand_in_runner

    runner = _stand_in_runner()
    stories = [Story(uri=f"urn:soak:{k}", version=1, headline="h", body="b", source_format="ninjs", received_at="t")
               for k in range(3)]
    out = [from_json(EnrichedStory, value) for value in asyncio.run(runner.enrich(stories))]
    assert [e.uri for e in out] == [s.uri for s in stories] and all(len(e.places) == 1 for e in out)
    assert all(-90 <= e.places[0].lat <= 90 and -180 <= e.places[0].lon <= 180 for e in out)
    assert out[0].places[0].geonameid != out[1].places[0].geonameid and out[0].tags == []
