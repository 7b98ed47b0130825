"""docs/vocabulary-changes.md lists every renamed IRI, in the form bench/compare_exports.py reads,
and the comparison itself counts only what differs once those renames are applied."""

from __future__ import annotations

import sys
from pathlib import Path

from conftest import REPO

sys.path.insert(0, str(REPO / "bench"))

from compare_exports import differences, read_mapping, read_quads  # noqa: E402

from ofsted_kg.uris import DEFAULT_BASE, SCHEMES, Uris  # noqa: E402
from ofsted_kg.vocab import PipelineStatus  # noqa: E402

CHANGES = REPO / "docs" / "vocabulary-changes.md"


def test_every_moved_scheme_is_in_the_mapping() -> None:
    uris = Uris(DEFAULT_BASE)
    expected = {f"{uris.DEF}{segment}": str(uris.scheme(name)) for name, segment in SCHEMES.items()}
    # `invalid` left the report kinds for the build's statuses.
    expected[f"{uris.DEF}report-kind/invalid"] = str(uris.build_status(PipelineStatus.INVALID))
    assert read_mapping(CHANGES) == expected


def test_the_comparison_sees_only_what_the_renames_do_not_explain(tmp_path: Path) -> None:
    old, new = next(iter(read_mapping(CHANGES).items()))
    graph = f"<{DEFAULT_BASE}doc/graph/ontology>"
    before = tmp_path / "before.nq"
    after = tmp_path / "after.nq"
    before.write_text(
        f'<{old}> <http://www.w3.org/2004/02/skos/core#notation> "X" {graph} .\n'
        f'<{DEFAULT_BASE}a> <{DEFAULT_BASE}p> "kept" {graph} .\n'
    )
    after.write_text(
        f'<{new}> <http://www.w3.org/2004/02/skos/core#notation> "X" {graph} .\n'
        f'<{DEFAULT_BASE}a> <{DEFAULT_BASE}p> "kept" {graph} .\n'
        f'<{DEFAULT_BASE}a> <{DEFAULT_BASE}q> "added" {graph} .\n'
    )
    mapping = read_mapping(CHANGES)
    found = differences(read_quads(before, mapping), read_quads(after, {}))
    assert found == {("ontology", f"{DEFAULT_BASE}q", "+"): 1}
