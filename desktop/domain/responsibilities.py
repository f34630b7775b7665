"""The responsibility list (属地管理事项清单) as values: an item's fields, how the unit
names written in a list are split and matched to the unit directory, and how two
versions of the list differ.

Why matching is lenient: the list is written by the district in its own words
("区市场监督管理局", "属地街道", "区生态环境分局") while the directory holds the names the
street keeps ("区市场监管局", short name "生态环境分局"). A name matches a unit by its
full name, its short name, or — when exactly one unit fits — by one name containing
the other after the usual abbreviations are folded. Whatever stays ambiguous or
unknown is reported plainly so a person picks the unit; nothing is guessed.

"清单之外无协同" (seed 002): a whistle or a dispatch may only go to a unit the item
names. Names meaning "the street itself" (街道, 属地街道, 各街道（乡镇）…) cover the
street's own offices.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

from desktop.domain.labels import LabeledEnum

UNIT_SEPARATOR = "、"
MAX_CODE, MAX_TYPE, MAX_NAME, MAX_UNITS, MAX_TITLE = 20, 40, 200, 200, 120


class ListSource(LabeledEnum):
    DISTRICT = ("district", "区级下发")
    IMPORT = ("import", "Excel 导入")


class MatchHow(LabeledEnum):
    FULL_NAME = ("full", "全称")
    SHORT_NAME = ("short", "简称")
    SIMILAR = ("similar", "名称相近")
    STREET = ("street", "本街道")
    NONE = ("none", "未匹配")


@dataclass(frozen=True)
class ItemDraft:
    """One item as read from a file, made by the demo or received from the district."""

    code: str
    item_type: str
    name: str
    district_duty: str = ""
    street_duty: str = ""
    legal_basis: str = ""
    lead_unit: str = ""
    cooperating_units: tuple[str, ...] = ()


# Field labels in the order the page and the comparison show them.
FIELD_LABELS: dict[str, str] = {
    "item_type": "事项类型", "name": "事项名称", "district_duty": "区级部门职责",
    "street_duty": "街道职责", "legal_basis": "法律依据", "lead_unit": "主体责任单位",
    "cooperating_units": "配合责任单位",
}


def changed_fields(old: ItemDraft, new: ItemDraft) -> tuple[str, ...]:
    """The labels of the fields that differ between two versions of one item."""
    return tuple(label for name, label in FIELD_LABELS.items()
                 if getattr(old, name) != getattr(new, name))


# --- unit names --------------------------------------------------------------------------

_SPLIT = re.compile(r"[、，,；;/／\n\r]+|\s{2,}")
_NOTE = re.compile(r"[(（][^()（）]*[)）]$")  # "区城管执法局（牵头）" → "区城管执法局"


def split_units(text: str) -> tuple[str, ...]:
    """"区城管执法局、区住建局；街道" → three names, trimmed, duplicates and "等" dropped."""
    names: list[str] = []
    for part in _SPLIT.split(text or ""):
        name = part.strip().strip("。.")
        if name.endswith("等") and len(name) > 2:
            name = name[:-1]
        if name and name not in names:
            names.append(name)
    return tuple(names)


def join_units(names: Sequence[str]) -> str:
    return UNIT_SEPARATOR.join(names)


# Abbreviations folded on both sides before comparing (the long form the district
# writes → the short form offices say).
_FOLDS: tuple[tuple[str, str], ...] = (
    ("市场监督管理", "市场监管"), ("城市管理和综合执法", "城管执法"),
    ("城市管理综合执法", "城管执法"), ("城市管理行政执法", "城管执法"), ("城市管理", "城管"),
    ("住房和城乡建设", "住建"), ("住房城乡建设", "住建"), ("卫生健康", "卫健"),
    ("卫生和健康", "卫健"), ("文化和旅游", "文旅"), ("文化旅游体育", "文旅"), ("文化旅游", "文旅"),
    ("应急管理", "应急"), ("自然资源和规划", "自然资源"), ("公安局", "公安"),
)
_STREET_WORDS = frozenset({
    "街道", "街道办", "街道办事处", "乡镇", "镇", "镇街", "乡镇街道", "街道乡镇", "属地",
    "属地街道", "属地乡镇", "属地镇街", "属地乡镇街道", "属地街道乡镇", "各街道", "各乡镇", "各镇街",
    "各街道乡镇", "各乡镇街道", "街道综合执法", "街道综合行政执法",
})
MIN_CONTAINED = 3  # shorter names ("区局") are too vague to match by containment
# "住建部门", "城管等相关部门": a generic word after the department's core name
_GENERIC = re.compile(r"^[区市县]?(?P<core>.{2,}?)(等相关部门|相关部门|等部门|部门|机关|等单位|单位)$")


def name_key(name: str) -> str:
    """How names are compared: half-width, no spaces, no trailing note in brackets."""
    key = re.sub(r"\s+", "", unicodedata.normalize("NFKC", name))
    while _NOTE.search(key):
        key = _NOTE.sub("", key)
    return key


def _folded(key: str) -> str:
    for long, short in _FOLDS:
        key = key.replace(long, short)
    return key


def is_street_name(name: str, street_name: str = "") -> bool:
    """Whether ``name`` means the street itself (街道, 属地街道, 芙蓉街道办事处…)."""
    key = re.sub(r"[()（）]", "", name_key(name))
    if key in _STREET_WORDS:
        return True
    return bool(street_name) and key in {street_name, f"{street_name}办事处",
                                         f"{street_name}办"}


@dataclass(frozen=True)
class DirectoryUnit:
    """A unit of the directory as matching needs it."""

    id: str
    name: str
    short_name: str = ""
    is_street_office: bool = False


@dataclass(frozen=True)
class UnitMatch:
    """One name written in the list and the directory unit it stands for (if any)."""

    listed: str
    how: MatchHow
    unit_id: str | None = None
    unit_name: str = ""
    candidates: tuple[str, ...] = ()  # names of the units it might mean, when ambiguous

    @property
    def matched(self) -> bool:
        return self.how is not MatchHow.NONE

    @property
    def text(self) -> str:
        """A short Chinese description for the detail pane and tooltips."""
        if self.how is MatchHow.STREET:
            return f"{self.listed}（本街道）"
        if self.unit_id is not None:
            same = self.unit_name == self.listed
            return self.unit_name if same else f"{self.listed} → {self.unit_name}（{self.how.label}）"
        if self.candidates:
            return f"{self.listed}（可能是：{'、'.join(self.candidates)}，请选择）"
        return f"{self.listed}（单位名录中没有，请手动选择）"


def match_unit(listed: str, units: Sequence[DirectoryUnit], street_name: str = "") -> UnitMatch:
    """The directory unit ``listed`` names: full name, short name, or a unique fit."""
    if is_street_name(listed, street_name):
        return UnitMatch(listed, MatchHow.STREET)
    key = _folded(name_key(listed))
    for how, attribute in ((MatchHow.FULL_NAME, "name"), (MatchHow.SHORT_NAME, "short_name")):
        for unit in units:
            value = getattr(unit, attribute)
            if value and _folded(name_key(value)) == key:
                return UnitMatch(listed, how, unit.id, unit.name)
    fits = [unit for unit in units if _fits(key, unit)]
    generic = _GENERIC.match(key)
    if not fits and generic:
        core = generic.group("core")
        fits = [unit for unit in units
                if any(core in _folded(name_key(v)) for v in (unit.name, unit.short_name) if v)]
    if len(fits) == 1:
        return UnitMatch(listed, MatchHow.SIMILAR, fits[0].id, fits[0].name)
    return UnitMatch(listed, MatchHow.NONE, candidates=tuple(unit.name for unit in fits))


def _fits(key: str, unit: DirectoryUnit) -> bool:
    """One name contains the other (full or short name), both long enough to mean it."""
    for value in filter(None, (unit.name, unit.short_name)):
        other = _folded(name_key(value))
        if len(key) >= MIN_CONTAINED and len(other) >= MIN_CONTAINED and (
                other in key or key in other):
            return True
    return False


@dataclass(frozen=True)
class Routing:
    """The units an item proposes: its lead(s) and cooperating units, matched."""

    leads: tuple[UnitMatch, ...]
    cooperating: tuple[UnitMatch, ...]
    street_office_ids: frozenset[str] = field(default_factory=frozenset)

    @property
    def lead_unit_id(self) -> str | None:
        """The first lead that is a directory unit (None: the street leads, or unknown)."""
        return next((m.unit_id for m in self.leads if m.unit_id), None)

    @property
    def street_leads(self) -> bool:
        return any(m.how is MatchHow.STREET for m in self.leads)

    @property
    def cooperating_unit_ids(self) -> tuple[str, ...]:
        lead = self.lead_unit_id
        ids = [m.unit_id for m in (*self.leads, *self.cooperating) if m.unit_id and m.unit_id != lead]
        return tuple(dict.fromkeys(ids))

    @property
    def unmatched(self) -> tuple[str, ...]:
        return tuple(m.listed for m in (*self.leads, *self.cooperating) if not m.matched)

    @property
    def names_street(self) -> bool:
        return any(m.how is MatchHow.STREET for m in (*self.leads, *self.cooperating))

    def is_on_list(self, unit_id: str) -> bool:
        """Whether the item names this unit (the street's own offices are named by
        "街道"). A target not on the list is 乱吹哨 / 清单之外无协同."""
        named = {m.unit_id for m in (*self.leads, *self.cooperating) if m.unit_id}
        return unit_id in named or (self.names_street and unit_id in self.street_office_ids)


def route(lead_unit: str, cooperating: Sequence[str], units: Sequence[DirectoryUnit],
          street_name: str = "") -> Routing:
    """Match an item's lead and cooperating names; a cooperating name repeating a
    lead is dropped."""
    leads = tuple(match_unit(name, units, street_name) for name in split_units(lead_unit))
    lead_names = {m.listed for m in leads}
    others = tuple(match_unit(name, units, street_name) for name in cooperating
                   if name not in lead_names)
    return Routing(leads, others, frozenset(u.id for u in units if u.is_street_office))
