"""Creating a street through the admin API checks its division code by the app's rule."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.district.server_fixture import running_district

STREET = {"name": "测试街道", "center_name": "测试街道综合指挥分中心",
          "issuing_authority": "测试街道办事处", "doc_prefix": "测街"}


@pytest.mark.parametrize(("code", "why"), [
    ("990102099000", "省级代码"),  # no such province
    ("430100099000", "县级代码"),  # a city, not a county
    ("430102000000", "乡镇街道代码"),  # the county itself
    ("430102099001", "最后 3 位"),  # a village
])
def test_a_street_with_an_invalid_division_code_is_refused_in_chinese(
        tmp_path: Path, code: str, why: str) -> None:
    with running_district(tmp_path, demo=False) as district:
        answer = district.admin("POST", "/admin/api/streets", json={"code": code, **STREET})
        assert answer.status_code == 422, answer.text
        error = answer.json()["error"]
        assert error["code"] == "invalid_request" and why in error["message"]
        assert "统计区划代码" in error["message"]
        listed = district.admin("GET", "/admin/api/streets").json()
        assert code not in {street["code"] for street in listed}


def test_a_street_with_a_valid_division_code_is_created(tmp_path: Path) -> None:
    with running_district(tmp_path, demo=False) as district:
        answer = district.admin("POST", "/admin/api/streets",
                                json={"code": "430102099000", **STREET})
        assert answer.status_code == 200, answer.text
