"""District-side edits as JSON endpoints (admin token), used by tests and the admin page."""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Path, Query, Request

from desktop.domain.errors import ValidationError
from desktop.domain.grids import validate_division_code
from district import district_edits as edits
from district.auth import require_admin
from district.db import Database
from district.errors import ApiError
from district.schemas import (
    STREET_PATTERN,
    TABLE_PATTERN,
    ConflictOut,
    ErrorBody,
    HolidayTable,
    RecallRequest,
    RecordOut,
    ResponsibilityListPublish,
    StreetCreate,
    StreetSummary,
    WhistleResponse,
    WorkOrderCreate,
)

ERRORS = {code: {"model": ErrorBody} for code in (403, 404, 409, 413, 422, 503)}
router = APIRouter(prefix="/admin/api", tags=["admin"], responses=ERRORS,
                   dependencies=[Depends(require_admin)])


def _db(request: Request) -> Database:
    return request.app.state.server.db


@router.get("/streets", response_model=list[StreetSummary])
def streets(request: Request) -> list[StreetSummary]:
    return edits.list_streets(_db(request))


@router.post("/streets", response_model=StreetSummary)
def create_street(request: Request, body: StreetCreate) -> StreetSummary:
    """The code must be a street's division code by the app's own rule (an install
    set up for this street checks the same), else 422 with the app's Chinese reason."""
    try:
        validate_division_code(body.code)
    except ValidationError as error:
        raise ApiError(422, "invalid_request", error.message,
                       details={"field": "code"}) from None
    return edits.create_street(_db(request), body)


@router.post("/streets/{street}/work-orders", response_model=RecordOut)
def dispatch(request: Request, street: str, body: WorkOrderCreate) -> RecordOut:
    return edits.dispatch_work_order(_db(request), street, body)


@router.post("/streets/{street}/work-orders/{record_id}/recall", response_model=RecordOut)
def recall(request: Request, street: str, record_id: str, body: RecallRequest) -> RecordOut:
    return edits.recall_work_order(_db(request), street, record_id, body.reason)


@router.post("/responsibility-lists", response_model=RecordOut)
def publish_list(request: Request, body: ResponsibilityListPublish,
                 street: Annotated[str | None, Query(pattern=STREET_PATTERN)] = None
                 ) -> RecordOut:
    return edits.publish_responsibility_list(_db(request), body, street)


@router.put("/holidays/{year}", response_model=RecordOut)
def publish_holidays(request: Request, year: Annotated[int, Path(ge=2000, le=2100)],
                     body: HolidayTable) -> RecordOut:
    if body.year != year:
        raise ApiError(422, "invalid_request", "地址中的年份与节假日表中的年份不一致。")
    return edits.publish_holidays(_db(request), body)


@router.post("/streets/{street}/whistle-targets/{record_id}/response", response_model=RecordOut)
def answer_whistle(request: Request, street: str, record_id: str,
                   body: WhistleResponse) -> RecordOut:
    return edits.answer_whistle(_db(request), street, record_id, body)


@router.patch("/streets/{street}/records/{table}/{record_id}", response_model=RecordOut)
def override(request: Request, street: str, table: str, record_id: str,
             body: Annotated[dict[str, Any], Body()]) -> RecordOut:
    if not re.fullmatch(TABLE_PATTERN, table):
        raise ApiError(422, "invalid_request", "表名无效。")
    return edits.override(_db(request), street, table, record_id, body)


@router.get("/conflicts", response_model=list[ConflictOut])
def conflicts(request: Request,
              street: Annotated[str | None, Query(pattern=STREET_PATTERN)] = None
              ) -> list[ConflictOut]:
    return edits.list_conflicts(_db(request), street)
