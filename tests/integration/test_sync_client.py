"""The sync client's edges against the real reference server on 127.0.0.1: token
expiry, a version mismatch, the command line's exit codes, the keyring fallback file,
and a first download interrupted and resumed from its saved cursor."""

from __future__ import annotations

import asyncio
import os
import stat
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from desktop.cli import main
from desktop.domain.errors import CancelledError
from desktop.progress import CancelToken
from desktop.sync import client as client_module
from desktop.sync.client import Connection, DistrictClient, RetryPolicy, VersionMismatchError
from desktop.sync.commands import sync_setup, token_store
from desktop.sync.engine import run_once
from desktop.sync.tokens import FALLBACK_FILE
from tests.district.server_fixture import FURONG, DistrictServer, running_district
from tests.integration.sync_helpers import (
    DEMO_PASSWORD,
    DEMO_USER,
    enroll_folder,
    query,
    sync,
    synced_context,
)


@pytest.fixture
def district(tmp_path: Path) -> Iterator[DistrictServer]:
    (tmp_path / "district").mkdir()
    with running_district(tmp_path / "district") as server:
        yield server


@pytest.fixture
def short_lived(tmp_path: Path) -> Iterator[DistrictServer]:
    """A server whose access tokens live one second."""
    (tmp_path / "short").mkdir()
    with running_district(tmp_path / "short", access_token_ttl=1) as server:
        yield server


class Recorder(httpx.AsyncBaseTransport):
    """The real transport, remembering each (method, path, status)."""

    def __init__(self) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.calls: list[tuple[str, str, int]] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        self.calls.append((request.method, request.url.path, response.status_code))
        return response

    async def aclose(self) -> None:
        await self.inner.aclose()


def test_an_expired_access_token_is_refreshed_once_and_the_call_repeated(
        short_lived: DistrictServer, tmp_path: Path) -> None:
    district = short_lived
    context = enroll_folder(tmp_path / "pc1", district.url, FURONG)
    expired = district.enroll(FURONG)["access_token"]
    time.sleep(2.1)  # 1-second tokens here, issued times rounded up: they live 1 to 2 s
    recorder = Recorder()

    async def pull() -> dict:
        async with DistrictClient(Connection(district.url), refresh_token=token_store(context).load,
                                  transport=recorder) as client:
            client._access = expired  # what a long-running app holds after 15 minutes
            return await client.pull(None, 10)

    page = asyncio.run(pull())

    assert page["changes"]
    assert recorder.calls == [("GET", "/api/pull", 401), ("POST", "/api/token", 200),
                              ("GET", "/api/pull", 200)]


def test_a_protocol_version_mismatch_stops_with_a_chinese_reason(
        district: DistrictServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    context = enroll_folder(tmp_path / "pc1", district.url, FURONG)
    monkeypatch.setattr(client_module, "PROTOCOL_VERSION", 2)

    with pytest.raises(VersionMismatchError, match="同步协议版本不一致"):
        sync(context)
    assert "升级" in query(context, "select last_error from sync_state")[0][0]

    # and when the server is the one to notice (no hello first): 426 → the same stop
    async def push() -> None:
        async with DistrictClient(Connection(district.url),
                                  refresh_token=token_store(context).load) as client:
            await client.push("x", [])

    with pytest.raises(VersionMismatchError, match="版本"):
        asyncio.run(push())


def test_the_sync_command_exit_codes(district: DistrictServer, tmp_path: Path,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    home = str(tmp_path / "cli")
    assert main(["--home", home, "enroll", "--server", district.url, "--street", FURONG,
                 "--user", DEMO_USER, "--password", DEMO_PASSWORD]) == 0
    assert "芙蓉街道" in capsys.readouterr().out
    assert main(["--home", home, "sync"]) == 0
    assert "同步完成" in capsys.readouterr().out

    assert main(["--home", home, "enroll", "--server", district.url, "--street", FURONG,
                 "--user", DEMO_USER, "--password", "wrong"]) == 1
    assert "密码" in capsys.readouterr().err

    empty = str(tmp_path / "never-enrolled")
    assert main(["--home", empty, "init", "--street", "测试街道", "--code", FURONG,
                 "--authority", "测试街道办事处", "--prefix", "测街"]) == 0
    capsys.readouterr()
    assert main(["--home", empty, "sync"]) == 1
    assert "尚未在区级平台注册" in capsys.readouterr().err


def test_an_unreachable_server_fails_the_run_and_keeps_the_outbox(tmp_path: Path,
                                                                 capsys) -> None:  # type: ignore[no-untyped-def]
    root = tmp_path / "district"
    root.mkdir()
    with running_district(root) as server:
        context = enroll_folder(tmp_path / "pc1", server.url, FURONG)
    from tests.integration.test_sync_round_trip import _add_grid  # a change to keep

    _add_grid(context)
    setup = sync_setup(context, retry=RetryPolicy(attempts=2, base_delay=0.01))
    with pytest.raises(client_module.SyncError, match="无法连接区级平台"):
        asyncio.run(run_once(setup))
    assert query(context, "select count(*) from sync_outbox where state in ('pending','sent')"
                 )[0][0] == 2
    assert query(context, "select result from sync_run order by id desc limit 1") == [("failed",)]


def test_the_refresh_token_falls_back_to_a_file_only_the_user_can_read(
        district: DistrictServer, tmp_path: Path) -> None:
    import keyring

    assert "fail" in type(keyring.get_keyring()).__module__  # this headless test machine
    context = enroll_folder(tmp_path / "pc1", district.url, FURONG)
    secret = context.paths.root / FALLBACK_FILE
    assert secret.exists()
    assert stat.S_IMODE(os.stat(secret).st_mode) == 0o600
    token = secret.read_text(encoding="utf-8")
    assert token and token == token_store(context).load()
    assert token.encode() not in context.paths.database.read_bytes()  # never in the DB


def test_an_interrupted_first_download_resumes_from_its_saved_cursor(
        district: DistrictServer, tmp_path: Path) -> None:
    context = synced_context(tmp_path / "pc1")
    from desktop.sync.commands import enroll

    setup = sync_setup(context, page_size=4)
    asyncio.run(enroll(setup, actor=context.actor, server=district.url, street=FURONG,
                       user=DEMO_USER, password=DEMO_PASSWORD))
    total = len(__import__("tests.district.conftest", fromlist=["Api"]).Api(
        district, district.enroll(FURONG)).pull_all())
    cancel = CancelToken()
    pages: list[int] = []

    def stop_after_two_pages(done: int, _total: int, text: str) -> None:
        if text.startswith("正在下载"):
            pages.append(done)
            if len(pages) == 2:
                cancel.cancel()

    with pytest.raises(CancelledError):
        asyncio.run(run_once(setup, progress=stop_after_two_pages, cancel=cancel))
    saved = query(context, "select pulled_records, initial_pull_done, pull_cursor from sync_state")
    assert saved[0][0] == 8 and saved[0][1] == 0 and saved[0][2]

    resumed: list[int] = []
    summary = asyncio.run(run_once(setup, progress=lambda d, t, x: resumed.append(d)))

    assert summary.complete
    assert resumed[0] == 12  # the first page after the saved cursor, not the first page
    assert query(context, "select pulled_records, initial_pull_done from sync_state") == [
        (total, 1)]


def test_busy_answers_are_retried_after_the_servers_retry_after_with_backoff() -> None:
    """A 503 with Retry-After, a dropped connection, then the answer: two waits, the
    first at least what the server asked, the second random but bounded (jitter)."""
    answers = iter([httpx.Response(503, headers={"Retry-After": "3"},
                                   json={"error": {"code": "busy", "message": "忙"}}),
                    httpx.ConnectError("dropped"),
                    httpx.Response(200, json={"changes": [], "cursor": "c", "has_more": False})])

    def handler(request: httpx.Request) -> httpx.Response:
        answer = next(answers)
        if isinstance(answer, Exception):
            raise answer
        return answer

    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    async def pull() -> dict:
        async with DistrictClient(Connection("https://district.example"), refresh_token=lambda: "r",
                                  retry=RetryPolicy(attempts=5, base_delay=0.5, max_delay=30),
                                  sleep=sleep, transport=httpx.MockTransport(handler)) as client:
            client._access = "a"
            return await client.pull(None, 10)

    assert asyncio.run(pull())["cursor"] == "c"
    assert waits[0] >= 3 and 0 <= waits[1] <= 1.0  # base·2¹ = 1 s ceiling on the 2nd try
