"""spaCy component ``wirewatch_events``: the events a story reports → ``doc._.events``.

1. A cheap scan: a spaCy PhraseMatcher over lower-cased word forms (each lexicon lemma with its
   inflections, :mod:`pipeline.events._forms`) finds trigger phrases from
   :mod:`pipeline.events._lexicon` in the whole doc. Cues and modality verbs are read through the same
   small lemmatizer, so spaCy's (costlier than all of this) stays out of the pipeline.
2. Only sentences with a trigger go on: the model's dependency parser runs on those sentences alone
   (it is not in the main pipeline; parsing whole stories would cost more than all else).
3. Per sentence, :func:`pipeline.events._rules.decide` keeps the events the cues support; the parse
   gives each its modality (asserted, reported, threatened, planned, negated, denied, hypothetical),
   actors, targets and the place it happened (a place or area attached to the trigger by a locative
   preposition; else one so attached elsewhere in the sentence; else the dateline place, else the
   story's focus); the sentence gives its date (resolved against the story date) and fatalities.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Callable, Iterable

from spacy import attrs
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span, Token

from ..core import HAPPENING
from ..events import (
    CUES,
    MODALITY_VERBS,
    MONTH_NAMES,
    NONE,
    NOT_REAL_MODIFIERS,
    NOT_REAL_VERBS,
    TRIGGERS,
    WEEKDAY_NAMES,
    Candidate,
    EventClassifier,
    Sentence,
    Trigger,
    actor_kind,
    decide,
    default_classifier,
    ended_before,
    forms,
    lemma_of,
    parse_fatalities,
    parse_story_date,
    register,
    resolve_date,
    vocabulary,
)
from ._discourse import (
    MEASURED_FROM,
    OUTCOME_FORMS,
    REGION_NOUNS,
    TOLL_FREE,
    VIOLENT_FAMILIES,
    background,
    division,
    elaboration,
    family,
    fold_elaborations,
    loosely_placed,
    merge_retellings,
    refine_places,
    take_retold_place,
)
from ._place_link import (
    PlaceChooser,
    by_token,
    candidate_features,
    default_chooser,
    first_place,
    governor,
    narrower,
    narrowest,
    place_spans,
    stages,
)
from ._threats import may_vow, vowed_harm

__all__ = ["EventMention", "EventPlaceRef", "EventTagger", "make_event_tagger", "narrower", "narrowest", "own_clause",
           "without_origins"]

_AS_DOC_ATTRS = (attrs.ORTH, attrs.SPACY, attrs.TAG, attrs.POS, attrs.LEMMA, attrs.ENT_IOB, attrs.ENT_TYPE,
                 attrs.MORPH, attrs.SENT_START)  # what the parse and our rules read; copying less is faster
_BACKGROUND = {"after", "following", "since", "amid", "over", "despite", "before"}
# verbs of motion: "over" after them is the path taken ("the bus ran over a landmine"), not a cause
_MOTION = frozenset({f for w in ("run", "drive", "step", "roll", "ride", "walk", "pass", "travel", "go", "move", "cross",
                                  "fly") for f in forms(w)} | {"ran", "rode", "ridden", "flew", "flown"})


def _path(prep: Token) -> bool:
    return prep.lower_ == "over" and prep.head.pos_ == "VERB" and prep.head.lower_ in _MOTION


_THREAT, _DENY, _PLAN, _REPORT = (MODALITY_VERBS[m] for m in ("threatened", "denied", "planned", "reported"))
_HYPO_AUX = {"may", "might", "could", "would", "should"}


@dataclass(frozen=True, slots=True)
class EventPlaceRef:
    text: str
    start: int
    end: int
    how: str  # attached | sentence | context (a finer place in the next lines) | dateline | focus
    kind: str  # toponym | area
    index: int  # into doc._.places (toponym) or doc._.areas (area); -1 for a dateline/focus place
    coarse: bool = False  # an area, a country or an administrative division: a finer place may follow


@dataclass(slots=True)
class EventMention:
    type: str
    trigger: tuple[str, int, int]  # text, start, end (characters)
    sentence: tuple[int, int]
    modality: str
    confidence: float
    actors: list[str] = field(default_factory=list)
    targets: list[str] = field(default_factory=list)
    place: EventPlaceRef | None = None
    date: str | None = None
    date_text: str | None = None
    fatalities: int | None = None
    elaborates: str | None = None  # why it tells more of an event already told (folded into it), else None
    foreign: frozenset[int] = frozenset()  # character offsets of the words of its sentence's other clauses


class EventTagger:
    def __init__(self, nlp: Language, name: str, triggers: Iterable[Trigger] = TRIGGERS, min_confidence: float = 0.8,
                 rules_min_confidence: float = 0.5,
                 parse: bool = True, sentence_fallback: bool = False, place_model: str = "default",
                 classifier: str = "default", secondary_min: float = 0.25, untriggered_min: float = 0.8) -> None:
        self.name = name
        self.untriggered_min = untriggered_min
        self.classifier: EventClassifier | None = (default_classifier() if classifier == "default"
                                                   else EventClassifier.load(classifier) if classifier else None)
        self.secondary_min = secondary_min
        self.chooser: PlaceChooser | None = (default_chooser() if place_model == "default"
                                             else PlaceChooser.from_file(place_model) if place_model else None)
        self.sentence_fallback = sentence_fallback
        register(vocabulary())
        self.nlp = nlp
        self.min_confidence = min_confidence  # the classifier's calibrated confidence (see docs/evaluation.md)
        self.rules_min_confidence = rules_min_confidence  # types the rules decide alone (the election tag)
        self.parse = parse
        # A PhraseMatcher (hash lookups, fast on long stories) over the lower-cased forms of each
        # phrase: one word at a time inflected ("air strikes", "struck", "weapons caches").
        self.matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.triggers: dict[str, list[Trigger]] = {}
        for trigger in triggers:
            key = trigger.phrase
            if key not in self.triggers:
                words = key.replace("-", " - ").split()
                variants = {tuple(words[:i] + [f] + words[i + 1:]) for i, w in enumerate(words) for f in forms(w)}
                self.matcher.add(key, [Doc(nlp.vocab, words=list(v)) for v in sorted(variants)])
            self.triggers.setdefault(key, []).append(trigger)

    def _untriggered(self, sent: Span, proba: dict[str, float]) -> tuple[Trigger, int, int] | None:
        """A sentence without a lexicon trigger that the classifier reads as an event with probability
        ``untriggered_min`` or more: its trigger is the word that speaks most for that type."""
        assert self.classifier is not None
        label, p = max(((lb, q) for lb, q in proba.items() if lb != NONE), key=lambda x: x[1])
        if p < self.untriggered_min or proba.get(NONE, 0.0) >= p:
            return None
        for word in self.classifier.evidence(sent.text, label, k=3):
            tok = next((t for t in sent if lemma_of(t.lower_) == word or t.lower_ == word), None)
            if tok is not None:
                return Trigger(label, tok.lower_, p), tok.i, tok.i + 1
        return None

    def _parser(self) -> Any | None:
        if not self.parse:
            return None
        try:
            return self.nlp.get_pipe("parser")
        except KeyError:
            return None

    def __call__(self, doc: Doc) -> Doc:
        doc._.events = self.tag(doc)
        return doc

    def tag(self, doc: Doc) -> list[EventMention]:
        found: dict[int, list[tuple[Trigger, int, int]]] = {}
        sents = list(doc.sents) if doc.has_annotation("SENT_START") else [doc[:]]
        dateline_end = int((doc._.hints or {}).get("dateline_end") or 0)
        if dateline_end and sents and sents[0].start_char < dateline_end:  # "BAGHDAD (AP) —" is not the subject
            after = next((t.i for t in sents[0] if t.idx >= dateline_end), None)
            sents[0] = doc[after:sents[0].end] if after is not None else sents[0]
        sent_of = {}
        for i, s in enumerate(sents):
            for t in s:
                sent_of[t.i] = i
        for match_id, start, end in self.matcher(doc):  # one match per phrase and span
            if start not in sent_of:
                continue  # inside the dateline
            for trigger in self.triggers[doc.vocab.strings[match_id]]:
                found.setdefault(sent_of[start], []).append((trigger, start, end))
        verdicts: dict[int, dict[str, float]] = {}
        if self.classifier is not None and self.untriggered_min < 1.0:
            eventive = self.classifier.eventive_words
            for i, sent in enumerate(sents):  # the lexicon is not every way to tell an event
                if i not in found and len(sent) >= 4 and any(lemma_of(t.lower_) in eventive for t in sent):
                    verdicts[i] = self.classifier.proba(sent.text)
                    match = self._untriggered(sent, verdicts[i])
                    if match is not None:
                        found[i] = [match]
        parses: dict[int, Doc | None] = {}  # sentence index → its parse: each sentence is parsed once
        vows = self._vows(sents, verdicts, parses)
        for i, match in vows.items():
            found.setdefault(i, []).append(match)
        takings = self._takings(sents, verdicts, parses)
        for i, match in takings.items():
            found.setdefault(i, []).append(match)
        sentences = {i: Sentence([lemma_of(t.lower_) for t in sents[i]], [t.lower_ for t in sents[i]]) for i in found}
        if self.classifier is None:  # only sentences whose triggers have the cues they need go on to the parser
            order = [i for i in sorted(found) if decide(sentences[i], found[i], {})]
        else:  # the classifier judges every sentence with a trigger: an event of some type, or none
            verdicts.update({i: self.classifier.proba(sents[i].text) for i in sorted(found) if i not in verdicts})
            order = [i for i in sorted(found) if _eventful(verdicts[i]) or i in vows or any(
                c.type not in verdicts[i] for c in decide(sentences[i], found[i], {}))]  # the election tag
        if not order:
            return []
        parsed = self._parse_some(sents, order, parses)
        hints = doc._.hints or {}
        story_date = parse_story_date(hints.get("story_date"))
        events: list[EventMention] = []
        previous_date: str | None = None
        scene: tuple[int, tuple[str, str]] | None = None  # (paragraph, date): a paragraph set in the past
        read = 0  # sentences before this one have been read for dates
        text = doc.text  # built from the tokens at each access: read once
        breaks = [m.start() for m in _PARAGRAPH_BREAK.finditer(text)]

        def paragraph_of(s: Span) -> int:
            return bisect_right(breaks, s.start_char)

        def set_scene(paragraph: int, resolved: tuple[str, str] | None) -> None:
            nonlocal scene
            if resolved:
                scene = (paragraph, resolved) if story_date and ended_before(resolved[0], story_date) else None
        for i, sent_doc in zip(order, parsed, strict=True):
            here = paragraph_of(sents[i])
            for j in range(read, i):  # the sentences of its paragraph without a trigger set the scene too
                if story_date and paragraph_of(sents[j]) == here:
                    set_scene(here, resolve_date(sents[j].text, story_date, previous_date))
            read = i + 1
            sent, sentence = sents[i], sentences[i]
            heads = {(start, end): self._token(sent, sent_doc, start, end) for _, start, end in found[i]}
            subject_kind = {start: self._subject_kind(heads[start, end]) for _, start, end in found[i]}
            salience = {start: self._salience(heads[start, end], lead=(i == order[0])) for _, start, end in found[i]}
            at = {start - sent.start for _, start, _ in found[i]}
            resolved = resolve_date(_date_text(sent, sent_doc, at), story_date, previous_date) if story_date else None
            if resolved:
                previous_date = resolved[0]
                set_scene(here, resolved)
            elif scene is not None and (scene[0] == here or _retrospective(events, breaks)):
                # an undated sentence goes on in the time its paragraph is set in ("The clashes broke out on May 9,
                # 2015 … Several houses in the district were burned out."); in a story whose lead tells only the
                # past (an anniversary, a verdict), in the time the story last named, whatever its paragraph
                resolved = scene[1]
            fatalities = parse_fatalities(sent.text)
            groups = self._clause_groups(sent, sent_doc, found[i], verdicts[i]) if verdicts else None
            if groups is None:  # one clause: the sentence is the unit
                groups = [(sentence, verdicts.get(i), found[i], None)]
            for k, (words, verdict, matches, within) in enumerate(groups):
                candidates = ruled = decide(words, matches, subject_kind, salience)
                if verdict is not None:
                    candidates = _rerank(candidates, verdict, matches, self.secondary_min, salience,
                                         _in_quotes(doc, matches))
                    if fatalities:
                        candidates += _violence_within_crime(candidates, ruled, verdict)
                    candidates += _arrests_beside_seizure(candidates, matches, heads)
                if i in vows and vows[i] in matches:  # the grammar tells a threat the words alone may not:
                    trigger, start, end = vows[i]  # it is as sure as the grammar, whatever the words lean to
                    candidates = [c for c in candidates if c.type != "threaten" or c.score > trigger.weight]
                    if all(c.type != "threaten" for c in candidates):
                        candidates.append(Candidate("threaten", trigger.weight, trigger, start, end))
                if i in takings and takings[i] in matches:  # people taken away by non-state hands: an abduction,
                    trigger, start, end = takings[i]  # however the words lean (looting, arrests, a seizure)
                    sure = round(min(0.99, 1.0 - verdict.get(NONE, 0.0)), 3) if verdict else trigger.weight
                    candidates = [c for c in candidates if c.type not in _TAKEN_AS] + [
                        Candidate("abduction_forced_disappearance", sure, trigger, start, end)]
                for cand in candidates:
                    if cand.type in _TERRITORY_CHANGE and (_civilians_act(heads[cand.start, cand.end])
                                                           or _control_of_nothing(heads[cand.start, cand.end])):
                        continue  # "families had left the camps": people fleeing, not territory changing hands
                    taken = _people_seized(heads[cand.start, cand.end]) if cand.type == "disrupted_weapons_use" \
                        else None
                    if taken is not None:  # "kidnappers seized a group of workers": people, not arms
                        if any(c.type == taken for c in candidates):
                            continue
                        cand = Candidate(taken, cand.score, cand.trigger, cand.start, cand.end)
                    if cand.type == "attribution_of_responsibility" and _blames_no_actor(heads[cand.start, cand.end]):
                        continue  # "the coach blamed tired legs": no one is held responsible for an act
                    if cand.type == "grenade" and _less_lethal(heads[cand.start, cand.end]):
                        continue  # "police responded with stun grenades": crowd control, not a grenade attack
                    event = self._event(doc, sent, sent_doc, heads[cand.start, cand.end], cand, resolved, story_date,
                                        fatalities, lead=(i == order[0]), secondary=k > 0, within=within,
                                        text=text)
                    if cand.type == "attribution_of_responsibility" and event.modality in HAPPENING and \
                            _refers_back(heads[cand.start, cand.end]):
                        last = next((e for e in reversed(events) if family(e.type) in VIOLENT_FAMILIES), None)
                        if last is not None and last.modality == "past":
                            event.modality = "past"  # "It was blamed on …" after a past massacre: blame then
                    events.append(event)
        if sents and _exercise_lead(sents[0], [e for e in events if e.sentence[0] < sents[0].end_char]):
            for event in events:  # "troops practised repelling an incursion in a large exercise": what follows
                if event.sentence[0] >= sents[0].end_char and event.modality in HAPPENING and \
                        event.fatalities is None and family(event.type) in VIOLENT_FAMILIES:
                    event.modality = "hypothetical"  # is the exercise, unless it counts its dead
        inside = _part_of_town(doc._.places or [])
        events = fold_elaborations(events, self._sure, inside=inside)
        refine_places(doc, events, lambda p, i: EventPlaceRef(p.text, p.start, p.end, "context", p.kind, i))
        self._doubted(doc, sents, found, sentences, set(order), verdicts, story_date, events)
        return merge_retellings(text, events, inside=inside)

    def _doubted(self, doc: Doc, sents: list[Span], found: dict[int, list[tuple[Trigger, int, int]]],
                 sentences: dict[int, Sentence], read: set[int], verdicts: dict[int, dict[str, float]],
                 story_date: date | None, events: list[EventMention]) -> None:
        """Sentences with a trigger that the classifier reads as no new event, but whose likeliest event type
        (at least ``secondary_min``) is that of an event told before them. The classifier's doubt is the
        prior that most such sentences retell (see :mod:`pipeline.events._training`), so such a sentence

        * tells where an event told with a loose place happened (:func:`take_retold_place`); or
        * is an incident of its own when its words say so before the trigger ("a second aircraft struck
          Huliaipole", "another bomb went off in X") and it names a place no event of its type has: a new
          event of the type the lexicon's rules read there, as sure as the one it follows —

        unless it is background, negated or hypothetical."""
        for i in sorted(found):
            if i in read or i not in verdicts:
                continue
            proba, sent = verdicts[i], sents[i]
            told = {e.type for e in events if e.modality in HAPPENING and e.sentence[1] <= sent.start_char}
            top = max((t for t in proba if t != NONE), key=proba.__getitem__)
            ruled = [c for c in decide(sentences[i], found[i], {}) if c.type in told]
            cand = max(ruled, key=lambda c: c.score) if ruled else None
            another = cand is not None and _new_incident(doc[sent.start:cand.start].text)
            if another:  # the lexicon's reading: the classifier's doubt is the prior of a retelling
                top, trigger, start, end = cand.type, cand.trigger, cand.start, cand.end
            elif top in told and proba[top] >= self.secondary_min:
                trigger, start, end = max(found[i], key=lambda m: (m[0].weight, m[2] - m[1], -m[1]))
            else:
                continue
            earlier = [e for e in events if e.type == top and e.modality in HAPPENING and e.sentence[1] <= sent.start_char]
            if not another and not any(loosely_placed(e.place) for e in earlier):
                continue
            [sent_doc] = self._parse([sent])
            resolved = resolve_date(_date_text(sent, sent_doc, {start - sent.start}), story_date, None) \
                if story_date else None
            score = max(e.confidence for e in earlier) if another else proba[top]
            mention = self._event(doc, sent, sent_doc, self._token(sent, sent_doc, start, end),
                                  Candidate(top, score, trigger, start, end), resolved, story_date, None)
            if mention.modality not in HAPPENING:
                continue  # "has killed thousands in Beni and Lubero territories over the past decade": background
            if not another:
                take_retold_place(doc, events, top, (sent.start_char, sent.end_char), mention.place)
            elif mention.place is not None and mention.place.how == "attached" and \
                    all(e.place is None or e.place.text != mention.place.text for e in earlier):
                events.insert(next((k for k, e in enumerate(events) if e.sentence[0] > sent.start_char), len(events)),
                              mention)

    def _clause_groups(self, sent: Span, sent_doc: Doc | None, matches: list[tuple[Trigger, int, int]],
                       verdict: dict[str, float]) -> list[tuple[Sentence, dict[str, float], list, set[int] | None]] | None:
        """A sentence that joins independent clauses, each with its own subject and a trigger ("fighters
        attacked a post in A, and hours later a bomb tore through a bus near B"; "teachers marched …
        while police fired tear gas …"), tells as many events: a clause the classifier reads as an event on
        its own words is typed on them, with its own triggers and places; the triggers of the other
        clauses keep the whole sentence's reading (a clause alone can lack the context that makes it an
        event: "…, and that air defences shot down 58 of them"); a clause that only states a toll is the
        other clause's outcome. ``None`` when the sentence is one clause or holds triggers in one only."""
        if sent_doc is None or self.classifier is None or len(matches) < 2:
            return None
        owner = clause_owner(sent_doc)
        if len(set(owner)) < 2:
            return None
        by_clause: dict[int, list[tuple[Trigger, int, int]]] = {}
        for match in matches:
            by_clause.setdefault(owner[match[1] - sent.start], []).append(match)
        if len(by_clause) < 2:
            return None
        groups: list = []
        pooled: list[tuple[Trigger, int, int]] = []
        for head, group in sorted(by_clause.items(), key=lambda kv: min(m[1] for m in kv[1])):
            if all(sent[m[1] - sent.start].lower_ in OUTCOME_FORMS for m in group):
                continue  # "…, and three soldiers were killed": the toll of the other clause's event
            tokens = [j for j, o in enumerate(owner) if o == head]
            proba = self.classifier.proba("".join(sent_doc[j].text_with_ws for j in tokens).strip())
            if not _eventful(proba):
                pooled += group
                continue
            words = Sentence([lemma_of(sent[j].lower_) for j in tokens], [sent[j].lower_ for j in tokens])
            groups.append((words, proba, group, set(tokens)))
        if len(groups) < 2 and not (groups and pooled):
            return None
        if pooled:
            typed = {max(g[1], key=g[1].__getitem__) for g in groups}
            rest = {t: (0.0 if t in typed else p) for t, p in verdict.items()}
            if _eventful(rest) and max(p for t, p in rest.items() if t != NONE) >= self.secondary_min:
                words = Sentence([lemma_of(t.lower_) for t in sent], [t.lower_ for t in sent])
                groups.append((words, rest, pooled, None))
        return groups

    def _vows(self, sents: list[Span], verdicts: dict[int, dict[str, float]],
              parses: dict[int, Doc | None]) -> dict[int, tuple[Trigger, int, int]]:
        """Sentences where an actor warns, vows or threatens that it will harm someone ("It warned that it
        would go on attacking …", "the commander vowed to wipe out …"), told by their grammar
        (:func:`vowed_harm`): the threat, whatever the sentence's words lean to — unless the classifier all
        but rules it out (``_VOW_MIN``: a coach vowing his side will attack)."""
        maybe = [i for i, s in enumerate(sents) if may_vow(t.lower_ for t in s)]
        if not maybe:
            return {}
        out = {}
        for i, sent_doc in zip(maybe, self._parse_some(sents, maybe, parses), strict=True):
            at = vowed_harm(sent_doc) if sent_doc is not None else None
            if at is None:
                continue
            if self.classifier is not None:
                verdicts.setdefault(i, self.classifier.proba(sents[i].text))
                if verdicts[i].get("threaten", 0.0) < _VOW_MIN:
                    continue
            tok = sents[i][at]
            out[i] = (Trigger("threaten", tok.lower_, 0.9), tok.i, tok.i + 1)
        return out

    def _takings(self, sents: list[Span], verdicts: dict[int, dict[str, float]],
                 parses: dict[int, Doc | None]) -> dict[int, tuple[Trigger, int, int]]:
        """Sentences where armed hands take people away ("armed men took three labourers from a road camp",
        "had taken a councillor and two teachers from their homes"), told by their grammar
        (:func:`_people_taken_away`) in a sentence the classifier reads as an event."""
        maybe = [i for i, s in enumerate(sents) if not _TAKE_FORMS.isdisjoint(t.lower_ for t in s)
                 and not _AWAY.isdisjoint(t.lower_ for t in s)
                 and Sentence([lemma_of(t.lower_) for t in s], [t.lower_ for t in s]).has_group("nonstate")]
        if not maybe or self.classifier is None:
            return {}
        out = {}
        for i in maybe:
            verdicts.setdefault(i, self.classifier.proba(sents[i].text))
        maybe = [i for i in maybe if _eventful(verdicts[i])]
        for i, sent_doc in zip(maybe, self._parse_some(sents, maybe, parses), strict=True):
            at = _people_taken_away(sent_doc) if sent_doc is not None else None
            if at is not None:
                tok = sents[i][at]
                out[i] = (Trigger("abduction_forced_disappearance", tok.lower_, 0.9), tok.i, tok.i + 1)
        return out

    def _sure(self, event: EventMention) -> bool:
        """Confident enough to be an event of its own (below: it may still tell more of one)."""
        typed_by_classifier = self.classifier is not None and event.type in self.classifier.labels
        return event.confidence >= (self.min_confidence if typed_by_classifier else self.rules_min_confidence)

    def _parse_some(self, sents: list[Span], indices: list[int], parses: dict[int, Doc | None]) -> list[Doc | None]:
        """The parses of ``sents[i]`` for ``indices``, parsing only those ``parses`` does not hold yet."""
        todo = [i for i in indices if i not in parses]
        parses.update(zip(todo, self._parse([sents[i] for i in todo]), strict=True))
        return [parses[i] for i in indices]

    def _parse(self, sents: list[Span]) -> list[Doc | None]:
        parser = self._parser()
        if parser is None:
            return [None] * len(sents)
        return list(parser.pipe(s.as_doc(array_head=_AS_DOC_ATTRS) for s in sents))

    @staticmethod
    def _token(sent: Span, sent_doc: Doc | None, start: int, end: int) -> Token | None:
        """The syntactic head of the trigger span, in the sentence's parsed doc."""
        if sent_doc is None:
            return None
        span = sent_doc[start - sent.start:end - sent.start]
        return span.root if len(span) else None

    @staticmethod
    def _salience(tok: Token | None, lead: bool) -> float:
        """+0.05 in the first sentence with a trigger (the lead), +0.05 in the main clause, -0.25 inside
        a background phrase ("after …", "following …", "in response to …", "over …")."""
        bonus = 0.05 if lead else 0.0
        if tok is None:
            return bonus
        if governor(tok).dep_ == "ROOT":
            bonus += 0.05
        for anc in tok.ancestors:
            if anc.dep_ == "prep" and anc.lower_ in _BACKGROUND and not _path(anc):
                return bonus - 0.25
            if anc.dep_ == "pobj" and anc.lower_ == "response":
                return bonus - 0.25
        return bonus

    @staticmethod
    def _subject_kind(tok: Token | None) -> str | None:
        if tok is None:
            return None
        verb = governor(tok)
        for child in verb.children:
            if child.dep_ in ("nsubj", "agent"):
                node = child if child.dep_ == "nsubj" else next((c for c in child.children if c.dep_ == "pobj"), None)
                if node is not None:  # the actor's own words, not "… in a crackdown on Taliban militants"
                    kind = actor_kind(" ".join(lemma_of(t.lower_) for t in _phrase_tokens(node)))
                    if kind:
                        return kind
        return None

    def _event(self, doc: Doc, sent: Span, sent_doc: Doc | None, tok: Token | None, cand: Candidate,
               resolved: tuple[str, str] | None, story_date: date | None, fatalities: int | None,
               lead: bool = False, secondary: bool = False, within: set[int] | None = None,
               text: str | None = None) -> EventMention:
        """The mention of ``cand``; ``text``: the doc's text, when the caller has read it already."""
        text = doc.text if text is None else text
        span = doc[cand.start:cand.end]
        modality = _modality(tok) if tok is not None else "asserted"
        if tok is not None and _of_anyone(tok):
            modality = "hypothetical"  # "anyone who joined in mob justice would be prosecuted": no one did yet
        elif cand.type == "threaten" and modality in HAPPENING and sent_doc is not None and _hedged(sent_doc):
            modality = "hypothetical"  # "any move … could pull in heavier brigades, warned a researcher": a forecast
        elif cand.type == "threaten" and (modality in HAPPENING or tok is not None and _future_said(tok)):
            modality = "threatened"  # "a clan leader said his people would avenge their dead": the threat itself
        elif modality in HAPPENING and resolved and story_date and ended_before(resolved[0], story_date):
            modality = "past"  # "the town, captured by rebels in 2014, …": background, not news
        elif modality in HAPPENING and tok is not None and sent_doc is not None and \
                background(tok, sent_doc[:], span.start_char - sent.start_char, lead):
            modality = "past"  # "the conflict has killed tens of thousands", "… since 2021"
        elif modality in HAPPENING and cand.type in _SETTLEMENTS and tok is not None and _attempted(tok):
            modality = "planned"  # "elders were trying to arrange a ceasefire": no ceasefire yet
        elif modality in HAPPENING and tok is not None and _counted(tok):
            modality = "past"  # "the jump in abductions": a count over time, not an incident
        elif modality in HAPPENING and tok is not None and 0 <= text.find("\n\n") < sent.start_char:
            modality = _habit_or_order(tok) or modality  # not in the lead paragraph, told like a headline
        actors, targets = _participants(tok, cand.start - sent.start, cand.end - sent.start) if tok is not None \
            else ([], [])
        place = self._place(doc, sent, sent_doc, tok, within=within, text=text)
        elaborates = elaboration(tok, sent_doc[:], span.start_char - sent.start_char, cand.type) \
            if tok is not None and sent_doc is not None and not _new_incident(text[sent.start_char:span.start_char]) \
            else None
        if lead and not secondary and elaborates != "quote":
            elaborates = None  # the first event told tells more of nothing, but a quotation is still only words
        # a threat of harm is hedged news of that harm; a `threaten` event is the threat itself, which someone
        # voiced: as sure as anything reported
        factor = 0.95 if cand.type == "threaten" and modality == "threatened" else \
            {"asserted": 1.0, "reported": 0.95, "threatened": 0.9}.get(modality, 0.85)
        if place is not None and place.how in ("dateline", "focus"):
            factor *= 0.95
        return EventMention(
            type=cand.type,
            trigger=(span.text, span.start_char, span.end_char),
            sentence=(sent.start_char, sent.end_char),
            modality=modality,
            confidence=round(cand.score * factor, 3),
            actors=actors,
            targets=targets,
            place=place,
            date=resolved[0] if resolved else (story_date.isoformat() if story_date else None),
            date_text=resolved[1] if resolved else None,
            fatalities=fatalities if cand.type not in TOLL_FREE else None,
            elaborates=elaborates,
            foreign=_foreign(sent, sent_doc, tok),
        )

    def place_of(self, doc: Doc, start: int, end: int) -> EventPlaceRef | None:
        """Where the event signalled by tokens ``start:end`` happened, within its sentence only (no
        dateline or focus fallback): for evaluating the linker on sentence-level data."""
        sent = doc[start].sent if doc.has_annotation("SENT_START") else doc[:]
        [sent_doc] = self._parse([sent])
        return self._place(doc, sent, sent_doc, self._token(sent, sent_doc, start, end), fallback=False)

    def _place(self, doc: Doc, sent: Span, sent_doc: Doc | None, tok: Token | None,
               fallback: bool = True, within: set[int] | None = None, text: str | None = None
               ) -> EventPlaceRef | None:
        spans = place_spans(doc, sent)
        if within is not None:  # one clause of several: its own places only
            spans = [item for item in spans if item[0] - sent.start in within]
            if sent_doc is not None and tok is not None:
                spans = _this_time(spans, sent_doc, tok, sent.start)
        elif sent_doc is not None and tok is not None:
            spans = own_clause(spans, sent_doc, tok, sent.start)
        if sent_doc is not None:
            spans = without_origins(spans, sent_doc, sent.start)
        ref = None
        if spans and sent_doc is not None and tok is not None:
            index = by_token(spans, sent.start)
            if self.chooser is None:
                ref = first_place(stages(tok, index), self.sentence_fallback)
            else:  # every stage, once: the rules' choice is one of the chooser's features
                found_by_stage = list(stages(tok, index))
                ref = first_place(found_by_stage, self.sentence_fallback)
                rows, reached = candidate_features(tok, found_by_stage, spans, ref[1] if ref else None, sent.start,
                                                   self.chooser.trigger_rate(tok.lower_))
                chosen = self.chooser.choose(spans, rows)
                if chosen is None and fallback:  # a story's event happened somewhere: its sentence's likeliest
                    chosen = self.chooser.choose(spans, rows, threshold=0.0)  # place beats the dateline
                if chosen is not None:  # "in the village of X, in Y": the event is at X
                    chosen = spans[narrowest(spans.index(chosen), narrower(spans, doc.text if text is None else text))]
                how = reached[spans.index(chosen)] if chosen is not None else "none"
                ref = (("sentence" if how in ("sentence", "none") else "attached"), chosen) if chosen else None
        elif spans and sent_doc is None:
            ref = ("sentence", spans[0])
        if ref is not None:
            how, item = ref
            kind, index, text, start, end = item[2:7]
            return EventPlaceRef(text, start, end, how, kind, index, coarse=_coarse(doc, kind, index))
        if not fallback:
            return None
        places = list(doc._.places or [])
        for i, p in enumerate(places):
            if p.role == "dateline" and p.entry is not None:
                return EventPlaceRef(p.text, p.start, p.end, "dateline", "toponym", i)
        return None  # the enricher falls back to the story's focus


_TERRITORY = frozenset({"government_regains_territory", "non_state_actor_overtakes_territory"})
_TERRITORY_CHANGE = _TERRITORY | {"non_violent_transfer_of_territory"}


def _part_of_town(places: list) -> Callable[[EventPlaceRef | None, EventPlaceRef | None], bool]:
    """``inside(a, b)``: event place ``a`` is a local feature (a district, a street, a building) of
    ``doc._.places`` placed at the town that ``b`` names."""
    def inside(a: EventPlaceRef | None, b: EventPlaceRef | None) -> bool:
        if a is None or b is None or a.kind != "toponym" or b.kind != "toponym" \
                or not (0 <= a.index < len(places) and 0 <= b.index < len(places)):
            return False
        part, whole = places[a.index], places[b.index]
        return part.kind == "local" and whole.kind == "toponym" and part.entry is not None \
            and part.entry == whole.entry
    return inside


# Munitions made to disperse, not to kill: "stun grenades", "smoke grenades", "tear gas grenades".
_LESS_LETHAL = frozenset({"stun", "smoke", "flash", "flashbang", "tear", "teargas", "gas", "sound", "rubber",
                          "concussion", "pepper"})


def _less_lethal(tok: Token | None) -> bool:
    """The grenade a trigger names is a crowd-control munition ("stun grenades", "tear gas grenades")."""
    if tok is None:
        return False
    modifiers = [m for c in tok.lefts for m in (c, *c.children) if m.i < tok.i]  # "stun …", "tear gas grenades"
    return any(m.dep_ in ("amod", "compound", "nmod") and m.lower_ in _LESS_LETHAL for m in modifiers)


def _argument_words(tok: Token | None, dep: str) -> list[str]:
    """The lemmas, each padded with spaces, of each ``dep`` argument (subject, object) of the trigger's verb,
    with what a quantity counts ("dozens of families", "a group of transport workers")."""
    if tok is None:
        return []
    return [_phrase_words(child) for child in governor(tok).children if child.dep_ == dep]


def _phrase_words(node: Token) -> str:
    """The lemmas of a participant's words, padded with spaces, with what a quantity counts."""
    tokens = _phrase_tokens(node) + [t for of in node.children if of.dep_ == "prep" and of.lower_ == "of"
                                     for o in of.children if o.dep_ == "pobj" for t in _phrase_tokens(o)]
    return f" {' '.join(lemma_of(t.lower_) for t in tokens)} "


def _names_people(words: str) -> bool:
    """A participant's words (:func:`_phrase_words`) name people: civilians, an armed or state actor, or
    people by what they do ("workers", "hostages")."""
    return any(f" {c} " in words for c in CUES["civilian"]) or actor_kind(words.strip()) is not None \
        or bool(_PERSON_NOUNS & set(words.split()))


def _civilians_act(tok: Token | None) -> bool:
    """The trigger's verb has civilians as its subject ("dozens of families had left the camps"): armed
    forces and groups take, hold and hand over territory; civilians who leave a place flee it."""
    return any(actor_kind(words.strip()) is None and any(f" {c} " in words for c in CUES["civilian"])
               for words in _argument_words(tok, "nsubj"))


def _retrospective(events: list[EventMention], breaks: list[int]) -> bool:
    """The story looks back: its lead paragraph tells no event happening now ("Families gathered to remember
    17 people killed when a bomb exploded there five years ago"; "a court convicted two officers of murdering a
    fisherman shot dead during a protest six years ago")."""
    end = breaks[0] if breaks else None
    return not any(e.modality in HAPPENING for e in events if end is None or e.sentence[0] < end)


def _refers_back(tok: Token | None) -> bool:
    """The act blamed or claimed is the subject, told before: a pronoun or a definite noun phrase ("It was
    widely blamed on …", "the attack was claimed by …")."""
    if tok is None:
        return False
    return any(c.dep_ in ("nsubj", "nsubjpass") and (c.lower_ in ("it", "this", "that") or c.pos_ == "NOUN" and any(
        d.dep_ == "det" and d.lower_ in ("the", "this", "that") for d in c.children)) for c in governor(tok).children)


def _control_of_nothing(tok: Token | None) -> bool:
    """Control taken of nothing named ("the pack seized control after the interval"): no territory."""
    if tok is None:
        return False
    verb = governor(tok)
    controls = [c for c in verb.children if c.dep_ == "dobj" and c.lower_ == "control"]
    return bool(controls) and not any(c.dep_ == "prep" and c.lower_ in ("of", "over")
                                      for node in (verb, *controls) for c in node.children)


def _people_seized(tok: Token | None) -> str | None:
    """What the trigger's verb seized or took is people ("kidnappers seized a group of transport workers";
    "the labourers were seized … by a dozen men"): not weapons taken out of use, whatever the verb, but
    people taken — by the state, an arrest; by anyone else, an abduction (ACLED's codebook). The type they
    make, or ``None``."""
    if not any(_names_people(w) for w in _argument_words(tok, "dobj") + _argument_words(tok, "nsubjpass")):
        return None
    doers = _argument_words(tok, "nsubj") + [_phrase_words(o) for a in governor(tok).children  # "… by police"
                                             if a.dep_ == "agent" for o in a.children if o.dep_ == "pobj"]
    state = any(actor_kind(w.strip()) == "state" for w in doers)
    return "arrests" if state else "abduction_forced_disappearance"


_PERSON_NOUNS = frozenset(f for w in (
    "people", "person", "man", "men", "woman", "women", "child", "worker", "employee", "hostage", "fisherman",
    "fishermen", "miner", "official", "councillor", "engineer", "nurse", "labourer", "laborer", "member", "relative",
    "traveller", "traveler", "crew", "sailor", "tourist", "foreigner", "national", "citizen", "ranger", "guard")
    for f in forms(w))


_CONTRAST_MARKS = frozenset({"while", "whereas"})
# "…, hours after gunmen seized four fishermen near X": a clause placed in time apart from the main one tells
# another incident, with its own places.
_SEQUENCE_MARKS = frozenset({"after", "before"})
_TIME_APART = frozenset({"hours", "days", "weeks", "months", "day", "week", "night", "month", "year", "years"})


def _apart_in_time(tok: Token) -> bool:
    """An adverbial clause that says how long after or before the main one it happened ("hours after gunmen
    seized …", "a day before police fired …")."""
    marks = [c for c in tok.children if c.dep_ == "mark" and c.lower_ in _SEQUENCE_MARKS]
    return bool(marks) and any(c.dep_ == "npadvmod" and c.lower_ in _TIME_APART and c.i < marks[0].i
                               for c in tok.children)


_FINITE = frozenset({"VBD", "VBZ", "VBP"})  # a verb's tense or person: it heads a clause of its own


def clause_owner(sent_doc: Doc) -> list[int]:
    """For each token of a parsed sentence, the head of the independent clause it belongs to: the root,
    a verb coordinated with it that has a subject of its own ("…, and a bomb tore through …"), or a
    contrastive adverbial clause or one set apart in time, with its own subject ("… while police fired tear
    gas …", "…, hours after gunmen seized …") — a contrastive one also when only its tense marks it as a
    clause ("…, while in the city of X young men hurled stones", where the parser lost the subject). A verb
    coordinated without a subject ("attacked the post and killed three") shares its clause."""
    heads = set()
    for tok in sent_doc:
        own_subject = any(c.dep_ in ("nsubj", "nsubjpass", "expl") for c in tok.children)
        contrast = tok.dep_ == "advcl" and any(c.dep_ == "mark" and c.lower_ in _CONTRAST_MARKS for c in tok.children)
        if tok.head.i == tok.i:
            heads.add(tok.i)
        elif own_subject and tok.pos_ in ("VERB", "AUX") and (
                tok.dep_ == "conj" and tok.head.pos_ in ("VERB", "AUX") or
                contrast or tok.dep_ == "advcl" and _apart_in_time(tok)):
            heads.add(tok.i)
        elif contrast and tok.tag_ in _FINITE:
            heads.add(tok.i)  # "…, while in the city of X young men hurled stones": finite, so a clause of its own
            # even where the parser lost its subject (not "while fleeing", "while detained")
    owner = []
    for tok in sent_doc:
        node = tok
        while node.i not in heads and node.head.i != node.i:
            node = node.head
        owner.append(node.i)
    return owner



def _foreign(sent: Span, sent_doc: Doc | None, tok: Token | None) -> frozenset[int]:
    """The character offsets (in the story) of the words of the sentence's other independent clauses."""
    if sent_doc is None or tok is None:
        return frozenset()
    owner = clause_owner(sent_doc)
    if len(set(owner)) < 2:
        return frozenset()
    return frozenset(sent.start_char + t.idx for t in sent_doc if owner[t.i] != owner[tok.i])


def own_clause(spans: list[tuple], sent_doc: Doc, tok: Token, sent_start: int) -> list[tuple]:
    """The places (of :func:`place_spans`) in the independent clause of the trigger ``tok`` (see
    :func:`clause_owner`), when that clause names any: "rebels killed 14 in a raid in North Kivu province,
    while further south M23 fought around Kitshanga" — Kitshanga is the other clause's."""
    now = _this_time(spans, sent_doc, tok, sent_start)
    owner = clause_owner(sent_doc)
    if len(set(owner)) < 2:
        return now
    mine = [item for item in now if 0 <= item[0] - sent_start < len(owner) and
            owner[item[0] - sent_start] == owner[tok.i]]
    return mine or now


_OTHER_TIME = frozenset({"after", "before", "since", "until"})


def _this_time(spans: list[tuple], sent_doc: Doc, tok: Token, sent_start: int) -> list[tuple]:
    """The places (of :func:`place_spans`) less those of a clause of another time (:func:`_other_time`),
    unless no other place is left."""
    return [item for item in spans if not _other_time(sent_doc, item[0] - sent_start, tok)] or spans


def _other_time(sent_doc: Doc, at: int, tok: Token) -> bool:
    """The token at ``at`` lies in an adverbial clause of another time than the trigger's ("police cleared
    the road through Tuzla, hours after a landmine wounded two men near Kalesija"): that clause tells
    another event, and its places are that event's."""
    if not 0 <= at < len(sent_doc):
        return False
    node = sent_doc[at]
    for _ in range(len(sent_doc)):
        if node.left_edge.i <= tok.i <= node.right_edge.i:
            return False  # up to a phrase that holds the trigger: the place is the trigger's
        if node.dep_ == "advcl":
            left = node.left_edge.i
            if any(sent_doc[k].lower_ in _OTHER_TIME for k in range(left, min(left + 3, node.i))):
                return True
        if node.head.i == node.i:
            return False
        node = node.head
    return False


# verbs of coming or sending from somewhere: "from X" after them names where people or projectiles set out
_SET_OUT = frozenset(f for w in ("cross", "come", "arrive", "infiltrate", "travel", "launch", "fire", "sneak",
                                 "slip", "advance") for f in forms(w)) | {"came", "crossed", "fired", "launched"}


# Nouns of what joins two places: "the Athens-Thessaloniki highway", "the Gulu-Kampala road".
_ROUTES = frozenset({"highway", "motorway", "expressway", "freeway", "road", "railway", "rail", "railroad", "line",
                     "route", "pipeline", "corridor", "border", "frontier", "bridge", "crossing"})


def _route_end(sent_doc: Doc, at: int, end: int) -> bool:
    """The place at tokens ``at``..``end`` of the sentence is one end of a route named by its two ends ("on
    the Athens-Thessaloniki highway near X"): the road is where it passes, not where things happen."""
    def route_after(k: int) -> bool:
        return any(k + n < len(sent_doc) and sent_doc[k + n].lower_ in _ROUTES for n in range(3))
    dash = ("-", "–", "—")
    if end + 1 < len(sent_doc) and sent_doc[end].text in dash and sent_doc[end + 1].is_title:
        return route_after(end + 2)
    return at >= 2 and sent_doc[at - 1].text in dash and sent_doc[at - 2].is_title and route_after(end)


# Words that place a source, not an event: "a monitor based in Britain", "speaking by phone from Marib".
_SEAT = frozenset({"based", "headquartered", "speaking", "spoke", "phone", "telephone", "writing"})


def without_origins(spans: list[tuple], sent_doc: Doc, sent_start: int) -> list[tuple]:
    """The places (of :func:`place_spans`) less those named as where someone or something set out from ("armed
    men who had crossed from Afghanistan into Darvoz"; "rockets fired from Gaza hit Sderot"), the ends of a
    route named by them ("farmers tried to drive onto the Athens-Thessaloniki highway near Nikaia"), the
    places a distance is measured from ("near Larba, 25 km from Algiers") and where the source of the news
    sits ("…, a monitor based in Britain, reported") — unless no other place is left."""
    def governing_prep(at: int) -> Token | None:
        """The preposition whose object the place (its compound's head) is."""
        head = sent_doc[at]
        while head.dep_ == "compound" and head.head.i != head.i:
            head = head.head
        return head.head if head.dep_ == "pobj" else None

    def origin(item: tuple) -> bool:
        at = item[0] - sent_start
        if not 0 <= at < len(sent_doc):
            return False
        if _route_end(sent_doc, at, item[1] - sent_start):
            return True
        idx = sent_doc[at].idx
        if MEASURED_FROM.search(sent_doc.text, max(0, idx - 70), idx) is not None:
            return True
        prep = governing_prep(at)
        # set out from it, or someone's or something's provenance: "a 34-year-old man from Kumanovo"
        return prep is not None and prep.lower_ == "from" and (prep.head.lower_ in _SET_OUT
                                                               or prep.head.pos_ in ("NOUN", "PROPN", "PRON"))

    def seat(item: tuple) -> bool:
        at = item[0] - sent_start
        prep = governing_prep(at) if 0 <= at < len(sent_doc) else None
        return prep is not None and prep.lower_ in ("in", "from") and prep.head.lower_ in _SEAT
    spans = [item for item in spans if not seat(item)]  # never the event's place, even when alone
    kept = [item for item in spans if not origin(item)]
    return kept or spans


def _coarse(doc: Doc, kind: str, index: int) -> bool:
    """An area, or a place that is a country, a division, a region or a natural feature (a sea, a lake,
    mountains) — by the gazetteer, or by the words around its name (``REGION_NOUNS``): a finer place may
    follow."""
    if kind == "area":
        return True
    places = doc._.places or []
    place = places[index] if kind == "toponym" and 0 <= index < len(places) else None
    if place is None:
        return False
    if place.entry is not None and (division(place.entry) or place.entry.is_area):
        return True  # a sea, a lake, a river or mountains: a landmark the event happened by
    return _named_region(doc, place.start, place.end)


def _named_region(doc: Doc, start: int, end: int) -> bool:
    """The name is told as a region: "X region", "X province" (the noun in the name or right after it), or
    "the region of X"."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or not len(span):
        return False
    if span[-1].lower_ in REGION_NOUNS:
        return True
    if span.end < len(doc) and doc[span.end].lower_ in REGION_NOUNS:
        return True
    return span.start >= 2 and doc[span.start - 1].lower_ == "of" and doc[span.start - 2].lower_ in REGION_NOUNS


_WEEKDAY_WORDS = frozenset(WEEKDAY_NAMES)
_DAY_PARTS = frozenset({"morning", "afternoon", "evening", "night", "noon", "midday", "midnight", "dawn", "dusk"})


def _date_text(sent: Span, sent_doc: Doc | None, triggers: set[int] = frozenset()) -> str:
    """The sentence's text for date resolution: a weekday that modifies a noun other than a part of the day
    names a kind of thing, not a day ("Friday prayers", "the Sunday market"; "Monday morning" stays a date),
    so it is blanked out, and so is a relative or participial clause without a trigger (``triggers``: token
    offsets in the sentence), which tells of its noun at its own time ("an aircraft hit a market street in
    Kyaukme, … the TNLA, which has held both towns since last year"; "In Nyala, the capital held by the RSF
    since October 2023, a drone slammed into a market") — unless its noun is a time ("in May 2017, when …")."""
    text = sent.text
    if sent_doc is None:
        return text
    for tok in sent_doc:  # "… in Kyaukme, … which has held both towns since last year": the clause's own time
        if tok.dep_ in ("relcl", "acl") and tok.head.lower_ not in _TIME_NOUNS and not tok.head.like_num \
                and not any(tok.left_edge.i <= k <= tok.right_edge.i for k in triggers):
            start, end = tok.left_edge.idx, tok.right_edge.idx + len(tok.right_edge.text)
            text = text[:start] + " " * (end - start) + text[end:]
    for tok in sent_doc:
        if tok.lower_ in _WEEKDAY_WORDS and tok.dep_ == "compound" and tok.head.pos_ in ("NOUN", "PROPN") \
                and tok.head.lower_ not in _DAY_PARTS and tok.head.lower_ not in _WEEKDAY_WORDS:
            text = text[:tok.idx] + " " * len(tok.text) + text[tok.idx + len(tok.text):]
    own = _own_time(text, sent_doc, triggers)
    return own if own is not None else text


def _own_time(text: str, sent_doc: Doc, triggers: set[int]) -> str | None:
    """When every trigger lies in one subordinate or reported clause that is dated itself, that clause's text
    alone: the event is told at its own time ("… gathered on Sunday to remember those who died when gunmen
    raided their homes in January 2021": January 2021, not Sunday; "a farmer told a court on Tuesday how
    gunmen surrounded his village two years ago and shot his wife": two years ago)."""
    if not triggers:
        return None
    clauses = [t for t in sent_doc if t.dep_ in ("advcl", "relcl", "acl", "ccomp") and
               all(t.left_edge.i <= k <= t.right_edge.i for k in triggers)]
    for tok in sorted(clauses, key=lambda t: t.right_edge.i - t.left_edge.i):  # the trigger's own clause first
        start, end = tok.left_edge.idx, tok.right_edge.idx + len(tok.right_edge.text)
        clause = " " * start + text[start:end]
        if resolve_date(clause, date(2000, 1, 1)) is not None:  # any reference day: is a time named?
            return clause
    return None


_VOW_MIN = 0.1
# Subjects that name no one: "nobody was arrested", "none was hurt".
_NOBODY = frozenset({"nobody", "none", "nothing", "noone"})
# Words that tell a new incident of a kind already told: "a second aircraft struck …", "another bomb …".
_ANOTHER = frozenset({"another", "second", "third", "separate", "separately", "elsewhere"})


def _new_incident(before: str) -> bool:
    """The words before a trigger mark a new incident ("In another attack, gunmen seized …", "Separately,
    …"): what follows tells an event of its own, not more of one already told."""
    return bool(_ANOTHER & {w.strip(",;:\"'") for w in before.lower().split()})


# Verbs of something going on: "fighting continues", "clashes rage" tell of the news in the present tense.
_GOING_ON = frozenset({"continue", "rage", "persist", "go", "spread", "escalate", "intensify", "grow", "mount",
                       "enter", "drag", "resume"})
_TIME_NOUNS = _WEEKDAY_WORDS | _DAY_PARTS | frozenset(MONTH_NAMES) | {"day", "week", "month", "year", "time", "hour",
                                                                      "moment", "date"}


def _arrests_beside_seizure(candidates: list[Candidate], matches: list[tuple[Trigger, int, int]],
                            heads: dict[tuple[int, int], Token | None]) -> list[Candidate]:
    """A raid told as people detained and weapons seized ("officers arrested two men … and seized two
    pistols") is two events: the classifier reads the seizure, the grammar the arrest (an arrest verb whose
    object is people, see :func:`_people_seized`), as sure as the seizure."""
    seizure = next((c for c in candidates if c.type == "disrupted_weapons_use"), None)
    if seizure is None or any(c.type == "arrests" for c in candidates):
        return []
    held = next(((trigger, start, end) for trigger, start, end in matches if trigger.type == "arrests"
                 and start != seizure.start and _people_seized(heads.get((start, end))) is not None), None)
    return [Candidate("arrests", seizure.score, *held)] if held else []


# Verbs that take someone away, and the words that say "away": "took … from their homes", "led him off".
_TAKE_FORMS = frozenset(f for w in ("take", "carry", "lead", "drag", "haul", "march", "drive") for f in forms(w)) | {
    "took", "taken", "led", "drove", "driven"}
_AWAY = frozenset({"from", "away", "off"})
# What the words may make of people taken: taking is not looting, and non-state hands make no arrest.
_TAKEN_AS = frozenset({"looting_property_destruction", "arrests", "disrupted_weapons_use"})


def _people_taken_away(sent_doc: Doc) -> int | None:
    """The offset of a verb of taking whose object is people (:func:`_people_seized`), taken from somewhere
    or away by armed hands that are not the state's ("armed men", "gunmen", "militants"), or ``None``."""
    for tok in sent_doc:
        if tok.pos_ == "VERB" and tok.lower_ in _TAKE_FORMS and any(  # "from" may hang off the people taken
                c.lower_ in _AWAY and c.dep_ in ("prep", "prt", "advmod") for c in tok.subtree) and \
                _people_seized(tok) == "abduction_forced_disappearance" and \
                any(actor_kind(w.strip()) == "nonstate" for w in _argument_words(tok, "nsubj")):
            return tok.i
    return None


def _eventful(proba: dict[str, float]) -> bool:
    """The classifier puts a sentence's most likely reading on an event type, not on ``none``."""
    return max(proba, key=proba.__getitem__) != NONE


# What criminals do to people, told as its own event: a killing by a gang is an attack (ACLED's violence
# against civilians), a gunfight between gangs an armed clash.
_CRIME_VIOLENCE = ("attack", "armed_clash")


def _violence_within_crime(candidates: list[Candidate], ruled: list[Candidate],
                           proba: dict[str, float]) -> list[Candidate]:
    """When the classifier reads a sentence that counts its dead as organised crime ("a 16-year-old boy was
    shot dead …, the latest casualty of a drug war"), the killing is an event too: alert rules on attacks
    must see a gang's murders. Its type is the one of attack and armed clash the classifier finds likelier
    (civilians killed, or gangs fighting each other), its evidence the rules' trigger for it or the
    crime's. It ranks just under the crime (a closed-set reading keeps the crime), with the crime's
    confidence that something happened."""
    crime = candidates[0] if candidates else None
    if crime is None or crime.type != "organized_crime" or any(c.type in _CRIME_VIOLENCE for c in candidates):
        return []
    kind = max(_CRIME_VIOLENCE, key=lambda t: proba.get(t, 0.0))
    act = next((c for c in ruled if c.type == kind), crime)
    return [Candidate(kind, round(max(0.0, crime.score - 0.01), 3), act.trigger, act.start, act.end)]


def _in_quotes(doc: Doc, matches: list[tuple[Trigger, int, int]]) -> frozenset[int]:
    """The starts of the triggers that stand alone in quotation marks: a speaker's word mentioned ("said it
    had struck a column, 'neutralising' 20"), not the narration's."""
    return frozenset(start for _, start, end in matches if end - start == 1 and _alone_in_quotes(doc, start))


def _rerank(candidates: list[Candidate], proba: dict[str, float], matches: list[tuple[Trigger, int, int]],
            secondary_min: float, salience: dict[int, float], quoted: frozenset[int] = frozenset()) -> list[Candidate]:
    """The classifier decides the types: its most likely type, plus any other the rules also found with a
    probability of at least ``secondary_min`` ("jets bombed … as shelling went on"); each keeps the rules'
    trigger for that type as its evidence, else the sentence's strongest trigger (one the narration uses,
    before a word in quotation marks: ``quoted``). Confidence = the
    classifier's calibrated probability (adjusted by salience as before); for the most likely type, that
    of its ACLED event type as a whole (its sub-types' summed), as the confidence that such an event
    happened. Types the classifier does not know (the ``election`` tag) keep the rules' verdict."""
    by_type = {c.type: c for c in candidates}
    ranked = sorted(((p, t) for t, p in proba.items() if t != NONE), reverse=True)
    if not ranked or proba.get(NONE, 0.0) >= ranked[0][0]:
        return [c for c in candidates if c.type not in proba]
    p_top, top = ranked[0]
    if top in _TERRITORY and (_TERRITORY - {top}) & set(by_type) and top not in by_type:
        # who took the place decides between the two, and the parse knows the subject (the classifier reads
        # names masked): the rules' side of the pair, with the pair's probability
        other = next(iter(_TERRITORY - {top}))
        ranked[0] = (p_top + proba.get(other, 0.0), other)
        ranked = [r for r in ranked if r[1] != top]
    strongest = max(matches, key=lambda m: (m[1] not in quoted, m[0].weight, m[2] - m[1], -m[1]))
    out = []
    for rank, (p, type_) in enumerate(ranked):
        if rank and (p < secondary_min or type_ not in by_type):
            continue
        held = by_type.get(type_)
        trigger, start, end = (held.trigger, held.start, held.end) if held else strongest
        if rank == 0:  # sure of the kind of event, less of its sub-type: "missiles slammed into …, while air
            p = sum(q for t, q in proba.items() if family(t) == family(type_))  # defences …"
        out.append(Candidate(type_, round(min(0.99, p + salience.get(start, 0.0)), 3), trigger, start, end))
    out += [c for c in candidates if c.type not in proba]
    return out


_OPEN_QUOTES, _CLOSE_QUOTES = frozenset({'"', "“", "'", "‘"}), frozenset({'"', "”", "'", "’"})


def _alone_in_quotes(doc: Doc, i: int) -> bool:
    """Token ``i`` stands alone between quotation marks ("a 'collapsed' block"): a word mentioned, not used."""
    return 0 < i < len(doc) - 1 and doc[i - 1].text in _OPEN_QUOTES and doc[i + 1].text in _CLOSE_QUOTES
# their inflections, matched as written: registered, they would change the lemmas the classifier reads
_NOT_REAL_FORMS = frozenset(f for verb in NOT_REAL_VERBS for f in forms(verb)) | {"practice", "practiced"}
_EXERCISE_FORMS = frozenset(f for w in ("exercise", "drill", "manoeuvre", "maneuver", "wargame") for f in forms(w)) | {
    "war games", "war game"}
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
# Verbs that grant a power ("an emergency that allows police to detain suspects"): what they allow is not done.
_PERMIT_FORMS = frozenset(f for w in ("allow", "permit", "enable", "empower", "authorize", "authorise", "let")
                          for f in forms(w)) | {"lets", "letting"}


def _exercise_lead(lead: Span, lead_events: list[EventMention]) -> bool:
    """The story's lead is about an exercise — it names one, or a verb of simulating, and tells no event
    that happened — so the story's later strikes, shellings and assaults are the exercise's."""
    words = {t.lower_ for t in lead}
    if words.isdisjoint(_EXERCISE_FORMS | _NOT_REAL_FORMS) and "war games" not in lead.text.lower():
        return False
    return not any(e.modality in HAPPENING for e in lead_events)


def _up_to(tok: Token, verb: Token, limit: int | None = None) -> list[Token]:
    """The trigger and its heads up to its verb (an ancestor: see governor) or the root, at most ``limit``."""
    path = [tok]
    while path[-1].i != verb.i and path[-1].head.i != path[-1].i and (limit is None or len(path) < limit):
        path.append(path[-1].head)
    return path


def _not_real(tok: Token, verb: Token) -> bool:
    """A rehearsal or a fiction: the trigger alone in quotation marks ("a 'collapsed' block": the word
    mentioned, not used), or under a mock or simulated thing or a verb of simulating — on its way up to the
    verb it depends on, or at most two heads above that — or told of a work's plot (:func:`_a_work`)."""
    doc = tok.doc
    if _alone_in_quotes(doc, tok.i):
        return True
    path = _up_to(tok, verb)  # then two heads more at most
    for _ in range(2):
        if path[-1].head.i != path[-1].i:
            path.append(path[-1].head)
    if any(node.lower_ in _NOT_REAL_FORMS or any(
            c.dep_ in ("amod", "compound") and c.lower_ in NOT_REAL_MODIFIERS for c in node.children) for node in path):
        return True
    while path[-1].head.i != path[-1].i:
        path.append(path[-1].head)
    return any(_a_work(c) for node in path for c in node.children if c.dep_ == "nsubj")


# Events that exist only once agreed or held: an attempt at one is not one (an attempted attack is an attack).
_SETTLEMENTS = frozenset({"agreement", "diplomatic_event"})
_ATTEMPT_FORMS = frozenset(f for w in ("try", "attempt", "strive", "struggle", "scramble", "hope", "want", "push")
                           for f in forms(w)) | {"tried", "sought"}


def _attempted(tok: Token) -> bool:
    """The trigger is what someone tries, hopes or pushes to bring about: "were trying to arrange a
    ceasefire", "hopes to sign a deal"."""
    node = governor(tok)
    for _ in range(3):
        if node.dep_ not in ("xcomp", "ccomp", "advcl") or node.head.i == node.i:
            return False
        node = node.head
        if node.lower_ in _ATTEMPT_FORMS:
            return True
    return False


# Nouns of a count's change or size: "the jump in abductions", "a fall in the number of killings".
_TRENDS = frozenset(f for w in ("jump", "rise", "increase", "surge", "spike", "fall", "drop", "decline", "decrease",
                                "number", "tally", "total", "rate", "trend") for f in forms(w))


# Verbs that tally, and the documents that record: "the report counts 73 people abducted", "the study
# recorded nine kidnappings".
_TALLY_VERBS = frozenset(f for w in ("count", "tally") for f in forms(w))
_RECORD_VERBS = frozenset(f for w in ("record", "document", "register", "log", "list") for f in forms(w))
_DOCUMENTS = frozenset(f for w in ("report", "study", "survey", "figure", "data", "tally", "database", "review",
                                   "census", "index", "audit") for f in forms(w))


def _counted(tok: Token) -> bool:
    """The trigger is a noun counted over time ("the jump in abductions", "the number of attacks") or what
    a tally or a document counts ("the report counts 73 people abducted", "the study recorded nine
    kidnappings"): a statistic, not an incident."""
    node = tok
    while node.dep_ in ("compound", "conj") and node.head.i != node.i:
        node = node.head
    prep = node.head
    if tok.pos_ == "NOUN" and node.dep_ == "pobj" and prep.lower_ in ("in", "of") and prep.head.lower_ in _TRENDS:
        return True
    counted = node.head if node.dep_ == "acl" else node  # "73 people abducted": the people are counted
    if counted.dep_ != "dobj":
        return False
    verb = counted.head
    return verb.lower_ in _TALLY_VERBS or verb.lower_ in _RECORD_VERBS and any(
        c.dep_ == "nsubj" and c.lower_ in _DOCUMENTS for c in verb.children)


_BLAME_FORMS = frozenset(f for w in ("blame", "accuse") for f in forms(w))


def _blames_no_actor(tok: Token | None) -> bool:
    """The trigger's verb blames or accuses something that is no actor — no name, no armed or state actor,
    no people ("blamed tired legs", "blamed the weather"): no attribution of responsibility."""
    if tok is None:
        return False
    verb = governor(tok)
    objects = [c for c in verb.children if c.dep_ == "dobj"]
    if verb.lower_ not in _BLAME_FORMS or not objects or any(
            c.dep_ == "prep" and c.lower_ == "on" for node in (verb, *objects) for c in node.children):
        return False  # "blamed the ambush on X": the act is the object, the actor comes after "on"
    return all(o.pos_ == "NOUN" and not o.ent_type_ and not o.is_title for o in objects) and not any(
        _names_people(w) for w in _argument_words(tok, "dobj"))


def _future_said(tok: Token) -> bool:
    """The trigger's verb is a future someone states ("said his people will avenge their dead", backshifted
    "… would avenge …"): "will", "shall" or a reported "would", under no condition ("would respond if
    attacked") and no verb of hedging. For a threat, that future is what is threatened."""
    verb = governor(tok)
    auxes = {c.lower_ for c in verb.children if c.dep_ == "aux"}
    if not auxes & {"will", "shall", "'ll", "would"} or auxes & (_HYPO_AUX - {"would"}):
        return False
    if any(c.dep_ == "mark" and c.lower_ in ("if", "unless", "whether") for n in (verb, *verb.children)
           for c in n.children):
        return False
    return "would" not in auxes or verb.dep_ == "ccomp" and lemma_of(verb.head.lower_) in _REPORT


def _hedged(sent_doc: Doc) -> bool:
    """The sentence tells only what could or might happen, nothing that will: a forecast, not a threat."""
    modals = {t.lower_ for t in sent_doc if t.dep_ == "aux" and t.tag_ == "MD"}
    return bool(modals & {"could", "might", "may"}) and not modals & {"will", "would", "shall", "'ll", "must"}


# Nouns of works that tell a story: what happens in their plot is not news.
_WORKS = frozenset(f for w in ("film", "movie", "novel", "play", "drama", "thriller", "documentary", "series",
                               "opera", "musical", "episode", "sequel", "screenplay", "miniseries")
                   for f in forms(w))


def _a_work(subject: Token) -> bool:
    """A film, a novel or a play, or a title in quotation marks, is the subject: the sentence tells its plot
    ("'Morro Alto' follows two brothers on opposite sides of a gang feud")."""
    doc = subject.doc
    first = subject.left_edge
    return subject.lower_ in _WORKS or subject.pos_ == "PROPN" and (
        doc[first.i].text in _OPEN_QUOTES or first.i > 0 and doc[first.i - 1].text in _OPEN_QUOTES)


_ANYONE = frozenset({"anyone", "anybody", "whoever", "whomever", "anything", "whatever"})


def _of_anyone(tok: Token) -> bool:
    """The trigger tells what no one in particular would do: it sits in a relative clause on "anyone",
    "whoever" and the like ("warned that anyone who joined in mob justice would be prosecuted")."""
    node = tok
    for _ in range(6):
        if node.dep_ == "relcl" and node.head.lower_ in _ANYONE:
            return True
        if node.head.i == node.i:
            return False
        node = node.head
    return False


def _modality(tok: Token) -> str:
    verb = governor(tok)
    if _not_real(tok, verb):
        return "hypothetical"
    path = _up_to(tok, verb, limit=6)  # "there was no claim of responsibility" is negated on "claim"
    if any(c.dep_ == "det" and c.lower_ == "no" for node in path[1:-1] if node.pos_ in ("NOUN", "PROPN")
           for c in node.children):
        return "negated"
    if tok.i == verb.i and any(c.dep_ == "dobj" and any(d.dep_ == "det" and d.lower_ == "no" for d in c.children)
                               for c in verb.children):
        return "negated"  # the trigger is the verb, and what it found is nothing: "found no other explosives"
    for node in {tok, verb}:
        for child in node.children:
            if child.dep_ == "neg" or (child.dep_ == "det" and child.lower_ == "no"):
                return "negated"
            if child.dep_ in ("nsubj", "nsubjpass") and (child.lower_ in _NOBODY or any(
                    c.dep_ == "det" and c.lower_ == "no" for c in child.children)):
                return "negated"  # "no group claimed responsibility", "no one was hurt", "nobody was arrested"
            if child.dep_ == "aux" and child.lower_ in _HYPO_AUX:
                return "hypothetical"
            if child.dep_ == "aux" and child.lower_ in ("will", "shall", "'ll"):
                return "planned"
            if child.dep_ == "mark" and child.lower_ in ("if", "unless", "whether"):
                return "hypothetical"
    node = verb
    for _ in range(4):
        if node.head.i == node.i:  # the root (spaCy makes a new Token object at every access: no `is`)
            break
        sibling = node.dep_ == "conj"  # "rejected the claim and warned …": coordinated, not governed by it
        granted = node.dep_ in ("xcomp", "ccomp")
        complement = node.dep_ in ("acl", "xcomp")
        node = node.head
        if complement and tok.i == verb.i and node.pos_ == "NOUN" and any(
                c.dep_ == "det" and c.lower_ == "no" for c in node.children):
            return "negated"  # "made no attempt to disperse the protesters": an act no one tried (not what it
            # was to stop: "no effort to stop the looting" tells of looting)
        if granted and node.lower_ in _PERMIT_FORMS:
            return "hypothetical"  # "allows soldiers and police to … detain suspects": a power, not an act
        lemma = lemma_of(node.lower_)
        if sibling and (lemma in _DENY or lemma in _THREAT or lemma in _PLAN):
            continue
        if lemma in _DENY:
            return "denied"
        if lemma in _THREAT:
            return "threatened"
        if lemma in _PLAN:
            return "planned"
        if any(c.dep_ == "aux" and c.lower_ in _HYPO_AUX for c in node.children) and node.dep_ in ("ROOT", "conj"):
            return "hypothetical"
        if lemma in _REPORT:
            return "reported"
    if any(c.lower_ == "according" for c in verb.subtree):
        return "reported"
    return "asserted"


def _habit_or_order(tok: Token) -> str | None:
    """A trigger whose verb is in the simple present with no auxiliary tells a habit or a state ("armed
    groups and smugglers compete for routes"; not "fighting continues", which goes on): background, not an
    incident ("past"). A verb in the bare form with no subject, opening its sentence or a label's line, is
    an order or a schedule ("Timberwolves: Visit Denver on Thursday"): "hypothetical". ``None`` otherwise."""
    verb = governor(tok)
    if verb.pos_ != "VERB" or any(c.dep_ in ("aux", "auxpass", "neg") for c in verb.children):
        return None
    lemma = lemma_of(verb.lower_)
    if verb.tag_ in ("VBZ", "VBP") and verb.dep_ in ("ROOT", "conj", "relcl", "advcl") and lemma not in _REPORT \
            and lemma not in _GOING_ON:
        return "past"
    before = [t for t in verb.doc[verb.sent.start:verb.i] if not t.is_punct or t.text == ":"]
    if verb.tag_ == "VB" and not any(c.dep_.startswith("nsubj") for c in verb.children) \
            and (not before or before[-1].text == ":"):
        return "hypothetical"
    return None


def _phrase_tokens(tok: Token) -> list[Token]:
    """A participant's words: its compounds, modifiers, possessors and coordinated heads ("the army and
    allied militias"), not its prepositional phrases or relative clauses."""
    left = tok.left_edge.i
    words = [t for t in tok.doc[left:tok.i + 1] if t.dep_ not in ("det", "punct") or t.i == tok.i]
    for child in tok.children:
        if child.dep_ == "conj" and child.i > tok.i:
            words += [t for t in tok.doc[child.left_edge.i:child.i + 1] if t.dep_ not in ("det", "punct")]
    return words


def _phrase(tok: Token) -> str:
    words = _phrase_tokens(tok)
    return " ".join(t.text for t in words if t.i <= tok.i).strip()


_NOT_PARTICIPANT_ENTS = {"GPE", "LOC", "FAC", "DATE", "TIME", "CARDINAL", "ORDINAL", "QUANTITY", "PERCENT", "MONEY"}
_THINGS = {"aircraft", "weapon", "explosive"}  # cue groups whose words name weapons and machines, not actors


def _participant(tok: Token) -> bool:
    """Actors and targets are groups, organisations or people: never a place, a day, a number or a weapon
    ("Kirkuk", "Monday", "a drone")."""
    if tok.ent_type_ in _NOT_PARTICIPANT_ENTS or tok.pos_ in ("PRON", "NUM") or tok.like_num:
        return False
    lemma = lemma_of(tok.lower_)
    return not any(lemma in CUES[g] for g in _THINGS)


def _participants(tok: Token, t_start: int, t_end: int) -> tuple[list[str], list[str]]:
    verb = governor(tok)
    inside = range(t_start, t_end)
    actors, targets = [], []

    def take(node: Token, into: list[str]) -> None:
        if node.i not in inside and _participant(node):
            into.append(_phrase(node))

    for child in verb.children:
        if child.i in inside:
            continue
        if child.dep_ == "nsubj":
            take(child, actors)
        elif child.dep_ == "agent":
            for c in child.children:
                if c.dep_ == "pobj":
                    take(c, actors)
        elif child.dep_ in ("dobj", "nsubjpass"):
            take(child, targets)
    for node in {tok, verb}:
        for child in node.children:
            if child.dep_ == "prep" and child.lower_ in ("on", "against", "at", "targeting"):
                for c in child.children:
                    if c.dep_ == "pobj":
                        take(c, targets)
            if node is tok and child.dep_ in ("compound", "amod", "poss") and child.ent_type_ in ("NORP", "GPE", "ORG") \
                    and child.i not in inside:
                actors.append(child.text)
    return _unique(actors), _unique(targets)


def _unique(items: list[str]) -> list[str]:
    out = []
    for item in items:
        if item and item not in out:
            out.append(item)
    return out[:4]


@Language.factory(
    "wirewatch_events",
    default_config={"min_confidence": 0.8, "rules_min_confidence": 0.5, "parse": True, "sentence_fallback": False,
                    "place_model": "default", "classifier": "default", "secondary_min": 0.25, "untriggered_min": 0.8},
    assigns=["doc._.events"],
    requires=["doc.sents", "token.pos"],
)
def make_event_tagger(nlp: Language, name: str, min_confidence: float, rules_min_confidence: float, parse: bool,
                      sentence_fallback: bool, place_model: str, classifier: str, secondary_min: float,
                      untriggered_min: float) -> EventTagger:
    if not Doc.has_extension("events"):
        Doc.set_extension("events", default=None)
    return EventTagger(nlp, name, min_confidence=min_confidence, rules_min_confidence=rules_min_confidence, parse=parse,
                       sentence_fallback=sentence_fallback, place_model=place_model, classifier=classifier,
                       secondary_min=secondary_min, untriggered_min=untriggered_min)
