"""Fixtures for the district server tests: a real server on 127.0.0.1 (see server_fixture)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.district.server_fixture import (
    FURONG,
    DistrictServer,
    auth_headers,
    running_district,
)


@pytest.fixture
def district(tmp_path: Path) -> Iterator[DistrictServer]:
    with running_district(tmp_path) as server:
        yield server


class Api:
    """A tiny enrolled client: the headers and the calls tests repeat."""

    def __init__(self, server: DistrictServer, enrolment: dict[str, Any]) -> None:
        self.server, self.enrolment = server, enrolment
        self.client_id: str = enrolment["client_id"]
        self.token: str = enrolment["access_token"]
        self.http = httpx.Client(base_url=server.url, timeout=30)
        self.next_id = enrolment["last_mutation_id"] + 1

    @property
    def headers(self) -> dict[str, str]:
        return auth_headers(self.token)

    def push(self, mutations: list[dict[str, Any]]) -> httpx.Response:
        return self.http.post("/api/push", headers=self.headers,
                              json={"client_id": self.client_id, "mutations": mutations})

    def mutation(self, table: str, record_id: str, fields: dict[str, Any], *,
                 op: str = "upsert", base_version: int = 0, **extra: Any) -> dict[str, Any]:
        mutation = {"id": self.next_id, "table": table, "record_id": record_id, "op": op,
                    "base_version": base_version, "fields": fields, **extra}
        self.next_id += 1
        return mutation

    def pull(self, cursor: str | None = None, limit: int = 500) -> dict[str, Any]:
        params: dict[str, Any] = {"limit": limit}
        if cursor:
            params["cursor"] = cursor
        response = self.http.get("/api/pull", headers=self.headers, params=params)
        assert response.status_code == 200, response.text
        return response.json()

    def pull_all(self, cursor: str | None = None, limit: int = 500) -> dict[tuple[str, str], Any]:
        """Every record the street sees, latest version per (table, id)."""
        seen: dict[tuple[str, str], Any] = {}
        while True:
            page = self.pull(cursor, limit)
            for change in page["changes"]:
                key = (change["table"], change["id"])
                if key not in seen or seen[key]["version"] < change["version"]:
                    seen[key] = change
            cursor = page["cursor"]
            if not page["has_more"]:
                return seen


@pytest.fixture
def enrolled(district: DistrictServer) -> Api:
    return Api(district, district.enroll(FURONG))
