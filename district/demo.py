"""Demo data for ``subcenter-district --demo``: several streets (including 芙蓉街道
430102007000, the street ``subcenter demo`` builds), a district unit directory, a current
responsibility list, the 2027 holiday table and a few work orders per street.

Everything here is invented. Seeding is idempotent: a database that already has streets
is left alone, so restarting a demo server keeps what the clients pushed.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import func, select

from desktop.domain.ids import new_id
from desktop.domain.roster import UnitKind
from district.db import DISTRICT, GLOBAL, Database, StreetRow
from district.district_edits import (
    create_street,
    dispatch_work_order,
    publish_holidays,
    publish_responsibility_list,
)
from district.records import write
from district.schemas import (
    HolidayDay,
    HolidayTable,
    ResponsibilityItemIn,
    ResponsibilityListPublish,
    StreetCreate,
    WorkOrderCreate,
)

STREETS = (  # code, name, issuing authority, doc prefix
    ("430102007000", "芙蓉街道", "长沙市芙蓉区芙蓉街道办事处", "芙街"),
    ("430102001000", "文艺路街道", "长沙市芙蓉区文艺路街道办事处", "文街"),
    ("430102002000", "朝阳街街道", "长沙市芙蓉区朝阳街街道办事处", "朝街"),
    ("430102009000", "东岸街道", "长沙市芙蓉区东岸街道办事处", "东街"),
)
UNITS = (  # the district's directory: full official names, unlike the streets' short ones
    ("长沙市芙蓉区城市管理和综合执法局", "区城管局"), ("长沙市芙蓉区市场监督管理局", "区市监局"),
    ("长沙市芙蓉区住房和城乡建设局", "区住建局"), ("长沙市芙蓉区应急管理局", "区应急局"),
    ("长沙市芙蓉区卫生健康局", "区卫健局"),
)
ITEMS = (
    ("FR-001", "城市管理", "占道经营、店外经营的日常巡查与劝导", "长沙市芙蓉区城市管理和综合执法局"),
    ("FR-002", "市场监管", "无证无照经营的发现与报告", "长沙市芙蓉区市场监督管理局"),
    ("FR-003", "安全生产", "小场所、小作坊安全隐患的排查与上报", "长沙市芙蓉区应急管理局"),
    ("FR-004", "住房建设", "违法建设的日常巡查、制止与报告", "长沙市芙蓉区住房和城乡建设局"),
    ("FR-005", "卫生健康", "病媒生物防制与环境卫生整治的组织", "长沙市芙蓉区卫生健康局"),
)
ORDERS = (
    ("小区门口夜间烧烤油烟扰民", "市民反映小区东门外每晚有烧烤摊，油烟和噪音影响休息。", "complaint"),
    ("人行道井盖松动", "人行道上一处井盖松动，行人经过有响声，存在安全隐患。", "report"),
    ("咨询老旧小区加装电梯政策", "居民咨询老旧小区加装电梯的申请条件和补贴办法。", "consultation"),
)
HOLIDAYS_2027 = (  # invented for the demo in the shape of a State Council notice
    ("2027-01-01", False, "元旦"), ("2027-02-05", False, "春节"), ("2027-02-08", False, "春节"),
    ("2027-02-09", False, "春节"), ("2027-02-10", False, "春节"), ("2027-02-11", False, "春节"),
    ("2027-02-20", True, "春节调休上班"), ("2027-04-05", False, "清明节"),
    ("2027-05-03", False, "劳动节"), ("2027-05-04", False, "劳动节"), ("2027-05-05", False, "劳动节"),
    ("2027-05-08", True, "劳动节调休上班"), ("2027-06-09", False, "端午节"),
    ("2027-09-15", False, "中秋节"), ("2027-10-01", False, "国庆节"), ("2027-10-04", False, "国庆节"),
    ("2027-10-05", False, "国庆节"), ("2027-10-06", False, "国庆节"), ("2027-10-07", False, "国庆节"),
    ("2027-10-09", True, "国庆节调休上班"),
)


def seed_demo(db: Database, now: datetime | None = None) -> bool:
    """Seed an empty database; False (nothing done) when streets already exist."""
    with db.read() as session:
        if session.scalar(select(func.count()).select_from(StreetRow)):
            return False
    now = now or datetime.now().replace(microsecond=0)
    for code, name, authority, prefix in STREETS:
        create_street(db, StreetCreate(code=code, name=name, center_name=f"{name}综合指挥分中心",
                                       issuing_authority=authority, doc_prefix=prefix))
    _units(db, now)
    publish_responsibility_list(db, ResponsibilityListPublish(
        number=1, title="芙蓉区街道属地管理事项责任清单（2026年版）", published_on=date(2026, 1, 1),
        items=[ResponsibilityItemIn(code=c, item_type=t, name=n, lead_unit=u,
                                    street_duty="发现、劝导、报告", district_duty="依法查处")
               for c, t, n, u in ITEMS]))
    publish_holidays(db, HolidayTable(year=2027, published_on=date(2026, 11, 1), days=[
        HolidayDay(day=date.fromisoformat(d), is_workday=w, name=n) for d, w, n in HOLIDAYS_2027]))
    for code, _name, _authority, _prefix in STREETS:
        for index, (title, content, nature) in enumerate(ORDERS):
            dispatch_work_order(db, code, WorkOrderCreate(
                title=title, content=content, nature=nature,
                external_number=f"FRQ{code[6:9]}{now:%Y%m%d}{index + 1:03d}",
                deadline_at=(now + timedelta(days=5 + index)).replace(hour=17, minute=0,
                                                                      second=0)), now=now)
    return True


def _units(db: Database, now: datetime) -> None:
    stamp = now.isoformat(timespec="seconds")
    with db.write() as w:
        for name, short in UNITS:
            write(w, street=GLOBAL, table="unit", record_id=new_id(), owner="district",
                  by=DISTRICT, fields={
                      "name": name, "short_name": short, "kind": UnitKind.DEPARTMENT.value,
                      "contact_person": "", "contact_phone": "", "chief_responder": "",
                      "chief_responder_phone": "", "from_district": True, "retired": False,
                      "created_at": stamp, "updated_at": stamp})
