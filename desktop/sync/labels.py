"""Chinese names for what the sync page shows: the columns of travelling records and
the codes stored in them, so a conflict's two sides read as a user's words, not as
database names."""

from __future__ import annotations

from typing import Any

from desktop.domain.deadlines import DemandKind, DemandNature, DemandSource
from desktop.domain.demand_states import DemandStatus, HandlingLevel, Rating
from desktop.domain.grids import CommunityKind, GridCategory, GridKind, GridStatus
from desktop.domain.labels import LabeledEnum

FIELD_LABELS = {
    "name": "名称", "code": "编码", "seq": "序号", "kind": "类型", "category": "类别",
    "status": "状态", "title": "标题", "content": "内容", "number": "编号",
    "external_number": "区级工单号", "nature": "性质", "source": "来源", "urgent": "紧急",
    "address": "地址", "reporter_name": "诉求人", "reporter_phone": "联系电话",
    "households": "户数", "population": "人口", "area_km2": "面积（平方公里）",
    "boundary_geojson": "边界", "retired_on": "撤销日期", "retired": "已撤销", "note": "备注",
    "dedicated_type": "专属类型", "community_id": "所属社区", "grid_id": "所属网格",
    "received_at": "受理时间", "deadline_at": "办理期限", "deadline_note": "期限说明",
    "closed_at": "结案时间", "rating": "评价", "handling_level": "办理层级",
    "lead_unit_id": "主办单位", "returned_count": "退单次数", "phone": "电话", "unit": "单位",
    "duties": "职责", "role": "角色", "started_on": "开始日期", "ended_on": "结束日期",
    "version": "版本", "created_at": "创建时间", "updated_at": "修改时间",
    "responder": "应哨人", "arrived_at": "报到时间", "response": "答复", "outcome": "办理结果",
    "solution_at": "办结时间", "evaluation": "评价", "called_at": "吹哨时间", "state": "状态",
    "district_status": "区级状态", "district_note": "区级说明",
}
_VALUE_ENUMS: dict[str, tuple[type[LabeledEnum], ...]] = {
    "kind": (GridKind, CommunityKind, DemandKind),
    "category": (GridCategory,),
    "status": (GridStatus, DemandStatus),
    "source": (DemandSource,),
    "nature": (DemandNature,),
    "handling_level": (HandlingLevel,),
    "rating": (Rating,),
}


def field_label(name: str) -> str:
    return FIELD_LABELS.get(name, name)


def value_text(name: str, value: Any) -> str:
    """A stored value as the user reads it: codes as their Chinese label."""
    if value is None or value == "":
        return "（空）"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, str):
        for enum in _VALUE_ENUMS.get(name, ()):
            member = enum.from_label(value)
            if member is not None:
                return member.label
        return value.replace("T", " ") if _looks_like_time(value) else value
    return str(value)


def _looks_like_time(text: str) -> bool:
    return len(text) >= 16 and text[4] == "-" and text[10] == "T"
