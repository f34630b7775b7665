"""What the scale data set's joint actions (联合执法行动) are about: the kinds of action a
长沙 street's 综合执法 runs year round, each with the unit that leads it, the units that
come along, the domain its certified officers must cover and the 属地管理事项清单
item it enforces. Invented, but the mix is a real street's: mostly 城市管理 led by the
street's own team or the 城管 department, then food safety, fumes and noise, gas and
fire safety, culture markets.

Units are named as in the demo roster's directory (desktop/demo_roster.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from desktop.demo_scale_text import (
    BUILD,
    CITY,
    CULTURE,
    ECO,
    EMERGENCY,
    FIRE,
    LAND,
    MARKET,
    POLICE,
    TEAM,
    TRAFFIC,
)
from desktop.domain.action_states import ActionType
from desktop.domain.roster import EnforcementDomain

MARKET_STATION = "区市场监管局芙蓉市场监管所"

E, T = EnforcementDomain, ActionType

# The domain a unit's certified officers enforce when it comes along on an action of
# another domain (an ``action_need`` asks for one of them with that certificate).
UNIT_DOMAINS: dict[str, EnforcementDomain] = {
    TEAM: E.URBAN_MANAGEMENT, CITY: E.URBAN_MANAGEMENT, MARKET: E.MARKET_REGULATION,
    ECO: E.ECOLOGY, LAND: E.NATURAL_RESOURCES, EMERGENCY: E.EMERGENCY, BUILD: E.HOUSING,
    CULTURE: E.CULTURE_TOURISM,
}


@dataclass(frozen=True)
class ActionTemplate:
    title: str  # {road} / {community} are filled in
    kind: ActionType
    domain: EnforcementDomain
    lead: str
    cooperating: tuple[str, ...]
    item: str  # 属地管理事项清单 code
    weight: float
    places: str  # where, with the same placeholders


TEMPLATES: tuple[ActionTemplate, ...] = (
    ActionTemplate("{road}占道经营专项整治", T.CAMPAIGN, E.URBAN_MANAGEMENT, CITY, (TEAM, POLICE),
                   "CG-001", 10, "{road}沿线及周边背街小巷"),
    ActionTemplate("{road}沿街门店“门前三包”联合检查", T.INSPECTION, E.URBAN_MANAGEMENT, CITY,
                   (TEAM,), "CG-002", 6, "{road}沿街门店"),
    ActionTemplate("{community}违法建设联合巡查", T.INSPECTION, E.URBAN_MANAGEMENT, TEAM, (LAND,),
                   "CG-006", 5, "{community}城中村及老旧小区片区"),
    ActionTemplate("{road}夜宵摊占道烧烤集中整治", T.NIGHT_PATROL, E.URBAN_MANAGEMENT, TEAM,
                   (POLICE,), "CG-008", 6, "{road}夜市及周边"),
    ActionTemplate("{community}建筑垃圾违规倾倒联合执法", T.CAMPAIGN, E.URBAN_MANAGEMENT, CITY,
                   (TRAFFIC,), "CG-004", 4, "{community}在建工地出入口及周边道路"),
    ActionTemplate("{road}户外广告招牌安全隐患排查", T.INSPECTION, E.URBAN_MANAGEMENT, TEAM, (),
                   "CG-003", 4, "{road}沿街商铺"),
    ActionTemplate("{road}乱张贴小广告集中清理", T.CLEARANCE, E.URBAN_MANAGEMENT, TEAM, (),
                   "CG-003", 3, "{road}及{community}各居民楼道"),
    ActionTemplate("{community}生活垃圾分类投放监督检查", T.INSPECTION, E.URBAN_MANAGEMENT, TEAM,
                   (), "CG-007", 4, "{community}各小区垃圾投放点"),
    ActionTemplate("{community}共享单车乱停放集中清理", T.CLEARANCE, E.URBAN_MANAGEMENT, TEAM,
                   (TRAFFIC,), "GA-001", 4, "{road}地铁站出入口及公交站"),
    ActionTemplate("{community}露天焚烧垃圾夜间巡查", T.NIGHT_PATROL, E.URBAN_MANAGEMENT, TEAM,
                   (POLICE,), "CG-005", 2, "{community}城郊结合部"),
    ActionTemplate("{community}校园周边食品安全联合检查", T.INSPECTION, E.MARKET_REGULATION, MARKET,
                   (MARKET_STATION, POLICE), "SC-005", 4, "{community}中小学周边 200 米内食品店"),
    ActionTemplate("{road}小餐饮食品安全检查", T.INSPECTION, E.MARKET_REGULATION, MARKET,
                   (MARKET_STATION,), "SC-002", 4, "{road}沿线小餐饮、食品摊贩"),
    ActionTemplate("{community}住宅小区电梯安全联合检查", T.INSPECTION, E.MARKET_REGULATION, MARKET,
                   (BUILD,), "SC-004", 3, "{community}2000 年前建成的电梯住宅小区"),
    ActionTemplate("{road}餐饮油烟专项整治", T.CAMPAIGN, E.ECOLOGY, ECO, (TEAM,), "ST-001", 4,
                   "{road}餐饮集中区域"),
    ActionTemplate("{community}建筑施工夜间噪声专项整治", T.NIGHT_PATROL, E.ECOLOGY, ECO, (POLICE,),
                   "ST-002", 4, "{community}在建工地"),
    ActionTemplate("{community}“散乱污”企业排查整治", T.CAMPAIGN, E.ECOLOGY, ECO, (MARKET,),
                   "ST-004", 2, "{community}小作坊、小加工点"),
    ActionTemplate("{community}老旧小区燃气安全夜查", T.INSPECTION, E.HOUSING, BUILD, (TEAM, FIRE),
                   "JS-003", 3, "{community}老旧小区"),
    ActionTemplate("{community}瓶装燃气使用安全检查", T.INSPECTION, E.HOUSING, TEAM, (FIRE,),
                   "JS-003", 3, "{road}沿街餐饮门店"),
    ActionTemplate("{community}建筑工地扬尘污染专项检查", T.CAMPAIGN, E.HOUSING, BUILD, (ECO,),
                   "JS-002", 3, "{community}在建工地"),
    ActionTemplate("{community}“九小场所”消防安全联合检查", T.INSPECTION, E.EMERGENCY, EMERGENCY,
                   (FIRE,), "YJ-001", 4, "{community}小餐馆、小旅馆、小网吧"),
    ActionTemplate("{community}危险化学品非法储存排查", T.INSPECTION, E.EMERGENCY, EMERGENCY,
                   (POLICE,), "YJ-003", 2, "{community}仓库、小加工点"),
    ActionTemplate("{road}网吧、KTV文化市场联合检查", T.INSPECTION, E.CULTURE_TOURISM, CULTURE,
                   (TEAM, POLICE), "WL-001", 3, "{road}沿线网吧、KTV"),
    ActionTemplate("{community}非法出版物摊点清理", T.CLEARANCE, E.CULTURE_TOURISM, TEAM, (POLICE,),
                   "WL-002", 2, "{road}沿线报刊亭及流动摊点"),
    ActionTemplate("{community}电动自行车违规充电消防检查", T.INSPECTION, E.FIRE, FIRE, (POLICE,),
                   "XF-001", 3, "{community}群租房、老旧小区楼道"),
    ActionTemplate("{community}非法占用土地联合巡查", T.INSPECTION, E.NATURAL_RESOURCES, LAND,
                   (TEAM,), "ZY-001", 2, "{community}城郊结合部"),
)

EVALUATION_NOTES = {
    "excellent": "组织周密，各部门按时报到，问题当场整改率高，群众反映良好。",
    "good": "组织有序，各部门按时报到，问题当场整改率高。",
    "fair": "个别配合单位到场较晚，部分问题未能当场整改，需跟踪落实。",
    "poor": "配合单位到场人员不足，现场处置不力，已责成主责单位限期整改。",
}
CANCEL_NOTES = (
    "气象台发布暴雨橙色预警，行动取消，另行安排。",
    "主责单位当日有上级督查任务，行动取消，另行安排。",
    "涉及问题已由责任单位自行整改到位，行动取消。",
    "与区级专项行动时间冲突，并入区级行动开展。",
)
EQUIPMENT_DAY = "执法车 1 辆、执法记录仪 2 台"
EQUIPMENT_NIGHT = "执法车 2 辆、执法记录仪 4 台、照明设备"
