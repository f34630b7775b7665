"""Bulk-seed the reference server's SQLite file directly, so a 100k-record street costs
a second instead of 100k pushes. The rows are what a push would have stored: one
``officer`` and ``count - 1`` ``leave`` records of that officer (no local unique rule
they could break), each with its own change sequence number taken from the server's
counter in the same transaction, exactly as district/db.py's Writer does."""

from __future__ import annotations

import base64
import contextlib
import json
import sqlite3
import uuid
from datetime import date, timedelta
from pathlib import Path

from tests.sync_faults.compare import db_path

STAMP = "2026-11-01T08:00:00"


def record_id(n: int) -> str:
    """A UUIDv7-shaped id, deterministic and time-ordered by ``n``."""
    return str(uuid.UUID(int=(0x0190F000 << 96) | (0x7 << 76) | (0b10 << 62) | n))


def _officer() -> dict[str, object]:
    return {"name": "压测执法员", "gender": "男", "phone": "", "id_number": "430102199001010011",
            "source_unit_id": None, "force": "1", "staffing_type": "civil_servant",
            "position": "", "squad": "一中队", "status": "on_duty", "status_since": None,
            "secondment_start": None, "secondment_end": None, "photo_sha256": None,
            "note": "", "created_at": STAMP, "updated_at": STAMP}


def _leave(officer: str, n: int) -> dict[str, object]:
    start = date(2026, 1, 1) + timedelta(days=n % 300)
    return {"officer_id": officer, "kind": "annual", "start_date": start.isoformat(),
            "end_date": (start + timedelta(days=1)).isoformat(), "note": f"第{n}条",
            "created_at": STAMP, "updated_at": STAMP}


def seed_records(district_db: str | Path, street: str, count: int) -> list[str]:
    """Append ``count`` street records to the feed; returns their ids in feed order."""
    ids = [record_id(n) for n in range(count)]
    with contextlib.closing(sqlite3.connect(db_path(district_db), timeout=60)) as db:
        db.execute("begin immediate")
        base = db.execute("select value from counter where name = 'change_seq'").fetchone()[0]
        rows = [(street, "officer" if n == 0 else "leave", ids[n], 1,
                 json.dumps(_officer() if n == 0 else _leave(ids[0], n), ensure_ascii=False),
                 0, "street", base + 1 + n, "2026-11-01 08:00:00.000000", "seed", 0)
                for n in range(count)]
        db.executemany("insert into records (street, table_name, id, version, fields, deleted, "
                       "owner, change_seq, updated_at, updated_by, district_version) "
                       "values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
        db.execute("update counter set value = ? where name = 'change_seq'", (base + count,))
        db.commit()
    return ids


def cursor_seq(cursor: str | None) -> int:
    """The reference server's cursor is base64url("v1:<seq>") (opaque to the client;
    the tests may look inside because they know the server)."""
    if not cursor:
        return 0
    text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    return int(text.split(":")[1])


def seqs_up_to(district_db: str | Path, street: str, seq: int) -> set[tuple[str, str]]:
    """(table, id) of the street's feed up to ``seq``."""
    with contextlib.closing(sqlite3.connect(db_path(district_db), timeout=60)) as db:
        rows = db.execute("select table_name, id from records where street in (?, '*') "
                          "and change_seq <= ? and not deleted", (street, seq)).fetchall()
    return {(t, i) for t, i in rows}
