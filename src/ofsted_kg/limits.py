"""Resource limits for worker processes (query and write workers of the server, build workers).

A process under a memory limit that asks for more fails there: Python raises MemoryError, and
Rust code in pyoxigraph aborts the process (SIGABRT); workers turn a MemoryError into an abort
too, so an abort means "out of memory" to the parent. Either way only that worker is lost; its
parent sees it go and answers for the one job it was doing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import resource
import signal

MIB = 1024 * 1024


def limit_memory(max_bytes: int) -> None:
    """Cap this process's address space (RLIMIT_AS) at `max_bytes`: call it first thing in a
    worker process, before it opens stores or starts threads."""
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:  # an unprivileged process cannot raise its hard limit
        max_bytes = min(max_bytes, hard)
    _cap_malloc_arenas()
    resource.setrlimit(resource.RLIMIT_AS, (max_bytes, max_bytes))
    # A worker that dies at the limit must not then write a core file of that size.
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


M_ARENA_MAX = -8  # glibc's mallopt parameter (malloc.h)


def _cap_malloc_arenas() -> None:
    """Let glibc's malloc keep at most two arenas. It reserves 64 MiB of address space for each
    thread's arena (up to 8 a core), and RLIMIT_AS counts reservations: opening a RocksDB store
    (pyoxigraph), whose threads each get one, reserved 860 MiB against 260 MiB with two arenas,
    so a worker under a 1 GiB limit could fail to start a thread ("Resource temporarily
    unavailable") before doing any work. Not glibc (no mallopt): nothing to cap."""
    libc_name = ctypes.util.find_library("c")
    libc = ctypes.CDLL(libc_name) if libc_name else None
    if libc is not None and hasattr(libc, "mallopt"):
        libc.mallopt(M_ARENA_MAX, 2)


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
