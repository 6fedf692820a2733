"""Where an event mention sits in the story's discourse, read off the parse (used by ``wirewatch_events``).

A story reports a few events and then tells more about them: the toll ("five people were killed"), an
eyewitness' words, "the blast shattered …". And it recalls what happened before: "the conflict has
killed tens of thousands", "fighting had forced …", "over more than a year", "since 2021". Neither is a
new event. Two signals, both grammatical rather than lexical:

* **background** — the event's verb is in the pluperfect, or in the present perfect outside the lead
  (a British-style lead, "a bomb has killed 12", is news), or it carries a durative or anaphoric time
  adverbial (``since …``; ``over/for/during/throughout`` + years, months, decades; ``during the year``; ``that year``,
  ``later that month``; ``during the war``): the mention becomes ``past``.
* **elaboration** — the mention refers back to an event already told: its trigger is a definite noun
  phrase ("the grenade", "the two raids"); or it states only an outcome (killed, wounded, died, detained)
  with no perpetrator as subject, or with a definite event noun as subject ("the explosion killed …");
  or its passive subject is a pronoun ("he was beaten"); or its subject is someone already introduced,
  a definite individual or band ("the woman … detonated explosives", "the gunmen …"), and an event of
  the same kind has been told; or it is a fire or collapse the event set off ("…, setting off a fire");
  or it tells damage in the passive with no doer ("two vehicles were destroyed"), after a violent event;
  or it stands inside a direct quotation
  (threats excepted: those are often quoted). Such a mention is
  folded into the story's previous happening event (which keeps the larger death toll) — unless there
  is none, then it is the story's first telling and stays.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from typing import Any, Callable, Collection, Sequence

from spacy.tokens import Span, Token

from ..core import HAPPENING
from ..events import EVENT_TYPES, MODALITY_VERBS, forms, lemma_of
from ._place_link import governor

__all__ = ["OUTCOME_FORMS", "VIOLENT_FAMILIES", "TOLL_FREE", "background", "division", "elaboration", "family",
           "fold_elaborations", "merge_retellings", "refine_places"]

_OUTCOME = {"kill", "injure", "wound", "die", "dead", "hurt", "death", "casualty", "toll", "detain", "arrest",
            "fatality", "maim", "abduct", "kidnap", "rescue", "free", "release"}
_DEFINITE = {"the", "this", "that", "these", "those"}
# Types that kill no one: they carry no death toll, and a toll told after them is not their outcome.
TOLL_FREE = frozenset({"agreement", "diplomatic_event", "election", "threaten", "peaceful_protest", "arrests",
                       "change_to_group_activity", "other"})
_TOLL_FORMS = frozenset(f for w in ("kill", "injure", "wound", "die", "dead", "hurt", "death", "casualty", "toll",
                                    "fatality", "maim") for f in forms(w))
_PRONOUNS = {"he", "she", "they", "it", "him", "her", "them"}
_DURATIVE = {"over", "for", "during", "throughout"}
_SPAN_UNITS = {"year", "month", "decade", "week"}
_SPAN_MODIFIERS = {"more", "than", "past", "last", "several", "many"}
# Periods named by what filled them: "during the war", "throughout the 1975-1990 civil war".
_PERIODS = {"war", "conflict", "occupation", "insurgency", "uprising", "revolution"}
_OPEN, _CLOSE = "“‘", "”’"
_PEOPLE = {"man", "woman", "gunman", "militant", "soldier", "police", "attacker", "fighter", "rebel", "troop",
           "force", "army", "group", "mob", "crowd", "assailant", "officer", "member", "suspect", "insurgent"}


_PEOPLE_FORMS = frozenset(f for w in _PEOPLE for f in forms(w)) | {"men", "women", "police"}
# People told of as individuals or a band — not institutions ("the army said", "the police arrested"), whose
# definite article names the institution rather than pointing back at someone already in the story.
_INDIVIDUALS = frozenset(f for w in ("man", "woman", "boy", "girl", "gunman", "attacker", "assailant", "bomber",
                                     "shooter", "suspect", "militant", "fighter", "rebel", "insurgent", "raider",
                                     "kidnapper", "abductor", "mob", "crowd", "driver") for f in forms(w)) | {
    "men", "women", "gunmen"}
_CAUSE = {"set", "spark", "cause", "trigger", "start", "ignite", "touch"}  # "…, setting off a fire"
_FAMILY = {t.id: t.acled_event_type or t.id for t in EVENT_TYPES}
#: The ACLED event types of violence: battles, explosions/remote violence, violence against civilians, riots.
VIOLENT_FAMILIES = frozenset(_FAMILY[t] for t in ("armed_clash", "air_drone_strike", "attack", "violent_demonstration"))


def family(event_type: str) -> str:
    """The ACLED event type an event type belongs to (a type outside ACLED, ``none`` included: itself)."""
    return _FAMILY.get(event_type, event_type)


OUTCOME_FORMS = frozenset(f for w in _OUTCOME for f in forms(w))  # the words that state only a toll or a detention
# what a device, a shell or a blast does — "it" as their subject is the thing already told of
_THING_VERBS = frozenset(f for w in ("explode", "go", "detonate", "blow", "hit", "strike", "land", "slam", "tear",
                                     "rip", "collapse") for f in forms(w)) | {"went", "gone", "blew", "struck", "tore"}
_DAMAGE_FORMS = frozenset(f for w in ("destroy", "damage", "burn", "torch", "raze", "loot", "wreck", "flatten",
                                       "gut", "ransack", "set") for f in forms(w)) | {"burnt"}
_SPAN_FORMS = frozenset(f for w in _SPAN_UNITS for f in forms(w))
_PLURAL_SPANS = frozenset(w + "s" for w in _SPAN_UNITS)


def _have_aux(verb: Token) -> str | None:
    for child in verb.children:
        if child.dep_ == "aux" and child.lower_ in ("have", "has", "had", "'ve", "'d"):
            return "pluperfect" if child.lower_ in ("had", "'d") else "perfect"
    return None


def _time_span(verb: Token) -> bool:
    """A durative or anaphoric time adverbial on the verb."""
    for child in verb.children:
        if child.lower_ == "since" and child.dep_ in ("prep", "advmod"):
            return True  # "since 2021", "since then", "have since joined"
        if child.dep_ == "advmod" and child.lower_ in ("repeatedly", "long"):
            return True  # "have repeatedly closed", "have long accused"
        if child.dep_ == "prep" and child.lower_ in _DURATIVE:  # "over more than a year", "for years"
            for pobj in child.children:
                if pobj.lower_ in ("week", "month") and not any(c.like_num or c.lower_ in ("several", "many", "more")
                                                                for c in pobj.subtree if c.i != pobj.i):
                    continue  # "over the past month": within the news, not before it
                if pobj.dep_ == "pobj" and pobj.lower_ in _SPAN_FORMS and (
                        pobj.lower_ in _PLURAL_SPANS or child.lower_ in ("during", "throughout") or
                        any(c.lower_ in _SPAN_MODIFIERS or c.like_num for c in pobj.subtree if c.i != pobj.i)):
                    return True
        if child.dep_ == "prep" and child.lower_ in ("during", "throughout") and any(
                pobj.dep_ == "pobj" and pobj.lower_ in _PERIODS for pobj in child.children):
            return True  # "fired rockets from Lebanon during the war": the war's events, told as background
        if child.dep_ in ("npadvmod", "advmod") and child.lower_ in _SPAN_FORMS and \
                any(c.lower_ in ("that", "same") for c in child.children):
            return True  # "later that year", "that month"
    return False


def background(tok: Token, sent: Span, trigger_start_char: int, lead: bool) -> bool:
    """The mention recalls what happened before the story's news (see the module's docstring). A past or
    present perfect in reported or quoted speech is the speaker's news, backshifted ("the army said it
    had retaken the town"; "“a base has been established”"), not background."""
    verb = governor(tok)
    if verb.i == tok.i and tok.dep_ in ("nsubj", "nsubjpass"):
        verb = tok.head  # a gerund as subject is a noun: "Fighting … has driven thousands from their homes"
    aspect = _have_aux(verb)
    if aspect is not None and not _reported(verb) and not _quoted(sent, trigger_start_char):
        if aspect == "pluperfect" or not lead:
            return True
    root = sent.root  # a sentence whose main verb is in the pluperfect sets the scene for the news, whatever
    if root.i != verb.i and _have_aux(root) == "pluperfect" and not _quoted(sent, trigger_start_char):
        return True  # word the classifier read it by ("thousands had set out … to protest the election")
    return _time_span(verb)


def _reported(verb: Token) -> bool:
    node = verb
    for _ in range(3):
        if node.dep_ not in ("ccomp", "conj", "xcomp") or node.head is node:
            return False
        node = node.head
        if lemma_of(node.lower_) in MODALITY_VERBS["reported"]:
            return True
    return False


def _quoted(sent: Span, start_char: int) -> bool:
    """The trigger stands inside a direct quotation."""
    before = sent.doc.text[sent.start_char:start_char]
    after = sent.doc.text[start_char:sent.end_char]
    if sum(before.count(c) for c in _OPEN) > sum(before.count(c) for c in _CLOSE) or before.count('"') % 2:
        return True
    # the tail of a quotation opened in an earlier sentence: «… fire everywhere," said a shopkeeper.»
    opened_here = '"' in before or any(c in before for c in _OPEN)
    return not opened_here and (after.count('"') % 2 == 1 or (
        any(c in after for c in _CLOSE) and not any(c in after for c in _OPEN)))


def elaboration(tok: Token, sent: Span, trigger_start_char: int, type_: str) -> str | None:
    """Why the mention tells more about an event already told, or ``None``."""
    if type_ != "threaten" and _quoted(sent, trigger_start_char):
        return "quote"
    if tok.pos_ in ("NOUN", "PROPN") and any(c.dep_ == "det" and c.lower_ in _DEFINITE for c in tok.children) \
            and not _nested(tok):
        return "definite"
    verb = governor(tok)
    if type_ == "man_made_disaster" and tok.dep_ == "dobj" and lemma_of(tok.head.lower_) in _CAUSE:
        return "consequence"  # a fire or collapse the event told set off is part of it, not a disaster of its own
    if tok.pos_ == "NOUN" and any(c.dep_ == "det" and c.lower_ in ("a", "an") for c in tok.children):
        return None  # "… were killed in a gunbattle near Garhi Yasin": an indefinite noun brings a new incident
    actor = verb.head if verb.dep_ == "conj" and not any(c.dep_.startswith("nsubj") for c in verb.children) else verb
    if any(c.dep_ == "nsubj" and c.lower_ in _INDIVIDUALS and any(d.dep_ == "det" and d.lower_ in _DEFINITE
                                                                  for d in c.children) for c in actor.children):
        return "given"  # "the woman … detonated explosives": someone the story has already introduced
    if any(c.dep_ == "nsubjpass" and c.lower_ in _PRONOUNS for c in verb.children) and \
            not any(c.dep_ == "agent" for c in verb.children):
        return "anaphora"  # "he was dragged from his vehicle and beaten": the victim already told of
    if verb.lower_ in _THING_VERBS and any(c.dep_ == "nsubj" and (c.lower_ == "it" or c.pos_ == "NOUN" and not c.ent_type_
                                                                  and any(d.dep_ == "det" and d.lower_ in _DEFINITE
                                                                          for d in c.children))
                                           for c in actor.children):
        return "anaphora"  # "it went off beside a stall", "the device … exploded": the device already told of
    if verb.lower_ in _DAMAGE_FORMS and any(c.dep_ == "nsubjpass" for c in verb.children) and \
            not any(c.dep_ == "agent" for c in verb.children):
        return "damage"  # "two vehicles were destroyed": what the violence told did, by no one named
    if type_ in TOLL_FREE and tok.lower_ in _TOLL_FORMS:
        return None  # "banners with photographs of colleagues killed …" tells no toll of a march
    if tok.lower_ in OUTCOME_FORMS or verb.lower_ in OUTCOME_FORMS:
        # a verb conjoined without a subject shares its head's: "police stopped a van … and arrested the driver"
        subjects = [c for c in actor.children if c.dep_ == "nsubj"]
        if not subjects:
            return "outcome"
        if all(any(d.dep_ == "det" and d.lower_ in _DEFINITE for d in s.children) and s.pos_ == "NOUN"
               and s.ent_type_ == "" and s.lower_ not in _PEOPLE_FORMS for s in subjects):
            return "outcome"
    return None


def _nested(tok: Token) -> bool:
    """The noun hangs off another noun, not off its clause's verb ("according to a relative of two of the
    captives"): a phrase that says who someone is, not what the sentence tells."""
    return tok.dep_ == "pobj" and tok.head.dep_ == "prep" and tok.head.head.pos_ in ("NOUN", "PROPN", "NUM", "PRON")


def _vague(place) -> bool:
    return place is None or place.how in ("dateline", "focus") or place.coarse


def _nowhere_inside(a: Any, b: Any) -> bool:
    return False


def fold_elaborations(events: Sequence, sure: Callable[[Any], bool] = lambda e: True,
                      happening: Collection[str] = HAPPENING,
                      inside: Callable[[Any, Any], bool] = _nowhere_inside) -> list:
    """Fold each elaboration into the event already told, handing it its death toll and, where it had
    only a region, an area or the dateline, the place the elaboration names. Mentions not ``sure`` enough
    to be events of their own are dropped, unless a sure elaboration folds into them: two sentences
    telling one incident make it sure ("missiles slammed into Kharkiv …" · "five people were killed") — an
    outcome, damage or an anaphora, or a mention of the same family (a quote about gangs does not make a
    doubted flood sure). Only what is happening folds: a past mention tells of another time.
    A quotation that names no place never stands alone: an eyewitness' words tell of an event the
    narration reports.

    ``events``: mentions in story order, each with ``type``, ``modality``, ``fatalities``, ``place``
    (``text``, ``how``, ``coarse``) and ``elaborates``. Damage told without its doer folds into the last
    violent event told (a battle, an explosion, violence against civilians, a riot) unless it names a
    place of its own that no earlier event has. An outcome or an anaphoric subject folds unless it names
    a place of its own that no earlier event has; a quotation folds unless it names a place of
    its own; a definite noun phrase folds when it names no new place, repeats an earlier event's type or
    can make an earlier event's vague place precise. ``inside(a, b)``: place ``a`` is a part of place ``b``
    (a district of the town: "in the Creggan area of the city" after "in Londonderry"), so it names ``b``
    and tells it more precisely."""
    kept: list = []  # (event, sure)
    told: list = []
    promoted: set[int] = set()
    for event in events:
        kind = getattr(event, "elaborates", None)
        own = event.place.text.lower() if event.place is not None and event.place.how == "attached" else None
        if kind and told and event.modality in happening:  # what happened before tells no more of the news
            same = [e for e in told if own is not None and e.place is not None and (
                e.place.text.lower() == own or inside(event.place, e.place))]
            vague = [e for e in told if _vague(e.place)]
            kin = [e for e in told if family(e.type) == family(event.type)]
            violent = [e for e in told if family(e.type) in VIOLENT_FAMILIES]
            fold = (kind in ("outcome", "anaphora", "consequence") and (own is None or same) or
                    kind == "damage" and violent and (own is None or same) or
                    kind == "given" and kin and (own is None or same) or kind == "quote" and own is None or
                    kind == "definite" and (own is None or same or vague or any(e.type == event.type for e in told)))
            if fold:
                typed = [e for e in told if e.type == event.type] if kind == "definite" else []
                into = (same or (vague if own is not None else []) or (kin if kind == "given" else []) or
                        (violent if kind == "damage" else []) or typed or told)[-1]
                if event.fatalities is not None and (into.fatalities is None or event.fatalities > into.fatalities):
                    into.fatalities = event.fatalities
                if own is not None and (_vague(into.place) and not _vague(event.place) or inside(event.place, into.place)):
                    into.place = event.place  # "in northwestern Pakistan" … "the grenade exploded in the bazaar"
                if sure(event) and (kind in ("outcome", "damage", "consequence", "anaphora")
                                    or family(event.type) == family(into.type)):
                    promoted.add(id(into))  # a quote about gangs does not make a doubted flood sure
                continue
        if kind == "quote" and own is None:
            continue
        if not sure(event) and event.modality in happening:  # an unsure retelling still tells where, more finely
            for e in told:
                if e.type == event.type and inside(event.place, e.place):
                    e.place = event.place
        kept.append((event, sure(event)))
        if event.modality in happening:
            told.append(event)
    return [e for e, ok in kept if ok or id(e) in promoted]


_DIVISIONS = ("ADM", "PCL", "RGN", "AREA")  # GeoNames feature codes of countries, divisions and regions


def division(entry: Any) -> bool:
    """A country, an administrative division or a region: a place a finer one may lie in."""
    return (entry.feature or "").startswith(_DIVISIONS)


def _paragraph_after(text: str, at: int) -> int:
    """The end of the paragraph after the one holding ``at`` (the story's end if there is none)."""
    first = text.find("\n\n", at)
    if first < 0:
        return len(text)
    second = text.find("\n\n", first + 2)
    return len(text) if second < 0 else second


def refine_places(doc: Any, events: Sequence, make_ref: Callable[[Any, int], Any]) -> None:
    """A story's lead often names the region ("in northwestern Nigeria's Zamfara state", "in western
    Nepal") and the next lines the town ("stormed the school in Bakura"). An event whose place is only an
    area, a country, a division or the dateline takes the first finer place named from its sentence to
    the end of the next paragraph that lies within it (same country; same first-order division when the
    event's place is one) and is not the dateline; a name the gazetteer lacks only after a locative
    preposition ("in Ohn Taw Gyi village") — in the event's own sentence, so is a name the gazetteer put in
    a country the story names nowhere else ("homes in the hill district of Bajura", resolved in Romania in a
    story about Nepal); the places of another independent clause of its sentence are another event's. An
    event that names no place in its own sentence (placed at the dateline or nowhere) first takes the place
    an earlier sentence of its paragraph opens with ("In San Juan de Lurigancho, a crowd set buses ablaze …
    Others threw stones …"). ``make_ref(place, index)`` turns one of ``doc._.places`` into the event's
    place reference."""
    places = list(doc._.places or [])
    areas = list(doc._.areas or [])
    text = None
    for event in events:
        ref = event.place
        if ref is not None and not _vague(ref):
            continue
        countries, admin1 = _scope(ref, places, areas)
        text = text if text is not None else doc.text
        if ref is None or ref.how in ("dateline", "focus"):  # no place in its own sentence
            framed = _frame(text, places, event.sentence[0], countries)
            if framed is not None:
                event.place = make_ref(places[framed], framed)
                continue
        end = _paragraph_after(text, event.sentence[1])
        foreign = getattr(event, "foreign", ())
        for i, p in enumerate(places):
            if not event.sentence[0] <= p.start < end or p.role == "dateline" or p.start in foreign:
                continue  # nor a place of another clause of its sentence: another event's
            if ref is not None and p.start == ref.start:
                continue  # the vague place itself ("the Magway region")
            if MEASURED_FROM.search(text, max(0, p.start - 70), p.start) is not None:
                continue  # "Kalaroos, roughly 100 km north of Srinagar": a landmark, not where it happened
            if (after := _NEXT_WORD.match(text, p.end)) and after.group(1).lower() in REGION_NOUNS:
                continue  # "in Hodeidah province": told as a region, whatever town of that name the gazetteer knows
            entry = p.entry
            if entry is not None and countries and entry.country_code not in countries and \
                    p.start < event.sentence[1] and _stray(p, places, areas):
                entry = None  # named in the event's own sentence, resolved to a country the story names nowhere
                # else ("flattening homes in the hill district of Bajura", Bajura in Romania): a doubtful resolution
            if entry is not None:
                if division(entry) or entry.feature.startswith(("CONT", "TERR")) or entry.is_area:
                    continue
                if countries and entry.country_code not in countries:
                    continue
                if admin1 and entry.admin1 != admin1:
                    continue
            elif p.kind != "toponym" or not countries or not _after_preposition(text, p.start):
                continue  # an unresolved name: only "in/at/near X", where the event's country is known
            event.place = make_ref(p, i)
            break
    _continue_scenes(events)


def _continue_scenes(events: Sequence) -> None:
    """An event that still names no place of its own (placed at the dateline, the focus or nowhere) goes
    on where the story's previous happening event took place: a narrative stays in its scene until it
    names another ("… seized the town of X. Fighters later broke open a warehouse …"). The dateline is
    where the reporter files from, a weaker guess."""
    scene = None
    for event in sorted(events, key=lambda e: e.sentence[0]):
        ref = event.place
        if ref is None or ref.how in ("dateline", "focus"):
            if scene is not None and event.modality in HAPPENING:
                event.place = replace(scene, how="context")  # inferred, as loose as a place from the next lines
            continue
        if event.modality in HAPPENING:
            scene = ref


def _entry_of(place: Any, places: list) -> Any:
    """The gazetteer entry of an event's place reference, if it is a resolved toponym of ``places``."""
    return places[place.index].entry if place.kind == "toponym" and 0 <= place.index < len(places) else None


def _grain(place: Any, places: list) -> int:
    """How fine a place is: -1 none, the dateline, the focus or one inferred from the next lines; 0 an area
    or a country; 1 a first-order division, a region or a sea; 2 a second-order division (a district); 3 a
    finer division; 4 a town, a village or a local feature (or a name the gazetteer lacks, unless told as a
    region)."""
    if place is None or place.how in ("dateline", "focus", "context"):
        return -1
    if place.kind == "area":
        return 0
    entry = _entry_of(place, places)
    if entry is None:
        return 1 if place.coarse else 4
    feature = entry.feature or ""
    if feature.startswith(("PCL", "CONT", "TERR")):
        return 0
    if feature == "ADM1" or feature.startswith(("RGN", "AREA")) or entry.is_area:
        return 1
    if feature == "ADM2":
        return 2
    if feature.startswith("ADM"):
        return 3
    return 1 if place.coarse else 4


def take_retold_place(doc: Any, events: Sequence, type_: str, sentence: tuple[int, int], place: Any,
                      happening: Collection[str] = HAPPENING) -> bool:
    """A retelling the classifier doubts still tells where: the lead sums up ("a landmine killed two brothers
    on the Red Sea coast"), the body gives the details in words the classifier reads as no new event ("a
    mine blew up under their motorcycle in Hays district").

    The events of ``type_`` (the type the classifier finds likeliest for the sentence at ``sentence``)
    told before it, happening, and placed only loosely (none, the dateline, a region or division, a place
    inferred from the next lines) take ``place``: a place attached to the retelling's own words, a
    district or finer, finer than theirs and within their place's country (and division). Not when the
    sentence tells a new incident ("another", "separately"). Returns whether an event took it."""
    places, areas = list(doc._.places or []), list(doc._.areas or [])
    grain = _grain(place, places)
    if place is None or place.how != "attached" or grain < 2:
        return False
    words = {w.strip(",;:.\"'") for w in doc.text[sentence[0]:sentence[1]].lower().split()}
    if _NEW_INCIDENT & words:
        return False
    entry = _entry_of(place, places)
    took = False
    for event in events:
        if event.type != type_ or event.modality not in happening or not loosely_placed(event.place) \
                or event.sentence[1] > sentence[0] or grain <= _grain(event.place, places):
            continue
        countries, admin1 = _scope(event.place, places, areas)
        countries.discard("")  # a sea lies in no country
        if entry is not None and (countries and entry.country_code not in countries
                                  or admin1 and entry.admin1 != admin1):
            continue
        event.place = place
        took = True
    return took


# A place a distance is measured from: "Larba, 25 km (15 miles) from Algiers", "30 km southeast of Al-Arish".
MEASURED_FROM = re.compile(r"\d[\d,.]*\s*(?:-\s*)?(?:km|kilometres?|kilometers?|miles?|mi)\b[^,;:]{0,40}?\b"
                            r"(?:of|from)\s+(?:the\s+)?(?:[\w-]+\s+){0,2}$", re.I)

# Nouns that name a region or a first-order division: "the central Sagaing region", "the region of Dagestan",
# "Kachin state" tell that the name is a region, whatever place of that name the gazetteer knows.
REGION_NOUNS = frozenset({"region", "regions", "province", "provinces", "state", "governorate", "prefecture",
                           "oblast", "county", "countryside", "coast", "coastline", "hinterland"})

_NEXT_WORD = re.compile(r"\s*([\w-]+)")
_LOCATIVE = {"in", "at", "near", "outside", "on", "into", "around", "of"}


def _stray(place: Any, places: list, areas: list) -> bool:
    """The gazetteer put the name in a country that no other place or area of the story lies in."""
    code = place.entry.country_code
    if not code:
        return False
    name = place.text.lower()
    others = {q.entry.country_code for q in places if q.entry is not None and q.text.lower() != name}
    others |= {c for a in areas for c in a.country_codes}
    return code not in others
_FRAME = re.compile(r"(?:\n|[.!?][\"”’]?\s+)(?:In|At)\s+(?:the\s+)?$")


def _frame(text: str, places: list, sentence_start: int, countries: set[str]) -> int | None:
    """The place an earlier sentence of the same paragraph opens with ("In San Juan de Lurigancho, a
    crowd …"): it sets the scene for the paragraph's next sentences, which name no place of their own.
    The last such place (within the event's countries when it is resolved), or ``None``."""
    paragraph = text.rfind("\n\n", 0, sentence_start)
    paragraph = 0 if paragraph < 0 else paragraph + 2
    found = None
    for i, p in enumerate(places):
        if not paragraph <= p.start < sentence_start or p.role == "dateline" or p.kind not in ("toponym", "local"):
            continue
        opens = max(paragraph, p.start - 16)
        if not _FRAME.search(("\n" if opens == paragraph else "") + text[opens:p.start]):
            continue
        entry = p.entry
        if entry is not None and (countries and entry.country_code not in countries or division(entry)):
            continue
        found = i
    return found


def _after_preposition(text: str, start: int) -> bool:
    words = text[max(0, start - 20):start].split()
    return bool(words) and words[-1].lower() in _LOCATIVE


def _scope(ref: Any, places: list, areas: list) -> tuple[set[str], str | None]:
    """The countries (and first-order division) the event's vague place covers."""
    if ref is None:
        return set(), None
    if ref.kind == "area" and 0 <= ref.index < len(areas):
        return set(areas[ref.index].country_codes), None
    if 0 <= ref.index < len(places):
        entry = places[ref.index].entry
    else:
        entry = next((p.entry for p in places if p.start == ref.start and p.entry is not None), None)
    if entry is None:
        return set(), None
    countries = {entry.country_code} if entry.country_code else set()  # a sea or a lake lies in no one country
    return countries, entry.admin1 if entry.feature == "ADM1" else None


# A demonstration's forms, from the least to the most escalated: demonstrators who turn violent make a riot
# whatever force met them; force against peaceful ones is lethal or it is an intervention.
_ESCALATION = {"peaceful_protest": 0, "protest_with_intervention": 1, "excessive_force_against_protesters": 2,
               "violent_demonstration": 3}

_NEW_INCIDENT = frozenset({"another", "separately", "separate", "second", "also", "elsewhere", "meanwhile", "other"})


def _days_apart(a: str | None, b: str | None) -> int:
    try:
        return abs(date.fromisoformat(a[:10]).toordinal() - date.fromisoformat(b[:10]).toordinal()) if a and b else 0
    except ValueError:
        return 0


def loosely_placed(place) -> bool:
    """No precise place: none, the dateline or focus, a region, country or division, or one inferred from
    the next lines."""
    return _vague(place) or place.how == "context"


def _precision(place) -> int:
    """How precisely a mention's place is known: 0 none, the dateline or focus, a region, country or
    division; 1 inferred from the next lines, or only named somewhere in the mention's sentence; 2 attached
    to the mention's own words."""
    if _vague(place):
        return 0
    return 2 if place.how == "attached" else 1


def _demonstration_told(text: str, event: Any, kept: list, told_end: dict[int, int]) -> Any:
    """The demonstration ``event`` tells another form of: the last one told, when ``event`` is a
    demonstration type with no precise place of its own, told after it in the same paragraph, or one at
    that demonstration's own precise place (a town has one demonstration a day: "in the Yungas town of
    Caranavi protesters set fire to the town hall" · "In Caranavi, … residents marched on the town hall")."""
    if event.type not in _ESCALATION:
        return None
    last = next((e for e in reversed(kept) if e.type in _ESCALATION), None)
    if last is None:
        return None
    if not loosely_placed(event.place):
        return last if not loosely_placed(last.place) and last.place.text.lower() == event.place.text.lower() \
            else None
    end = told_end[id(last)]
    return last if end <= event.sentence[0] and "\n\n" not in text[end:event.sentence[0]] else None


def merge_retellings(text: str, events: Sequence, happening: Collection[str] = HAPPENING,
                     inside: Callable[[Any, Any], bool] = _nowhere_inside) -> list:
    """Wire stories tell an incident twice: the lead sums it up, the body gives the details. A later
    mention of the same type, happening, not dated more than a day apart (each by its own words: a
    mention without a date of its own takes the story's), and not marked as a new incident ("another",
    "separately", "also", "elsewhere") is the same incident when

    * the earlier mention sits in the lead with only a vague place (none, the dateline, a region or
      country, a place inferred from the next lines) and the later one names a precise place — the lead
      takes that place ("teachers marched … while police fired tear gas in the south" · "in Choluteca,
      police fired tear gas …"); or
    * the later mention's sentence names the earlier mention's place ("drones hit Kharkiv" · "in
      Kharkiv, three drones struck the Kyivskyi district"), or its place is a part of it (``inside``, as for
      :func:`fold_elaborations`), which it then hands over; or
    * the later mention has no precise place of its own: nothing tells it apart from the one told.

    A demonstration is one event whatever it became: a later mention of another demonstration type (a
    peaceful march, its dispersal, lethal force against it, a riot) told in the same paragraph with no
    precise place of its own is the last demonstration told, typed by its most escalated form, as ACLED
    codes it ("youths burned tyres in X …" · "gendarmes responded with tear gas"); so is one told at the last
    demonstration's own precise place, in any paragraph. One with another place of its own, or with none in a
    later paragraph, stays apart, and so does the other clause of a sentence that tells two: a march in the
    centre and a riot in a suburb are two events.

    The earlier mention is kept, with the larger death toll and the higher confidence."""
    lead_end = text.find("\n\n")
    lead_end = len(text) if lead_end < 0 else lead_end
    kept: list = []
    told_end: dict[int, int] = {}  # per kept event, where its last mention (itself or a retelling) ends
    for event in events:
        into = None
        if event.modality in happening:
            sentence = text[event.sentence[0]:event.sentence[1]]
            before = sentence[:max(0, event.trigger[1] - event.sentence[0])].lower().split()
            if not _NEW_INCIDENT.intersection(w.strip(",;:") for w in before):
                demonstration = _demonstration_told(text, event, kept, told_end)
                for earlier in kept:
                    if (earlier.type != event.type and earlier is not demonstration) \
                            or earlier.modality not in happening or (
                            earlier.date_text and event.date_text and _days_apart(earlier.date, event.date) > 1):
                        continue
                    # a later mention with no precise place retells; one with a precise place retells a lead
                    # told with none, or an earlier mention whose place its sentence names
                    if loosely_placed(event.place) or (earlier.sentence[0] < lead_end if loosely_placed(earlier.place)
                                               else earlier.place.text in sentence
                                               or inside(event.place, earlier.place)):
                        into = earlier
                        break
        if into is None:
            kept.append(event)
            told_end[id(event)] = event.sentence[1]
            continue
        told_end[id(into)] = max(told_end[id(into)], event.sentence[1])
        # another form of the demonstration is told with no place of its own: it has none to hand over
        if into.type == event.type and (loosely_placed(into.place) and _precision(event.place) > _precision(into.place)
                                        or not loosely_placed(event.place) and inside(event.place, into.place)):
            into.place = event.place  # a retelling hands over its place only when it knows it more precisely
        if event.fatalities is not None and (into.fatalities is None or event.fatalities > into.fatalities):
            into.fatalities = event.fatalities
        if into.type != event.type and _ESCALATION[event.type] > _ESCALATION[into.type]:
            into.type = event.type
        into.confidence = max(into.confidence, event.confidence)
    return kept
