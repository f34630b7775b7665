"""Enrolment and token refresh (PROTOCOL.md "POST /api/enroll", "POST /api/token")."""

from __future__ import annotations

import hmac
import math
import time
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop.domain.ids import new_id
from district.auth import (
    Principal,
    check_password,
    new_refresh_token,
    sign_access_token,
    token_digest,
)
from district.db import ClientRow, Database, RefreshTokenRow, StreetRow, UserRow, utcnow
from district.errors import ApiError
from district.schemas import EnrollRequest, EnrollResponse, Street, TokenPair

DEMO_USER, DEMO_PASSWORD = "demo", "demo-password"


def street_of(row: StreetRow) -> Street:
    return Street(code=row.code, name=row.name, center_name=row.center_name,
                  issuing_authority=row.issuing_authority, doc_prefix=row.doc_prefix)


def access_token(key: bytes, ttl: int, principal: Principal,
                 now: float | None = None) -> TokenPair:
    # Whole seconds rounded up: a token lives at least ``ttl`` seconds (truncating the
    # issue time cut up to a second off, so a 1-second token could be dead on arrival).
    expires = math.ceil(time.time() if now is None else now) + ttl
    return TokenPair(access_token=sign_access_token(key, principal, expires),
                     access_expires_at=datetime.fromtimestamp(expires, UTC),
                     access_expires_in=ttl)


def enroll(db: Database, request: EnrollRequest, *, demo: bool, key: bytes,
           ttl: int) -> EnrollResponse:
    with db.write() as w:
        street = w.session.get(StreetRow, request.street_code)
        if street is None:
            raise ApiError(404, "street_not_found",
                           f"区级平台上没有区划代码为 {request.street_code} 的街道，请核对街道代码。")
        if not _credentials_ok(w.session, request, demo):
            raise ApiError(401, "bad_credentials", "街道注册账号或密码不正确，请向区级平台管理员核实。")
        client_id = request.client_id or new_id()
        client = w.session.get(ClientRow, client_id)
        if client is None:
            client = ClientRow(client_id=client_id, street=street.code,
                               name=request.client_name, last_mutation_id=0,
                               enrolled_at=utcnow())
            w.session.add(client)
        elif client.street != street.code:
            raise ApiError(409, "client_other_street",
                           "本机已注册到另一个街道；一台电脑只能属于一个街道，请先清空本机数据目录。")
        elif request.client_name:
            client.name = request.client_name
        if client.install_number is None:
            client.install_number = _next_install_number(w.session, street.code)
        refresh = new_refresh_token()
        w.session.flush()
        w.session.add(RefreshTokenRow(token_hash=token_digest(refresh), client_id=client_id,
                                      street=street.code, created_at=utcnow(), revoked=False))
        pair = access_token(key, ttl, Principal(client_id, street.code))
        return EnrollResponse(**pair.model_dump(), refresh_token=refresh, client_id=client_id,
                              last_mutation_id=client.last_mutation_id,
                              install_number=client.install_number,
                              street=street_of(street))


def _next_install_number(session: Session, street: str) -> int:
    """The street's next 终端号. Read inside the enrolment's writing transaction, which
    holds the counter lock (district/db.py), so two PCs enrolling at once never get the
    same number."""
    last = session.scalar(select(func.max(ClientRow.install_number))
                          .where(ClientRow.street == street))
    return int(last or 0) + 1


def _credentials_ok(session: object, request: EnrollRequest, demo: bool) -> bool:
    if demo and request.user == DEMO_USER and hmac.compare_digest(request.password,
                                                                   DEMO_PASSWORD):
        return True
    users = session.scalars(select(UserRow).where(  # type: ignore[attr-defined]
        UserRow.street == request.street_code, UserRow.name == request.user))
    return any(check_password(request.password, user.password_hash) for user in users)


def refresh(db: Database, token: str, *, key: bytes, ttl: int) -> TokenPair:
    with db.read() as session:
        row = session.get(RefreshTokenRow, token_digest(token))
        if row is None or row.revoked or session.get(ClientRow, row.client_id) is None:
            raise ApiError(401, "token_invalid", "本机的注册已失效或被撤销，请重新注册本机。")
        return access_token(key, ttl, Principal(row.client_id, row.street))
