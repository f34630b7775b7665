"""Every refusal as ``{"error": {"code", "message", "details"}}`` with a Chinese message.

The client shows ``message`` as it is, so each one says what happened and what to do.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, *,
                 details: dict[str, Any] | None = None,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.details = details or {}
        self.headers = headers


def error_response(status: int, code: str, message: str, *,
                   details: dict[str, Any] | None = None,
                   headers: dict[str, str] | None = None) -> JSONResponse:
    body = {"error": {"code": code, "message": message, "details": details or {}}}
    return JSONResponse(body, status_code=status, headers=headers)


_HTTP_MESSAGES = {
    404: ("not_found", "请求的地址不存在，请检查区级平台地址和客户端版本。"),
    405: ("method_not_allowed", "该地址不支持这种请求方式，请升级客户端。"),
}


def install_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api_error(_request: Request, exc: ApiError) -> JSONResponse:
        return error_response(exc.status, exc.code, exc.message, details=exc.details,
                              headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [{"loc": [str(part) for part in e.get("loc", ())], "msg": str(e.get("msg", ""))}
                  for e in exc.errors()]
        if any(e["loc"][:1] == ["header"] and e["loc"][1:2] in (["x-protocol-version"],
                                                              ["x-schema-version"])
               for e in errors):
            return error_response(400, "missing_version_headers",
                                  "请求缺少同步协议版本信息（X-Protocol-Version / X-Schema-Version），请升级客户端。",
                                  details={"errors": errors})
        return error_response(422, "invalid_request",
                              "请求内容不符合接口规范，请升级客户端或联系区级平台管理员。",
                              details={"errors": errors})

    @app.exception_handler(StarletteHTTPException)
    async def _http(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code, message = _HTTP_MESSAGES.get(exc.status_code,
                                           ("http_error", f"请求未被受理（{exc.detail}）。"))
        return error_response(exc.status_code, code, message,
                              headers=getattr(exc, "headers", None))

    @app.exception_handler(OperationalError)
    async def _busy(_request: Request, _exc: OperationalError) -> JSONResponse:
        return busy_response()


def busy_response() -> JSONResponse:
    return error_response(503, "busy", "区级平台繁忙，请稍后自动重试。",
                          headers={"Retry-After": "2"})
