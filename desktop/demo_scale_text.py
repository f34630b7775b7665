"""Phrases the scale data set's demands and whistles are made of: what people call the
12345 hotline or tell a grid worker about in a 长沙 street, by kind, with the unit that
usually leads. Invented, but the mix and the wording are what a real list looks like,
so full-text search meets realistic frequencies (a common phrase matches tens of
thousands of demands, an address a handful)."""

from __future__ import annotations

from dataclasses import dataclass

from desktop.domain.deadlines import DemandKind, DemandNature

C, H, P, R, S = (DemandNature.CONSULTATION.value, DemandNature.HELP.value,
                 DemandNature.COMPLAINT.value, DemandNature.REPORT.value,
                 DemandNature.SUGGESTION.value)
_COMPLAINT = ((P, 70), (R, 20), (H, 5), (C, 5))
_HELP = ((H, 55), (P, 30), (C, 10), (S, 5))
_ASK = ((C, 60), (H, 20), (S, 20))

TEAM = "芙蓉街道综合行政执法队"
CITY = "区城管执法局"
MARKET = "区市场监管局"
ECO = "长沙市生态环境局芙蓉分局"
BUILD = "区住房和城乡建设局"
POLICE = "芙蓉派出所"
TRAFFIC = "区交警大队芙蓉中队"
FIRE = "区消防救援大队"
EMERGENCY = "区应急管理局"
HEALTH = "区卫生健康局"
CULTURE = "区文化旅游体育局"
LAND = "长沙市自然资源和规划局芙蓉分局"


@dataclass(frozen=True)
class Topic:
    kind: DemandKind
    title: str
    units: tuple[str, ...]  # the usual lead units, by name
    natures: tuple[tuple[str, float], ...]
    details: tuple[str, ...]
    weight: float
    category: str  # the 小类 of demand_categories.DEFAULT_CATEGORIES


E, D, L = DemandKind.ENFORCEMENT, DemandKind.DEVELOPMENT, DemandKind.LIVELIHOOD
TOPICS: tuple[Topic, ...] = (
    Topic(E, "占道经营", (TEAM, CITY), _COMPLAINT,
          ("门口有商户长期占用人行道经营", "流动摊贩占道摆卖水果", "夜宵摊占道经营至凌晨"), 8, "占道经营"),
    Topic(E, "噪音扰民", (ECO, TEAM), _COMPLAINT,
          ("工地夜间施工噪音扰民", "商铺高音喇叭招揽顾客噪音扰民", "广场舞音响声音过大"), 7, "噪音扰民"),
    Topic(E, "违章搭建", (TEAM, LAND), _COMPLAINT,
          ("楼顶有住户违章搭建彩钢棚", "一楼住户私自扩建院墙", "小区绿化带内有人违章搭建"), 5, "违章搭建"),
    Topic(E, "油烟扰民", (ECO, TEAM), _COMPLAINT,
          ("餐饮店油烟直排扰民", "烧烤店未安装油烟净化设施", "楼下饭店排烟管道对着住户窗户"), 4, "油烟扰民"),
    Topic(E, "渣土车抛洒", (CITY,), _COMPLAINT,
          ("渣土车沿路抛洒泥土", "夜间渣土车未覆盖篷布", "工地出口车辆带泥上路"), 3, "施工扬尘"),
    Topic(E, "违规停车", (TRAFFIC, TEAM), _COMPLAINT,
          ("车辆长期占用消防通道", "机动车乱停放堵塞小区出入口", "共享单车堆放占用盲道"), 5, "乱停乱放"),
    Topic(E, "无证经营", (MARKET,), _COMPLAINT,
          ("有人无证经营小作坊", "门店无营业执照经营", "私自开设棋牌室无相关证照"), 3, "无证经营"),
    Topic(E, "食品安全", (MARKET,), _COMPLAINT,
          ("餐馆后厨卫生条件差", "超市销售过期食品", "外卖店铺无实体门店"), 3, "食品安全"),
    Topic(E, "乱张贴小广告", (TEAM, CITY), _COMPLAINT,
          ("楼道内被张贴大量小广告", "电线杆上喷涂办证小广告"), 2, "户外广告"),
    Topic(E, "消防安全隐患", (FIRE, EMERGENCY), _COMPLAINT,
          ("楼道内电动车充电存在消防隐患", "门店违规储存液化气罐", "消防栓损坏无人维修"), 3, "消防隐患"),
    Topic(D, "营商环境咨询", (MARKET,), _ASK,
          ("商户咨询办理营业执照的流程", "个体户咨询门头招牌设置要求"), 2, "政策咨询"),
    Topic(D, "企业用工需求", (EMERGENCY,), _ASK,
          ("有企业希望街道协助招聘员工", "有企业咨询稳岗补贴政策"), 1.5, "用工招聘"),
    Topic(D, "停车设施建议", (BUILD, TRAFFIC), _ASK,
          ("居民建议增设停车位", "建议在小区周边增设充电桩"), 1.5, "停车难"),
    Topic(D, "老旧小区改造", (BUILD,), _ASK,
          ("居民咨询老旧小区改造计划", "居民建议加装电梯并咨询补贴政策"), 2, "老旧小区改造"),
    Topic(D, "文化活动场地", (CULTURE,), _ASK,
          ("居民希望增设文体活动场地", "咨询社区书屋开放时间"), 1, "其他事项"),
    Topic(L, "路灯不亮", (BUILD, CITY), _HELP,
          ("路段路灯损坏不亮", "门口路灯夜间不亮存在安全隐患"), 5, "路灯不亮"),
    Topic(L, "下水道堵塞", (BUILD,), _HELP,
          ("下水道堵塞污水外溢", "雨水井堵塞路面积水"), 5, "排水不畅"),
    Topic(L, "垃圾清运不及时", (CITY, TEAM), _HELP,
          ("垃圾桶满溢未及时清运", "建筑垃圾堆放多日无人清运", "垃圾站臭味扰民"), 7, "垃圾清运"),
    Topic(L, "电梯故障", (MARKET, BUILD), _HELP,
          ("电梯频繁故障停运", "电梯困人后物业处置缓慢"), 3, "电梯故障"),
    Topic(L, "楼道杂物堆放", (FIRE, TEAM), _HELP,
          ("楼道内堆放杂物影响通行", "住户在公共楼道堆放废品"), 3, "乱堆乱放"),
    Topic(L, "井盖缺失", (BUILD, CITY), _HELP,
          ("人行道井盖缺失", "井盖破损松动存在安全隐患"), 2, "井盖缺失"),
    Topic(L, "停水停电", (BUILD,), _HELP,
          ("小区突然停水无通知", "片区频繁停电影响生活"), 3, "水电保障"),
    Topic(L, "物业纠纷", (BUILD,), _HELP,
          ("物业公司服务不到位且乱收费", "物业不作为业主意见大"), 4, "物业纠纷"),
    Topic(L, "房屋漏水", (BUILD,), _HELP,
          ("楼上住户漏水影响楼下", "公房屋顶漏水多次报修未处理"), 3, "房屋漏水"),
    Topic(L, "树木倒伏", (CITY, EMERGENCY), _HELP,
          ("大风后行道树倒伏压住车辆", "树枝过长遮挡路灯和窗户"), 2, "其他事项"),
    Topic(L, "社保医保咨询", (HEALTH,), _ASK,
          ("居民咨询城乡居民医保缴费", "老人咨询高龄补贴申领"), 3, "政策咨询"),
    Topic(L, "养老服务", (HEALTH,), _HELP,
          ("独居老人需要上门照护服务", "咨询社区养老服务中心开放情况"), 2, "养老服务"),
    Topic(L, "邻里纠纷", (POLICE,), _HELP,
          ("邻居之间因停车位发生纠纷", "楼上住户饲养犬只扰民"), 3, "邻里纠纷"),
    Topic(L, "防疫消杀", (HEALTH,), _HELP,
          ("小区蚊虫较多希望消杀", "垃圾站周边老鼠较多"), 1.5, "环境卫生"),
)

ROADS: dict[str, tuple[str, ...]] = {
    "朝阳社区": ("五一大道", "朝阳路", "朝阳二村路"),
    "韭菜园社区": ("韭菜园路", "八一路", "五一大道"),
    "荷花池社区": ("荷花池巷", "解放西路", "蔡锷中路"),
    "八一路社区": ("八一路", "芙蓉中路", "人民中路"),
    "合平社区": ("合平路", "万家丽路", "人民东路"),
    "东屯村": ("东屯路", "马王堆路", "远大路"),
    "新安村": ("隆平路", "新安路", "远大二路"),
    "石牛冲村": ("浏阳河大道", "石牛冲路", "东二环"),
}
DEFAULT_ROADS = ("五一大道", "人民中路", "芙蓉中路", "解放西路")
ADDRESS_PLACES = ("", "附近", "小区", "小区东门", "商铺门口", "菜市场旁", "路口", "公交站旁",
                  "建筑工地", "农贸市场", "居民楼下", "学校门口")
OPENERS = ("市民来电反映：", "网格员巡查发现：", "居民反映：", "群众来访反映：", "商户反映：")
DURATIONS = ("已持续一周左右", "近期反复出现", "已多次反映未解决", "今日发现", "持续一个多月",
             "周末尤其严重")
ASKS = ("希望相关部门尽快处理。", "请求尽快核实处理并回复。", "要求彻底整治。",
        "希望给出明确答复。", "请相关单位上门查看。")
GIVEN_CHARS = "伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宇浩芳娜敏静丽艳娟霞燕玲丹萍红琳婷慧"

# The 属地管理事项清单 item (desktop/demo_responsibilities.py codes) a topic falls under;
# topics no item covers (咨询, 路灯, 停水…) stay without one, as on a real list.
TOPIC_ITEMS: dict[str, str] = {
    "占道经营": "CG-001", "噪音扰民": "ST-002", "违章搭建": "CG-006", "油烟扰民": "ST-001",
    "渣土车抛洒": "CG-004", "违规停车": "GA-001", "无证经营": "SC-001", "食品安全": "SC-002",
    "乱张贴小广告": "CG-003", "消防安全隐患": "XF-001", "老旧小区改造": "JS-005",
    "垃圾清运不及时": "CG-007", "电梯故障": "SC-004", "楼道杂物堆放": "XF-002",
    "井盖缺失": "CG-009", "物业纠纷": "JS-001", "房屋漏水": "JS-004", "邻里纠纷": "SF-001",
    "防疫消杀": "WS-003",
}

# (事由, 情况说明, list item): every whistle names the item whose units it calls, so the
# negative list flags only what really went wrong (a unit called off the list, a late
# 报到, a 攻坚哨 without a solution in time).
WHISTLE_TOPICS: tuple[tuple[str, str, str], ...] = (
    ("占道经营联合整治", "主干道占道经营反复回潮，需城管、市场监管联合整治", "CG-001"),
    ("违章建筑拆除", "在建违章建筑需自然资源、城管部门到场联合处置", "CG-006"),
    ("油烟噪音综合治理", "餐饮集中区域油烟噪音投诉集中，需生态环境部门到场", "ST-001"),
    ("消防安全隐患排查", "群租房电动车违规充电消防隐患突出，需消防、应急部门联合检查", "XF-001"),
    ("渣土运输整治", "夜间渣土车抛洒严重，需城管、交警联合执法", "CG-004"),
    ("食品安全检查", "小餐饮食品安全投诉集中，需市场监管部门到场检查", "SC-002"),
    ("建筑工地扬尘治理", "在建工地扬尘污染投诉集中，需住建、城管部门到场督促整改", "JS-002"),
    ("老旧小区安全隐患", "老旧小区外墙脱落存在安全隐患，需住建部门到场鉴定", "JS-004"),
    ("电梯安全隐患处置", "老旧小区电梯频繁困人，需市场监管部门到场督促维保单位整改", "SC-004"),
    ("瓶装燃气安全检查", "沿街餐饮门店违规使用瓶装燃气，需住建、消防部门联合检查", "JS-003"),
    ("“九小场所”安全检查", "“九小场所”安全生产隐患较多，需应急管理部门到场检查", "YJ-001"),
    ("消防通道清理", "小区消防车通道长期被占用，需消防、交警部门到场处置", "XF-002"),
    ("物业纠纷调处", "小区业主与物业矛盾激化，需住建部门到场协调", "JS-001"),
    ("广场舞噪声治理", "广场舞高音喇叭夜间扰民，需派出所到场劝导处置", "GA-002"),
)
