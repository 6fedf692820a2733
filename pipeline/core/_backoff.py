"""Exponential backoff, one way for every retry loop (webhooks, producing, the alert feed, the catalog
follower, feed polling): ``first``, ``first·factor``, … capped at ``cap``; a success resets it."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Backoff", "backoff_delay"]


def backoff_delay(first: float, failures: int, cap: float, factor: float = 2.0) -> float:
    """The wait after ``failures`` failures in a row (0: the first retry waits ``first``)."""
    return min(cap, first * factor ** min(failures, 64))


@dataclass
class Backoff:
    first: float = 0.5
    cap: float = 8.0
    factor: float = 2.0
    failures: int = 0

    def peek(self) -> float:
        """The next wait, without counting a failure."""
        return backoff_delay(self.first, self.failures, self.cap, self.factor)

    def next(self) -> float:
        """Count a failure; the wait before the next try."""
        delay = self.peek()
        self.failures += 1
        return delay

    def reset(self) -> None:
        self.failures = 0
