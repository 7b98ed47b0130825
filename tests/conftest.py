"""Shared fixtures: where ../shared is, and the corpus files in it."""

from __future__ import annotations

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


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    return SHARED


@pytest.fixture(scope="session")
def corpus_reports() -> dict[str, dict[str, Any]]:
    """Every file of ../shared/corpus (seeds and PDFs) extracted once per session, by file name,
    as `ofsted-kg extract` prints it; the extraction tests take their reports from here."""
    from ofsted_kg.extract import extract, iter_report_files

    files = iter_report_files([SEEDS_DIR, PDF_DIR])
    return {path.name: extract(path).to_json() for path in files}


@pytest.fixture(scope="session")
def graph_store(tmp_path_factory: pytest.TempPathFactory):
    """The seeds (their gold facts) and a few PDFs (real extraction), built once per session."""
    from graph_fixtures import build_fixture_store

    built = build_fixture_store(tmp_path_factory.mktemp("graph-store"))
    yield built
    built.store.close()
