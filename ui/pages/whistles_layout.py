"""The pieces of the 吹哨 tab: the list's columns (flags coloured), the detail pane
(the whistle and, per unit: 应哨人, 报到 due and done, answer, solution, evaluation, its
flags) and the 负面清单 view of a month."""

from __future__ import annotations

from datetime import date, datetime

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.whistles import FlagKind, Period, TargetState
from desktop.services.whistle_rows import moment_text
from desktop.services.whistles import (
    NegativeEntry,
    NegativeList,
    TargetRow,
    WhistleDetail,
    WhistleRow,
    negative_list,
)
from ui.env import UiEnv
from ui.models.row_table import Column
from ui.widgets.grid_detail import row_table

RED, AMBER, GREEN, GREY = "#f8d7d3", "#fff0c2", "#dff0d8", "#eceff3"


def flag_colour(kinds: frozenset[FlagKind]) -> str | None:
    """A department's fault red, the street's own (乱吹哨, 有哨不吹) amber."""
    if any(not kind.street_fault for kind in kinds):
        return RED
    return AMBER if kinds else None


def _short(moment: datetime | None) -> str:
    return f"{moment:%m-%d %H:%M}" if moment else "—"


WHISTLE_COLUMNS: tuple[Column[WhistleRow], ...] = (
    Column("哨号", lambda r: r.number),
    Column("类型", lambda r: r.kind.label),
    Column("状态", lambda r: r.status.label,
           background=lambda r: GREY if r.status.value == "closed" else None),
    Column("事由", lambda r: r.title, tooltip=lambda r: r.content),
    Column("应哨单位", lambda r: r.units_text, tooltip=lambda r: r.units_text),
    Column("报到", lambda r: r.arrival_text, align_right=True,
           background=lambda r: GREEN if r.arrived == r.target_count else None),
    Column("负面清单", lambda r: r.flag_text or "—",
           background=lambda r: flag_colour(r.flag_kinds),
           tooltip=lambda r: "\n".join(f"{f.label}：{f.reason}" for f in r.flags)),
    Column("吹哨时间", lambda r: f"{r.called_at:%Y-%m-%d %H:%M}", sort_key=lambda r: r.called_at.isoformat()),
    Column("关联诉求", lambda r: r.demand_number or "—"),
)

_STATE_COLOURS = {TargetState.LATE: RED, TargetState.WAITING: AMBER}

TARGET_COLUMNS: tuple[Column[TargetRow], ...] = (
    Column("应哨单位", lambda t: t.unit_name + ("" if t.on_list else "（清单外）")),
    Column("应哨人", lambda t: t.responder or "—"),
    Column("状态", lambda t: t.state.label, background=lambda t: _STATE_COLOURS.get(t.state)),
    Column("报到时限", lambda t: moment_text(t.arrival_due_at, "无法准确计算")),
    Column("报到时间", lambda t: moment_text(t.arrived_at, "未报到")),
    Column("答复", lambda t: t.response or "—", tooltip=lambda t: t.response),
    Column("方案时限/提出", lambda t: "—" if t.solution_due_at is None
           else f"{_short(t.solution_due_at)} / {_short(t.solution_at)}"),
    Column("处置结果/方案", lambda t: t.outcome or "—", tooltip=lambda t: t.outcome),
    Column("评价", lambda t: t.evaluation.label if t.evaluation else "—",
           tooltip=lambda t: t.evaluation_note),
    Column("负面清单", lambda t: t.flag_text or "—",
           background=lambda t: flag_colour(frozenset(f.kind for f in t.flags)),
           tooltip=lambda t: "\n".join(f.reason for f in t.flags)),
)

NEGATIVE_COLUMNS: tuple[Column[NegativeEntry], ...] = (
    Column("情形", lambda e: e.flag.label,
           background=lambda e: flag_colour(frozenset({e.flag.kind}))),
    Column("编号", lambda e: e.flag.subject),
    Column("单位", lambda e: e.flag.unit_name or "本街道"),
    Column("事由", lambda e: e.title, tooltip=lambda e: e.title),
    Column("原因", lambda e: e.flag.reason, tooltip=lambda e: e.flag.reason),
)


class WhistleDetailPane(QWidget):
    """The selected whistle: what, who called, the list item, and its units."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.detail: WhistleDetail | None = None
        self.heading = QLabel()
        self.heading.setStyleSheet("font-weight: bold; color: #1f3a5a;")
        self.heading.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.facts = QLabel()
        self.facts.setWordWrap(True)
        self.facts.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.flags = QLabel()
        self.flags.setWordWrap(True)
        self.flags.setStyleSheet(f"background: {RED}; padding: 4px 8px; border-radius: 3px;")
        self.flags.hide()
        self.targets_view, self.targets_model = row_table(TARGET_COLUMNS, self, stretch=5)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addWidget(self.heading)
        layout.addWidget(self.facts)
        layout.addWidget(self.flags)
        layout.addWidget(self.targets_view, 1)
        self.show_detail(None)

    def set_reveal_permission(self, allowed: bool, tip: str) -> None:
        """No personal data to reveal here (WorkPage asks every detail pane)."""

    def show_message(self, text: str) -> None:
        self.detail = None
        self.heading.setText(text)
        self.facts.setText("")
        self.flags.hide()
        self.targets_model.set_rows([])

    def show_detail(self, detail: WhistleDetail | None) -> None:
        if detail is None:
            self.show_message("请在上方列表中选择一次吹哨，或按 Ctrl+N 吹哨。")
            return
        self.detail = detail
        w = detail.whistle
        self.heading.setText(f"{w.number} · {w.kind.label} · {w.status.label} · {w.title}")
        demand = f"关联诉求：{w.demand_number} {detail.demand_title}" if w.demand_number else "未关联诉求"
        closed = f" · 结案 {moment_text(w.closed_at)}" if w.closed_at else ""
        self.facts.setText(
            f"{w.called_by} 于 {moment_text(w.called_at)} 吹哨{closed} · {w.community_name or '—'}"
            f" · {demand}\n清单事项：{detail.item_text} · 报到时限：{detail.arrival_rule}\n"
            f"情况说明：{w.content}")
        self.flags.setText("\n".join(f"【{f.label}】{f.reason}" for f in w.flags))
        self.flags.setVisible(bool(w.flags))
        self.targets_model.set_rows(list(detail.targets))

    def selected_target(self) -> TargetRow | None:
        rows = self.targets_view.selectionModel().selectedRows()
        return self.targets_model.row_at(rows[0].row()) if rows else None  # type: ignore[return-value]


def _months(today: date, count: int = 13) -> list[Period]:
    months, year, month = [], today.year, today.month
    for _ in range(count):
        months.append(Period.month(year, month))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months


class NegativeListDialog(QDialog):
    """负面清单 of a month: every flag with its reason (seed 004: 有哨不吹、乱吹哨、不报到、
    报到不作为、推诿), computed from the records."""

    def __init__(self, env: UiEnv, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.env = env
        self.result_list: NegativeList | None = None
        self.setWindowTitle("吹哨负面清单")
        self.resize(1100, 620)
        self.month = QComboBox()
        for period in _months(date.today()):
            self.month.addItem(period.label, period)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.view, self.model = row_table(NEGATIVE_COLUMNS, self, stretch=4)
        self.view.setWordWrap(False)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("关闭")
        buttons.rejected.connect(self.reject)
        top = QHBoxLayout()
        top.addWidget(QLabel("月份"))
        top.addWidget(self.month)
        top.addSpacing(12)
        top.addWidget(self.summary, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.view, 1)
        layout.addWidget(QLabel("红色：部门的不报到、推诿、报到不作为；黄色：街道的乱吹哨、有哨不吹。"
                                "均由系统按记录计算，不能手工录入。"))
        layout.addWidget(buttons)
        self.month.currentIndexChanged.connect(lambda _i: self.env.tasks.spawn(self.load()))

    async def load(self) -> None:
        period: Period = self.month.currentData()
        self.summary.setText("正在计算……")
        result = await self.env.tasks.db(negative_list, self.env.context.uow(), period)
        if self.month.currentData() != period:
            return
        self.result_list = result
        self.model.set_rows(list(result.entries))
        self.summary.setText(result.text)
