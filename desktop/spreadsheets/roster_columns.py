"""Finding the columns of a real-world 花名册: which row is the header, which column is
which field, however it was worded.

Real rosters are made by hand in Excel/WPS: a merged title and a "填报单位：… 日期：…"
row above the header, two-level headers (执法证 › 证号 / 发证机关 / 有效期至) whose
parent cell is merged across its children, and a dozen ways of saying 身份证号. A
two-level header is flattened to "parent/child" and resolved by the child's meaning
in the parent's context ("下沉时间/开始" is the secondment start, "执法证/证号" the
certificate number). What a header means is decided, in this order, by the user's
choice in the preview, the mapping remembered from an earlier import
(``HeaderAlias``), then the built-in table below.

Read-only openpyxl gives no merge ranges, so merges are inferred from the values: a
merged cell's continuation reads as empty.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from openpyxl.utils import get_column_letter

from desktop.domain.labels import LabeledEnum
from desktop.spreadsheets.cells import cell_text, header_key, normalize

HEADER_SEARCH_ROWS = 12
ALIAS_KIND = "roster"


class RosterField(LabeledEnum):
    """The fields a roster column can fill; the label is the header we write."""

    NAME = ("name", "姓名")
    GENDER = ("gender", "性别")
    ID_NUMBER = ("id_number", "身份证号码")
    PHONE = ("phone", "联系电话")
    SOURCE_UNIT = ("source_unit", "原单位")
    FORCE = ("force", "力量类型")
    STAFFING = ("staffing_type", "编制")
    POSITION = ("position", "职务")
    SQUAD = ("squad", "中队")
    STATUS = ("status", "状态")
    SECONDMENT_START = ("secondment_start", "下沉开始")
    SECONDMENT_END = ("secondment_end", "下沉结束")
    CERT_NUMBER = ("cert_number", "执法证号")
    CERT_AUTHORITY = ("cert_authority", "发证机关")
    CERT_DOMAINS = ("cert_domains", "执法领域")
    CERT_FROM = ("cert_valid_from", "发证日期")
    CERT_UNTIL = ("cert_valid_until", "有效期至")
    NOTE = ("note", "备注")


F = RosterField
REQUIRED = (F.NAME, F.ID_NUMBER, F.FORCE)
CERTIFICATE_FIELDS = (F.CERT_NUMBER, F.CERT_AUTHORITY, F.CERT_DOMAINS, F.CERT_FROM, F.CERT_UNTIL)

BUILT_IN: Mapping[RosterField, tuple[str, ...]] = {
    F.NAME: ("姓名", "名字", "人员姓名", "执法人员姓名"),
    F.GENDER: ("性别",),
    F.ID_NUMBER: ("身份证号", "身份证号码", "公民身份号码", "身份证", "居民身份证号码",
                  "身份证件号码", "证件号码", "身份号码"),
    F.PHONE: ("联系电话", "手机", "手机号", "手机号码", "电话", "联系方式", "电话号码", "移动电话"),
    F.SOURCE_UNIT: ("原单位", "派出单位", "所属单位", "单位", "工作单位", "原工作单位", "派驻单位",
                    "来源单位", "所属部门"),
    F.FORCE: ("力量类型", "类别", "队伍类型", "力量", "力量类别", "力量构成", "1+X+Y"),
    F.STAFFING: ("编制", "人员性质", "编制类型", "编制性质", "用工性质", "身份性质"),
    F.POSITION: ("职务", "岗位", "职位", "职务/岗位"),
    F.SQUAD: ("中队", "小组", "所在中队", "所属中队", "中队/小组", "分组", "班组", "所在小组"),
    F.STATUS: ("状态", "在岗状态", "人员状态", "在岗情况"),
    F.SECONDMENT_START: ("下沉开始", "下沉时间", "下沉开始时间", "下沉日期", "下沉开始日期",
                         "下沉起始日期", "下沉起始时间", "到岗时间", "到岗日期"),
    F.SECONDMENT_END: ("下沉结束", "下沉结束时间", "下沉结束日期", "下沉截止", "下沉截止日期",
                       "下沉到期", "下沉到期日期"),
    F.CERT_NUMBER: ("执法证号", "执法证编号", "执法证件号", "执法证件号码", "执法证号码",
                    "行政执法证号", "行政执法证件号", "执法证", "证号", "执法证件编号"),
    F.CERT_AUTHORITY: ("发证机关", "发证单位", "颁发机关", "发证部门", "发证机构"),
    F.CERT_DOMAINS: ("执法领域", "执法类别", "执法范围", "执法门类", "执法种类", "执法区域类别",
                     "领域"),
    F.CERT_FROM: ("发证日期", "有效期起", "有效期自", "有效期开始", "有效期起始", "生效日期",
                  "领证日期", "发证时间"),
    F.CERT_UNTIL: ("有效期至", "有效期", "截止日期", "有效期止", "有效期限", "到期日期",
                   "有效期截止", "失效日期", "有效截止日期", "有效期截至", "到期时间"),
    F.NOTE: ("备注", "说明"),
}

# Columns real rosters carry that we deliberately do not store: not "unknown".
IGNORED_HEADERS = frozenset({"序号", "编号", "出生日期", "出生年月", "年龄", "民族", "政治面貌",
                             "学历", "文化程度", "照片", "籍贯", "签名"})

# Two-level headers: the child's meaning depends on its parent.
_START = frozenset({"开始", "起", "自", "起始", "开始日期", "起始日期", "开始时间", "起始时间", "从",
                    "起日期"})
_END = frozenset({"结束", "止", "至", "截止", "到期", "结束日期", "截止日期", "结束时间", "截止时间",
                  "到", "止日期", "到期日期"})
_NUMBER = frozenset({"证号", "编号", "号码", "证件号", "号", "证件号码", "证件编号"})
_DOMAINS = frozenset({"领域", "执法领域", "类别", "执法类别", "范围", "执法范围", "门类"})
_UNTIL = frozenset({"有效期", "有效期至", "有效期限"})


def _child_role(child: str) -> str:
    for role, words in (("start", _START), ("end", _END | _UNTIL), ("number", _NUMBER),
                        ("domains", _DOMAINS)):
        if child in words:
            return role
    return ""


def _contextual(parent: str, child: str) -> RosterField | None:
    role = _child_role(child)
    if not role:
        return None
    if "下沉" in parent:
        return {"start": F.SECONDMENT_START, "end": F.SECONDMENT_END}.get(role)
    if "有效期" in parent:
        return {"start": F.CERT_FROM, "end": F.CERT_UNTIL}.get(role)
    if "执法证" in parent or "证件" in parent or "执法资格" in parent:
        return {"start": F.CERT_FROM, "end": F.CERT_UNTIL, "number": F.CERT_NUMBER,
                "domains": F.CERT_DOMAINS}[role]
    return None


def field_of(value: RosterField | str | None) -> RosterField | None:
    """A field from itself, its code ("cert_number") or its label ("执法证号")."""
    if value is None or isinstance(value, RosterField):
        return value
    try:
        return RosterField(value)
    except ValueError:
        return RosterField.from_label(value)


@dataclass(frozen=True)
class Vocabulary:
    """Header key → field, in the order of authority: chosen > remembered > built-in.
    A chosen header mapped to ``None`` (or "") is deliberately ignored."""

    chosen: Mapping[str, RosterField | None]
    remembered: Mapping[str, RosterField]
    built_in: Mapping[str, RosterField]

    @classmethod
    def build(cls, remembered: Mapping[str, str],
              chosen: Mapping[str, RosterField | str | None] | None) -> Vocabulary:
        built = {key_of(alias): field for field, aliases in BUILT_IN.items()
                 for alias in (field.label, *aliases)}
        known = {key_of(alias): f for alias, code in remembered.items()
                 if (f := field_of(code)) is not None}
        picked: dict[str, RosterField | None] = {}
        for header, value in (chosen or {}).items():
            picked[key_of(header)] = field_of(value) if value else None
        return cls(picked, known, built)

    def resolve(self, key: str) -> tuple[RosterField | None, str]:
        """(field, source) for a flattened header key; source is 已选择/已记住/内置/忽略/""."""
        if key in self.chosen:
            field = self.chosen[key]
            return field, "已选择" if field else "忽略"
        if key in self.remembered:
            return self.remembered[key], "已记住"
        field = self.built_in.get(key)
        if field is not None:
            return field, "内置"
        if "/" in key:
            parent, child = key.rsplit("/", 1)
            field = (_contextual(parent, child) or self.remembered.get(child)
                     or self.built_in.get(child) or self.built_in.get(parent + child))
            if field is not None:
                return field, "内置"
        if key in IGNORED_HEADERS or key.rsplit("/", 1)[-1] in IGNORED_HEADERS:
            return None, "忽略"
        return None, ""


def key_of(text: object) -> str:
    """How a (possibly flattened "parent/child") header is compared: each part without
    spaces, required-marks or bracketed explanations ("类别（1/X/Y）" → "类别")."""
    plain = re.sub(r"\([^()]*\)", "", normalize(cell_text(text)))
    return "/".join(part for part in (header_key(p) for p in plain.split("/")) if part)


@dataclass(frozen=True)
class HeaderColumn:
    """One non-empty header column: 0-based position, the text as shown, what it means."""

    position: int
    text: str
    field: RosterField | None
    source: str  # 已选择 / 已记住 / 内置 / 忽略 / "" (unknown)

    @property
    def letter(self) -> str:
        return get_column_letter(self.position + 1)


@dataclass(frozen=True)
class HeaderLayout:
    """Where the header is: its first row (0-based), how many rows it spans, the columns."""

    row: int
    depth: int
    columns: tuple[HeaderColumn, ...]

    @property
    def first_data_row(self) -> int:
        return self.row + self.depth

    @property
    def fields(self) -> dict[RosterField, int]:
        """Field → position, first column wins (duplicates are reported separately)."""
        found: dict[RosterField, int] = {}
        for column in self.columns:
            if column.field is not None:
                found.setdefault(column.field, column.position)
        return found

    @property
    def complete(self) -> bool:
        return all(field in self.fields for field in REQUIRED)

    @property
    def unknown(self) -> list[str]:
        return [c.text for c in self.columns if c.field is None and not c.source]

    def duplicates(self) -> list[tuple[RosterField, HeaderColumn, HeaderColumn]]:
        first: dict[RosterField, HeaderColumn] = {}
        repeated = []
        for column in self.columns:
            if column.field is None:
                continue
            if column.field in first:
                repeated.append((column.field, first[column.field], column))
            else:
                first[column.field] = column
        return repeated


def _texts(row: Sequence[Any]) -> list[str]:
    return [cell_text(value) for value in row]


def _single(row: Sequence[Any], vocabulary: Vocabulary, index: int) -> HeaderLayout:
    columns = []
    for position, text in enumerate(_texts(row)):
        if text:
            field, source = vocabulary.resolve(key_of(text))
            columns.append(HeaderColumn(position, text, field, source))
    return HeaderLayout(index, 1, tuple(columns))


def _double(top: Sequence[Any], below: Sequence[Any], vocabulary: Vocabulary,
            index: int) -> HeaderLayout:
    """Two header rows flattened: a child under a parent merged across it reads
    "parent/child"; a cell merged down (nothing below) keeps its own text."""
    upper, lower = _texts(top), _texts(below)
    width = max(len(upper), len(lower))
    upper += [""] * (width - len(upper))
    lower += [""] * (width - len(lower))
    columns = []
    parent = ""
    for position in range(width):
        if upper[position]:
            parent = upper[position]
        elif not lower[position]:
            parent = ""
        child = lower[position]
        text = f"{parent}/{child}" if child and parent else child or upper[position]
        if text:
            field, source = vocabulary.resolve(key_of(text))
            columns.append(HeaderColumn(position, text, field, source))
    return HeaderLayout(index, 2, tuple(columns))


def _score(layout: HeaderLayout) -> int:
    return len(layout.fields)


def find_header(rows: Sequence[Sequence[Any]], vocabulary: Vocabulary) -> HeaderLayout | None:
    """The first row (of the first ``HEADER_SEARCH_ROWS``) whose header, read as one row
    or as two, names every required field; else the closest one (for the message);
    ``None`` when no row names any field at all."""
    best: HeaderLayout | None = None
    singles = [_single(row, vocabulary, index)
               for index, row in enumerate(rows[:HEADER_SEARCH_ROWS + 1])]
    for index in range(min(len(rows), HEADER_SEARCH_ROWS)):
        layout = singles[index]
        if index + 1 < len(singles):
            # Two rows only when together they say more than either alone: a title or
            # "填报单位：…" row above a one-row header is not a parent row.
            double = _double(rows[index], rows[index + 1], vocabulary, index)
            if _score(double) > max(_score(layout), _score(singles[index + 1])):
                layout = double
        if layout.complete:
            return layout
        if _score(layout) and (best is None or _score(layout) > _score(best)):
            best = layout
    return best


def expected_header_text(field: RosterField) -> str:
    """"「力量类型」（也可写作 类别、队伍类型…）" for header error messages."""
    others = [alias for alias in BUILT_IN[field] if alias != field.label][:4]
    return f"「{field.label}」（也可写作 {'、'.join(others)}）" if others else f"「{field.label}」"
