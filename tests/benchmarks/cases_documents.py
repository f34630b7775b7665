"""Letters: one 函告 rendered from the database against a bare reportlab page drawing the
same text with the same font (bar ≤ 2.5×), and a batch of letters against that many
floors (bar ≤ 2×), docs/performance.md.

"Ours" is what the app does for a preview or a print of a document not yet archived:
read the document and its fields from the database (``print_job``), then lay it out on
the GB/T 9704 grid and write the PDF (``render_job``). Painting onto a printer is Qt's
work on the worker pool and is not counted; neither is the archive write. The floor
draws the very lines of our PDF (read back once) with ``drawString``, page by page, in
the same registered 仿宋 font, so both sides pay for font subsetting alike.

The letters (numbered 函告 of the street's demands, drafted, submitted and approved
through the services) are added once to the benchmark data folder and reused.
"""

from __future__ import annotations

import io
import sqlite3
from contextlib import closing
from pathlib import Path

import pymupdf
from reportlab.pdfgen.canvas import Canvas

from desktop.bootstrap import AppContext, open_context
from desktop.documents.font_roles import FontRole, resolve_fonts
from desktop.documents.kinds import DocumentKind
from desktop.documents.layout import PAGE_HEIGHT, PAGE_WIDTH
from desktop.domain.actor import Actor, Role
from desktop.services import documents as docs
from desktop.services.document_output import print_job, render_job
from tests.benchmarks.harness import Case

CLERK = Actor("文书（基准）", Role.CLERK)
DIRECTOR = Actor("主任（基准）", Role.DIRECTOR)
BATCH = 500


def numbered_letters(context: AppContext, count: int) -> list[str]:
    """``count`` numbered letters (made once, then reused), oldest first."""
    with closing(sqlite3.connect(context.paths.database)) as db:
        have = [row[0] for row in db.execute(
            "SELECT id FROM document WHERE kind = 'letter' AND state = 'numbered' "
            "ORDER BY id LIMIT ?", (count,))]
        missing = count - len(have)
        sources = [row[0] for row in db.execute(
            "SELECT id FROM demand ORDER BY received_at DESC LIMIT ?", (max(missing, 0),))]
    for source in sources:
        row = docs.create_draft(context.uow(), actor=CLERK, kind=DocumentKind.LETTER,
                                source_id=source).row
        docs.submit(context.uow(), actor=CLERK, document_id=row.id)
        have.append(docs.approve(context.uow(), actor=DIRECTOR, document_id=row.id).id)
    return have[:count]


def render_from_database(context: AppContext, document_id: str) -> bytes:
    job = print_job(context.uow(), actor=CLERK, document_id=document_id)
    return render_job(job)


def _lines_per_page(pdf: bytes) -> list[list[tuple[float, float, str]]]:
    """Every text line of our PDF with its position (what the floor draws)."""
    pages = []
    with pymupdf.open(stream=pdf, filetype="pdf") as document:
        for page in document:
            lines = []
            for block in page.get_text("dict")["blocks"]:
                for line in block.get("lines", []):
                    text = "".join(span["text"] for span in line["spans"])
                    x, y = line["bbox"][0], line["bbox"][3]
                    lines.append((x, PAGE_HEIGHT - y, text))
            pages.append(lines)
    return pages


def floor_page(pages: list[list[tuple[float, float, str]]], font_name: str) -> bytes:
    """The same text, same font and size, drawn line by line with plain reportlab."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(PAGE_WIDTH, PAGE_HEIGHT), invariant=1)
    for lines in pages:
        canvas.setFont(font_name, 16)
        for x, y, text in lines:
            canvas.drawString(x, y, text)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def letter_cases(home: Path, *, batch: int = BATCH) -> list[Case]:
    """The "letter" and "batch print" cases, for ``tests/benchmarks/__main__.py``."""
    context = open_context(home)
    ids = numbered_letters(context, batch)
    fonts = resolve_fonts()
    font_name = fonts.name(FontRole.FANGSONG)
    pages = _lines_per_page(render_from_database(context, ids[0]))

    def one_letter() -> bytes:
        return render_from_database(context, ids[0])

    def one_floor() -> bytes:
        return floor_page(pages, font_name)

    def batch_letters() -> None:
        for document_id in ids:
            render_from_database(context, document_id)

    def batch_floor() -> None:
        for _ in ids:
            floor_page(pages, font_name)

    return [
        Case("letter", one_letter, one_floor, 2.5, "≤ 2.5×"),
        Case("batch print", batch_letters, batch_floor, 2.0, f"{len(ids)} 份 ≤ 2×"),
    ]
