"""Official documents, their series, the number register and the archive: loading and
storing for the document use cases. Never commits.

``take_write_lock`` starts the write transaction before the next number is read, so two
approvals (two threads, two processes) are serialised by SQLite itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import ClassVar

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from local_db.models.documents import Document, DocumentArchive, DocumentNumber, DocumentSeries


class DocumentRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    # documents -------------------------------------------------------------------
    def get(self, document_id: str) -> Document | None:
        return self.session.get(Document, document_id)

    def by_number(self, number: str) -> Document | None:
        return self.session.scalars(select(Document).where(Document.number == number)).first()

    def add(self, document: Document) -> None:
        self.session.add(document)

    def listing(self, *, kind: str | None = None, state: str | None = None,
                year: int | None = None, limit: int = 1000) -> Sequence[Document]:
        """Newest first (ids are UUIDv7, so the id orders by creation time).

        ``year`` is the year of the number, or of the draft's creation when unnumbered."""
        query = select(Document)
        if kind:
            query = query.where(Document.kind == kind)
        if state:
            query = query.where(Document.state == state)
        if year:
            start, end = datetime(year, 1, 1), datetime(year + 1, 1, 1)
            query = query.where((Document.year == year) | (
                Document.year.is_(None) & (Document.created_at >= start)
                & (Document.created_at < end)))
        return self.session.scalars(query.order_by(Document.id.desc()).limit(limit)).all()

    def years(self) -> list[int]:
        """Years that have a numbered document, newest first."""
        rows = self.session.scalars(
            select(Document.year).where(Document.year.is_not(None)).distinct())
        return sorted((int(year) for year in rows), reverse=True)

    # numbering -------------------------------------------------------------------
    def take_write_lock(self) -> None:
        """Start the write transaction now (SQLite takes its write lock at the first
        writing statement, even one that changes nothing), so that the series read next
        cannot be read by another connection's approval at the same time."""
        self.session.execute(text("UPDATE document_series SET version = version WHERE 0"))

    def series(self, prefix: str, word: str, year: int) -> DocumentSeries | None:
        return self.session.scalars(select(DocumentSeries).where(
            DocumentSeries.prefix == prefix, DocumentSeries.word == word,
            DocumentSeries.year == year)).first()

    def add_series(self, series: DocumentSeries) -> None:
        self.session.add(series)

    def add_number(self, row: DocumentNumber) -> None:
        self.session.add(row)

    def number_of(self, document_id: str) -> DocumentNumber | None:
        return self.session.scalars(
            select(DocumentNumber).where(DocumentNumber.document_id == document_id)).first()

    def register(self, *, year: int | None = None,
                 word: str | None = None) -> Sequence[tuple[DocumentNumber, DocumentSeries,
                                                            Document]]:
        """Every number taken, by series and sequence, with its series and document."""
        query = (select(DocumentNumber, DocumentSeries, Document)
                 .join(DocumentSeries, DocumentNumber.series_id == DocumentSeries.id)
                 .join(Document, DocumentNumber.document_id == Document.id))
        if year:
            query = query.where(DocumentSeries.year == year)
        if word:
            query = query.where(DocumentSeries.word == word)
        query = query.order_by(DocumentSeries.year.desc(), DocumentSeries.word,
                               DocumentNumber.seq)
        return [tuple(row) for row in self.session.execute(query).all()]  # type: ignore[misc]

    # records a document can be drafted from ---------------------------------------
    _SOURCES: ClassVar[dict[str, str]] = {
        "demand": "SELECT id, number || ' ' || title FROM demand ORDER BY received_at DESC",
        "whistle": "SELECT id, number || ' ' || title FROM whistle ORDER BY called_at DESC",
        "handover": "SELECT handover.id, demand.number || ' ' || demand.title FROM handover "
                    "JOIN demand ON demand.id = handover.demand_id ORDER BY handover.id DESC",
        "action": "SELECT id, number || ' ' || title FROM joint_action ORDER BY starts_at DESC",
        "grid": "SELECT id, code || ' ' || name FROM grid WHERE status = 'active' ORDER BY code",
    }

    def source_rows(self, source_type: str, limit: int = 200) -> list[tuple[str, str]]:
        """(id, text) of the newest records of ``source_type`` (demand, whistle, handover,
        action, grid); [] for another type."""
        sql = self._SOURCES.get(source_type)
        if sql is None:
            return []
        rows = self.session.execute(text(f"{sql} LIMIT :limit"), {"limit": limit})
        return [(str(key), str(label)) for key, label in rows]

    # the archive -----------------------------------------------------------------
    def archive(self, document_id: str) -> DocumentArchive | None:
        return self.session.get(DocumentArchive, document_id)

    def add_archive(self, archive: DocumentArchive) -> None:
        self.session.add(archive)
