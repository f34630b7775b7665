"""Enrolment, tokens, versions: over real HTTP against the reference server."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from district.auth import Principal, read_access_token
from district.errors import ApiError
from district.identity import access_token
from tests.district.conftest import Api
from tests.district.server_fixture import (
    FURONG,
    OTHER_STREET,
    VERSION_HEADERS,
    DistrictServer,
    auth_headers,
    running_district,
)


def test_hello_gives_ranges_and_server_time_without_headers(district: DistrictServer) -> None:
    body = httpx.get(district.url + "/api/hello").json()
    assert body["protocol"] == {"min": 1, "max": 1} and body["schema"] == {"min": 1, "max": 1}
    server_time = datetime.fromisoformat(body["server_time"])
    assert abs((server_time - datetime.now(UTC)).total_seconds()) < 5
    assert body["demo"] is True and body["max_mutations"] == 100


def test_enrolment_sets_up_an_empty_client_from_the_server(district: DistrictServer) -> None:
    enrolment = district.enroll(FURONG)
    assert enrolment["street"] == {
        "code": FURONG, "name": "芙蓉街道", "center_name": "芙蓉街道综合指挥分中心",
        "issuing_authority": "长沙市芙蓉区芙蓉街道办事处", "doc_prefix": "芙街"}
    assert enrolment["last_mutation_id"] == 0 and enrolment["refresh_token"].startswith("rt_")
    street = httpx.get(district.url + "/api/street",
                       headers=auth_headers(enrolment["access_token"]))
    assert street.json()["name"] == "芙蓉街道"


def _enroll_raw(district: DistrictServer, **body: str) -> httpx.Response:
    return httpx.post(district.url + "/api/enroll", headers=VERSION_HEADERS,
                      json={"street_code": FURONG, "user": "demo", "password": "demo-password"}
                      | body)


def test_wrong_password_and_unknown_street_are_refused_in_chinese(
        district: DistrictServer) -> None:
    wrong = _enroll_raw(district, password="nope")
    assert wrong.status_code == 401 and wrong.json()["error"]["code"] == "bad_credentials"
    assert "密码不正确" in wrong.json()["error"]["message"]
    unknown = _enroll_raw(district, street_code="999999999999")
    assert unknown.status_code == 404 and unknown.json()["error"]["code"] == "street_not_found"


def test_created_street_user_enrols_outside_demo(tmp_path: Path) -> None:
    with running_district(tmp_path, demo=False) as district:
        created = district.admin("POST", "/admin/api/streets", json={
            "code": "430102099000", "name": "测试街道", "center_name": "测试街道综合指挥分中心",
            "issuing_authority": "测试街道办事处", "doc_prefix": "测街",
            "user": "zhang", "password": "s3cret-pass"})
        assert created.status_code == 200, created.text
        assert district.enroll("430102099000", user="zhang", password="s3cret-pass")["client_id"]
        refused = _enroll_raw(district, street_code="430102099000")  # demo/demo-password
        assert refused.status_code == 401


def test_reenrolment_keeps_the_mutation_counter_and_street_binding(
        enrolled: Api, district: DistrictServer) -> None:
    enrolled.push([enrolled.mutation("grid", "01900000-0000-7000-8000-000000000001",
                                     {"name": "一网格"})])
    again = district.enroll(FURONG, client_id=enrolled.client_id)
    assert again["client_id"] == enrolled.client_id and again["last_mutation_id"] == 1
    elsewhere = _enroll_raw(district, street_code=OTHER_STREET, client_id=enrolled.client_id)
    assert elsewhere.status_code == 409
    assert elsewhere.json()["error"]["code"] == "client_other_street"


def test_access_token_expires_and_refresh_gives_a_new_one(tmp_path: Path) -> None:
    with running_district(tmp_path, access_token_ttl=1) as district:
        enrolment = district.enroll(FURONG)
        ok = httpx.get(district.url + "/api/street", headers=auth_headers(enrolment["access_token"]))
        assert ok.status_code == 200
        time.sleep(2.1)  # issued times round up to the second: it lives 1 to 2 s
        expired = httpx.get(district.url + "/api/street",
                            headers=auth_headers(enrolment["access_token"]))
        assert expired.status_code == 401 and expired.json()["error"]["code"] == "token_expired"
        fresh = httpx.post(district.url + "/api/token", headers=VERSION_HEADERS,
                           json={"refresh_token": enrolment["refresh_token"]})
        assert fresh.status_code == 200 and fresh.json()["access_expires_in"] == 1
        again = httpx.get(district.url + "/api/street",
                          headers=auth_headers(fresh.json()["access_token"]))
        assert again.status_code == 200


def test_forged_or_missing_tokens_are_refused(district: DistrictServer) -> None:
    enrolment = district.enroll(FURONG)
    payload, _signature = enrolment["access_token"].split(".")
    forged = httpx.get(district.url + "/api/street", headers=auth_headers(payload + ".AAAA"))
    assert forged.json()["error"]["code"] == "token_invalid"
    missing = httpx.get(district.url + "/api/street", headers=VERSION_HEADERS)
    assert missing.status_code == 401 and missing.json()["error"]["code"] == "not_authenticated"
    bad_refresh = httpx.post(district.url + "/api/token", headers=VERSION_HEADERS,
                             json={"refresh_token": "rt_unknown"})
    assert bad_refresh.status_code == 401


def test_version_mismatch_is_refused_with_a_chinese_reason(enrolled: Api) -> None:
    headers = enrolled.headers
    newer = enrolled.http.get("/api/street", headers=headers | {"X-Protocol-Version": "2"})
    assert newer.status_code == 426
    assert newer.json()["error"]["code"] == "protocol_unsupported"
    assert newer.json()["error"]["details"]["supported"]["protocol"] == {"min": 1, "max": 1}
    assert "协议版本" in newer.json()["error"]["message"]
    schema = enrolled.http.get("/api/street", headers=headers | {"X-Schema-Version": "7"})
    assert schema.status_code == 409 and schema.json()["error"]["code"] == "schema_unsupported"
    bare = {"Authorization": headers["Authorization"]}
    missing = enrolled.http.get("/api/street", headers=bare)
    assert missing.status_code == 400
    assert missing.json()["error"]["code"] == "missing_version_headers"


def test_each_install_of_a_street_gets_its_own_install_number(district: DistrictServer) -> None:
    first, second = district.enroll(FURONG), district.enroll(FURONG)
    assert (first["install_number"], second["install_number"]) == (1, 2)
    assert district.enroll(OTHER_STREET)["install_number"] == 1  # numbered per street
    again = district.enroll(FURONG, client_id=second["client_id"])
    assert again["install_number"] == 2  # a re-enrolment keeps its number
    assert district.enroll(FURONG)["install_number"] == 3


def test_a_database_from_before_install_numbers_gets_the_column(tmp_path: Path) -> None:
    import sqlite3

    from district.db import Database

    url = f"sqlite:///{tmp_path / 'old.db'}"
    Database(url).dispose()
    with sqlite3.connect(tmp_path / "old.db") as connection:
        connection.execute("ALTER TABLE clients DROP COLUMN install_number")
    Database(url).dispose()  # an older file: the column is added at start
    with sqlite3.connect(tmp_path / "old.db") as connection:
        columns = {row[1] for row in connection.execute("PRAGMA table_info(clients)")}
    assert "install_number" in columns


def test_an_access_token_lives_its_whole_ttl_whatever_the_fraction_of_the_second() -> None:
    key, principal = b"k" * 32, Principal("client-1", FURONG)
    for issued in (1_000.0, 1_000.01, 1_000.99):
        token = access_token(key, 1, principal, now=issued).access_token
        assert read_access_token(key, token, now=issued + 0.999) == principal
        with pytest.raises(ApiError) as expired:
            read_access_token(key, token, now=issued + 2.0)
        assert expired.value.code == "token_expired"
