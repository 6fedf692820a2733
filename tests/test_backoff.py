"""One backoff for every retry loop (no broker)."""

from pipeline.core import Backoff, backoff_delay


def test_delays_double_up_to_the_cap_and_reset_after_a_success():
    b = Backoff(first=0.5, cap=8.0)
    assert [b.next() for _ in range(7)] == [0.5, 1.0, 2.0, 4.0, 8.0, 8.0, 8.0]
    assert b.peek() == 8.0
    b.reset()
    assert b.next() == 0.5
    assert backoff_delay(60.0, 3, cap=900.0) == 480.0 and backoff_delay(60.0, 10_000, cap=900.0) == 900.0
