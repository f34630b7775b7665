"""Who is calling: enrolment passwords, refresh tokens, signed access tokens, the
admin token and the version headers.

An access token is ``<payload>.<signature>``: base64url JSON ``{"c": client_id,
"s": street, "e": expiry}`` signed with HMAC-SHA256 by a key the server makes at first
start, so checking one costs no database read. Refresh tokens are random and stored
only as their SHA-256. The street of every request comes from the token alone.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Header, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from district.errors import ApiError
from district.schemas import PROTOCOL_VERSION, SCHEMA_VERSION

PBKDF2_ROUNDS = 60_000
bearer = HTTPBearer(auto_error=False, description="Access token from /api/enroll or /api/token")


def hash_password(password: str) -> str:
    salt = secrets.token_hex(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), bytes.fromhex(salt), PBKDF2_ROUNDS)
    return f"pbkdf2${PBKDF2_ROUNDS}${salt}${digest.hex()}"


def check_password(password: str, stored: str) -> bool:
    try:
        _scheme, rounds, salt, digest = stored.split("$")
        mine = hashlib.pbkdf2_hmac("sha256", password.encode(), bytes.fromhex(salt), int(rounds))
    except ValueError:
        return False
    return hmac.compare_digest(mine.hex(), digest)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_refresh_token() -> str:
    return "rt_" + secrets.token_urlsafe(32)


@dataclass(frozen=True)
class Principal:
    client_id: str
    street: str


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def sign_access_token(key: bytes, principal: Principal, expires: int) -> str:
    payload = _b64(json.dumps({"c": principal.client_id, "s": principal.street, "e": expires},
                              separators=(",", ":")).encode())
    signature = _b64(hmac.new(key, payload.encode(), hashlib.sha256).digest())
    return f"{payload}.{signature}"


def read_access_token(key: bytes, token: str, now: float | None = None) -> Principal:
    """The principal of a valid token; ApiError 401 (token_expired / token_invalid)."""
    try:
        payload, signature = token.split(".")
        expected = _b64(hmac.new(key, payload.encode(), hashlib.sha256).digest())
        if not hmac.compare_digest(expected, signature):
            raise ValueError("signature")
        data = json.loads(_unb64(payload))
        principal, expires = Principal(str(data["c"]), str(data["s"])), int(data["e"])
    except (ValueError, KeyError, TypeError) as exc:
        raise ApiError(401, "token_invalid", "登录凭证无效，请重新注册本机（sync 设置中的“注册”）。") from exc
    if (time.time() if now is None else now) >= expires:
        raise ApiError(401, "token_expired", "登录凭证已过期，正在重新获取。",
                       headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})
    return principal


def current_principal(
        request: Request,
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]) -> Principal:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise ApiError(401, "not_authenticated", "缺少登录凭证，请先在本机注册到区级平台。",
                       headers={"WWW-Authenticate": "Bearer"})
    return read_access_token(request.app.state.server.signing_key, credentials.credentials)


def require_admin(
        request: Request,
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]) -> None:
    expected = request.app.state.server.settings.admin_token
    given = credentials.credentials if credentials else ""
    if not hmac.compare_digest(given.encode(), expected.encode()):
        raise ApiError(403, "admin_only", "此操作只限区级平台管理员，请提供管理口令。")


def supported() -> dict[str, dict[str, int]]:
    return {"protocol": {"min": PROTOCOL_VERSION, "max": PROTOCOL_VERSION},
            "schema": {"min": SCHEMA_VERSION, "max": SCHEMA_VERSION}}


def check_versions(
        x_protocol_version: Annotated[str, Header(description="Protocol version, 1")],
        x_schema_version: Annotated[str, Header(description="Record schema version, 1")],
) -> None:
    try:
        protocol, schema = int(x_protocol_version), int(x_schema_version)
    except ValueError:
        raise missing_versions() from None
    if protocol != PROTOCOL_VERSION:
        newer = "请升级本机客户端" if protocol < PROTOCOL_VERSION else "区级平台尚未支持此版本，请联系区级平台管理员"
        raise ApiError(426, "protocol_unsupported",
                       f"本机同步协议版本为 {protocol}，区级平台支持 {PROTOCOL_VERSION}。{newer}。",
                       details={"supported": supported()}, headers={"Upgrade": "subcenter-sync/1"})
    if schema != SCHEMA_VERSION:
        raise ApiError(409, "schema_unsupported",
                       f"本机数据结构版本为 {schema}，区级平台支持 {SCHEMA_VERSION}。"
                       "请将客户端和区级平台升级到匹配的版本后再同步。",
                       details={"supported": supported()})


def missing_versions() -> ApiError:
    return ApiError(400, "missing_version_headers",
                    "请求缺少同步协议版本信息（X-Protocol-Version / X-Schema-Version），请升级客户端。",
                    details={"supported": supported()})


Versioned = Depends(check_versions)
Authenticated = Annotated[Principal, Depends(current_principal)]
