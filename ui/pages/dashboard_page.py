"""工作台: today's work first — new demands, due today, overdue, whistles waiting for
报到, extension requests and letters waiting for approval, certificates expiring — each
a card that opens the records behind it, with charts (QtCharts) of the last 30 days,
the open demands by status and the units with the most overdue demands; then, on a
second tab, the street's grids with the staffing warnings of the seeds and the
certified enforcement officers available today.

QtCharts is imported when the charts are first filled (``_ensure_charts``), not with
this module: the window paints and the page is built before that cost is paid. The
data is read on the database thread (``env.tasks.db``)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent, QMouseEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.grids import StaffingWarning, WarningKind
from desktop.services.certificates import CertificateWarning
from desktop.services.dashboard import TodayWork, overview, today_work
from desktop.services.demand_lists import DemandFilter
from ui.env import UiEnv
from ui.models.row_table import Column, RowTableModel
from ui.pages.base import Page, page_slot
from ui.widgets.cards import FigureCard

if TYPE_CHECKING:
    from ui.widgets.charts import DailyChart, OverdueUnitsChart, StatusChart

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


WEEKDAYS = "一二三四五六日"


@dataclass(frozen=True)
class CardTarget:
    """Where a card of today's work leads: a page (and a tab of it, with a filter for
    the demand list), or the dashboard's own second tab."""

    caption: str
    tip: str
    page: str = ""
    tab: str = ""
    filter: DemandFilter | None = None
    received_today: bool = False  # narrow the filter to the demands received on the day shown


TODAY_CARDS: dict[str, CardTarget] = {
    "new_today": CardTarget("今日新受理", "今日受理的诉求；点击查看", "demands", "诉求列表",
                            DemandFilter(), received_today=True),
    "due_today": CardTarget("今日到期", "今日内到期、尚未办结的诉求；点击查看即将超期的诉求",
                            "demands", "诉求列表", DemandFilter(due_soon=True)),
    "overdue": CardTarget("已超期", "已超过办理期限、尚未办结的诉求；点击查看", "demands",
                          "诉求列表", DemandFilter(overdue=True)),
    "whistles": CardTarget("吹哨待报到", "已吹哨、部门尚未报到的单位数；点击打开吹哨",
                           "demands", "吹哨"),
    "extensions": CardTarget("延期待审批", "承办单位申请延期、等待主任审批；点击打开督办",
                             "demands", "督办"),
    "letters": CardTarget("文书待审批", "已提交、等待审批的公文；点击打开文书", "documents"),
    "certificates": CardTarget("执法证30天内到期", "30 天内到期及已过期的执法证；点击查看清单"),
}


class LinkCard(FigureCard):
    """A figure card that opens the records behind it (click, Enter or Space)."""

    activated = Signal()

    def __init__(self, caption: str, tip: str, parent: QWidget | None = None) -> None:
        super().__init__(caption, parent)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setToolTip(tip)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self.rect().contains(
                event.position().toPoint()):
            self.activated.emit()
        super().mouseReleaseEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            self.activated.emit()
            return
        super().keyPressEvent(event)

    def set_alert(self, alert: bool) -> None:
        """Red figure when there is something to act on (overdue, late)."""
        self.value_label.setStyleSheet("color: #b8473d;" if alert else "")


class DashboardPage(Page):
    def __init__(self, env: UiEnv, parent: QWidget | None = None) -> None:
        super().__init__(env, parent)
        self.today: TodayWork | None = None
        self.daily_chart: DailyChart | None = None
        self.status_chart: StatusChart | None = None
        self.units_chart: OverdueUnitsChart | None = None
        title = QLabel("工作台")
        title.setObjectName("pageTitle")
        self.day_label = QLabel()
        self.day_label.setObjectName("hint")
        heading = QHBoxLayout()
        heading.addWidget(title)
        heading.addSpacing(16)
        heading.addWidget(self.day_label, 0, Qt.AlignmentFlag.AlignBottom)
        heading.addStretch(1)
        self.today_cards = {key: LinkCard(target.caption, target.tip)
                            for key, target in TODAY_CARDS.items()}
        today_row = QGridLayout()
        today_row.setSpacing(10)
        for index, (key, card) in enumerate(self.today_cards.items()):
            card.activated.connect(lambda key=key: self.open_card(key))
            today_row.addWidget(card, 0, index)
        self.chart_area = QWidget()
        self.chart_row = QHBoxLayout(self.chart_area)
        self.chart_row.setContentsMargins(0, 8, 0, 0)
        self.sections = QTabWidget()
        self.sections.addTab(self.chart_area, "今日图表")
        self.sections.addTab(self._street_section(), "网格与执法力量")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 16, 24, 16)
        layout.addLayout(heading)
        layout.addLayout(today_row)
        layout.addSpacing(4)
        layout.addWidget(self.sections, 1)

    def _street_section(self) -> QWidget:
        """The grids, the staffing warnings and the certificates (the first 工作台)."""
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
        section = QWidget()
        layout = QVBoxLayout(section)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addLayout(cards)
        layout.addSpacing(8)
        layout.addLayout(lists, 1)
        return section

    def _ensure_charts(self) -> None:
        """Build the charts the first time there is data for them (QtCharts loads here)."""
        if self.daily_chart is not None:
            return
        from ui.widgets.charts import DailyChart, OverdueUnitsChart, StatusChart

        self.daily_chart, self.status_chart = DailyChart(), StatusChart()
        self.units_chart = OverdueUnitsChart()
        self.chart_row.addWidget(self.daily_chart, 5)
        self.chart_row.addWidget(self.status_chart, 3)
        self.chart_row.addWidget(self.units_chart, 3)

    async def reload(self) -> None:
        today = await self.env.tasks.db(today_work, self.env.context.uow())
        self._show_today(today)
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

    def _show_today(self, today: TodayWork) -> None:
        self.today = today
        day = today.day
        self.day_label.setText(f"{day.year}年{day.month}月{day.day}日 "
                               f"星期{WEEKDAYS[day.weekday()]} · 今日工作")
        values: dict[str, Any] = {
            "new_today": today.new_today, "due_today": today.due_today,
            "overdue": today.overdue, "whistles": today.whistles_waiting,
            "extensions": today.extensions_pending,
            "letters": "—" if today.letters_pending is None else today.letters_pending,
            "certificates": today.certificates_expiring,
        }
        for key, value in values.items():
            self.today_cards[key].set_value(value)
        self.today_cards["overdue"].set_alert(today.overdue > 0)
        self.today_cards["whistles"].set_alert(today.whistles_late > 0)
        if today.whistles_late:
            self.today_cards["whistles"].setToolTip(
                f"{TODAY_CARDS['whistles'].tip}（其中 {today.whistles_late} 个已超过报到时限）")
        self._ensure_charts()
        assert self.daily_chart and self.status_chart and self.units_chart
        self.daily_chart.update_data(today.received.days, today.received.by_kind)
        self.status_chart.update_data(today.open_by_status)
        self.units_chart.update_data(today.overdue_by_unit)

    @page_slot
    async def open_card(self, key: str) -> None:
        """Open the records behind a card: a page of the window, a tab, a filter."""
        target = TODAY_CARDS[key]
        if not target.page:
            self.sections.setCurrentIndex(1)
            return
        show_page = getattr(self.window(), "show_page", None)
        if show_page is None:  # the page is not in the main window (a test, a preview)
            return
        page = show_page(target.page)
        if not target.tab or not hasattr(page, "show_tab"):
            return
        tab = page.show_tab(target.tab)
        if target.filter is not None and hasattr(tab, "apply_filter"):
            if not tab.loaded:
                await tab.reload()
            tab.apply_filter(self._card_filter(target))

    def _card_filter(self, target: CardTarget) -> DemandFilter:
        assert target.filter is not None
        if target.received_today and self.today is not None:
            day = self.today.day
            return replace(target.filter, received_from=day, received_to=day)
        return target.filter
