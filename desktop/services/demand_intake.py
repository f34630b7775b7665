"""The intake form's values (受理) and their checks, before anything is stored.

Checks that need the database (the grid exists, the category is a 小类) are made by
``demand_flow.add_demand`` inside the transaction that stores the demand.
"""

from __future__ import annotations

from dataclasses import KW_ONLY, dataclass, replace
from datetime import datetime, timedelta
from typing import TypeVar

from desktop.domain.deadlines import DemandKind, DemandNature, DemandSource
from desktop.domain.errors import ValidationError
from desktop.domain.labels import LabeledEnum
from desktop.services.grid_staff import normalize_phone

_LIMITS = {"title": ("标题", 200), "reporter_name": ("诉求人", 40), "address": ("地址", 200),
           "external_number": ("区级工单号", 40)}
_CLOCK_SKEW = timedelta(minutes=5)
E = TypeVar("E", bound=LabeledEnum)


@dataclass(frozen=True)
class IntakeInput:
    title: str
    content: str
    kind: DemandKind
    source: DemandSource
    nature: DemandNature
    _: KW_ONLY
    urgent: bool = False
    category_id: str | None = None  # a 小类
    reporter_name: str = ""
    reporter_phone: str = ""
    address: str = ""
    grid_id: str | None = None
    longitude: float | None = None
    latitude: float | None = None
    external_number: str | None = None  # the district platform's work-order number
    received_at: datetime | None = None  # default: now; earlier when entered afterwards
    note: str = ""  # on the 受理 step

    def validated(self, *, now: datetime) -> IntakeInput:
        """Trimmed and checked values; Chinese errors naming the form field."""
        title, content = self.title.strip(), self.content.strip()
        if not title:
            raise ValidationError("标题", "不能为空，请用一句话概括诉求。")
        if not content:
            raise ValidationError("诉求内容", "不能为空，请记录诉求人反映的具体情况。")
        values = replace(
            self, title=title, content=content, reporter_name=self.reporter_name.strip(),
            address=self.address.strip(), note=self.note.strip(),
            external_number=(self.external_number or "").strip() or None,
            kind=_member(DemandKind, self.kind, "诉求类型"),
            source=_member(DemandSource, self.source, "诉求来源"),
            nature=_member(DemandNature, self.nature, "诉求性质"),
            reporter_phone=_phone(self.reporter_phone),
        )
        for name, (label, limit) in _LIMITS.items():
            value = getattr(values, name) or ""
            if len(value) > limit:
                raise ValidationError(label, f"不能超过 {limit} 个字（现为 {len(value)} 个）。")
        if values.received_at is not None and values.received_at > now + _CLOCK_SKEW:
            raise ValidationError("受理时间", "不能晚于现在，请核对日期和时间。")
        _check_position(values.longitude, values.latitude)
        return values


def _member(enum: type[E], value: object, field: str) -> E:
    try:
        return enum(value)
    except ValueError:
        found = enum.from_label(str(value))
        if found is None:
            raise ValidationError(field, f"“{value}”不是有效的选项，请从列表中选择。") from None
        return found


def _phone(raw: str) -> str:
    try:
        return normalize_phone(raw)
    except ValidationError:
        raise ValidationError("联系电话", f"“{raw}”不是有效的手机号或带区号的固定电话，"
                                      "请核对后重新输入（不知道可以留空）。") from None


def _check_position(longitude: float | None, latitude: float | None) -> None:
    if (longitude is None) != (latitude is None):
        raise ValidationError("位置", "经度和纬度须同时填写或同时留空。")
    if longitude is not None and latitude is not None and not (
            73 <= longitude <= 136 and 3 <= latitude <= 54):
        raise ValidationError("位置", f"（{longitude}, {latitude}）不在中国境内，请核对经纬度。")
