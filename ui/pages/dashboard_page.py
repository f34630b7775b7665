"""工作台: today's overview. For now the street's grids and the staffing warnings of the
seeds; the demands, whistles, documents and roster issues add their figures here."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.grids import StaffingWarning, WarningKind
from desktop.services.dashboard import overview
from ui.env import UiEnv
from ui.models.row_table import Column, RowTableModel
from ui.pages.base import Page
from ui.widgets.cards import FigureCard

_WARNING_COLOURS = {
    WarningKind.NO_MEMBER: "#fde2e1",
    WarningKind.NO_LEADER: "#fde2e1",
    WarningKind.FEW_INSTRUCTORS: "#fff4d6",
    WarningKind.LOW_PRESENCE: "#fff4d6",
}

WARNING_COLUMNS: list[Column[StaffingWarning]] = [
    Column("网格编码", lambda w: w.grid_code),
    Column("网格名称", lambda w: w.grid_name),
    Column("问题", lambda w: w.kind.label, background=lambda w: _WARNING_COLOURS.get(w.kind)),
    Column("说明", lambda w: w.text),
]



class DashboardPage(Page):
    def __init__(self, env: UiEnv, parent: QWidget | None = None) -> None:
        super().__init__(env, parent)
        title = QLabel("工作台")
        title.setObjectName("pageTitle")
        self.cards = {
            key: FigureCard(caption)
            for key, caption in (
                ("communities", "社区/村"), ("base_grids", "基础网格"),
                ("dedicated_grids", "专属网格"), ("population", "网格内人口"),
                ("staff", "网格工作人员"), ("warnings", "网格配备提醒"),
            )
        }
        cards = QGridLayout()
        for index, card in enumerate(self.cards.values()):
            cards.addWidget(card, 0, index)
        self.warnings_title = QLabel("网格配备提醒")
        self.warnings_title.setStyleSheet("font-weight: bold; font-size: 12pt;")
        self.warnings_model: RowTableModel[StaffingWarning] = RowTableModel(WARNING_COLUMNS, self)
        self.warnings_view = QTableView()
        self.warnings_view.setModel(self.warnings_model)
        self.warnings_view.setAlternatingRowColors(True)
        self.warnings_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.warnings_view.verticalHeader().setVisible(False)
        header = self.warnings_view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 16, 24, 16)
        layout.addWidget(title)
        layout.addLayout(cards)
        layout.addSpacing(8)
        layout.addWidget(self.warnings_title)
        layout.addWidget(self.warnings_view, 1)

    async def reload(self) -> None:
        data = await self.env.tasks.db(overview, self.env.context.uow())
        for key in ("communities", "base_grids", "dedicated_grids", "population", "staff"):
            self.cards[key].set_value(getattr(data, key))
        self.cards["warnings"].set_value(len(data.staffing_warnings))
        self.warnings_title.setText(
            f"网格配备提醒（{data.month}，依据：每格至少 1 名网格员、5 名网格指导员，"
            "网格员每月在格不少于 15 天）"
        )
        self.warnings_model.set_rows(data.staffing_warnings)
        self.loaded = True
