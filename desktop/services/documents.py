"""The life of official documents: drafting from a record, editing the text, submitting,
approving with the number taken in the same transaction, sending back, voiding; the
list and the register of numbers. Printing, the archive and PDF output are in
``document_output``.

Every use case checks its permission before touching anything (a refused call changes
nothing), refuses an illegal step with the Chinese sentence of
``desktop.domain.documents``, and writes one audit row in its own transaction.

Numbering: ``approve`` starts SQLite's write transaction before it reads anything
(``uow.documents.take_write_lock``), then reads and advances the series. A second
approval, from another thread or process, waits for the lock (busy timeout) and then
reads the advanced series: numbers never repeat. The register row, the document's
number and the series' advance commit together or not at all: numbers never skip.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from desktop import clock
from desktop.documents.kinds import KIND_SPECS, DocumentKind, draft_fields
from desktop.domain.actor import Actor
from desktop.domain.documents import (
    DocumentAction,
    DocumentState,
    after_approval,
    check_void_reason,
    format_number,
    next_state,
)
from desktop.domain.errors import ConflictError, NotFoundError, ValidationError
from desktop.domain.ids import new_id
from desktop.domain.permissions import Permission, require
from desktop.services import audit
from desktop.services.audit import AuditAction
from desktop.services.document_rows import (
    DocumentDetail,
    DocumentRow,
    RegisterRow,
    detail_of,
    document_row,
    dump_fields,
    register_row,
    title_of,
)
from local_db.models.documents import Document, DocumentNumber, DocumentSeries
from local_db.unit_of_work import UnitOfWork

ENTITY = "document"
A = DocumentAction


def load(uow: UnitOfWork, document_id: str) -> Document:
    """A document by its id or by its number (发文字号)."""
    key = document_id.strip()
    doc = uow.documents.get(key) or uow.documents.by_number(key)
    if doc is None:
        raise NotFoundError(f"找不到公文 {document_id}，可能已被删除，请刷新列表或核对编号。")
    return doc


def _check_version(doc: Document, expected_version: int | None) -> None:
    if expected_version is not None and doc.version != expected_version:
        raise ConflictError(
            f"公文“{doc.title}”已被他人处理（现为“{DocumentState(doc.state).label}”），"
            "请刷新后查看最新情况再操作。")


def _step(doc: Document, action: DocumentAction) -> DocumentState:
    numbered = KIND_SPECS[DocumentKind(doc.kind)].numbered
    return next_state(DocumentState(doc.state), action, numbered_kind=numbered)


def _touch(doc: Document, state: DocumentState) -> None:
    doc.state = state.value
    doc.version += 1
    doc.updated_at = clock.now()


def _label(doc: Document) -> str:
    return f"{DocumentKind(doc.kind).label}{doc.number or ''}「{doc.title}」"


# --- drafting -----------------------------------------------------------------------------


def create_draft(uow: UnitOfWork, *, actor: Actor, kind: DocumentKind,
                 source_id: str) -> DocumentDetail:
    """起草: a draft of ``kind`` with its text filled from the record ``source_id``."""
    require(actor, Permission.DOCUMENT_DRAFT)
    kind = DocumentKind(kind)
    source = source_id.strip()
    if not source:
        raise ValidationError("依据记录", f"请选择{kind.label}所依据的记录。")
    fields = draft_fields(uow, kind, source)  # opens and closes the unit of work itself
    stamp = clock.now()
    with uow:
        doc = Document(
            id=new_id(), version=1, created_at=stamp, updated_at=stamp, kind=kind.value,
            source_type=KIND_SPECS[kind].source_type, source_id=source,
            title=title_of(kind, fields, source), fields_json=dump_fields(fields),
            state=DocumentState.DRAFT.value, drafted_by=actor.name, print_count=0)
        uow.documents.add(doc)
        audit.record(uow, actor, AuditAction.CREATE, entity_type=ENTITY, entity_id=doc.id,
                     summary=f"起草{kind.label}「{doc.title}」",
                     changes={"依据记录": (None, source)})
        uow.commit()
        return detail_of(doc)


def _changed_fields(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, tuple]:
    def short(value: Any) -> Any:
        text = value if isinstance(value, str) else repr(value)
        return text if len(text) <= 60 else text[:60] + "…"

    keys = list(dict.fromkeys([*before, *after]))
    return {key: (short(before.get(key)), short(after.get(key)))
            for key in keys if before.get(key) != after.get(key)}


def update_fields(uow: UnitOfWork, *, actor: Actor, document_id: str,
                  expected_version: int | None, fields: Mapping[str, Any]) -> DocumentDetail:
    """The clerk edits the text before approval (only a draft can be edited)."""
    require(actor, Permission.DOCUMENT_DRAFT)
    new_fields = dict(fields)
    try:
        stored = dump_fields(new_fields)
    except (TypeError, ValueError) as error:
        raise ValidationError("公文内容", f"内容无法保存（{error}），请只填写文字。") from error
    with uow:
        doc = load(uow, document_id)
        _check_version(doc, expected_version)
        state = _step(doc, A.EDIT)
        before = detail_of(doc).fields
        changes = _changed_fields(before, new_fields)
        if not changes:
            return detail_of(doc)
        doc.fields_json = stored
        doc.title = title_of(DocumentKind(doc.kind), new_fields, doc.source_id)
        _touch(doc, state)
        audit.record(uow, actor, AuditAction.UPDATE, entity_type=ENTITY, entity_id=doc.id,
                     summary=f"修改{_label(doc)}的内容（{len(changes)} 处）", changes=changes)
        uow.commit()
        return detail_of(doc)


def submit(uow: UnitOfWork, *, actor: Actor, document_id: str,
           expected_version: int | None = None) -> DocumentRow:
    """提交审批: the text is frozen until the director approves or sends it back."""
    require(actor, Permission.DOCUMENT_DRAFT)
    with uow:
        doc = load(uow, document_id)
        _check_version(doc, expected_version)
        state = _step(doc, A.SUBMIT)
        doc.submitted_by, doc.submitted_at = actor.name, clock.now()
        _touch(doc, state)
        audit.record(uow, actor, AuditAction.UPDATE, entity_type=ENTITY, entity_id=doc.id,
                     summary=f"提交审批：{_label(doc)}",
                     changes={"状态": (DocumentState.DRAFT.label, state.label)})
        uow.commit()
        return document_row(doc)


def send_back(uow: UnitOfWork, *, actor: Actor, document_id: str, reason: str,
              expected_version: int | None = None) -> DocumentRow:
    """退回修改: the approver returns a submitted document to its drafter."""
    require(actor, Permission.DOCUMENT_APPROVE)
    reason = reason.strip()
    if not reason:
        raise ValidationError("退回原因", "请写明退回修改的原因。")
    with uow:
        doc = load(uow, document_id)
        _check_version(doc, expected_version)
        state = _step(doc, A.SEND_BACK)
        _touch(doc, state)
        audit.record(uow, actor, AuditAction.APPROVE, entity_type=ENTITY, entity_id=doc.id,
                     summary=f"退回修改：{_label(doc)}（{reason}）",
                     changes={"状态": (DocumentState.SUBMITTED.label, state.label)})
        uow.commit()
        return document_row(doc)


# --- approval and the number ---------------------------------------------------------------


def _doc_prefix(uow: UnitOfWork) -> str:
    sub_center = uow.sub_center.get()
    if sub_center is None or not sub_center.doc_prefix.strip():
        raise ConflictError("本机尚未设置分中心的文号代字，不能取号。请先在“设置”中完成分中心设置。")
    return sub_center.doc_prefix.strip()


def take_number(uow: UnitOfWork, doc: Document, *, actor: Actor, on: date) -> str:
    """The next number of the document's series (inside the approval's open unit of
    work, after ``take_write_lock``): advances the series and writes the register row."""
    word = KIND_SPECS[DocumentKind(doc.kind)].series_word
    prefix, stamp = _doc_prefix(uow), clock.now()
    series = uow.documents.series(prefix, word, on.year)
    if series is None:
        series = DocumentSeries(id=new_id(), version=1, created_at=stamp, updated_at=stamp,
                                prefix=prefix, word=word, year=on.year, next_number=1)
        uow.documents.add_series(series)
        uow.flush()  # no ORM relationship orders the insert before the document's update
    seq = series.next_number
    number = format_number(prefix, word, on.year, seq)
    series.next_number = seq + 1
    series.version += 1
    series.updated_at = stamp
    uow.documents.add_number(DocumentNumber(
        id=new_id(), version=1, created_at=stamp, updated_at=stamp, series_id=series.id,
        seq=seq, number=number, document_id=doc.id, taken_by=actor.name, taken_at=stamp))
    doc.number, doc.series_id, doc.year, doc.seq = number, series.id, on.year, seq
    return number


def approve(uow: UnitOfWork, *, actor: Actor, document_id: str,
            expected_version: int | None = None, on: date | None = None) -> DocumentRow:
    """审批: a numbered kind takes the next number of its series in this transaction."""
    require(actor, Permission.DOCUMENT_APPROVE)
    with uow:
        uow.documents.take_write_lock()  # before any read: the series is read under the lock
        doc = load(uow, document_id)
        _check_version(doc, expected_version)
        _step(doc, A.APPROVE)
        numbered = KIND_SPECS[DocumentKind(doc.kind)].numbered
        state = after_approval(numbered)
        issued = on or clock.today()
        doc.approved_by, doc.approved_at, doc.issued_on = actor.name, clock.now(), issued
        number = take_number(uow, doc, actor=actor, on=issued) if numbered else None
        if not numbered:
            doc.year = issued.year
        _touch(doc, state)
        what = f"，取号 {number}" if number else ""
        audit.record(uow, actor, AuditAction.APPROVE, entity_type=ENTITY, entity_id=doc.id,
                     summary=f"审批通过{DocumentKind(doc.kind).label}「{doc.title}」{what}",
                     changes={"状态": (DocumentState.SUBMITTED.label, state.label),
                              "发文字号": (None, number), "成文日期": (None, issued)})
        uow.commit()
        return document_row(doc)


def void(uow: UnitOfWork, *, actor: Actor, document_id: str, reason: str,
         expected_version: int | None = None) -> DocumentRow:
    """作废: the document stops; a number it took stays in the register with the reason."""
    require(actor, Permission.DOCUMENT_VOID)
    reason = check_void_reason(reason)
    with uow:
        doc = load(uow, document_id)
        _check_version(doc, expected_version)
        before = DocumentState(doc.state)
        state = _step(doc, A.VOID)
        stamp = clock.now()
        doc.void_reason, doc.voided_by, doc.voided_at = reason, actor.name, stamp
        registered = uow.documents.number_of(doc.id)
        if registered is not None:
            registered.void_reason, registered.voided_at = reason, stamp
            registered.version += 1
            registered.updated_at = stamp
        _touch(doc, state)
        audit.record(uow, actor, AuditAction.UPDATE, entity_type=ENTITY, entity_id=doc.id,
                     summary=f"作废{_label(doc)}：{reason}",
                     changes={"状态": (before.label, state.label), "作废原因": (None, reason)})
        uow.commit()
        return document_row(doc)


# --- reading ------------------------------------------------------------------------------


def get_document(uow: UnitOfWork, document_id: str) -> DocumentDetail:
    with uow:
        return detail_of(load(uow, document_id))


def list_documents(uow: UnitOfWork, *, kind: DocumentKind | None = None,
                   state: DocumentState | None = None, year: int | None = None,
                   limit: int = 1000) -> list[DocumentRow]:
    with uow:
        rows = uow.documents.listing(kind=kind.value if kind else None,
                                     state=state.value if state else None, year=year,
                                     limit=limit)
        return [document_row(doc) for doc in rows]


def document_years(uow: UnitOfWork) -> list[int]:
    with uow:
        years = set(uow.documents.years())
    years.add(clock.today().year)
    return sorted(years, reverse=True)


def number_register(uow: UnitOfWork, *, year: int | None = None,
                    word: str | None = None) -> list[RegisterRow]:
    """发文登记簿: every number taken (of a year / series word), voided ones included."""
    with uow:
        return [register_row(*row) for row in uow.documents.register(year=year, word=word)]
