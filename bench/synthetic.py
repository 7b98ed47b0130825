"""A synthetic corpus N times larger than the real one, for the scale benchmark.

Each real report's text is written again N times as a plain-text report in which the authority,
the years and the people are replaced, so that every copy is a distinct inspection of a distinct
authority with distinct inspectors: the build has to mint, link and store all of it, as it would
for a larger real corpus. Text goes through the same pipeline as a real file (read, clean,
classify, extract, RDF, link, infer, validate, load); only the PDF decoding is skipped, which the
benchmark accounts for by comparing per-report cost on text copies at both sizes.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

from ofsted_kg.clean import clean_document
from ofsted_kg.extract import extract_document
from ofsted_kg.sources import SourceError, read_document

REFERENCE = Path(__file__).resolve().parents[1] / "src" / "ofsted_kg" / "data" / "la_lookup.csv"


def authority_names() -> list[str]:
    with REFERENCE.open(encoding="utf-8-sig") as handle:
        return [row["local_authority_ons_name"] for row in csv.DictReader(handle)]


def _replace_all(text: str, old: str, new: str) -> str:
    return re.sub(re.escape(old), new, text) if old else text


def write_corpus(pdfs: list[Path], out: Path, copies: int) -> list[Path]:
    """Write `copies` variants of each readable report in `pdfs` to `out`; return their paths."""
    out.mkdir(parents=True, exist_ok=True)
    names = authority_names()
    written: list[Path] = []
    for index, pdf in enumerate(pdfs):
        try:
            document = read_document(pdf)
        except SourceError:
            continue
        report = extract_document(document)
        if report.kind == "invalid" or report.local_authority is None:
            continue
        text = clean_document(document).text
        first_year = int(report.inspection_dates[0].start[:4]) if report.inspection_dates else 2015
        people = [p.name for p in report.inspectors + report.officials]
        for copy in range(copies):
            variant = text
            authority = names[(index * copies + copy) % len(names)]
            variant = _replace_all(variant, report.local_authority.value, authority)
            for number, person in enumerate(people):
                variant = _replace_all(variant, person, f"Synthetic Person{copy}x{number}")
            # Shift every year by a copy-specific offset, keeping dates valid and ordered, and
            # inside the range the date parser accepts (recent reports move back in time).
            shift = copy + 1 if first_year <= 2020 else -(copy + 1)
            variant = re.sub(
                r"\b(20[0-2]\d)\b", lambda m, s=shift: str(int(m.group(1)) + s), variant
            )
            path = out / f"{pdf.stem}_synthetic{copy:02d}.txt"
            path.write_text(variant, encoding="utf-8")
            written.append(path)
    return written
