"""Official documents (函告, 案件移送书, 督办单, notices...): document series per 代字 and year,
the documents with their life (draft → submitted → approved → numbered → printed →
archived), voided numbers, and the archived PDF bytes with their SHA-256.

- ``DocumentSeries``: one row per 代字 + series word + year (芙街 + 函 + 2026) holding the
  next number. It is read and advanced under SQLite's write lock in the approval's own
  transaction, so numbers never repeat; a rolled-back approval leaves it as it was, so
  numbers never skip.
- ``Document``: the editable text fields as JSON, the state, and once approved the
  number (unique), its series, year and sequence.
- ``DocumentNumber``: the register (发文登记簿): every number ever taken, also the voided
  ones with their reason. Rows are never deleted.
- ``DocumentArchive``: the exact PDF bytes of the first print and their SHA-256; every
  reprint returns these bytes.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Date,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from local_db.base import Base, SyncedRecord


class DocumentSeries(SyncedRecord, Base):
    __tablename__ = "document_series"
    __table_args__ = (UniqueConstraint("prefix", "word", "year"),)

    prefix: Mapped[str] = mapped_column(String(20), nullable=False)  # 代字, e.g. 芙街
    word: Mapped[str] = mapped_column(String(4), nullable=False)  # 函 / 移 / 督 / 通
    year: Mapped[int] = mapped_column(Integer, nullable=False)
    next_number: Mapped[int] = mapped_column(Integer, nullable=False, default=1)


class Document(SyncedRecord, Base):
    __tablename__ = "document"

    kind: Mapped[str] = mapped_column(String(20), nullable=False, index=True)
    source_type: Mapped[str] = mapped_column(String(20), nullable=False)
    source_id: Mapped[str] = mapped_column(String(64), nullable=False, index=True)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    fields_json: Mapped[str] = mapped_column(Text, nullable=False)
    state: Mapped[str] = mapped_column(String(12), nullable=False, index=True)
    drafted_by: Mapped[str] = mapped_column(String(40), nullable=False)
    submitted_by: Mapped[str | None] = mapped_column(String(40))
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime)
    approved_by: Mapped[str | None] = mapped_column(String(40))
    approved_at: Mapped[datetime | None] = mapped_column(DateTime)
    issued_on: Mapped[date | None] = mapped_column(Date)  # the date printed on it
    number: Mapped[str | None] = mapped_column(String(60), unique=True)
    series_id: Mapped[str | None] = mapped_column(ForeignKey("document_series.id"))
    year: Mapped[int | None] = mapped_column(Integer, index=True)
    seq: Mapped[int | None] = mapped_column(Integer)
    print_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    archived_sha256: Mapped[str | None] = mapped_column(String(64))
    void_reason: Mapped[str | None] = mapped_column(Text)
    voided_by: Mapped[str | None] = mapped_column(String(40))
    voided_at: Mapped[datetime | None] = mapped_column(DateTime)


class DocumentNumber(SyncedRecord, Base):
    """One row per number taken (the register); kept when its document is voided."""

    __tablename__ = "document_number"
    __table_args__ = (UniqueConstraint("series_id", "seq"),)

    series_id: Mapped[str] = mapped_column(ForeignKey("document_series.id"), nullable=False)
    seq: Mapped[int] = mapped_column(Integer, nullable=False)
    number: Mapped[str] = mapped_column(String(60), nullable=False, unique=True)
    document_id: Mapped[str] = mapped_column(ForeignKey("document.id"), nullable=False,
                                             index=True)
    taken_by: Mapped[str] = mapped_column(String(40), nullable=False)
    taken_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    void_reason: Mapped[str | None] = mapped_column(Text)
    voided_at: Mapped[datetime | None] = mapped_column(DateTime)


class DocumentArchive(Base):
    """The exact bytes that went out on the first print (never changed afterwards)."""

    __tablename__ = "document_archive"

    document_id: Mapped[str] = mapped_column(ForeignKey("document.id"), primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    size: Mapped[int] = mapped_column(Integer, nullable=False)
    pdf: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)
    archived_by: Mapped[str] = mapped_column(String(40), nullable=False)
    archived_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
