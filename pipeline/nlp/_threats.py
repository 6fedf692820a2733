"""Threats told by their grammar (used by ``wirewatch_events``): an actor warns, vows or threatens that its
own side will harm a target — "X vowed to attack Y", "X warned that it / its fighters would attack Y", and,
when a spokesman or a statement speaks for a group, "… warned that the group would attack Y". A forecast by
someone else ("analysts warned that militants would attack …") or a harm without a target is not one."""

from __future__ import annotations

from typing import Iterable

from spacy.tokens import Doc, Token

from ..events import forms

__all__ = ["may_vow", "vowed_harm"]

_VOW_WORDS = frozenset(f for w in ("warn", "vow", "pledge", "swear", "threaten", "promise") for f in forms(w)) | {
    "swore", "sworn"}
_FUTURE = frozenset({"will", "would", "'ll", "shall", "to"})
_HARM = frozenset(f for w in ("attack", "kill", "strike", "target", "bomb", "destroy", "punish", "hit", "shell",
                              "burn", "eliminate", "execute", "behead", "neutralise", "neutralize", "wipe", "crush",
                              "storm", "fight", "shoot") for f in forms(w)) | {"struck", "shot", "fought"}
_VOICES = frozenset({"spokesman", "spokeswoman", "spokesperson", "commander", "leader", "chief", "statement",
                     "message", "video", "audio", "letter", "communique"})
_OWN_SIDE = frozenset({"group", "movement", "fighters", "forces", "force", "militia", "army", "organisation",
                       "organization", "brigade", "brigades", "men", "troops", "fighter", "rebels", "wing"})


def vowed_harm(sent_doc: Doc) -> int | None:
    """The index of a verb of warning, vowing or threatening whose complement has its own side harm a target:
    "X vowed to attack Y" (the complement's subject is X), "X warned that it/they/its fighters/the group would
    attack Y" (a pronoun or a possessive of X, or — when X speaks for a group: a spokesman, a statement — the
    group named by its kind). A forecast by someone else ("analysts warned that militants would attack") or a
    harm without a target is not one."""
    for tok in sent_doc:
        if tok.lower_ not in _VOW_WORDS or tok.pos_ != "VERB":
            continue
        voice = any(t.lower_ in _VOICES for t in sent_doc[:tok.i])  # who speaks: "a 3R spokesman … warned"
        for comp in tok.children:
            if comp.dep_ not in ("ccomp", "xcomp"):
                continue
            for verb in _harm_verbs(comp):
                if verb.lower_ not in _HARM or not _targeted(verb):
                    continue
                future = any(c.lower_ in _FUTURE for c in [*verb.children, *comp.children])
                if comp.dep_ == "xcomp" and future:
                    return tok.i  # "vowed to attack …": the speaker's own harm
                subject = next((c for c in comp.children if c.dep_ == "nsubj"), None)
                if future and subject is not None and _own_side(subject, voice):
                    return tok.i
    return None


def _harm_verbs(comp: Token) -> list[Token]:
    """The complement's verb and the verbs it chains to ("would go on attacking", "to try to kill")."""
    out, frontier = [comp], [comp]
    for _ in range(3):
        frontier = [c for t in frontier for c in t.children if c.dep_ in ("xcomp", "conj", "prep", "pcomp")]
        out += [t for t in frontier if t.pos_ == "VERB"]
    return out


def _targeted(verb: Token) -> bool:
    return any(c.dep_ == "dobj" or c.dep_ == "prep" and c.lower_ in ("on", "against", "at") for c in verb.children)


def _own_side(subject: Token, voice: bool) -> bool:
    if subject.lower_ in ("it", "they", "we", "he", "she", "i"):
        return True
    if any(c.dep_ == "poss" and c.lower_ in ("its", "their", "our", "his", "her", "my") for c in subject.children):
        return True
    return voice and subject.lower_ in _OWN_SIDE and any(c.lower_ == "the" for c in subject.children)



def may_vow(words: Iterable[str]) -> bool:
    """Whether a sentence's (lower-cased) words can hold such a threat: a verb of warning or vowing and a
    mark of the future. Only these sentences are parsed for it."""
    seen = set(words)
    return not _VOW_WORDS.isdisjoint(seen) and not _FUTURE.isdisjoint(seen)
