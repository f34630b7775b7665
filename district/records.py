"""Reading and writing replicated records; every write takes a fresh change number."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from district.db import DISTRICT, GLOBAL, RecordRow, Writer, utcnow


def find(session: Session, street: str, table: str, record_id: str) -> RecordRow | None:
    """The street's record, or the district-wide one with that id."""
    row = session.get(RecordRow, (street, table, record_id))
    return row if row is not None else session.get(RecordRow, (GLOBAL, table, record_id))


def write(w: Writer, *, street: str, table: str, record_id: str, fields: dict[str, Any],
          owner: str, by: str, deleted: bool = False,
          existing: RecordRow | None = None) -> RecordRow:
    """Create or replace a record's fields as a new version at the end of the feed."""
    if existing is None:
        existing = w.session.get(RecordRow, (street, table, record_id))
    seq = w.next_seq()
    if existing is None:
        row = RecordRow(street=street, table_name=table, id=record_id, version=1,
                        fields=dict(fields), deleted=deleted, owner=owner, change_seq=seq,
                        updated_at=utcnow(), updated_by=by,
                        district_version=1 if by == DISTRICT else 0)
        w.session.add(row)
        w.session.flush()
        return row
    existing.version += 1
    existing.fields = dict(fields)  # a new object, so the JSON column is seen as changed
    existing.deleted = deleted
    existing.change_seq = seq
    existing.updated_at = utcnow()
    existing.updated_by = by
    if by == DISTRICT:
        existing.district_version = existing.version
    w.session.flush()
    return existing


def street_records(session: Session, street: str, table: str | None = None,
                   limit: int = 200) -> list[RecordRow]:
    query = select(RecordRow).where(RecordRow.street == street)
    if table:
        query = query.where(RecordRow.table_name == table)
    return list(session.scalars(query.order_by(RecordRow.change_seq.desc()).limit(limit)))
