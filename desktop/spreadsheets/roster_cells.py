"""Understanding the cells of a 花名册: ID numbers that Excel turned into numbers, the
force written as "1/X/Y" or in words, staffing and status synonyms, enforcement
domains in a list with any separator, dates also typed as 20261101.

Each parser returns a value (``None``/"" for an empty cell) or raises ``CellError``
with a Chinese message naming the value; the generic cell rules (full-width digits,
date forms, serials) are those of ``cells``.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from desktop.domain.roster import (
    EnforcementDomain,
    Force,
    OfficerStatus,
    StaffingType,
    domain_of,
)
from desktop.spreadsheets.cells import CellError, cell_text, normalize, parse_date


def clean_text(value: object) -> str:
    """A cell as one line of half-width text, runs of spaces and newlines made one space.
    (The fast path for strings matters: a 10,000-row file has 150,000 cells.)"""
    if value is None:
        return ""
    if isinstance(value, str):
        return " ".join(unicodedata.normalize("NFKC", value).split())
    return normalize(cell_text(value))


def compact(value: object) -> str:
    """``clean_text`` without any space: codes, numbers, choices."""
    return clean_text(value).replace(" ", "")


_EXCEL_DIGITS = 15  # Excel keeps 15 significant digits of a number
_SCIENTIFIC = re.compile(r"^\d+(\.\d+)?[eE]\+?\d+$")


def _lost_digits(shown: str) -> CellError:
    return CellError(f"身份证号码被 Excel 转成了数字，末几位已丢失（现为 {shown}），无法恢复。"
                     "请把该列设置为文本格式后重新录入。")


def id_number_text(value: object) -> str:
    """The ID number as typed, for ``normalize_id_number``. A number that Excel made of
    it has lost its last digits (Excel keeps 15): refuse, showing what is left."""
    if value is None:
        return ""
    if isinstance(value, float):
        if value >= 1e15:
            mantissa, exponent = f"{value:.{_EXCEL_DIGITS - 1}e}".split("e")
            digits = mantissa.replace(".", "")
            shown = digits + "0" * (int(exponent) + 1 - len(digits))
            raise _lost_digits(shown)
        return cell_text(value)
    if isinstance(value, int) and not isinstance(value, bool):
        text = str(value)
        if len(text) > _EXCEL_DIGITS and text.endswith("000"):
            raise _lost_digits(text)
        return text
    text = compact(value)
    if "*" in text:
        raise CellError(f"“{text}”是脱敏后的号码（导出的花名册隐去了中间 8 位），"
                        "请填写完整的 18 位身份证号码。")
    if _SCIENTIFIC.match(text):
        try:
            raise _lost_digits(str(int(Decimal(text))))
        except InvalidOperation:
            pass
    return text


def phone_text(value: object) -> str:
    """The phone as typed (checked by the roster's rules), refusing a masked one."""
    text = compact(value)
    if "*" in text:
        raise CellError(f"“{text}”是脱敏号码，请填写完整的手机号或固定电话（也可留空）。")
    return text


_FORCE_WORDS = {
    "1": Force.STREET, "一": Force.STREET, "街道综合执法队": Force.STREET, "综合执法队": Force.STREET,
    "街道综合行政执法队": Force.STREET, "综合行政执法队": Force.STREET, "街道": Force.STREET,
    "X": Force.SUNK, "下沉": Force.SUNK, "区直部门下沉": Force.SUNK, "部门下沉": Force.SUNK,
    "下沉力量": Force.SUNK, "下沉人员": Force.SUNK,
    "Y": Force.COOPERATING, "协同": Force.COOPERATING, "协同力量": Force.COOPERATING,
    "协管": Force.COOPERATING, "辅助力量": Force.COOPERATING, "协作力量": Force.COOPERATING,
}
_FORCE_LABELS = {compact(f.label).upper(): f for f in Force}


def parse_force(value: object) -> Force | None:
    """1/X/Y (any width or case), the label "X（区直部门下沉）", or the words."""
    text = compact(value).upper()
    if not text:
        return None
    raw = cell_text(value)
    found = _FORCE_LABELS.get(text) or _FORCE_WORDS.get(text) or _FORCE_WORDS.get(
        text.removesuffix("类").removesuffix("力量"))
    if found is None:
        raise CellError(f"“{raw}”不是力量类型，应为 1（街道综合执法队）、X（区直部门下沉）或 Y（协同力量）。")
    return found


_STAFFING_WORDS = {
    "行政": StaffingType.CIVIL_SERVANT, "行政编制": StaffingType.CIVIL_SERVANT,
    "公务员": StaffingType.CIVIL_SERVANT, "参公": StaffingType.CIVIL_SERVANT,
    "行政编": StaffingType.CIVIL_SERVANT, "参照公务员": StaffingType.CIVIL_SERVANT,
    "事业": StaffingType.PUBLIC_INSTITUTION, "事业编制": StaffingType.PUBLIC_INSTITUTION,
    "事业编": StaffingType.PUBLIC_INSTITUTION,
    "协管": StaffingType.AUXILIARY, "协管员": StaffingType.AUXILIARY, "编外": StaffingType.AUXILIARY,
    "聘用": StaffingType.AUXILIARY, "合同制": StaffingType.AUXILIARY, "辅助人员": StaffingType.AUXILIARY,
    "劳务派遣": StaffingType.AUXILIARY, "辅警": StaffingType.AUXILIARY,
}


def parse_staffing(value: object) -> StaffingType | None:
    text = compact(value)
    if not text:
        return None
    found = _STAFFING_WORDS.get(text) or StaffingType.from_label(text)
    if found is None:
        raise CellError(f"“{cell_text(value)}”不是编制类型，应为：{'、'.join(StaffingType.labels())}。")
    return found


_STATUS_WORDS = {
    "在岗": OfficerStatus.ON_DUTY, "在职": OfficerStatus.ON_DUTY, "正常": OfficerStatus.ON_DUTY,
    "请假": OfficerStatus.ON_LEAVE, "休假": OfficerStatus.ON_LEAVE, "病假": OfficerStatus.ON_LEAVE,
    "借调": OfficerStatus.SECONDED, "借出": OfficerStatus.SECONDED,
    "离岗": OfficerStatus.LEFT, "离职": OfficerStatus.LEFT, "调离": OfficerStatus.LEFT,
    "退休": OfficerStatus.LEFT,
}


def parse_status(value: object) -> OfficerStatus | None:
    text = compact(value)
    if not text:
        return None
    found = _STATUS_WORDS.get(text) or OfficerStatus.from_label(text)
    if found is None:
        raise CellError(f"“{cell_text(value)}”不是人员状态，应为：{'、'.join(OfficerStatus.labels())}。")
    return found


def parse_gender(value: object) -> str:
    text = compact(value).upper()
    if not text:
        return ""
    if text in ("男", "男性", "M"):
        return "男"
    if text in ("女", "女性", "F"):
        return "女"
    raise CellError(f"“{cell_text(value)}”不是性别，应为“男”或“女”。")


_DOMAIN_SYNONYMS = {
    "城管": EnforcementDomain.URBAN_MANAGEMENT, "城市管理综合执法": EnforcementDomain.URBAN_MANAGEMENT,
    "综合执法": EnforcementDomain.URBAN_MANAGEMENT, "市容": EnforcementDomain.URBAN_MANAGEMENT,
    "市场": EnforcementDomain.MARKET_REGULATION, "市场监督管理": EnforcementDomain.MARKET_REGULATION,
    "工商": EnforcementDomain.MARKET_REGULATION, "食品安全": EnforcementDomain.MARKET_REGULATION,
    "环保": EnforcementDomain.ECOLOGY, "环境保护": EnforcementDomain.ECOLOGY,
    "生态": EnforcementDomain.ECOLOGY,
    "国土": EnforcementDomain.NATURAL_RESOURCES, "规划": EnforcementDomain.NATURAL_RESOURCES,
    "自然资源和规划": EnforcementDomain.NATURAL_RESOURCES,
    "应急": EnforcementDomain.EMERGENCY, "安全生产": EnforcementDomain.EMERGENCY,
    "安监": EnforcementDomain.EMERGENCY,
    "住建": EnforcementDomain.HOUSING, "住房和城乡建设": EnforcementDomain.HOUSING,
    "住房城乡建设": EnforcementDomain.HOUSING, "建设": EnforcementDomain.HOUSING,
    "文旅": EnforcementDomain.CULTURE_TOURISM, "文化": EnforcementDomain.CULTURE_TOURISM,
    "文化和旅游": EnforcementDomain.CULTURE_TOURISM, "文化市场": EnforcementDomain.CULTURE_TOURISM,
    "农业": EnforcementDomain.AGRICULTURE, "农业农村": EnforcementDomain.AGRICULTURE,
    "卫健": EnforcementDomain.HEALTH, "卫生": EnforcementDomain.HEALTH,
    "卫生健康": EnforcementDomain.HEALTH,
    "交通": EnforcementDomain.TRANSPORT, "水利": EnforcementDomain.WATER,
    "消防": EnforcementDomain.FIRE,
}
_DOMAIN_SPLIT = re.compile(r"[、,;/\s]+")  # after NFKC: ，→, ；→; ／→/


def _domain(word: str) -> EnforcementDomain | None:
    for candidate in (word, word.removesuffix("执法"), word.removesuffix("领域"),
                      word.removesuffix("执法领域"), word.removesuffix("类")):
        found = domain_of(candidate) or _DOMAIN_SYNONYMS.get(candidate)
        if found is not None:
            return found
    return None


def parse_domains(value: object) -> frozenset[EnforcementDomain]:
    """"城市管理、市场监管" with 、，, ; ／ / or spaces between; a few common short names
    (城管, 市场, 环保, 住建…) are understood."""
    if value is None:
        return frozenset()
    found, unknown = _domains_in(str(value))
    if unknown:
        raise CellError(f"“{'、'.join(unknown)}”不是执法领域，可填写："
                        f"{'、'.join(EnforcementDomain.labels())}。")
    return found


@lru_cache(maxsize=512)
def _domains_in(text: str) -> tuple[frozenset[EnforcementDomain], tuple[str, ...]]:
    """Cached: a roster repeats the same few domain lists thousands of times."""
    found: set[EnforcementDomain] = set()
    unknown: list[str] = []
    for word in _DOMAIN_SPLIT.split(normalize(text)):
        if not word:
            continue
        domain = _domain(word)
        if domain is None:
            unknown.append(word)
        else:
            found.add(domain)
    return frozenset(found), tuple(unknown)


def parse_roster_date(value: object) -> date | None:
    """``cells.parse_date`` plus 20261101 stored as a number."""
    if isinstance(value, int | float) and not isinstance(value, bool) and float(value).is_integer() \
            and 19000101 <= value <= 21001231:
        return parse_date(str(int(value)))
    return parse_date(value)


def cell_lines(value: object) -> list[object]:
    """A cell holding several values, one per line (several certificates of a person)."""
    if value is None:
        return []
    if isinstance(value, str):
        return [line.strip() for line in value.splitlines() if line.strip()]
    return [value]
