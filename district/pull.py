"""The changes feed (PROTOCOL.md "GET /api/pull").

Records carry the ``change_seq`` their last write took inside its transaction (see
district/db.py), so ``change_seq > cursor`` in order never skips a committed change. The
cursor is opaque to clients: ``base64url("v1:<seq>")``.
"""

from __future__ import annotations

import base64
import binascii
from datetime import UTC

from sqlalchemy import func, select

from district.db import GLOBAL, Database, RecordRow
from district.errors import ApiError
from district.schemas import Change, Owner, PullResponse


def encode_cursor(seq: int) -> str:
    return base64.urlsafe_b64encode(f"v1:{seq}".encode()).rstrip(b"=").decode()


def decode_cursor(cursor: str | None) -> int:
    if not cursor:
        return 0
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        prefix, seq = text.split(":")
        if prefix != "v1" or int(seq) < 0:
            raise ValueError(text)
        return int(seq)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise ApiError(400, "invalid_cursor",
                       "下载进度标记无效（可能来自另一个区级平台），请重新开始完整下载。") from None


def pull(db: Database, street: str, cursor: str | None, limit: int) -> PullResponse:
    after = decode_cursor(cursor)
    scope = RecordRow.street.in_((street, GLOBAL))
    with db.read() as session:
        rows = list(session.scalars(
            select(RecordRow).where(scope, RecordRow.change_seq > after)
            .order_by(RecordRow.change_seq).limit(limit + 1)))
        has_more = len(rows) > limit
        rows = rows[:limit]
        last = rows[-1].change_seq if rows else after
        remaining = session.scalar(select(func.count()).select_from(RecordRow).where(
            scope, RecordRow.change_seq > last)) if has_more else 0
    changes = [Change(table=r.table_name, id=r.id, version=r.version, deleted=r.deleted,
                      owner=Owner(r.owner), fields=r.fields, updated_at=r.updated_at.replace(tzinfo=UTC),
                      updated_by=r.updated_by) for r in rows]
    return PullResponse(changes=changes, cursor=encode_cursor(last), has_more=has_more,
                        remaining=remaining)
