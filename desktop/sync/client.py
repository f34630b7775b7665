"""The HTTP side of sync: one ``httpx.AsyncClient`` per run, speaking district/PROTOCOL.md.

Keep-alive (one client, one connection pool), gzip both ways (request bodies are
compressed; httpx inflates answers), TLS verification always on with an optional CA
file for a government network's own certificate authority, an optional proxy, and
timeouts. Every call carries the protocol and schema version headers.

Failures: a transient one (connection refused or dropped, timeout, 5xx, 503/429 with
``Retry-After``) is retried with exponential backoff and full jitter, a bounded number
of times; a 401 ``token_expired`` refreshes the access token once and repeats the call;
a version mismatch stops at once with a Chinese reason. Every error the caller sees is
a ``SyncError`` (a DomainError, so the command line exits non-zero with the message).
Repeating a request is always safe: pushes are idempotent by mutation id, pulls are
repeatable by cursor.
"""

from __future__ import annotations

import asyncio
import gzip
import json
import logging
import random
import ssl
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx

from desktop.domain.errors import DomainError

log = logging.getLogger(__name__)

PROTOCOL_VERSION = 1
SCHEMA_VERSION = 1
CLIENT_NAME = "subcenter"
# An idle pooled connection is dropped before the server would close it: uvicorn (the
# reference server) closes idle keep-alive connections after 5 s, and a request sent on
# a connection the server is closing fails. (A transport error is retried anyway, but
# only after a backoff delay.)
KEEPALIVE_EXPIRY = 4.0


class SyncError(DomainError):
    """Sync could not finish; the message says why in Chinese. ``retryable`` errors
    heal by themselves (the next automatic run tries again)."""

    retryable = True


class VersionMismatchError(SyncError):
    retryable = False


class AuthError(SyncError):
    """The district no longer knows this install's credentials: enrol again."""

    retryable = False


class NotEnrolledError(SyncError):
    retryable = False


class RequestRefusedError(SyncError):
    """The district refused a request as malformed or not allowed (4xx)."""

    retryable = False

    def __init__(self, message: str, *, status: int, code: str) -> None:
        super().__init__(message)
        self.status, self.code = status, code


@dataclass(frozen=True)
class Connection:
    """Where and how to reach the district (the user's settings)."""

    server_url: str
    ca_file: str = ""
    proxy: str = ""
    timeout: float = 30.0


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 5
    base_delay: float = 0.5
    max_delay: float = 30.0

    def delay(self, attempt: int, retry_after: float | None) -> float:
        """Full jitter (AWS): random in [0, base·2^attempt], capped; Retry-After wins
        when the server names a later time."""
        ceiling = min(self.max_delay, self.base_delay * (2 ** attempt))
        jittered = random.uniform(0, ceiling)
        if retry_after is not None:
            return min(self.max_delay, max(retry_after, jittered))
        return jittered


def version_mismatch_message(detail: str) -> str:
    return (f"本机程序与区级平台的同步协议版本不一致（{detail}），已停止同步，本机数据未受影响。"
            "请联系系统管理员升级本程序或区级平台后再同步。")


def _error_of(response: httpx.Response) -> tuple[str, str, dict[str, Any]]:
    try:
        body = response.json()
        error = body.get("error", {}) if isinstance(body, dict) else {}
        return str(error.get("code", "")), str(error.get("message", "")), error.get("details") or {}
    except ValueError:
        return "", "", {}


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After")
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


class DistrictClient:
    """One sync run's connection to the district. Use as ``async with``."""

    def __init__(self, connection: Connection, *, refresh_token: Callable[[], str | None],
                 retry: RetryPolicy | None = None,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
                 transport: httpx.AsyncBaseTransport | None = None) -> None:
        self.connection = connection
        self._refresh_token = refresh_token
        self._retry = retry or RetryPolicy()
        self._sleep = sleep
        self._access: str | None = None
        self._http = httpx.AsyncClient(
            base_url=connection.server_url.rstrip("/"), verify=self._tls(connection),
            proxy=connection.proxy or None, transport=transport,
            timeout=httpx.Timeout(connection.timeout, connect=10.0),
            headers={"X-Protocol-Version": str(PROTOCOL_VERSION),
                     "X-Schema-Version": str(SCHEMA_VERSION),
                     "Accept-Encoding": "gzip", "User-Agent": f"{CLIENT_NAME}-sync"},
            limits=httpx.Limits(max_keepalive_connections=4,
                                keepalive_expiry=KEEPALIVE_EXPIRY))

    @staticmethod
    def _tls(connection: Connection) -> ssl.SSLContext:
        context = ssl.create_default_context()  # verification stays on, always
        if connection.ca_file:
            try:
                context.load_verify_locations(cafile=connection.ca_file)
            except (OSError, ssl.SSLError) as error:
                raise SyncError(f"无法读取证书文件 {connection.ca_file}（{error}）。"
                                "请在同步设置中选择正确的 CA 证书文件（PEM 格式）。") from error
        return context

    async def __aenter__(self) -> DistrictClient:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    # --- the calls ----------------------------------------------------------------
    async def hello(self) -> dict[str, Any]:
        hello = await self._call("GET", "/api/hello", auth=False)
        self._check_versions(hello)
        return hello

    async def enroll(self, *, street_code: str, user: str, password: str,
                     client_id: str | None, client_name: str) -> dict[str, Any]:
        body = {"street_code": street_code, "user": user, "password": password,
                "client_name": client_name[:80]}
        if client_id:
            body["client_id"] = client_id
        answer = await self._call("POST", "/api/enroll", json_body=body, auth=False)
        self._access = answer["access_token"]
        return answer

    async def street(self) -> dict[str, Any]:
        return await self._call("GET", "/api/street")

    async def push(self, client_id: str, mutations: list[dict[str, Any]]) -> dict[str, Any]:
        return await self._call("POST", "/api/push",
                                json_body={"client_id": client_id, "mutations": mutations})

    async def pull(self, cursor: str | None, limit: int) -> dict[str, Any]:
        params: dict[str, Any] = {"limit": limit}
        if cursor:
            params["cursor"] = cursor
        return await self._call("GET", "/api/pull", params=params)

    async def declare_attachment(self, sha256: str, size: int, media_type: str) -> dict[str, Any]:
        return await self._call("POST", "/api/attachments", json_body={
            "sha256": sha256, "size": size, "media_type": media_type})

    async def put_chunk(self, sha256: str, offset: int, data: bytes) -> dict[str, Any]:
        return await self._call("PUT", f"/api/attachments/{sha256}", params={"offset": offset},
                                raw=data)

    # --- machinery ----------------------------------------------------------------
    def _check_versions(self, hello: dict[str, Any]) -> None:
        for name, mine in (("protocol", PROTOCOL_VERSION), ("schema", SCHEMA_VERSION)):
            supported = hello.get(name) or {}
            low, high = supported.get("min", mine), supported.get("max", mine)
            if not low <= mine <= high:
                label = "协议" if name == "protocol" else "数据结构"
                raise VersionMismatchError(version_mismatch_message(
                    f"本机{label}版本 {mine}，平台支持 {low}–{high}"))

    async def _refresh(self) -> None:
        token = self._refresh_token()
        if not token:
            raise AuthError("本机尚未在区级平台注册，或注册凭证已丢失。"
                            "请由系统管理员在“同步”页的设置中重新注册本机。")
        answer = await self._call("POST", "/api/token", json_body={"refresh_token": token},
                                  auth=False)
        self._access = answer["access_token"]

    async def _call(self, method: str, path: str, *, json_body: Any = None,
                    params: dict[str, Any] | None = None, raw: bytes | None = None,
                    auth: bool = True) -> dict[str, Any]:
        if auth and self._access is None:
            await self._refresh()
        refreshed = False
        attempt = 0
        while True:
            try:
                response = await self._send(method, path, json_body, params, raw, auth)
            except (httpx.TransportError, httpx.DecodingError) as error:
                attempt = await self._backoff(attempt, None, _network_message(error))
                continue
            if response.status_code == 401 and auth and not refreshed:
                code, _message, _details = _error_of(response)
                if code in ("token_expired", "not_authenticated"):
                    refreshed = True
                    await self._refresh()
                    continue
            if response.status_code in (429, 502, 503, 504) or response.status_code >= 500:
                attempt = await self._backoff(attempt, _retry_after(response),
                                              _server_message(response))
                continue
            return self._answer(response)

    async def _send(self, method: str, path: str, json_body: Any,
                    params: dict[str, Any] | None, raw: bytes | None,
                    auth: bool) -> httpx.Response:
        headers: dict[str, str] = {}
        if auth and self._access:
            headers["Authorization"] = f"Bearer {self._access}"
        content: bytes | None = raw
        if json_body is not None:
            data = json.dumps(json_body, ensure_ascii=False, separators=(",", ":")).encode()
            headers["Content-Type"] = "application/json"
            if len(data) > 1024:  # level 1: most of the gain, little time on the loop
                data = gzip.compress(data, compresslevel=1)
                headers["Content-Encoding"] = "gzip"
            content = data
        elif raw is not None:
            headers["Content-Type"] = "application/octet-stream"
        return await self._http.request(method, path, content=content, params=params,
                                        headers=headers)

    async def _backoff(self, attempt: int, retry_after: float | None, message: str) -> int:
        if attempt + 1 >= self._retry.attempts:
            raise SyncError(message)
        delay = self._retry.delay(attempt, retry_after)
        log.info("sync request failed (%s); retrying in %.1f s", message, delay)
        await self._sleep(delay)
        return attempt + 1

    async def stream(self, path: str, write: Callable[[bytes], Awaitable[None]], *,
                     waiting: tuple[int, ...] = (), chunk_size: int = 1024 * 1024,
                     interrupted: str = "下载中断") -> bool:
        """GET ``path`` into ``write`` chunk by chunk (a file, not JSON); False when the
        answer is one of ``waiting`` (e.g. not on the district yet). One token refresh
        on 401, like every other call; a broken stream raises SyncError with
        ``interrupted``."""
        for refreshed in (False, True):
            if self._access is None:
                await self._refresh()
            request = self._http.build_request("GET", path, headers={
                "Authorization": f"Bearer {self._access}", "Accept-Encoding": "identity"})
            try:
                response = await self._http.send(request, stream=True)
            except (httpx.TransportError, httpx.DecodingError) as error:
                raise SyncError(_network_message(error)) from error
            try:
                if response.status_code == 401 and not refreshed:
                    self._access = None
                    continue
                if response.status_code in waiting:
                    return False
                if not response.is_success:
                    await response.aread()
                    if response.status_code >= 500:
                        raise SyncError(_server_message(response))
                    self._answer(response)  # raises the refusal with the district's message
                async for chunk in response.aiter_bytes(chunk_size):
                    await write(chunk)
                return True
            except (httpx.TransportError, httpx.DecodingError) as error:
                raise SyncError(f"{interrupted}（{type(error).__name__}）") from error
            finally:
                await response.aclose()
        raise AuthError(_auth_message("", ""))

    def _answer(self, response: httpx.Response) -> dict[str, Any]:
        if response.is_success:
            body = response.json()
            return body if isinstance(body, dict) else {"items": body}
        code, message, details = _error_of(response)
        status = response.status_code
        if status == 426 or code in ("protocol_unsupported", "schema_unsupported"):
            raise VersionMismatchError(version_mismatch_message(
                f"平台支持的版本：{details.get('supported', '未知')}"))
        if status == 401:
            raise AuthError(_auth_message(code, message))
        raise RequestRefusedError(
            message or f"区级平台拒绝了请求（HTTP {status}）。请把此信息告知系统管理员。",
            status=status, code=code)


def _auth_message(code: str, message: str) -> str:
    if code == "bad_credentials":
        return message or "街道注册账号或密码不正确，请核对后重新注册。"
    return ("区级平台不再接受本机的注册凭证（可能已被注销）。"
            "请由系统管理员在“同步”页的设置中重新注册本机；本机数据不受影响，待上传的修改会保留。")


def _network_message(error: Exception) -> str:
    kind = type(error).__name__
    return (f"无法连接区级平台（{kind}）。本机可继续离线工作，修改会保留在待上传队列中，"
            "网络恢复后自动同步。如持续失败，请检查网络、代理和平台地址设置。")


def _server_message(response: httpx.Response) -> str:
    _code, message, _details = _error_of(response)
    return (f"区级平台暂时无法处理请求（HTTP {response.status_code}{'：' + message if message else ''}）。"
            "修改已保留在待上传队列中，稍后会自动重试。")


def clock_skew_seconds(server_time: str) -> int:
    """How far this PC's clock is from the server's (positive: this PC is ahead)."""
    server = datetime.fromisoformat(server_time.replace("Z", "+00:00"))
    return int((datetime.now(UTC) - server).total_seconds())
