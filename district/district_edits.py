"""What the district does on its side: streets, work orders, responsibility lists,
holiday tables, departments' answers to whistles, overrides. Each edit is one writing
transaction, so it enters every street's feed in order like a street's own push."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from desktop.domain.ids import new_id
from district.auth import hash_password
from district.db import (
    DISTRICT,
    GLOBAL,
    ClientRow,
    ConflictRow,
    Database,
    HolidayYearRow,
    RecordRow,
    StreetRow,
    UserRow,
    utcnow,
)
from district.errors import ApiError
from district.identity import street_of
from district.records import write
from district.schemas import (
    ConflictOut,
    HolidayTable,
    Owner,
    RecordOut,
    ResponsibilityListPublish,
    StreetCreate,
    StreetSummary,
    WhistleResponse,
    WorkOrderCreate,
)
from district.workorders import new_work_order_fields


def _out(row: RecordRow) -> RecordOut:
    return RecordOut(table=row.table_name, id=row.id, version=row.version, deleted=row.deleted,
                     owner=Owner(row.owner), fields=row.fields)


def _street(session: Any, code: str) -> StreetRow:
    row = session.get(StreetRow, code)
    if row is None:
        raise ApiError(404, "street_not_found", f"没有区划代码为 {code} 的街道。")
    return row


def create_street(db: Database, spec: StreetCreate) -> StreetSummary:
    with db.write() as w:
        row = w.session.get(StreetRow, spec.code) or StreetRow(code=spec.code)
        row.name, row.center_name = spec.name, spec.center_name
        row.issuing_authority, row.doc_prefix = spec.issuing_authority, spec.doc_prefix
        w.session.merge(row)
        if spec.user and spec.password:
            w.session.add(UserRow(street=spec.code, name=spec.user,
                                  password_hash=hash_password(spec.password)))
    return next(s for s in list_streets(db) if s.code == spec.code)


def list_streets(db: Database) -> list[StreetSummary]:
    with db.read() as session:
        streets = list(session.scalars(select(StreetRow).order_by(StreetRow.code)))

        def count(model: Any, column: Any, code: str) -> int:
            return session.scalar(select(func.count()).select_from(model)
                                  .where(column == code)) or 0

        return [StreetSummary(**street_of(s).model_dump(),
                              clients=count(ClientRow, ClientRow.street, s.code),
                              records=count(RecordRow, RecordRow.street, s.code),
                              open_conflicts=count(ConflictRow, ConflictRow.street, s.code))
                for s in streets]


def dispatch_work_order(db: Database, street: str, spec: WorkOrderCreate,
                        now: datetime | None = None) -> RecordOut:
    now = now or datetime.now().replace(microsecond=0)
    with db.write() as w:
        _street(w.session, street)
        number = spec.external_number or f"QP{now:%Y%m%d%H%M%S}{new_id()[-4:].upper()}"
        fields = new_work_order_fields(
            number=number, title=spec.title, content=spec.content, kind=spec.kind,
            nature=spec.nature, urgent=spec.urgent, address=spec.address,
            reporter_name=spec.reporter_name, reporter_phone=spec.reporter_phone,
            received_at=now, deadline_at=spec.deadline_at, deadline_note=spec.deadline_note)
        row = write(w, street=street, table="demand", record_id=new_id(), fields=fields,
                    owner="district", by=DISTRICT)
        return _out(row)


def _record(session: Any, street: str, table: str, record_id: str) -> RecordRow:
    row = session.get(RecordRow, (street, table, record_id))
    if row is None:
        raise ApiError(404, "not_found", f"街道 {street} 没有 {table} 记录 {record_id}。")
    return row


def recall_work_order(db: Database, street: str, record_id: str, reason: str) -> RecordOut:
    with db.write() as w:
        row = _record(w.session, street, "demand", record_id)
        if row.owner != "district" or "district_status" not in row.fields:
            raise ApiError(409, "not_a_work_order", "该诉求不是区级派单，不能撤回。")
        fields = row.fields | {"district_status": "recalled", "district_note": reason}
        return _out(write(w, street=street, table="demand", record_id=record_id, fields=fields,
                          owner="district", by=DISTRICT, existing=row))


def publish_responsibility_list(db: Database, spec: ResponsibilityListPublish,
                                street: str | None = None) -> RecordOut:
    """A new current version (district-wide unless ``street``); older ones stop being current."""
    scope = street or GLOBAL
    with db.write() as w:
        if street:
            _street(w.session, street)
        older = w.session.scalars(select(RecordRow).where(
            RecordRow.street == scope, RecordRow.table_name == "responsibility_list_version"))
        for row in list(older):
            if row.fields.get("is_current"):
                write(w, street=scope, table=row.table_name, record_id=row.id,
                      fields=row.fields | {"is_current": False}, owner="district",
                      by=DISTRICT, existing=row)
        stamp = utcnow().isoformat(timespec="seconds")
        version_id = new_id()
        version = write(w, street=scope, table="responsibility_list_version",
                        record_id=version_id, owner="district", by=DISTRICT, fields={
                            "number": spec.number, "title": spec.title,
                            "published_on": spec.published_on.isoformat(), "source": "district",
                            "is_current": True, "created_at": stamp, "updated_at": stamp})
        for item in spec.items:
            write(w, street=scope, table="responsibility_item", record_id=new_id(),
                  owner="district", by=DISTRICT,
                  fields=item.model_dump() | {"version_id": version_id, "created_at": stamp,
                                              "updated_at": stamp})
        return _out(version)


def publish_holidays(db: Database, table: HolidayTable) -> RecordOut:
    days = [{"day": d.day.isoformat(), "is_workday": d.is_workday, "name": d.name}
            for d in sorted(table.days, key=lambda d: d.day)]
    if any(not d["day"].startswith(f"{table.year}-") for d in days):
        raise ApiError(422, "invalid_request", f"节假日表中有不属于 {table.year} 年的日期。")
    published = table.published_on.isoformat() if table.published_on else None
    with db.write() as w:
        row = w.session.get(HolidayYearRow, table.year) or HolidayYearRow(year=table.year)
        row.published_on, row.days, row.updated_at = published, days, utcnow()
        w.session.merge(row)
        record = write(w, street=GLOBAL, table="calendar_year", record_id=str(table.year),
                       owner="district", by=DISTRICT,
                       fields={"year": table.year, "published_on": published,
                               "source": "district", "days": days})
        return _out(record)


def holidays(db: Database, year: int) -> HolidayTable:
    with db.read() as session:
        row = session.get(HolidayYearRow, year)
        if row is None:
            raise ApiError(404, "not_found", f"区级平台尚未发布 {year} 年的节假日安排。")
        return HolidayTable(year=row.year, published_on=row.published_on, days=row.days)


def answer_whistle(db: Database, street: str, target_id: str,
                   answer: WhistleResponse) -> RecordOut:
    given = {k: (v.isoformat(timespec="seconds") if isinstance(v, datetime) else v)
             for k, v in answer.model_dump().items() if v is not None}
    if not given:
        raise ApiError(422, "invalid_request", "请至少填写一项答复内容（报到时间、答复、办结时间或结果）。")
    return override(db, street, "whistle_target", target_id, given)


def override(db: Database, street: str, table: str, record_id: str,
             fields: dict[str, Any]) -> RecordOut:
    """The district changes fields of a street's record (district wins, the street is told
    by a conflict if it edits the old version)."""
    with db.write() as w:
        row = _record(w.session, street, table, record_id)
        return _out(write(w, street=street, table=table, record_id=record_id,
                          fields=row.fields | fields, owner=row.owner, by=DISTRICT,
                          existing=row))


def list_conflicts(db: Database, street: str | None, limit: int = 200) -> list[ConflictOut]:
    with db.read() as session:
        query = select(ConflictRow).order_by(ConflictRow.id.desc()).limit(limit)
        if street:
            query = query.where(ConflictRow.street == street)
        return [ConflictOut(id=c.id, street=c.street, client_id=c.client_id,
                            mutation_id=c.mutation_id, table=c.table_name,
                            record_id=c.record_id, code=c.code, message=c.message,
                            client_fields=c.client_fields, server_fields=c.server_fields,
                            created_at=c.created_at) for c in session.scalars(query)]
