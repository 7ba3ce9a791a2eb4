"""Helpers for the corpus tests: the report's parts, lookups, tiny PDFs."""

from __future__ import annotations

from reportqa.paths import CORPUS_DIR
from reportqa.types import Passage

REPORT = CORPUS_DIR / "yongchuan-2022-2023.txt"

PART1 = "一、2022年国民经济和社会发展计划执行情况"
PART2 = "二、2023年国民经济和社会发展计划总体考虑"
PART3 = "三、2023年实现国民经济和社会发展计划的重点工作"
TITLE = "关于重庆市永川区2022年国民经济和社会发展计划执行情况及2023年计划草案的报告"


def only(passages: list[Passage], snippet: str) -> Passage:
    """The one passage containing `snippet` (fails if none or several)."""
    found = [p for p in passages if snippet in p.text]
    assert len(found) == 1, f"{len(found)} passages contain {snippet!r}"
    return found[0]


def cells_of(passage: Passage) -> dict[str, str]:
    return {c.header: c.text for c in passage.cells}


def minimal_pdf(content: bytes) -> bytes:
    """A one-page PDF whose page draws `content` (a content stream) with
    Helvetica as /F1; xref offsets computed so that strict readers accept it."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return out
