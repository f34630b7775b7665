"""A small HTTP fault proxy on 127.0.0.1 for the sync fault suite (Jepsen-style).

The client is enrolled with the proxy's URL as its server URL; the proxy forwards each
request to the real district server and, for requests that match a ``Rule``
(method + path prefix + which occurrence), injects a fault instead of or around the
forwarding:

- ``drop_before``  close the client's connection; the server never sees the request;
- ``drop_after``   forward, let the server commit, then close the client's connection
                   without an answer (the answer is lost);
- ``error_before`` answer 500 without forwarding;
- ``error_after``  forward (the server commits), then answer 500 instead;
- ``delay``        wait ``seconds`` before forwarding;
- ``stall``        wait ``seconds``, then drop the connection, never forwarding (a hung
                   network: the window in which a test kills a client mid-request);
- ``hold_after``   forward, then wait ``seconds`` before answering (a window in which a
                   test can SIGKILL a client whose request the server already applied);
- ``duplicate``    send the same request twice to the server, answer with the first;
- ``reorder``      hold the request until the next request matching the same rule has
                   been answered (or ``seconds`` passed), then forward it: with two
                   concurrent clients the server sees them in the other order;
- ``replay_later`` forward now, and send a copy again right after the next request
                   matching the rule has been answered: an old request arriving after a
                   newer one (what a reordering network does to a sequential client);
- ``cut_after``    forward, then send the client the answer's head and only the first
                   half of its body, and close (a download broken mid-stream).

Every rule has ``reached`` (a threading.Event set when it fires) and ``fired`` (a
count), so a test can wait for the fault and also assert that it really happened.
The proxy answers every forwarded request with ``Connection: close``: one TCP
connection per request keeps the byte-level pass-through simple and exact.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

ACTIONS = frozenset({"drop_before", "drop_after", "error_before", "error_after", "delay", "stall",
                     "hold_after", "duplicate", "reorder", "replay_later", "cut_after"})
ERROR_BODY = (b'{"error":{"code":"proxy_fault","message":"\xe6\xa8\xa1\xe6\x8b\x9f\xe7\x9a\x84'
              b'\xe6\x9c\x8d\xe5\x8a\xa1\xe5\x99\xa8\xe9\x94\x99\xe8\xaf\xaf","details":{}}}')


@dataclass
class Request:
    method: str
    target: str  # path with query, as sent
    headers: list[tuple[str, str]]
    body: bytes

    @property
    def path(self) -> str:
        return self.target.split("?", 1)[0]


@dataclass
class Rule:
    """Fault ``action`` for occurrences ``nth`` … ``nth + times - 1`` (``times=0``: all
    from ``nth`` on) of requests whose method and path prefix match."""

    action: str
    method: str = "*"
    path: str = "/"
    nth: int = 1
    times: int = 1
    seconds: float = 0.0
    status: int = 500
    seen: int = 0
    fired: int = 0
    reached: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self) -> None:
        if self.action not in ACTIONS:
            raise ValueError(f"unknown fault action {self.action!r}")

    def matches(self, request: Request) -> bool:
        return (self.method in ("*", request.method)) and request.path.startswith(self.path)

    def hits(self) -> bool:
        """Count one matching request; True when this occurrence gets the fault."""
        self.seen += 1
        last = None if self.times == 0 else self.nth + self.times - 1
        return self.seen >= self.nth and (last is None or self.seen <= last)


@dataclass(frozen=True)
class Entry:
    """One request as the proxy saw it: what it did and what the client got."""

    method: str
    path: str
    target: str  # path with the query string (e.g. the pull cursor)
    action: str  # "forward" when no fault applied
    status: int | None  # status the client received (None: connection dropped)
    upstream: int  # how many times it was sent to the server
    at: float


class FaultProxy:
    """``with FaultProxy(server_url) as proxy:`` … ``proxy.url`` is what the client uses."""

    def __init__(self, upstream: str) -> None:
        parts = urlsplit(upstream)
        self.upstream_host = parts.hostname or "127.0.0.1"
        self.upstream_port = parts.port or 80
        self.rules: list[Rule] = []
        self.log: list[Entry] = []
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server: asyncio.AbstractServer | None = None
        self._thread: threading.Thread | None = None
        self._waiters: dict[int, list[asyncio.Event]] = {}  # rule id → held requests
        self._replays: dict[int, list[Request]] = {}
        # strong references: a handler whose client died must still finish (asyncio
        # would otherwise garbage-collect the pending task with its transport)
        self._tasks: set[asyncio.Task[None]] = set()
        self.port = 0

    # --- life cycle ---------------------------------------------------------------
    def __enter__(self) -> FaultProxy:
        self.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    def start(self) -> None:
        started = threading.Event()

        def run() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            self._server = loop.run_until_complete(
                asyncio.start_server(self._connection, "127.0.0.1", 0))
            self.port = self._server.sockets[0].getsockname()[1]
            started.set()
            loop.run_forever()
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.close()

        self._thread = threading.Thread(target=run, name="fault-proxy", daemon=True)
        self._thread.start()
        if not started.wait(10):
            raise RuntimeError("the fault proxy did not start")

    def stop(self) -> None:
        loop, server = self._loop, self._server
        if loop is None or server is None:
            return

        async def shutdown() -> None:
            server.close()
            for task in asyncio.all_tasks():
                if task is not asyncio.current_task():
                    task.cancel()

        asyncio.run_coroutine_threadsafe(shutdown(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        if self._thread:
            self._thread.join(10)
        self._loop = self._server = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    # --- rules and observations -----------------------------------------------------
    def add(self, action: str, method: str = "*", path: str = "/", *, nth: int = 1,
            times: int = 1, seconds: float = 0.0, status: int = 500) -> Rule:
        rule = Rule(action, method, path, nth=nth, times=times, seconds=seconds, status=status)
        with self._lock:
            self.rules.append(rule)
        return rule

    def clear(self) -> None:
        with self._lock:
            self.rules.clear()

    def entries(self, method: str = "*", path: str = "/") -> list[Entry]:
        with self._lock:
            return [e for e in self.log
                    if method in ("*", e.method) and e.path.startswith(path)]

    def wait_for(self, count: int, method: str = "*", path: str = "/",
                 timeout: float = 20.0) -> list[Entry]:
        """Block until ``count`` matching requests have finished at the proxy."""
        deadline = time.monotonic() + timeout
        while True:
            found = self.entries(method, path)
            if len(found) >= count:
                return found
            if time.monotonic() > deadline:
                raise TimeoutError(f"only {len(found)} of {count} {method} {path} requests")
            time.sleep(0.01)

    def _pick(self, request: Request) -> Rule | None:
        with self._lock:
            chosen = None
            for rule in self.rules:
                if rule.matches(request) and rule.hits() and chosen is None:
                    rule.fired += 1
                    chosen = rule
            return chosen

    def _record(self, request: Request, action: str, status: int | None, upstream: int) -> None:
        with self._lock:
            self.log.append(Entry(request.method, request.path, request.target, action,
                                  status, upstream, time.monotonic()))

    # --- the per-connection loop ----------------------------------------------------
    async def _connection(self, reader: asyncio.StreamReader,
                          writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        if task is not None:
            self._tasks.add(task)
        try:
            request = await _read_request(reader)
            if request is not None:
                answer = await self._serve(request)
                if answer is not None:
                    writer.write(answer)
                    await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.CancelledError):
            pass  # the client went away, or the proxy is stopping
        finally:
            writer.close()
            self._tasks.discard(task)  # type: ignore[arg-type]

    async def _serve(self, request: Request) -> bytes | None:
        rule = self._pick(request)
        action = rule.action if rule else "forward"
        if rule is not None:
            rule.reached.set()
        answer, sent = await self._apply(rule, request)
        status = _status_of(answer) if answer is not None else None
        self._record(request, action, status, sent)
        await self._after_answer(request)
        return answer

    async def _apply(self, rule: Rule | None, request: Request) -> tuple[bytes | None, int]:
        if rule is None:
            return await self._forward(request), 1
        kind = rule.action
        if kind == "drop_before":
            return None, 0
        if kind == "error_before":
            return _error(rule.status), 0
        if kind == "stall":
            await asyncio.sleep(rule.seconds)
            return None, 0
        if kind == "delay":
            await asyncio.sleep(rule.seconds)
            return await self._forward(request), 1
        if kind == "reorder":
            held = asyncio.Event()
            self._waiters.setdefault(id(rule), []).append(held)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(held.wait(), rule.seconds or 5.0)
            return await self._forward(request), 1
        answer = await self._forward(request)
        if kind == "drop_after":
            return None, 1
        if kind == "error_after":
            return _error(rule.status), 1
        if kind == "cut_after":
            head, sep, body = answer.partition(b"\r\n\r\n")
            return head + sep + body[:len(body) // 2], 1
        if kind == "hold_after":
            await asyncio.sleep(rule.seconds)
            return answer, 1
        if kind == "duplicate":
            await self._forward(request)
            return answer, 2
        self._replays.setdefault(id(rule), []).append(request)  # replay_later
        return answer, 1

    async def _after_answer(self, request: Request) -> None:
        """Release requests held for reordering and send the delayed copies that were
        waiting for 'the next request of the same rule'."""
        for rule in list(self.rules):
            if not rule.matches(request):
                continue
            for held in self._waiters.pop(id(rule), []):
                held.set()
            copies = self._replays.get(id(rule), [])
            ready = [copy for copy in copies if copy is not request]
            if ready:
                self._replays[id(rule)] = [c for c in copies if c is request]
                for copy in ready:
                    answer = await self._forward(copy)
                    self._record(copy, "replayed", _status_of(answer), 1)

    async def _forward(self, request: Request) -> bytes:
        reader, writer = await asyncio.open_connection(self.upstream_host, self.upstream_port)
        try:
            writer.write(_serialize(request, f"{self.upstream_host}:{self.upstream_port}"))
            await writer.drain()
            answer = await reader.read()  # upstream closes: we asked for Connection: close
        finally:
            writer.close()
        return _close_connection(answer)


# --- HTTP/1.1 framing ------------------------------------------------------------------


async def _read_request(reader: asyncio.StreamReader) -> Request | None:
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError:
        return None
    lines = head.decode("latin-1").split("\r\n")
    method, target, _version = lines[0].split(" ", 2)
    headers = [(k.strip(), v.strip()) for k, v in
               (line.split(":", 1) for line in lines[1:] if ":" in line)]
    names = {k.lower(): v for k, v in headers}
    if names.get("transfer-encoding", "").lower() == "chunked":
        body = await _read_chunked(reader)
        headers = [(k, v) for k, v in headers if k.lower() != "transfer-encoding"]
        headers.append(("Content-Length", str(len(body))))
    else:
        body = await reader.readexactly(int(names.get("content-length", "0") or 0))
    return Request(method, target, headers, body)


async def _read_chunked(reader: asyncio.StreamReader) -> bytes:
    body = b""
    while True:
        size = int((await reader.readuntil(b"\r\n")).split(b";")[0].strip(), 16)
        if size == 0:
            await reader.readuntil(b"\r\n")
            return body
        body += await reader.readexactly(size)
        await reader.readexactly(2)


def _serialize(request: Request, host: str) -> bytes:
    skip = {"connection", "keep-alive", "host", "proxy-connection"}
    lines = [f"{request.method} {request.target} HTTP/1.1", f"Host: {host}"]
    lines += [f"{k}: {v}" for k, v in request.headers if k.lower() not in skip]
    lines.append("Connection: close")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + request.body


def _close_connection(answer: bytes) -> bytes:
    """The upstream answer with ``Connection: close`` (we close after each request)."""
    head, sep, body = answer.partition(b"\r\n\r\n")
    lines = [line for line in head.split(b"\r\n") if not line.lower().startswith(b"connection:")]
    return b"\r\n".join([*lines, b"Connection: close"]) + sep + body


def _status_of(answer: bytes) -> int | None:
    try:
        return int(answer.split(b" ", 2)[1])
    except (IndexError, ValueError):
        return None


def _error(status: int) -> bytes:
    return (f"HTTP/1.1 {status} Fault\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(ERROR_BODY)}\r\nConnection: close\r\n\r\n").encode() + ERROR_BODY
