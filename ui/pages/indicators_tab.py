"""考评指标: the month's assessment figures — the street's and each unit's, every figure
a numerator over a denominator, the weighted score, and a click on any figure lists the
records behind it (those that did not count first). Definitions and sums are the
core's (desktop.domain.indicators); the weights are a setting."""

from __future__ import annotations

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QDateEdit,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.indicators import IndicatorKind
from desktop.domain.permissions import Permission, allowed
from desktop.services import indicators
from desktop.services.indicators import Assessment
from ui.dialogs.form_dialog import FormDialog
from ui.env import UiEnv
from ui.models.row_table import Column, RowTableModel
from ui.pages.base import page_slot
from ui.pages.work_page import WorkPage, denied_tip, list_table

KINDS = list(IndicatorKind)
DEFINITIONS = {
    IndicatorKind.RESPONSE: "本月派遣的诉求中，承办单位在1个工作日内签收的比例",
    IndicatorKind.ON_TIME_CLOSE: "本月结案的诉求中，在期限内结案的比例",
    IndicatorKind.RESOLUTION: "本月受理的诉求中（不含合并件、退回区级件），已结案的比例",
    IndicatorKind.SATISFACTION: "本月评价的诉求中，满意和基本满意的比例",
    IndicatorKind.ARRIVAL: "报到期限在本月的吹哨中，部门按时报到的比例",
    IndicatorKind.ON_TIME_HANDOVER: "交接期限在本月的移交区级事项中，按期正式交接的比例（街道的职责）",
}
DrillLine = tuple[str, str, str]
DRILL_COLUMNS: list[Column[DrillLine]] = [
    Column("编号", lambda r: r[0]), Column("内容", lambda r: r[1]), Column("情况", lambda r: r[2]),
]


class WeightsDialog(FormDialog):
    def __init__(self, env: UiEnv, current: dict[IndicatorKind, float],
                 parent: QWidget | None = None) -> None:
        super().__init__(env, "考评权重", "保存", parent)
        self.spins: dict[IndicatorKind, QDoubleSpinBox] = {}
        form = QFormLayout()
        for kind in KINDS:
            spin = QDoubleSpinBox()
            spin.setRange(0, 100)
            spin.setDecimals(0)
            spin.setValue(current[kind])
            self.spins[kind] = spin
            form.addRow(kind.label, spin)
        self.body.addLayout(form)
        self.body.addWidget(QLabel("综合得分 = 各项有数据指标的加权平均（百分制）；"
                                   "某项本月无数据时不计入，也不算失分。"))

    async def submit(self) -> None:
        values = {kind: spin.value() for kind, spin in self.spins.items()}
        context = self.env.context
        await self.env.tasks.db(lambda: indicators.set_weights(context, actor=context.actor,
                                                               values=values))


class IndicatorsTab(WorkPage):
    def __init__(self, env: UiEnv, parent: QWidget | None = None) -> None:
        super().__init__(env, parent)
        self.assessment: Assessment | None = None
        self.month = QDateEdit(QDate.currentDate())
        self.month.setDisplayFormat("yyyy年M月")
        self.month.setCalendarPopup(True)
        self.weights_button = QPushButton("权重…")
        self.table = QTableWidget(0, len(KINDS) + 2)
        self.table.setHorizontalHeaderLabels(["单位", *[k.label for k in KINDS], "综合得分"])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        for column, kind in enumerate(KINDS, start=1):
            self.table.horizontalHeaderItem(column).setToolTip(DEFINITIONS[kind])
        self.drill_title = QLabel("点击表中的数字，查看计入该项的记录。")
        self.drill_title.setWordWrap(True)
        self.drill_model: RowTableModel[DrillLine] = RowTableModel(DRILL_COLUMNS, self)
        self.drill_table = list_table(self.drill_model)
        self.period_label = QLabel()
        self._build_layout()
        self.month.dateChanged.connect(lambda _d: self._refresh())
        self.table.cellClicked.connect(self._on_cell)
        self.weights_button.clicked.connect(self._edit_weights)
        role = env.context.actor.role
        self.weights_button.setEnabled(allowed(role, Permission.SETTINGS_EDIT))
        if not self.weights_button.isEnabled():
            self.weights_button.setToolTip(denied_tip(role, Permission.SETTINGS_EDIT))

    def _build_layout(self) -> None:
        bar = QHBoxLayout()
        bar.addWidget(QLabel("考评月份"))
        bar.addWidget(self.month)
        bar.addWidget(self.period_label)
        bar.addStretch(1)
        bar.addWidget(self.weights_button)
        drill = QWidget()
        drill_layout = QVBoxLayout(drill)
        drill_layout.setContentsMargins(0, 0, 0, 0)
        drill_layout.addWidget(self.drill_title)
        drill_layout.addWidget(self.drill_table, 1)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(drill)
        splitter.setSizes([380, 300])
        legend = QLabel("每项为“比率（计入数/应计数）”；“—”表示本月没有应计的记录。"
                        "各项定义见表头提示。")
        legend.setObjectName("hint")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(splitter, 1)
        layout.addWidget(legend)

    async def reload(self, select: object = None) -> None:
        day = self.month.date()
        period = indicators.month_period(day.year(), day.month())
        self.assessment = await self.env.tasks.db(indicators.assess, self.env.context, period)
        self.period_label.setText(f"统计期：{period.text}")
        self._fill(self.assessment)
        self.loaded = True

    def _fill(self, assessment: Assessment) -> None:
        self.table.setRowCount(len(assessment.cards))
        for row, card in enumerate(assessment.cards):
            name = QTableWidgetItem(assessment.name_of(card))
            if card.unit_id is None:
                font = name.font()
                font.setBold(True)
                name.setFont(font)
            self.table.setItem(row, 0, name)
            for column, kind in enumerate(KINDS, start=1):
                item = QTableWidgetItem(card.indicators[kind].text)
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                self.table.setItem(row, column, item)
            score = card.score(assessment.weights)
            total = QTableWidgetItem("—" if score is None else f"{score:.1f}")
            total.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
            self.table.setItem(row, len(KINDS) + 1, total)
        self.table.setColumnWidth(0, 210)
        for column in range(1, len(KINDS) + 2):
            self.table.setColumnWidth(column, 150 if column <= len(KINDS) else 90)

    @page_slot
    async def _refresh(self) -> None:
        await self.reload()

    @page_slot
    async def _on_cell(self, row: int, column: int) -> None:
        if self.assessment is None or not 1 <= column <= len(KINDS):
            return
        card = self.assessment.cards[row]
        kind = KINDS[column - 1]
        indicator = card.indicators[kind]
        ids = [*indicator.missing, *indicator.numerator]
        lines = await self.env.tasks.db(indicators.drill, self.env.context.uow(), kind, ids)
        self.drill_model.set_rows(lines)
        for index, width in enumerate((170, 420, 160)):
            self.drill_table.setColumnWidth(index, width)
        self.drill_title.setText(
            f"{self.assessment.name_of(card)} · {kind.label} {indicator.text}："
            f"未计入 {len(indicator.missing)} 条在前，计入 {len(indicator.numerator)} 条在后。"
            f"（{DEFINITIONS[kind]}）")

    @page_slot
    async def _edit_weights(self) -> None:
        dialog = WeightsDialog(self.env, indicators.weights(self.env.context), parent=self)
        if await self.run_dialog(dialog):
            await self.changed("已保存考评权重")
