"""spaCy component ``wirewatch_places``: find and resolve the places a story names.

1. Toponyms: entities labelled GPE/LOC/FAC (leading "the" stripped).
2. Rescue: entities the model mislabels (PERSON, ORG, DATE, …) become toponyms when the gazetteer
   knows the name as a populated place and a place cue precedes it ("in", "near", "towns of",
   "the capital", or a coordination with a toponym just before: "Boukamal and Mayadeen") or a facility
   noun follows it ("Irbil airport", "Mosul dam"); when a place noun follows or ends it ("Rawa town",
   "Bama Town"); when it follows "near", "outside" or "around" right away, known or not ("near Sindian";
   a person's name only when the gazetteer knows it by its own name); when it is the object of a verb of
   entering, holding or striking a place and the gazetteer knows it by its own name ("troops entered
   Quraytayn"); when it follows "into" after a verb of moving, known or not ("riding into Anzourou"); and,
   untagged or tagged NORP too, when it is a country or a big city ("hit Aleppo").
3. Guards: a ``LOC`` mention (regions, seas, ranges) is not resolved to a village of under
   ``loc_min_population`` outside the story's countries (the gazetteer's seas and regions, "Middle
   East", "Atlantic", rank above their namesake villages anyway); a mention that is the surname of a
   PERSON named elsewhere in the story is not a place ("a poster of Soleimani").
4. Demonyms (NORP: "Iraqi", "Syrians") become ``kind="demonym"`` places of their country: signals,
   kept apart from toponyms.
5. Embedded and untagged: a country, state or big city leading an ORG/FAC/EVENT name ("U.S. Army")
   is a toponym; so is a capitalised proper noun outside any entity, after a place cue, that the
   gazetteer knows exactly as a sizeable place.
6. Resolution in context: the countries and first-level divisions the story names (unambiguous
   country and division mentions, a county or district no other shares the name of, demonyms) and
   those of its dateline and provider place hints (``doc._.hints``, set by the enricher) favour
   candidates there ("Damascus" in a Maryland story). Mentions inside the dateline get
   ``role="dateline"``. "X, Y" with Y a country or state resolves X inside Y
   ("Paris, Texas", "Damascus, Maryland"). A possessive is dropped ("South Korea's"); a name the
   gazetteer lacks is located by a well-known place leading it ("Manila Cathedral") or ending it
   ("West Wales", "north west London"), with less confidence.
7. Local features: a street, building, facility or locality the gazetteer lacks ("Tahrir Square",
   "Collins Avenue") is placed at the town the story names nearest to it, as ``kind="local"``.

Writes ``doc._.places``: a list of :class:`PlaceMention`.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, replace
from typing import Sequence

from spacy.language import Language
from spacy.tokens import Doc, Span

from ..events import MONTH_NAMES, WEEKDAY_NAMES
from ..geo import Gazetteer, GeoEntry, default_gazetteer, fold_name, haversine_km, normalize_name

__all__ = ["PlaceMention", "PlaceResolver", "make_place_resolver"]

_ARTICLES = {"the"}
_CUES = {"in", "near", "at", "from", "outside", "around", "towards", "toward", "into", "across", "of", "to",
         "town", "towns", "city", "cities", "village", "villages", "province", "district", "region",
         "northern", "southern", "eastern", "western", "central", "north-eastern", "north-western", "south-eastern",
         "south-western", "northeastern", "northwestern", "southeastern", "southwestern", "rural", "downtown",
         "greater", "capital"}
_COORD = {"and", "or", ","}
# Prepositions whose object is a place whether or not the gazetteer knows it ("near X").
_NEAR = {"near", "outside", "around"}
# Lower-case particles inside a hyphen-joined name: "Croix-des-Bouquets", "Stratford-upon-Avon".
_NAME_PARTICLES = {"de", "des", "du", "la", "le", "les", "sur", "sous", "en", "lès", "di", "del", "della", "da",
                   "upon", "on", "under", "am", "an", "im", "bei"}
_JOINING = {"in", "near"}  # prepositions a mislabelled entity runs across ("Keppapilavu in Sri Lanka's")
# Nouns of a place's parts and surroundings: "on the edge of Kolofata", "the outskirts of Bannu".
_EDGES = {"edge", "edges", "outskirts", "fringes", "suburbs", "outskirt", "entrance", "centre", "center"}
# Verbs whose object is a place when a name follows: "troops entered Quraytayn", "stormed Mar'e" — not
# "captured" or "seized", which take people as often ("police captured Guzman"). Word forms (no lemmatizer
# runs before the places).
_TAKEN = {f"{stem}{end}" for stem, ends in (
    ("enter", ("", "ed", "s", "ing")),
    ("storm", ("", "ed", "s", "ing")), ("patrol", ("", "led", "s", "ling")), ("overr", ("an", "un", "uns", "unning")),
    ("besieg", ("e", "ed", "es", "ing")), ("shell", ("", "ed", "s", "ing")), ("liberat", ("e", "ed", "es", "ing")),
    ("retak", ("e", "en", "es", "ing")), ("retook", ("",)), ("recaptur", ("e", "ed", "es", "ing")),
    ("bomb", ("", "ed", "s", "ing"))) for end in ends}
# Labels the model gives place names by mistake ("Kisangani" NORP, "Bama Town" PERSON, "Kibeho" ORG).
_MISLABELLED = {"PERSON", "ORG", "LANGUAGE", "NORP", "PRODUCT", "WORK_OF_ART"}
# Words before a person's name ("President Jackson", "Mr. Paris"), never before a place's.
_TITLES = {"mr", "mrs", "ms", "miss", "dr", "president", "minister", "gen", "general", "col", "colonel", "sen",
           "senator", "rep", "gov", "governor", "judge", "justice", "king", "queen", "prince", "princess", "sheikh",
           "pope", "saint", "st", "coach", "captain", "capt", "lt", "sgt", "prof", "professor", "rev", "father"}
_STRAY_POPULATION = 5_000  # see PlaceResolver._strays
# Titles of office and address, not those that lead place names too ("St. Paul", "Prince George", "King William")
_OFFICES = _TITLES - {"saint", "st", "king", "queen", "prince", "princess", "pope", "father"}
_CALENDAR = set(MONTH_NAMES) | set(WEEKDAY_NAMES)
_PLACE_NOUNS_AFTER = {"town", "village", "city", "district", "province", "governorate", "countryside", "county",
                      "municipality", "subdistrict", "sub-district", "region", "camp", "neighbourhood",
                      "neighborhood", "suburb", "locality", "commune", "township", "oasis", "valley", "estate"}
_PLACE_NOUNS = {"town", "village", "city", "district", "neighbourhood", "neighborhood", "province", "region",
                "locality", "suburb", "governorate", "county", "municipality", "camp", "hamlet", "settlement",
                "township", "commune", "subdistrict", "sub-district", "state", "island", "port", "outskirts",
                "area", "valley", "oasis", "enclave", "quarter", "community", "estate", "borough"}
# Arabic names keep their article in lower case ("al-Husseiniya") and their apostrophes for ayn and hamza
# ("Sa'sa", "Ma'arrat"), which ``is_title`` reads as a new word starting in lower case.
_ARTICLE = re.compile(r"(?:al|el|ad|ar|as|ash|at|az|an)[-‘’'](\w)", re.I)


def _capitalised(tok) -> bool:
    """Written as a name: "Sindian", "Sa'sa", "al-Husseiniya" (one token or three: "al", "-", "Husseiniya";
    not "the", "said", "SAID")."""
    text = tok.text
    if tok.is_title or (text[:1].isupper() and not tok.is_upper):
        return True
    article = _ARTICLE.match(text)
    if article is not None:
        return article.group(1).isupper()
    doc = tok.doc
    return tok.i + 2 < len(doc) and _ARTICLE.match(f"{text}{doc[tok.i + 1].text}{doc[tok.i + 2].text}") is not None \
        and doc[tok.i + 1].text in "-‘’'" and not tok.whitespace_ and doc[tok.i + 2].text[:1].isupper()


def _ends_in_place_noun(span: Span) -> bool:
    """A name whose last word is a place noun, capitalised as part of it: "Bama Town", "Mohammad Agha
    District", "Deir Ezzor Governorate" (whatever label the model gave the whole). Not "City", which ends the
    names of clubs ("Manchester City"), nor "Area", "Estate" and "Valley", which end those of protected
    areas, programmes and regions ("Glenrock State Conservation Area", "European Education Area"), nor after
    a people's adjective."""
    return len(span) >= 2 and _capitalised(span[0]) and span[-1].is_title and not span[-2].is_punct \
        and _singular(span[-1].lower_) in _PLACE_NOUNS_AFTER - {"city", "area", "estate", "valley"} \
        and span[0].ent_type_ != "NORP" and span[0].pos_ != "ADJ"


_WEAPONS = {"rocket", "missile", "rifle", "launcher", "mortar", "grenade", "drone", "shell", "howitzer", "gun",
            "pistol", "tank", "jet", "helicopter", "warhead"}


def _names_a_weapon(span: Span) -> bool:
    """The name is a weapon's make, told right before the weapon ("Katyusha rockets", "Kalashnikov rifles")."""
    doc = span.doc
    return span.end < len(doc) and _singular(doc[span.end].lower_) in _WEAPONS and doc[span.end].pos_ == "NOUN"


def _split_joined(ents: Sequence[Span], labels: Sequence[str]) -> list[Span]:
    """The entities, with one the model ran across a place preposition cut in two: "Keppapilavu in Sri
    Lanka's", "Kalaroos near Kupwara" are two places (a name joined by a hyphen, "Newton-in-Makerfield",
    stays whole)."""
    out: list[Span] = []
    for ent in ents:
        cut = next((t.i for t in ent[1:-1] if t.lower_ in _JOINING and t.nbor(-1).is_title and t.nbor().is_title
                    and t.nbor(-1).whitespace_ and t.whitespace_), None) if ent.label_ in labels else None
        if cut is None:
            out.append(ent)
        else:
            out += [Span(ent.doc, ent.start, cut, label=ent.label_), Span(ent.doc, cut + 1, ent.end, label=ent.label_)]
    return out


# Verbs of moving somewhere: what they move "into" is a place ("armed men riding into Anzourou").
_MOVING = {f"{stem}{end}" for stem, ends in (
    ("rid", ("e", "es", "ing")), ("rode", ("",)), ("ridden", ("",)), ("driv", ("e", "es", "ing")), ("drove", ("",)),
    ("march", ("", "ed", "es", "ing")), ("stream", ("", "ed", "s", "ing")), ("pour", ("", "ed", "s", "ing")),
    ("sweep", ("", "s", "ing")), ("swept", ("",)), ("advanc", ("e", "ed", "es", "ing")), ("mov", ("e", "ed", "es", "ing")),
    ("push", ("", "ed", "es", "ing")), ("roll", ("", "ed", "s", "ing")), ("storm", ("", "ed", "s", "ing")),
    ("flee", ("", "s", "ing")), ("fled", ("",))) for end in ends}


def _moved_into(span: Span) -> bool:
    """Right after "into" after a verb of moving ("riding into Anzourou", "swept into Kidal"): a place,
    whether or not the gazetteer knows it; not a calendar word, nor a name after an article."""
    doc, at = span.doc, span.start
    return at >= 2 and doc[at - 1].lower_ == "into" and doc[at - 2].lower_ in _MOVING and len(span) <= 3 \
        and span.text.lower() not in _CALENDAR and not _all_generic(span)


def _object_of(span: Span, leading: set[str]) -> bool:
    """One of these words leads the span, with at most two determiners, adjectives or numbers between
    ("entered Quraytayn", "stormed the besieged X"; the tagger's parts of speech: no parse runs before the
    places)."""
    doc, at = span.doc, span.start - 1
    for _ in range(3):
        if at < 0:
            return False
        tok = doc[at]
        if tok.lower_ in leading:
            return True
        if tok.pos_ not in ("DET", "ADJ", "NUM") or tok.is_title:
            return False
        at -= 1
    return False


def _apposed_place_noun(span: Span) -> bool:
    """Followed by an apposition that says it is a place: "Ngaoundaye, a town near …", "Mucojo, a fishing
    village in …", "Kalia, the main town of …" (a place noun heads the indefinite or definite phrase after the
    comma, within three words)."""
    doc, end = span.doc, span.end
    if end + 2 >= len(doc) or doc[end].text != "," or doc[end + 1].lower_ not in ("a", "an", "the"):
        return False
    for tok in doc[end + 2:min(len(doc), end + 5)]:
        head = tok.i + 1 == len(doc) or doc[tok.i + 1].pos_ not in ("NOUN", "PROPN")  # "a city councillor": no
        if _singular(tok.lower_) in _PLACE_NOUNS and head:
            return True
        if tok.is_punct or tok.pos_ in ("VERB", "AUX", "ADP"):
            return False
    return False


# A city's name before these is the city ("Irbil airport", "Mosul dam"), whatever label the model gave it.
_FACILITIES_AFTER = {"airport", "airbase", "base", "dam", "refinery", "university", "prison", "hospital", "stadium",
                     "port", "harbour", "harbor", "checkpoint", "crossing", "bridge", "highway", "oilfield",
                     "governorate", "citadel", "station"}
_SURE = 0.8  # confidence above which a place anchors the others
_VERY_SURE = 0.9  # a town this sure puts the story in its country (for the coherence pass)
_STATE_CODE = re.compile(r",\s*([A-Z]{2})\b(?!\.)")  # "MYRTLE BEACH, SC (WXYZ)" in a dateline's text
# The last word of a local feature's name ("Royal Street", "City Hall", "Alder Hey Children's Hospital"):
# one the gazetteer lacks is placed at the town the story names nearest to it.
_LOCAL_NOUNS = {"street", "st", "avenue", "ave", "road", "rd", "boulevard", "lane", "drive", "square", "plaza",
                "bridge", "canal", "railroad", "railway", "station", "airport", "hospital", "embassy", "consulate",
                "hall", "park", "church", "cathedral", "mosque", "temple", "synagogue", "school", "academy",
                "college", "university", "campus", "mall", "market", "stadium", "arena", "hotel", "restaurant",
                "museum", "library", "theatre", "theater", "prison", "jail", "court", "courthouse", "centre",
                "center", "tower", "building", "house", "palace", "wing", "heights", "quarter", "district",
                "neighbourhood", "neighborhood", "estate", "township", "harbour", "harbor", "pier", "beach",
                "lake", "reservoir", "island", "base", "camp", "checkpoint", "crossing", "farm", "plantation",
                "county", "parish", "borough", "municipality"}
# Streets and squares are named after places elsewhere: their leading place does not locate them.
_STREET_NOUNS = {"street", "st", "avenue", "ave", "road", "rd", "boulevard", "blvd", "lane", "drive", "square", "plaza"}
# Second-level divisions, named like towns that are often elsewhere.
_DIVISION_NOUNS = {"county", "parish", "borough", "township", "municipality"}
_LOCAL_DISCOUNT = 0.5
# Compass words before a place inside an organisation's name ("Northeast Georgia Medical Center")
_COMPASS = {"north", "south", "east", "west", "northeast", "northwest", "southeast", "southwest", "northern",
            "southern", "eastern", "western", "central", "upper", "lower", "greater", "metro"}
# The coherence pass (PlaceResolver._coherent): a reading of a town's name gains _COHERENCE for each other
# name of the story with a reading near it (up to _COHERENCE_MAX); ten times the population is +0.2.
_COHERENCE = 0.2
_COHERENCE_MAX = 0.6
_NEAR_KM, _FAR_KM = 50.0, 400.0
_PLAUSIBLE = 0.5  # readings scoring this much below a name's best are not weighed (≈ 300 times smaller)
_READINGS = 12
_PLACE_PREPOSITION = re.compile(r"\b(?:in|at|near|from|outside|around|to|into|across|towards?)\s+(?:the\s+)?$", re.I)
# "the village of X", "the district of X": a place noun before "of" says X is a place
_PLACE_NOUN_OF = re.compile(r"\b(?:village|town|city|hamlet|settlement|district|province|region|county|parish|"
                            r"municipality|neighbou?rhood|suburb|port|area|camp)\s+of\s+$", re.I)
# Words of polities and macro-regions: a name with one is not a locality ("Soviet Union", "Latin America").
_NOT_LOCAL = {"union", "republic", "kingdom", "empire", "federation", "emirate", "emirates", "caliphate", "state",
              "states", "commonwealth", "america", "europe", "africa", "asia", "ocean", "sea", "gulf", "peninsula",
              "delta", "desert", "mountains", "region"}
_POSSESSIVE = re.compile(r"\s*['’]s$")
# A dateline opening a sentence inside the text: "CITY —", "CITY, State (AP) -"
_BODY_DATELINE = re.compile(r"(?:^|(?<=[.!?]\s)|(?<=\n))([A-Z][A-Z'.]+(?:[ -][A-Z][A-Z'.]+){0,3})"
                            r"(?:,\s*[A-Z][A-Za-z.]+(?:\s[A-Z][A-Za-z.]+)?)?\s*(?:\([^)]{1,20}\)\s*)?(?:—|–|--|-)\s")
# Divisions named only by these ("Central", "North West", "Capital") are never *found* from the gazetteer
# alone; the model must tag them.
_GENERIC = {"north", "south", "east", "west", "northern", "southern", "eastern", "western", "central", "centre",
            "center", "capital", "upper", "lower", "middle", "coast", "coastal", "island", "islands", "lakes",
            "valley", "mountain", "river", "lake", "national", "federal", "state", "district", "region"}


@dataclass(frozen=True, slots=True)
class PlaceMention:
    text: str
    start: int  # character offsets into doc.text
    end: int
    label: str
    entry: GeoEntry | None
    confidence: float
    kind: str = "toponym"
    role: str = "mentioned"  # mentioned | dateline (the enricher adds focus)


def _localise(mentions: list[PlaceMention], text: str) -> list[PlaceMention]:
    """A local feature the gazetteer lacks — a facility (``FAC``), a named street, building or
    neighbourhood, or a ``GPE`` too small for cities500 after a place preposition ("in Toomevara") — is
    placed at the town the text puts it in ("… Avenue in Garden City", "… Street, Springfield"), else at
    the town the story names nearest to it (before it, preferably; in the country the story
    names most, if it names a town there), as ``kind="local"`` with
    half the town's confidence. Regions and seas (``LOC`` without such a word) are left unresolved, and
    so is a ``GPE`` without a preposition (the model tags names of people and things GPE too)."""
    named = [m for m in mentions if m.entry is not None and m.entry.feature == "PPL" and m.kind == "toponym"
             and m.confidence >= 0.5]
    towns = [m for m in named if m.confidence >= _SURE] or named
    if not towns:
        return mentions
    # the story's own country (the most names) first: a local feature is seldom beside a town abroad
    # by names, not repeats; a tie goes to the country named first (in text order, not a set's hash order)
    counts = Counter(cc for _, cc in dict.fromkeys((normalize_name(m.text), m.entry.country_code) for m in mentions
                                                   if m.entry is not None and m.kind == "toponym"))
    home = counts.most_common(1)[0][0]
    towns = [m for m in towns if m.entry.country_code == home] or towns
    out = []
    for m in mentions:
        words = [w.strip(".,'’").lower() for w in _POSSESSIVE.sub("", m.text).split()]
        compact = m.text.replace(".", "").strip()
        local = bool(words) and (words[-1] in _LOCAL_NOUNS or (
            m.label in ("FAC", "GPE") and not _NOT_LOCAL.intersection(words)
            and not compact.isupper()  # "B.C.", "WA": a division; "MURALS": a headline word
            and (m.label == "FAC" or _PLACE_PREPOSITION.search(text, max(0, m.start - 16), m.start) is not None)))
        # "Montgomery County" located by the town Montgomery (see _resolve_head) is often wrong: the
        # county is elsewhere; a town the story names is a better guess.
        by_head = bool(words) and m.entry is not None and m.entry.feature != "ADM2" and words[-1] in _DIVISION_NOUNS \
            and m.confidence < 0.6
        if (m.entry is None or by_head) and m.kind == "toponym" and local:
            # "Atlantic Avenue in Garden City", "Main Street, Springfield": the text says which town
            said = next((t for t in named if 0 < t.start - m.end <= 4 and text[m.end:t.start].strip() in ("in", ",")), None)
            anchor = said or min(towns, key=lambda t: (abs(t.start - m.start) if t.start < m.start
                                                       else 2 * abs(t.start - m.start)))
            m = replace(m, entry=anchor.entry, confidence=round(anchor.confidence * _LOCAL_DISCOUNT, 3), kind="local")
        out.append(m)
    return out


def _support(entry: GeoEntry, readings: Sequence[GeoEntry], context: set[str]) -> float:
    """How much one other name of the story, with these readings, speaks for ``entry``: 1 when one of them
    is a first-level division containing it or a town or county within :data:`_NEAR_KM`, fading to 0 at
    :data:`_FAR_KM`. A division already in the story's ``context`` has given its bonus in the score."""
    if entry.lat is None or entry.lon is None:
        return 0.0
    best = 0.0
    for r in readings:
        if r.geonameid == entry.geonameid:
            continue
        if r.feature == "ADM1":
            if r.country_code == entry.country_code and r.admin1 == entry.admin1 \
                    and f"{r.country_code}.{r.admin1}" not in context:
                return 1.0
        elif r.feature in ("PPL", "ADM2") and r.lat is not None and abs(r.lat - entry.lat) < _FAR_KM / 111.0:
            d = haversine_km(entry.lat, entry.lon, r.lat, r.lon)
            best = max(best, min(1.0, (_FAR_KM - d) / (_FAR_KM - _NEAR_KM)))
    return best


def _same_name(name: str, key: str) -> bool:
    """Whether a gazetteer name is ``key`` (normalised) up to the transliteration fold: "Al Mayādīn", "Mayadeen"."""
    return normalize_name(name) == key or (fold_name(name) or None) == fold_name(key)


def _demonym_base(text: str) -> str:
    """The place name an adjective of the "-(i)an" kind is formed on, normalised: "South Ossetians" →
    "south ossetia", "Sri Lankan" → "sri lanka"; "" for other words ("Iraqi", "Dutch")."""
    word = _POSSESSIVE.sub("", text.strip())
    if word.endswith("ans"):
        word = word[:-1]
    return normalize_name(word[:-1]) if word.endswith("an") and len(word) > 4 else ""


def _all_generic(span: Span) -> bool:
    """Only compass and generic words ("North West", "the Valley", "north west" before "London")."""
    return all(t.lower_ in _GENERIC or t.is_punct for t in span)


def _singular(word: str) -> str:
    """"towns" → "town", "localities" → "locality" (the model's lemmatizer is not in the pipeline)."""
    if word.endswith("ies"):
        return word[:-3] + "y"
    return word[:-1] if word.endswith("s") and not word.endswith("ss") else word


def _hyphen_joined(span: Span) -> Span:
    """The whole of a name the model cut at a hyphen ("Croix" of "Croix-des-Bouquets"): the span grows over
    hyphen-joined words with no space between them when a lower-case particle joins them and a capitalised
    word ends them (not "Athens-Thessaloniki", two names; not "Kurdish-led")."""
    doc, end, best = span.doc, span.end, span.end
    particle = False
    while end + 1 < len(doc) and not doc[end - 1].whitespace_ and doc[end].text == "-" and not doc[end].whitespace_:
        word = doc[end + 1]
        if word.lower_ in _NAME_PARTICLES:
            particle = True
        elif not word.is_alpha and word.text[:2].lower() not in ("l'", "d'"):
            break
        end += 2
        if particle and word.text[:1].isupper():
            best = end
    return doc[span.start:best] if best > span.end else span


class PlaceResolver:
    def __init__(self, name: str, gazetteer: Gazetteer, labels: Sequence[str], rescue_labels: Sequence[str],
                 rescue_min_population: int, loc_min_population: int = 10000,
                 prominent_population: int = 250_000) -> None:
        self.name = name
        self.gazetteer = gazetteer
        self.labels = frozenset(labels)
        self.rescue_labels = frozenset(rescue_labels)
        self.rescue_min_population = rescue_min_population
        self.loc_min_population = loc_min_population
        self.prominent_population = prominent_population
        self.embedding_labels = frozenset({"ORG", "FAC", "EVENT", "PRODUCT", "LAW"})

    @staticmethod
    def _trim(ent: Span) -> Span:
        span = ent[1:] if len(ent) > 1 and ent[0].lower_ in _ARTICLES else ent
        return _hyphen_joined(span)

    def _cued(self, span: Span, accepted_ends: set[int]) -> bool:
        prev = span.doc[span.start - 1] if span.start > 0 else None
        if prev is None:
            return False
        if prev.lower_ in _CUES:  # "in X" (not "in the X": "in the Guard", "into the Navy" name institutions)
            return True
        return prev.lower_ in _COORD and (span.start - 1) in accepted_ends

    def _known_by_name(self, span: Span) -> bool:
        """The gazetteer knows a place by this very name, not by an old or foreign one ("Messi" is a name of
        Metz)."""
        return any(fold_name(e.name) == fold_name(span.text) for e in self.gazetteer.candidates(span.text)[0][:5])

    @staticmethod
    def _someones_name(span: Span) -> bool:
        """A title or a person's name before it ("President Jackson"), another name after it ("Jordan
        Henderson")."""
        doc = span.doc
        before = doc[span.start - 1] if span.start > 0 else None
        after = doc[span.end] if span.end < len(doc) else None
        if before is not None and (before.lower_.rstrip(".") in _TITLES or before.ent_type_ == "PERSON"):
            return True
        return after is not None and after.is_title and after.pos_ == "PROPN" and after.lower_ not in _CALENDAR

    def _placed_by_context(self, span: Span) -> bool:
        """A place whatever label the model gave it: a country or big city, a name right after "near", the
        object of a verb of entering or holding a place, what people move "into"."""
        return self._prominent(span) or self._nearby(span) or self._taken(span) or _moved_into(span)

    def _nearby(self, span: Span) -> bool:
        """The object of "near", "outside" or "around" ("near Sindian", "outside Buco-Zau") or of a noun of a
        place's parts ("on the edge of Kolofata", "the outskirts of X"): what lies near something is a place,
        whether or not the gazetteer knows it, unless it is a person (a title before it, another name after
        it, or — after "near" — the model's PERSON for a name the gazetteer lacks: "waited near Kowalczyk"; a
        person has no edge), a name after an article (an institution: "outside the Education Ministry") or a
        calendar word."""
        prev = span.doc[span.start - 1] if span.start > 0 else None
        edge = prev is not None and prev.lower_ == "of" and span.start > 1 and span.doc[span.start - 2].lower_ in _EDGES
        if prev is None or not (prev.lower_ in _NEAR or edge) or span.text.lower() in _CALENDAR \
                or _all_generic(span) or len(span) > 4:
            return False  # after an article, an institution's or a unit's name: "outside the Navy's base"
        if span[0].ent_type_ == "PERSON" and not edge and not self._known_by_name(span):
            return False  # a person has no edge or outskirts
        return not self._someones_name(span)

    def _rescuable(self, span: Span) -> bool:
        found, _ = self.gazetteer.candidates(span.text)
        return bool(found) and not found[0].is_country and max(e.population for e in found) >= self.rescue_min_population

    def __call__(self, doc: Doc) -> Doc:
        firsts: dict[str, set[str]] = {}  # surname → the given names it comes with
        full_names: dict[str, set[str]] = {}  # surname → the whole names it ends
        for e in doc.ents:
            if e.label_ == "PERSON" and len(e) > 1:
                firsts.setdefault(e[-1].lower_, set()).add(e[0].lower_)
                full_names.setdefault(e[-1].lower_, set()).add(e.text.lower())
        # A surname that is a country's or first-level division's own name ("Rethinking Egypt" tagged PERSON in
        # a headline) guards only when the story also uses that name alone as a person's ("Jordan said").
        alone = {e[0].lower_ for e in doc.ents if e.label_ == "PERSON" and len(e) == 1}
        alone |= {t.nbor().lower_ for t in doc[:-1] if t.lower_.rstrip(".") in _TITLES}
        surnames = {s for s in full_names if s in alone or not self._polity(s)}

        def someone_elses_surname(ent: Span, span: Span) -> bool:
            """Another name of the story ends in this one's last word ("Helen Kunz" beside "Randy Kunz"); the
            same name told twice is no one else's ("Tuz Khurmatu" tagged PERSON in two paragraphs)."""
            own = {ent.text.lower()} if ent.label_ == "PERSON" and len(ent) > 1 and ent[-1].lower_ == span[-1].lower_ \
                else set()
            return bool(full_names.get(span[-1].lower_, set()) - own)
        # A place-labelled name ending in a surname of the story's people is a person too ("Helen Kunz"
        # beside "Randy Kunz") unless the gazetteer knows the whole name; the given names of people are
        # not places on their own ("Helen" beside "Helen Kunz", a village in Georgia).

        def surname(e: Span) -> str:
            return (e[-2] if len(e) > 2 and e[-1].lower_ in ("'s", "’s") else e[-1]).lower_  # "Helen Kunz's"
        people = {e for e in doc.ents if len(e) > 1 and (e.label_ == "PERSON" or (
            e.label_ in self.labels and firsts.get(surname(e), set()) - {e[0].lower_} and e[0].is_title
            and not self.gazetteer.candidates(e.text, fold=False)[0]))}
        given = {e[0].lower_ for e in people}
        toponyms: list[tuple[Span, str]] = []
        demonyms: list[Span] = []
        accepted_ends: set[int] = set()
        named_ends: set[int] = set()  # ends of places named by a place noun ("the village of X")
        # names a title precedes somewhere in the story ("President Saakashvili"), unless a country's or a
        # state's own name: people too
        titled = {t.nbor().lower_ for t in doc[:-1] if t.lower_.rstrip(".") in _OFFICES and t.nbor().is_title}
        titled = {w for w in titled if not self._polity(w)}
        for ent in _split_joined(doc.ents, self.labels):
            span = self._trim(ent)
            if _names_a_weapon(span) and not (self._prominent(span) or span.text.replace(".", "").isupper()
                                              or self.gazetteer.demonym(span.text) is not None):
                continue  # "14 Katyusha rockets", "Grad missiles": a weapon's make ("U.S. drones": the country's)
            if ent.label_ in self.labels:
                core = span[:-1] if len(span) == 2 and span[-1].lower_ in ("'s", "’s") else span  # "Pawlenty's"
                if len(core) == 1 and (core[0].lower_ in surnames or core[0].lower_ in titled or (
                        core[0].lower_ in given and not self._known(core, 100_000))):
                    continue  # a person named like a place
                if ent.label_ != "PERSON" and ent in people:
                    continue  # "Helen Kunz", tagged LOC
                if self.gazetteer.demonym(span.text) is not None and not self.gazetteer.candidates(span.text, fold=False)[0]:
                    demonyms.append(span)  # "Sri Lankan" tagged GPE: a people's adjective, not a fold of a town's name
                    continue
                toponyms.append((span, ent.label_))
                accepted_ends.add(span.end)
            elif ent.label_ == "NORP" and (self.gazetteer.demonym(span.text) is not None or not _capitalised(span[0])
                                           or not (self._rescued(span, accepted_ends, named_ends)
                                                   or self._placed_by_context(span))):
                demonyms.append(span)  # "Kisangani" or "near Sindian" tagged NORP go on to be places
            elif ent.label_ in (*self.rescue_labels, "NORP", "LANGUAGE") and _capitalised(span[0]) \
                    and not someone_elses_surname(ent, span) and span[-1].lower_ not in given \
                    and (self._rescued(span, accepted_ends, named_ends)
                         or (ent.label_ in _MISLABELLED | {"EVENT"} and self._placed_by_context(span))):
                toponyms.append((span, "LOC"))
                accepted_ends.add(span.end)
                named_ends.add(span.end)
        embedded, adjectives = self._embedded(doc, surnames, {normalize_name(s.text) for s, _ in toponyms})
        toponyms += embedded
        demonyms += adjectives
        toponyms += self._untagged(doc, accepted_ends, named_ends)
        toponyms += self._datelines(doc, toponyms)
        toponyms += self._repeated(doc, toponyms, surnames | given)
        toponyms = self._conjoined(doc, toponyms)
        demonym_entries = [(s, self.gazetteer.demonym(s.text)) for s in demonyms]
        named = [e for e in (self._naming(s.text) or self._naming_head(s) for s, _ in toponyms) if e is not None]
        context = {e.country_code for e in named} | {f"{e.country_code}.{e.admin1}" for e in named if e.admin1}
        context |= {e.country_code for _, e in demonym_entries if e is not None}
        context |= self._one_country((s for s, _ in toponyms if s[0].ent_type_ == "GPE"), context)
        hints = doc._.hints or {}
        dateline_end = int(hints.get("dateline_end") or 0)
        for name in [hints.get("dateline_place"), *hints.get("place_hints", ())]:
            found = self.gazetteer.resolve(name) if name else None
            if found and found[1] >= 0.5:  # the provider's own places say where the story is
                context.add(found[0].country_code)
                if found[0].admin1:
                    context.add(f"{found[0].country_code}.{found[0].admin1}")
        state = _STATE_CODE.search(hints.get("dateline_text") or "")
        division = self.gazetteer.division("US", state.group(1)) if state else None
        if division is not None:  # "MYRTLE BEACH, SC (WXYZ) -": US local stations write the postal code
            context |= {"US", f"US.{division.admin1}"}
        dateline_place = hints.get("dateline_place")
        if dateline_place and dateline_end:
            at = doc.text[:dateline_end].lower().find(dateline_place.lower())
            span = doc.char_span(at, at + len(dateline_place), alignment_mode="expand") if at >= 0 else None
            if span is not None and not any(s.start < span.end and span.start < s.end and not
                                            (span.start <= s.start and s.end <= span.end and s != span)
                                            for s, _ in toponyms):
                # "BAGHDAD (AP) —": capitals the model does not tag, or cuts ("ST" + "LOUIS")
                toponyms = [(s, label) for s, label in toponyms if not (span.start <= s.start and s.end <= span.end)]
                toponyms.append((span, "GPE"))
        containers = self._containers(doc, toponyms)
        mentions = []
        for span, label in sorted(toponyms, key=lambda x: x[0].start_char):
            in_dateline = span.end_char <= dateline_end
            name = dateline_place if in_dateline and dateline_place and span.text.lower() == dateline_place.lower() \
                else span.text
            container = containers.get(span.start)
            name = _POSSESSIVE.sub("", name)
            core = span[:-1] if len(span) > 1 and span[-1].lower_ in ("'s", "’s") else span  # "Southern X's"
            resolved = (self.gazetteer.resolve_within(name, container) if container else None) \
                or self.gazetteer.resolve(name, context) or self._resolve_head(core, context) \
                or self._resolve_tail(core, context)
            entry, confidence = resolved if resolved else (None, 0.0)
            if label == "LOC" and entry is not None and entry.feature in ("PPL", "ADM1") \
                    and entry.population < self.loc_min_population \
                    and not (entry.feature == "PPL" and entry.country_code in context):
                # a region or sea named like a village abroad ("Middle East", Maryland, in a story about Iraq);
                # a village in the story's own country stays ("New Quay" in a story naming Ceredigion). Towns
                # only: a tiny division's own name put its country in the context ("Valley", Anguilla).
                entry, confidence = None, 0.0
            if entry is not None and entry.feature == "PPL" and _all_generic(span):
                entry, confidence = None, 0.0  # "the Valley", "the West": a common word, not a town
            role = "dateline" if in_dateline else "mentioned"
            mentions.append(PlaceMention(span.text, span.start_char, span.end_char, label, entry, confidence, role=role))
        fixed = {s.start_char for s, _ in toponyms if s.start in containers}
        mentions = self._by_proximity(mentions, context, fixed=fixed)
        mentions = self._coherent(mentions, context, fixed=fixed,
                                  peoples=[e.country_code for _, e in demonym_entries if e is not None])
        mentions = self._by_division(mentions, fixed=fixed)
        mentions = self._strays(mentions, context, doc.text)
        mentions = _localise(mentions, doc.text)
        named_as = {}
        for m in mentions:
            if m.entry is not None and m.kind == "toponym":
                named_as.setdefault(normalize_name(_POSSESSIVE.sub("", m.text)), m.entry)
        for span, entry in demonym_entries:
            # "South Ossetian", "Georgian": the place the story itself names by the adjective's stem, else the
            # country or division so named
            base = _demonym_base(span.text)
            entry = named_as.get(base) or entry or self._polity_entry(base)
            if entry is not None:
                mentions.append(PlaceMention(span.text, span.start_char, span.end_char, "NORP", entry, 0.9, "demonym"))
        doc._.places = sorted(mentions, key=lambda m: m.start)
        return doc

    def _datelines(self, doc: Doc, toponyms: list[tuple[Span, str]]) -> list[tuple[Span, str]]:
        """A dateline inside the text, after a headline ("… blaze. TORRINGTON — A fire …"): a capitalised
        name the gazetteer knows, opening a sentence and followed by a dash, is a place."""
        taken = {i for span, _ in toponyms for i in range(span.start, span.end)}
        out = []
        for match in _BODY_DATELINE.finditer(doc.text):
            span = doc.char_span(*match.span(1), alignment_mode="contract")
            if span is None or taken.intersection(range(span.start, span.end)) or _all_generic(span):
                continue
            if self.gazetteer.candidates(span.text.title(), fold=False)[0]:
                out.append((span, "GPE"))
        return out

    def _repeated(self, doc: Doc, toponyms: list[tuple[Span, str]], names: set[str]) -> list[tuple[Span, str]]:
        """One sense per story: a name the story uses as a place, and the gazetteer knows, is a place where it
        recurs as a whole entity of another label ("Gainesville" tagged PERSON, "Torrington" ORG) or untagged
        and capitalised — unless it is a name of the story's people or a title precedes it ("Mr. Paris")."""
        known = {}
        for span, _ in toponyms:
            key = normalize_name(span.text)
            if key and key not in known and span[-1].lower_ not in names and not span.text.isupper() \
                    and not _all_generic(span) and self.gazetteer.candidates(span.text, fold=False)[0]:
                known[key] = len(span)
        if not known:
            return []
        taken = set()
        for span, _ in toponyms:
            taken.update(range(span.start, span.end))
        out = []
        for i, tok in enumerate(doc):
            if i in taken or not (tok.is_title or tok.is_upper) or tok.is_punct:
                continue
            for n in set(known.values()):
                span = doc[i:i + n]
                if len(span) != n or normalize_name(span.text) not in known or taken.intersection(range(i, i + n)):
                    continue
                ent = next((e for e in doc.ents if e.start <= i < e.end), None)
                if ent is not None and (ent.start != span.start or ent.end != span.end):
                    continue  # part of a longer name: "Torrington Fire Department"
                if ent is None and any(t.pos_ != "PROPN" for t in span):
                    continue  # "No" in "Yes or No"
                if i > 0 and doc[i - 1].lower_.rstrip(".") in _TITLES:
                    continue
                out.append((span, "GPE"))
                taken.update(range(i, i + n))
                break
        return out

    def _conjoined(self, doc: Doc, toponyms: list[tuple[Span, str]]) -> list[tuple[Span, str]]:
        """A country named "X and Y" that the model cut after X ("Trinidad and Tobago", "Bosnia and
        Herzegovina", "Antigua and Barbuda"): the span grows to the whole name, and a separate span for Y
        (if the model tagged one) goes."""
        out: list[tuple[Span, str]] = []
        drop: set[int] = set()
        for span, label in toponyms:
            if span.end < len(doc) and doc[span.end].lower_ == "and":
                for end in range(min(len(doc), span.end + 5), span.end + 1, -1):
                    whole = doc[span.start:end]
                    found, _ = self.gazetteer.candidates(whole.text, fold=False)
                    if found and found[0].feature == "PCLI" and normalize_name(found[0].name) == normalize_name(whole.text):
                        drop |= {s.start for s, _ in toponyms if span.end < s.start < end}
                        span = whole
                        break
            out.append((span, label))
        return [(s, label) for s, label in out if s.start not in drop]

    def _containers(self, doc: Doc, toponyms: list[tuple[Span, str]]) -> dict[int, GeoEntry]:
        """"X, Y" where Y is a country or first-level division: X's start token → Y's entry."""
        by_start = {s.start: s for s, _ in toponyms}
        out = {}
        for span, _ in toponyms:
            if span.end + 1 < len(doc) and doc[span.end].text == "," and span.end + 1 in by_start:
                found, _ = self.gazetteer.candidates(by_start[span.end + 1].text, fold=False)
                if found and found[0].feature in ("PCLI", "ADM1"):
                    out[span.start] = found[0]
        return out

    def _by_proximity(self, mentions: list[PlaceMention], context: set[str], fixed: set[int]) -> list[PlaceMention]:
        """Second pass: an unsure point place is resolved again, favouring candidates near the story's
        sure ones ("London" in a story about Ontario towns)."""
        sure = [m for m in mentions if m.entry is not None and m.confidence >= _SURE and not m.entry.is_area
                and m.entry.lat is not None]
        if not sure:
            return mentions
        out = []
        for m in mentions:
            if m.entry is not None and m.entry.feature in ("PPL", "ADM2") and m.confidence < _SURE \
                    and m.start not in fixed:
                near = [(s.entry.lat, s.entry.lon) for s in sure if s.entry.geonameid != m.entry.geonameid
                        and normalize_name(s.text) != normalize_name(m.text)]
                name = _POSSESSIVE.sub("", m.text)
                if not self.gazetteer.candidates(name)[0]:
                    name = m.entry.name  # located by the place leading it: "Pike County Republicans"
                again = self.gazetteer.resolve(name, context, near) if near else None
                if again is not None and again[0].geonameid != m.entry.geonameid:
                    m = replace(m, entry=again[0], confidence=again[1])
            out.append(m)
        return out

    def _coherent(self, mentions: list[PlaceMention], context: set[str], fixed: set[int],
                  peoples: Sequence[str] = ()) -> list[PlaceMention]:
        """Same-named towns resolved as a set: each reading of a town's or county's name gains for every other
        name of the story with a reading near it (a town within :data:`_NEAR_KM`, fading to nothing at
        :data:`_FAR_KM`, or a first-level division containing it), so "Paris" beside Tyler and Texas is Paris,
        Texas, and "Columbus", "Norfolk" and "Platte County" together are Nebraska's. A name's readings are
        those scoring within :data:`_PLAUSIBLE` of its best, and its first-level divisions."""
        # the countries of the story's sure towns count as named ("a Dallas hospital": the story is American)
        # and so do those of its counties, however many countries have one so named ("Henderson County" is
        # American wherever it is)
        context = context | {m.entry.country_code for m in mentions if m.entry is not None and m.kind == "toponym"
                             and (m.entry.feature == "PPL" and m.confidence >= _VERY_SURE
                                  or m.entry.feature == "ADM2" and m.confidence >= 0.5)}
        readings: dict[str, list[tuple[float, GeoEntry]]] = {}
        for m in mentions:
            if m.entry is None or m.kind != "toponym":
                continue
            key = normalize_name(_POSSESSIVE.sub("", m.text))
            if key in readings:
                continue
            scored = self.gazetteer.scored(_POSSESSIVE.sub("", m.text), context)
            if not scored or all(e.geonameid != m.entry.geonameid for _, e in scored):
                continue  # located by another name ("Pike County Sheriff"): that name speaks for it
            # towns of that very name, not towns once called so ("Paris" is not Swainsboro); divisions keep their
            # alternate names ("Cheshire" for Cheshire East)
            same = {e.geonameid for _, e in scored if e.feature == "PPL" and _same_name(e.name, key)}
            if same:
                scored = [(sc, e) for sc, e in scored if e.feature != "PPL" or e.geonameid in same]
            top = scored[0][0]
            readings[key] = [(sc, e) for sc, e in scored[:_READINGS] if sc >= top - _PLAUSIBLE or (
                e.feature == "ADM1" and normalize_name(e.name) == key)]
        if len(readings) < 2:
            return mentions
        chosen: dict[str, tuple[GeoEntry, float]] = {}
        # Twice: first each other name speaks through all its readings, then through the one it was given
        # (a "Henderson County" of Texas speaks for Athens, Texas, not for an Athens near another state's)
        for settled in (False, True):
            given = dict(chosen)
            for key, options in readings.items():
                if len(options) < 2 or not any(e.feature in ("PPL", "ADM2") for _, e in options):
                    continue
                others = [[given[k][0]] if settled and k in given else [e for _, e in opts]
                          for k, opts in readings.items() if k != key]
                rescored = sorted(((sc + min(_COHERENCE_MAX, _COHERENCE * sum(_support(e, o, context) for o in others)),
                                    e) for sc, e in options), key=lambda x: x[0], reverse=True)
                margin = rescored[0][0] - rescored[1][0]
                chosen[key] = rescored[0][1], round(min(0.95, 0.55 + margin), 3)
        # A country named like a town of the story's own country ("Palestine", "Lebanon" in a Texas or Ohio
        # story) is the town when no other name of the story lies in that country (and no adjective names its
        # people) while the town has a neighbour among the story's places as resolved.
        abroad = set(peoples) | {e.country_code for opts in readings.values() for _, e in opts if e.feature != "PCLI"}
        for key, options in readings.items():
            country = options[0][1]
            if country.feature != "PCLI" or country.country_code in abroad or key in chosen:
                continue
            towns = [e for _, e in self.gazetteer.scored(key, context)
                     if e.feature == "PPL" and normalize_name(e.name) == key and e.country_code in context]
            # the other names as now resolved, not all their readings (a "Washington" is near every town)
            others = [[chosen[k][0] if k in chosen else opts[0][1]] for k, opts in readings.items() if k != key]
            backed = [(sum(_support(t, o, context) for o in others), t) for t in towns[:_READINGS]]
            backed = [(b, t) for b, t in backed if b >= 1.0]
            if backed:
                chosen[key] = max(backed, key=lambda x: x[0])[1], 0.6
        out = []
        for m in mentions:
            key = normalize_name(_POSSESSIVE.sub("", m.text))
            if m.entry is not None and m.kind == "toponym" and m.start not in fixed and key in chosen \
                    and m.entry.feature in ("PPL", "ADM2", "PCLI") and chosen[key][0].feature in ("PPL", "ADM2"):
                m = replace(m, entry=chosen[key][0], confidence=chosen[key][1])
            out.append(m)
        return out

    @staticmethod
    def _strays(mentions: list[PlaceMention], context: set[str], text: str) -> list[PlaceMention]:
        """A name met only as a village (fewer than :data:`_STRAY_POPULATION` people) in a country the story
        neither names nor places anything else in, while it names others, is not a place: a word or a name
        that a hamlet abroad shares ("Titan" in a Texas story) — unless a place preposition or a place noun
        leads it ("in X", "near X", "the village of X"): then it is a place, if not that village (one the
        gazetteer lacks shares its name)."""
        named = {c for c in context if len(c) == 2}
        if not named:
            return mentions
        by_country = Counter(cc for _, cc in dict.fromkeys((normalize_name(m.text), m.entry.country_code)
                                                           for m in mentions if m.entry is not None))
        return [m for m in mentions if not (
            m.kind == "toponym" and m.role != "dateline" and m.entry is not None and m.entry.feature == "PPL"
            and m.entry.population < _STRAY_POPULATION and m.entry.country_code not in named
            and by_country[m.entry.country_code] == 1
            and _PLACE_PREPOSITION.search(text, max(0, m.start - 16), m.start) is None
            and _PLACE_NOUN_OF.search(text, max(0, m.start - 24), m.start) is None)]

    def _by_division(self, mentions: list[PlaceMention], fixed: set[int]) -> list[PlaceMention]:
        """A name shared by a first-level division and a place elsewhere means the division when the
        story's other sure towns or counties lie in it and none in the place's own division: "Washington" beside
        Seattle and Tacoma is the state, not the capital; "Georgia" beside Atlanta or Clayton County the state,
        not the country."""
        sure = [(normalize_name(m.text), f"{m.entry.country_code}.{m.entry.admin1}") for m in mentions
                if m.entry is not None and m.entry.feature in ("PPL", "ADM2") and m.confidence >= _SURE
                and m.entry.admin1]
        if not sure:
            return mentions
        out = []
        for m in mentions:
            if m.entry is not None and m.entry.feature in ("PPL", "PCLI") and m.start not in fixed:
                name = _POSSESSIVE.sub("", m.text)
                if m.entry.feature == "PCLI" and not self.gazetteer.candidates(name, fold=False)[0]:
                    name = m.entry.name  # "Northeast Georgia", located by its tail: as "Georgia" is
                named = normalize_name(name)
                divisions = {d for text, d in sure if text != named}
                if f"{m.entry.country_code}.{m.entry.admin1}" not in divisions:
                    found, _ = self.gazetteer.candidates(name, fold=False)
                    division = next((e for e in found if e.feature == "ADM1" and normalize_name(e.name) == named
                                     and f"{e.country_code}.{e.admin1}" in divisions), None)
                    if division is not None:
                        m = replace(m, entry=division, confidence=max(m.confidence, _SURE))
            out.append(m)
        return out

    def _resolve_head(self, span: Span, context: set[str]) -> tuple[GeoEntry, float] | None:
        """A name the gazetteer lacks that starts with one it knows well: "Manila Cathedral", "Mississippi
        State", "Birmingham City" are located by their leading place, with less confidence."""
        if span[-1].lower_.strip(".") in _STREET_NOUNS:
            return None  # "Hampton Avenue", "Atlantic Avenue" are named after places elsewhere (see _localise)
        for n in range(len(span) - 1, 0, -1):
            head = span[:n]
            if head[-1].is_punct or not self._known(head, 100_000):
                continue
            found = self.gazetteer.resolve(head.text, context)
            if found:
                return found[0], round(found[1] * 0.6, 3)
        return None

    def _resolve_tail(self, span: Span, context: set[str]) -> tuple[GeoEntry, float] | None:
        """A name the gazetteer lacks that ends with a country or division it knows ("South Venezuela",
        "West Wales", "Building Ireland"), a city of a million ("British Embassy Tokyo"), or a big town after
        compass words ("north west London"),
        is located by that place, with less confidence."""
        for n in range(1, len(span)):
            tail, prefix = span[n:], span[:n]
            if tail[0].is_punct or not self._known(tail, 100_000):
                continue
            found = self.gazetteer.resolve(tail.text, context)
            directional = _all_generic(prefix)
            # Only a country or division, or a town after compass words: "Nile Delta" is not Delta, B.C.
            if found and (directional or found[0].feature in ("PCLI", "ADM1", "CONT")
                          or found[0].population >= 1_000_000):  # "British Embassy Tokyo"
                return found[0], round(found[1] * 0.6, 3)
        return None

    def _one_country(self, spans, context: set[str]) -> set[str]:
        """The countries of the names whose every town, county or division is in one country ("Henry County",
        "Cuyahoga Falls" are all American): the story is probably there. Beside the countries of ``context``, a
        country needs two such names."""
        names: dict[str, set[str]] = {}
        for span in spans:
            found, _ = self.gazetteer.candidates(span.text, fold=False)
            if found and not span.text.isupper() and all(e.feature in ("PPL", "ADM1", "ADM2") for e in found) \
                    and len({e.country_code for e in found}) == 1:
                names.setdefault(found[0].country_code, set()).add(normalize_name(span.text))
        # beside a country the story names, two such names at least: one may be a place the gazetteer lacks
        # ("Yorkshire" is only American there) in a story naming the UK
        least = 2 if any(len(c) == 2 for c in context) else 1
        return {cc for cc, n in names.items() if len(n) >= least}

    def _polity_entry(self, name: str) -> GeoEntry | None:
        """The country or first-level division named ``name`` by its own name, or ``None``."""
        if not name:
            return None
        found, _ = self.gazetteer.candidates(name, fold=False)
        return next((e for e in found if e.feature in ("PCLI", "ADM1") and normalize_name(e.name) == name), None)

    def _polity(self, word: str) -> bool:
        """Whether ``word`` is, by its own name, a country or a first-level division ("Egypt", "Texas")."""
        found, _ = self.gazetteer.candidates(word, fold=False)
        return any(e.feature in ("PCLI", "ADM1") and normalize_name(e.name) == normalize_name(word) for e in found)

    def _known(self, span: Span, min_population: int) -> bool:
        """An exact (unfolded) gazetteer match: a country, continent, state, or a place this big."""
        if _all_generic(span):
            return False
        found, _ = self.gazetteer.candidates(span.text, fold=False)
        if found and found[0].feature == "ADM2" and span[-1].lower_ in _DIVISION_NOUNS:
            return True  # "Pike County" leading "Pike County Sheriff", however small the county
        return bool(found) and (found[0].feature not in ("PPL", "ADM2") or found[0].population >= min_population)

    def _embedded(self, doc: Doc, surnames: set[str], story: set[str]) -> tuple[list[tuple[Span, str]], list[Span]]:
        """Places inside an organisation's or facility's name: leading it ("U.S. Army", "Kenya Airways"), after
        compass words ("Northeast Georgia Medical Center") or after "of" ("University of Georgia"), when the
        gazetteer knows them well or the story names them as places elsewhere ("Litchfield Superior Court"
        beside "in Litchfield"); and a people's adjective leading it ("American Legion"), a demonym."""
        out: list[tuple[Span, str]] = []
        adjectives: list[Span] = []

        def place(head: Span) -> bool:
            return (head[0].is_title or head[0].is_upper) and not head[0].is_stop and head[-1].lower_ not in surnames \
                and (self._known(head, 100_000) or (normalize_name(head.text) in story and not _all_generic(head)
                                                    and bool(self.gazetteer.candidates(head.text, fold=False)[0])))

        for ent in doc.ents:
            if ent.label_ not in self.embedding_labels or len(ent) < 2:
                continue
            span = self._trim(ent)
            if self.gazetteer.demonym(span[0].text) is not None and not self.gazetteer.candidates(
                    span[0].text, fold=False)[0]:
                adjectives.append(span[:1])
                continue
            starts = [0]
            while starts[-1] < len(span) - 1 and span[starts[-1]].lower_ in _COMPASS:
                starts.append(starts[-1] + 1)  # "Northeast Georgia Medical Center"
            starts = starts[-1:] + [k + 1 for k in range(len(span) - 1) if span[k].lower_ == "of"]
            for at in starts:
                for n in (3, 2, 1):
                    head = span[at:at + n]
                    if len(head) == n and (at > 0 or len(head) < len(span)) and place(head):
                        out.append((head, "GPE"))
                        break
        return out, adjectives

    def _rescued(self, span: Span, accepted_ends: set[int], named_ends: set[int]) -> bool:
        """A mislabelled entity is a place when named as one ("the towns of X", "X province") or, after a
        place cue, when the gazetteer knows it as a sizeable place. Never a month or weekday ("in March")."""
        if span.text.lower() in _CALENDAR:
            return False
        if self._named(span, named_ends) or self._noun_after(span) or _ends_in_place_noun(span):
            return True
        facility = (span.end < len(span.doc) and span.doc[span.end].lower_ in _FACILITIES_AFTER
                    and span[0].ent_type_ != "PERSON")  # "Kennedy airport" is named after a person
        return (self._cued(span, accepted_ends) or facility) and self._rescuable(span)

    def _taken(self, span: Span) -> bool:
        """The object of a verb of entering, holding or striking a place ("rebels overran Rutshuru", "troops
        patrolled Bayana") that the gazetteer knows by its own name, however small: the verb says it is a
        place, the gazetteer which one."""
        if not _object_of(span, _TAKEN) or span.text.lower() in _CALENDAR or _all_generic(span) or len(span) > 3:
            return False
        return self._known_by_name(span)

    def _prominent(self, span: Span) -> bool:
        """A name the gazetteer knows exactly as a country, a first-level division or a big city
        (``prominent_population``) is that place whatever label the model gave it, or none ("patrolled
        Harare", "in northeastern Aleppo", "hit Aleppo", "captured Kisangani"), unless it is someone's name:
        a title before it ("President Jackson"), a name after it, a possessive person noun ("Jordan's coach")."""
        if len(span) > 3 or span.text.lower() in _CALENDAR or _all_generic(span):
            return False
        label = span[0].ent_type_
        if self._someones_name(span):
            return False
        if label in ("LANGUAGE", "NORP") and self.gazetteer.demonym(span.text) is not None:
            return False  # "English", "Kurdish": a language or people, not the country
        found, _ = self.gazetteer.candidates(span.text, fold=False)
        if not found:
            return False
        top = found[0]  # by its own name, not an old or foreign one ("Julia" for Plovdiv)
        if not label and not (top.is_country or top.feature.startswith("PPL")):
            return False  # untagged, a division's name is too often a common word: "Southern", "Central"
        return fold_name(top.name) == fold_name(span.text) and (
            top.is_country or top.population >= self.prominent_population)

    def _noun_after(self, span: Span) -> bool:
        """Followed by a place noun: "Anbar province", "Idlib countryside", "Rawa town"; or by "area" when the
        gazetteer knows the name ("the Vedeno area", not "the Sikh area")."""
        doc = span.doc
        if span.end >= len(doc):
            return False
        noun = _singular(doc[span.end].lower_)
        if noun == "area":
            return self._known_by_name(span)
        return noun in _PLACE_NOUNS_AFTER

    @staticmethod
    def _named(span: Span, named_ends: set[int]) -> bool:
        """Introduced by a place noun ("the village of Tel Amir", "towns of Sarin and Jabla"), or
        coordinated with such a name: a place even when the gazetteer does not know it."""
        doc, at = span.doc, span.start
        if at >= 2 and doc[at - 1].lower_ == "of" and _singular(doc[at - 2].lower_) in _PLACE_NOUNS:
            return True
        if _apposed_place_noun(span):
            return True
        return at >= 1 and doc[at - 1].lower_ in _COORD and (at - 1) in named_ends

    def _untagged(self, doc: Doc, accepted_ends: set[int], named_ends: set[int]) -> list[tuple[Span, str]]:
        """Capitalised words outside any entity, after a place cue, known exactly as a sizeable place
        (or named as a place by a place noun)."""
        out, i = [], 0
        while i < len(doc):
            tok = doc[i]
            if tok.ent_type_ or not (_capitalised(tok) and tok.pos_ == "PROPN") or i == 0 or tok.is_sent_start:
                i += 1
                continue
            j = i
            while j < len(doc) and j - i < 3 and not doc[j].ent_type_ and _capitalised(doc[j]) and doc[j].pos_ == "PROPN":
                j += 1
            span = doc[i:j]
            if self._rescued(span, accepted_ends, named_ends) or self._placed_by_context(span) or (
                    span.text.lower() not in _CALENDAR and self._cued(span, accepted_ends)
                    and self._known(span, self.rescue_min_population)):
                out.append((span, "LOC"))
                accepted_ends.add(span.end)
                if self._named(span, named_ends) or self._noun_after(span):
                    named_ends.add(span.end)
            i = j
        return out

    def _naming_head(self, span: Span) -> GeoEntry | None:
        """The second-level division a longer name starts with ("Rapides Parish Fire District", "Pike County
        Sheriff's Office"), when it is the only one so named: its country and division are the story's
        context, as the division's own name would make them (see :meth:`_naming`)."""
        for k in range(1, len(span) - 1):
            if span[k].lower_ in _DIVISION_NOUNS:
                found = self._naming(span[:k + 1].text)
                return found if found is not None and found.feature == "ADM2" else None
        return None

    def _naming(self, text: str) -> GeoEntry | None:
        """The country or first-level division ``text`` names (its likeliest entry), or the second-level
        division when it is the only one so named ("Ceredigion", not "Pike County"): its country and
        division are the story's context."""
        found, _ = self.gazetteer.candidates(text, fold=False)
        if found and found[0].feature in ("PCLI", "ADM1"):
            return found[0]
        counties = [e for e in found if e.feature == "ADM2"]
        return counties[0] if len(counties) == 1 and found[0] is counties[0] else None


@Language.factory(
    "wirewatch_places",
    default_config={
        "labels": ["GPE", "LOC", "FAC"],
        "rescue_labels": ["PERSON", "ORG", "DATE", "PRODUCT", "WORK_OF_ART", "EVENT"],
        "rescue_min_population": 10000,
        "loc_min_population": 10000,
        "gazetteer_min_population": 500,
    },
    requires=["doc.ents"],
    assigns=["doc._.places"],
)
def make_place_resolver(nlp: Language, name: str, labels: list[str], rescue_labels: list[str],
                        rescue_min_population: int, loc_min_population: int,
                        gazetteer_min_population: int) -> PlaceResolver:
    if not Doc.has_extension("places"):
        Doc.set_extension("places", default=None)
    if not Doc.has_extension("hints"):
        Doc.set_extension("hints", default=None)  # {"dateline_place", "dateline_text", "dateline_end", "place_hints"}
    return PlaceResolver(name, default_gazetteer(gazetteer_min_population), labels, rescue_labels,
                         rescue_min_population, loc_min_population)
