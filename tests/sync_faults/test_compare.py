"""The comparison helper must see every kind of difference, or the fault suite's
"equal" proves nothing."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.district.server_fixture import FURONG, DistrictServer
from tests.sync_faults.compare import compare_street, normal
from tests.sync_faults.harness import Install, query

pytestmark = pytest.mark.timeout(60)


def test_normal_compares_like_the_district() -> None:
    assert normal("2026-11-23T08:00:00") == normal("2026-11-23 08:00:00")
    assert normal(None) == normal("")
    assert normal(3.0) == 3 and normal("芙蓉") == "芙蓉"


def test_a_tampered_install_is_seen_as_different(district: DistrictServer,
                                                 make_install: Callable[..., Install]) -> None:
    pc = make_install("pc1")
    community = pc.add_community("东风社区", "051")
    grid = pc.add_grid(community, "东风一网格")
    pc.sync()
    assert compare_street(district.db_url, FURONG, pc.database).equal

    import sqlite3

    with sqlite3.connect(pc.database) as db:
        db.execute("update grid set population = 1 where id = ?", (grid,))
        db.execute("update community set version = 9 where id = ?", (community,))
        demand = db.execute("select id from demand limit 1").fetchone()[0]
        db.execute("delete from demand where id = ?", (demand,))
    comparison = compare_street(district.db_url, FURONG, pc.database)

    assert not comparison.equal
    assert [(key, name) for key, name, *_ in comparison.fields] == [(("grid", grid), "population")]
    assert comparison.versions == [(("community", community), 1, 9)]
    assert comparison.only_server == [("demand", demand)]
    assert query(pc.database, "select count(*) from grid")[0][0] == 1
