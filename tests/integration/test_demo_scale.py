"""The scale data generator (``subcenter demo --scale``) at a small size: every demand
is consistent (a real grid and unit, a known status, a unique number, dates in order,
closing facts only on finished demands), the FTS index and its triggers are back
exactly as the migration made them, the list indexes are all there, the planner has
statistics; it refuses folders it must not touch, and a cancel rolls its step back."""

from __future__ import annotations

import random
import re
import shutil
import sqlite3
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from desktop.bootstrap import AppContext, open_context, open_migrated_context
from desktop.demo import build_demo_street
from desktop.demo_demands import DEMO_DEMANDS
from desktop.demo_scale import FTS_SQL, add_scale_data, has_scale_data
from desktop.demo_scale_rows import DEMAND_COLUMNS, Deadlines, DemandMaker
from desktop.domain.actor import LOCAL_ADMIN
from desktop.domain.deadlines import DemandKind, DemandNature, DemandSource
from desktop.domain.demand_clock import PAUSED_NOTE
from desktop.domain.demand_states import DemandStatus
from desktop.domain.errors import CancelledError, ConflictError
from desktop.progress import CancelToken
from desktop.services.calendar import calendar_in
from desktop.services.subcenter import set_up_sub_center
from local_db.demand_queries import stamp
from local_db.models import Demand
from tests.conftest import STREET
from tests.integration.demand_data import (
    DEMANDS,
    NOW,
    open_at_now,
    shared_folder,
)


@pytest.fixture(scope="module")
def demand_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return shared_folder(tmp_path_factory)


@pytest.fixture
def demand_context(demand_folder: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[AppContext]:
    context = open_at_now(demand_folder, monkeypatch)
    yield context
    context.close()


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A demo street without scale data, copied by the tests that change it."""
    root = tmp_path_factory.mktemp("scale") / "demo"
    context = open_migrated_context(root)
    build_demo_street(context)
    context.close()
    return root


@pytest.fixture
def fresh(template: Path, tmp_path: Path) -> Iterator[AppContext]:
    shutil.copytree(template, tmp_path / "data")
    context = open_context(tmp_path / "data")
    yield context
    context.close()


@pytest.fixture(scope="module")
def db(demand_folder: Path) -> Iterator[sqlite3.Connection]:
    connection = sqlite3.connect(demand_folder / "subcenter.sqlite3")
    yield connection
    connection.close()


def _one(db: sqlite3.Connection, sql: str) -> object:
    return db.execute(sql).fetchone()[0]


def test_every_demand_points_at_real_records_and_known_codes(db: sqlite3.Connection) -> None:
    total = DEMANDS + DEMO_DEMANDS  # the demo street brings its own
    assert _one(db, "SELECT count(*) FROM demand") == total
    assert _one(db, "SELECT count(DISTINCT number) FROM demand") == total
    numbers = [n for (n,) in db.execute("SELECT number FROM demand")]
    assert all(re.fullmatch(r"\d{8}-\d{4}", n) for n in numbers)  # as the intake numbers them
    for number in numbers[:50]:
        assert datetime.strptime(number[:8], "%Y%m%d") <= NOW
    assert _one(db, "SELECT count(*) FROM demand WHERE grid_id IS NULL OR grid_id NOT IN "
                    "(SELECT id FROM grid WHERE status = 'active')") == 0
    assert _one(db, "SELECT count(*) FROM demand WHERE lead_unit_id IS NOT NULL AND "
                    "lead_unit_id NOT IN (SELECT id FROM unit)") == 0
    assert _one(db, "SELECT count(*) FROM demand d WHERE lead_unit_id IS NULL AND NOT EXISTS "
                    "(SELECT 1 FROM demand_step s WHERE s.demand_id = d.id)") == 0  # scale rows
    assert _one(db, "SELECT count(*) FROM demand WHERE category_id IS NOT NULL AND "
                    "category_id NOT IN (SELECT id FROM demand_category "
                    "WHERE parent_id IS NOT NULL)") == 0
    assert _one(db, "SELECT count(*) FROM demand WHERE category_id IS NULL") < DEMO_DEMANDS
    assert _one(db, "SELECT count(*) FROM demand WHERE status = 'sent_back' AND source NOT IN "
                    "('hotline_12345', 'district_dispatch', 'department_transfer')") == 0
    for column, codes in (("status", {s.value for s in DemandStatus}),
                          ("kind", {k.value for k in DemandKind}),
                          ("source", {s.value for s in DemandSource}),
                          ("nature", {n.value for n in DemandNature})):
        found = {code for (code,) in db.execute(f"SELECT DISTINCT {column} FROM demand")}
        assert found == codes, column  # every code shows up somewhere
    assert _one(db, "SELECT count(*) FROM demand WHERE duplicate_of_id IS NOT NULL AND "
                    "duplicate_of_id NOT IN (SELECT id FROM demand)") == 0


def test_dates_and_closing_facts_are_consistent(db: sqlite3.Connection) -> None:
    start, now = stamp(NOW - timedelta(days=3 * 365 + 1)), stamp(NOW)
    assert _one(db, f"SELECT count(*) FROM demand WHERE received_at < '{start}' "
                    f"OR received_at > '{now}'") == 0
    assert _one(db, "SELECT count(*) FROM demand WHERE deadline_at < received_at") == 0
    assert _one(db, "SELECT count(*) FROM demand WHERE deadline_at IS NULL AND NOT ("
                    "deadline_note LIKE '%未导入%' OR (status = 'suspended' AND "
                    f"deadline_note = '{PAUSED_NOTE}'))") == 0
    assert _one(db, "SELECT count(*) FROM demand WHERE deadline_at IS NOT NULL AND "
                    "deadline_note != ''") == 0
    assert _one(db, "SELECT count(*) FROM demand WHERE (status IN ('closed', 'rated')) != "
                    "(closed_at IS NOT NULL)") == 0
    finished = "('closed', 'rated', 'merged', 'sent_back')"
    assert _one(db, "SELECT count(*) FROM demand WHERE closed_at < received_at "
                    f"OR closed_at > '{now}'") == 0
    assert _one(db, "SELECT count(*) FROM demand WHERE (status = 'rated') != "
                    "(rating IS NOT NULL)") == 0
    old = f"received_at < '{stamp(NOW - timedelta(days=60))}'"
    old_open = _one(db, f"SELECT count(*) FROM demand WHERE {old} AND status NOT IN {finished}")
    assert 0 < old_open < 0.02 * _one(db, f"SELECT count(*) FROM demand WHERE {old}")
    recent = f"received_at > '{stamp(NOW - timedelta(days=2))}'"
    assert _one(db, f"SELECT count(*) FROM demand WHERE {recent} AND status IN "
                    "('accepted', 'triaged', 'dispatched')") > 0
    assert _one(db, "SELECT count(*) FROM demand WHERE status NOT IN "
                    f"{finished} AND deadline_at < '{now}'") > 0  # some are overdue
    assert _one(db, "SELECT count(*) FROM demand WHERE (status = 'merged') != "
                    "(duplicate_of_id IS NOT NULL)") == 0


def test_the_search_index_and_its_triggers_are_as_the_migration_made_them(
        db: sqlite3.Connection) -> None:
    db.execute("INSERT INTO demand_fts(demand_fts, rank) VALUES ('integrity-check', 1)")
    for phrase in ("占道经营", "合平路1", "202601"):
        matched = _one(db, f"SELECT count(*) FROM demand_fts WHERE demand_fts MATCH '\"{phrase}\"'")
        liked = _one(db, f"SELECT count(*) FROM demand WHERE title LIKE '%{phrase}%' OR content "
                         f"LIKE '%{phrase}%' OR number LIKE '%{phrase}%' OR address LIKE '%{phrase}%'")
        assert matched == liked > 0, phrase
    triggers = {sql for (sql,) in db.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'demand'")}
    assert triggers == set(FTS_SQL[1:])
    indexes = {name for (name,) in db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'demand'")}
    assert {index.name for index in Demand.__table__.indexes} <= indexes
    assert _one(db, "SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'demand'") >= 8


def test_whistles_and_their_targets(db: sqlite3.Connection) -> None:
    total = _one(db, "SELECT count(*) FROM whistle")
    assert 200 < total <= 200 + 20  # the demo street's own are a score at most
    assert _one(db, "SELECT count(DISTINCT number) FROM whistle") == total
    numbers = [n for (n,) in db.execute("SELECT number FROM whistle")]
    assert all(re.fullmatch(r"哨-\d{8}-\d{3}", n) for n in numbers)  # as the app numbers them
    assert _one(db, "SELECT count(*) FROM whistle WHERE responsibility_item_id IS NULL") < 5
    assert _one(db, "SELECT count(*) FROM whistle WHERE demand_id IS NOT NULL") > 100
    assert _one(db, "SELECT count(*) FROM whistle w WHERE NOT EXISTS (SELECT 1 FROM "
                    "whistle_target t WHERE t.whistle_id = w.id)") == 0
    assert _one(db, "SELECT count(*) FROM whistle_target WHERE unit_id NOT IN "
                    "(SELECT id FROM unit)") == 0
    assert {k for (k,) in db.execute("SELECT DISTINCT kind FROM whistle")} == {
        "daily", "emergency", "hard"}


def test_the_roster_is_topped_up_and_a_second_run_refused(fresh: AppContext) -> None:
    assert not has_scale_data(fresh)
    result = add_scale_data(fresh, demands=1500, whistles=20, officers=70)
    assert has_scale_data(fresh)
    assert result.officers_added == 30 and result.demands == 1500
    assert (result.actions, result.documents) == (8, 15)  # 5,000 and 10,000 per million
    assert "1,500 件诉求" in result.message and "8 项联合执法行动，15 份公文" in result.message
    with fresh.uow() as uow:
        assert len(uow.roster.officers()) == 70
        assert uow.session.query(Demand).count() == 1500 + DEMO_DEMANDS
    with pytest.raises(ConflictError, match="已生成过"):
        add_scale_data(fresh, demands=10, whistles=0)


def test_a_folder_without_the_demo_street_is_refused(tmp_path: Path) -> None:
    context = open_migrated_context(tmp_path / "empty")
    with pytest.raises(ConflictError, match="请先载入演示街道"):
        add_scale_data(context, demands=10)
    set_up_sub_center(context.uow(), actor=LOCAL_ADMIN, **STREET)  # a real street
    with pytest.raises(ConflictError, match="不是演示街道"):
        add_scale_data(context, demands=10)
    context.close()


def test_cancel_rolls_the_demands_back_with_triggers_and_indexes(fresh: AppContext) -> None:
    token = CancelToken()

    def progress(done: int, _total: int, text: str) -> None:
        if done >= 10_000 and "已生成" in text:
            token.cancel()

    with pytest.raises(CancelledError):
        add_scale_data(fresh, demands=25_000, whistles=10, progress=progress, cancel=token)
    with sqlite3.connect(fresh.paths.database) as db:
        assert _one(db, "SELECT count(*) FROM demand") == DEMO_DEMANDS
        assert _one(db, "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND "
                        "name LIKE 'demand_fts_%'") == 3
        indexes = {n for (n,) in db.execute("SELECT name FROM sqlite_master WHERE type='index'")}
        assert {index.name for index in Demand.__table__.indexes} <= indexes
    again = add_scale_data(fresh, demands=500, whistles=5)  # the step can simply run again
    assert again.demands == 500


def test_rows_are_deterministic_for_a_seed(fresh: AppContext) -> None:
    from desktop.demo_scale import _catalog

    with fresh.uow() as uow:
        catalog, calendar = _catalog(uow), calendar_in(uow)

    def rows(seed: int) -> list[tuple[object, ...]]:
        maker = DemandMaker(random.Random(seed), catalog, Deadlines(calendar), NOW)
        return [maker.row(f"N{i}", received) for i, received in
                enumerate(maker.times_of(NOW.date() - timedelta(days=30), 300))]

    first = rows(7)
    assert first == rows(7) and first != rows(8)
    assert len(first[0]) == len(DEMAND_COLUMNS)
    columns = {c.name: c for c in Demand.__table__.columns}
    assert set(DEMAND_COLUMNS) <= set(columns)
    left_out = [c for name, c in columns.items() if name not in DEMAND_COLUMNS]
    assert all(c.nullable for c in left_out)  # e.g. the district's work-order columns


def test_cancel_during_the_actions_rolls_back_that_step_only(fresh: AppContext) -> None:
    """The demands and whistles steps committed; the actions step leaves nothing behind."""
    with sqlite3.connect(fresh.paths.database) as db:
        before = {t: _one(db, f"SELECT count(*) FROM {t}")
                  for t in ("joint_action", "action_participant", "document", "whistle")}
    token = CancelToken()

    def progress(_done: int, _total: int, text: str) -> None:
        if "联合执法行动……" in text:
            token.cancel()

    with pytest.raises(CancelledError):
        add_scale_data(fresh, demands=1500, whistles=30, officers=60, actions=20, documents=20,
                       progress=progress, cancel=token)
    with sqlite3.connect(fresh.paths.database) as db:
        assert _one(db, "SELECT count(*) FROM whistle") == before["whistle"] + 30
        for table in ("joint_action", "action_participant", "document"):
            assert _one(db, f"SELECT count(*) FROM {table}") == before[table], table
