"""Store generations: one writer, any number of readers, never a reader on a store being written.

pyoxigraph (RocksDB) leaves it undefined what a read-only handle sees while another process
writes the same folder; in practice reads fail with "No such file" while the writer compacts.
So readers and the writer never share a database folder:

    STORE/live                     the name of the live generation ("000007"), replaced atomically
    STORE/writer.lock              flock held by the one writer (a build, or a server's write)
    STORE/generations/000007/      a published generation: complete, never written again
    STORE/generations/000007.lock  readers hold a shared flock on it while they have it open
    STORE/generations/work/        the writer's working copy (a RocksDB checkpoint of a generation)
    STORE/generations/work.base    the generation the working copy started from
    STORE/generations/work.build   present while a build's writes are in the working copy
    STORE/generations/work.write   present while another write is in it, unpublished

A writer takes writer.lock, brings the working copy up to the live generation (reusing it when
it already is, so a killed build resumes), writes into it, then publishes: a checkpoint of the
working copy (hard links to its immutable files: cheap) becomes the next numbered generation and
`live` is replaced to name it. Readers open the generation `live` names, check the pointer before
each use and move on when it changes. A generation that is not live is deleted by whoever finds
no shared lock on it (the reader leaving it, or the next writer), so the disk holds the live
generation, the working copy and, briefly, a generation a reader is finishing with.
"""

from __future__ import annotations

import fcntl
import os
import re
import shutil
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from .base import StoreBusy, StoreError

LIVE = "live"
WRITER_LOCK = "writer.lock"
GENERATIONS = "generations"
WORK = "work"
NUMBERED = re.compile(r"^\d{6,}$")
# The files a RocksDB folder holds: a store of the previous layout (one database directly in the
# store folder) is recognised, and cleared after conversion, by these names only.
ROCKSDB_FILE = re.compile(
    r"^(CURRENT|IDENTITY|LOCK|LOG(\.old\.\d+)?|MANIFEST-\d+|OPTIONS-\d+(\.dbtmp)?|\d+\.(sst|log|blob))$"
)


class Layout:
    """The paths of one store folder and the operations on them that need no open database."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.generations = root / GENERATIONS
        self.work = self.generations / WORK

    def live(self) -> str | None:
        """The live generation's name; None for a folder that holds no store of this layout."""
        try:
            return (self.root / LIVE).read_text(encoding="ascii").strip() or None
        except (FileNotFoundError, NotADirectoryError):
            return None

    def published(self) -> tuple[str, float] | None:
        """The live generation's name and when it was published: the time `live` was replaced to
        name it (a build's end). None for a folder that holds no store of this layout."""
        try:
            pointer = self.root / LIVE
            return pointer.read_text(encoding="ascii").strip(), pointer.stat().st_mtime
        except (FileNotFoundError, NotADirectoryError):
            return None

    def generation(self, name: str) -> Path:
        return self.generations / name

    def lock_path(self, name: str) -> Path:
        return self.generations / f"{name}.lock"

    def is_previous_layout(self) -> bool:
        return self.live() is None and (self.root / "CURRENT").is_file()

    def next_name(self) -> str:
        numbers = [int(p.name) for p in self.generations.iterdir() if NUMBERED.match(p.name)]
        live = self.live()
        return f"{max([*numbers, int(live) if live else 0]) + 1:06d}"

    def publish(self, name: str) -> None:
        """Make generation `name` the live one: a rename, so readers see the old name or the new."""
        self.lock_path(name).touch()  # before it is live: readers lock it before opening
        temporary = self.root / f"{LIVE}.{os.getpid()}.tmp"
        with open(temporary, "w", encoding="ascii") as out:
            out.write(name + "\n")
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, self.root / LIVE)
        _fsync_folder(self.root)

    def hold(self, name: str) -> int | None:
        """A shared lock on generation `name` (a file descriptor), or None if it is gone."""
        try:
            fd = os.open(self.lock_path(name), os.O_RDONLY)
        except FileNotFoundError:
            return None
        fcntl.flock(fd, fcntl.LOCK_SH)
        # Checked under the lock: a generation is deleted only under an exclusive lock, renamed
        # away first, so one that is here now stays whole until this lock is released.
        if not (self.generation(name) / "CURRENT").is_file():
            os.close(fd)
            return None
        return fd

    def discard(self, name: str) -> bool:
        """Delete generation `name` unless it is live or a reader holds it; True if it is gone."""
        try:
            fd = os.open(self.lock_path(name), os.O_RDONLY)
        except FileNotFoundError:
            fd = None
        except OSError:
            return False  # e.g. a folder this process may not write: leave it to the writer
        try:
            if fd is not None:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    return False
            if name == self.live():
                return False
            folder = self.generation(name)
            if folder.exists():
                # Renamed first: gone for readers at once, even if deleting stops half-way.
                trash = self.generations / f"trash-{name}-{uuid.uuid4().hex[:8]}"
                os.rename(folder, trash)
                shutil.rmtree(trash, ignore_errors=True)
            self.lock_path(name).unlink(missing_ok=True)
            return True
        except OSError:
            return False
        finally:
            if fd is not None:
                os.close(fd)

    def sweep(self) -> None:
        """Delete what no one needs: generations neither live nor held, half-made checkpoints,
        leftovers of interrupted deletions or conversions. Called by the writer, under
        writer.lock."""
        live = self.live()
        self.remove_previous_layout_files()  # the data is in a generation once `live` exists
        for entry in self.root.glob(f"{LIVE}.*.tmp"):
            entry.unlink(missing_ok=True)  # a pointer being written when its writer was killed
        for entry in self.generations.iterdir():
            name = entry.name
            if NUMBERED.match(name) and name != live:
                self.discard(name)
            elif name.startswith("trash-") or (name.endswith(".tmp") and entry.is_dir()):
                shutil.rmtree(entry, ignore_errors=True)
            elif name.endswith(".lock") and NUMBERED.match(name[:-5]) and name[:-5] != live:
                self.discard(name[:-5])  # a lock file left by an interrupted deletion

    def remove_previous_layout_files(self) -> None:
        for entry in self.root.iterdir():
            if ROCKSDB_FILE.match(entry.name) and entry.is_file():
                entry.unlink()


def _fsync_folder(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# ------------------------------------------------------------------ readers


@dataclass
class _Held:
    store: ox.Store | None
    fd: int
    users: int = 0


class LiveReader:
    """Read-only handles on the live generation; each use checks the pointer (one small file
    read) and opens the new generation when it changed. A generation is let go, and deleted if
    no one else holds it, when no use of it is in progress."""

    def __init__(self, layout: Layout) -> None:
        self.layout = layout
        self._open: dict[str, _Held] = {}
        self._lock = threading.Lock()

    @contextmanager
    def using(self) -> Iterator[ox.Store]:
        with self._lock:
            held = self._acquire()
        try:
            assert held.store is not None
            yield held.store
        finally:
            with self._lock:
                held.users -= 1
                self._let_go_stale()

    def _acquire(self) -> _Held:
        for _ in range(50):  # a writer publishes at most a few generations a second
            live = self.layout.live()
            if live is None:
                raise StoreError(
                    f"no store at {self.layout.root} (build one with `ofsted-kg build`)"
                )
            held = self._open.get(live)
            if held is None:
                fd = self.layout.hold(live)
                if fd is None:
                    continue  # replaced and deleted between reading the pointer and locking
                try:
                    store = ox.Store.read_only(str(self.layout.generation(live)))
                except OSError as exc:
                    os.close(fd)
                    raise StoreError(f"cannot open store at {self.layout.root}: {exc}") from None
                held = self._open[live] = _Held(store, fd)
            held.users += 1
            self._let_go_stale(live)
            return held
        raise StoreError(f"the store at {self.layout.root} kept changing while being opened")

    def _let_go_stale(self, live: str | None = None) -> None:
        live = live or self.layout.live()
        for name, held in list(self._open.items()):
            if name != live and held.users == 0:
                del self._open[name]
                held.store = None  # closes the database before its lock is released
                os.close(held.fd)
                self.layout.discard(name)

    def let_go_stale(self) -> None:
        """Release generations that are no longer live (for idle readers)."""
        with self._lock:
            self._let_go_stale()

    def close(self) -> None:
        with self._lock:
            for held in self._open.values():
                held.store = None
                os.close(held.fd)
            self._open.clear()


# ------------------------------------------------------------------ the writer


class Writer:
    """The one writer: holds writer.lock and the working copy open for writing.

    `for_build`: the writes are a build's, published together at the end; a build killed before
    that leaves them in the working copy (marked), and the next build resumes from there. Any
    other writer starts from the live generation instead, so a half build is never published.
    """

    def __init__(self, layout: Layout, *, for_build: bool, wait: float | None = None) -> None:
        self.layout = layout
        self._lock_fd = _take_writer_lock(layout, wait)
        try:
            self.store = self._prepare(for_build)
        except BaseException:
            os.close(self._lock_fd)
            raise

    def _prepare(self, for_build: bool) -> ox.Store:
        layout = self.layout
        _ensure_live_locked(layout)
        live = layout.live()
        base = layout.generations / f"{WORK}.base"
        marker = layout.generations / f"{WORK}.build"
        unpublished = layout.generations / f"{WORK}.write"
        current = base.read_text(encoding="ascii").strip() if base.is_file() else None
        reusable = (
            layout.work.is_dir()
            and current == live
            and (for_build or not marker.exists())
            and not unpublished.exists()  # a write killed before its publishing: never published
        )
        if not reusable:
            base.unlink(missing_ok=True)  # first: a copy half deleted is never taken as reusable
            marker.unlink(missing_ok=True)
            unpublished.unlink(missing_ok=True)
            shutil.rmtree(layout.work, ignore_errors=True)
            shutil.rmtree(layout.generations / f"{WORK}.tmp", ignore_errors=True)
            ox.Store.read_only(str(layout.generation(live))).backup(str(layout.work))
            base.write_text(f"{live}\n", encoding="ascii")
        if for_build:
            marker.touch()
        layout.sweep()
        return ox.Store(str(layout.work))

    def writing_one(self) -> None:
        """Mark the working copy as holding a write not yet published (a server's, published at
        once): if the process is killed before `publish` (a write worker past its deadline), the
        next writer starts from the live generation, so that write is never published."""
        (self.layout.generations / f"{WORK}.write").touch()

    def publish(self) -> str:
        """Make the working copy's state the live generation; returns its name."""
        layout = self.layout
        name = layout.next_name()
        self.store.backup(str(layout.generation(name)))  # flushes what is in memory first
        layout.publish(name)
        (layout.generations / f"{WORK}.base").write_text(f"{name}\n", encoding="ascii")
        (layout.generations / f"{WORK}.build").unlink(missing_ok=True)
        (layout.generations / f"{WORK}.write").unlink(missing_ok=True)
        layout.sweep()
        return name

    def close(self) -> None:
        """Close the working copy (its writes so far stay in it) and release writer.lock."""
        try:
            self.store.flush()
        except OSError:
            pass  # a full disk: what was committed is in the write-ahead log already
        finally:
            del self.store
            os.close(self._lock_fd)


def ensure_live(layout: Layout) -> None:
    """Give the folder a live generation if it has none (under writer.lock)."""
    fd = _take_writer_lock(layout, None)
    try:
        _ensure_live_locked(layout)
    finally:
        os.close(fd)


def _ensure_live_locked(layout: Layout) -> None:
    """Convert a store of the previous layout in place, or start an empty one."""
    layout.generations.mkdir(exist_ok=True)
    if layout.live() is not None:
        return
    name = layout.next_name()
    target = layout.generation(name)
    shutil.rmtree(target, ignore_errors=True)
    if layout.is_previous_layout():
        previous = ox.Store(str(layout.root))
        previous.backup(str(target))
        del previous
    else:
        empty = ox.Store(str(target))
        empty.flush()
        del empty
    layout.publish(name)
    layout.remove_previous_layout_files()


def _take_writer_lock(layout: Layout, wait: float | None) -> int:
    """writer.lock, exclusively; waits as long as it takes (`wait` None) or `wait` seconds."""
    layout.root.mkdir(parents=True, exist_ok=True)
    fd = os.open(layout.root / WRITER_LOCK, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        if wait is None:
            fcntl.flock(fd, fcntl.LOCK_EX)
            return fd
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return fd
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise StoreBusy(
                        "another process (a build) is writing the store; try again shortly"
                    ) from None
                time.sleep(0.05)
    except BaseException:
        os.close(fd)
        raise
