"""A dispatched work order's (区级派单) state at the district, in plain Chinese.

The district owns these fields (district/PROTOCOL.md "Commands"); the street receives
them by pull and only shows them. ``district_status`` moves ``dispatched → accepted →
completion_submitted``, ``dispatched|accepted → return_requested`` and, by the
district, to ``recalled`` (``district_note`` then says why). The street's own closed
loop (``status``) goes on independently: a recalled order keeps the street's work.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from desktop.domain.labels import LabeledEnum


class DistrictStatus(LabeledEnum):
    DISPATCHED = "dispatched", "已派单，待签收"
    ACCEPTED = "accepted", "已签收"
    RETURN_REQUESTED = "return_requested", "已申请退回"
    COMPLETION_SUBMITTED = "completion_submitted", "已办结反馈"
    RECALLED = "recalled", "已撤回"


def _text(value: Any, key: str) -> str:
    return str(value.get(key) or "").strip() if isinstance(value, dict) else ""


def _moment(text: str) -> str:
    """``2026-11-23T09:30:00`` → ``2026-11-23 09:30`` (as the district wrote it)."""
    try:
        return f"{datetime.fromisoformat(text):%Y-%m-%d %H:%M}"
    except ValueError:
        return text


@dataclass(frozen=True)
class WorkOrderState:
    """What the district says about a work order, ready to show."""

    code: str  # the district's code, also when this client does not know it
    label: str
    note: str  # the district's note (a recall's reason)
    accepted_at: datetime | None
    details: tuple[str, ...]  # 申请延期 / 申请退回 / 办结反馈 as the district recorded them

    @property
    def recalled(self) -> bool:
        return self.code == DistrictStatus.RECALLED.value

    @property
    def text(self) -> str:
        """``区级平台状态：已撤回（原因：派错街道）``"""
        reason = f"（{'原因' if self.recalled else '说明'}：{self.note}）" if self.note else ""
        return f"区级平台状态：{self.label}{reason}"

    @property
    def detail_text(self) -> str:
        """The rest, one line each (签收时间, requests the district recorded)."""
        lines = [f"签收时间：{self.accepted_at:%Y-%m-%d %H:%M}"] if self.accepted_at else []
        return "\n".join([*lines, *self.details])


def status_label(code: str | None) -> str:
    """The Chinese label of a district status code ("" for none)."""
    if not code:
        return ""
    member = DistrictStatus.from_label(code)
    return member.label if member else f"区级状态“{code}”"


def work_order_state(district_status: str | None, district_note: str | None = None, *,
                     extension_request: Any = None, return_request: Any = None,
                     completion: Any = None, accepted_at: datetime | None = None
                     ) -> WorkOrderState | None:
    """The state of a work order (None for the street's own demand: no district status)."""
    if not district_status:
        return None
    details = []
    if isinstance(extension_request, dict):
        days = extension_request.get("workdays")
        details.append(f"已向区级申请延期 {days} 个工作日" + _said(extension_request, "reason")
                       + _when(extension_request, "requested_at"))
    if isinstance(return_request, dict):
        details.append("已向区级申请退回" + _said(return_request, "reason")
                       + _when(return_request, "requested_at"))
    if isinstance(completion, dict):
        details.append("已向区级办结反馈" + _said(completion, "summary")
                       + _when(completion, "submitted_at"))
    return WorkOrderState(district_status, status_label(district_status),
                          (district_note or "").strip(), accepted_at, tuple(details))


def _said(value: dict[str, Any], key: str) -> str:
    text = _text(value, key)
    return f"：{text}" if text else ""


def _when(value: dict[str, Any], key: str) -> str:
    text = _text(value, key)
    return f"（{_moment(text)}）" if text else ""
