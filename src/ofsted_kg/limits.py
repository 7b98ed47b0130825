"""Resource limits for worker processes (query and write workers of the server, build workers).

A process under a memory limit that asks for more fails there: Python raises MemoryError, and
Rust code in pyoxigraph aborts the process (SIGABRT); workers turn a MemoryError into an abort
too, so an abort means "out of memory" to the parent. Either way only that worker is lost; its
parent sees it go and answers for the one job it was doing.
"""

from __future__ import annotations

import resource
import signal

MIB = 1024 * 1024


def limit_memory(max_bytes: int) -> None:
    """Cap this process's address space (RLIMIT_AS) at `max_bytes`: call it first thing in a
    worker process, before it opens stores or starts threads."""
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:  # an unprivileged process cannot raise its hard limit
        max_bytes = min(max_bytes, hard)
    resource.setrlimit(resource.RLIMIT_AS, (max_bytes, max_bytes))
    # A worker that dies at the limit must not then write a core file of that size.
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def death_reason(returncode: int | None, memory_limit: int) -> str:
    """Why a worker process ended, in words: 'ran out of memory (limit 2048 MiB)' for an abort
    (what an allocation failure under the limit does), the signal's name for other crashes."""
    if returncode is None:
        return "stopped answering"
    if returncode == -signal.SIGABRT:
        return f"ran out of memory (limit {memory_limit // MIB} MiB)"
    if returncode < 0:
        return f"crashed ({signal.Signals(-returncode).name})"
    return f"exited with status {returncode}"
