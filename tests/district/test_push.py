"""Push: exactly once, gaps, ownership conflicts, commands, poison, limits."""

from __future__ import annotations

import gzip
import json
from typing import Any

from desktop.domain.ids import new_id
from tests.district.conftest import Api
from tests.district.server_fixture import FURONG, DistrictServer


def _results(response: Any) -> list[dict[str, Any]]:
    assert response.status_code == 200, response.text
    return response.json()["results"]


def _work_order(api: Api) -> dict[str, Any]:
    orders = [c for c in api.pull_all().values()
              if c["table"] == "demand" and c["owner"] == "district"]
    return orders[0]


def test_each_mutation_applies_once_and_a_resend_returns_the_stored_answer(enrolled: Api) -> None:
    grid = new_id()
    batch = [enrolled.mutation("grid", grid, {"name": "一网格", "households": 10}),
             enrolled.mutation("grid", grid, {"name": "一网格", "households": 12}, base_version=1),
             enrolled.mutation("nonsense_table", new_id(), {})]
    first = _results(enrolled.push(batch))
    assert [r["status"] for r in first] == ["applied", "applied", "rejected"]
    assert [r["version"] for r in first[:2]] == [1, 2]
    assert first[2]["code"] == "unknown_table"
    again = enrolled.push(batch)
    assert again.json()["last_mutation_id"] == 3
    replay = again.json()["results"]
    assert [r["status"] for r in replay] == ["duplicate"] * 3
    assert [r["original_status"] for r in replay] == ["applied", "applied", "rejected"]
    record = enrolled.pull_all()[("grid", grid)]
    assert record["version"] == 2 and record["fields"]["households"] == 12  # one effect each


def test_a_gap_stops_the_batch_and_nothing_after_it_is_applied(enrolled: Api) -> None:
    first = enrolled.mutation("grid", new_id(), {"name": "甲"})
    enrolled.next_id += 1  # mutation 2 is "lost"
    third = enrolled.mutation("grid", new_id(), {"name": "丙"})
    body = enrolled.push([first, third]).json()
    assert [r["status"] for r in body["results"]] == ["applied"]
    assert body["stopped"]["code"] == "gap" and body["stopped"]["expected_mutation_id"] == 2
    assert body["last_mutation_id"] == 1
    assert ("grid", third["record_id"]) not in enrolled.pull_all()


def test_push_with_another_clients_id_is_refused(enrolled: Api, district: DistrictServer) -> None:
    other = district.enroll(FURONG)
    response = enrolled.http.post("/api/push", headers=enrolled.headers, json={
        "client_id": other["client_id"], "mutations": []})
    assert response.status_code == 403 and response.json()["error"]["code"] == "client_mismatch"


def test_changing_a_district_owned_field_is_a_conflict_and_the_district_value_stands(
        enrolled: Api, district: DistrictServer) -> None:
    order = _work_order(enrolled)
    mine = order["fields"] | {"title": "本机改的标题", "grid_id": "grid-42"}
    result = _results(enrolled.push([enrolled.mutation(
        "demand", order["id"], mine, base_version=order["version"])]))[0]
    assert result["status"] == "conflict" and result["code"] == "district_owned"
    assert "title" in result["message"] and result["conflict_id"]
    kept = enrolled.pull_all()[("demand", order["id"])]
    assert kept["fields"]["title"] == order["fields"]["title"]  # the district's
    assert kept["fields"]["grid_id"] == "grid-42"  # the street's own field was applied
    conflicts = district.admin("GET", "/admin/api/conflicts", params={"street": FURONG}).json()
    assert conflicts[0]["client_fields"]["title"] == "本机改的标题"
    assert conflicts[0]["server_fields"]["title"] == order["fields"]["title"]


def test_a_stale_copy_of_a_district_field_is_not_an_edit(enrolled: Api,
                                                        district: DistrictServer) -> None:
    """The district moved the deadline while the street was offline editing the grid."""
    order = _work_order(enrolled)
    moved = district.admin("PATCH", f"/admin/api/streets/{FURONG}/records/demand/{order['id']}",
                           json={"deadline_at": "2030-01-31T17:00:00"})
    assert moved.status_code == 200
    offline_edit = order["fields"] | {"grid_id": "grid-7"}  # still the old deadline
    result = _results(enrolled.push([enrolled.mutation(
        "demand", order["id"], offline_edit, base_version=order["version"])]))[0]
    assert result["status"] == "applied"
    after = enrolled.pull_all()[("demand", order["id"])]["fields"]
    assert after["deadline_at"] == "2030-01-31T17:00:00" and after["grid_id"] == "grid-7"


def test_district_override_of_a_street_record_is_a_conflict_for_an_older_edit(
        enrolled: Api, district: DistrictServer) -> None:
    grid = new_id()
    _results(enrolled.push([enrolled.mutation("grid", grid, {"name": "旧名"})]))
    district.admin("PATCH", f"/admin/api/streets/{FURONG}/records/grid/{grid}",
                   json={"name": "区里改的名"})
    stale = _results(enrolled.push([enrolled.mutation("grid", grid, {"name": "本机改的名"},
                                                      base_version=1)]))[0]
    assert stale["status"] == "conflict" and stale["code"] == "district_override"
    assert stale["server_fields"]["name"] == "区里改的名"
    resent = _results(enrolled.push([enrolled.mutation("grid", grid, {"name": "本机改的名"},
                                                       base_version=stale["version"])]))[0]
    assert resent["status"] == "applied"  # the street may re-send over the district's version


def test_pull_only_tables_refuse_street_writes(enrolled: Api) -> None:
    units = [c for c in enrolled.pull_all().values() if c["table"] == "unit"]
    changed = _results(enrolled.push([
        enrolled.mutation("unit", units[0]["id"], units[0]["fields"] | {"name": "改名"},
                          base_version=1),
        enrolled.mutation("responsibility_item", new_id(), {"name": "本地事项"}),
        enrolled.mutation("unit", new_id(), {"name": "街道自己的单位"}),
        enrolled.mutation("unit", units[0]["id"], {}, op="delete", base_version=1)]))
    assert [(r["status"], r["code"]) for r in changed] == [
        ("conflict", "district_owned"), ("rejected", "pull_only_table"), ("applied", ""),
        ("conflict", "district_owned")]


def _command(api: Api, order_id: str, command: str, **args: Any) -> dict[str, Any]:
    mutation = api.mutation("demand", order_id, {}, op="command", command=command, args=args)
    return _results(api.push([mutation]))[0]


def test_work_order_commands_follow_the_state_machine(enrolled: Api) -> None:
    order = _work_order(enrolled)
    early = _command(enrolled, order["id"], "submit_completion", summary="已处理")
    assert (early["status"], early["code"]) == ("conflict", "illegal_transition")
    assert _command(enrolled, order["id"], "accept")["status"] == "applied"
    assert _command(enrolled, order["id"], "accept")["status"] == "applied"  # second PC
    too_early = _command(enrolled, order["id"], "request_extension", workdays=3, reason="材料")
    assert too_early["status"] == "conflict" and "已受理" in too_early["message"]
    current = enrolled.pull_all()[("demand", order["id"])]
    handling = current["fields"] | {"status": "handling"}
    assert _results(enrolled.push([enrolled.mutation(
        "demand", order["id"], handling, base_version=current["version"])]))[0]["status"] == "applied"
    extension = _command(enrolled, order["id"], "request_extension", workdays=3, reason="等材料")
    assert extension["status"] == "applied"
    bad = _command(enrolled, order["id"], "request_extension", workdays="三")
    assert (bad["status"], bad["code"]) == ("rejected", "invalid_value")
    fields = enrolled.pull_all()[("demand", order["id"])]["fields"]
    assert fields["district_status"] == "accepted" and fields["extension_request"]["workdays"] == 3


def test_commands_on_recalled_or_street_demands(enrolled: Api, district: DistrictServer) -> None:
    order = _work_order(enrolled)
    recalled = district.admin("POST", f"/admin/api/streets/{FURONG}/work-orders/{order['id']}/recall",
                              json={"reason": "重复派单"})
    assert recalled.json()["fields"]["district_status"] == "recalled"
    assert _command(enrolled, order["id"], "accept")["code"] == "recalled"
    own = new_id()
    _results(enrolled.push([enrolled.mutation("demand", own, {"title": "自己受理的", "status": "accepted"})]))
    assert _command(enrolled, own, "accept")["code"] == "not_a_work_order"
    assert _command(enrolled, new_id(), "accept")["code"] == "record_not_found"
    bad_status = _results(enrolled.push([enrolled.mutation("demand", new_id(), {"status": "flying"})]))
    assert bad_status[0]["code"] == "invalid_value"


def test_whistle_response_fields_are_the_departments_once_answered(
        enrolled: Api, district: DistrictServer) -> None:
    target = new_id()
    _results(enrolled.push([enrolled.mutation("whistle_target", target,
                                              {"unit_id": "u1", "response": "", "evaluation": None})]))
    answer = district.admin("POST", f"/admin/api/streets/{FURONG}/whistle-targets/{target}/response",
                            json={"response": "已派人到场", "arrived_at": "2026-11-23T09:30:00"})
    assert answer.status_code == 200, answer.text
    seen = enrolled.pull_all()[("whistle_target", target)]
    rewrite = seen["fields"] | {"response": "本机改写", "evaluation": "good"}
    result = _results(enrolled.push([enrolled.mutation("whistle_target", target, rewrite,
                                                       base_version=seen["version"])]))[0]
    assert result["status"] == "conflict" and result["code"] == "district_owned"
    after = enrolled.pull_all()[("whistle_target", target)]["fields"]
    assert after["response"] == "已派人到场" and after["evaluation"] == "good"


def test_joint_action_after_approval_needs_the_current_version(enrolled: Api) -> None:
    action = new_id()
    _results(enrolled.push([enrolled.mutation("joint_action", action, {"status": "draft"})]))
    _results(enrolled.push([enrolled.mutation("joint_action", action, {"status": "approved"})]))
    stale = _results(enrolled.push([enrolled.mutation("joint_action", action,
                                                      {"status": "approved", "note": "x"},
                                                      base_version=1)]))[0]
    assert (stale["status"], stale["code"]) == ("conflict", "stale_version")
    fresh = _results(enrolled.push([enrolled.mutation("joint_action", action,
                                                      {"status": "approved", "note": "x"},
                                                      base_version=2)]))[0]
    assert fresh["status"] == "applied" and fresh["version"] == 3


def test_limits_give_413_with_a_clear_error(enrolled: Api) -> None:
    many = [{"id": i, "table": "grid", "record_id": new_id(), "op": "upsert"} for i in range(1, 102)]
    response = enrolled.push(many)
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "too_many_mutations"
    big = [enrolled.mutation("grid", new_id(), {"note": "长" * 400_000})]
    too_big = enrolled.push(big)
    assert too_big.status_code == 413 and too_big.json()["error"]["code"] == "payload_too_large"
    enrolled.next_id -= 1
    bomb = gzip.compress(json.dumps({"client_id": enrolled.client_id, "mutations": [
        enrolled.mutation("grid", new_id(), {"note": "0" * 3_000_000})]}).encode())
    assert len(bomb) < 100_000
    inflated = enrolled.http.post("/api/push", content=bomb, headers=enrolled.headers | {
        "Content-Encoding": "gzip", "Content-Type": "application/json"})
    assert inflated.status_code == 413


def test_gzip_both_ways(enrolled: Api) -> None:
    grid = new_id()
    body = gzip.compress(json.dumps({"client_id": enrolled.client_id, "mutations": [
        enrolled.mutation("grid", grid, {"name": "压缩上传的网格"})]}).encode())
    response = enrolled.http.post("/api/push", content=body, headers=enrolled.headers | {
        "Content-Encoding": "gzip", "Content-Type": "application/json"})
    assert response.json()["results"][0]["status"] == "applied"
    pulled = enrolled.http.get("/api/pull", headers=enrolled.headers | {"Accept-Encoding": "gzip"})
    assert pulled.headers["content-encoding"] == "gzip"
    assert any(c["id"] == grid for c in pulled.json()["changes"])  # httpx inflated it
    broken = enrolled.http.post("/api/push", content=b"not gzip", headers=enrolled.headers | {
        "Content-Encoding": "gzip", "Content-Type": "application/json"})
    assert broken.status_code == 400 and broken.json()["error"]["code"] == "bad_gzip"
