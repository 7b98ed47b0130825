"""Legal basis: the provisions a report states it was made under, on the seeds and real PDFs."""

from __future__ import annotations

import csv

import pytest
from conftest import PDF_DIR, SEEDS_DIR

from ofsted_kg.clean import CleanText, clean_document
from ofsted_kg.extract import extract
from ofsted_kg.extract.legal import legal_basis
from ofsted_kg.sources import document_from_bytes
from ofsted_kg.uris import Uris

EIA, CA = "Education and Inspections Act 2006", "Children Act 2004"
LSCB_REGULATIONS = "Local Safeguarding Children Boards (Review) Regulations 2013"
LSCB_REVIEW = "review of the local safeguarding children board"
# The SIF seeds state each provision twice (a footnote and the closing text): kept once, in the
# order first printed.
SIF_BASIS = [
    (EIA, "152", "this report"),
    (EIA, "136", "inspection of local authority functions"),
    (LSCB_REGULATIONS, None, LSCB_REVIEW),
    (CA, "15A", LSCB_REVIEW),
]
EXPECTED = {
    "000_4d8e916605b056f9.txt": SIF_BASIS,
    "002_9e3392fa40d9fa68.txt": SIF_BASIS,
    "003_c7e31c01e8e11eec.txt": SIF_BASIS,
    # 2010 annual unannounced letter: "The inspection was carried out under section 138 ..."
    "004_01074a0f891bb9e6.txt": [(EIA, "138", "inspection")],
    # 2021 focused visit: "carried out in line with the ... (ILACS) framework", no provision
    "001_dd6e25b02a3de5f5.txt": [],
}


@pytest.mark.parametrize("seed", sorted(EXPECTED))
def test_seed_legal_basis(seed: str) -> None:
    report = extract(SEEDS_DIR / seed)
    assert [(b.instrument, b.section, b.scope) for b in report.legal_basis] == EXPECTED[seed]
    for basis in report.legal_basis:
        assert basis.section is None or basis.section in basis.evidence.quote
        assert (
            "carried out under" in basis.evidence.quote
            or "power to combine" in basis.evidence.quote
        )


def test_misprints_are_read() -> None:
    # Medway 2013 prints "carried out under under section 136"; others "Education and Inspection
    # Act 2006" (no s): both name the same provision.
    report = extract(PDF_DIR / "80522_medway_2013-08-23.pdf")
    assert [(b.instrument, b.section) for b in report.legal_basis] == [(EIA, "136")]
    text = "This inspection was carried out under section 136 of the Education and Inspection Act 2006."
    assert [(b.instrument, b.section) for b in legal_basis(_clean(text))] == [(EIA, "136")]


def test_provisions_cited_about_children_are_not_a_legal_basis() -> None:
    text = (
        "The inspection of the local authority found that assessments carried out under section 47 "
        "of the Children Act 1989 were timely. Children accommodated under section 20 of the "
        "Children Act 1989 had plans."
    )
    assert legal_basis(_clean(text)) == []


def test_ilacs_reports_state_no_provision() -> None:
    # They cite sections of the Children Act 1989 about children throughout, never as their basis.
    with (PDF_DIR / "MANIFEST.csv").open(encoding="utf-8") as handle:
        names = [
            r["file"] for r in csv.DictReader(handle) if r["listed_publication_date"] >= "2023"
        ]
    for name in names[::6]:
        report = extract(PDF_DIR / name)
        assert report.kind == "ilacs" and report.legal_basis == [], name


def test_provision_uris_are_legislation_gov_uk_where_known() -> None:
    uris = Uris("https://example.org/")
    assert (
        str(uris.legislation(CA, "15A"))
        == "http://www.legislation.gov.uk/id/ukpga/2004/31/section/15A"
    )
    assert str(uris.legislation(LSCB_REGULATIONS)) == (
        "https://example.org/id/legislation/local-safeguarding-children-boards-review-regulations-2013"
    )


def _clean(text: str) -> CleanText:
    return clean_document(document_from_bytes("snippet.txt", text.encode("utf-8")))
