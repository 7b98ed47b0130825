"""Shared fixtures: where ../shared is, the corpus files in it, and what is made of them once
per test run (tests/suite_helpers.py)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = (REPO / ".." / "shared").resolve()
SEEDS_DIR = SHARED / "corpus" / "seeds"
PDF_DIR = SHARED / "corpus" / "pdf"
GOLD_FILE = SHARED / "gold" / "seeds.json"

if not SHARED.is_dir():  # CI clones the repo with ../shared beside it; say so plainly if not.
    raise pytest.UsageError(
        f"shared data not found at {SHARED} (expected ../shared beside the repo)"
    )


@pytest.fixture(scope="session", autouse=True)
def own_build_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Builds keep the ontology's TBox rules in $OFSTED_KG_CACHE (default ~/.cache/ofsted-kg):
    each test worker starts with an empty one of its own, so that a run neither depends on nor
    is sped up by what an earlier run left there. Set here, so that servers and builds the tests
    start as processes inherit it."""
    from ofsted_kg.reasoning import CACHE_ENV

    os.environ[CACHE_ENV] = str(tmp_path_factory.mktemp("build-cache"))


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    return SHARED


@pytest.fixture(scope="session")
def corpus_reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    """Every file of ../shared/corpus (seeds and PDFs) extracted once per test run, by file name,
    as `ofsted-kg extract` prints it; the extraction tests take their reports from here."""
    from suite_helpers import extract_all, made_once_per_run, read_pickle, write_pickle

    from ofsted_kg.extract import iter_report_files

    def extract_corpus(folder: Path) -> None:
        files = iter_report_files([SEEDS_DIR, PDF_DIR])
        write_pickle(folder / "reports.pickle", extract_all(files))

    folder = made_once_per_run(tmp_path_factory, "corpus-reports", extract_corpus)
    return read_pickle(folder / "reports.pickle")


@pytest.fixture(scope="session")
def graph_store(tmp_path_factory: pytest.TempPathFactory):
    """The seeds (their gold facts) and a few PDFs (real extraction), built once per test run
    into a template; each worker opens its own copy of it."""
    from graph_fixtures import BuiltStore, build_fixture_store
    from suite_helpers import made_once_per_run, read_pickle, write_pickle

    from ofsted_kg.store import EmbeddedStore

    def build_template(folder: Path) -> None:
        built = build_fixture_store(folder / "store")
        built.store.close()
        write_pickle(folder / "built.pickle", (built.stats, built.uris, built.log))

    template = made_once_per_run(tmp_path_factory, "graph-store", build_template)
    copy = tmp_path_factory.mktemp("graph-store") / "store"
    shutil.copytree(template / "store", copy)
    stats, uris, log = read_pickle(template / "built.pickle")
    built = BuiltStore(EmbeddedStore(copy), stats, uris, log)
    yield built
    built.store.close()


# The test files that take minutes (the profile in docs/ARCHITECTURE.md, "Test suite"), longest
# first. They run first, so that under pytest-xdist (`make test`: --dist loadfile
# --no-loadscope-reorder) each runs beside the many short files instead of last and alone.
# Only the order of the files changes; a stale list costs time, never a test.
LONG_FILES = (
    "test_real_servers.py",
    "test_browser.py",
    "test_serve_refresh.py",
    "test_build_corpus.py",
    "test_faults_build.py",
    "test_bench_run.py",
    "test_build_isolation.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    rank = {name: n for n, name in enumerate(LONG_FILES)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))  # stable: files stay whole
