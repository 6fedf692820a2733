"""Synthetic wire stories for benchmarks and load tests (our own templates; no third-party text).

Each story is a few paragraphs in wire style — dateline, an incident with a place, actors, numbers and
dates, reactions, background naming other places — so that NER, geoparsing and event tagging do the
work they do on real copy. Seeded: the same ``seed`` gives the same stories.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

__all__ = ["SyntheticStory", "generate_stories"]

_PLACES = [  # (city, country) pairs, resolvable by the gazetteer
    ("Baghdad", "Iraq"), ("Mosul", "Iraq"), ("Irbil", "Iraq"), ("Kirkuk", "Iraq"), ("Basra", "Iraq"),
    ("Deir ez-Zor", "Syria"), ("Aleppo", "Syria"), ("Idlib", "Syria"), ("Homs", "Syria"), ("Raqqa", "Syria"),
    ("Kabul", "Afghanistan"), ("Kandahar", "Afghanistan"), ("Sanaa", "Yemen"), ("Aden", "Yemen"),
    ("Mogadishu", "Somalia"), ("Khartoum", "Sudan"), ("El Fasher", "Sudan"), ("Tripoli", "Libya"),
    ("Benghazi", "Libya"), ("Bamako", "Mali"), ("Gao", "Mali"), ("Niamey", "Niger"), ("Maiduguri", "Nigeria"),
    ("Kharkiv", "Ukraine"), ("Odesa", "Ukraine"), ("Zaporizhzhia", "Ukraine"), ("Beirut", "Lebanon"),
    ("Tyre", "Lebanon"), ("Goma", "Congo"), ("Quetta", "Pakistan"), ("Peshawar", "Pakistan"),
    ("Manila", "Philippines"), ("Marawi", "Philippines"), ("Bogota", "Colombia"), ("Culiacan", "Mexico"),
]
_ACTORS = ["government forces", "militants", "an armed group", "security forces", "rebel fighters", "the army",
           "police", "gunmen", "a militia", "unidentified attackers"]
_INCIDENTS = [
    "A drone struck {target} in {place} on {day}, killing {n} people, {source} said.",
    "{Actor} shelled {target} near {place} on {day}, wounding {n} civilians.",
    "Airstrikes hit {target} outside {place} overnight, according to {source}.",
    "{Actor} clashed with {actor2} in {place} on {day}; at least {n} fighters were killed.",
    "A roadside bomb exploded near {target} in {place} on {day}, killing {n} soldiers.",
    "Hundreds of protesters marched through {place} on {day} to demand {demand}.",
    "Police fired tear gas at demonstrators in {place} on {day}, and {n} people were arrested.",
    "{Actor} abducted {n} aid workers on the road between {place} and {place2} on {day}.",
    "Rockets were fired at {target} in {place} on {day}, but no casualties were reported.",
    "Floods swept through {place} on {day}, leaving {n} people dead and thousands homeless.",
]
_TARGETS = ["a checkpoint", "the airport", "a market", "a military base", "a fuel depot", "a convoy", "a hospital",
            "a power station", "a bridge", "a police station", "residential buildings", "a school"]
_SOURCES = ["local officials", "a security source", "the health ministry", "witnesses", "a monitoring group",
            "the provincial governor"]
_DEMANDS = ["better services", "the release of detainees", "early elections", "an end to corruption",
            "higher wages"]
_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
_FOLLOW = [
    "The {country} government condemned the attack and promised an investigation.",
    "No group immediately claimed responsibility.",
    "{Actor} vowed to retaliate, a spokesman told reporters in {capital}.",
    "Residents said the area had been calm for weeks before the incident.",
    "The United Nations called on all sides to protect civilians.",
    "Officials in {capital} said reinforcements had been sent to {place}.",
    "Hospitals in {place2} received dozens of wounded, a doctor said.",
    "The violence comes ahead of talks planned for next month in {capital}.",
    "Aid agencies warned that fighting could displace tens of thousands more people.",
    "Electricity and water supplies were cut in several districts, residents said.",
]
_BACKGROUND = [
    "{country} has faced years of conflict, and attacks on {target_plural} have become more frequent.",
    "Earlier this month, similar incidents were reported in {place2} and {place3}.",
    "Analysts say the group has regained strength in rural areas around {place}.",
    "The last major offensive near {place3} ended in a ceasefire that has since frayed.",
    "Diplomats from several countries are expected to meet in {capital} to discuss the crisis.",
]
_CAPITALS = {"Iraq": "Baghdad", "Syria": "Damascus", "Afghanistan": "Kabul", "Yemen": "Sanaa", "Somalia": "Mogadishu",
             "Sudan": "Khartoum", "Libya": "Tripoli", "Mali": "Bamako", "Niger": "Niamey", "Nigeria": "Abuja",
             "Ukraine": "Kyiv", "Lebanon": "Beirut", "Congo": "Kinshasa", "Pakistan": "Islamabad",
             "Philippines": "Manila", "Colombia": "Bogota", "Mexico": "Mexico City"}


@dataclass(frozen=True)
class SyntheticStory:
    uri: str
    headline: str
    body: str


def generate_stories(n: int, *, seed: int = 1, paragraphs: int = 10,
                     prefix: str = "urn:wirewatch:synthetic") -> list[SyntheticStory]:
    """``n`` stories of about ``paragraphs`` short paragraphs (≈ 150–200 words at the default)."""
    rnd = random.Random(seed)
    out = []
    for k in range(n):
        place, country = rnd.choice(_PLACES)
        others = [p for p, c in _PLACES if c == country and p != place] or [p for p, _ in _PLACES if p != place]
        fill = {"place": place, "country": country, "capital": _CAPITALS.get(country, place),
                "place2": rnd.choice(others), "place3": rnd.choice([p for p, _ in _PLACES]),
                "Actor": rnd.choice(_ACTORS).capitalize(), "actor2": rnd.choice(_ACTORS), "n": rnd.randint(2, 40),
                "target": rnd.choice(_TARGETS), "target_plural": rnd.choice(_TARGETS)[2:] + "s",
                "source": rnd.choice(_SOURCES), "day": rnd.choice(_DAYS), "demand": rnd.choice(_DEMANDS)}
        lead = rnd.choice(_INCIDENTS).format(**fill)
        body = [f"{place.upper()}, {country} — {lead}"]
        body += [t.format(**fill) for t in rnd.sample(_FOLLOW, min(len(_FOLLOW), max(0, paragraphs - 3)))]
        body += [t.format(**fill) for t in rnd.sample(_BACKGROUND, 2)]
        headline = lead.split(",")[0].split(" on ")[0][:90]
        out.append(SyntheticStory(uri=f"{prefix}:{seed}:{k}", headline=headline, body="\n\n".join(body)))
    return out
