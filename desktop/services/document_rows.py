"""What the document use cases return: frozen rows built from the records, never live
ORM objects (the page reads them on the GUI thread)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from desktop.documents.kinds import KIND_SPECS, DocumentKind
from desktop.domain.documents import DocumentAction, DocumentState, can, is_printable
from local_db.models.documents import Document, DocumentNumber, DocumentSeries


@dataclass(frozen=True)
class DocumentRow:
    id: str
    version: int
    kind: DocumentKind
    title: str
    state: DocumentState
    number: str | None
    source_type: str
    source_id: str
    drafted_by: str
    created_at: datetime
    approved_by: str | None
    approved_at: datetime | None
    issued_on: date | None
    year: int | None
    seq: int | None
    print_count: int
    archived_sha256: str | None
    void_reason: str | None

    @property
    def numbered_kind(self) -> bool:
        return KIND_SPECS[self.kind].numbered

    @property
    def printable(self) -> bool:
        return is_printable(self.state, self.numbered_kind)

    def can(self, action: DocumentAction) -> bool:
        return can(self.state, action, numbered_kind=self.numbered_kind)

    @property
    def display_number(self) -> str:
        if self.number:
            return self.number
        return "（审批后取号）" if self.numbered_kind else "（不编号）"


@dataclass(frozen=True)
class DocumentDetail:
    row: DocumentRow
    fields: dict[str, Any]


@dataclass(frozen=True)
class RegisterRow:
    """One line of the register (发文登记簿): every number taken, voided ones included."""

    number: str
    prefix: str
    word: str
    year: int
    seq: int
    document_id: str
    kind: DocumentKind
    title: str
    taken_by: str
    taken_at: datetime
    state: DocumentState
    void_reason: str | None

    @property
    def voided(self) -> bool:
        return self.void_reason is not None


@dataclass(frozen=True)
class PrintResult:
    """A print's bytes (from the archive after the first print) and the document after."""

    document: DocumentRow
    pdf: bytes
    sha256: str
    first_print: bool


@dataclass(frozen=True)
class SourceChoice:
    """A record a new document can be drafted from, as the 新建 dialog lists it."""

    id: str
    text: str


def document_row(doc: Document) -> DocumentRow:
    return DocumentRow(
        id=doc.id, version=doc.version, kind=DocumentKind(doc.kind), title=doc.title,
        state=DocumentState(doc.state), number=doc.number, source_type=doc.source_type,
        source_id=doc.source_id, drafted_by=doc.drafted_by, created_at=doc.created_at,
        approved_by=doc.approved_by, approved_at=doc.approved_at, issued_on=doc.issued_on,
        year=doc.year, seq=doc.seq, print_count=doc.print_count,
        archived_sha256=doc.archived_sha256,
        void_reason=doc.void_reason)


def detail_of(doc: Document) -> DocumentDetail:
    return DocumentDetail(document_row(doc), json.loads(doc.fields_json))


def register_row(number: DocumentNumber, series: DocumentSeries, doc: Document) -> RegisterRow:
    return RegisterRow(
        number=number.number, prefix=series.prefix, word=series.word, year=series.year,
        seq=number.seq, document_id=doc.id, kind=DocumentKind(doc.kind), title=doc.title,
        taken_by=number.taken_by, taken_at=number.taken_at, state=DocumentState(doc.state),
        void_reason=number.void_reason)


def title_of(kind: DocumentKind, fields: dict[str, Any], source_id: str) -> str:
    """The list's title: the document's own title field, else its kind and record."""
    for key in ("title", "标题", "subject"):
        value = fields.get(key)
        if isinstance(value, str) and value.strip():
            return value.replace("\n", "").strip()[:200]
    return f"{kind.label}（{source_id}）"[:200]


def dump_fields(fields: dict[str, Any]) -> str:
    """Stored as JSON text in the renderer's order (the field editor shows that order)."""
    return json.dumps(fields, ensure_ascii=False)
