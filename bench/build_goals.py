"""The build's goals against the floor, in one run: the floor, the build on one and on two
workers (best of --repeats, each in a fresh store) and each step's share, as one JSON line.

    python bench/build_goals.py --corpus ../shared/corpus [--repeats 2]

The measurements are bench/run.py's (`read_text_only`, `timed_build`, `step_times`), each build
in a fresh store, with the CPU time of the build's process and workers beside the wall time. To compare
two versions of the code in one run, run this script alternately with each on PYTHONPATH
(BENCHMARKS.md, "the build against the floor" has the command).
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import resource
import shutil
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from run import read_text_only, step_times, timed_build  # noqa: E402

from ofsted_kg.extract import iter_report_files  # noqa: E402


def cpu_seconds() -> float:
    """CPU time of this process and of its children that have ended (the build's workers)."""
    own, children = (
        resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
    )
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def timed(func: Callable[[], object]) -> tuple[float, float]:
    """Wall and CPU seconds of one call. CPU time says what the work costs when the shared
    machine's other load stretches the wall time."""
    wall, cpu = time.perf_counter(), cpu_seconds()
    func()
    return time.perf_counter() - wall, cpu_seconds() - cpu


def build_in_fresh_store(pdfs: list[Path], workers: int) -> None:
    _, _, path = timed_build(pdfs, workers)
    shutil.rmtree(path, ignore_errors=True)


def measure(corpus: Path, repeats: int, steps: bool) -> dict[str, object]:
    pdfs = [path for path in iter_report_files([corpus]) if path.suffix == ".pdf"]
    floor = min(timed(lambda: read_text_only(pdfs)) for _ in range(repeats))
    result: dict[str, object] = {
        "pdfs": len(pdfs),
        "floor_s": round(floor[0], 2),
        "floor_cpu_s": round(floor[1], 2),
    }
    for workers in (1, 2):
        build = functools.partial(build_in_fresh_store, pdfs, workers)
        wall, cpu = min(timed(build) for _ in range(repeats))
        result[f"{workers}_worker_s"] = round(wall, 2)
        result[f"{workers}_worker_x"] = round(wall / floor[0], 2)
        result[f"{workers}_worker_cpu_s"] = round(cpu, 2)
    if steps:
        spent = step_times(pdfs)
        total = sum(spent.values())
        result["steps"] = {step: [round(s, 2), f"{s / total:.0%}"] for step, s in spent.items()}
    result["load_average"] = os.getloadavg()
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=Path("../shared/corpus"))
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--no-steps", action="store_true", help="the floor and builds only")
    args = parser.parse_args(argv)
    print(json.dumps(measure(args.corpus, args.repeats, not args.no_steps)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
