"""A batch of bad documents built together with good ones: each bad file is refused with a
one-line reason naming it, the partial report is loaded with its warnings stated in the graph and
reported by SHACL as warnings, the good files build, and the store validates."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import PDF_DIR, SEEDS_DIR
from robust_inputs import GOOD, PARTIAL, REFUSED, write_bad_documents

from ofsted_kg.extract import extract
from ofsted_kg.store import EmbeddedStore
from ofsted_kg.uris import Uris
from ofsted_kg.validation import validate_store

REPO = Path(__file__).resolve().parents[1]
GOOD_PDFS = ("80579_wigan_2017-03-31.pdf", "80568_swindon_2023-09-11.pdf")


@pytest.fixture(scope="module")
def batch(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Path, Path, subprocess.CompletedProcess]:
    root = tmp_path_factory.mktemp("robust")
    sources = write_bad_documents(root / "sources")
    for name in GOOD_PDFS:
        shutil.copy(PDF_DIR / name, sources / name)
    store = root / "store"
    done = subprocess.run(
        [sys.executable, "-m", "ofsted_kg", "build", str(sources), "--store", str(store)],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO / "src")},
        timeout=600,
    )
    return sources, store, done


def _select(store: EmbeddedStore, query: str) -> list[dict[str, str]]:
    return store.select(query)


def test_build_goes_on_and_names_every_refusal(batch) -> None:
    _, _, done = batch
    assert done.returncode == 1, done.stderr[-2000:]  # files were refused; the rest built
    assert "Traceback" not in done.stderr
    summary = [line for line in done.stderr.splitlines() if line.startswith("refused: ")]
    assert len(summary) == len(REFUSED), summary
    for name, reason in REFUSED.items():
        assert any(f"refused: {name}: " in line and reason in line for line in summary), name
    count = len(REFUSED) + len(PARTIAL) + len(GOOD) + len(GOOD_PDFS)
    built = len(PARTIAL) + len(GOOD) + len(GOOD_PDFS)
    assert f"{count} file(s): {built} built, 0 unchanged, {len(REFUSED)} refused" in done.stderr


def test_partial_report_is_built_with_its_warnings_summed_up_by_reason(batch) -> None:
    _, _, done = batch
    (line,) = [row for row in done.stderr.splitlines() if f"built {PARTIAL[0]}" in row]
    assert line.endswith("warning(s)")
    # One line per reason, naming the files, and no warning's own line without --verbose.
    reasons = [row for row in done.stderr.splitlines() if row.startswith("warning (")]
    assert any("partial extraction" in row and PARTIAL[0] in row for row in reasons), reasons
    assert len(reasons) == len({row.split("): ", 1)[1].rsplit(": ", 1)[0] for row in reasons})
    assert "  Warning: " not in done.stderr
    assert "every warning is listed with --verbose" in done.stderr


def test_store_validates_and_partial_facts_are_marked(batch) -> None:
    sources, store_path, _ = batch
    store = EmbeddedStore(store_path, read_only=True)
    result = validate_store(store)
    assert result.conforms, [f.line() for f in result.violations][:5]
    # The source says it is partial, and each missing framework judgement is a warning of its own.
    assert any("partial extraction" in f.message for f in result.warnings)
    assert sum("lacks its framework's judgement" in f.message for f in result.warnings) >= 5
    T = Uris().term
    rows = _select(
        store,
        f"""SELECT ?warning WHERE {{ ?s <{T("fileName")}> "{PARTIAL[0]}" ;
                                     <{T("extractionWarning")}> ?warning }}""",
    )
    assert any("judgements" in row["warning"] for row in rows), rows
    # Its other facts are there: the authority and the inspection dates survived the cut.
    report = extract(sources / PARTIAL[0])
    assert report.kind == "sif" and report.local_authority and report.inspection_dates
    assert not report.judgements


def test_every_file_has_a_manifest_entry_refusals_with_their_reason(batch) -> None:
    _, store_path, _ = batch
    store = EmbeddedStore(store_path, read_only=True)
    T = Uris().term
    rows = _select(
        store,
        f"""SELECT ?name ?refusal ?graph WHERE {{ ?e <{T("fileName")}> ?name .
            OPTIONAL {{ ?e <{T("refusal")}> ?refusal }} OPTIONAL {{ ?e <{T("builtGraph")}> ?graph }}
            FILTER EXISTS {{ ?e a <{T("ManifestEntry")}> }} }}""",
    )
    by_name = {row["name"]: row for row in rows}
    for name, reason in REFUSED.items():
        assert reason in by_name[name]["refusal"] and "graph" not in by_name[name]
    for name in (*PARTIAL, *GOOD, *GOOD_PDFS):
        assert "refusal" not in by_name[name] and by_name[name]["graph"] in store.named_graphs()


def test_mixed_encodings_read_like_the_original(batch) -> None:
    sources, _, _ = batch
    mixed = extract(sources / GOOD[0])
    original = extract(SEEDS_DIR / "001_dd6e25b02a3de5f5.txt")
    assert mixed.kind == original.kind
    assert mixed.local_authority.value == original.local_authority.value
    assert mixed.inspection_dates == original.inspection_dates
    assert "\ufffd" not in json.dumps(mixed.to_json(), ensure_ascii=False)


def test_every_warning_goes_to_the_log_file(tmp_path: Path) -> None:
    # A report that states neither a publication nor a letter date: one SHACL warning.
    source = PDF_DIR / "80555_somerset_2022-09-21.pdf"
    log = tmp_path / "build.log"
    done = subprocess.run(
        [sys.executable, "-m", "ofsted_kg", "build", str(source), "--store", str(tmp_path / "s")]
        + ["--log", str(log)],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO / "src")},
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "  Warning: " not in done.stderr
    assert f"every warning is listed in {log}" in done.stderr
    detail = log.read_text(encoding="utf-8").splitlines()
    built = detail.index(next(line for line in detail if f"built {source.name}" in line))
    assert detail[built + 1].startswith("  Warning: ") and "publication date" in detail[built + 1]
    assert "warning (1): " in done.stderr and "warning (1): " in log.read_text(encoding="utf-8")
