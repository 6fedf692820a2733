"""Where an event happened: link an event's trigger to a place or area of its sentence, by the
dependency parse (used by ``wirewatch_events``).

Rules (:func:`stages`, :func:`first_place`): a place reached from the trigger's verb (and verbs
coordinated with it) through a locative preposition, or that is the verb's object itself, the most
specific first; else one attached to its subject; else in its adverbial clause; else attached to the
verb it depends on; else, optionally, any place so attached in the sentence.
"""

from __future__ import annotations

import re
from typing import Any, Iterable, Iterator

from spacy.tokens import Doc, Span, Token

__all__ = ["place_spans", "by_token", "governor", "stages", "first_place", "candidate_features", "FEATURES", "PlaceChooser",
           "default_chooser", "narrower", "narrowest", "TriggerRates"]

_LOC_PREPS = {"in", "near", "at", "outside", "around", "inside", "across", "into", "on", "over", "off", "along",
              "throughout", "within", "towards", "toward", "between", "north", "south", "east", "west",
              "northeast", "northwest", "southeast", "southwest", "close", "onto", "upon", "nearby"}
# "of" is locative after a place noun or a direction ("the town of X", "outskirts of X", "north of X"),
# not after a group ("fighters of the Northern Shield Brigade"); "from" only after a direction/distance.
_OF_HEADS = {"town", "village", "city", "district", "neighbourhood", "neighborhood", "province", "region", "area",
             "locality", "suburb", "governorate", "county", "municipality", "camp", "outskirts", "centre", "center",
             "part", "parts", "north", "south", "east", "west", "northeast", "northwest", "southeast", "southwest",
             "heart", "vicinity", "countryside", "capital", "state", "island", "port", "border", "edge", "side",
             "streets", "coast", "bank", "towns", "villages", "cities", "districts", "areas", "neighbourhoods",
             "neighborhoods", "provinces", "regions", "localities", "suburbs", "outpost", "base", "km", "kilometres",
             "kilometers", "miles"}
_MODIFIERS = {"compound", "nmod", "poss", "amod"}  # "shelled Rawa town", "Baghdad's Karrada district"
_NO, _PREP, _OBJECT = 0, 1, 2  # how a token was reached: not locatively, through a preposition, as the object
_DIRECT = {"dobj", "nsubjpass", "attr", "oprd", "dative"}
_CLAUSAL = {"ccomp", "advcl", "relcl", "parataxis", "csubj", "xcomp"}


def place_spans(doc: Doc, sent: Span) -> list[tuple]:
    """Places and areas inside the sentence: (token start, token end, kind, index, text, char start, char end,
    specificity, resolved)."""
    out = []
    for kind, items in (("area", doc._.areas or []), ("toponym", doc._.places or [])):
        for i, p in enumerate(items):
            if kind == "toponym" and p.kind not in ("toponym", "local"):
                continue  # demonyms are signals, not where something happened
            if sent.start_char <= p.start and p.end <= sent.end_char:
                span = doc.char_span(p.start, p.end, alignment_mode="expand")
                if span is not None:
                    # a local feature is where it is, but known only by the town it is placed at
                    resolved = kind == "area" or (p.entry is not None and p.kind != "local")
                    out.append((span.start, span.end, kind, i, p.text, p.start, p.end, _specificity(kind, p),
                                resolved))
    return out


def by_token(spans: list[tuple], sent_start: int) -> dict[int, tuple]:
    """Token index in the sentence's parse → the place (of :func:`place_spans`) covering it."""
    index: dict[int, tuple] = {}
    for item in spans:
        for i in range(item[0], item[1]):
            index.setdefault(i - sent_start, item)
    return index


def _specificity(kind: str, p: Any) -> float:
    """Lower is more specific: a town (or a name too small for the gazetteer) before a province, an
    area, a country."""
    if kind == "area":
        return 1.5 if p.kind == "part_of_country" else 1.0
    entry = p.entry
    if entry is None or entry.feature == "PPL":
        return 0.0
    return 1.0 if entry.feature in ("ADM1", "ADM2") else 2.0


def governor(tok: Token) -> Token:
    """The verb a nominal trigger depends on ("carried out airstrikes" → carried), else the trigger."""
    node = tok
    for _ in range(3):
        if node.pos_ in ("VERB", "AUX") or node.dep_ == "ROOT":
            return node
        if node.dep_ == "pobj" and node.head.dep_ in ("prep", "agent"):
            node = node.head.head
        elif node.dep_ in ("dobj", "nsubj", "nsubjpass", "attr", "compound", "conj", "appos", "npadvmod", "amod"):
            node = node.head
        else:
            return node
    return node


def _locative(prep: Token) -> bool:
    word = prep.lower_
    if word in _LOC_PREPS:
        return True
    if word in ("of", "from"):
        return prep.head.lower_ in _OF_HEADS
    return False


def _reachable(node: Token, by_token: dict[int, tuple], skip_subject: bool = True,
               clauses: bool = False) -> list[tuple[tuple, int, int, str]]:
    """Places under ``node`` reached through a locative preposition, or that are the verb's object
    itself ("stormed the town of X", "the port was seized" — not "an Italian sailor was wounded"), with
    their depth, how they were reached and the first preposition on the way; not crossing into other
    clauses (nor, unless asked, into the subject)."""
    out, frontier, depth = [], [(node, _NO, "")], 0
    while frontier:
        nxt = []
        for tok, how, prep in frontier:
            if how != _NO and tok.i in by_token:
                out.append((by_token[tok.i], depth, how, prep))
            for child in tok.children:
                if (child.dep_ in _CLAUSAL and not clauses) or (skip_subject and child.dep_ in ("nsubj", "csubj")) or \
                        (child.dep_ == "conj" and child.pos_ in ("VERB", "AUX") and not clauses):
                    continue
                if how == _PREP:
                    nxt.append((child, _PREP, prep))
                elif child.dep_ == "prep" and _locative(child):
                    nxt.append((child, _PREP, child.lower_))
                elif (depth == 0 and child.dep_ in _DIRECT) or (how == _OBJECT and (
                        child.dep_ in ("conj", "appos") or (tok.lower_ in _OF_HEADS and child.dep_ in _MODIFIERS))):
                    nxt.append((child, _OBJECT, ""))
                else:
                    nxt.append((child, _NO, ""))
        frontier, depth = nxt, depth + 1
    return out


def _best(found: list[tuple]) -> tuple | None:
    """The most specific place; among equally specific ones the deepest ("the Basra district of
    Old Quarter", "in Kirkuk … in the market area")."""
    return min(found, key=lambda f: (f[0][7], f[1]))[0] if found else None


def stages(tok: Token, by_token: dict[int, tuple]) -> Iterator[tuple[str, list[tuple]]]:
    """Where to look for the place of the event signalled by ``tok``, nearest first, lazily: the verb
    and the verbs coordinated with it ("looted shops and burned cars in Hit": they share a place); its
    subject ("rebels in Syria attacked"); its adverbial clause ("… was wounded while patrolling in
    Anbar province"); the verbs it depends on ("… a mine hit a bus near Tikrit, wounding five"); the
    whole sentence. Each stage: its places with depth, how reached and preposition (see
    :func:`_reachable`)."""
    verb = governor(tok)
    coordinated = [verb] + [c for c in verb.children if c.dep_ == "conj" and c.pos_ in ("VERB", "AUX")]
    if verb.dep_ == "conj" and verb.head.pos_ in ("VERB", "AUX"):
        coordinated.append(verb.head)
    yield "verb", [f for v in coordinated for f in _reachable(v, by_token)]
    for child in verb.children:
        if child.dep_ in ("nsubj", "nsubjpass"):
            yield "subject", _reachable(child, by_token)
    yield "clause", [f for c in verb.children if c.dep_ in ("advcl", "xcomp") for f in _reachable(c, by_token)]
    node = verb
    for _ in range(2):
        if node.dep_ not in ("advcl", "conj", "xcomp", "pcomp", "acl") or node.head is node:
            break
        node = node.head
        yield "head", _reachable(node, by_token)
    root = tok.sent.root if tok.doc.has_annotation("SENT_START") else tok.doc[:].root
    yield "sentence", _reachable(root, by_token, skip_subject=False, clauses=True)


def first_place(found_by_stage: Iterable[tuple[str, list[tuple]]], sentence_fallback: bool) -> tuple[str, tuple] | None:
    """The rules' choice: the most specific place of the nearest stage that has one ("attached");
    the whole sentence only with ``sentence_fallback`` ("sentence")."""
    for stage, found in found_by_stage:
        if stage == "sentence" and not sentence_fallback:
            return None
        best = _best(found)
        if best is not None:
            return ("sentence" if stage == "sentence" else "attached"), best
    return None


_WITHIN = re.compile(r"\s*,\s*(?:also\s+)?(?:in|inside|within)\s+(?:the\s+)?"  # "X, also in Y"
                     # an apposition that tells what X is and where: "Mucojo, a fishing village in Macomia
                     # district", "Ngaoundaye, a town near the borders with Chad"
                     r"|\s*,\s*(?:a|an|the)\s+[^,.;:()\"]{0,50}?\b(?:in|of|near|outside|inside|within|on|along|off|"
                     r"close to)\s+[^,.;:()\"]{0,40}")


# "the Athens suburb of Kallithea", "the Karrada district of Baghdad": A <part> of B, one a part of the other.
# The noun tells which (the gazetteer's readings of such small names are too often a namesake elsewhere to
# compare populations): the names of suburbs and municipalities come after them, those of districts,
# neighbourhoods and areas before.
_PART_OF = re.compile(r"\s+(suburb|municipality|borough|commune|township|district|neighbou?rhood|quarter|"
                      r"community|estate|area|town|village|city|hamlet|port)\s+of\s+(?:the\s+)?", re.I)
# "the Athens suburb of Kallithea", "the Yungas town of Caranavi": the first place holds the second
_CONTAINER_FIRST = {"suburb", "municipality", "borough", "commune", "township", "town", "village", "city", "hamlet",
                    "port"}
# A division named as one by its own words ("the southern district of Phalombe", "Sukma district"), and a
# place named after it with a preposition of place ("… a crowd beat two men near Migowi"): a place within it.
_DIVISION_BEFORE = re.compile(r"(?:district|province|region|state|county|governorate|prefecture)\s+of\s+(?:the\s+)?$",
                              re.I)
_DIVISION_AFTER = re.compile(r"\s+(?:district|province|region|state|county|governorate|prefecture)\b", re.I)
_PLACED = re.compile(r"\b(?:in|near|at|outside|inside)\s+(?:the\s+)?(?:[a-z-]+\s+){0,2}$")


def _division_named(text: str, item: tuple) -> bool:
    return _DIVISION_BEFORE.search(text, max(0, item[5] - 40), item[5]) is not None \
        or _DIVISION_AFTER.match(text, item[6]) is not None


def narrower(items: list[tuple], text: str) -> list[int]:
    """For each place of :func:`place_spans`, the index of the place it locates, a place within it: X of
    "X, in Y" ("the village of Sokoura, in the Bandiagara area"; "Moirang, in Bishnupur district"), the part
    of "A <part> of B" ("the Athens suburb of Kallithea", "the Karrada district of Baghdad"), and a place
    named with a preposition of place after a division named as one, in the same clause ("in the southern
    district of Phalombe, a crowd beat two men near Migowi"): an event placed at Y is at X. -1 where there
    is none."""
    out = [-1] * len(items)
    division = [_division_named(text, item) for item in items]
    for k, item in enumerate(items):
        for j, other in enumerate(items):
            if j == k or other[2] != "toponym":
                continue
            if other[6] <= item[5] and _WITHIN.fullmatch(text, other[6], item[5]) \
                    and not (division[j] and not division[k]):
                out[k] = j  # (a division named as one lies in no village: "Phalombe, a crowd … near Migowi")
    for a, first in enumerate(items):  # A <part> of B
        for b, second in enumerate(items):
            part = _PART_OF.fullmatch(text, first[6], second[5]) if first[6] <= second[5] else None
            if part is None or first[2] != "toponym" or second[2] != "toponym":
                continue
            outer, inner = (a, b) if part.group(1).lower() in _CONTAINER_FIRST else (b, a)
            if out[outer] < 0:
                out[outer] = inner
    for k, item in enumerate(items):  # a division named as one, and a place in it
        if out[k] >= 0 or item[2] != "toponym" or not division[k]:
            continue
        for j, other in enumerate(items):
            if j != k and other[2] == "toponym" and item[6] < other[5] and not division[j] \
                    and _PLACED.search(text, max(item[6], other[5] - 40), other[5]) is not None \
                    and not any(c in text[item[6]:other[5]] for c in ";\n"):
                out[k] = j
                break
    return out


def narrowest(k: int, inner: list[int]) -> int:
    """Follow :func:`narrower` from candidate ``k`` to the finest place ("X, in Y, in Z" → X)."""
    seen = set()
    while k >= 0 and inner[k] >= 0 and k not in seen:
        seen.add(k)
        k = inner[k]
    return k


# -- the learned chooser ---------------------------------------------------------------------------
_STAGES = ("verb", "subject", "clause", "head", "sentence")
_PREPS = ("in", "near", "at", "on", "of", "from", "into", "across", "outside", "around")
_LABELS = ("GPE", "LOC", "FAC")
_DEPS = ("pobj", "dobj", "nsubjpass", "compound", "poss", "nsubj", "conj", "appos")

#: Feature names, in order (the weights file names them, so a mismatch is caught on load).
FEATURES: tuple[str, ...] = (
    "bias", *(f"stage={x}" for x in _STAGES), "stage=none", "how=object", *(f"prep={p}" for p in _PREPS),
    "prep=other", "depth", "rule_choice", "spec=0", "spec=1", "spec=1.5", "spec=2", "resolved", "area",
    "distance", "before", "one_candidate", "candidates", *(f"label={x}" for x in _LABELS), "label=other",
    *(f"dep={d}" for d in _DEPS), "dep=other", "nearest", "most_specific", "rivals", "trigger_rate",
)


def candidate_features(tok: Token, found_by_stage: Iterable[tuple[str, list[tuple]]], items: list[tuple],
                       rule_choice: tuple | None, sent_start: int,
                       trigger_rate: float = 0.0) -> tuple[list[list[float]], list[str]]:
    """One feature vector (in :data:`FEATURES` order) per place or area of the sentence (``items`` from
    :func:`place_spans`; ``found_by_stage`` from :func:`stages`; ``tok`` in the sentence's parse, whose
    token 0 is the doc's ``sent_start``), and the stage that reaches each ("verb", "subject",
    "clause", "head", "sentence" or "none"). ``trigger_rate``: how often an event told by the trigger's
    word has a place in its sentence (:class:`TriggerRates`), the same for every candidate."""
    first: dict[int, tuple[str, int, int, str]] = {}
    for stage, found in found_by_stage:
        for item, depth, how, prep in found:
            first.setdefault(id(item), (stage, depth, how, prep))
    rows, stages = [], []
    heads = [abs(_head(tok.doc, item[0] - sent_start, item[1] - sent_start).i - tok.i) for item in items]
    finest = min(item[7] for item in items) if items else 0.0
    at_verb = sum(first.get(id(item), ("none",))[0] == "verb" for item in items)
    for k, item in enumerate(items):
        stage, depth, how, prep = first.get(id(item), ("none", 6, 0, ""))
        stages.append(stage)
        row = dict.fromkeys(FEATURES, 0.0)
        row["bias"] = 1.0
        row[f"stage={stage}"] = 1.0
        row["how=object"] = float(how == _OBJECT)
        if prep:
            row[f"prep={prep}" if prep in _PREPS else "prep=other"] = 1.0
        row["depth"] = min(depth, 6) / 6
        row["rule_choice"] = float(item is rule_choice)
        row[f"spec={item[7]:g}"] = 1.0
        row["resolved"] = float(item[8])
        row["area"] = float(item[2] == "area")
        row["one_candidate"] = float(len(items) == 1)
        row["candidates"] = min(len(items), 6) / 6
        row.update(_token_features(tok, item[0] - sent_start, item[1] - sent_start))
        row["nearest"] = float(heads[k] == min(heads))
        row["most_specific"] = float(item[7] == finest)
        row["rivals"] = min(at_verb - (stage == "verb"), 3) / 3  # other places reached from the verb itself
        row["trigger_rate"] = trigger_rate
        rows.append([row[f] for f in FEATURES])
    return rows, stages


def _head(sent_doc: Doc, start: int, end: int) -> Token:
    span = sent_doc[start:end]
    return span.root if len(span) else sent_doc[start]


def _token_features(tok: Token, start: int, end: int) -> dict[str, float]:
    """Distance, side, NER label and dependency of the place's head token, in the sentence's parse."""
    head = _head(tok.doc, start, end)
    distance = min(abs(head.i - tok.i), 30) / 30
    label = head.ent_type_ if head.ent_type_ in _LABELS else "other"
    dep = head.dep_ if head.dep_ in _DEPS else "other"
    return {"distance": distance, "before": float(head.i < tok.i), f"label={label}": 1.0, f"dep={dep}": 1.0}


class TriggerRates:
    """How often an event told by a word (lower case) has a place in its sentence, smoothed towards the share
    over all events: some words tell events that rarely have one there ("said", "epitomized"), others nearly
    always ("shelled"). ``rates``: per word [events, events whose sentence has a place] in the training data
    (``counts``), the overall share (``prior``) and its weight in events (``weight``), to which a rarely seen
    word's rate shrinks."""

    def __init__(self, rates: dict | None = None) -> None:
        rates = rates or {}
        self._counts: dict[str, list[int]] = rates.get("counts", {})
        self._prior = float(rates.get("prior", 0.0))
        self._weight = float(rates.get("weight", 1.0))

    def __call__(self, word: str) -> float:
        n, placed = self._counts.get(word, (0, 0))
        return (placed + self._weight * self._prior) / (n + self._weight)


class PlaceChooser:
    """Scores each candidate place of :func:`candidate_features` with a boosted tree ensemble (``trees``:
    flat node arrays, as exported by ``python -m pipeline.evaluation._linker_training``) and picks the
    likeliest, or none below ``threshold``; cross-validated numbers in docs/evaluation.md."""

    def __init__(self, threshold: float, trees: dict, rates: dict | None = None) -> None:
        import numpy as np

        self.threshold = threshold
        self.trigger_rate = TriggerRates(rates)
        self._trees = {k: np.asarray(trees[k], dtype=float if k in ("threshold", "value") else np.int64)
                       for k in ("feature", "threshold", "left", "right", "leaf", "value", "roots")}
        self._baseline = float(trees["baseline"])
        self._depth = int(trees["max_depth"])

    @classmethod
    def from_file(cls, path) -> "PlaceChooser":
        import json

        data = json.loads(open(path, encoding="utf-8").read())
        if tuple(data["features"]) != FEATURES or "trees" not in data:
            raise ValueError(f"{path}: trained for other features; retrain the place linker")
        return cls(float(data["threshold"]), data["trees"], data.get("trigger_rates"))


    def probabilities(self, rows: list[list[float]]):
        """One probability per candidate row (a numpy array)."""
        import numpy as np

        X = np.asarray(rows, dtype=float).reshape(len(rows), len(FEATURES))
        t = self._trees
        at = np.tile(t["roots"], (len(X), 1))  # every candidate walks every tree at once
        line = np.arange(len(X))[:, None]
        for _ in range(self._depth):
            left = X[line, t["feature"][at]] <= t["threshold"][at]
            at = np.where(t["leaf"][at] == 1, at, np.where(left, t["left"][at], t["right"][at]))
        z = self._baseline + t["value"][at].sum(axis=1)
        return 1.0 / (1.0 + np.exp(-np.clip(z, -30.0, 30.0)))

    def probability(self, row: list[float]) -> float:
        return float(self.probabilities([row])[0])

    def choose(self, items: list[tuple], rows: list[list[float]], threshold: float | None = None) -> tuple | None:
        """The likeliest candidate, if its probability reaches ``threshold`` (default: the trained one;
        0: the likeliest in any case)."""
        if not items:
            return None
        p = self.probabilities(rows)
        k = int(p.argmax())
        return items[k] if p[k] >= (self.threshold if threshold is None else threshold) else None


def default_chooser() -> PlaceChooser | None:
    """The chooser trained on the event-location development data and shipped with the package."""
    from pathlib import Path

    path = Path(__file__).resolve().parent / "place_linker.json"
    return PlaceChooser.from_file(path) if path.exists() else None
