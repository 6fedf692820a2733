"""What a subscriber keeps of wire.enriched and wire.alerts, correct under at-least-once delivery:
the newest version of each story (a kill withdraws it) and the current state of each alert."""

from __future__ import annotations

from datetime import datetime

KILLED = ("canceled", "withheld")


def _instant(value: str | None) -> float | None:
    """``version_created`` as a POSIX time, when it is an ISO 8601 time with a UTC offset."""
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00")) if value else None
    except ValueError:
        return None
    return moment.timestamp() if moment is not None and moment.tzinfo else None


def supersedes(story: dict, kept: dict | None) -> bool:
    """Whether ``story`` (an EnrichedStory) replaces ``kept``, the newest one kept of its uri: by
    ``version_created`` when both have one, else by ``version``; at an equal version, a kill
    replaces a usable story. Anything else is a repeat or a late, older version: drop it."""
    if kept is None:
        return True
    new, old = _instant(story["version_created"]), _instant(kept["version_created"])
    if new is not None and old is not None and new != old:
        return new > old
    if story["version"] != kept["version"]:
        return story["version"] > kept["version"]
    return story["pubstatus"] in KILLED and kept["pubstatus"] == "usable"


class WireState:
    def __init__(self, prefix: str = "wire.") -> None:
        self.prefix = prefix
        self.stories: dict[str, dict] = {}  # uri → newest EnrichedStory, kills included
        self.alerts: dict[str, dict] = {}  # alert_id → newest Alert
        self.repeats = 0  # records dropped as repeats or older versions

    def handle(self, topic: str, key: str, value: dict) -> bool:
        """Apply one record; ``True`` when it changed what the subscriber knows."""
        if topic == self.prefix + "enriched":
            return self.on_story(key, value)
        if topic == self.prefix + "alerts" or topic.startswith(self.prefix + "alerts."):
            return self.on_alert(key, value)
        return False

    def on_story(self, uri: str, story: dict) -> bool:
        if not supersedes(story, self.stories.get(uri)):
            self.repeats += 1
            return False
        self.stories[uri] = story  # a kill is kept too: older versions arriving later stay dropped
        return True

    def on_alert(self, alert_id: str, alert: dict) -> bool:
        kept = self.alerts.get(alert_id)
        if kept is not None and {**kept, "created_at": None} == {**alert, "created_at": None}:
            self.repeats += 1  # sent again by a replay: the same content (created_at may differ)
            return False
        self.alerts[alert_id] = alert  # the newest record under an id is the alert's state
        return True

    def live_stories(self) -> dict[str, dict]:
        return {uri: s for uri, s in self.stories.items() if s["pubstatus"] not in KILLED}

    def open_alerts(self) -> dict[str, dict]:
        return {aid: a for aid, a in self.alerts.items() if a["status"] != "retracted"}
