"""The ``subcenter-district`` command as its own process; a poison mutation."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

import district.push
from desktop.domain.ids import new_id
from tests.district.conftest import Api
from tests.district.server_fixture import FURONG, auth_headers, district_process


def test_command_starts_with_demo_data_and_a_restart_keeps_everything(tmp_path: Path) -> None:
    db_path = tmp_path / "kept.db"
    with district_process(tmp_path, db_path=db_path) as district:
        assert httpx.get(district.url + "/api/hello").json()["demo"] is True
        enrolment = district.enroll(FURONG)
        grid = new_id()
        pushed = httpx.post(district.url + "/api/push", headers=auth_headers(
            enrolment["access_token"]), json={"client_id": enrolment["client_id"], "mutations": [
                {"id": 1, "table": "grid", "record_id": grid, "op": "upsert",
                 "fields": {"name": "重启前"}}]})
        assert pushed.json()["results"][0]["status"] == "applied"
        page = httpx.get(district.url + "/admin", params={"token": district.admin_token})
        assert page.status_code == 200 and "芙蓉街道" in page.text
    with district_process(tmp_path, db_path=db_path) as district:  # SIGKILLed, restarted
        headers = auth_headers(enrolment["access_token"])  # the signing key survived
        changes = httpx.get(district.url + "/api/pull", params={"limit": 1000},
                            headers=headers).json()["changes"]
        assert [c["fields"]["name"] for c in changes if c["id"] == grid] == ["重启前"]
        orders = [c for c in changes if c["table"] == "demand"]
        assert len(orders) == 3  # the demo was not seeded twice


def test_a_mutation_that_crashes_the_server_is_rejected_and_never_blocks(
        enrolled: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    real = district.push._dispatch

    def crashing(w, p, m):  # type: ignore[no-untyped-def]
        if m.table == "grid" and m.fields.get("poison"):
            raise RuntimeError("boom")
        return real(w, p, m)

    monkeypatch.setattr(district.push, "_dispatch", crashing)
    poison, good = new_id(), new_id()
    results = enrolled.push([enrolled.mutation("grid", poison, {"poison": True}),
                             enrolled.mutation("grid", good, {"name": "正常"})]).json()["results"]
    assert [(r["status"], r["code"]) for r in results] == [("rejected", "internal_error"),
                                                           ("applied", "")]
    seen = enrolled.pull_all()
    assert ("grid", poison) not in seen and ("grid", good) in seen
