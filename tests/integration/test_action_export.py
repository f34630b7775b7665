"""``subcenter export actions --week 2026-W48 FILE``: the week as iCalendar (parsed back)
and as the week's plan in xlsx (read back)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from openpyxl import load_workbook

from desktop.bootstrap import AppContext
from desktop.cli import main
from desktop.domain.errors import DomainError
from desktop.services import joint_actions as actions
from desktop.services.joint_actions import ParticipantInput
from desktop.spreadsheets.action_export import PLAN_COLUMNS, export_action_ics
from tests.conftest import STREET
from tests.integration.action_fixtures import DIRECTOR, PLANNER, Roster, build_roster, plan

TUESDAY = date(2026, 11, 24)  # 2026-W48 runs from Monday 23 to Sunday 29 November


@pytest.fixture
def week(context: AppContext, street: object) -> dict[str, actions.ActionDetail]:
    roster = build_roster(context)
    team = [ParticipantInput(o) for o in (roster.certified[0], roster.certified[1],
                                          roster.city_officer)]
    made = {
        "approved": _through(context, roster, plan(roster, day=TUESDAY, demand=False), team,
                             approve=True),
        "submitted": _through(context, roster, plan(roster, day=TUESDAY + timedelta(days=1),
                                                    title="五一广场联合检查", demand=False), team),
        "draft": actions.create_action(context.uow(), actor=PLANNER, data=plan(
            roster, day=TUESDAY + timedelta(days=2), title="草拟中的行动", demand=False)),
        "next week": actions.create_action(context.uow(), actor=PLANNER, data=plan(
            roster, day=TUESDAY + timedelta(days=7), title="下周行动", demand=False)),
    }
    cancelled = _through(context, roster, plan(roster, day=TUESDAY + timedelta(days=3),
                                               title="雨天取消的行动", demand=False), team)
    made["cancelled"] = actions.cancel_action(context.uow(), actor=PLANNER,
                                              action_id=cancelled.id,
                                              expected_version=cancelled.version, reason="暴雨")
    return made


def _through(context: AppContext, roster: Roster, data: actions.ActionPlanInput,
             team: list[ParticipantInput], approve: bool = False) -> actions.ActionDetail:
    detail = actions.create_action(context.uow(), actor=PLANNER, data=data)
    detail = actions.set_participants(context.uow(), actor=PLANNER, action_id=detail.id,
                                      expected_version=detail.version, participants=team)
    detail = actions.submit_action(context.uow(), actor=PLANNER, action_id=detail.id,
                                   expected_version=detail.version)
    if approve:
        detail = actions.approve_action(context.uow(), actor=DIRECTOR, action_id=detail.id,
                                        expected_version=detail.version)
    return detail


def _export(context: AppContext, path: Path) -> int:
    return main(["--home", str(context.paths.root), "export", "actions", "--week", "2026-W48",
                 str(path)])


def _events(path: Path) -> dict[str, object]:
    calendar = Calendar.from_ical(path.read_bytes())
    return {str(event["uid"]): event for event in calendar.walk("VEVENT")}


def test_the_week_as_icalendar(context: AppContext, week: dict[str, actions.ActionDetail],
                               tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "联合执法.ics"
    assert _export(context, path) == 0
    assert "2026-W48" in capsys.readouterr().out

    raw = path.read_bytes()
    assert raw.startswith(b"BEGIN:VCALENDAR\r\n") and raw.endswith(b"END:VCALENDAR\r\n")
    lines = raw.split(b"\r\n")
    assert b"\n" not in b"".join(lines), "every line ends with CRLF"
    assert max(len(line) for line in lines) <= 75, "lines are folded at 75 octets"
    assert b"BEGIN:VTIMEZONE\r\nTZID:Asia/Shanghai" in raw

    events = _events(path)
    assert len(events) == 3  # drafts and next week's action are left out
    by_title = {str(e["summary"]).split("】", 1)[1]: e for e in events.values()}
    approved = by_title["黄兴中路夜市占道专项整治"]
    assert approved["status"] == "CONFIRMED"
    assert by_title["五一广场联合检查"]["status"] == "TENTATIVE"
    assert by_title["雨天取消的行动"]["status"] == "CANCELLED"
    start = approved.decoded("dtstart")
    assert start == datetime(2026, 11, 24, 19, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    assert start.utcoffset() == timedelta(hours=8)
    assert approved["dtstart"].params["TZID"] == "Asia/Shanghai"
    assert sorted(a.params["CN"] for a in approved["attendee"]) == ["张伟", "王芳", "赵磊"]
    assert "区城管执法局" in str(approved["description"])
    assert str(approved["location"]) == "黄兴中路步行街南口至司门口"


def test_uids_are_stable_and_the_sequence_follows_changes(
        context: AppContext, week: dict[str, actions.ActionDetail], tmp_path: Path) -> None:
    first, second = tmp_path / "a.ics", tmp_path / "b.ics"
    assert _export(context, first) == 0
    submitted = week["submitted"]
    moved = actions.move_action(context.uow(), actor=PLANNER, action_id=submitted.id,
                                expected_version=submitted.version,
                                starts_at=submitted.row.starts_at + timedelta(hours=1),
                                ends_at=submitted.row.ends_at + timedelta(hours=1))
    assert _export(context, second) == 0
    before, after = _events(first), _events(second)
    assert set(before) == set(after)
    uid = next(u for u in after if u.startswith(moved.id))
    assert int(after[uid]["sequence"]) > int(before[uid]["sequence"])
    assert after[uid].decoded("dtstart").hour == before[uid].decoded("dtstart").hour + 1


def test_the_week_plan_as_xlsx(context: AppContext, week: dict[str, actions.ActionDetail],
                               tmp_path: Path) -> None:
    path = tmp_path / "周计划.xlsx"
    assert _export(context, path) == 0
    book = load_workbook(path)
    assert book.sheetnames == ["行动计划", "人员工作量"]
    sheet = book["行动计划"]
    assert "2026-W48" in sheet["A1"].value
    assert [c.value for c in sheet[3]] == [title for title, _width in PLAN_COLUMNS]
    assert sheet.freeze_panes == "A4"
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=4)]
    assert [row[4] for row in rows] == ["黄兴中路夜市占道专项整治", "五一广场联合检查", "草拟中的行动"]
    assert rows[0][1] == datetime(2026, 11, 24) and rows[0][2] == "二" and rows[0][7] == "已批准"
    assert rows[0][12] == 3 and "张伟" in rows[0][11]
    assert "两人" not in rows[0][14]  # the approved action's check column
    assert rows[2][14] != "符合"  # the draft has no one on it: its problems are listed
    assert sheet.column_dimensions["E"].width == 28
    loads = book["人员工作量"]
    header = [c.value for c in loads[2]]
    assert header[:3] == ["姓名", "单位", "力量"] and header[-3:] == ["合计（小时）", "行动数", "冲突"]
    totals = {row[0].value: row[len(header) - 3].value for row in loads.iter_rows(min_row=3)}
    assert totals["张伟"] == 6  # two three-hour actions (the cancelled one does not count)


def test_a_file_that_is_neither_ics_nor_xlsx_is_refused(
        context: AppContext, week: dict[str, actions.ActionDetail], tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    assert _export(context, tmp_path / "plan.csv") == 1
    assert ".ics" in capsys.readouterr().err
    assert main(["--home", str(context.paths.root), "export", "actions", "--week", "2026-W60",
                 str(tmp_path / "x.ics")]) == 1
    assert "没有第 60 周" in capsys.readouterr().err


def test_one_action_to_icalendar(context: AppContext, week: dict[str, actions.ActionDetail],
                                 tmp_path: Path) -> None:
    path = tmp_path / "one.ics"
    export_action_ics(context.uow(), week["approved"].id, path, actor=DIRECTOR)
    assert list(_events(path)) == [f"{week['approved'].id}@subcenter-{STREET['division_code']}"]
    with pytest.raises(DomainError, match="草稿"):
        export_action_ics(context.uow(), week["draft"].id, tmp_path / "draft.ics", actor=DIRECTOR)
    assert not (tmp_path / "draft.ics").exists()
