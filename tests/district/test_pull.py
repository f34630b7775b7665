"""Pull: paging never skips (also under concurrent writers), per-street scoping, two
installs converging, district edits arriving."""

from __future__ import annotations

import threading

from desktop.domain.ids import new_id
from tests.district.conftest import Api
from tests.district.server_fixture import FURONG, OTHER_STREET, DistrictServer


def test_demo_feed_has_directory_list_holidays_and_work_orders(enrolled: Api) -> None:
    seen = enrolled.pull_all(limit=4)
    tables = {table for table, _id in seen}
    assert {"unit", "responsibility_list_version", "responsibility_item", "calendar_year",
            "demand"} <= tables
    holidays = seen[("calendar_year", "2027")]["fields"]
    assert holidays["year"] == 2027 and any(d["name"] == "春节" for d in holidays["days"])
    orders = [c for c in seen.values() if c["table"] == "demand"]
    assert len(orders) == 3 and {o["fields"]["district_status"] for o in orders} == {"dispatched"}


def test_a_street_never_sees_another_streets_records(enrolled: Api,
                                                    district: DistrictServer) -> None:
    other = Api(district, district.enroll(OTHER_STREET))
    secret = new_id()
    assert other.push([other.mutation("grid", secret, {"name": "文艺路的网格"})]).status_code == 200
    mine = enrolled.pull_all()
    assert ("grid", secret) not in mine
    their_orders = {c["id"] for c in other.pull_all().values() if c["table"] == "demand"}
    assert not their_orders & {i for (t, i) in mine if t == "demand"}
    # writing the other street's record id from here creates a separate record of mine
    assert enrolled.push([enrolled.mutation("grid", secret, {"name": "同号"})]).json()[
        "results"][0]["version"] == 1
    assert other.pull_all()[("grid", secret)]["fields"]["name"] == "文艺路的网格"


def test_two_installs_of_one_street_converge(district: DistrictServer) -> None:
    first, second = (Api(district, district.enroll(FURONG)) for _ in range(2))
    grid = new_id()
    first.push([first.mutation("grid", grid, {"name": "一号机建的"})])
    seen = second.pull_all()[("grid", grid)]
    assert seen["updated_by"] == first.client_id
    second.push([second.mutation("grid", grid, {"name": "二号机改的"}, base_version=1)])
    assert first.pull_all()[("grid", grid)]["fields"]["name"] == "二号机改的"
    assert first.pull_all() == second.pull_all()


def test_district_edits_appear_in_the_pull_after_the_cursor(enrolled: Api,
                                                           district: DistrictServer) -> None:
    head = enrolled.pull(limit=1000)
    assert not head["has_more"]
    order = district.admin("POST", f"/admin/api/streets/{FURONG}/work-orders", json={
        "title": "新派单", "content": "路灯不亮", "deadline_at": "2027-03-01T17:00:00"}).json()
    listed = district.admin("POST", "/admin/api/responsibility-lists", json={
        "number": 2, "title": "第二版", "published_on": "2026-12-01",
        "items": [{"code": "X1", "item_type": "城管", "name": "新事项"}]})
    assert listed.status_code == 200, listed.text
    holidays = district.admin("PUT", "/admin/api/holidays/2028", json={
        "year": 2028, "days": [{"day": "2028-01-01", "is_workday": False, "name": "元旦"}]})
    assert holidays.status_code == 200, holidays.text
    new = enrolled.pull_all(head["cursor"])
    assert new[("demand", order["id"])]["fields"]["title"] == "新派单"
    assert new[("calendar_year", "2028")]["owner"] == "district"
    versions = [c for c in new.values() if c["table"] == "responsibility_list_version"]
    assert {v["fields"]["number"]: v["fields"]["is_current"] for v in versions} == {1: False, 2: True}
    table = enrolled.http.get("/api/holidays/2028", headers=enrolled.headers).json()
    assert table["days"][0]["name"] == "元旦"


def test_invalid_cursor_is_a_clear_400(enrolled: Api) -> None:
    response = enrolled.http.get("/api/pull", headers=enrolled.headers, params={"cursor": "xyz"})
    assert response.status_code == 400 and response.json()["error"]["code"] == "invalid_cursor"


def test_paging_never_skips_a_change_while_others_write(district: DistrictServer) -> None:
    """Three installs push 300 records while a fourth pulls small pages; after the writers
    stop, one more pass from the last cursor must leave nothing missing."""
    writers = [Api(district, district.enroll(FURONG)) for _ in range(3)]
    reader = Api(district, district.enroll(FURONG))
    written: set[str] = set()
    lock, errors = threading.Lock(), []

    def write(api: Api) -> None:
        try:
            for _ in range(10):
                batch = [api.mutation("grid_person", new_id(), {"name": "人"}) for _ in range(10)]
                assert api.push(batch).status_code == 200
                with lock:
                    written.update(m["record_id"] for m in batch)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(api,)) for api in writers]
    for thread in threads:
        thread.start()
    seen: set[str] = set()
    cursor = None
    while any(t.is_alive() for t in threads):
        page = reader.pull(cursor, limit=7)
        seen.update(c["id"] for c in page["changes"] if c["table"] == "grid_person")
        cursor = page["cursor"]
    for thread in threads:
        thread.join()
    assert not errors
    while True:  # drain to the head from where the reader stood
        page = reader.pull(cursor, limit=50)
        seen.update(c["id"] for c in page["changes"] if c["table"] == "grid_person")
        cursor = page["cursor"]
        if not page["has_more"]:
            break
    assert len(written) == 300 and written == seen


def test_a_large_first_download_resumes_from_the_last_cursor(enrolled: Api) -> None:
    ids = [new_id() for _ in range(250)]
    for start in range(0, 250, 100):
        enrolled.push([enrolled.mutation("officer", i, {"name": "队员"}) for i in ids[start:start + 100]])
    first = enrolled.pull(limit=100)
    assert first["has_more"] and first["remaining"] > 0
    # "killed" here: a new run starts from the saved cursor and still gets everything
    rest = enrolled.pull_all(first["cursor"], limit=100)
    got = {c["id"] for c in first["changes"]} | {i for (_t, i) in rest}
    assert set(ids) <= got
