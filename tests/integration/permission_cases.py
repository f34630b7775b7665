"""A small street on file and, for every permission, the service calls that need it.

Shared by the permission, audit and UI permission tests. Each case is a callable
``(data, actor) -> object`` that would succeed for a role holding the permission, so a
refusal can only come from the permission check.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from openpyxl import Workbook

from desktop.bootstrap import AppContext
from desktop.domain.actor import LOCAL_ADMIN, Actor, Role
from desktop.domain.deadlines import DemandKind, DemandNature, DemandSource
from desktop.domain.grids import CommunityKind, GridCategory, GridKind, StaffRole
from desktop.domain.identity import gb11643_check_digit
from desktop.domain.permissions import ROLE_PERMISSIONS, Permission, allowed
from desktop.domain.roster import Force, StaffingType, UnitKind
from desktop.domain.workdays import CalendarException, CalendarSource
from desktop.services import (
    availability,
    calendar,
    demands,
    grid_lifecycle,
    grid_staff,
    grids,
    roster,
    units,
)
from desktop.services.grid_lifecycle import SplitPart
from desktop.services.grid_staff import PersonInput, StaffRow
from desktop.services.grids import GridFields, GridRow

STREET_CODE = "430102007"
PHONE = "13812345678"
OFFICER_ID = "43010219850612001" + gb11643_check_digit("43010219850612001")
OTHER_ID = "43010219900315002" + gb11643_check_digit("43010219900315002")
MASKED = "138****5678"
LON, LAT, STEP = 112.98, 28.19, 0.002
GRID_FILE, STAFF_FILE, BOUNDARY_FILE = "网格导入.xlsx", "人员导入.xlsx", "边界.geojson"
LIST_FILE = "事项清单.xlsx"


@dataclass(frozen=True)
class Street:
    context: AppContext
    folder: Path  # for files the cases write and read
    one: GridRow
    two: GridRow
    member: StaffRow  # a 网格员 of ``one`` with the phone ``PHONE``
    officer_id: str  # a "1" officer on the roster, on duty today
    demand_id: str = ""  # a demand being handled, with a 延期 request waiting for approval
    unit_id: str = ""  # a district department a whistle can be called to


def fields(name: str, population: int = 300) -> GridFields:
    return GridFields(name, GridKind.BASE, GridCategory.URBAN_COMMUNITY, households=100,
                      population=population)


def build_street(context: AppContext, folder: Path) -> Street:
    """Two grids of 东风社区 and one 网格员 with a phone, done by the local administrator."""
    uow, admin = context.uow, LOCAL_ADMIN
    community = grids.create_community(uow(), actor=admin, name="东风社区",
                                       kind=CommunityKind.COMMUNITY, code="001")
    one = grids.create_grid(uow(), actor=admin, community_id=community.id, fields=fields("东风一网格"))
    two = grids.create_grid(uow(), actor=admin, community_id=community.id, fields=fields("东风二网格"))
    member = grid_staff.assign_staff(uow(), actor=admin, grid_id=one.id, role=StaffRole.MEMBER,
                                     person=PersonInput("李红", PHONE, "街道城管科"))
    officer = roster.create_officer(uow(), actor=admin, data=roster.OfficerInput(
        "王强", OFFICER_ID, Force.STREET, StaffingType.CIVIL_SERVANT, squad="一中队"))
    # the staff change wrote a history line, which travels inside the grid: a new version
    one = grids.get_grid(uow(), one.id)
    folder.mkdir(parents=True, exist_ok=True)
    for write in (grid_file, staff_file, boundary_file, list_file):
        write(folder)
    return Street(context, folder, one, two, member, officer.id, _demand_in_handling(context),
                  _whistle_unit(context))


def _whistle_unit(context: AppContext) -> str:
    """A unit of the directory for the whistle case (fixture data: no audit row)."""
    with context.uow() as uow:
        unit = units.add_unit(uow, data=units.UnitInput("区城管执法局", UnitKind.DEPARTMENT))
        uow.commit()
        return unit.id


def _demand_in_handling(context: AppContext) -> str:
    """A demand taken in, routed to its community, being handled, with a pending 延期.
    Built with the non-committing building blocks in one transaction: fixture data, no
    audit rows (the audit tests count those of their own calls)."""
    from desktop.clock import now
    from desktop.domain.demand_states import DemandAction, HandlingLevel
    from desktop.services.calendar import calendar_in
    from desktop.services.demand_extensions import add_extension_request
    from desktop.services.demand_flow import ActionInput, add_demand, apply_action

    operator, at = Actor("坐席甲", Role.OPERATOR), now()
    with context.uow() as uow:
        calendar = calendar_in(uow)
        demand = add_demand(uow, actor=operator, data=_demand_input(), at=at, calendar=calendar)
        routing = ActionInput(routing=demands.Routing(HandlingLevel.COMMUNITY))
        for action in (DemandAction.TRIAGE, DemandAction.DISPATCH, DemandAction.START):
            apply_action(uow, demand, action, actor=operator, at=at, calendar=calendar,
                         data=routing if action is DemandAction.TRIAGE else None)
        add_extension_request(uow, demand, actor=operator, at=at, workdays=2,
                              reason="需等待检测报告")
        uow.commit()
        return demand.id


def snapshot(context: AppContext) -> list[str]:
    """Every row of every table, as SQL text: equal snapshots mean nothing changed."""
    with contextlib.closing(sqlite3.connect(context.paths.database)) as db:
        return list(db.iterdump())


def audit_count(context: AppContext) -> int:
    with contextlib.closing(sqlite3.connect(context.paths.database)) as db:
        return int(db.execute("select count(*) from audit_record").fetchone()[0])


def holder(permission: Permission) -> Role:
    """A role that holds ``permission`` (the one a control call runs as)."""
    for role in (Role.GRID_ADMIN, Role.DIRECTOR, Role.SYSADMIN, Role.OPERATOR, Role.CLERK):
        if allowed(role, permission):
            return role
    raise AssertionError(f"no role holds {permission}")


def lacking(permission: Permission) -> list[Role]:
    return [role for role in Role if not allowed(role, permission)]


def narrowed(permission: Permission) -> dict[Role, frozenset[Permission]]:
    """The matrix with ``permission`` taken from 坐席: how a permission every role holds
    today (导出数据) is still shown to be enforced."""
    table = dict(ROLE_PERMISSIONS)
    table[Role.OPERATOR] = ROLE_PERMISSIONS[Role.OPERATOR] - {permission}
    return table


# --- files the import cases read ---------------------------------------------------------


def grid_file(folder: Path) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.title = "网格"
    sheet.append(["社区/村", "社区类型", "社区代码", "网格编码", "网格名称", "网格类型", "专属类型",
                  "网格类别", "户数", "人口", "面积(平方公里)", "备注"])
    sheet.append(["石桥村", "村", "002", None, "石桥一网格", "基础网格", None, "一般村", 80, 200, 1.5,
                  None])
    path = folder / GRID_FILE
    book.save(path)
    return path


def staff_file(folder: Path) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.title = "网格人员"
    sheet.append(["网格编码", "网格名称", "姓名", "角色", "联系电话", "工作单位", "职责", "任职日期",
                  "本月在格天数"])
    sheet.append([f"{STREET_CODE}001002", "东风二网格", "王五", "网格员", "13900001111", "街道", None,
                  None, None])
    path = folder / STAFF_FILE
    book.save(path)
    return path


def list_file(folder: Path) -> Path:
    book = Workbook()
    book.active.append(["事项编号", "事项类型", "事项名称", "主体责任单位", "配合责任单位"])
    book.active.append(["CG-001", "城市管理", "占道经营", "区城管执法局", "街道"])
    path = folder / LIST_FILE
    book.save(path)
    return path


def square(col: int) -> list[list[list[float]]]:
    x0, x1 = LON + col * STEP, LON + (col + 1) * STEP
    return [[[x0, LAT], [x1, LAT], [x1, LAT + STEP], [x0, LAT + STEP], [x0, LAT]]]


def boundary_file(folder: Path) -> Path:
    features = [{"type": "Feature", "properties": {"网格编码": f"{STREET_CODE}001{n:03d}"},
                 "geometry": {"type": "Polygon", "coordinates": square(n)}} for n in (1, 2)]
    path = folder / BOUNDARY_FILE
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), "utf-8")
    return path


# --- the cases ---------------------------------------------------------------------------

Call = Callable[[Street, Actor], object]


def _import(name: str) -> Call:
    def call(street: Street, actor: Actor) -> object:
        from desktop.services.boundaries import import_boundaries
        from desktop.spreadsheets.grids import import_grids, import_staff

        service, file = {"grids": (import_grids, GRID_FILE), "staff": (import_staff, STAFF_FILE),
                         "boundaries": (import_boundaries, BOUNDARY_FILE)}[name]
        return service(street.context.uow(), actor=actor, path=street.folder / file)
    return call


def _export(name: str) -> Call:
    def call(street: Street, actor: Actor) -> object:
        from desktop.spreadsheets.grids import export_grids, export_staff

        service = export_grids if name == "grids" else export_staff
        return service(street.context.uow(), street.folder / f"导出-{name}.xlsx", actor=actor)
    return call


def _reveal(street: Street, actor: Actor) -> object:
    from desktop.services.privacy import reveal_phone

    return reveal_phone(street.context.uow(), actor=actor, person_id=street.member.person_id)


def _search_audit(street: Street, actor: Actor) -> object:
    from desktop.services.audit_queries import search_audit

    return search_audit(street.context.uow(), actor=actor)


def _export_audit(street: Street, actor: Actor) -> object:
    from desktop.spreadsheets.audit import export_audit

    return export_audit(street.context.uow(), street.folder / "审计.xlsx", actor=actor)


def _create_user(street: Street, actor: Actor) -> object:
    from desktop.services import accounts

    return accounts.create_user(street.context.uow(), actor=actor, username="zhangsan",
                                display_name="张三", role=Role.OPERATOR, password="Abc12345!x")


def _backup(street: Street, actor: Actor) -> object:
    from desktop.services.backup import backup_now

    return backup_now(street.context, street.folder / "备份.sqlite3", actor=actor)


def _import_list(street: Street, actor: Actor) -> object:
    from desktop.spreadsheets.responsibilities import import_responsibility_list

    return import_responsibility_list(street.context.uow(), actor=actor,
                                      path=street.folder / LIST_FILE)


def _uow(street: Street):  # type: ignore[no-untyped-def]
    return street.context.uow()


def _sync_services():  # type: ignore[no-untyped-def]
    from desktop.sync import services

    return services


def _demand_input() -> demands.IntakeInput:
    return demands.IntakeInput("商户占道经营", "黄兴中路商户把货架摆上人行道", DemandKind.ENFORCEMENT,
                               DemandSource.HOTLINE, DemandNature.COMPLAINT, reporter_phone=PHONE)


def _demand_version(street: Street) -> int:
    return demands.get_demand(_uow(street), street.demand_id).demand.version


def _decide_extension(street: Street, actor: Actor) -> object:
    from desktop.services.demand_extensions import decide_extension

    detail = demands.get_demand(_uow(street), street.demand_id)
    assert detail.pending_extension is not None
    return decide_extension(_uow(street), actor=actor, request_id=detail.pending_extension.id,
                            expected_version=detail.demand.version, approve=True)


def _call_whistle(street: Street, actor: Actor) -> object:
    from desktop.domain.whistles import WhistleKind
    from desktop.services import whistles

    return whistles.call_whistle(_uow(street), actor=actor, data=whistles.WhistleInput(
        WhistleKind.EMERGENCY, "占道经营", "请区城管到场", (whistles.TargetInput(street.unit_id),),
        demand_id=street.demand_id))


# --- official documents (the document life-cycle helper's cases) -------------------------


def _document(street: Street, state: str) -> str:
    """A 函告 of the street's demand brought to ``state`` (submitted / numbered) by the
    people whose job it is."""
    from desktop.documents.kinds import DocumentKind
    from desktop.services import documents as docs

    clerk, director = Actor("文书甲", Role.CLERK), Actor("主任甲", Role.DIRECTOR)
    row = docs.create_draft(_uow(street), actor=clerk, kind=DocumentKind.LETTER,
                            source_id=street.demand_id).row
    docs.submit(_uow(street), actor=clerk, document_id=row.id)
    if state == "numbered":
        docs.approve(_uow(street), actor=director, document_id=row.id)
    return row.id


def _document_case(service: Callable[..., object], state: str) -> Call:
    """Approving, voiding and printing need a document in the right state, made only
    for a holder: the call first asks the service about an unknown id. A role lacking
    the permission is refused there, before anything is stored; a holder passes the
    check and meets NotFoundError; then the document is made and the real call runs."""
    def call(street: Street, actor: Actor) -> object:
        from desktop.domain.errors import NotFoundError

        with contextlib.suppress(NotFoundError):
            service(_uow(street), actor=actor, document_id="（无此公文）")
        return service(_uow(street), actor=actor, document_id=_document(street, state))
    return call


def _document_cases() -> dict[str, tuple[Permission, Call]]:
    from desktop.documents.kinds import DocumentKind
    from desktop.services import document_output, documents

    return {
        "create_document_draft": (Permission.DOCUMENT_DRAFT, lambda s, a: documents.create_draft(
            _uow(s), actor=a, kind=DocumentKind.LETTER, source_id=s.demand_id)),
        "approve_document": (Permission.DOCUMENT_APPROVE,
                             _document_case(documents.approve, "submitted")),
        "print_document": (Permission.DOCUMENT_PRINT,
                           _document_case(document_output.print_document, "numbered")),
        "void_document": (Permission.DOCUMENT_VOID, _document_case(
            lambda uow, **kw: documents.void(uow, reason="文字有误", **kw), "numbered")),
    }


def _install_seal(street: Street, actor: Actor) -> object:
    """A transparent PNG beside (not inside) the street's folder: a refusal writes nothing."""
    from PIL import Image, ImageDraw

    from desktop.services.seal import install_seal

    source = street.folder.parent / "印章" / "电子印章.png"
    source.parent.mkdir(parents=True, exist_ok=True)
    image = Image.new("RGBA", (400, 400), (0, 0, 0, 0))
    ImageDraw.Draw(image).ellipse((20, 20, 380, 380), outline=(230, 0, 0, 255), width=16)
    image.save(source)
    return install_seal(_uow(street), street.context.paths, actor=actor, source=source)


def _action_plan() -> object:
    from datetime import datetime, time, timedelta

    from desktop.domain.action_states import ActionType
    from desktop.domain.roster import EnforcementDomain
    from desktop.services.action_building import ActionPlanInput

    day = date.today() + timedelta(days=1)
    return ActionPlanInput("黄兴中路占道经营整治", ActionType.CAMPAIGN,
                           EnforcementDomain.URBAN_MANAGEMENT, datetime.combine(day, time(9)),
                           datetime.combine(day, time(12)))


def _create_action(street: Street, actor: Actor) -> object:
    from desktop.services import joint_actions

    return joint_actions.create_action(_uow(street), actor=actor, data=_action_plan())  # type: ignore[arg-type]


def _approve_action(street: Street, actor: Actor) -> object:
    """Approving needs a submitted, legal action. Building one changes the database,
    which the refusal tests would see, so it is built only for a role that may approve;
    a lacking role is refused before the service reads the (empty) id."""
    from desktop.services import joint_actions

    action_id, version = "", 0
    if allowed(actor.role, Permission.ACTION_APPROVE):
        action_id, version = _submitted_action(street)
    return joint_actions.approve_action(_uow(street), actor=actor, action_id=action_id,
                                        expected_version=version)


def _submitted_action(street: Street) -> tuple[str, int]:
    from desktop.domain.action_states import ActionState
    from desktop.domain.roster import EnforcementDomain
    from desktop.services.action_building import ParticipantInput, add_action, put_participants
    from desktop.services.certificates import attach_certificate

    with street.context.uow() as uow:
        serial = 100 + len(uow.roster.officers())
        ids = []
        for n, name in ((serial, "钱程"), (serial + 1, "孙悦")):
            first17 = f"430102199{n % 10}0101{n:03d}"
            officer = roster.add_officer(uow, actor=LOCAL_ADMIN, data=roster.OfficerInput(
                name, first17 + gb11643_check_digit(first17), Force.STREET,
                StaffingType.CIVIL_SERVANT))
            attach_certificate(uow, actor=LOCAL_ADMIN, officer=officer, number=f"湘4301029{n:03d}",
                               issuing_authority="湖南省人民政府",
                               domains=[EnforcementDomain.URBAN_MANAGEMENT],
                               valid_from=date.today() - timedelta(days=30),
                               valid_until=date.today() + timedelta(days=900))
            ids.append(officer.id)
        uow.flush()
        action = add_action(uow, actor=LOCAL_ADMIN, data=_action_plan())  # type: ignore[arg-type]
        put_participants(uow, action, [ParticipantInput(officer_id) for officer_id in ids])
        action.state = ActionState.SUBMITTED.value
        uow.commit()
        return action.id, action.version


SERVICE_CASES: dict[str, tuple[Permission, Call]] = {
    "create_community": (Permission.GRID_EDIT, lambda s, a: grids.create_community(
        _uow(s), actor=a, name="荷花村", kind=CommunityKind.VILLAGE)),
    "create_grid": (Permission.GRID_EDIT, lambda s, a: grids.create_grid(
        _uow(s), actor=a, community_id=s.one.community_id, fields=fields("东风三网格"))),
    "update_grid": (Permission.GRID_EDIT, lambda s, a: grids.update_grid(
        _uow(s), actor=a, grid_id=s.one.id, expected_version=s.one.version,
        fields=fields("东风一网格", population=450))),
    "set_boundary": (Permission.GRID_EDIT, lambda s, a: grids.set_boundary(
        _uow(s), actor=a, grid_id=s.one.id,
        geojson=json.dumps({"type": "Polygon", "coordinates": square(0)}))),
    "retire_grid": (Permission.GRID_EDIT, lambda s, a: grid_lifecycle.retire_grid(
        _uow(s), actor=a, grid_id=s.two.id, reason="并入相邻网格")),
    "merge_grids": (Permission.GRID_EDIT, lambda s, a: grid_lifecycle.merge_grids(
        _uow(s), actor=a, grid_ids=[s.one.id, s.two.id], fields=fields("东风合并网格"))),
    "split_grid": (Permission.GRID_EDIT, lambda s, a: grid_lifecycle.split_grid(
        _uow(s), actor=a, grid_id=s.two.id,
        parts=[SplitPart(fields("东风二甲网格")), SplitPart(fields("东风二乙网格"))])),
    "assign_staff": (Permission.GRID_STAFF_EDIT, lambda s, a: grid_staff.assign_staff(
        _uow(s), actor=a, grid_id=s.two.id, role=StaffRole.LEADER,
        person=PersonInput("张明", "13800005678"))),
    "end_assignment": (Permission.GRID_STAFF_EDIT, lambda s, a: grid_staff.end_assignment(
        _uow(s), actor=a, assignment_id=s.member.assignment_id)),
    "record_presence": (Permission.GRID_STAFF_EDIT, lambda s, a: grid_staff.record_presence(
        _uow(s), actor=a, assignment_id=s.member.assignment_id,
        month=grid_staff.current_month(), days=18)),
    "import_grids": (Permission.GRID_IMPORT, _import("grids")),
    "import_staff": (Permission.GRID_IMPORT, _import("staff")),
    "import_boundaries": (Permission.GRID_IMPORT, _import("boundaries")),
    "export_grids": (Permission.DATA_EXPORT, _export("grids")),
    "export_staff": (Permission.DATA_EXPORT, _export("staff")),
    "reveal_phone": (Permission.PERSONAL_DATA_REVEAL, _reveal),
    "search_audit": (Permission.AUDIT_VIEW, _search_audit),
    "export_audit": (Permission.AUDIT_VIEW, _export_audit),
    "create_user": (Permission.ACCOUNT_MANAGE, _create_user),
    "backup_now": (Permission.BACKUP_MANAGE, _backup),
    "create_officer": (Permission.ROSTER_EDIT, lambda s, a: roster.create_officer(
        _uow(s), actor=a, data=roster.OfficerInput(
            "赵敏", OTHER_ID, Force.STREET, StaffingType.CIVIL_SERVANT))),
    "create_unit": (Permission.UNIT_EDIT, lambda s, a: units.create_unit(
        _uow(s), actor=a, data=units.UnitInput("区水务局", UnitKind.DEPARTMENT))),
    "set_calendar_year": (Permission.SETTINGS_EDIT, lambda s, a: calendar.set_year(
        _uow(s), actor=a, year=2027, source=CalendarSource.IMPORT,
        days=[CalendarException(date(2027, 1, 1), False, "元旦")])),
    "set_duty": (Permission.DUTY_EDIT, lambda s, a: availability.set_duty(
        _uow(s), actor=a, day=date.today(), officer_id=s.officer_id)),
    "intake_demand": (Permission.DEMAND_INTAKE, lambda s, a: demands.intake_demand(
        _uow(s), actor=a, data=_demand_input())),
    "report_result": (Permission.DEMAND_HANDLE, lambda s, a: demands.report_result(
        _uow(s), actor=a, demand_id=s.demand_id, expected_version=_demand_version(s),
        note="已清理占道货物")),
    "decide_extension": (Permission.DEMAND_APPROVE, _decide_extension),
    "reveal_reporter_phone": (Permission.PERSONAL_DATA_REVEAL, lambda s, a:
                              demands.reveal_reporter_phone(_uow(s), actor=a,
                                                            demand_id=s.demand_id)),
    "import_responsibility_list": (Permission.RESPONSIBILITY_EDIT, _import_list),
    "configure_sync": (Permission.SYNC_CONFIGURE, lambda s, a: _sync_services().configure_sync(
        _uow(s), actor=a, server_url="https://district.example.gov.cn")),
    "dismiss_refused_sync": (Permission.SYNC_RUN, lambda s, a: _sync_services().dismiss_refused(
        _uow(s), actor=a)),
    "call_whistle": (Permission.WHISTLE_CALL, _call_whistle),
    "create_joint_action": (Permission.ACTION_PLAN, _create_action),
    "approve_joint_action": (Permission.ACTION_APPROVE, _approve_action),
    "install_seal": (Permission.DOCUMENT_APPROVE, _install_seal),
}
SERVICE_CASES.update(_document_cases())

# Permissions no service checks yet, and why. The guard tests fail when a Permission is
# added without either a case above or an entry here; move an entry up to
# SERVICE_CASES (and the UI tables) when its service is written.
NOT_ENFORCED_YET: dict[Permission, str] = {
    Permission.GRID_VIEW: "every role holds it; the read services take no actor yet",
    Permission.ROSTER_IMPORT: "the roster import is not written yet",
}
