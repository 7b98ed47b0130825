"""One file never stops the build: hostile names, special files, files that change under the
build, and PDFs that need more memory or time than a worker is given.

Every good file is built, each bad one is refused with a one-line reason, no traceback, exit 1;
refusals of the moment (a changed file, a dead or overrunning worker) are not recorded, so the
next build tries them again, while a refusal of the content is remembered by the file's hash.
"""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
import sys
import threading
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from conftest import PDF_DIR, SEEDS_DIR
from rdflib import Literal

from ofsted_kg.build import build
from ofsted_kg.build_workers import (
    MEMORY_LIMIT_ENV,
    TIME_LIMIT_ENV,
    WorkerFailure,
    WorkerLimits,
    WorkerPool,
)
from ofsted_kg.manifest import read_manifest
from ofsted_kg.sources import (
    MAX_FILE_BYTES,
    SourceError,
    list_sources,
    printable_name,
    read_source,
    source_key,
)
from ofsted_kg.store import EmbeddedStore
from ofsted_kg.uris import Uris

REPO = Path(__file__).resolve().parents[1]
GOOD_PDFS = ("80491_camden_2022-06-21.pdf", "80580_wiltshire_2019-07-22.pdf")
SEED = SEEDS_DIR / "000_4d8e916605b056f9.txt"
CHANGING_SEED = SEEDS_DIR / "001_dd6e25b02a3de5f5.txt"
NOT_UTF8 = os.fsdecode(b"caf\xe9 report.txt")  # a Latin-1 name, as an old zip file leaves it


# ------------------------------------------------------------------ hostile files, made here


def _adler32_repeated(block: bytes, count: int) -> int:
    """zlib.adler32(block * count) without making it: each block adds its byte sum to A, and
    to B its length times A so far plus its position-weighted byte sum."""
    single = zlib.adler32(block)
    total = (single & 0xFFFF) - 1
    weighted = (single >> 16) - len(block)
    a, b = 1, 0
    for _ in range(count):
        a, b = (a + total) % 65521, (b + len(block) * a + weighted) % 65521
    return (b << 16) | a


def inflating(block: bytes, count: int) -> bytes:
    """zlib data that inflates to `block * count`, made in milliseconds: after a full flush the
    compressor starts afresh, so one compressed block repeated is a valid stream."""
    compressor = zlib.compressobj(9)
    head = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)
    body = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)
    end = compressor.flush()[:-4]  # the final block, without the checksum of two blocks only
    return head + body * (count - 1) + end + struct.pack(">I", _adler32_repeated(block, count))


def pdf_with_page_stream(stream: bytes) -> bytes:
    """A one-page PDF whose page content is `stream` (Flate-compressed), with a cross-reference
    table: a well-formed file that every reader opens."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def decompression_bomb(mib: int = 2048) -> bytes:
    """A 2 MB PDF whose page stream inflates to 2 GiB of blanks: a reader holds it all at once."""
    return pdf_with_page_stream(inflating(b" " * (1 << 20), mib))


def slow_pdf(mib: int = 384) -> bytes:
    """A PDF whose page draws millions of path points: 13 s of parsing here, under 1 GB."""
    return pdf_with_page_stream(inflating(b"0 0 m\n" * ((1 << 20) // 6), mib))


@contextmanager
def rewritten_all_along(path: Path, text: bytes, every: float = 0.001) -> Iterator[None]:
    """Rewrite `path` in place, alternately with `text` and `text` plus a line, until the block
    ends: a file being changed while a build reads and works on it. Every millisecond: a text
    report is worked on in about 15 ms, so with one rewrite every 20 ms a build could read it and
    be done before the next rewrite, and build it (one run in a few did)."""
    stop = threading.Event()

    def rewrite() -> None:
        longer = text + b"\nA line added.\n"
        while not stop.is_set():
            for content in (text, longer):
                with path.open("r+b") as out:
                    out.write(content)
                    out.truncate()
                time.sleep(every)

    path.write_bytes(text)
    writer = threading.Thread(target=rewrite, daemon=True)
    writer.start()
    try:
        yield
    finally:
        stop.set()
        writer.join()
        path.write_bytes(text)


def run_build(sources: Path, store: Path, *options: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "ofsted_kg", "build", str(sources), "--store", str(store), *options],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO / "src")},
        timeout=300,
    )


def refusals(done: subprocess.CompletedProcess) -> dict[str, str]:
    """The closing summary's refusals: name -> reason."""
    found = {}
    for line in done.stderr.splitlines():
        if line.startswith("refused: "):
            name, _, reason = line.removeprefix("refused: ").partition(": ")
            found[name] = reason
    return found


# ------------------------------------------------------------------ the whole build


@pytest.fixture()
def hostile_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "sources"
    for region, name in zip(("north", "south"), GOOD_PDFS, strict=True):
        (folder / region).mkdir(parents=True)
        shutil.copy(PDF_DIR / name, folder / region / "report.pdf")
    shutil.copy(SEED, folder / NOT_UTF8)
    os.mkfifo(folder / "pipe.pdf")
    (folder / "bomb.pdf").write_bytes(decompression_bomb())
    # An HTML error page that Ofsted's site served as a PDF: refused for its content.
    shutil.copy(PDF_DIR / "80429_birmingham_2012-10-19.pdf", folder / "error-page.pdf")
    return folder


def test_hostile_files_are_refused_one_by_one_and_retried_when_the_moment_caused_it(
    hostile_folder: Path, tmp_path: Path
) -> None:
    store = tmp_path / "store"
    changing = hostile_folder / "changing.txt"
    not_utf8 = printable_name(NOT_UTF8)
    # A low memory limit keeps the bomb's cost bounded; the real reports need far less.
    with rewritten_all_along(changing, CHANGING_SEED.read_bytes()):
        first = run_build(hostile_folder, store, "--memory-limit", "1024")
    assert first.returncode == 1, first.stderr[-3000:]
    assert "Traceback" not in first.stderr
    refused = refusals(first)
    assert set(refused) == {"pipe.pdf", "bomb.pdf", "changing.txt", "error-page.pdf"}, refused
    assert refused["pipe.pdf"] == "not a regular file (a FIFO)"
    assert refused["bomb.pdf"].startswith("worker died: ")
    assert "1024 MiB" in refused["bomb.pdf"] and "tried again next build" in refused["bomb.pdf"]
    assert "changed" in refused["changing.txt"] and "tried again" in refused["changing.txt"]
    assert "web page" in refused["error-page.pdf"]
    assert "7 file(s): 3 built, 0 unchanged, 4 refused" in first.stderr

    state = EmbeddedStore(store, read_only=True)
    manifest = read_manifest(state, Uris())
    # Two report.pdf in two folders are two documents; the name that is not UTF-8 is a key
    # with its byte percent-encoded, and the source's file name keeps it readable.
    graphs = {key: entry.graph for key, entry in manifest.items()}
    assert graphs["north/report.pdf"] and graphs["south/report.pdf"]
    assert graphs["north/report.pdf"] != graphs["south/report.pdf"]
    assert graphs["caf%E9 report.txt"] in state.named_graphs()
    assert manifest["pipe.pdf"].sha256 is None and manifest["pipe.pdf"].refusal
    assert manifest["error-page.pdf"].sha256 and manifest["error-page.pdf"].refusal
    assert "bomb.pdf" not in manifest and "changing.txt" not in manifest  # nothing recorded
    ask = f"""ASK {{ GRAPH <{graphs["caf%E9 report.txt"]}> {{
        ?source <{Uris().term("fileName")}> {Literal(not_utf8).n3()} }} }}"""
    assert state.ask(ask)
    state.close()

    second = run_build(hostile_folder, store, "--memory-limit", "1024")
    assert second.returncode == 1 and "Traceback" not in second.stderr, second.stderr[-3000:]
    progress = [line for line in second.stderr.splitlines() if line.startswith("[")]
    assert any("built changing.txt" in line for line in progress), progress
    assert any("refused bomb.pdf: worker died" in line for line in progress), progress
    assert not any("error-page.pdf" in line for line in progress)  # remembered by its hash
    assert set(refusals(second)) == {"pipe.pdf", "bomb.pdf", "error-page.pdf"}
    assert "7 file(s): 1 built, 5 unchanged, 3 refused" in second.stderr


def test_a_file_over_the_time_limit_is_refused_and_the_rest_built(tmp_path: Path) -> None:
    folder = tmp_path / "sources"
    folder.mkdir()
    (folder / "slow.pdf").write_bytes(slow_pdf())
    shutil.copy(SEED, folder / SEED.name)
    store = EmbeddedStore(tmp_path / "store")
    log: list[str] = []
    started = time.monotonic()
    # 2 s: the seed is built in a tenth of a second, the slow PDF takes over 10 s; the limit is
    # most of what this test costs (the slow PDF's worker parses until it is stopped).
    stats = build([folder], store, limits=WorkerLimits(seconds=2), log=log.append)
    assert time.monotonic() - started < 60
    assert dict(stats.refused) == {"slow.pdf": "timed out after 2 s; tried again next build"}
    assert stats.built == 1
    assert "slow.pdf" not in read_manifest(store, Uris())


def test_a_device_given_by_name_is_refused_at_once(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "ofsted_kg", "build", "/dev/zero", "--store", str(tmp_path / "s")],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO / "src")},
        timeout=120,
    )
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert refusals(done) == {"zero": "not a regular file (a character device)"}


def test_one_relative_path_in_two_sources_is_refused_the_second_time(tmp_path: Path) -> None:
    for region in ("north", "south"):
        (tmp_path / region).mkdir()
    shutil.copy(SEED, tmp_path / "north" / "report.txt")
    shutil.copy(CHANGING_SEED, tmp_path / "south" / "report.txt")
    store = EmbeddedStore(tmp_path / "store")
    quiet = lambda _message: None  # noqa: E731
    stats = build([tmp_path / "north", tmp_path / "south"], store, log=quiet)
    assert stats.files == 2 and stats.built == 1
    ((name, reason),) = stats.refused
    assert name == "report.txt" and f"same path as {tmp_path / 'north' / 'report.txt'}" in reason
    # The same file given twice (in its folder and by name) is one file.
    again = build([tmp_path / "north", tmp_path / "north" / "report.txt"], store, log=quiet)
    assert again.files == 1 and again.unchanged == 1 and not again.refused


# ------------------------------------------------------------------ reading and naming files


def test_special_and_oversized_files_are_refused_before_reading(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(SourceError, match=r"^not a regular file \(a FIFO\)$"):
        read_source(fifo)  # reading would wait for a writer forever
    sparse = tmp_path / "sparse.pdf"
    with sparse.open("wb") as out:
        out.truncate(1 << 36)  # 64 GiB that take no disk: reading them would take minutes
    with pytest.raises(SourceError, match="file too large"):
        read_source(sparse)
    just_over = tmp_path / "just-over.txt"
    just_over.write_bytes(b"x" * (MAX_FILE_BYTES + 1))
    with pytest.raises(SourceError, match="file too large"):
        read_source(just_over)
    assert read_source(SEED).data == SEED.read_bytes()


def test_every_file_name_has_a_key_and_a_printable_name(tmp_path: Path) -> None:
    names = [NOT_UTF8, "100% done.txt", "100%25 done.txt", "line\nbreak.txt", "Café.txt"]
    for name in names:
        (tmp_path / name).write_text("x", encoding="utf-8")
    listed = {source.path.name: source for source in list_sources([tmp_path])}
    keys = {name: listed[name].key for name in names}
    assert len(set(keys.values())) == len(names)  # one key per name, never two alike
    assert keys[NOT_UTF8] == "caf%E9 report.txt"
    assert keys["100% done.txt"] == "100%25 done.txt" and keys["Café.txt"] == "Café.txt"
    assert all(key.encode("utf-8") for key in keys.values())  # valid Unicode, for URIs
    assert printable_name(NOT_UTF8) == "caf\\xe9 report.txt"
    assert printable_name("line\nbreak.txt") == "line\\nbreak.txt"
    assert printable_name("Café.txt") == "Café.txt"
    assert source_key("a/b.txt") == "a/b.txt"
    assert Uris().manifest_entry(keys[NOT_UTF8]).endswith("/doc/source-file/caf%25E9%20report.txt")


def test_limits_come_from_options_then_environment_then_defaults(monkeypatch) -> None:
    monkeypatch.delenv(MEMORY_LIMIT_ENV, raising=False)
    monkeypatch.delenv(TIME_LIMIT_ENV, raising=False)
    assert WorkerLimits.from_env() == WorkerLimits()
    monkeypatch.setenv(MEMORY_LIMIT_ENV, "512")
    monkeypatch.setenv(TIME_LIMIT_ENV, "7.5")
    assert WorkerLimits.from_env() == WorkerLimits(512, 7.5)
    assert WorkerLimits.from_env(1024, 3) == WorkerLimits(1024, 3)
    monkeypatch.setenv(MEMORY_LIMIT_ENV, "lots")
    with pytest.raises(ValueError, match=f"{MEMORY_LIMIT_ENV}='lots' is not a number"):
        WorkerLimits.from_env()
    with pytest.raises(ValueError, match="must be positive"):
        WorkerLimits.from_env(0, 3)


# ------------------------------------------------------------------ the worker pool itself


def allocate(mib: int) -> int:
    """A task that needs `mib` MiB at once (a Python allocation: MemoryError when refused)."""
    return len(bytearray(mib << 20))


def test_a_worker_out_of_memory_is_replaced_and_the_next_task_runs() -> None:
    limits = WorkerLimits(memory_mb=1024, seconds=60)
    with WorkerPool(allocate, 1, limits) as pool:
        results = list(pool.run([4096, 1, 8192, 2]))
    assert results == [
        (4096, WorkerFailure("worker died: out of memory (the limit is 1024 MiB)")),
        (1, 1 << 20),
        (8192, WorkerFailure("worker died: out of memory (the limit is 1024 MiB)")),
        (2, 2 << 20),
    ]
