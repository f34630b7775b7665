"""The sync endpoints (PROTOCOL.md). Handlers are plain functions: FastAPI runs them in
its thread pool, and each opens its own short database transactions."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import FileResponse, Response
from starlette.concurrency import run_in_threadpool

from district import identity
from district.auth import Authenticated, Versioned, supported
from district.db import StreetRow
from district.district_edits import holidays
from district.errors import ApiError
from district.pull import pull as pull_changes
from district.push import push as push_mutations
from district.schemas import (
    DEFAULT_PAGE,
    MAX_BODY_BYTES,
    MAX_MUTATIONS,
    MAX_PAGE,
    SHA256_PATTERN,
    AttachmentCreate,
    AttachmentStatus,
    EnrollRequest,
    EnrollResponse,
    ErrorBody,
    Hello,
    HolidayTable,
    PullResponse,
    PushRequest,
    PushResponse,
    RefreshRequest,
    Street,
    TokenPair,
)
from district.server import Server

ERRORS = {code: {"model": ErrorBody} for code in (400, 401, 403, 404, 409, 413, 422, 426, 503)}
hello_router = APIRouter(prefix="/api", tags=["sync"])
router = APIRouter(prefix="/api", tags=["sync"], dependencies=[Versioned], responses=ERRORS)
Year = Annotated[int, Path(ge=2000, le=2100)]


def _server(request: Request) -> Server:
    return request.app.state.server


@hello_router.get("/hello", response_model=Hello, response_model_by_alias=True)
def hello(request: Request) -> Hello:
    ranges = supported()
    return Hello(server="subcenter-district 0.1.0", protocol=ranges["protocol"],
                 schema=ranges["schema"], server_time=datetime.now(UTC),
                 max_mutations=MAX_MUTATIONS, max_body_bytes=MAX_BODY_BYTES, max_page=MAX_PAGE,
                 demo=_server(request).settings.demo)


@router.post("/enroll", response_model=EnrollResponse)
def enroll(request: Request, body: EnrollRequest) -> EnrollResponse:
    server = _server(request)
    return identity.enroll(server.db, body, demo=server.settings.demo, key=server.signing_key,
                           ttl=server.settings.access_token_ttl)


@router.post("/token", response_model=TokenPair)
def token(request: Request, body: RefreshRequest) -> TokenPair:
    server = _server(request)
    return identity.refresh(server.db, body.refresh_token, key=server.signing_key,
                            ttl=server.settings.access_token_ttl)


@router.get("/street", response_model=Street)
def street(request: Request, principal: Authenticated) -> Street:
    with _server(request).db.read() as session:
        row = session.get(StreetRow, principal.street)
        if row is None:
            raise ApiError(404, "street_not_found", "本机所属的街道已不在区级平台上，请联系区级平台管理员。")
        return identity.street_of(row)


@router.post("/push", response_model=PushResponse)
def push(request: Request, body: PushRequest, principal: Authenticated) -> PushResponse:
    if len(body.mutations) > MAX_MUTATIONS:
        raise ApiError(413, "too_many_mutations",
                       f"一次最多上传 {MAX_MUTATIONS} 条修改，本次有 {len(body.mutations)} 条，请分批上传。",
                       details={"max_mutations": MAX_MUTATIONS})
    return push_mutations(_server(request).db, principal, body)


@router.get("/pull", response_model=PullResponse)
def pull(request: Request, principal: Authenticated,
         cursor: Annotated[str | None, Query(max_length=200)] = None,
         limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = DEFAULT_PAGE) -> PullResponse:
    return pull_changes(_server(request).db, principal.street, cursor, limit)


@router.get("/holidays/{year}", response_model=HolidayTable)
def holiday_table(request: Request, year: Year, _principal: Authenticated) -> HolidayTable:
    return holidays(_server(request).db, year)


@router.post("/attachments", response_model=AttachmentStatus)
def declare_attachment(request: Request, body: AttachmentCreate,
                       principal: Authenticated) -> AttachmentStatus:
    return _server(request).attachments.declare(principal.street, body)


@router.put("/attachments/{sha256}", response_model=AttachmentStatus, openapi_extra={
    "requestBody": {"required": True, "content": {"application/octet-stream": {
        "schema": {"type": "string", "format": "binary"}}}}})
async def put_chunk(request: Request, sha256: str, principal: Authenticated,
                    offset: Annotated[int, Query(ge=0, le=2**40)]) -> AttachmentStatus:
    _check_sha(sha256)
    data = await request.body()
    store = _server(request).attachments
    return await run_in_threadpool(store.put_chunk, principal.street, sha256, offset, data)


@router.get("/attachments/{sha256}/status", response_model=AttachmentStatus)
def attachment_status(request: Request, sha256: str,
                      principal: Authenticated) -> AttachmentStatus:
    _check_sha(sha256)
    return _server(request).attachments.status(principal.street, sha256)


@router.get("/attachments/{sha256}", response_class=FileResponse, responses={
    200: {"content": {"application/octet-stream": {}}, "description": "The bytes"}})
def download(request: Request, sha256: str, principal: Authenticated) -> Response:
    _check_sha(sha256)
    path, media_type = _server(request).attachments.content(principal.street, sha256)
    return FileResponse(path, media_type=media_type)


def _check_sha(sha256: str) -> None:
    if not re.fullmatch(SHA256_PATTERN, sha256):
        raise ApiError(422, "invalid_request", "附件标识应为 64 位小写十六进制 SHA-256。")
