"""Start the real reference district server on 127.0.0.1 for tests (reusable).

Two ways, both serving real HTTP on a free loopback port:

- ``running_district(tmp_path, demo=True, access_token_ttl=900)`` — a context manager
  that runs uvicorn in a background thread of the test process (fast: ~0.3 s). The
  returned ``DistrictServer`` has ``.url``, ``.admin_token``, ``.server`` (the
  ``district.server.Server``: ``.db`` for direct inspection) and ``.admin(method, path,
  json=...)`` for district-side edits.
- ``district_process(tmp_path, demo=True, access_token_ttl=900)`` — the same server as
  a separate ``python -m district.cli`` process (``.process``), for tests that kill or
  restart the server (SIGKILL, "500 after commit" through a proxy, restart on the same
  database: pass the same ``db_path``).

Pytest fixtures built on them live in tests/district/conftest.py (``district`` = thread
server with demo data; ``enrolled`` = a demo enrolment of 芙蓉街道). A client test
elsewhere can do ``from tests.district.server_fixture import running_district``.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

FURONG = "430102007000"  # the street ``subcenter demo`` builds
OTHER_STREET = "430102001000"  # 文艺路街道 (demo)
VERSION_HEADERS = {"X-Protocol-Version": "1", "X-Schema-Version": "1"}
ADMIN_TOKEN = "test-admin-token"


@dataclass
class DistrictServer:
    url: str
    admin_token: str
    db_url: str
    server: Any = None  # district.server.Server (thread mode only)
    process: subprocess.Popen[bytes] | None = None
    _http: httpx.Client = field(default_factory=lambda: httpx.Client(timeout=30))

    def admin(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self.admin_token}"}
        return self._http.request(method, self.url + path, headers=headers, **kwargs)

    def enroll(self, street: str = FURONG, client_id: str | None = None,
               user: str = "demo", password: str = "demo-password") -> dict[str, Any]:
        body: dict[str, Any] = {"street_code": street, "user": user, "password": password}
        if client_id:
            body["client_id"] = client_id
        response = self._http.post(self.url + "/api/enroll", json=body, headers=VERSION_HEADERS)
        response.raise_for_status()
        return response.json()


def auth_headers(access_token: str) -> dict[str, str]:
    return {**VERSION_HEADERS, "Authorization": f"Bearer {access_token}"}


def _free_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


def free_port() -> int:
    with _free_socket() as sock:
        return sock.getsockname()[1]


@contextmanager
def running_district(tmp_path: Path, *, demo: bool = True, access_token_ttl: int = 900,
                     db_path: Path | None = None) -> Iterator[DistrictServer]:
    """The server in a background thread of this process (see the module docstring)."""
    import uvicorn

    from district.app import create_app
    from district.demo import seed_demo
    from district.server import Server, Settings

    db_url = f"sqlite:///{db_path or tmp_path / 'district.db'}"
    server = Server(Settings(db_url=db_url, files_dir=tmp_path / "district-files",
                             admin_token=ADMIN_TOKEN, access_token_ttl=access_token_ttl,
                             demo=demo))
    if demo:
        seed_demo(server.db)
    sock = _free_socket()
    port = sock.getsockname()[1]
    config = uvicorn.Config(create_app(server=server), log_level="warning",
                            timeout_graceful_shutdown=1, lifespan="on")
    uv = uvicorn.Server(config)
    thread = threading.Thread(target=uv.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not uv.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the district server did not start")
        time.sleep(0.02)
    try:
        yield DistrictServer(url=f"http://127.0.0.1:{port}", admin_token=ADMIN_TOKEN,
                             db_url=db_url, server=server)
    finally:
        uv.should_exit = True
        thread.join(timeout=10)
        sock.close()


@contextmanager
def district_process(tmp_path: Path, *, demo: bool = True, access_token_ttl: int = 900,
                     db_path: Path | None = None, port: int | None = None
                     ) -> Iterator[DistrictServer]:
    """The server as its own process (``python -m district.cli``), killed at the end."""
    port = port or free_port()
    db_url = f"sqlite:///{db_path or tmp_path / 'district.db'}"
    args = [sys.executable, "-m", "district.cli", "--host", "127.0.0.1", "--port", str(port),
            "--db", db_url, "--files", str(tmp_path / "district-files"),
            "--admin-token", ADMIN_TOKEN, "--access-token-ttl", str(access_token_ttl)]
    if demo:
        args.append("--demo")
    root = Path(__file__).resolve().parents[2]
    process = subprocess.Popen(args, cwd=root, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL,
                               env={**os.environ, "PYTHONPATH": str(root)})
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while True:
        try:
            if httpx.get(url + "/api/hello", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline or process.poll() is not None:
            process.kill()
            raise RuntimeError("the district server process did not start")
        time.sleep(0.05)
    try:
        yield DistrictServer(url=url, admin_token=ADMIN_TOKEN, db_url=db_url, process=process)
    finally:
        process.kill()
        process.wait(timeout=10)
