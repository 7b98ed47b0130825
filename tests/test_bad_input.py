"""Bad input: every kind of unusable file comes back as kind `invalid` with a clear reason, and
`ofsted-kg extract DIR` reports each on one stderr line, goes on with the others and exits 1."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import PDF_DIR, SEEDS_DIR

from ofsted_kg.extract import extract

REPO = Path(__file__).resolve().parents[1]
HTML_PAGES = ("80429_birmingham_2012-10-19.pdf", "80431_blackpool_2012-07-13.pdf")


def encrypted_pdf() -> bytes:
    """A minimal one-page PDF protected by the standard security handler (RC4, revision 2)
    whose /U entry does not match the empty user password, so a password is required."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>",
        b"<< /Filter /Standard /V 1 /R 2 /Length 40 /P -4 /O <"
        + b"11" * 32
        + b"> /U <"
        + b"22" * 32
        + b"> >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    file_id = b"<" + b"ab" * 16 + b">"
    out += b"trailer\n<< /Size %d /Root 1 0 R /Encrypt 4 0 R /ID [%s %s] >>\n" % (
        len(objects) + 1,
        file_id,
        file_id,
    )
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


@pytest.fixture(scope="module")
def bad_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("bad")
    for name in HTML_PAGES:
        shutil.copy(PDF_DIR / name, folder / name)
    (folder / "empty.pdf").write_bytes(b"")
    real = (PDF_DIR / "80449_bradford_2026-05-21.pdf").read_bytes()
    (folder / "truncated.pdf").write_bytes(real[: len(real) // 8])
    (folder / "random.pdf").write_bytes(bytes((i * 7919 + 13) % 256 for i in range(6000)))
    (folder / "encrypted.pdf").write_bytes(encrypted_pdf())
    (folder / "unrelated.txt").write_text(
        "Minutes of the parish council meeting held on 3 March 2021.\n"
        "Apologies were received from two members. The footpath repairs were agreed.\n",
        encoding="utf-8",
    )
    return folder


# File -> words the reason must contain.
EXPECTED_REASONS = {
    "80429_birmingham_2012-10-19.pdf": "web page",
    "80431_blackpool_2012-07-13.pdf": "web page",
    "empty.pdf": "empty",
    "truncated.pdf": "PDF",
    "random.pdf": "not a PDF",
    "encrypted.pdf": "encrypted",
    "unrelated.txt": "not an Ofsted report",
}


@pytest.mark.parametrize("name", sorted(EXPECTED_REASONS))
def test_bad_file_is_invalid_with_a_reason(name: str, bad_dir: Path) -> None:
    report = extract(bad_dir / name)
    assert report.kind == "invalid"
    assert report.error and EXPECTED_REASONS[name] in report.error
    assert "\n" not in report.error


def test_missing_file_is_invalid(tmp_path: Path) -> None:
    report = extract(tmp_path / "nowhere.pdf")
    assert report.kind == "invalid" and "cannot read" in report.error


def test_cli_reports_each_bad_file_and_goes_on(bad_dir: Path) -> None:
    good = SEEDS_DIR / "001_dd6e25b02a3de5f5.txt"
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    done = subprocess.run(
        [sys.executable, "-m", "ofsted_kg", "extract", str(bad_dir), str(good)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == len(EXPECTED_REASONS)
    for name, reason in EXPECTED_REASONS.items():
        assert any(name in line and reason in line for line in lines), name
    printed = json.loads(done.stdout)
    assert [r["kind"] for r in printed if r["doc"] == good.name] == ["focused_visit"]
    assert len(printed) == len(EXPECTED_REASONS) + 1
