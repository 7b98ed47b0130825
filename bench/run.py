"""Benchmarks, measured side by side in one run, written to BENCHMARKS.md as ratios.

The baseline is the physical floor of a build: merely reading the PDFs' text with the same PDF
library on one core. Every other figure is reported against that floor, measured in the same
run, because this 2-core machine is noisy and absolute seconds drift between runs.

    python bench/run.py --corpus ../shared/corpus --out BENCHMARKS.md
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import resource
import sys
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pypdfium2 as pdfium

from ofsted_kg.extract import extract, iter_report_files


@dataclass
class Section:
    title: str
    intro: str
    header: tuple[str, ...]
    rows: list[tuple[str, ...]] = field(default_factory=list)

    def markdown(self) -> str:
        lines = [f"## {self.title}", "", self.intro, ""]
        lines.append("| " + " | ".join(self.header) + " |")
        lines.append("|" + "---|" * len(self.header))
        lines.extend("| " + " | ".join(row) + " |" for row in self.rows)
        return "\n".join(lines) + "\n"


def best_of(repeats: int, func: Callable[[], object]) -> float:
    """The fastest of `repeats` runs: the least disturbed by the other load on the machine."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return min(times)


def read_text_only(paths: list[Path]) -> int:
    """The floor: pypdfium2 text of every page, nothing else. Returns pages read."""
    pages = 0
    for path in paths:
        try:
            pdf = pdfium.PdfDocument(str(path))
        except pdfium.PdfiumError:
            continue
        for index in range(len(pdf)):
            pdf[index].get_textpage().get_text_range()
            pages += 1
        pdf.close()
    return pages


def extract_all(paths: list[Path]) -> int:
    return sum(1 for path in paths if extract(path).kind != "invalid")


def _extract_kind(path: Path) -> str:
    return extract(path).kind


def extract_parallel(paths: list[Path], workers: int) -> int:
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return sum(1 for kind in pool.map(_extract_kind, paths, chunksize=4) if kind != "invalid")


def bench_extraction(pdfs: list[Path], repeats: int) -> Section:
    pages = read_text_only(pdfs)
    floor = best_of(repeats, lambda: read_text_only(pdfs))
    one_core = best_of(repeats, lambda: extract_all(pdfs))
    two_cores = best_of(repeats, lambda: extract_parallel(pdfs, 2))
    section = Section(
        "Extraction against the floor",
        f"{len(pdfs)} PDFs, {pages} pages; best of {repeats}. Floor = pypdfium2 text of every "
        "page on one core, nothing else. Goal (issue 7): within 2x the floor on one core.",
        ("step", "seconds", "pages/s", "reports/s", "x floor"),
    )
    for name, seconds in (
        ("floor: raw PDF text, 1 core", floor),
        ("extract (read, clean, classify, extract), 1 core", one_core),
        ("extract, 2 processes", two_cores),
    ):
        section.rows.append(
            (
                name,
                f"{seconds:.2f}",
                f"{pages / seconds:.0f}",
                f"{len(pdfs) / seconds:.1f}",
                f"{seconds / floor:.2f}",
            )
        )
    return section


def machine_line() -> str:
    return (
        f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"{dt.date.today().isoformat()}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", default="../shared/corpus")
    parser.add_argument("--out", default="BENCHMARKS.md")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)

    pdfs = [p for p in iter_report_files([Path(args.corpus) / "pdf"]) if p.suffix == ".pdf"]
    sections = [bench_extraction(pdfs, args.repeats)]
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    command = "python bench/run.py " + " ".join(sys.argv[1:] if argv is None else argv)
    text = [
        "# Benchmarks",
        "",
        f"Written by `{command}` (or `make bench`) on {machine_line()}.",
        "Ratios are against a baseline measured in the same run; the machine is noisy, so each "
        "figure is the best of several runs.",
        "",
        *(section.markdown() for section in sections),
        f"Peak memory of the benchmark process: {peak_mb:.0f} MB.",
        "",
    ]
    Path(args.out).write_text("\n".join(text), encoding="utf-8")
    print("\n".join(text))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
