"""A client's run of edits of one record (all based on the district's last version),
``void`` mutations, and the stored record sent back when it differs from the push."""

from __future__ import annotations

from typing import Any

from desktop.domain.ids import new_id
from tests.district.conftest import Api
from tests.district.server_fixture import FURONG, DistrictServer


def _results(response: Any) -> list[dict[str, Any]]:
    assert response.status_code == 200, response.text
    return response.json()["results"]


def _approved_action(api: Api) -> str:
    action = new_id()
    _results(api.push([api.mutation("joint_action", action, {"status": "approved"})]))
    return action  # version 1


def test_a_run_of_edits_of_an_approved_action_is_not_stale(enrolled: Api) -> None:
    action = _approved_action(enrolled)
    run = [enrolled.mutation("joint_action", action, {"status": "approved", "note": note},
                             base_version=1) for note in ("一", "二", "三")]
    assert [(r["status"], r["version"]) for r in _results(enrolled.push(run))] == [
        ("applied", 2), ("applied", 3), ("applied", 4)]


def test_an_approved_action_written_by_another_pc_meanwhile_is_stale(
        enrolled: Api, district: DistrictServer) -> None:
    action = _approved_action(enrolled)
    first = _results(enrolled.push([enrolled.mutation(
        "joint_action", action, {"status": "approved", "note": "一"}, base_version=1)]))
    assert first[0]["status"] == "applied"
    other = Api(district, district.enroll(FURONG))
    _results(other.push([other.mutation("joint_action", action,
                                        {"status": "approved", "note": "另一台"},
                                        base_version=2)]))
    late = _results(enrolled.push([enrolled.mutation(
        "joint_action", action, {"status": "approved", "note": "二"}, base_version=1)]))
    assert (late[0]["status"], late[0]["code"]) == ("conflict", "stale_version")


def test_two_queued_edits_after_a_district_override_are_both_conflicts(
        enrolled: Api, district: DistrictServer) -> None:
    grid = new_id()
    _results(enrolled.push([enrolled.mutation("grid", grid, {"name": "一网格"})]))
    answer = district.admin("PATCH", f"/admin/api/streets/{FURONG}/records/grid/{grid}",
                            json={"name": "区里改的"})
    assert answer.status_code == 200, answer.text
    results = _results(enrolled.push([
        enrolled.mutation("grid", grid, {"name": "街道改一"}, base_version=1),
        enrolled.mutation("grid", grid, {"name": "街道改二"}, base_version=1)]))
    assert [(r["status"], r["code"]) for r in results] == [
        ("conflict", "district_override"), ("conflict", "district_override")]
    assert results[1]["server_fields"]["name"] == "区里改的"


def test_a_void_mutation_is_rejected_and_uses_its_number(enrolled: Api) -> None:
    grid = new_id()
    void = {"id": enrolled.next_id, "table": "officer", "record_id": new_id(), "op": "void",
            "base_version": 0}
    enrolled.next_id += 1
    results = _results(enrolled.push([void, enrolled.mutation("grid", grid, {"name": "一网格"})]))
    assert [(r["status"], r["code"]) for r in results] == [("rejected", "void"), ("applied", "")]
    assert "拒收" in results[0]["message"]
    again = _results(enrolled.push([void]))[0]  # a resend: the stored answer
    assert (again["status"], again["original_status"]) == ("duplicate", "rejected")
    assert ("officer", void["record_id"]) not in {(c["table"], c["id"])
                                                  for c in enrolled.pull_all().values()}


def test_an_applied_push_whose_record_is_stored_otherwise_sends_it_back(
        enrolled: Api, district: DistrictServer) -> None:
    order = district.admin("POST", f"/admin/api/streets/{FURONG}/work-orders",
                           json={"title": "井盖缺失", "content": "芙蓉路 88 号井盖缺失。"}).json()
    fields = dict(order["fields"])
    same = _results(enrolled.push([enrolled.mutation(
        "demand", order["id"], {**fields, "note": "街道备注"}, base_version=order["version"])]))[0]
    assert same["status"] == "applied" and same["server_fields"] is None  # stored as sent
    stale = _results(enrolled.push([enrolled.mutation(
        "demand", order["id"], {**fields, "title": "街道改的标题"},
        base_version=order["version"] - 1)]))[0]  # an old base: the title stays silently
    assert stale["status"] == "applied"
    assert stale["server_fields"]["title"] == "井盖缺失"
