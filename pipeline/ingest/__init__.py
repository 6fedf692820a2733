"""Where raw wire messages come from: files, directories and globs, stdin, a watched directory, and
polled RSS/Atom/ninjs feeds. Each remembers what it sent (state files), so a restart does not resend."""

from ._feeds import FeedPoller, FeedState
from ._sources import WatchState, expand_paths, watch_directory

__all__ = ["FeedPoller", "FeedState", "WatchState", "expand_paths", "watch_directory"]
