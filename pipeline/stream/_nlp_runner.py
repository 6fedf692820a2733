"""The worker's NLP off the event loop: in a thread of the worker, or in a child process of its own.

spaCy holds the GIL for most of its work, and so does everything the event loop does (Faust,
aiokafka, decoding, matching): in one process the two take turns, and each millisecond of Kafka work
is a millisecond the NLP does not run (measured: a thread using 10 % of a core slows ``nlp.pipe``
by ≈ 11 %). :class:`ProcessRunner` gives the NLP a process — and a GIL — of its own, so the loop's
work runs beside it on another core; :class:`ThreadRunner` keeps everything in one process (one core
per worker, less memory). Both take stories and give back the enriched stories already encoded
(orjson), so the loop neither builds nor serialises the large records: it sends the bytes.

Choose with ``nlp_executor`` (``WIREWATCH_NLP_EXECUTOR``: ``process``, the default, or ``thread``).
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import time
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool, ProcessPoolExecutor
from typing import TYPE_CHECKING, Sequence

from ..core import EnrichedStory, Story, WirewatchError, die_with_parent, dumps, from_json, libc, name_os_thread
from ..enrich import killed

if TYPE_CHECKING:
    from ..enrich import Enricher

__all__ = ["NLP_NICENESS", "NlpRunner", "ThreadRunner", "ProcessRunner", "NlpProcessDied", "make_runner"]


class NlpProcessDied(WirewatchError):
    """The NLP child process exited while enriching (killed, out of memory, a crash in native code)."""


class NlpRunner:
    """Enriches batches of stories off the event loop; :meth:`enrich` returns the encoded
    :class:`EnrichedStory` JSON of each story, in order."""

    model_name: str
    load_seconds: dict[str, float]  # gazetteer_load_seconds, model_load_seconds

    @property
    def loaded(self) -> bool:
        """Whether the model is loaded (``/ready`` waits for it)."""
        return True

    async def ready(self) -> None:
        """Return once the model is loaded; raise what the load raised."""

    async def enrich(self, stories: Sequence[Story]) -> list[bytes]:
        raise NotImplementedError

    def kill(self, story: Story) -> EnrichedStory:
        """The downstream form of a kill (no NLP needed)."""
        return killed(story, self.model_name)

    def close(self) -> None:
        raise NotImplementedError


def _encoded(enricher: Enricher, stories: Sequence[Story], batch_size: int) -> list[bytes]:
    return [dumps(r) for r in enricher.enrich(stories, batch_size=batch_size)]


class ThreadRunner(NlpRunner):
    """The NLP in one thread of the worker process (shares the GIL with the event loop)."""

    def __init__(self, enricher: Enricher, batch_size: int = 32) -> None:
        self.enricher, self.batch_size, self.model_name = enricher, batch_size, enricher.model_name
        self.load_seconds: dict[str, float] = {}
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="wirewatch-nlp",
                                            initializer=name_os_thread, initargs=("wirewatch-nlp",))

    async def enrich(self, stories: Sequence[Story]) -> list[bytes]:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, _encoded, self.enricher, list(stories), self.batch_size)

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)


# -- the child process ---------------------------------------------------------------------------
_CHILD: Enricher | None = None  # the NLP process' enricher, loaded by its first call


def _child_start() -> None:
    """Runs first in the NLP process: die with the worker; a name for ``top -H``."""
    die_with_parent()
    name_os_thread("wirewatch-nlp")
    _keep_freed_memory()


#: glibc ``mallopt`` parameters
_M_TRIM_THRESHOLD, _M_TOP_PAD, _M_MMAP_THRESHOLD = -1, -2, -3


def _keep_freed_memory() -> None:
    """Let the NLP process keep the memory a batch frees for the next batch (glibc): by default glibc
    hands large blocks back to the kernel at once (each array over its mmap threshold is its own
    mapping; the heap top is trimmed), and the next batch page-faults them in again — measured: 5 % of
    the NLP process' CPU in the kernel, and none with this. Costs a little more resident memory."""
    mallopt = getattr(libc(), "mallopt", None)
    if mallopt is None:
        return  # not Linux, or not glibc (musl has no mallopt): keep its defaults
    mallopt(_M_MMAP_THRESHOLD, 32 * 1024 * 1024)  # glibc's largest; blocks below come from the heap
    mallopt(_M_TRIM_THRESHOLD, 256 * 1024 * 1024)
    mallopt(_M_TOP_PAD, 16 * 1024 * 1024)


_LOAD_SECONDS: dict[str, float] = {}

#: Once loaded, the NLP process lowers its scheduling priority by this much (``nice``): its batches are
#: throughput work, and on busy cores the work that hands partitions over should go first — the workers'
#: event loops (heartbeats, joins, commits), a starting worker's model load, the broker. Alone on the
#: cores it runs as fast as before.
NLP_NICENESS = 5


def _child_enricher(model: str) -> Enricher:
    global _CHILD
    if _CHILD is None:
        from ..enrich import Enricher
        from ..geo import default_gazetteer

        t0 = time.perf_counter()
        default_gazetteer()
        t1 = time.perf_counter()
        _CHILD = Enricher.load(model)  # a ModelError reaches the worker as itself (pickled)
        _LOAD_SECONDS.update(gazetteer_load_seconds=t1 - t0, model_load_seconds=time.perf_counter() - t1)
        _lower_priority()
    return _CHILD


def _lower_priority() -> None:
    try:
        os.nice(NLP_NICENESS)
    except (AttributeError, OSError):  # no nice() on this platform, or not allowed: run as before
        pass


def _child_loaded(model: str) -> tuple[str, dict[str, float]]:
    return _child_enricher(model).model_name, dict(_LOAD_SECONDS)


def _child_enrich(model: str, encoded: list[bytes], batch_size: int) -> list[bytes]:
    return _encoded(_child_enricher(model), [from_json(Story, b) for b in encoded], batch_size)


class ProcessRunner(NlpRunner):
    """The NLP in a child process of the worker (``spawn``: nothing of the worker's threads or sockets
    is inherited). The child loads the gazetteer and the model once (a load error is raised here, as
    itself); if the child dies, the next call starts a new one and the batch fails with
    :class:`NlpProcessDied` (the worker retries the batch's stories one by one, so a story that kills
    the NLP is dead-lettered and the others go through).

    With ``wait=False`` the constructor returns while the child loads: the worker joins its group and
    recovers its tables meanwhile (a restart's two slowest steps side by side instead of one after the
    other), and :meth:`ready` — awaited before the first batch — returns once the load is done or raises
    its error."""

    def __init__(self, model: str, batch_size: int = 32, *, wait: bool = True) -> None:
        self.model, self.batch_size = model, batch_size
        self.model_name, self.load_seconds = model, {}
        self._pool = self._start()
        self._loading: Future | None = self._pool.submit(_child_loaded, model)
        if wait:
            self._loaded(self._loading)

    def _loaded(self, loading: Future) -> None:
        try:
            self.model_name, self.load_seconds = loading.result()
        except BrokenProcessPool as exc:
            self._pool.shutdown(wait=False, cancel_futures=True)
            raise NlpProcessDied(f"the NLP process exited while loading model {self.model!r}; its error is in "
                                 "this worker's log") from exc
        except Exception:  # the load's own error (a ModelError …): no process left behind, then raise it
            self._pool.shutdown(wait=False, cancel_futures=True)
            raise
        self._loading = None

    @property
    def loaded(self) -> bool:
        return self._loading is None

    async def ready(self) -> None:
        if self._loading is not None:
            await asyncio.wait([asyncio.wrap_future(self._loading)])
            self._loaded(self._loading)

    def _start(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"),
                                   initializer=_child_start)

    async def enrich(self, stories: Sequence[Story]) -> list[bytes]:
        loop = asyncio.get_running_loop()
        pool: Executor = self._pool
        try:
            return await loop.run_in_executor(pool, _child_enrich, self.model, [dumps(s) for s in stories],
                                              self.batch_size)
        except BrokenProcessPool as exc:
            if pool is self._pool:  # the first caller to see it starts the replacement
                self._pool.shutdown(wait=False)
                self._pool = self._start()
            raise NlpProcessDied(f"the NLP process died while enriching {len(stories)} "
                                 f"stor{'y' if len(stories) == 1 else 'ies'}; a new one was started") from exc

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)


def make_runner(kind: str, model: str, batch_size: int, *, wait: bool = True) -> NlpRunner:
    """``process`` or ``thread`` (see the module docstring); ``wait=False``: a process runner still loading
    (see :class:`ProcessRunner`)."""
    if kind == "process":
        return ProcessRunner(model, batch_size, wait=wait)
    from ..enrich import Enricher

    return ThreadRunner(Enricher.load(model), batch_size)
