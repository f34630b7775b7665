"""Rendering, printing, archiving and saving official documents.

The first print of a document freezes it: the exact PDF bytes and their SHA-256 go into
the archive in the print's transaction, and every later print (or save) returns those
bytes, whatever fonts or data the machine has by then. Before that, a document is
rendered from its stored fields: a draft without number, date or seal; an approved one
with its number, date and the sub-center's seal.

Split for the GUI (database work on the db thread, rendering on the cpu pool):
``print_job`` (db) → ``render_job`` (cpu) → ``record_print`` (db). ``print_document``
does the three in a row for the command line and the tests. Saving a PDF file is an
export (DATA_EXPORT, audited) and does not count as a print.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from desktop import clock
from desktop.config import DataPaths
from desktop.documents.font_roles import FontSet, resolve_fonts
from desktop.documents.kinds import KIND_SPECS, DocumentKind, render
from desktop.domain.actor import Actor
from desktop.domain.documents import DocumentAction, DocumentState, is_printable, next_state
from desktop.domain.errors import ConflictError
from desktop.domain.permissions import Permission, require
from desktop.services import audit
from desktop.services.audit import AuditAction
from desktop.services.document_rows import PrintResult, detail_of, document_row
from desktop.services.documents import ENTITY, load
from local_db.models.documents import Document, DocumentArchive
from local_db.unit_of_work import UnitOfWork

SEAL_FILE = "seal.png"  # the sub-center's seal image in its data folder (PNG, transparent)


def seal_path(paths: DataPaths) -> Path | None:
    """The configured seal image, or None: documents then print without a seal."""
    path = paths.root / SEAL_FILE
    return path if path.is_file() else None


@dataclass(frozen=True)
class RenderJob:
    """Everything a render needs, read from the database (plain data for a worker)."""

    document_id: str
    kind: DocumentKind
    state: DocumentState
    fields: dict[str, Any]
    number: str | None
    issued_on: date | None
    seal_png: Path | None
    archived: bytes | None  # the archive's bytes: returned as they are

    @property
    def is_draft(self) -> bool:
        return self.state in (DocumentState.DRAFT, DocumentState.SUBMITTED)


def _job(uow: UnitOfWork, doc: Document, seal_png: Path | None) -> RenderJob:
    archive = uow.documents.archive(doc.id)
    state = DocumentState(doc.state)
    final = doc.approved_at is not None  # approved (also when voided later): number, date, seal
    return RenderJob(
        document_id=doc.id, kind=DocumentKind(doc.kind), state=state,
        fields=detail_of(doc).fields, number=doc.number if final else None,
        issued_on=doc.issued_on if final else None, seal_png=seal_png if final else None,
        archived=archive.pdf if archive is not None else None)


def render_job(job: RenderJob, fonts: FontSet | None = None) -> bytes:
    """The PDF bytes of ``job`` (CPU work: call it on a worker). Archived bytes as they are."""
    if job.archived is not None:
        return job.archived
    return render(job.kind, job.fields, number=job.number, issued_on=job.issued_on,
                  fonts=fonts or resolve_fonts(), seal_png=job.seal_png)


def preview_job(uow: UnitOfWork, *, document_id: str, seal_png: Path | None = None) -> RenderJob:
    """What the preview shows: the document as it is now (reading needs no permission)."""
    with uow:
        return _job(uow, load(uow, document_id), seal_png)


def render_pdf(uow: UnitOfWork, *, document_id: str, seal_png: Path | None = None,
               fonts: FontSet | None = None) -> bytes:
    """The document as PDF bytes: a draft without number (no watermark), an archived
    document exactly as archived."""
    return render_job(preview_job(uow, document_id=document_id, seal_png=seal_png), fonts)


# --- printing ----------------------------------------------------------------------------


def _check_printable(doc: Document) -> None:
    state = DocumentState(doc.state)
    numbered = KIND_SPECS[DocumentKind(doc.kind)].numbered
    if not is_printable(state, numbered):
        next_state(state, DocumentAction.PRINT, numbered_kind=numbered)  # raises the reason
        raise ConflictError(f"公文当前为“{state.label}”，不能打印。")


def print_job(uow: UnitOfWork, *, actor: Actor, document_id: str,
              seal_png: Path | None = None) -> RenderJob:
    """The first step of a print: refused for a role that may not print or a document
    that is not approved yet, before anything is rendered."""
    require(actor, Permission.DOCUMENT_PRINT)
    with uow:
        doc = load(uow, document_id)
        _check_printable(doc)
        return _job(uow, doc, seal_png)


def record_print(uow: UnitOfWork, *, actor: Actor, document_id: str, pdf: bytes) -> PrintResult:
    """Count a print; the first one archives ``pdf`` (its exact bytes and SHA-256). Later
    prints return the archive's bytes, not ``pdf``: what goes out again is what went
    out the first time."""
    require(actor, Permission.DOCUMENT_PRINT)
    with uow:
        uow.documents.take_write_lock()  # two first prints at once archive once
        doc = load(uow, document_id)
        _check_printable(doc)
        archive = uow.documents.archive(doc.id)
        first = archive is None
        if archive is None:
            archive = _archive(uow, doc, pdf, actor)
        doc.print_count += 1
        doc.version += 1
        doc.updated_at = clock.now()
        if first and doc.print_count > 1:  # printed before archives existed (imported data)
            what = f"打印并归档（第 {doc.print_count} 次，此前的打印无存档）"
        else:
            what = "首次打印并归档" if first else f"重印（第 {doc.print_count} 次）"
        changes: dict[str, tuple[object, object]] = {
            "打印次数": (doc.print_count - 1, doc.print_count)}
        if first:
            changes["归档 SHA-256"] = (None, archive.sha256)
        audit.record(uow, actor, AuditAction.PRINT, entity_type=ENTITY, entity_id=doc.id,
                     summary=f"{what}：{DocumentKind(doc.kind).label}{doc.number or ''}「{doc.title}」",
                     changes=changes)
        uow.commit()
        return PrintResult(document_row(doc), archive.pdf, archive.sha256, first)


def _archive(uow: UnitOfWork, doc: Document, pdf: bytes, actor: Actor) -> DocumentArchive:
    if not pdf.startswith(b"%PDF-"):
        raise ConflictError("生成的打印文件不是 PDF，未归档。请重试；如仍失败，请联系系统管理员。")
    state = DocumentState(doc.state)
    numbered = KIND_SPECS[DocumentKind(doc.kind)].numbered
    printed = next_state(state, DocumentAction.PRINT, numbered_kind=numbered)
    archived = next_state(printed, DocumentAction.ARCHIVE, numbered_kind=numbered)
    digest = hashlib.sha256(pdf).hexdigest()
    archive = DocumentArchive(document_id=doc.id, sha256=digest, size=len(pdf), pdf=pdf,
                              archived_by=actor.name, archived_at=clock.now())
    uow.documents.add_archive(archive)
    doc.archived_sha256 = digest
    doc.state = archived.value
    return archive


def print_document(uow: UnitOfWork, *, actor: Actor, document_id: str,
                   seal_png: Path | None = None, fonts: FontSet | None = None) -> PrintResult:
    """打印 in one call: check, render (unless archived), record and archive."""
    job = print_job(uow, actor=actor, document_id=document_id, seal_png=seal_png)
    return record_print(uow, actor=actor, document_id=document_id, pdf=render_job(job, fonts))


# --- saving a PDF file (an export) ----------------------------------------------------------


def export_job(uow: UnitOfWork, *, actor: Actor, document_id: str,
               seal_png: Path | None = None) -> RenderJob:
    require(actor, Permission.DATA_EXPORT)
    return preview_job(uow, document_id=document_id, seal_png=seal_png)


def record_export(uow: UnitOfWork, *, actor: Actor, document_id: str, target: str,
                  pdf: bytes) -> None:
    """Audit a PDF saved to a file (the file name, the bytes' SHA-256)."""
    require(actor, Permission.DATA_EXPORT)
    with uow:
        doc = load(uow, document_id)
        digest = hashlib.sha256(pdf).hexdigest()
        audit.record(uow, actor, AuditAction.EXPORT, entity_type=ENTITY, entity_id=doc.id,
                     summary=f"另存为 PDF：{DocumentKind(doc.kind).label}{doc.number or ''}"
                             f"「{doc.title}」→ {Path(target).name}",
                     changes={"SHA-256": (None, digest)})
        uow.commit()


def export_pdf(uow: UnitOfWork, *, actor: Actor, document_id: str, target: Path,
               seal_png: Path | None = None, fonts: FontSet | None = None) -> bytes:
    """另存为 PDF: write the document (archived bytes when archived) to ``target``."""
    job = export_job(uow, actor=actor, document_id=document_id, seal_png=seal_png)
    pdf = render_job(job, fonts)
    target.write_bytes(pdf)
    record_export(uow, actor=actor, document_id=document_id, target=str(target), pdf=pdf)
    return pdf
