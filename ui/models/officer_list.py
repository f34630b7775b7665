"""Table declarations of the 执法队伍 page: the roster (with its group filter and search),
a person's certificates and history, the leave list, the duty table and the unit
directory.

Rows are the frozen DTOs the roster services return; nothing here reads the database
or re-derives a rule: availability, certificate states and counts come computed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSortFilterProxyModel

from desktop.domain.roster import CertificateState, Force, OfficerStatus
from desktop.services.availability import DutyRow, LeaveRow
from desktop.services.roster_rows import CertificateRow, OfficerEventRow, OfficerRow
from desktop.services.units import ResponderRow, UnitRow
from ui.models.row_table import ROW_ROLE, SORT_ROLE, Column, RowTableModel

Index = QModelIndex | QPersistentModelIndex

EXPIRED_COLOUR = "#fde2e1"  # red: expired
EXPIRING_COLOUR = "#fff1c7"  # amber: within 30 days
MUTED_COLOUR = "#eceff3"
UNAVAILABLE_COLOUR = "#fbe9d9"
WEEKDAYS = "一二三四五六日"


# --- the roster ------------------------------------------------------------------------


def primary_certificate(row: OfficerRow) -> CertificateRow | None:
    """The certificate the list shows: the latest-ending one not revoked."""
    live = [c for c in row.certificates if not c.revoked]
    return max(live, key=lambda c: c.valid_until) if live else None


def certificate_text(row: OfficerRow) -> str:
    shown = primary_certificate(row)
    if shown is None:
        return "无"
    others = sum(1 for c in row.certificates if not c.revoked) - 1
    return shown.number + (f" 等{others + 1}本" if others else "")


def certificate_colour(state: CertificateState | None) -> str | None:
    if state is CertificateState.EXPIRED:
        return EXPIRED_COLOUR
    if state is CertificateState.EXPIRING:
        return EXPIRING_COLOUR
    return None


def _until_colour(row: OfficerRow) -> str | None:
    shown = primary_certificate(row)
    return certificate_colour(shown.state) if shown else None


def _until_tip(row: OfficerRow) -> str:
    shown = primary_certificate(row)
    if shown is None:
        return "没有执法证：不是执法人员，不能单独执法"
    if shown.state is CertificateState.EXPIRED:
        return f"执法证 {shown.number} 已过期 {-shown.days_left} 天，现不能从事执法"
    if shown.state is CertificateState.EXPIRING:
        return f"执法证 {shown.number} 还有 {shown.days_left} 天到期，请及时换证"
    return f"执法证 {shown.number}：{shown.state.label}"


def status_text(row: OfficerRow) -> str:
    if row.available_today or row.status is not OfficerStatus.ON_DUTY:
        return row.status.label
    return f"{row.status.label}·今日不可用"


def _status_colour(row: OfficerRow) -> str | None:
    if row.status is OfficerStatus.LEFT:
        return MUTED_COLOUR
    return None if row.available_today else UNAVAILABLE_COLOUR


def _status_tip(row: OfficerRow) -> str:
    since = f"，自 {row.status_since} 起" if row.status_since else ""
    today = "今日可出勤" if row.available_today else f"今日不可出勤：{row.unavailable_reason_today}"
    return f"{row.status.label}{since}；{today}"


def domains_text(row: OfficerRow) -> str:
    from desktop.services.roster_rows import domain_labels

    return domain_labels(row.domains_today) or "—"


FORCE_ORDER = {force: index for index, force in enumerate(Force)}

OFFICER_COLUMNS: list[Column[OfficerRow]] = [
    Column("姓名", lambda r: r.name, tooltip=lambda r: f"{r.name}（{r.position or '未填职务'}）"),
    Column("性别", lambda r: r.gender or "—"),
    Column("力量", lambda r: r.force.short, sort_key=lambda r: FORCE_ORDER[r.force],
           tooltip=lambda r: r.force.label),
    Column("原单位", lambda r: r.unit_name or "—", tooltip=lambda r: r.unit_name),
    Column("中队", lambda r: r.squad or "—"),
    Column("职务", lambda r: r.position or "—"),
    Column("状态", status_text, background=_status_colour, tooltip=_status_tip),
    Column("执法证", certificate_text,
           tooltip=lambda r: "\n".join(f"{c.number}（{c.state.label}）" for c in r.certificates)
           or "无执法证"),
    Column("执法领域", domains_text, tooltip=domains_text),
    Column("有效期至", lambda r: str(c.valid_until) if (c := primary_certificate(r)) else "—",
           sort_key=lambda r: str(c.valid_until) if (c := primary_certificate(r)) else "9999",
           background=_until_colour, tooltip=_until_tip),
    Column("电话", lambda r: r.phone_masked or "—"),
]
OFFICER_NAME_COLUMN = 0
OFFICER_UNIT_COLUMN = 3


class GroupFilter:
    """What the left panel chose: everyone, a force, a unit or a squad."""

    ALL = ("all", "")

    @staticmethod
    def accepts(group: tuple[str, str], row: OfficerRow) -> bool:
        kind, value = group
        if kind == "force":
            return row.force.value == value
        if kind == "unit":
            return (row.unit_id or "") == value
        if kind == "squad":
            return row.squad == value
        return True


def search_matches(row: OfficerRow, text: str) -> bool:
    """Name, certificate number, or the tail (≥ 4 digits) of the phone or ID number:
    the masked values keep their last four characters, so the tail is searchable."""
    needle = text.strip().translate(str.maketrans("０１２３４５６７８９ｘ", "0123456789X")).upper()
    if not needle:
        return True
    if needle in row.name.upper() or any(needle in c.number.upper() for c in row.certificates):
        return True
    return len(needle) >= 4 and (row.phone_masked.endswith(needle)
                                 or row.id_number_masked.upper().endswith(needle))


class OfficerFilterProxy(QSortFilterProxyModel):
    """Sorts by each column's sort key; filters by the chosen group and the search."""

    def __init__(self, parent: object = None) -> None:
        super().__init__(parent)
        self.setSortRole(SORT_ROLE)
        self._text = ""
        self._group: tuple[str, str] = GroupFilter.ALL

    def set_text(self, text: str) -> None:
        self._refilter(lambda: setattr(self, "_text", text))

    def set_group(self, kind: str, value: str = "") -> None:
        self._refilter(lambda: setattr(self, "_group", (kind, value)))

    @property
    def group(self) -> tuple[str, str]:
        return self._group

    def _refilter(self, change: Callable[[], None]) -> None:
        """Qt 6.10 replaced invalidateRowsFilter (now deprecated) by begin/endFilterChange."""
        if hasattr(self, "endFilterChange"):
            self.beginFilterChange()
            change()
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:  # Qt < 6.10
            change()
            self.invalidateRowsFilter()

    def accepts(self, row: OfficerRow) -> bool:
        return GroupFilter.accepts(self._group, row) and search_matches(row, self._text)

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        model = self.sourceModel()
        row = model.data(model.index(source_row, 0, source_parent), ROW_ROLE)
        return isinstance(row, OfficerRow) and self.accepts(row)


def officer_table_model(parent: object = None,
                        short_names: Mapping[str, str] | None = None) -> RowTableModel[OfficerRow]:
    """The roster list; with ``short_names`` (unit id → 简称, read when shown, so the
    caller may refill it) the 原单位 column shows the short name, the full one as tip."""
    columns = list(OFFICER_COLUMNS)
    if short_names is not None:
        columns[OFFICER_UNIT_COLUMN] = Column(
            "原单位", lambda r: short_names.get(r.unit_id or "") or r.unit_name or "—",
            tooltip=lambda r: r.unit_name)
    return RowTableModel(columns, parent)


# --- a person's certificates and history ------------------------------------------------

CERTIFICATE_COLUMNS: list[Column[CertificateRow]] = [
    Column("执法证号", lambda c: c.number),
    Column("执法领域", lambda c: c.domain_labels, tooltip=lambda c: c.domain_labels),
    Column("发证机关", lambda c: c.issuing_authority, tooltip=lambda c: c.issuing_authority),
    Column("有效期自", lambda c: str(c.valid_from)),
    Column("有效期至", lambda c: str(c.valid_until), background=lambda c: certificate_colour(c.state)),
    Column("状态", lambda c: _certificate_state_text(c),
           background=lambda c: certificate_colour(c.state)
           or (MUTED_COLOUR if c.state is CertificateState.REVOKED else None)),
]


def _certificate_state_text(row: CertificateRow) -> str:
    if row.state is CertificateState.EXPIRING:
        return f"{row.state.label}（{row.days_left} 天）"
    if row.state is CertificateState.EXPIRED:
        return f"{row.state.label}（{-row.days_left} 天）"
    return row.state.label


OFFICER_HISTORY_COLUMNS: list[Column[OfficerEventRow]] = [
    Column("时间", lambda e: e.occurred_at),
    Column("事项", lambda e: e.kind.label),
    Column("内容", lambda e: e.summary, tooltip=lambda e: e.summary),
    Column("操作人", lambda e: e.actor),
]


# --- leave and duty ---------------------------------------------------------------------

LEAVE_COLUMNS: list[Column[LeaveRow]] = [
    Column("姓名", lambda r: r.officer_name),
    Column("力量", lambda r: r.force.short, sort_key=lambda r: FORCE_ORDER[r.force]),
    Column("原单位", lambda r: r.unit_name or "—", tooltip=lambda r: r.unit_name),
    Column("类别", lambda r: r.kind.label),
    Column("开始", lambda r: str(r.start)),
    Column("结束", lambda r: str(r.end)),
    Column("天数", lambda r: str(r.days), sort_key=lambda r: r.days, align_right=True),
    Column("值班冲突", lambda r: "、".join(f"{d.month}月{d.day}日" for d in r.duty_days) or "—",
           background=lambda r: EXPIRED_COLOUR if r.duty_days else None,
           tooltip=lambda r: "请假期间已排应急值班，请到“应急值班表”调整" if r.duty_days else ""),
    Column("备注", lambda r: r.note, tooltip=lambda r: r.note),
]


def day_text(day: date) -> str:
    return f"{day.month}月{day.day}日 周{WEEKDAYS[day.weekday()]}"


def _duty_colour(row: DutyRow) -> str | None:
    if row.officer_id is None:
        return EXPIRING_COLOUR
    return EXPIRED_COLOUR if row.problem else None


def duty_state(row: DutyRow) -> str:
    if row.officer_id is None:
        return "空缺，待排班"
    return f"不可出勤：{row.problem}，请改排" if row.problem else "已排"


DUTY_COLUMNS: list[Column[DutyRow]] = [
    Column("日期", lambda r: day_text(r.day), sort_key=lambda r: r.day),
    Column("值班人员", lambda r: r.officer_name or "（空缺）", background=_duty_colour),
    Column("力量", lambda r: r.force.short if r.force else "—"),
    Column("原单位", lambda r: r.unit_name or "—", tooltip=lambda r: r.unit_name),
    Column("中队", lambda r: r.squad or "—"),
    Column("电话", lambda r: r.phone_masked or "—"),
    Column("情况", duty_state, background=_duty_colour, tooltip=duty_state),
    Column("备注", lambda r: r.note, tooltip=lambda r: r.note),
]


# --- units ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ResponderSlot:
    """One community's line in a unit's 应哨人 table (empty when none is named)."""

    community_id: str
    community_name: str
    responder: ResponderRow | None


UNIT_COLUMNS: list[Column[UnitRow]] = [
    Column("名称", lambda u: u.name, tooltip=lambda u: f"{u.name}（简称：{u.short_name or '无'}）"),
    Column("类型", lambda u: u.kind.label),
    Column("联系人", lambda u: u.contact_person or "—"),
    Column("电话", lambda u: u.contact_phone or "—"),
    Column("总应哨人", lambda u: u.chief_responder or "—",
           background=lambda u: None if u.chief_responder else EXPIRING_COLOUR),
    Column("应哨人电话", lambda u: u.chief_responder_phone or "—"),
    Column("社区应哨人", lambda u: f"{len(u.responders)} 个社区" if u.responders else "—",
           sort_key=lambda u: len(u.responders), align_right=True),
    Column("状态", lambda u: "已停用" if u.retired else ("区级同步" if u.from_district else "本地维护"),
           background=lambda u: MUTED_COLOUR if u.retired else None),
]

RESPONDER_COLUMNS: list[Column[ResponderSlot]] = [
    Column("社区/村", lambda s: s.community_name),
    Column("应哨人", lambda s: s.responder.name if s.responder else "未指定",
           background=lambda s: None if s.responder else EXPIRING_COLOUR),
    Column("电话", lambda s: s.responder.phone if s.responder and s.responder.phone else "—"),
]
