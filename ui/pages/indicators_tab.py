"""考评指标: the month's assessment figures — the street's and each unit's, grid's or
category's (小类 indented under their 大类), or the street's last twelve months — every
figure a numerator over a denominator, the weighted score, and a click on any figure
lists the records behind it (those that failed first; for 退单率 and 重复诉求率, where
lower is better, those that counted). Definitions and sums are the core's
(desktop.domain.indicators); the weights are a setting. 导出月报 writes the month to
xlsx with charts on the cpu pool behind a progress bar."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QComboBox,
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

from desktop.domain.indicators import (
    LOWER_IS_BETTER,
    Dimension,
    Indicator,
    IndicatorKind,
    Period,
    Tally,
)
from desktop.domain.permissions import Permission, allowed
from desktop.progress import CancelToken, ProgressCallback
from desktop.services import indicators
from desktop.services.indicators import Assessment, Trend
from desktop.spreadsheets.monthly_indicators import (
    DEFINITIONS,
    MonthlyIndicators,
    export_monthly_indicators,
)
from ui.dialogs import messages
from ui.dialogs.form_dialog import FormDialog
from ui.env import UiEnv
from ui.models.row_table import Column, RowTableModel
from ui.pages.base import page_slot
from ui.pages.work_page import WorkPage, denied_tip, gate, list_table
from ui.tasks import run_with_progress

KINDS = list(IndicatorKind)
DIMENSIONS = list(Dimension)
FIRST_COLUMN = {Dimension.UNIT: "单位", Dimension.GRID: "网格", Dimension.CATEGORY: "类别",
                Dimension.MONTH: "月份"}
XLSX_FILTER = "Excel 工作簿 (*.xlsx)"
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
    last_dir_key = "indicators_last_dir"

    def __init__(self, env: UiEnv, parent: QWidget | None = None) -> None:
        super().__init__(env, parent)
        self.assessment: Assessment | None = None
        self.trend: Trend | None = None
        self._generation = 0
        self.month = QDateEdit(QDate.currentDate())
        self.month.setDisplayFormat("yyyy年M月")
        self.month.setCalendarPopup(True)
        self.dimension = QComboBox()
        for dimension in DIMENSIONS:
            self.dimension.addItem(dimension.label)
        self.dimension.setToolTip("按单位、网格、类别（大类及其小类）查看本月指标，"
                                  "或查看全街道近12个月的趋势")
        self.export_button = QPushButton("导出月报…")
        self.export_button.setProperty("allowedTip", "把本月各维度的指标和近12个月趋势导出为"
                                       " Excel（含图表）")
        self.weights_button = QPushButton("权重…")
        self.table = QTableWidget(0, len(KINDS) + 2)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self._set_headers(Dimension.UNIT)
        self.drill_title = QLabel("点击表中的数字，查看计入该项的记录。")
        self.drill_title.setWordWrap(True)
        self.drill_model: RowTableModel[DrillLine] = RowTableModel(DRILL_COLUMNS, self)
        self.drill_table = list_table(self.drill_model)
        self.period_label = QLabel()
        self._build_layout()
        self.month.dateChanged.connect(lambda _d: self._refresh())
        self.dimension.currentIndexChanged.connect(lambda _i: self._refresh())
        self.table.cellClicked.connect(self._on_cell)
        self.weights_button.clicked.connect(self._edit_weights)
        self.export_button.clicked.connect(self.export)
        role = env.context.actor.role
        gate(self.export_button, Permission.DATA_EXPORT, role)
        self.weights_button.setEnabled(allowed(role, Permission.SETTINGS_EDIT))
        if not self.weights_button.isEnabled():
            self.weights_button.setToolTip(denied_tip(role, Permission.SETTINGS_EDIT))

    def _set_headers(self, dimension: Dimension) -> None:
        self.table.setHorizontalHeaderLabels(
            [FIRST_COLUMN[dimension], *[k.label for k in KINDS], "综合得分"])
        for column, kind in enumerate(KINDS, start=1):
            self.table.horizontalHeaderItem(column).setToolTip(DEFINITIONS[kind])

    def _build_layout(self) -> None:
        bar = QHBoxLayout()
        bar.addWidget(QLabel("考评月份"))
        bar.addWidget(self.month)
        bar.addSpacing(12)
        bar.addWidget(QLabel("统计维度"))
        bar.addWidget(self.dimension)
        bar.addSpacing(12)
        bar.addWidget(self.period_label)
        bar.addStretch(1)
        bar.addWidget(self.export_button)
        bar.addWidget(self.weights_button)
        drill = QWidget()
        drill_layout = QVBoxLayout(drill)
        drill_layout.setContentsMargins(0, 0, 0, 0)
        drill_layout.addWidget(self.drill_title)
        drill_layout.addWidget(self.drill_table, 1)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(drill)
        splitter.setSizes([470, 230])
        legend = QLabel("每项为“比率（计入数/应计数）”；“—”表示没有应计的记录。退单率、重复诉求率"
                        "越低越好。各项定义见表头提示。")
        legend.setObjectName("hint")
        legend.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(splitter, 1)
        layout.addWidget(legend)

    @property
    def current_dimension(self) -> Dimension:
        return DIMENSIONS[max(0, self.dimension.currentIndex())]

    def set_dimension(self, dimension: Dimension) -> None:
        self.dimension.setCurrentIndex(DIMENSIONS.index(dimension))

    async def reload(self, select: object = None) -> None:
        self._generation += 1
        generation = self._generation
        day, dimension = self.month.date(), self.current_dimension
        context = self.env.context
        if dimension is Dimension.MONTH:
            trend = await self.env.tasks.db(indicators.trend, context, day.year(), day.month())
            if generation != self._generation:
                return
            self.assessment, self.trend = None, trend
            self.period_label.setText(f"统计期：{trend.text}（全街道）")
            self._fill_trend(trend)
        else:
            period = indicators.month_period(day.year(), day.month())
            assessment = await self.env.tasks.db(indicators.assess, context, period, dimension)
            if generation != self._generation:
                return
            self.assessment, self.trend = assessment, None
            self.period_label.setText(f"统计期：{period.text}")
            self._fill(assessment)
        self.drill_model.set_rows([])
        self.drill_title.setText("点击表中的数字，查看计入该项的记录。")
        self.loaded = True

    def _put_row(self, row: int, name: str, figures: dict[IndicatorKind, Indicator]
                 | dict[IndicatorKind, Tally], score: float | None, *,
                 bold: bool = False) -> None:
        item = QTableWidgetItem(name)
        if bold:
            font = item.font()
            font.setBold(True)
            item.setFont(font)
        self.table.setItem(row, 0, item)
        for column, kind in enumerate(KINDS, start=1):
            cell = QTableWidgetItem(figures[kind].text)
            cell.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
            self.table.setItem(row, column, cell)
        total = QTableWidgetItem("—" if score is None else f"{score:.1f}")
        total.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
        self.table.setItem(row, len(KINDS) + 1, total)

    def _fill(self, assessment: Assessment) -> None:
        self._set_headers(assessment.dimension)
        self.table.setRowCount(len(assessment.cards))
        for row, card in enumerate(assessment.cards):
            indent = "　　" * assessment.level_of(card)
            self._put_row(row, indent + assessment.name_of(card), card.indicators,
                          card.score(assessment.weights),
                          bold=card.key is None or (assessment.level_of(card) == 0
                          and assessment.dimension is Dimension.CATEGORY))
        self._size_columns()

    def _fill_trend(self, trend: Trend) -> None:
        self._set_headers(Dimension.MONTH)
        self.table.setRowCount(len(trend.rows))
        for row, month in enumerate(trend.rows):
            self._put_row(row, month.period.month_text, month.figures, month.score(trend.weights))
        self._size_columns()

    def _size_columns(self) -> None:
        self.table.setColumnWidth(0, 190)
        for column in range(1, len(KINDS) + 1):
            self.table.setColumnWidth(column, 138)
        self.table.setColumnWidth(len(KINDS) + 1, 80)

    @page_slot
    async def _refresh(self) -> None:
        await self.reload()

    async def _figure(self, row: int, kind: IndicatorKind) -> tuple[str, Indicator] | None:
        """The figure in a cell with its records (a month of the trend is computed now)."""
        if self.assessment is not None:
            card = self.assessment.cards[row]
            return self.assessment.name_of(card), card.indicators[kind]
        if self.trend is not None:
            period: Period = self.trend.rows[row].period
            indicator = await self.env.tasks.db(indicators.street_indicator, self.env.context,
                                                period, kind)
            return f"全街道{period.month_text}", indicator
        return None

    @page_slot
    async def _on_cell(self, row: int, column: int) -> None:
        if not 1 <= column <= len(KINDS):
            return
        kind = KINDS[column - 1]
        found = await self._figure(row, kind)
        if found is None:
            return
        name, indicator = found
        ids = list(indicator.first_shown)
        lines = await self.env.tasks.db(indicators.drill, self.env.context.uow(), kind, ids)
        self.drill_model.set_rows(lines)
        for index, width in enumerate((170, 480, 160)):
            self.drill_table.setColumnWidth(index, width)
        counted, missing = len(indicator.numerator), len(indicator.missing)
        order = (f"计入 {counted} 条在前，未计入 {missing} 条在后" if kind in LOWER_IS_BETTER
                 else f"未计入 {missing} 条在前，计入 {counted} 条在后")
        self.drill_title.setText(f"{name} · {kind.label} {indicator.text}：{order}。"
                                 f"（{DEFINITIONS[kind]}）")

    @page_slot
    async def _edit_weights(self) -> None:
        dialog = WeightsDialog(self.env, indicators.weights(self.env.context), parent=self)
        if await self.run_dialog(dialog):
            await self.changed("已保存考评权重")

    @page_slot
    async def export(self) -> None:
        day = self.month.date()
        year, month = day.year(), day.month()
        path = self.ask_save_path("导出考评月报", f"考评月报{year}年{month}月.xlsx", XLSX_FILTER)
        if not path:
            return
        context = self.env.context

        def work(progress: ProgressCallback, cancel: CancelToken) -> MonthlyIndicators:
            return export_monthly_indicators(context, Path(path), year=year, month=month,
                                             actor=context.actor, progress=progress,
                                             cancel=cancel)

        try:
            await run_with_progress(self.env.tasks, self, "正在导出考评月报", work, pool="cpu")
        except Exception as error:
            messages.show_error(self, error)
            return
        self.notify("导出完成", f"已导出{year}年{month}月考评月报（含按单位、网格、类别的指标，"
                    f"近12个月趋势和图表）到：\n{path}")
