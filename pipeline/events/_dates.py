"""Resolve the date expressions of news text against the story's date (pure; no spaCy).

"Monday" → the last Monday on or before the story date; "June 27" → that day in the story's year
(the year before if that would be after the story); "mid-April", "early March", "last May", "last month", "last
week", "yesterday", "the day after" (or "the next day", "a day later"), "two days ago". The result is
ISO 8601 at the precision the text gives: ``2026-06-27``, ``2026-04`` (a month), ``2026`` (a year).
"""

from __future__ import annotations

import re
from datetime import date, timedelta

__all__ = ["resolve_date", "parse_story_date"]

#: The months' and the weekdays' names, lower-case, in calendar order.
MONTH_NAMES = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
               "november", "december")
WEEKDAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_MONTHS = {m: i for i, m in enumerate(MONTH_NAMES, start=1)}
_MONTHS.update({m[:3]: i for m, i in list(_MONTHS.items())})
_MONTHS.update({"sept": 9})
_WEEKDAYS = {d: i for i, d in enumerate(WEEKDAY_NAMES)}
_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
            "ten": 10, "a": 1, "an": 1}
_MONTH_RE = r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|" \
            r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"

_MONTH_DAY = re.compile(rf"\b{_MONTH_RE}\s+(\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(\d{{4}}))?\b", re.I)
_DAY_MONTH = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH_RE}(?:,?\s+(\d{{4}}))?\b", re.I)
_PART_MONTH = re.compile(rf"\b(early|mid|late|end of|beginning of|in)[\s-]+{_MONTH_RE}(?:\s+(\d{{4}}))?\b", re.I)
_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})(?!\d)")
# A month named as the last one of its name: "a gunfight last May" (before the story's month).
_LAST_MONTH = re.compile(rf"\blast\s+{_MONTH_RE}\b(?!\s+\d)", re.I)
# A month and its year with no day: "the memory of May 2017", "the June 2022 massacre".
_MONTH_YEAR = re.compile(rf"\b{_MONTH_RE}\s+(19\d{{2}}|20\d{{2}})\b(?!-)", re.I)
# A year that names an event: "the 2019 killings" ("the 2,000 troops" has its comma).
_THE_YEAR = re.compile(r"\bthe\s+(19\d{2}|20\d{2})\b(?![-,.\d])", re.I)
_WEEKDAY = re.compile(rf"\b(last\s+|this\s+|next\s+)?({'|'.join(WEEKDAY_NAMES)})\b", re.I)
_AGO = re.compile(r"\b(\d+|one|two|three|four|five|six|seven|eight|nine|ten|a|an)\s+(day|week|month|year)s?\s+ago\b", re.I)
_LAST = re.compile(r"\b(last|this|next|past)\s+(week|month|year|night|weekend)\b", re.I)
_SIMPLE = re.compile(r"\b(yesterday|today|tonight|tomorrow|overnight|this morning|this afternoon|this evening)\b", re.I)
_AFTER = re.compile(r"\b(?:the\s+)?(day|week|month)\s+(after|before)\b", re.I)
# The same, told otherwise: "the next day", "the following day", "a day later", "the previous day".
_NEXT_DAY = re.compile(r"\b(?:the\s+(next|following|previous)\s+day|a\s+day\s+(later|earlier))\b", re.I)
_YEAR = re.compile(r"\b(?:in|during|of)\s+(?:(?:the\s+)?(?:spring|summer|autumn|fall|winter)\s+(?:of\s+)?|"
                   r"(?:early|mid|late|the\s+end\s+of|the\s+start\s+of)[\s-]+)?"
                   r"(19\d{2}|20\d{2})\b", re.I)  # "in 2019", "in the spring of 2024", "in late 2017", "the floods of 2022"


# Years told as a span or a decade: "between 1964 and 1973", "from 2014 to 2017", "during the 1990s" — dated by
# the span's end, when it last went on ("since the 1990s" goes on still: no date)
_YEAR_SPAN = re.compile(r"\b(?:between|from)\s+(?:19|20)\d{2}\s+(?:and|to|until|till)\s+(19\d{2}|20\d{2})\b", re.I)
_DECADE = re.compile(r"\b(?:in|during|through|throughout|of)\s+the\s+(?:early\s+|mid-?|late\s+)?(19\d|20\d)0s\b", re.I)


def parse_story_date(value: str | None) -> date | None:
    """The date part of an ISO timestamp ("2026-11-23T08:00:00Z" → 2026-11-23), else ``None``."""
    if not value:
        return None
    m = _ISO.search(value)
    if not m:
        return None
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def _shift_months(d: date, months: int) -> tuple[int, int]:
    total = d.year * 12 + d.month - 1 + months
    return total // 12, total % 12 + 1


def _past_day(year: int, month: int, day: int, story: date, explicit_year: bool) -> date | None:
    try:
        found = date(year, month, day)
    except ValueError:
        return None
    if not explicit_year and found > story + timedelta(days=7):  # "December 30" in a January story
        try:
            found = date(year - 1, month, day)
        except ValueError:
            return None
    return found


def ended_before(iso: str, story: date, days: int = 14) -> bool:
    """Whether the period ``iso`` names (a day, ``YYYY-MM`` or ``YYYY``) ended more than ``days`` before
    ``story``: an event dated so is background, not news."""
    try:
        parts = [int(p) for p in iso.split("-")]
        if len(parts) == 3:
            end = date(*parts)
        elif len(parts) == 2:
            y, m = parts
            end = date(y + (m == 12), m % 12 + 1, 1) - timedelta(days=1)
        else:
            end = date(parts[0], 12, 31)
    except (ValueError, TypeError):
        return False
    return (story - end).days > days


def resolve_date(text: str, story: date | None, previous: str | None = None) -> tuple[str, str] | None:
    """The first date expression in ``text`` resolved against ``story``: (ISO date, matched text).

    ``previous`` (an ISO date resolved earlier in the story) anchors "the day after"."""
    if story is None:
        return None
    candidates: list[tuple[int, str, str]] = []  # (position, iso, text)

    def add(m: re.Match, iso: str | None) -> None:
        if iso:
            candidates.append((m.start(), iso, m.group(0)))

    for m in _ISO.finditer(text):
        d = parse_story_date(m.group(0))
        add(m, d.isoformat() if d else None)
    for m in _MONTH_DAY.finditer(text):
        month = _MONTHS.get(m.group(1).lower().rstrip("."))
        year = int(m.group(3)) if m.group(3) else story.year
        d = _past_day(year, month, int(m.group(2)), story, bool(m.group(3))) if month else None
        add(m, d.isoformat() if d else None)
    for m in _DAY_MONTH.finditer(text):
        month = _MONTHS.get(m.group(2).lower().rstrip("."))
        year = int(m.group(3)) if m.group(3) else story.year
        d = _past_day(year, month, int(m.group(1)), story, bool(m.group(3))) if month else None
        add(m, d.isoformat() if d else None)
    for m in _MONTH_YEAR.finditer(text):
        if not (m.start() >= 1 and text[m.start() - 1].isdigit()):
            month = _MONTHS.get(m.group(1).lower().rstrip("."))
            add(m, f"{int(m.group(2)):04d}-{month:02d}" if month else None)
    for m in _THE_YEAR.finditer(text):
        add(m, m.group(1))
    for m in _LAST_MONTH.finditer(text):
        month = _MONTHS.get(m.group(1).lower().rstrip("."))
        if month and m.group(1) != "may":  # "the last may be": the verb
            year = story.year if month < story.month else story.year - 1
            add(m, f"{year:04d}-{month:02d}")
    for m in _PART_MONTH.finditer(text):
        word = m.group(2).lower().rstrip(".")
        if word == "may" and m.group(1).lower() == "in" and not m.group(3):
            continue  # "in may" is mostly the verb
        month = _MONTHS.get(word)
        if month:
            year = int(m.group(3)) if m.group(3) else (story.year if month <= story.month else story.year - 1)
            add(m, f"{year:04d}-{month:02d}")
    for m in _WEEKDAY.finditer(text):
        target = _WEEKDAYS[m.group(2).lower()]
        which = (m.group(1) or "").strip().lower()
        back = (story.weekday() - target) % 7
        if which == "next":
            d = story + timedelta(days=(target - story.weekday()) % 7 or 7)
        else:
            d = story - timedelta(days=back or (7 if which == "last" else 0))
        add(m, d.isoformat())
    for m in _AGO.finditer(text):
        n = int(m.group(1)) if m.group(1).isdigit() else _NUMBERS[m.group(1).lower()]
        unit = m.group(2).lower()
        if unit == "day":
            add(m, (story - timedelta(days=n)).isoformat())
        elif unit == "week":
            add(m, (story - timedelta(weeks=n)).isoformat())
        elif unit == "month":
            y, mo = _shift_months(story, -n)
            add(m, f"{y:04d}-{mo:02d}")
        else:
            add(m, f"{story.year - n:04d}")
    for m in _LAST.finditer(text):
        which, unit = m.group(1).lower(), m.group(2).lower()
        if which == "past" and unit in ("week", "month", "year"):
            add(m, story.isoformat())  # "over the past month": the span up to the story, not last month
            continue
        step = {"last": -1, "past": -1, "this": 0, "next": 1}[which]
        if unit in ("night", "weekend"):
            add(m, (story - timedelta(days=1 if unit == "night" else (story.weekday() + 2) % 7 or 7)).isoformat()
                if step <= 0 else None)
        elif unit == "week":
            add(m, (story + timedelta(weeks=step)).isoformat())
        elif unit == "month":
            y, mo = _shift_months(story, step)
            add(m, f"{y:04d}-{mo:02d}")
        else:
            add(m, f"{story.year + step:04d}")
    for m in _SIMPLE.finditer(text):
        word = m.group(1).lower()
        offset = {"yesterday": -1, "tomorrow": 1}.get(word, 0)
        add(m, (story + timedelta(days=offset)).isoformat())
    for m in _AFTER.finditer(text):
        base = parse_story_date(previous) if previous else None
        if base is not None and m.group(1).lower() == "day":
            add(m, (base + timedelta(days=1 if m.group(2).lower() == "after" else -1)).isoformat())
    for m in _NEXT_DAY.finditer(text):
        base = parse_story_date(previous) if previous else None
        if base is not None:
            add(m, (base + timedelta(days=-1 if (m.group(1) or m.group(2)).lower() in ("previous", "earlier")
                                     else 1)).isoformat())
    for m in _YEAR.finditer(text):
        add(m, m.group(1))
    for m in _YEAR_SPAN.finditer(text):
        add(m, m.group(1))
    for m in _DECADE.finditer(text):
        add(m, f"{m.group(1)}9" if int(f"{m.group(1)}9") < story.year else None)  # the story's own decade: no date
    if not candidates:
        return None
    _, iso, matched = min(candidates, key=lambda c: c[0])
    return iso, matched
