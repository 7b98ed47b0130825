"""The build's goals against the floor, in one run: the floor, the build on one and on two
workers (best of --repeats, each in a fresh store) and each step's share, as one JSON line.

    python bench/build_goals.py --corpus ../shared/corpus [--repeats 2]

The measurements are bench/run.py's (`read_text_only`, `timed_build`, `bench_steps`). To compare
two versions of the code in one run, run this script alternately with each on PYTHONPATH
(BENCHMARKS.md, "the build against the floor" has the command).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from run import bench_steps, best_of, read_text_only, timed_build  # noqa: E402

from ofsted_kg.extract import iter_report_files  # noqa: E402


def measure(corpus: Path, repeats: int) -> dict[str, object]:
    pdfs = [path for path in iter_report_files([corpus]) if path.suffix == ".pdf"]
    floor = best_of(repeats, lambda: read_text_only(pdfs))
    builds = {}
    for workers in (1, 2):
        runs = [timed_build(pdfs, workers) for _ in range(repeats)]
        for _, _, path in runs:
            shutil.rmtree(path, ignore_errors=True)
        builds[workers] = min(seconds for seconds, _, _ in runs)
    steps = bench_steps(pdfs)
    return {
        "pdfs": len(pdfs),
        "load_average": os.getloadavg()[0],
        "floor_s": round(floor, 2),
        "one_worker_x": round(builds[1] / floor, 2),
        "two_workers_x": round(builds[2] / floor, 2),
        "one_worker_s": round(builds[1], 2),
        "two_workers_s": round(builds[2], 2),
        "steps": {row[0]: row[1:] for row in steps.rows},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=Path("../shared/corpus"))
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args(argv)
    print(json.dumps(measure(args.corpus, args.repeats)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
