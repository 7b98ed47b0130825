"""bench/run.py (`make bench`), in its quick form made smaller still: issue 16's three sections
written between the markers of an existing BENCHMARKS.md, what is outside them kept byte for
byte, and in each section the command that wrote it and a goal table whose every row has a
measured number and a verdict that agrees with it."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from ofsted_kg.queries import load_queries

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus"
sys.path.insert(0, str(REPO / "bench"))
import run  # noqa: E402 - a benchmark script, not part of the package

BEGIN, END = run.MARKS
TITLES = (
    "1. A national-size corpus that looks like the nation",
    "2. Pages and named queries on the national graph",
    "3. The build against the floor",
)
NUMBER = re.compile(r"-?\d[\d,]*(?:\.\d+)?")
VERDICT = re.compile(r"met|missed by \d[\d,]*(?:\.\d+)?\S*[^:]*: \S.*")


def goal_rows(section: str) -> dict[str, tuple[str, str]]:
    """goal -> (measured, verdict): the rows of the table headed `| goal | measured | met? |`."""
    table = section.split("| goal | measured | met? |\n|---|---|---|\n", 1)[1].split("\n\n")[0]
    rows = {}
    for line in table.splitlines():
        goal, measured, verdict = (cell.strip() for cell in line.strip("|").split(" | "))
        rows[goal] = (measured, verdict)
    return rows


def first_number(text: str) -> float:
    return float(NUMBER.search(text).group().replace(",", ""))


@pytest.mark.slow
def test_quick_bench_writes_the_three_sections_with_their_goals(tmp_path: Path) -> None:
    out = tmp_path / "BENCHMARKS.md"
    above = "# Benchmarks\n\nWhat these are.\n\n"
    below = "\n\n## 7. Optimisations\n\nWritten by hand | not | a goal |\n"
    out.write_text(f"{above}{BEGIN}\nthe last run's figures\n{END}{below}", encoding="utf-8")
    # The quick run's code paths at the smallest sizes that still fill every table: 2 PDFs
    # (built, timed step by step, and read as templates with the seeds and letters), a national
    # corpus of 2 authorities and a sample of 1 (as the quick run's 8 and 1: the sample is the
    # first of the national ones), one warm ask of each page and query, and a quarter of a
    # second of each load. Its sizes are bench/run.py's options; the figures mean nothing.
    command = [
        sys.executable,
        str(REPO / "bench" / "run.py"),
        "--quick",
        "--corpus",
        str(CORPUS),
        "--out",
        str(out),
        *("--pdf-every", "95", "--authority-every", "80", "--load-seconds", "0.25"),
        *("--profile-repeats", "1", "--baseline-repeats", "1"),
    ]
    result = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=1200)
    assert result.returncode == 0, result.stderr[-3000:]

    text = out.read_text(encoding="utf-8")
    assert text.startswith(above + BEGIN) and text.endswith(END + below)
    generated = text[len(above + BEGIN) : -len(END + below)]
    assert "the last run's figures" not in generated
    sections = re.split(r"^## ", generated, flags=re.MULTILINE)[1:]
    assert tuple(s.splitlines()[0] for s in sections) == TITLES
    for section in sections:
        assert "```\npython bench/run.py --quick --corpus" in section
        for goal, (measured, verdict) in goal_rows(section).items():
            assert NUMBER.search(measured), (goal, measured)
            assert VERDICT.fullmatch(verdict), (goal, verdict)

    national, pages, build = (goal_rows(s) for s in sections)
    assert len(national) == 7 and len(pages) == 7 and len(build) == 5
    # This run plans every 80th authority: that goal is missed, and the row says why.
    measured, verdict = national[
        "all authorities (156 Ofsted URNs in the reference data, 150-153 at a time)"
    ]
    assert measured == "2 of 156" and verdict.startswith(
        "missed by 154 authorities: quick run: every 80th authority"
    )
    # The named-query goals are about the named queries (not the query page, nor their list).
    measured, _ = pages["every named query, default parameters, p50 < 300 ms (warm)"]
    assert any(f"slowest query {name} " in measured for name in load_queries()), measured
    # Each verdict agrees with its number.
    measured, verdict = build["build, 1 worker, at most 2x the floor"]
    assert (verdict == "met") == (first_number(measured) <= 2.0)
    measured, verdict = build["validation (SHACL) under 25% of the steps"]
    assert (verdict == "met") == (first_number(measured) < 25)
    measured, verdict = pages["16 clients: at least 340 requests/s"]
    assert (verdict == "met") == (first_number(measured) >= 340)
    measured, verdict = pages["16 clients: p99 < 250 ms"]
    assert (verdict == "met") == (first_number(measured) < 250)


def test_a_file_without_the_markers_is_left_as_it_is(tmp_path: Path) -> None:
    out = tmp_path / "BENCHMARKS.md"
    out.write_text("# Benchmarks\n\nwritten by hand\n", encoding="utf-8")
    with pytest.raises(SystemExit, match=f"{re.escape(str(out))} has no lines"):
        run.write_between_marks(out, "## 1. generated\n")
    assert out.read_text(encoding="utf-8") == "# Benchmarks\n\nwritten by hand\n"


def test_the_generated_part_is_replaced_and_the_rest_kept(tmp_path: Path) -> None:
    out = tmp_path / "BENCHMARKS.md"
    out.write_text(f"# B\n\n{BEGIN}\nold\n{END}\n\nhand\n", encoding="utf-8")
    run.write_between_marks(out, "new\n")
    run.write_between_marks(out, "newer\n")
    assert out.read_text(encoding="utf-8") == f"# B\n\n{BEGIN}\n\nnewer\n\n{END}\n\nhand\n"
