"""The audit trail as the services write it: one row per change (in the change's own
transaction), none for a change that failed, phones masked, the chain verifiable; and
tampering with the database file caught by the real ``subcenter audit verify``."""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook

from desktop.bootstrap import AppContext
from desktop.domain.actor import Actor, Role
from desktop.domain.errors import (
    CancelledError,
    ConflictError,
    ImportRejectedError,
    PermissionDeniedError,
    ValidationError,
)
from desktop.progress import CancelToken
from desktop.services import audit_queries, grids
from desktop.services.audit import AuditAction, verify
from desktop.services.privacy import reveal_phone
from desktop.services.subcenter import set_up_sub_center
from desktop.spreadsheets.audit import export_audit
from desktop.spreadsheets.grids import export_grids, export_staff, import_grids
from tests.conftest import PROJECT_ROOT, STREET
from tests.integration.permission_cases import (
    MASKED,
    PHONE,
    SERVICE_CASES,
    Street,
    audit_count,
    build_street,
    fields,
    holder,
    snapshot,
)

ADMIN = Actor("王网格", Role.GRID_ADMIN)
DIRECTOR = Actor("赵主任", Role.DIRECTOR)
CLI = PROJECT_ROOT / ".venv" / "bin" / "subcenter"


@pytest.fixture
def street(context: AppContext, tmp_path: Path) -> Street:  # shadows the plain street
    set_up_sub_center(context.uow(), actor=context.actor, **STREET)
    return build_street(context, tmp_path / "files")


def audit_rows(context: AppContext) -> list[dict[str, object]]:
    with contextlib.closing(sqlite3.connect(context.paths.database)) as db:
        db.row_factory = sqlite3.Row
        return [dict(row) for row in db.execute("select * from audit_record order by id")]


# --- one row per change ------------------------------------------------------------------

EXPECTED = {  # case → (action, entity type)
    "create_community": (AuditAction.CREATE, "community"),
    "create_grid": (AuditAction.CREATE, "grid"),
    "update_grid": (AuditAction.UPDATE, "grid"),
    "set_boundary": (AuditAction.UPDATE, "grid"),
    "retire_grid": (AuditAction.UPDATE, "grid"),
    "merge_grids": (AuditAction.UPDATE, "grid"),
    "split_grid": (AuditAction.UPDATE, "grid"),
    "assign_staff": (AuditAction.CREATE, "grid_staff"),
    "end_assignment": (AuditAction.UPDATE, "grid_staff"),
    "record_presence": (AuditAction.CREATE, "grid_presence"),
    "import_grids": (AuditAction.IMPORT, "grid"),
    "import_staff": (AuditAction.IMPORT, "grid_staff"),
    "import_boundaries": (AuditAction.IMPORT, "grid_boundary"),
    "export_grids": (AuditAction.EXPORT, "grid"),
    "export_staff": (AuditAction.EXPORT, "grid_staff"),
    "reveal_phone": (AuditAction.REVEAL, "grid_person"),
    "export_audit": (AuditAction.EXPORT, "audit"),
}


@pytest.mark.parametrize("case", list(EXPECTED))
def test_each_service_writes_one_audit_row_and_the_chain_verifies(case: str,
                                                                  street: Street) -> None:
    permission, call = SERVICE_CASES[case]
    actor = Actor("审计测试员", holder(permission))
    before = audit_count(street.context)
    call(street, actor)
    rows = audit_rows(street.context)
    assert len(rows) == before + 1
    newest = rows[-1]
    assert (newest["action"], newest["entity_type"]) == (EXPECTED[case][0].value, EXPECTED[case][1])
    assert (newest["actor_name"], newest["actor_role"]) == ("审计测试员", actor.role.value)
    assert verify(street.context.uow()).ok


def test_update_records_before_and_after_of_the_changed_fields_only(street: Street) -> None:
    grids.update_grid(street.context.uow(), actor=ADMIN, grid_id=street.one.id,
                      expected_version=street.one.version,
                      fields=grids.GridFields("东风一网格", street.one.kind, street.one.category,
                                              households=100, population=450, note="新建小区"))
    newest = audit_rows(street.context)[-1]
    assert json.loads(str(newest["changes_json"])) == {"人口": [300, 450], "备注": ["", "新建小区"]}
    assert "东风一网格" in str(newest["summary"]) and newest["entity_id"] == street.one.code


def test_saving_an_unchanged_grid_writes_no_audit_row(street: Street) -> None:
    before = audit_count(street.context)
    grids.update_grid(street.context.uow(), actor=ADMIN, grid_id=street.one.id,
                      expected_version=street.one.version, fields=fields("东风一网格"))
    assert audit_count(street.context) == before


def _refused_update(s: Street) -> None:
    grids.update_grid(s.context.uow(), actor=Actor("坐席甲", Role.OPERATOR), grid_id=s.one.id,
                      expected_version=s.one.version, fields=fields("改名", population=1))


def _invalid_update(s: Street) -> None:
    grids.update_grid(s.context.uow(), actor=ADMIN, grid_id=s.one.id,
                      expected_version=s.one.version,
                      fields=grids.GridFields("东风一网格", s.one.kind, s.one.category,
                                              households=500, population=400))


def _stale_update(s: Street) -> None:
    grids.update_grid(s.context.uow(), actor=ADMIN, grid_id=s.one.id,
                      expected_version=s.one.version - 1, fields=fields("东风一网格", 999))


def _bad_import(s: Street) -> None:
    path = s.folder / "坏.xlsx"
    path.write_bytes(b"not a workbook")
    import_grids(s.context.uow(), actor=ADMIN, path=path)


def _cancelled_export(s: Street) -> None:
    token = CancelToken()
    token.cancel()
    export_grids(s.context.uow(), s.folder / "取消.xlsx", actor=ADMIN, cancel=token)


@pytest.mark.parametrize(("failing", "error"), [
    (_refused_update, PermissionDeniedError), (_invalid_update, ValidationError),
    (_stale_update, ConflictError), (_bad_import, ImportRejectedError),
    (_cancelled_export, CancelledError),
], ids=["refused", "invalid", "stale", "bad-file", "cancelled-export"])
def test_an_action_that_fails_leaves_no_audit_row(failing, error, street: Street) -> None:  # type: ignore[no-untyped-def]
    before = snapshot(street.context)
    with pytest.raises(error):
        failing(street)
    assert snapshot(street.context) == before  # neither the change nor an audit row


# --- personal data -------------------------------------------------------------------------


def test_phones_are_masked_in_the_trail_and_the_staff_export(street: Street) -> None:
    path = street.folder / "人员.xlsx"
    assert export_staff(street.context.uow(), path, actor=ADMIN) == 1
    cells = [str(c) for row in load_workbook(path).active.iter_rows(values_only=True)
             for c in row if c is not None]
    assert MASKED in cells
    assert not any(PHONE in cell for cell in cells), "the export must not hold a full phone"
    trail = json.dumps(audit_rows(street.context), ensure_ascii=False, default=str)
    assert MASKED in trail and PHONE not in trail


def test_revealing_a_phone_returns_it_and_records_who_saw_whose(street: Street) -> None:
    assert reveal_phone(street.context.uow(), actor=DIRECTOR,
                        person_id=street.member.person_id) == PHONE
    newest = audit_rows(street.context)[-1]
    assert newest["action"] == AuditAction.REVEAL.value and newest["actor_name"] == "赵主任"
    assert "李红" in str(newest["summary"]) and MASKED in str(newest["summary"])
    assert PHONE not in json.dumps(newest, ensure_ascii=False, default=str)


# --- reading the trail ---------------------------------------------------------------------


def test_search_filters_and_returns_labelled_rows_newest_first(street: Street) -> None:
    _refused = Actor("坐席甲", Role.OPERATOR)
    reveal_phone(street.context.uow(), actor=DIRECTOR, person_id=street.member.person_id)
    rows = audit_queries.search_audit(street.context.uow(), actor=DIRECTOR)
    assert [r.id for r in rows] == sorted((r.id for r in rows), reverse=True)
    assert rows[0].action is AuditAction.REVEAL and rows[0].role == "执法办主任"
    assert rows[0].entity_label == "网格人员信息"
    created = audit_queries.search_audit(street.context.uow(), actor=DIRECTOR,
                                         action=AuditAction.CREATE, text="东风二网格")
    assert [r.summary for r in created] == [f"新建网格 {street.two.code} 东风二网格（东风社区）"]
    assert ("人口", "", "300") in {(c.field, c.before, c.after) for c in created[0].changes}
    assert audit_queries.search_audit(street.context.uow(), actor=DIRECTOR,
                                      actor_name="赵主任")[0].action is AuditAction.REVEAL
    with pytest.raises(PermissionDeniedError):
        audit_queries.search_audit(street.context.uow(), actor=_refused)


def test_audit_export_writes_every_record_and_is_itself_audited(street: Street) -> None:
    path = street.folder / "审计.xlsx"
    count = audit_count(street.context)
    assert export_audit(street.context.uow(), path, actor=DIRECTOR) == count
    sheet = load_workbook(path).active
    values = list(sheet.iter_rows(values_only=True))
    assert "哈希链校验通过" in str(values[0][0])
    assert values[1][:3] == ("序号", "时间", "用户")
    assert [row[0] for row in values[2:]] == list(range(1, count + 1))
    newest = audit_rows(street.context)[-1]
    assert newest["action"] == "export" and "审计.xlsx" in str(newest["summary"])


def test_startup_check_is_silent_when_whole_and_warns_in_chinese_when_not(street: Street) -> None:
    assert audit_queries.startup_integrity_warning(street.context.uow()) is None
    _tamper(street.context, "UPDATE audit_record SET summary = '改过' WHERE id = 2")
    warning = audit_queries.startup_integrity_warning(street.context.uow())
    assert warning is not None and "第 2 号" in warning and "系统管理员" in warning


# --- tampering, caught by the real command line --------------------------------------------


def _tamper(context: AppContext, sql: str) -> None:
    context.engine.dispose()  # no pooled connection holds a stale view
    with contextlib.closing(sqlite3.connect(context.paths.database)) as db:
        db.execute(sql)
        db.commit()


def _verify_cli(context: AppContext) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run([str(CLI), "--home", str(context.paths.root), "audit", "verify"],
                          capture_output=True, text=True, env=env, timeout=60, check=False)


@pytest.mark.slow
@pytest.mark.parametrize(("sql", "named"), [
    ("UPDATE audit_record SET summary = '新建网格（已篡改）' WHERE id = 3", "第 3 号记录的内容被修改"),
    ("DELETE FROM audit_record WHERE id = 3", "第 3 号记录被删除"),
    ("DELETE FROM audit_record WHERE id = (SELECT max(id) FROM audit_record)", "最后一条为第 {last} 号，实有"),
], ids=["edited-row", "deleted-row", "deleted-last-row"])
def test_cli_audit_verify_catches_tampering(sql: str, named: str, street: Street) -> None:
    reveal_phone(street.context.uow(), actor=DIRECTOR, person_id=street.member.person_id)
    last = audit_count(street.context)  # set-up, community, 2 grids, staff, reveal
    assert last >= 5
    good = _verify_cli(street.context)
    assert good.returncode == 0, good.stderr
    assert f"共 {last} 条记录" in good.stdout

    _tamper(street.context, sql)
    result = _verify_cli(street.context)
    assert result.returncode == 1
    assert named.format(last=last) in result.stderr, result.stderr


@pytest.mark.slow
def test_cli_audit_export(street: Street) -> None:
    target = street.folder / "cli-审计.xlsx"
    result = subprocess.run([str(CLI), "--home", str(street.context.paths.root), "audit",
                             "export", str(target)], capture_output=True, text=True, timeout=60,
                            check=False)
    assert result.returncode == 0, result.stderr
    assert target.is_file() and "审计记录" in result.stdout
