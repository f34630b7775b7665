"""The committed contract (district/openapi.json) is the app's current schema, and the
main storage paths stay portable to PostgreSQL."""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql
from sqlalchemy.schema import CreateIndex, CreateTable

from district.db import Base, CounterRow, RecordRow
from district.export_openapi import OPENAPI_PATH, current_schema, render

DISTRICT_DIR = Path(__file__).resolve().parents[2] / "district"


def test_committed_openapi_matches_the_app() -> None:
    assert OPENAPI_PATH.read_text(encoding="utf-8") == render(current_schema()), (
        "district/openapi.json is stale: run python -m district.export_openapi")


def test_contract_documents_every_sync_endpoint() -> None:
    paths = current_schema()["paths"]
    for path in ("/api/hello", "/api/enroll", "/api/token", "/api/street", "/api/push",
                 "/api/pull", "/api/attachments", "/api/attachments/{sha256}",
                 "/api/attachments/{sha256}/status", "/api/holidays/{year}"):
        assert path in paths, path
    push = paths["/api/push"]["post"]
    assert "413" in push["responses"] and "426" in push["responses"]


def test_tables_and_main_statements_compile_for_postgresql() -> None:
    dialect = postgresql.dialect()
    for table in Base.metadata.sorted_tables:
        str(CreateTable(table).compile(dialect=dialect))
        for index in table.indexes:
            str(CreateIndex(index).compile(dialect=dialect))
    bump = update(CounterRow).where(CounterRow.name == "change_seq").values(
        value=CounterRow.value + 1)
    assert str(bump.compile(dialect=dialect)).startswith("UPDATE counter SET value=(counter.value +")
    page = select(RecordRow).where(RecordRow.street.in_(("a", "*")), RecordRow.change_seq > 5)
    assert "LIMIT" in str(page.order_by(RecordRow.change_seq).limit(10).compile(dialect=dialect))


def test_no_sqlite_only_sql_outside_the_engine_setup() -> None:
    # raw SQL keywords are upper case; SQLAlchemy's portable autoincrement=... is fine
    sqlite_only = re.compile(r"PRAGMA|INSERT OR|AUTOINCREMENT|sqlite_master|strftime\(|julianday\(")
    for path in DISTRICT_DIR.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        if path.name == "db.py":
            text = text.split("def make_engine", 1)[0]
        assert not sqlite_only.search(text), path.name
