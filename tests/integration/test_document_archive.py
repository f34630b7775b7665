"""The first print archives the exact PDF bytes with their SHA-256; every reprint (and
every save) gives those bytes again, even when what a fresh render would give has
changed since (a seal configured, the text edited in the database). Drafts render
without a number; only approved documents print."""

from __future__ import annotations

import hashlib
import sqlite3
from dataclasses import replace
from pathlib import Path

import pymupdf
import pytest

from desktop.bootstrap import AppContext
from desktop.documents.samples import draw_specimen_seal
from desktop.domain.documents import DocumentState
from desktop.domain.errors import ConflictError, PermissionDeniedError
from desktop.services import document_output as output
from desktop.services import documents as docs
from desktop.services.audit import verify
from tests.integration.document_helpers import (
    CLERK,
    DIRECTOR,
    OPERATOR,
    DocStreet,
    approved_letter,
    doc_street,
    draft_letter,
)


@pytest.fixture
def street(context: AppContext) -> DocStreet:
    return doc_street(context, demands_count=2)


def _text(pdf: bytes) -> str:
    with pymupdf.open(stream=pdf, filetype="pdf") as document:
        return "".join(page.get_text() for page in document)


def _archive_row(context: AppContext, document_id: str) -> tuple[str, int, bytes]:
    with sqlite3.connect(context.paths.database) as db:
        sha, size, pdf = db.execute("SELECT sha256, size, pdf FROM document_archive "
                                    "WHERE document_id = ?", (document_id,)).fetchone()
    return sha, size, pdf


def test_the_first_print_archives_the_exact_bytes(street: DocStreet) -> None:
    row = approved_letter(street)
    result = output.print_document(street.context.uow(), actor=CLERK, document_id=row.id)
    assert result.first_print and result.pdf.startswith(b"%PDF-")
    assert result.sha256 == hashlib.sha256(result.pdf).hexdigest()
    assert (result.document.state, result.document.print_count) == (DocumentState.ARCHIVED, 1)
    assert result.document.archived_sha256 == result.sha256
    assert _archive_row(street.context, row.id) == (result.sha256, len(result.pdf), result.pdf)
    assert row.number and row.number in _text(result.pdf)


def test_a_reprint_gives_identical_bytes_even_when_a_fresh_render_would_differ(
    street: DocStreet, tmp_path: Path
) -> None:
    row = approved_letter(street)
    first = output.print_document(street.context.uow(), actor=CLERK, document_id=row.id)
    seal = draw_specimen_seal(tmp_path / "seal.png")
    job = output.print_job(street.context.uow(), actor=CLERK, document_id=row.id, seal_png=seal)
    assert job.archived == first.pdf
    fresh = output.render_job(replace(job, archived=None))
    assert fresh != first.pdf  # the seal would change a new render…
    again = output.print_document(street.context.uow(), actor=DIRECTOR, document_id=row.id,
                                  seal_png=seal)
    assert again.pdf == first.pdf and again.sha256 == first.sha256  # …not the reprint
    assert not again.first_print
    assert again.document.print_count == 2
    assert output.render_pdf(street.context.uow(), document_id=row.id) == first.pdf


def test_reprints_and_saves_are_audited_and_the_chain_holds(street: DocStreet,
                                                            tmp_path: Path) -> None:
    row = approved_letter(street)
    for _ in range(3):
        output.print_document(street.context.uow(), actor=CLERK, document_id=row.id)
    target = tmp_path / "函告.pdf"
    saved = output.export_pdf(street.context.uow(), actor=OPERATOR, document_id=row.id,
                              target=target)
    assert target.read_bytes() == saved == _archive_row(street.context, row.id)[2]
    assert docs.get_document(street.context.uow(), row.id).row.print_count == 3  # a save is no print
    with sqlite3.connect(street.context.paths.database) as db:
        actions = [a for (a,) in db.execute(
            "SELECT action FROM audit_record WHERE entity_type = 'document' "
            "AND entity_id = ? ORDER BY id", (row.id,))]
    assert actions == ["create", "update", "approve", "print", "print", "print", "export"]
    assert verify(street.context.uow()).ok


def test_a_draft_renders_without_number_and_cannot_be_printed(street: DocStreet) -> None:
    row = draft_letter(street)
    pdf = output.render_pdf(street.context.uow(), document_id=row.id)
    text = _text(pdf)
    assert "〔" not in text and "特此函告" in text
    with pytest.raises(ConflictError, match="草稿"):
        output.print_document(street.context.uow(), actor=CLERK, document_id=row.id)
    assert output.render_pdf(street.context.uow(), document_id=row.id) == pdf  # reproducible


def test_a_voided_document_is_not_printed(street: DocStreet) -> None:
    row = approved_letter(street)
    docs.void(street.context.uow(), actor=DIRECTOR, document_id=row.id, reason="重复发文")
    with pytest.raises(ConflictError, match="已作废"):
        output.print_document(street.context.uow(), actor=CLERK, document_id=row.id)


def test_a_role_without_print_permission_is_refused(street: DocStreet) -> None:
    from desktop.domain.actor import Actor, Role

    row = approved_letter(street)
    with pytest.raises(PermissionDeniedError, match="网格管理员"):
        output.print_document(street.context.uow(), actor=Actor("网格管理员甲", Role.GRID_ADMIN),
                              document_id=row.id)
    assert docs.get_document(street.context.uow(), row.id).row.print_count == 0
