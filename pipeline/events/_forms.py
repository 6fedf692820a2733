"""Word forms for the lexicon's words, and their way back to the lemma (pure; no spaCy).

The trigger scan matches lower-cased *forms* (regular inflections plus the irregular ones below), and
the cue checks read a sentence through :func:`lemma_of`, a lemmatizer restricted to the lexicon's own
vocabulary. That keeps spaCy's lemmatizer (8–9 ms per 400-word story, more than the event tagging
itself) out of the pipeline, and it does not err on the words that matter ("raped" → "rap").
"""

from __future__ import annotations

from functools import lru_cache

__all__ = ["forms", "lemma_of", "register"]

_IRREGULAR = {
    "strike": ["struck", "stricken"], "shoot": ["shot"], "fight": ["fought"], "take": ["took", "taken"],
    "overrun": ["overran"], "steal": ["stole", "stolen"], "beat": ["beaten"], "flee": ["fled"], "lead": ["led"],
    "hold": ["held"], "catch": ["caught"], "blow": ["blew", "blown"], "throw": ["threw", "thrown"],
    "go": ["went", "gone"], "break": ["broke", "broken"], "sink": ["sank", "sunk"], "bring": ["brought"],
    "drive": ["drove", "driven"], "rise": ["rose", "risen"], "die": ["dying"], "lie": ["lying"],
    "swear": ["swore", "sworn"], "lose": ["lost"], "win": ["won"], "withdraw": ["withdrew", "withdrawn"],
    "begin": ["began", "begun"], "build": ["built"], "send": ["sent"], "fall": ["fell", "fallen"],
    "meet": ["met"], "seek": ["sought"], "burn": ["burnt"], "speak": ["spoke", "spoken"], "tell": ["told"],
    "say": ["said"], "write": ["wrote", "written"], "freeze": ["froze", "frozen"], "bear": ["bore", "borne"],
    "stand": ["stood"], "hang": ["hung"], "spill": ["spilt"], "leave": ["left"], "find": ["found"],
    "set": ["set"], "hit": ["hit"], "cut": ["cut"], "shut": ["shut"], "put": ["put"], "spread": ["spread"],
    "hurt": ["hurt"], "split": ["split"], "quit": ["quit"], "forbid": ["forbade", "forbidden"],
    "undertake": ["undertook", "undertaken"], "overthrow": ["overthrew", "overthrown"], "slay": ["slew", "slain"],
    "child": ["children"], "man": ["men"], "woman": ["women"], "gunman": ["gunmen"], "policeman": ["policemen"],
    "militiaman": ["militiamen"], "person": ["people"], "arm": ["arms"], "tooth": ["teeth"], "is": ["are", "was",
                                                                                                      "were"],
    "wake": ["woke", "woken"], "sell": ["sold"], "buy": ["bought"], "teach": ["taught"], "think": ["thought"],
    "pay": ["paid"], "lay": ["laid"], "mislead": ["misled"], "arise": ["arose", "arisen"], "light": ["lit"],
}
_LEMMA_OF: dict[str, str] = {}


@lru_cache(maxsize=None)
def forms(word: str) -> tuple[str, ...]:
    """Inflections of a lemma: plural/3rd person, past, participles, irregular forms."""
    out = {word, *_IRREGULAR.get(word, ())}
    if word.isalpha() and len(word) >= 3:
        out |= {word + "s", word + "es", word + "ed", word + "ing"}
        if word.endswith("e"):
            out |= {word + "d", word[:-1] + "ing"}
        if word.endswith("y") and word[-2] not in "aeiou":
            out |= {word[:-1] + "ies", word[:-1] + "ied"}
        if word[-1] not in "aeiouwxy" and word[-2] in "aeiou" and word[-3] not in "aeiou":
            out |= {word + word[-1] + "ed", word + word[-1] + "ing"}
    return tuple(sorted(out))


def register(words) -> None:
    """Make :func:`lemma_of` know these lemmas (every word of the lexicon's phrases and cues). A lemma
    maps to itself; a form two lemmas share goes to the first in alphabetical order, so the result does
    not depend on the order of a set (which changes with the hash seed from one process to the next)."""
    for word in sorted(words):
        for form in forms(word):
            _LEMMA_OF.setdefault(form, word)
        _LEMMA_OF[word] = word


def lemma_of(lower: str) -> str:
    """The lexicon lemma of a lower-cased word form, or the form itself."""
    return _LEMMA_OF.get(lower, lower)
