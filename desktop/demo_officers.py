"""Officers for the demo's 1+X+Y enforcement roster (seed 000).

A pure function: the roster's own issue persists these through its services, and the
scale data set asks for ~300 of them (``count``). The first 40 follow a realistic mix:
the street's own team ("1"), officers sunk from district departments ("X") and
cooperating forces ("Y", including 协管员 without a certificate). A few certificates
expire within 30 days and one has expired, so the roster's warnings show in the demo.

ID numbers are made up but well-formed (GB 11643: a 湖南 region code, a real birth date,
an odd sequence for men and even for women, the MOD 11-2 check character).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import date, timedelta

from desktop.clock import today
from desktop.demo_data import NameMaker
from desktop.domain.identity import gb11643_check_digit

HUNAN_GOVERNMENT = "湖南省人民政府"

# (region code, weight): mostly 长沙, some from elsewhere in 湖南.
HUNAN_REGIONS = (
    ("430102", 5), ("430103", 3), ("430104", 3), ("430105", 3), ("430111", 3),
    ("430121", 2), ("430181", 2), ("430124", 2), ("430302", 1), ("430421", 1),
    ("430621", 1), ("430721", 1), ("431021", 1), ("431121", 1), ("430502", 1),
)


@dataclass(frozen=True)
class DemoOfficer:
    name: str
    gender: str  # 男 | 女
    phone: str
    id_number: str
    source_unit: str
    force: str  # "1" | "X" | "Y"
    staffing_type: str  # 行政 | 事业 | 协管
    position: str
    squad: str
    certificate_number: str = ""
    certificate_authority: str = ""
    domains: tuple[str, ...] = ()
    valid_from: date | None = None
    valid_until: date | None = None

    @property
    def has_certificate(self) -> bool:
        return bool(self.certificate_number)


@dataclass(frozen=True)
class _Template:
    source_unit: str
    force: str
    staffing: tuple[str, ...]  # drawn at random
    position: str
    domains: tuple[str, ...]
    authority: str = HUNAN_GOVERNMENT  # "" for no certificate
    cert_prefix: str = "湘430102"
    squad: str = ""  # "" = one of the three 中队 in turn


_TEAM = "芙蓉街道综合行政执法队"
_CITY = ("市容环境卫生", "城乡规划建设", "园林绿化")
_TEAM_DOMAINS = ("市容环境卫生", "城乡规划建设", "燃气安全", "文化旅游")
_TEMPLATES: tuple[tuple[_Template, int], ...] = (
    (_Template(_TEAM, "1", ("行政",), "队长", _TEAM_DOMAINS, squad="队部"), 1),
    (_Template(_TEAM, "1", ("行政",), "副队长", _TEAM_DOMAINS, squad="队部"), 2),
    (_Template(_TEAM, "1", ("行政", "事业"), "中队长", _TEAM_DOMAINS), 3),
    (_Template(_TEAM, "1", ("行政", "事业", "事业"), "执法队员", _TEAM_DOMAINS), 8),
    (_Template("区城管执法局", "X", ("行政", "事业"), "执法队员", _CITY), 4),
    (_Template("区市场监管局", "X", ("行政",), "执法队员", ("食品安全", "价格监督", "特种设备")), 3),
    (_Template("长沙市生态环境局芙蓉分局", "X", ("行政",), "执法队员",
               ("大气污染防治", "噪声污染防治", "水污染防治")), 2),
    (_Template("长沙市自然资源和规划局芙蓉分局", "X", ("行政",), "执法队员",
               ("土地管理", "违法建设")), 1),
    (_Template("区应急管理局", "X", ("行政",), "执法队员", ("安全生产", "危险化学品")), 2),
    (_Template("区住房和城乡建设局", "X", ("行政", "事业"), "执法队员", ("建筑市场", "物业管理")), 1),
    (_Template("区文化旅游体育局", "X", ("行政",), "执法队员", ("文化市场", "旅游市场")), 1),
    (_Template("芙蓉派出所", "Y", ("行政",), "社区民警", ("治安管理",), "长沙市公安局", "长公",
               "配合力量"), 3),
    (_Template("芙蓉派出所", "Y", ("协管",), "辅警", (), "", "", "配合力量"), 1),
    (_Template("区交警大队芙蓉中队", "Y", ("行政",), "交通民警", ("道路交通管理",),
               "长沙市公安局", "长公", "配合力量"), 1),
    (_Template("区消防救援大队", "Y", ("行政",), "消防监督员", ("消防监督",),
               "湖南省消防救援总队", "湘消", "配合力量"), 1),
    (_Template("芙蓉司法所", "Y", ("行政",), "司法助理员", (), "", "", "配合力量"), 1),
    (_Template("区市场监管局芙蓉市场监管所", "Y", ("行政",), "市场监管员", ("食品安全",),
               squad="配合力量"), 1),
    (_Template(_TEAM, "Y", ("协管",), "城管协管员", (), "", "", "配合力量"), 4),
)
_SQUADS = ("一中队", "二中队", "三中队")
_LEADING = frozenset({"队长", "副队长", "中队长"})


def _templates(count: int, rng: random.Random) -> list[_Template]:
    """The realistic first 40, then rank-and-file posts at random for larger sets."""
    base = [template for template, times in _TEMPLATES for _ in range(times)]
    extra = [t for t in base if t.position not in _LEADING]
    chosen = base[:count]
    chosen.extend(rng.choice(extra) for _ in range(count - len(chosen)))
    return chosen


def _id_number(rng: random.Random, gender: str, born: date) -> str:
    region = rng.choices([code for code, _ in HUNAN_REGIONS],
                         weights=[weight for _, weight in HUNAN_REGIONS])[0]
    sequence = rng.randrange(1, 500) * 2 - (1 if gender == "男" else 0)
    first17 = f"{region}{born:%Y%m%d}{sequence:03d}"
    return first17 + gb11643_check_digit(first17)


def _birth_date(rng: random.Random, on: date) -> date:
    age_days = rng.randint(23 * 365, 57 * 365)
    return on - timedelta(days=age_days)


def _certificate_dates(rng: random.Random, on: date) -> tuple[date, date]:
    valid_until = on + timedelta(days=rng.randint(90, 1700))
    return valid_until - timedelta(days=5 * 365), valid_until


def _officer(template: _Template, index: int, rng: random.Random, names: NameMaker,
             on: date) -> DemoOfficer:
    gender = "男" if rng.random() < (0.7 if template.force != "Y" else 0.8) else "女"
    squad = template.squad or _SQUADS[index % len(_SQUADS)]
    officer = DemoOfficer(
        name=names.name(gender), gender=gender, phone=names.phone(),
        id_number=_id_number(rng, gender, _birth_date(rng, on)),
        source_unit=template.source_unit, force=template.force,
        staffing_type=rng.choice(template.staffing), position=template.position, squad=squad,
    )
    if not template.authority:
        return officer
    valid_from, valid_until = _certificate_dates(rng, on)
    number = f"{template.cert_prefix}{valid_from:%y}{index + 1:04d}"
    return replace(officer, certificate_number=number,
                   certificate_authority=template.authority, domains=template.domains,
                   valid_from=valid_from, valid_until=valid_until)


def _expire_some(officers: list[DemoOfficer], rng: random.Random, on: date) -> None:
    """Three certificates expire within 30 days and one expired three weeks ago."""
    holders = [i for i, officer in enumerate(officers[:40])
               if officer.has_certificate and officer.force in ("1", "X")]
    for index, days in zip(rng.sample(holders, 4), (6, 17, 28, -21), strict=True):
        until = on + timedelta(days=days)
        officers[index] = replace(officers[index], valid_until=until,
                                  valid_from=until - timedelta(days=5 * 365))


def demo_officers(seed: int = 2026, *, count: int = 40, on: date | None = None) -> list[DemoOfficer]:
    """The demo roster, the same for the same ``seed``, ``count`` and day ``on``.

    Dates (birth dates, certificate validity) are relative to ``on`` (default today) so
    the expiring certificates stay "within 30 days" whenever the demo is loaded.
    """
    if count < 4:
        raise ValueError("the demo roster needs at least 4 officers")
    day = on or today()
    rng = random.Random(f"{seed}:officers")
    names = NameMaker(rng)
    officers = [_officer(template, index, rng, names, day)
                for index, template in enumerate(_templates(count, rng))]
    _expire_some(officers, rng, day)
    return officers
