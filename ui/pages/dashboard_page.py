"""工作台: today's overview: the street's grids and the staffing warnings of the seeds,
the certified enforcement officers available today and certificates about to expire.
The demands, whistles and documents modules add their figures here."""

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
from desktop.services.certificates import CertificateWarning
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

CERTIFICATE_COLUMNS: list[Column[CertificateWarning]] = [
    Column("姓名", lambda w: w.officer_name),
    Column("力量", lambda w: w.force.short),
    Column("执法证号", lambda w: w.number),
    Column("有效期至", lambda w: w.valid_until.isoformat(),
           background=lambda w: "#fde2e1" if w.days_left < 0 else "#fff4d6"),
    Column("说明", lambda w: (f"已过期 {-w.days_left} 天" if w.days_left < 0
                            else f"还有 {w.days_left} 天到期"),
           tooltip=lambda w: w.message),
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
                ("staff", "网格工作人员"), ("certified", "今日在岗持证执法人员"),
                ("warnings", "待处理提醒"),
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
        self.certificates_title = QLabel("执法证到期提醒")
        self.certificates_title.setStyleSheet("font-weight: bold; font-size: 12pt;")
        self.certificates_model: RowTableModel[CertificateWarning] = RowTableModel(
            CERTIFICATE_COLUMNS, self)
        self.certificates_view = QTableView()
        self.certificates_view.setModel(self.certificates_model)
        for view in (self.warnings_view, self.certificates_view):
            view.setAlternatingRowColors(True)
            view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
            view.verticalHeader().setVisible(False)
            header = view.horizontalHeader()
            header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
            header.setStretchLastSection(True)
        lists = QGridLayout()
        lists.addWidget(self.warnings_title, 0, 0)
        lists.addWidget(self.warnings_view, 1, 0)
        lists.addWidget(self.certificates_title, 0, 1)
        lists.addWidget(self.certificates_view, 1, 1)
        lists.setColumnStretch(0, 3)
        lists.setColumnStretch(1, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 16, 24, 16)
        layout.addWidget(title)
        layout.addLayout(cards)
        layout.addSpacing(8)
        layout.addLayout(lists, 1)

    async def reload(self) -> None:
        data = await self.env.tasks.db(overview, self.env.context.uow())
        for key in ("communities", "base_grids", "dedicated_grids", "population", "staff"):
            self.cards[key].set_value(getattr(data, key))
        self.cards["certified"].set_value(data.certified_available)
        self.cards["warnings"].set_value(
            len(data.staffing_warnings) + len(data.certificate_warnings))
        self.warnings_title.setText(f"网格配备提醒（{data.month}）")
        self.warnings_title.setToolTip(
            "依据：每格至少 1 名网格员、5 名网格指导员，网格员每月在格不少于 15 天")
        self.warnings_model.set_rows(data.staffing_warnings)
        self.certificates_title.setText(
            f"执法证到期提醒（30 天内到期及已过期，共 {len(data.certificate_warnings)} 项）")
        self.certificates_model.set_rows(data.certificate_warnings)
        self.loaded = True
