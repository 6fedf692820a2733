"""How many people an event killed, when the text states it (pure; no spaCy).

"killing 7 farmers", "at least 14 villagers were killed", "three soldiers died", "the death toll rose to
40", "left two dead" → the number; "a man was shot dead" → 1; "no casualties were reported", "no one was hurt" → 0; otherwise
``None`` (not stated — not zero). Where several counts are stated, the largest.
"""

from __future__ import annotations

import re

__all__ = ["parse_fatalities", "parse_number"]

_WORDS = {w: i for i, w in enumerate(
    ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
     "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty"])}
_WORDS.update({"thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
               "hundred": 100, "a hundred": 100, "a dozen": 12, "dozen": 12})
_NUM = r"(\d[\d,]*|(?:a\s+)?(?:zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|" \
       r"fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|" \
       r"dozen)(?:[\s-](?:one|two|three|four|five|six|seven|eight|nine))?)"
_WHO = r"(?:\s+(?:more|other|further|[a-z]+-?[a-z]*))?(?:\s+(?:people|persons|civilians|soldiers|troops|" \
       r"militants|fighters|policemen|police\s+officers|officers|members|children|women|men|protesters|" \
       r"demonstrators|students|workers|villagers|residents|pilgrims|passengers|insurgents|rebels|personnel|" \
       r"guards|worshippers|others|of\s+them|[a-z]+s))?"
_PATTERNS = [
    re.compile(rf"\b(?:killing|killed|kill)\s+(?:at\s+least\s+|some\s+|about\s+|nearly\s+|around\s+)?{_NUM}\b", re.I),
    re.compile(rf"\b(?:at\s+least\s+|some\s+|about\s+|nearly\s+|around\s+)?{_NUM}{_WHO}\s+(?:were|was|have\s+been|"
               rf"had\s+been|are|being)?\s*(?:\w+\s+)?(?:killed|dead|died|slain|shot\s+dead|murdered|perished)\b", re.I),
    re.compile(rf"\bdeath\s+toll\s+(?:\w+\s+){{0,3}}?(?:to|of|at|reached|stands\s+at)\s+(?:at\s+least\s+)?{_NUM}\b", re.I),
    re.compile(rf"\bleaving\s+{_NUM}{_WHO}\s+dead\b|\bleft\s+{_NUM}{_WHO}\s+dead\b", re.I),
    re.compile(rf"\b{_NUM}\s+(?:deaths|fatalities|dead)\b", re.I),
]
# One victim, told by its article: "a 16-year-old boy was shot dead", "a man was stabbed to death".
_ONE = re.compile(r"\b(?:a|an)\s+(?:[\w-]+\s+){0,3}?(?:man|woman|boy|girl|teenager|child|baby|person|soldier|"
                  r"policeman|policewoman|officer|student|farmer|driver|journalist|worker|resident|villager|"
                  r"civilian|pilgrim|guard|trader|lawyer|judge|priest|imam|member|[a-z]+er)\s+(?:was|has\s+been|"
                  r"had\s+been)\s+(?:shot\s+dead|killed|murdered|slain|shot\s+and\s+killed|"
                  r"(?:stabbed|beaten|hacked|burned)\s+to\s+death)\b", re.I)
_NONE = re.compile(r"\bno\s+(?:one|body|casualties|deaths|fatalities|injuries|reports?\s+of\s+casualties)\b|"
                   r"\bnobody\s+was\s+(?:killed|hurt|injured)\b|\bwithout\s+casualties\b", re.I)


def parse_number(text: str) -> int | None:
    t = re.sub(r"\s+", " ", text.strip().lower()).replace(",", "")
    if t.isdigit():
        return int(t)
    t = t.removeprefix("a ").strip() if t not in _WORDS else t
    if t in _WORDS:
        return _WORDS[t]
    parts = re.split(r"[\s-]", t)
    if len(parts) == 2 and parts[0] in _WORDS and parts[1] in _WORDS and _WORDS[parts[0]] >= 20:
        return _WORDS[parts[0]] + _WORDS[parts[1]]
    return None


def parse_fatalities(text: str) -> int | None:
    counts = []
    for pattern in _PATTERNS:
        for m in pattern.finditer(text):
            n = parse_number(next((g for g in m.groups() if g), ""))
            if n is not None and n < 1_000_000:
                counts.append(n)
    if not counts and _ONE.search(text):
        counts.append(1)
    if counts:
        return max(counts)
    return 0 if _NONE.search(text) else None
