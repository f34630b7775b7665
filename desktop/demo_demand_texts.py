"""What the demo street's residents and enterprises ask for: the topics of the demo
demands, each with its category, kind, likely natures, handling level, the units that
usually handle it (by the demo unit directory's short names), and Chinese titles,
contents, results and return reasons to draw from. All invented.

Placeholders: ``{road}`` a road, ``{estate}`` a residential compound, ``{n}`` a number.
"""

from __future__ import annotations

from dataclasses import dataclass

from desktop.domain.deadlines import DemandKind, DemandNature
from desktop.domain.demand_states import HandlingLevel

K, N, L = DemandKind, DemandNature, HandlingLevel

ROADS = ("五一大道", "黄兴中路", "解放西路", "蔡锷中路", "人民中路", "韶山北路", "八一路", "芙蓉中路",
         "车站北路", "朝阳路", "嘉雨路", "古汉路", "晚报大道", "荷花路", "东屯路", "新安路", "远大路",
         "马王堆路")
ESTATES = ("朝阳新村", "韭菜园小区", "荷花苑", "八一路宿舍", "东屯渡新村", "新安家园", "锦绣华庭",
           "湘雅小区", "火车站宿舍", "合平小区", "芙蓉苑", "石牛冲安置小区", "嘉雨苑", "古汉城")


@dataclass(frozen=True)
class Topic:
    category: str  # a 小类 of DEFAULT_CATEGORIES
    kind: DemandKind
    natures: tuple[DemandNature, ...]
    level: HandlingLevel
    lead: str  # a unit's short name ("" for the community)
    cooperating: tuple[str, ...]
    titles: tuple[str, ...]
    contents: tuple[str, ...]
    results: tuple[str, ...]
    weight: int = 10
    urgent_share: float = 0.0


TOPICS: tuple[Topic, ...] = (
    Topic("占道经营", K.ENFORCEMENT, (N.COMPLAINT, N.REPORT), L.STREET, "街道执法队", ("区城管局",),
          ("{road}商户占道经营", "门店出店经营占用人行道", "{estate}门口水果店占道"),
          ("{road}{n}号附近多家商户长期把货架、桌椅摆上人行道，行人只能走机动车道，存在安全隐患，希望尽快整治。",
           "{estate}大门两侧店铺出店经营，早晚高峰行人和电动车挤在一起，多次劝说无效。"),
          ("执法队员现场责令商户将货物收回店内，已全部整改，并纳入日常巡查。",
           "对3家商户下达责令改正通知书，复查时已无占道现象。"), 16),
    Topic("流动摊贩", K.ENFORCEMENT, (N.COMPLAINT,), L.STREET, "街道执法队", ("区城管局", "区市监局"),
          ("{road}傍晚流动摊贩聚集", "学校门口流动摊点"),
          ("每天傍晚{road}{n}号附近聚集十多个流动摊贩，油烟和垃圾很多，道路拥堵。",
           "{estate}旁边小学放学时段有流动摊点卖油炸食品，卫生和交通都令人担心。"),
          ("联合市场监管所开展整治，劝离流动摊贩，引导进入{estate}便民疏导点经营。",), 10),
    Topic("违章搭建", K.ENFORCEMENT, (N.REPORT,), L.DISTRICT, "区城管局", ("自然资源分局", "街道执法队"),
          ("{estate}楼顶违章搭建", "一楼住户私自扩建院墙"),
          ("{estate}{n}栋有住户在楼顶加盖彩钢棚，已连续施工两天，担心影响房屋安全，请尽快制止。",
           "{estate}一楼住户占用公共绿地扩建院子，砌起围墙，影响其他住户通行。"),
          ("已责令停止施工并限期自行拆除，当事人已拆除彩钢棚，现场恢复原状。",), 8),
    Topic("油烟扰民", K.ENFORCEMENT, (N.COMPLAINT,), L.DISTRICT, "生态环境分局", ("区城管局",),
          ("{road}餐馆油烟直排扰民", "烧烤店油烟熏到楼上住户"),
          ("{road}{n}号一楼餐馆未安装油烟净化设施，油烟直接排到居民楼，窗户都不敢开。",
           "{estate}底商烧烤店营业到凌晨，油烟和噪音都很大，楼上住户苦不堪言。"),
          ("督促商户安装油烟净化设备并改造排烟管道，经检测已达标排放。",), 8),
    Topic("噪音扰民", K.LIVELIHOOD, (N.COMPLAINT,), L.DISTRICT, "生态环境分局", ("区住建局",),
          ("{road}工地夜间施工噪音扰民", "广场舞音响声音过大"),
          ("{road}附近工地晚上十一点以后还在施工，噪音很大，影响休息，请核实是否办理夜间施工许可。",
           "{estate}小广场每晚跳广场舞，音响声音过大，家里有高三学生无法学习。"),
          ("核实该工地无夜间施工许可，已责令停止夜间施工，建设单位作出书面承诺。",
           "社区与舞蹈队协商，调整了音响音量和结束时间，居民表示认可。"), 12),
    Topic("施工扬尘", K.ENFORCEMENT, (N.COMPLAINT, N.REPORT), L.DISTRICT, "区住建局",
          ("生态环境分局", "区城管局"),
          ("{road}工地扬尘严重", "渣土车未覆盖沿路撒漏"),
          ("{road}在建工地土方作业没有洒水降尘，周边路面和车辆都是灰。",
           "夜间渣土车从{road}经过，车厢没有覆盖，沿路撒漏泥土。"),
          ("督促工地落实围挡、喷淋和车辆冲洗措施，对撒漏路段已清扫。",), 8),
    Topic("垃圾清运", K.LIVELIHOOD, (N.COMPLAINT, N.HELP), L.COMMUNITY, "", (),
          ("{estate}垃圾站未及时清运", "楼道堆放垃圾无人清理"),
          ("{estate}垃圾站已经三天没人清运，气味很大，还招来了老鼠。",
           "{estate}{n}栋楼道里堆满了装修垃圾和杂物，存在消防隐患。"),
          ("社区协调保洁公司当日完成清运，并增加清运频次。",), 12),
    Topic("路灯不亮", K.LIVELIHOOD, (N.HELP, N.REPORT), L.DISTRICT, "区城管局", (),
          ("{road}路灯不亮", "{estate}小区路灯损坏"),
          ("{road}{n}号至路口一段路灯已经一个星期不亮，晚上走路很危险。",
           "{estate}内有几盏路灯坏了，老人晚上散步看不清路。"),
          ("路灯管理所已更换损坏灯具，路灯恢复正常照明。",), 10),
    Topic("井盖缺失", K.LIVELIHOOD, (N.REPORT,), L.DISTRICT, "区城管局", ("交警芙蓉中队",),
          ("{road}人行道井盖缺失", "井盖破损下沉"),
          ("{road}{n}号门口人行道上的井盖不见了，已经有人差点掉下去，请马上处理。",
           "{road}机动车道上的井盖破损下沉，车辆经过声音很大，容易出事故。"),
          ("已设置警示围挡并当天更换新井盖。",), 6, 0.5),
    Topic("房屋漏水", K.LIVELIHOOD, (N.HELP, N.COMPLAINT), L.COMMUNITY, "", ("区住建局",),
          ("楼上住户漏水协调", "{estate}屋面漏水"),
          ("{estate}{n}栋楼上住户卫生间漏水，渗到我家天花板，协商多次对方不配合。",
           "{estate}是老旧小区，顶楼屋面防水层老化，下雨就漏水。"),
          ("社区组织双方调解，楼上住户同意维修防水层，已完成维修。",
           "纳入老旧小区改造计划，先行对屋面做了应急修补。"), 8),
    Topic("物业纠纷", K.LIVELIHOOD, (N.COMPLAINT,), L.STREET, "区住建局", ("司法所",),
          ("{estate}物业服务不到位", "物业擅自提高停车费"),
          ("{estate}物业公司长期不打扫卫生，电梯坏了也不修，业主意见很大。",
           "{estate}物业没有经过业主大会就把停车费从每月100元涨到200元。"),
          ("约谈物业公司负责人，督促整改服务问题，停车收费恢复原标准。",), 8),
    Topic("停车难", K.LIVELIHOOD, (N.SUGGESTION, N.HELP), L.STREET, "交警芙蓉中队", ("区城管局",),
          ("{estate}周边停车难", "建议增设临时停车位"),
          ("{estate}车位太少，晚上车都停到消防通道上，建议在{road}增设夜间临时停车位。",),
          ("经现场踏勘，在{road}施划夜间临时停车泊位30个。",), 6),
    Topic("食品安全", K.ENFORCEMENT, (N.REPORT, N.COMPLAINT), L.DISTRICT, "区市监局", ("芙蓉市场监管所",),
          ("{road}小餐馆卫生差", "超市销售过期食品"),
          ("{road}{n}号一家小餐馆后厨卫生很差，吃完后家人拉肚子。",
           "在{estate}旁边的超市买到过期的牛奶，商家拒绝退换。"),
          ("市场监管所现场检查，责令整改并立案调查，已督促商家退还货款。",), 6),
    Topic("消防隐患", K.ENFORCEMENT, (N.REPORT,), L.DISTRICT, "消防大队", ("派出所",),
          ("楼道电动车充电", "{estate}消防通道被占用"),
          ("{estate}{n}栋有住户把电动车推进楼道充电，电线从窗户拉出来，非常危险。",
           "{estate}消防通道长期停满私家车，消防车根本进不去。"),
          ("联合派出所开展夜查，清理楼道电动车，消防通道已施划禁停标线。",), 6, 0.3),
    Topic("政策咨询", K.LIVELIHOOD, (N.CONSULTATION,), L.COMMUNITY, "", (),
          ("咨询高龄津贴申领", "咨询居住证办理"),
          ("家里老人满八十岁了，想咨询高龄津贴怎么申领、需要哪些材料。",
           "外地来长沙工作，想咨询在{estate}租房如何办理居住证。"),
          ("社区工作人员已电话答复办理流程和所需材料。",), 8),
    Topic("项目审批", K.DEVELOPMENT, (N.HELP,), L.DISTRICT, "自然资源分局", ("区住建局",),
          ("园区企业厂房报建协调", "项目规划许可办理进度"),
          ("隆平高科技园内企业扩建厂房，规划许可材料已提交一个月，希望协调加快办理。",),
          ("协调自然资源分局开通绿色通道，容缺受理，已核发规划许可证。",), 4),
    Topic("水电保障", K.DEVELOPMENT, (N.HELP,), L.STREET, "区住建局", (),
          ("企业用电增容协调", "新建门店接水困难"),
          ("园区企业新上生产线需要用电增容，向供电部门申请后迟迟没有答复。",),
          ("街道协调供电部门上门勘察，已制定增容方案并完成施工。",), 3),
    Topic("电梯故障", K.LIVELIHOOD, (N.HELP, N.COMPLAINT), L.DISTRICT, "区市监局", ("区住建局",),
          ("{estate}电梯频繁故障", "电梯困人"),
          ("{estate}{n}栋电梯一个月坏了好几次，老人上下楼非常不方便。",),
          ("督促维保单位全面检修并更换控制主板，电梯已恢复运行。",), 5, 0.3),
    Topic("邻里纠纷", K.LIVELIHOOD, (N.HELP,), L.COMMUNITY, "", ("司法所",),
          ("邻居占用公共楼道堆放杂物", "邻里因漏水产生纠纷"),
          ("{estate}{n}栋邻居长期在楼道堆放杂物，沟通多次无果，希望社区出面协调。",),
          ("社区网格员和司法所调解员上门调解，双方达成一致。",), 6),
)

RETURN_REASONS = (
    "经现场核实，该事项属于物业服务合同纠纷，不属于本单位执法职责，建议由住建部门处理。",
    "诉求地址不在本单位管辖范围，请重新派遣。",
    "该点位为市政道路，应由城管部门负责，申请退单。",
)
SUSPEND_REASONS = ("涉及房屋产权争议，当事人已向法院起诉，待法院判决后继续处置。",)
EXTENSION_REASONS = ("需等待第三方检测报告，预计还需 5 个工作日。",
                     "整改涉及多户业主，需召开业主大会表决。")
REJECT_NOTES = ("现场核查时仍有商户占道，整改不彻底，退回继续处置。",
                "群众反映问题依然存在，请承办单位重新处置。")
CALLBACK_NOTES = ("电话回访诉求人，对处理结果表示认可。", "回访时诉求人表示问题已解决。",
                  "回访诉求人，表示问题仍有反复，希望加强巡查。")
SEND_BACK_REASON = "经研判，该事项属区级部门职责，不在街道属地管理事项清单内，退回区级平台重新派单。"
REOPEN_REASON = "诉求人回访时反映问题再次出现，经主任同意重新办理。"
