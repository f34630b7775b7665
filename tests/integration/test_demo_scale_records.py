"""The scale data generator's whistles, joint actions and documents at a small size
(2,000 demands, 150 whistles, 50 actions, 100 documents): numbers as the app makes them
and without gaps per year, the register consistent with the documents and the series,
participants real officers meeting the basic rules on past actions, fields a kind's own
draft would have, and the pages' services list and open them."""

from __future__ import annotations

import json
import re
import sqlite3
from collections import defaultdict
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from desktop.bootstrap import AppContext, open_context, open_migrated_context
from desktop.demo import build_demo_street
from desktop.demo_scale import add_scale_data
from desktop.documents.kinds import DocumentKind, draft_fields
from desktop.domain.actor import Actor, Role
from desktop.domain.documents import DocumentState, parse_number
from desktop.services.action_checks import period_plan
from desktop.services.demand_lists import list_demands
from desktop.services.document_output import print_document, render_pdf
from desktop.services.documents import get_document, list_documents, number_register
from desktop.services.joint_actions import get_action, list_actions
from desktop.services.whistle_queries import list_whistles
from tests.integration.demand_data import NOW, fix_clock

DEMANDS, WHISTLES, ACTIONS, DOCUMENTS = 2000, 150, 50, 100
CLERK = Actor("陈静怡", Role.CLERK)


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("scale-records") / "data"
    with pytest.MonkeyPatch.context() as patch:
        fix_clock(patch)
        patch.setattr("desktop.demo.today", lambda: NOW.date())
        context = open_migrated_context(root)
        build_demo_street(context)
        with sqlite3.connect(context.paths.database) as db:
            demo: dict[str, object] = {
                table: db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                for table in ("joint_action", "whistle", "document", "demand")}
            demo["action_ids"] = [i for (i,) in db.execute("SELECT id FROM joint_action")]
        result = add_scale_data(context, demands=DEMANDS, whistles=WHISTLES, officers=120,
                                actions=ACTIONS, documents=DOCUMENTS)
        context.close()
    (root / "demo-counts.json").write_text(json.dumps(demo))
    assert f"{result.actions} 项联合执法行动" in result.message
    assert f"{DOCUMENTS} 份公文" in result.message and "尚未建成" not in result.message
    return root


@pytest.fixture(scope="module")
def demo(folder: Path) -> dict[str, int]:
    return json.loads((folder / "demo-counts.json").read_text())


@pytest.fixture(scope="module")
def scale_actions(folder: Path, db: sqlite3.Connection) -> str:
    """A SQL condition: the action is one of the scale data set's (not the demo street's,
    whose plans for the coming days are stamped as the demo builds them)."""
    ids = json.loads((folder / "demo-counts.json").read_text())["action_ids"]
    return "id NOT IN (" + ", ".join(f"'{i}'" for i in ids) + ")"


@pytest.fixture(scope="module")
def db(folder: Path) -> Iterator[sqlite3.Connection]:
    connection = sqlite3.connect(folder / "subcenter.sqlite3")
    yield connection
    connection.close()


@pytest.fixture
def context(folder: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[AppContext]:
    fix_clock(monkeypatch)
    opened = open_context(folder)
    yield opened
    opened.close()


def _one(db: sqlite3.Connection, sql: str) -> object:
    return db.execute(sql).fetchone()[0]


def _without_gaps(numbers: list[tuple[str, int]]) -> None:
    by_key: dict[str, list[int]] = defaultdict(list)
    for key, seq in numbers:
        by_key[key].append(seq)
    for key, seqs in by_key.items():
        assert sorted(seqs) == list(range(1, len(seqs) + 1)), key


# --- joint actions ----------------------------------------------------------------------


def test_actions_are_numbered_without_gaps_per_year(db: sqlite3.Connection,
                                                     demo: dict[str, int]) -> None:
    numbers = [n for (n,) in db.execute("SELECT number FROM joint_action")]
    assert len(numbers) == demo["joint_action"] + ACTIONS
    assert all(re.fullmatch(r"LX\d{4}-\d{4}", n) for n in numbers)
    _without_gaps([(n[2:6], int(n[7:])) for n in numbers])
    assert _one(db, "SELECT count(*) FROM joint_action WHERE substr(number, 3, 4) != "
                    "strftime('%Y', starts_at)") == 0  # numbered by the year of the start
    years = {n[2:6] for n in numbers}
    assert len(years) >= 3  # spread over the three years


def test_actions_have_states_results_units_and_officers(db: sqlite3.Connection,
                                                       scale_actions: str) -> None:
    now = NOW.isoformat(" ")
    states = dict(db.execute("SELECT state, count(*) FROM joint_action GROUP BY state").fetchall())
    assert states["evaluated"] > 0.6 * ACTIONS
    past_open = _one(db, f"SELECT count(*) FROM joint_action WHERE ends_at < '{now}' AND state IN "
                         "('draft', 'submitted', 'approved', 'notified', 'under_way')")
    assert past_open == 0
    assert _one(db, f"SELECT count(*) FROM joint_action WHERE starts_at > '{now}' AND state NOT IN "
                    "('draft', 'submitted', 'approved', 'notified', 'cancelled')") == 0
    assert _one(db, "SELECT count(*) FROM joint_action WHERE state IN ('evaluated', "
                    "'results_recorded') AND (results_at IS NULL OR units_inspected = 0 "
                    "OR rectified > problems_found OR cases_filed > problems_found)") == 0
    assert _one(db, "SELECT count(*) FROM joint_action WHERE (state = 'evaluated') != "
                    "(evaluation IS NOT NULL)") == 0
    assert _one(db, "SELECT count(*) FROM joint_action WHERE state = 'cancelled' AND note = ''") == 0
    assert _one(db, f"SELECT count(*) FROM joint_action WHERE {scale_actions} AND ("
                    f"submitted_at > '{now}' OR approved_at > '{now}' OR results_at > '{now}' "
                    f"OR evaluated_at > '{now}' OR approved_at < submitted_at "
                    "OR notified_at > starts_at OR created_at > submitted_at)") == 0
    sizes = [c for (c,) in db.execute(
        "SELECT count(p.id) FROM joint_action a LEFT JOIN action_participant p "
        "ON p.action_id = a.id GROUP BY a.id")]
    assert max(sizes) <= 12 and sum(1 for c in sizes if c >= 2) >= ACTIONS  # demo: 1 unstaffed
    assert _one(db, "SELECT count(*) FROM action_participant WHERE officer_id NOT IN "
                    "(SELECT id FROM officer)") == 0
    assert _one(db, "SELECT count(*) FROM joint_action a WHERE NOT EXISTS (SELECT 1 FROM "
                    "action_unit u WHERE u.action_id = a.id AND u.role = 'lead' "
                    "AND u.unit_id = a.lead_unit_id)") == 0
    assert _one(db, "SELECT count(*) FROM action_demand l JOIN joint_action a ON a.id = "
                    "l.action_id JOIN demand d ON d.id = l.demand_id "
                    "WHERE d.received_at > a.starts_at") == 0
    assert _one(db, "SELECT count(*) FROM action_demand") > 0


def test_past_actions_break_no_basic_rule(context: AppContext, db: sqlite3.Connection) -> None:
    """The calendar's own checks (§42, certificates, overlaps, rest, units, needs) over
    every month that has scale actions."""
    months = [m for (m,) in db.execute(
        "SELECT DISTINCT strftime('%Y-%m', starts_at) FROM joint_action ORDER BY 1")]
    checked = 0
    for month in months:
        first = date.fromisoformat(f"{month}-01")
        last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
        plan = period_plan(context.uow(), start=first, end=last)
        past = {a.id for a in plan.actions if a.ends_at < NOW}
        broken = [v.message for v in plan.conflicts if v.action_id in past]
        assert broken == [], month
        checked += len(past)
    assert checked >= 0.9 * ACTIONS


# --- documents --------------------------------------------------------------------------


def test_documents_numbers_and_register_agree(db: sqlite3.Connection,
                                              demo: dict[str, int]) -> None:
    assert _one(db, "SELECT count(*) FROM document") == demo["document"] + DOCUMENTS
    rows = db.execute(
        "SELECT d.id, d.number, d.year, d.seq, d.series_id, d.state, d.void_reason, n.number, "
        "n.seq, n.void_reason, s.word, s.year FROM document d JOIN document_number n "
        "ON n.document_id = d.id JOIN document_series s ON s.id = n.series_id").fetchall()
    assert len(rows) == _one(db, "SELECT count(*) FROM document_number") \
        == _one(db, "SELECT count(*) FROM document WHERE number IS NOT NULL") > 0.8 * DOCUMENTS
    for _id, number, year, seq, _series, state, void, reg_number, reg_seq, reg_void, word, \
            series_year in rows:
        parsed = parse_number(number, word)
        assert (number, seq, year) == (reg_number, reg_seq, series_year)
        assert (parsed.word, parsed.year, parsed.seq) == (word, year, seq)
        assert reg_void == void and (state == "voided") == (void is not None)
    _without_gaps([(f"{r[10]}{r[11]}", r[8]) for r in rows])
    assert _one(db, "SELECT count(*) FROM document_series s WHERE next_number != 1 + "
                    "(SELECT max(seq) FROM document_number n WHERE n.series_id = s.id)") == 0
    assert _one(db, "SELECT count(*) FROM document WHERE number IS NULL AND state IN "
                    "('numbered', 'printed', 'archived')") == 0
    assert _one(db, "SELECT count(*) FROM document_archive") == 0  # printing re-renders
    states = dict(db.execute("SELECT state, count(*) FROM document GROUP BY state").fetchall())
    assert states["printed"] > 0.7 * DOCUMENTS and states["voided"] > 0
    assert _one(db, "SELECT count(*) FROM document WHERE state = 'printed' AND print_count < 1") == 0
    kinds = {k for (k,) in db.execute("SELECT DISTINCT kind FROM document")}
    assert kinds == {"letter", "supervision", "handover", "action-notice"}


def test_document_fields_are_those_the_kinds_draft(context: AppContext,
                                                   db: sqlite3.Connection) -> None:
    """Each kind's stored fields have the keys, in order, of the kind's own draft of the
    same record, and the document renders."""
    for kind in ("letter", "supervision", "handover", "action-notice"):
        doc_id, source_id, stored = db.execute(
            "SELECT id, source_id, fields_json FROM document WHERE kind = ? AND state = "
            "'printed' ORDER BY id LIMIT 1", (kind,)).fetchone()
        fields = json.loads(stored)
        drafted = draft_fields(context.uow(), DocumentKind(kind), source_id)
        assert list(fields) == list(drafted), kind
        if kind == "action-notice":  # nothing in it depends on the drafting day
            assert {**fields, "drafted_on": ""} == {**drafted, "drafted_on": ""}
        assert "（请填写" not in json.dumps(fields, ensure_ascii=False), kind
        detail = get_document(context.uow(), doc_id)
        assert detail.row.printable and detail.row.number
        pdf = render_pdf(context.uow(), document_id=doc_id)
        assert pdf.startswith(b"%PDF-"), kind


def test_a_printed_scale_document_reprints_and_is_archived_then(context: AppContext) -> None:
    row = next(r for r in list_documents(context.uow(), state=DocumentState.PRINTED, limit=5))
    result = print_document(context.uow(), actor=CLERK, document_id=row.id)
    assert result.pdf.startswith(b"%PDF-") and result.first_print  # archived at this print
    assert result.document.state is DocumentState.ARCHIVED
    assert result.document.print_count == row.print_count + 1
    again = print_document(context.uow(), actor=CLERK, document_id=row.id)
    assert again.pdf == result.pdf and not again.first_print


# --- whistles ---------------------------------------------------------------------------


def test_whistles_are_numbered_by_day_and_name_an_item(context: AppContext,
                                                       db: sqlite3.Connection) -> None:
    numbers = [n for (n,) in db.execute("SELECT number FROM whistle")]
    assert all(re.fullmatch(r"哨-\d{8}-\d{3}", n) for n in numbers)
    assert len(set(numbers)) == len(numbers) >= WHISTLES
    _without_gaps([(n[2:10], int(n[11:])) for n in numbers])
    assert _one(db, "SELECT count(*) FROM whistle WHERE substr(number, 3, 8) != "
                    "strftime('%Y%m%d', called_at)") == 0
    assert _one(db, "SELECT count(*) FROM whistle WHERE responsibility_item_id IS NULL") <= 3
    flagged = list_whistles(context.uow(), flagged=True, limit=1, now=NOW).total
    assert 0 < flagged < 0.2 * len(numbers)


# --- the pages' services ----------------------------------------------------------------


def test_the_pages_services_list_and_open_them(context: AppContext, demo: dict[str, int]) -> None:
    page = list_demands(context.uow())
    assert page.total == demo["demand"] + DEMANDS and page.rows
    rows = list_actions(context.uow(), start=NOW - timedelta(days=4 * 365),
                        end=NOW + timedelta(days=60))
    assert len(rows) == demo["joint_action"] + ACTIONS
    finished = next(r for r in rows if r.state.value == "evaluated")
    detail = get_action(context.uow(), finished.id)
    assert detail.results.units_inspected > 0 and len(detail.participants) >= 2
    assert not [v for v in detail.row.violations if v.hard]
    documents = list_documents(context.uow(), limit=1000)
    assert len(documents) == demo["document"] + DOCUMENTS
    register = number_register(context.uow())
    assert len(register) == sum(1 for d in documents if d.number)
    assert any(r.voided for r in register)
    years = {d.year for d in documents if d.year}
    for year in years:
        assert list_documents(context.uow(), year=year, limit=1000)
