"""`wirewatch run` stops on SIGINT/SIGTERM even when the interrupt is dropped where it landed (Python prints and
drops an exception raised inside a weakref callback or a ``__del__``): the stop is marked, and the event loop
turns the mark into the interrupt. No broker needed."""

import asyncio
import signal

import pytest

from pipeline.cli._run import _StopRequest, _until_stopped


def test_the_handler_marks_the_stop_and_interrupts():
    stop = _StopRequest()
    with pytest.raises(KeyboardInterrupt):
        stop(signal.SIGTERM, None)
    assert stop.requested


def test_a_stop_whose_interrupt_was_dropped_still_ends_the_event_loop():
    stop = _StopRequest()

    async def waiting_for_alerts() -> None:
        guard = asyncio.ensure_future(_until_stopped(stop, every=0.01))
        asyncio.get_running_loop().call_later(0.05, setattr, stop, "requested", True)  # the mark, no interrupt
        try:
            await asyncio.sleep(60)
        finally:
            if guard.done() and not guard.cancelled():
                guard.exception()

    with pytest.raises(KeyboardInterrupt):
        asyncio.run(waiting_for_alerts())
