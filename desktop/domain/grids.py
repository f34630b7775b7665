"""Grid rules: kinds, categories, staff roles, the coding rule and the staffing checks.

Sources: seed 000 (a 网格员 is a street cadre who spends at least 15 days a month in
the grid), seed 001 (the four categories; at least 5 网格指导员 per grid), seed 003
(department staff sunk "one person one grid / one person several grids").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from desktop.domain.errors import ValidationError
from desktop.domain.labels import LabeledEnum

MIN_INSTRUCTORS_PER_GRID = 5
MIN_MEMBER_DAYS_PER_MONTH = 15


class CommunityKind(LabeledEnum):
    COMMUNITY = ("community", "社区")
    VILLAGE = ("village", "村")


class GridKind(LabeledEnum):
    BASE = ("base", "基础网格")
    DEDICATED = ("dedicated", "专属网格")


class GridCategory(LabeledEnum):
    URBAN_COMMUNITY = ("urban_community", "城市社区")
    URBAN_VILLAGE = ("urban_village", "城中村城郊接合部")
    ORDINARY_VILLAGE = ("ordinary_village", "一般村")
    MOUNTAIN_VILLAGE = ("mountain_village", "山区村")


class DedicatedType(LabeledEnum):
    SCHOOL = ("school", "学校")
    HOSPITAL = ("hospital", "医院")
    MARKET = ("market", "商圈市场")
    PARK = ("park", "园区")
    CONSTRUCTION = ("construction", "建筑工地")
    SCENIC = ("scenic", "景区")
    ENTERPRISE = ("enterprise", "企业")
    OTHER = ("other", "其他")


class GridStatus(LabeledEnum):
    ACTIVE = ("active", "在用")
    RETIRED = ("retired", "已撤销")
    MERGED = ("merged", "已合并")
    SPLIT = ("split", "已拆分")


class StaffRole(LabeledEnum):
    LEADER = ("leader", "网格长")
    MEMBER = ("member", "网格员")
    INSTRUCTOR = ("instructor", "网格指导员")
    VOLUNTEER = ("volunteer", "志愿者")
    SUNK = ("sunk", "下沉人员")


# --- division and grid codes -------------------------------------------------------

# First two digits of GB/T 2260 codes: provinces, autonomous regions, municipalities,
# and 71/81/82 (Taiwan, Hong Kong, Macao).
PROVINCE_PREFIXES = frozenset(
    {"11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36",
     "37", "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62",
     "63", "64", "65", "71", "81", "82"}
)
_DIGITS = re.compile(r"^\d+$")


def validate_division_code(code: str) -> str:
    """Check a street's 12-digit statistical division code and return it stripped.

    Layout: 2 province + 2 city + 2 county (the GB/T 2260 county code) + 3 street/town
    + 3 village. A street's own code names a street (digits 7–9 not 000) and no village
    (digits 10–12 are 000).
    """
    field = "统计区划代码"
    code = code.strip()
    if not _DIGITS.match(code) or len(code) != 12:
        raise ValidationError(field, f"应为 12 位数字，现为“{code}”。")
    if code[:2] not in PROVINCE_PREFIXES:
        raise ValidationError(field, f"前两位“{code[:2]}”不是有效的省级代码。")
    if code[4:6] == "00":
        raise ValidationError(field, "第 5–6 位（县级代码）不能为 00，前 6 位应是区县代码。")
    if code[6:9] == "000":
        raise ValidationError(field, "第 7–9 位（乡镇街道代码）不能为 000。")
    if code[9:] != "000":
        raise ValidationError(field, "是街道/乡镇代码，最后 3 位应为 000（村级代码不适用）。")
    return code


def street_code(division_code: str) -> str:
    """The 9 significant digits of a street's division code (the grid code's prefix)."""
    return division_code[:9]


def grid_code(division_code: str, community_code: str, seq: int) -> str:
    """Grid code: street code (9) + community (3) + sequence (3) = 15 digits.

    The street and community parts are exactly the community's 12-digit statistical
    code, so a grid code reads as "community code + grid number".
    """
    if not (1 <= seq <= 999):
        raise ValidationError("网格序号", f"应在 1–999 之间，现为 {seq}。")
    validate_community_code(community_code)
    return f"{street_code(division_code)}{community_code}{seq:03d}"


def validate_community_code(code: str) -> str:
    code = code.strip()
    if not _DIGITS.match(code) or len(code) != 3 or code == "000":
        raise ValidationError("社区代码", f"应为 001–999 的 3 位数字，现为“{code}”。")
    return code


def parse_grid_code(division_code: str, code: str) -> tuple[str, int]:
    """Split a grid code of this street into (community code, sequence)."""
    code = code.strip()
    if not _DIGITS.match(code) or len(code) != 15:
        raise ValidationError("网格编码", f"应为 15 位数字，现为“{code}”。")
    if not code.startswith(street_code(division_code)):
        raise ValidationError(
            "网格编码", f"“{code}”前 9 位应为本街道代码 {street_code(division_code)}。"
        )
    seq = int(code[12:])
    if seq == 0:
        raise ValidationError("网格编码", f"“{code}”最后 3 位（网格序号）不能为 000。")
    return validate_community_code(code[9:12]), seq


def next_free_seq(used: Iterable[int]) -> int:
    taken = set(used)
    for seq in range(1, 1000):
        if seq not in taken:
            return seq
    raise ValidationError("网格序号", "该社区的网格序号已用完（最多 999 个）。")


def positional_order(centroids: Mapping[str, tuple[float, float]], row_height: float) -> list[str]:
    """Keys ordered north→south in bands of ``row_height``, and west→east in a band.

    This is the numbering rule of product.md: numbered west to east, north to south.
    Coordinates are (x=longitude, y=latitude); north is larger y. Bands are centred on
    the rows (rounding, not flooring), so a centroid a few metres off its row's line
    stays in its row instead of jumping to the one above.
    """
    if row_height <= 0:
        raise ValueError("row_height must be positive")
    top = max((y for _x, y in centroids.values()), default=0.0)
    return sorted(
        centroids,
        key=lambda key: (round((top - centroids[key][1]) / row_height), centroids[key][0]),
    )


# --- staffing rules ------------------------------------------------------------------


class WarningKind(LabeledEnum):
    NO_MEMBER = ("no_member", "无网格员")
    NO_LEADER = ("no_leader", "无网格长")
    FEW_INSTRUCTORS = ("few_instructors", "指导员不足")
    LOW_PRESENCE = ("low_presence", "在格天数不足")


@dataclass(frozen=True)
class StaffingWarning:
    grid_id: str
    grid_code: str
    grid_name: str
    kind: WarningKind
    text: str


@dataclass(frozen=True)
class StaffSnapshot:
    """What the staffing rules need to know about one current assignment."""

    assignment_id: str
    person_name: str
    role: StaffRole


def staffing_warnings(
    *,
    grid_id: str,
    grid_code: str,
    grid_name: str,
    staff: Sequence[StaffSnapshot],
    presence_days: Mapping[str, int],
    month: str,
) -> list[StaffingWarning]:
    """The seeds' staffing rules for one grid, as warnings (never hard errors).

    ``presence_days`` maps assignment id → days recorded for ``month``; a 网格员 with no
    record for the month is not flagged (nothing was reported yet), one with fewer than
    15 days is.
    """
    def warn(kind: WarningKind, text: str) -> StaffingWarning:
        return StaffingWarning(grid_id, grid_code, grid_name, kind, text)

    warnings: list[StaffingWarning] = []
    members = [s for s in staff if s.role is StaffRole.MEMBER]
    instructors = [s for s in staff if s.role is StaffRole.INSTRUCTOR]
    if not any(s.role is StaffRole.LEADER for s in staff):
        warnings.append(warn(WarningKind.NO_LEADER, "未配备网格长"))
    if not members:
        warnings.append(warn(WarningKind.NO_MEMBER, "未配备网格员"))
    if len(instructors) < MIN_INSTRUCTORS_PER_GRID:
        warnings.append(
            warn(
                WarningKind.FEW_INSTRUCTORS,
                f"网格指导员 {len(instructors)} 名，少于 {MIN_INSTRUCTORS_PER_GRID} 名",
            )
        )
    for member in members:
        days = presence_days.get(member.assignment_id)
        if days is not None and days < MIN_MEMBER_DAYS_PER_MONTH:
            warnings.append(
                warn(
                    WarningKind.LOW_PRESENCE,
                    f"网格员{member.person_name} {month} 在格 {days} 天，"
                    f"少于 {MIN_MEMBER_DAYS_PER_MONTH} 天",
                )
            )
    return warnings
