"""The fault proxy itself, against a tiny stub HTTP server that counts what reaches it:
each fault must do exactly what it says (otherwise the fault suite proves nothing)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from tests.sync_faults.fault_proxy import FaultProxy

pytestmark = pytest.mark.timeout(60)


class Stub(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.seen: list[tuple[str, str, bytes]] = []
        self.lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: Stub

    def _answer(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        with self.server.lock:
            self.server.seen.append((self.command, self.path, body))
            count = len(self.server.seen)
        if self.path.startswith("/slow"):
            time.sleep(0.3)
        data = json.dumps({"count": count, "path": self.path,
                           "echo": body.decode(errors="replace")}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("X-Stub", "yes")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = _answer

    def log_message(self, *_args: object) -> None:
        pass


@pytest.fixture
def stub() -> Iterator[Stub]:
    server = Stub()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def proxy(stub: Stub) -> Iterator[FaultProxy]:
    with FaultProxy(stub.url) as running:
        yield running


def _client(proxy: FaultProxy) -> httpx.Client:
    return httpx.Client(base_url=proxy.url, timeout=10)


def test_without_rules_requests_pass_through_unchanged(stub: Stub, proxy: FaultProxy) -> None:
    with _client(proxy) as http:
        first = http.post("/api/push?x=1", content=b'{"a": "\xe4\xb8\xad"}')
        second = http.get("/api/pull")
    assert first.status_code == 200 and first.headers["X-Stub"] == "yes"
    assert first.json()["echo"] == '{"a": "中"}' and first.json()["path"] == "/api/push?x=1"
    assert second.json()["count"] == 2
    assert [(m, p) for m, p, _ in stub.seen] == [("POST", "/api/push?x=1"), ("GET", "/api/pull")]
    assert [e.action for e in proxy.entries()] == ["forward", "forward"]


def test_drop_before_never_reaches_the_server(stub: Stub, proxy: FaultProxy) -> None:
    rule = proxy.add("drop_before", "POST", "/api/push")
    with _client(proxy) as http, pytest.raises(httpx.TransportError):
        http.post("/api/push", content=b"x")
    assert stub.seen == [] and rule.fired == 1 and rule.reached.is_set()
    assert proxy.entries()[0].status is None


def test_drop_after_reaches_the_server_and_loses_the_answer(stub: Stub, proxy: FaultProxy) -> None:
    proxy.add("drop_after", "POST", "/api/push")
    with _client(proxy) as http:
        with pytest.raises(httpx.TransportError):
            http.post("/api/push", content=b"x")
        assert http.post("/api/push", content=b"y").status_code == 200  # only the first
    assert [body for _m, _p, body in stub.seen] == [b"x", b"y"]


def test_error_before_and_after(stub: Stub, proxy: FaultProxy) -> None:
    proxy.add("error_before", "GET", "/a")
    proxy.add("error_after", "GET", "/b", status=503)
    with _client(proxy) as http:
        assert http.get("/a").status_code == 500
        answer = http.get("/b")
    assert answer.status_code == 503 and answer.json()["error"]["code"] == "proxy_fault"
    assert [p for _m, p, _b in stub.seen] == ["/b"]


def test_nth_and_times_pick_the_occurrences(stub: Stub, proxy: FaultProxy) -> None:
    proxy.add("error_before", "GET", "/x", nth=2, times=2)
    with _client(proxy) as http:
        statuses = [http.get("/x").status_code for _ in range(5)]
        other = http.get("/y").status_code
    assert statuses == [200, 500, 500, 200, 200] and other == 200
    assert len(stub.seen) == 4


def test_duplicate_sends_the_request_twice(stub: Stub, proxy: FaultProxy) -> None:
    proxy.add("duplicate", "POST", "/api/push")
    with _client(proxy) as http:
        answer = http.post("/api/push", content=b"once")
    assert answer.json()["count"] == 1  # the client gets the first answer
    assert [b for _m, _p, b in stub.seen] == [b"once", b"once"]
    assert proxy.entries()[0].upstream == 2


def test_delay_and_hold_after(stub: Stub, proxy: FaultProxy) -> None:
    proxy.add("delay", "GET", "/d", seconds=0.4)
    hold = proxy.add("hold_after", "GET", "/h", seconds=0.4)
    with _client(proxy) as http:
        started = time.monotonic()
        http.get("/d")
        assert time.monotonic() - started >= 0.4
        with ThreadPoolExecutor(1) as pool:
            future = pool.submit(http.get, "/h")
            assert hold.reached.wait(5)
            time.sleep(0.1)
            assert [p for _m, p, _b in stub.seen] == ["/d", "/h"]  # applied, answer held
            assert not future.done()
            assert future.result(5).status_code == 200


def test_replay_later_sends_an_old_request_after_the_next_one(stub: Stub,
                                                              proxy: FaultProxy) -> None:
    proxy.add("replay_later", "POST", "/api/push")
    with _client(proxy) as http:
        http.post("/api/push", content=b"first")
        http.post("/api/push", content=b"second")
    assert [b for _m, _p, b in stub.seen] == [b"first", b"second", b"first"]
    assert [e.action for e in proxy.entries()] == ["replay_later", "forward", "replayed"]


def test_reorder_lets_a_later_concurrent_request_overtake(stub: Stub, proxy: FaultProxy) -> None:
    rule = proxy.add("reorder", "POST", "/api/push", seconds=5)
    with ThreadPoolExecutor(2) as pool:
        first = pool.submit(lambda: _client(proxy).post("/api/push", content=b"first"))
        assert rule.reached.wait(5)
        second = pool.submit(lambda: _client(proxy).post("/api/push", content=b"second"))
        assert first.result(10).status_code == second.result(10).status_code == 200
    assert [b for _m, _p, b in stub.seen] == [b"second", b"first"]


def test_reorder_of_a_lone_request_is_only_a_delay(stub: Stub, proxy: FaultProxy) -> None:
    proxy.add("reorder", "POST", "/api/push", seconds=0.3)
    with _client(proxy) as http:
        assert http.post("/api/push", content=b"alone").status_code == 200
    assert len(stub.seen) == 1


def test_wait_for_sees_finished_requests(stub: Stub, proxy: FaultProxy) -> None:
    with _client(proxy) as http:
        http.get("/slow")
    assert len(proxy.wait_for(1, "GET", "/slow", timeout=2)) == 1
    with pytest.raises(TimeoutError):
        proxy.wait_for(2, "GET", "/slow", timeout=0.2)
