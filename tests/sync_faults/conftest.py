"""Fixtures of the sync fault suite: the real reference district server on 127.0.0.1
(uvicorn in a thread, SQLite file), the fault proxy in front of it, and enrolled
installs. Nothing is mocked: the client speaks HTTP to the proxy, the proxy to the
server, and both sides keep real SQLite files in tmp_path."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.district.server_fixture import FURONG, DistrictServer, running_district
from tests.sync_faults.fault_proxy import FaultProxy
from tests.sync_faults.harness import KEYRING_ENV, Install, enroll


@pytest.fixture(autouse=True)
def _file_keyring(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The same token store in the test process and the `subcenter` subprocesses."""
    for name, value in KEYRING_ENV.items():
        monkeypatch.setenv(name, value)
    import keyring
    import keyring.backends.fail

    previous = keyring.get_keyring()
    keyring.set_keyring(keyring.backends.fail.Keyring())
    yield
    keyring.set_keyring(previous)


@pytest.fixture
def district(tmp_path: Path) -> Iterator[DistrictServer]:
    folder = tmp_path / "district"
    folder.mkdir()
    with running_district(folder) as server:
        yield server


@pytest.fixture
def proxy(district: DistrictServer) -> Iterator[FaultProxy]:
    with FaultProxy(district.url) as running:
        yield running


@pytest.fixture
def make_install(tmp_path: Path, proxy: FaultProxy
                 ) -> Iterator[Callable[..., Install]]:
    """``make_install("pc1")``: an empty folder enrolled in 芙蓉街道 through the proxy
    (its first download done)."""
    made: list[Install] = []

    def make(name: str, *, url: str | None = None, street: str = FURONG) -> Install:
        install = enroll(tmp_path / name, url or proxy.url, street)
        made.append(install)
        return install

    yield make
    for install in made:
        install.close()
