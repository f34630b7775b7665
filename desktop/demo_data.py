"""Static tables of the demo street: its communities, dedicated grids, units and names.

Kept apart from ``desktop.demo`` so the generator reads as a list of steps. Everything
here is invented for the demo (芙蓉街道 is not a real street of 芙蓉区); the shapes are
what a real 长沙 street looks like: urban 社区 in the west towards the city centre, a
城中村 and a 城郊接合部 in the middle, an ordinary village and a hill village in the east.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from desktop.domain.grids import CommunityKind, DedicatedType, GridCategory

STREET_NAME = "芙蓉街道"
DIVISION_CODE = "430102007000"  # 430102 = 长沙市芙蓉区; street 007
ISSUING_AUTHORITY = "长沙市芙蓉区芙蓉街道办事处"
DOC_PREFIX = "芙街"

# The coarse mosaic, in metres east of / south of the street's north-west corner.
# Column widths and row heights of the community lattice.
COLUMN_WIDTHS = (1000.0, 1000.0, 1200.0, 1800.0, 3500.0)
ROW_HEIGHTS = (1000.0, 1000.0)


@dataclass(frozen=True)
class CommunitySpec:
    """One 社区/村: its cells in the coarse mosaic (column, row) and how its base grids
    are cut (columns × rows). Codes follow the statistical rule: 居委会 001–199,
    村委会 200–399."""

    code: str
    name: str
    kind: CommunityKind
    category: GridCategory
    cells: tuple[tuple[int, int], ...]
    split: tuple[int, int]
    households: tuple[int, int]  # per base grid, inclusive range
    people_per_household: tuple[float, float]


COMMUNITIES: tuple[CommunitySpec, ...] = (
    CommunitySpec("001", "朝阳社区", CommunityKind.COMMUNITY, GridCategory.URBAN_COMMUNITY,
                  ((0, 0),), (3, 3), (300, 500), (2.7, 3.1)),
    CommunitySpec("002", "韭菜园社区", CommunityKind.COMMUNITY, GridCategory.URBAN_COMMUNITY,
                  ((1, 0),), (4, 3), (300, 480), (2.7, 3.0)),
    CommunitySpec("003", "荷花池社区", CommunityKind.COMMUNITY, GridCategory.URBAN_COMMUNITY,
                  ((0, 1),), (3, 3), (320, 500), (2.8, 3.1)),
    CommunitySpec("004", "八一路社区", CommunityKind.COMMUNITY, GridCategory.URBAN_COMMUNITY,
                  ((1, 1),), (3, 4), (300, 460), (2.7, 3.0)),
    CommunitySpec("005", "合平社区", CommunityKind.COMMUNITY, GridCategory.URBAN_VILLAGE,
                  ((2, 1),), (2, 3), (260, 420), (2.9, 3.4)),
    CommunitySpec("201", "东屯村", CommunityKind.VILLAGE, GridCategory.URBAN_VILLAGE,
                  ((2, 0),), (3, 2), (250, 450), (2.9, 3.4)),
    CommunitySpec("202", "新安村", CommunityKind.VILLAGE, GridCategory.ORDINARY_VILLAGE,
                  ((3, 0), (3, 1)), (2, 3), (180, 300), (3.0, 3.5)),
    CommunitySpec("203", "石牛冲村", CommunityKind.VILLAGE, GridCategory.MOUNTAIN_VILLAGE,
                  ((4, 0), (4, 1)), (3, 1), (60, 140), (3.1, 3.6)),
)


@dataclass(frozen=True)
class DedicatedSpec:
    """A dedicated grid carved out of one base grid of ``community_code``: a rectangle
    of about ``width`` × ``height`` metres. ``leader_unit``/``leader_duties`` describe
    its 网格长, who in practice is the unit's own person in charge."""

    name: str
    kind: DedicatedType
    community_code: str
    width: float
    height: float
    population: tuple[int, int]
    leader_unit: str
    leader_duties: str


DEDICATED: tuple[DedicatedSpec, ...] = (
    DedicatedSpec("长郡中学专属网格", DedicatedType.SCHOOL, "001", 210, 150, (2600, 3400),
                  "长郡中学", "分管安全副校长"),
    DedicatedSpec("湘雅医院专属网格", DedicatedType.HOSPITAL, "002", 170, 190, (3000, 4500),
                  "湘雅医院", "保卫处处长"),
    DedicatedSpec("荷花池步行街专属网格", DedicatedType.MARKET, "003", 230, 90, (800, 1500),
                  "荷花池步行街管理办", "管理办主任"),
    DedicatedSpec("马王堆蔬菜批发市场专属网格", DedicatedType.MARKET, "201", 320, 210,
                  (900, 1600), "马王堆蔬菜批发市场", "市场管理处主任"),
    DedicatedSpec("万家丽安置房项目工地专属网格", DedicatedType.CONSTRUCTION, "005", 250, 230,
                  (300, 800), "万家丽安置房项目部", "项目经理"),
    DedicatedSpec("隆平高科技园专属网格", DedicatedType.PARK, "202", 600, 450, (1500, 3000),
                  "隆平高科技园管委会", "园区安全办主任"),
    DedicatedSpec("浏阳河风光带专属网格", DedicatedType.SCENIC, "203", 900, 380, (40, 150),
                  "浏阳河风光带管理处", "管理处主任"),
)

# --- units ---------------------------------------------------------------------------

STREET_OFFICES = (
    "芙蓉街道党政综合办公室", "芙蓉街道社区建设办公室", "芙蓉街道经济发展办公室",
    "芙蓉街道社会事务办公室", "芙蓉街道平安建设办公室", "芙蓉街道综合行政执法队",
    "芙蓉街道综合指挥分中心", "芙蓉街道城市管理办公室",
)

# 网格指导员: "部门专业力量、乡镇(街道)联村干部包片下沉到网格" (seed 001).
INSTRUCTOR_SOURCES = (
    ("芙蓉街道党政综合办公室", "包片干部"), ("芙蓉街道社区建设办公室", "包片干部"),
    ("芙蓉街道平安建设办公室", "包片干部"), ("芙蓉街道社会事务办公室", "包片干部"),
    ("芙蓉派出所", "社区民警"), ("芙蓉司法所", "司法助理员"),
    ("区卫生健康局", "公共卫生专干"), ("区住房和城乡建设局", "房屋安全专干"),
    ("区应急管理局", "安全生产专干"), ("区城管执法局", "城管专干"),
    ("区市场监管局芙蓉市场监管所", "市场监管专干"), ("区消防救援大队", "消防专干"),
)

# 下沉人员: department staff sunk into grids ("一人一格/一人多格", seed 003).
SUNK_SOURCES = (
    ("区城管执法局", "市容秩序巡查"), ("区市场监管局", "食品安全监管"),
    ("芙蓉派出所", "治安巡逻"), ("长沙市生态环境局芙蓉分局", "环境污染巡查"),
    ("区应急管理局", "安全生产检查"), ("区住房和城乡建设局", "在建工地巡查"),
    ("区消防救援大队", "消防安全检查"), ("区交警大队芙蓉中队", "交通秩序管理"),
)

VOLUNTEER_DUTIES = ("楼栋长", "党员志愿者", "平安志愿者", "文明劝导员", "退休教师志愿者",
                    "巾帼志愿者")

# --- names and phones ----------------------------------------------------------------

SURNAMES: tuple[str, ...] = (
    *"刘李陈王张彭周谭罗曾唐胡黄邓易杨赵吴徐孙朱何高林郭肖梁谢宋许韩冯曹",
    *"袁蒋蔡余叶程魏丁任姚卢钟陆汪廖贺龙汤向毛龚文戴颜卜", "欧阳",
)
MALE_CHARS = "伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宇浩凯健俊帆旭宁龙林阳峰建志国文海亮成德新东"
FEMALE_CHARS = "芳娜敏静丽艳娟霞燕玲丹萍红琳婷慧莹颖洁雪琴兰梅凤英秀佳倩晶璐怡欣悦琪"
PHONE_PREFIXES = ("139", "138", "137", "135", "158", "186", "177", "199", "151", "189")


class NameMaker:
    """Unique, realistic names and obviously fake but valid mobile numbers.

    Names come from common surnames (weighted to the front of the list, which is
    roughly how common they are in 湖南) and one or two given characters. Phones are
    ``1xx 0731 xxxx`` (0731 is 长沙's area code), unique within one maker.
    """

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._names: set[str] = set()
        self._phones: set[str] = set()
        self._weights = [1.0 / (index + 8) for index in range(len(SURNAMES))]

    def name(self, gender: str | None = None) -> str:
        rng = self._rng
        gender = gender or rng.choice("男女")
        chars = MALE_CHARS if gender == "男" else FEMALE_CHARS
        while True:
            surname = rng.choices(SURNAMES, weights=self._weights)[0]
            given = "".join(rng.choice(chars) for _ in range(1 if rng.random() < 0.2 else 2))
            if given[0] == given[-1] and len(given) == 2:
                continue
            full = surname + given
            if full not in self._names:
                self._names.add(full)
                return full

    def phone(self) -> str:
        while True:
            number = f"{self._rng.choice(PHONE_PREFIXES)}0731{self._rng.randrange(10_000):04d}"
            if number not in self._phones:
                self._phones.add(number)
                return number


CHINESE_NUMERALS = "零一二三四五六七八九十"


def chinese_ordinal(number: int) -> str:
    """1 → 一, 12 → 十二, 20 → 二十 (grids per community stay well under 100)."""
    if number <= 10:
        return CHINESE_NUMERALS[number]
    tens, ones = divmod(number, 10)
    head = "" if tens == 1 else CHINESE_NUMERALS[tens]
    return f"{head}十{CHINESE_NUMERALS[ones] if ones else ''}"
