"""Request bodies: the 1 MiB limit (also after gunzip, so a small bomb cannot grow) and
``Content-Encoding: gzip`` decoding, as plain ASGI middleware before FastAPI parses."""

from __future__ import annotations

import json
import zlib
from typing import Any

from district.schemas import MAX_BODY_BYTES

Scope = dict[str, Any]
DRAIN_LIMIT = 64 * 1024 * 1024


class BodyLimitAndGunzip:
    def __init__(self, app: Any, limit: int = MAX_BODY_BYTES) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        headers = {k.lower(): v for k, v in scope.get("headers", [])}
        gzipped = headers.get(b"content-encoding", b"").strip().lower() == b"gzip"
        body, more, size = bytearray(), True, 0
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            more = message.get("more_body", False)
            if size <= self.limit:
                body += chunk
            elif size > DRAIN_LIMIT:
                break  # not worth reading further: answer and let the connection drop
        if size > self.limit:
            # the body was read (and dropped) first: answering while the client is still
            # sending would reset the connection and the client would never see the 413
            await _reject(send, 413, "payload_too_large", _TOO_LARGE)
            return
        if gzipped:
            try:
                inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
                data = inflater.decompress(bytes(body), self.limit + 1)
                if len(data) > self.limit or inflater.unconsumed_tail:
                    await _reject(send, 413, "payload_too_large", _TOO_LARGE)
                    return
            except zlib.error:
                await _reject(send, 400, "bad_gzip", "请求内容的 gzip 压缩数据已损坏，请重试。")
                return
            body = bytearray(data)
            scope = dict(scope)
            scope["headers"] = [(k, v) for k, v in scope["headers"]
                                if k.lower() not in (b"content-encoding", b"content-length")]
            scope["headers"].append((b"content-length", str(len(body)).encode()))
        await self.app(scope, _replay(bytes(body), receive), send)


_TOO_LARGE = "请求内容超过 1 MiB，请分批上传（每批最多 100 条修改）。"


def _replay(body: bytes, original: Any) -> Any:
    """The buffered body once, then the real channel (which reports a disconnect)."""
    sent = False

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if sent:
            return await original()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return receive


async def _reject(send: Any, status: int, code: str, message: str) -> None:
    payload = json.dumps({"error": {"code": code, "message": message,
                                    "details": {"limit_bytes": MAX_BODY_BYTES}}},
                         ensure_ascii=False).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(payload)).encode())]})
    await send({"type": "http.response.body", "body": payload})
