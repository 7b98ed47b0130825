"""Bad documents for the robustness tests, generated here (no binaries copied from elsewhere).

Each maker writes one file into a folder and returns its name; `BAD_DOCUMENTS` maps each name to
words the build's refusal line must contain. The real PDFs are only read to derive inputs from.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pypdfium2 as pdfium
from conftest import PDF_DIR, SEEDS_DIR
from test_bad_input import encrypted_pdf

from ofsted_kg.sources import MAX_FILE_BYTES, read_document

# Two HTML error pages that Ofsted's site served under .pdf names (they are in the corpus).
HTML_PAGES = ("80429_birmingham_2012-10-19.pdf", "80431_blackpool_2012-07-13.pdf")
# A 2017 single inspection framework report: its judgement table is what "table removed" drops.
SIF_PDF = PDF_DIR / "80552_shropshire_2017-11-24.pdf"
GOOD_PDF = PDF_DIR / "80449_bradford_2026-05-21.pdf"

# File name -> words its refusal must contain.
REFUSED = {
    "80429_birmingham_2012-10-19.pdf": "web page",
    "80431_blackpool_2012-07-13.pdf": "web page",
    "empty.pdf": "empty",
    "truncated.pdf": "PDF",
    "random.pdf": "not a PDF",
    "encrypted.pdf": "encrypted",
    "image-only.pdf": "no text layer",
    "huge.txt": "too large",
    "unrelated.txt": "not an Ofsted report",
}
# Files that build, with a warning and partial facts.
PARTIAL = ("no-judgement-table.txt",)
# Files that build as ordinary reports.
GOOD = ("mixed-encodings.txt",)


def image_only_pdf(source: Path = GOOD_PDF) -> bytes:
    """The first page of a real report rendered to a bitmap and saved as a PDF of that image only."""
    original = pdfium.PdfDocument(source)
    bitmap = original[0].render(scale=0.5)
    pdf = pdfium.PdfDocument.new()
    width, height = original[0].get_size()
    page = pdf.new_page(width, height)
    image = pdfium.PdfImage.new(pdf)
    image.set_bitmap(bitmap)
    image.set_matrix(pdfium.PdfMatrix().scale(width, height))
    page.insert_obj(image)
    page.gen_content()
    out = _save(pdf)
    original.close()
    return out


def _save(pdf: pdfium.PdfDocument) -> bytes:
    import io

    buffer = io.BytesIO()
    pdf.save(buffer)
    pdf.close()
    return buffer.getvalue()


def text_without_judgement_table(source: Path = SIF_PDF) -> str:
    """A real SIF report's text with every line that names a judgement grade removed: the
    judgement table (and any sentence stating a grade) is gone, the rest of the report remains."""
    pages = read_document(source).pages
    grade = re.compile(r"\b(outstanding|good|requires improvement|inadequate)\b", re.I)
    kept = [
        "\n".join(line for line in page.splitlines() if not grade.search(line)) for page in pages
    ]
    return "\f".join(kept)


def mixed_encodings(seed: Path = SEEDS_DIR / "001_dd6e25b02a3de5f5.txt") -> bytes:
    """A seed report with every other line in Windows-1252 and the others in UTF-8."""
    lines = seed.read_text(encoding="utf-8").splitlines()
    return b"\n".join(
        line.encode("cp1252", errors="replace") if i % 2 else line.encode("utf-8")
        for i, line in enumerate(lines)
    )


def huge_text(path: Path, size: int = 50 * 1024 * 1024) -> None:
    """A text file of `size` bytes (above the documented limit), written in blocks."""
    assert size > MAX_FILE_BYTES
    line = b"The local authority's services for children were inspected in 2019.\n"
    block = line * (1 << 20 // len(line))
    with path.open("wb") as out:
        written = 0
        while written < size:
            out.write(block)
            written += len(block)


def write_bad_documents(folder: Path) -> Path:
    """Every bad document, the partial one and the good derived ones, in `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in HTML_PAGES:
        shutil.copy(PDF_DIR / name, folder / name)
    (folder / "empty.pdf").write_bytes(b"")
    real = GOOD_PDF.read_bytes()
    (folder / "truncated.pdf").write_bytes(real[: len(real) // 8])
    (folder / "random.pdf").write_bytes(bytes((i * 7919 + 13) % 256 for i in range(6000)))
    (folder / "encrypted.pdf").write_bytes(encrypted_pdf())
    (folder / "image-only.pdf").write_bytes(image_only_pdf())
    huge_text(folder / "huge.txt")
    (folder / "unrelated.txt").write_text(
        "Minutes of the parish council meeting held on 3 March 2021.\n"
        "Apologies were received from two members. The footpath repairs were agreed.\n",
        encoding="utf-8",
    )
    (folder / "no-judgement-table.txt").write_text(text_without_judgement_table(), "utf-8")
    (folder / "mixed-encodings.txt").write_bytes(mixed_encodings())
    return folder
