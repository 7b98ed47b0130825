"""The build's worker processes: each file's work in a process of its own, under limits.

One file can cost far more than its size: a 2 MB PDF whose page stream inflates to 2 GB took a
worker to 3.2 GB, and a PDF library may crash outright. So every file is worked on in a worker
process whose address space is limited (RLIMIT_AS) and which is given a time limit. A worker
that runs out of memory, dies or overruns is that file's failure: it is replaced by a fresh one
and the other files go on. Each worker holds one file at a time, so a death is always put down
to the file that caused it.

Workers are forked, so they inherit what the parent prepared (the ontology's closure, the
shapes) instead of computing it again.
"""

from __future__ import annotations

import multiprocessing
import os
import resource
import signal
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from typing import Generic, TypeVar

from .limits import limit_memory

# Defaults, documented in SECURITY.md and docs/graph.md. A worker starts with its parent's address
# space (forked: 0.4-0.7 GiB under `ofsted-kg build`, more in a larger process that calls
# `build()`); the memory limit is what one file may add to that, and the largest real report adds
# under 0.1 GiB.
DEFAULT_MEMORY_LIMIT_MB = 2048
DEFAULT_TIME_LIMIT = 120.0  # seconds; a real report takes under a second
MEMORY_LIMIT_ENV = "OFSTED_KG_BUILD_MEMORY_LIMIT"
TIME_LIMIT_ENV = "OFSTED_KG_BUILD_TIME_LIMIT"

Task = TypeVar("Task")
Result = TypeVar("Result")


@dataclass(frozen=True)
class WorkerLimits:
    memory_mb: int = DEFAULT_MEMORY_LIMIT_MB  # address space a file may add to its worker's, MiB
    seconds: float = DEFAULT_TIME_LIMIT  # time for one file

    @classmethod
    def from_env(cls, memory_mb: int | None = None, seconds: float | None = None) -> WorkerLimits:
        """The values given, else those of the environment variables, else the defaults.
        Raises ValueError with a one-line message for a value that is not a positive number."""
        memory = memory_mb if memory_mb is not None else _env(MEMORY_LIMIT_ENV, int)
        limit = seconds if seconds is not None else _env(TIME_LIMIT_ENV, float)
        limits = cls(
            DEFAULT_MEMORY_LIMIT_MB if memory is None else memory,
            DEFAULT_TIME_LIMIT if limit is None else limit,
        )
        if limits.memory_mb <= 0 or limits.seconds <= 0:
            raise ValueError(f"the build's limits must be positive, not {limits}")
        return limits


def _env(name: str, kind: type[int] | type[float]) -> int | float | None:
    value = os.environ.get(name, "").strip()
    if not value:
        return None
    try:
        return kind(value)
    except ValueError:
        raise ValueError(f"{name}={value!r} is not a number") from None


@dataclass(frozen=True)
class WorkerFailure:
    """A task that got no result because its worker ran out of memory, died or overran."""

    reason: str


@dataclass(eq=False)  # compared and hashed as the one process it is
class _Worker:
    process: BaseProcess
    conn: Connection


class WorkerPool(Generic[Task, Result]):
    """`size` worker processes applying `work` to tasks, one task per worker at a time.

    `work` must not raise, except MemoryError. `prepare` runs once in this process before the
    first worker is forked (workers start only when there is a task for them).
    """

    def __init__(
        self,
        work: Callable[[Task], Result],
        size: int,
        limits: WorkerLimits,
        prepare: Callable[[], None] = lambda: None,
    ) -> None:
        self.work = work
        self.size = max(1, size)
        self.limits = limits
        self._prepare: Callable[[], None] | None = prepare
        self._context = multiprocessing.get_context("fork")
        self._idle: list[_Worker] = []
        self._busy: dict[_Worker, tuple[Task, float]] = {}  # worker -> its task, started at

    def __enter__(self) -> WorkerPool[Task, Result]:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def run(self, tasks: Iterable[Task]) -> Iterator[tuple[Task, Result | WorkerFailure]]:
        """Each task with its result, in the order they finish. Tasks are taken from `tasks`
        only when a worker is free for them, so a task's data is held only while it is worked on."""
        pending = iter(tasks)
        more = True
        while True:
            while more and (self._idle or len(self._busy) < self.size):
                task = next(pending, _END)
                if task is _END:
                    more = False
                else:
                    self._give(task)
            if not self._busy:
                return
            first_started = min(started for _, started in self._busy.values())
            ready = wait(
                [worker.conn for worker in self._busy],
                timeout=max(0.0, first_started + self.limits.seconds - time.monotonic()),
            )
            for worker in list(self._busy):
                task, started = self._busy[worker]
                if worker.conn in ready:
                    result = self._receive(worker)
                elif time.monotonic() - started >= self.limits.seconds:
                    self._retire(worker, kill=True)
                    result = WorkerFailure(f"timed out after {self.limits.seconds:g} s")
                else:
                    continue
                del self._busy[worker]
                yield task, result

    def close(self) -> None:
        """Stop every worker: idle ones are told to finish, busy ones are killed."""
        for worker in self._idle:
            self._retire(worker, kill=False)
        for worker in self._busy:
            self._retire(worker, kill=True)
        self._idle.clear()
        self._busy.clear()

    def _give(self, task: Task) -> None:
        worker = self._idle.pop() if self._idle else self._start()
        try:
            worker.conn.send(task)
        except OSError:  # it died while idle: the task goes to a fresh worker
            self._retire(worker, kill=True)
            worker = self._start()
            worker.conn.send(task)
        self._busy[worker] = (task, time.monotonic())

    def _receive(self, worker: _Worker) -> Result | WorkerFailure:
        try:
            result = worker.conn.recv()
        except (EOFError, OSError):
            self._retire(worker, kill=True)
            return WorkerFailure(self._death(worker.process.exitcode))
        if isinstance(result, WorkerFailure):  # out of memory: the worker has exited
            self._retire(worker, kill=True)
        else:
            self._idle.append(worker)
        return result

    def _death(self, exitcode: int | None) -> str:
        if exitcode is not None and exitcode < 0:
            try:
                name = signal.Signals(-exitcode).name
            except ValueError:  # a real-time signal has no name
                name = f"signal {-exitcode}"
            # A PDF library that cannot allocate aborts the process: no Python error to catch.
            return f"worker died: {name} (out of memory? the limit is {self.limits.memory_mb} MiB)"
        return f"worker died: exit status {exitcode}"

    def _start(self) -> _Worker:
        if self._prepare is not None:
            self._prepare()
            self._prepare = None
        parent_end, child_end = self._context.Pipe()
        # The child closes its copies of the parent's ends, so that each worker sees the end
        # of its pipe (EOF) when the parent goes, and the parent sees a dead worker's at once.
        inherited = [parent_end, *(w.conn for w in (*self._idle, *self._busy))]
        process = self._context.Process(
            target=_serve,
            args=(child_end, inherited, self.work, self.limits.memory_mb),
            daemon=True,
        )
        process.start()
        child_end.close()
        return _Worker(process, parent_end)

    def _retire(self, worker: _Worker, *, kill: bool) -> None:
        if kill and worker.process.is_alive():
            worker.process.kill()
        worker.conn.close()  # an idle worker reads the end of its pipe and exits
        worker.process.join(timeout=10)
        if worker.process.is_alive():
            worker.process.kill()
            worker.process.join()


_END = object()


def _address_space() -> int:
    """This process's address space in bytes (Linux /proc; 0 where it cannot be read)."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[0]) * resource.getpagesize()
    except (OSError, ValueError, IndexError):
        return 0


def _serve(conn: Connection, inherited: list[Connection], work: Callable, memory_mb: int) -> None:
    """A worker's life: limit its memory, then apply `work` to each task until the pipe ends."""
    for other in inherited:
        other.close()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the parent to handle
    # Counted from the worker's size at start, so that the limit means the same whatever the
    # size of the process that forked it (a test runner, a notebook, the CLI).
    limit_memory(_address_space() + memory_mb * 2**20)
    while True:
        try:
            reply = work(conn.recv())
        except (EOFError, OSError):  # the parent has finished, or is gone
            return
        except MemoryError:
            reply = WorkerFailure(f"worker died: out of memory (the limit is {memory_mb} MiB)")
        try:
            conn.send(reply)
        except (OSError, MemoryError):  # the parent is gone, or the result is too large
            return
        if isinstance(reply, WorkerFailure):
            return  # what ran out of memory may have left this process in a bad state
