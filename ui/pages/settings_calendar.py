"""设置 › 节假日: the official calendar the deadlines are computed on — which years are
known and from where, a warning when next year is missing, a month view with holidays
and make-up workdays coloured, importing a year's arrangement, its template, and a
「期限试算」 box that shows a deadline or the flag that it cannot be computed.

Everyone may look (staff need to see why a deadline moved); importing needs
SETTINGS_EDIT, which the service checks too. The calendar is an immutable core object
loaded off the GUI thread; the month view and the trial only read it. File dialogs are
methods so tests can replace them.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from PySide6.QtCore import QDate, QDateTime, QModelIndex, Qt, QTime
from PySide6.QtGui import QBrush, QColor, QFont, QTextCharFormat
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCalendarWidget,
    QComboBox,
    QDateTimeEdit,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.deadlines import DeadlineRule, DeadlineUnit, compute_deadline
from desktop.domain.permissions import Permission, allowed
from desktop.domain.workdays import DeadlineResult, WorkCalendar
from desktop.progress import CancelToken, ProgressCallback
from desktop.services.calendar import (
    CalendarStatus,
    YearStatus,
    calendar_status,
    import_year,
    load_calendar,
    write_year_template,
)
from ui.dialogs import messages
from ui.env import UiEnv
from ui.models.row_table import Column, RowTableModel
from ui.pages.base import Page, page_slot
from ui.tasks import run_with_progress

HOLIDAY_BG, HOLIDAY_FG = "#fde3e1", "#b3261e"
MAKEUP_BG, MAKEUP_FG = "#fff0c7", "#7a4f00"
UNKNOWN_FG = "#a0a7b0"
BANNER_STYLE = ("background: #fff4d6; border: 1px solid #e0b84c; border-radius: 4px; "
                "padding: 8px; color: #5c4300;")
OK_STYLE = "color: #1e6b34; font-weight: bold;"
FLAG_STYLE = "color: #b3261e; font-weight: bold;"
MUTED = "color: #5f6b78;"
FILE_FILTER = "节假日安排 (*.xlsx *.csv);;Excel 工作簿 (*.xlsx);;CSV 文件 (*.csv)"
UNITS = (("个工作日", DeadlineUnit.WORKDAYS), ("个工作小时", DeadlineUnit.WORK_HOURS))

YEAR_COLUMNS: tuple[Column[YearStatus], ...] = (
    Column("年份", lambda y: str(y.year), sort_key=lambda y: y.year),
    Column("来源", lambda y: y.source.label),
    Column("工作日放假", lambda y: f"{y.holidays} 天", align_right=True),
    Column("调休上班", lambda y: f"{y.makeup_workdays} 天", align_right=True),
    Column("更新时间", lambda y: f"{y.updated_at:%Y-%m-%d %H:%M}" if y.updated_at else "随程序提供"),
)


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _format(background: str | None, foreground: str, bold: bool = False) -> QTextCharFormat:
    text_format = QTextCharFormat()
    if background:
        text_format.setBackground(QBrush(QColor(background)))
    text_format.setForeground(QBrush(QColor(foreground)))
    if bold:
        text_format.setFontWeight(QFont.Weight.Bold)
    return text_format


class CalendarTab(Page):
    def __init__(self, env: UiEnv, parent: QWidget | None = None) -> None:
        super().__init__(env, parent)
        self.calendar: WorkCalendar | None = None
        self.status: CalendarStatus | None = None
        self.painted_year: int | None = None
        self.last_error: BaseException | None = None
        self.last_notice: tuple[str, str] | None = None
        self.can_edit = allowed(env.context.actor.role, Permission.SETTINGS_EDIT)
        self.model: RowTableModel[YearStatus] = RowTableModel(YEAR_COLUMNS, self)
        self.banner = QLabel()
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet(BANNER_STYLE)
        self.banner.hide()
        top = QHBoxLayout()
        top.addWidget(self._years_box(), 1)
        top.addWidget(self._month_box(), 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 16, 24, 16)
        layout.addWidget(self.banner)
        layout.addLayout(top, 1)
        layout.addWidget(self._trial_box())
        self._connect()

    # --- construction ----------------------------------------------------------------
    def _years_box(self) -> QGroupBox:
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setAlternatingRowColors(True)
        self.view.verticalHeader().hide()
        header = self.view.horizontalHeader()
        for column, width in enumerate((70, 110, 90, 90)):
            header.resizeSection(column, width)
        header.setStretchLastSection(True)
        self.import_year_box = QSpinBox()
        self.import_year_box.setRange(2000, 2100)
        self.import_year_box.setSuffix(" 年")
        self.import_button = QPushButton("导入节假日安排…")
        self.template_button = QPushButton("下载模板…")
        if not self.can_edit:
            self.import_button.setEnabled(False)
            self.import_button.setToolTip("导入节假日安排需要“修改系统设置”权限，请联系系统管理员。")
        for button in (self.import_button, self.template_button):
            button.setMinimumWidth(button.sizeHint().width() + 16)
        bar = QHBoxLayout()
        bar.addWidget(QLabel("年份"))
        bar.addWidget(self.import_year_box)
        bar.addWidget(self.import_button)
        bar.addWidget(self.template_button)
        bar.addStretch(1)
        note = QLabel("2004–2026 年随程序提供；以后的年份在国务院办公厅公布放假安排后由区平台同步"
                      "或在此导入。导入的年份整年替换原有数据。")
        note.setWordWrap(True)
        note.setStyleSheet(MUTED)
        box = QGroupBox("已有节假日数据的年份")
        inner = QVBoxLayout(box)
        inner.addWidget(self.view, 1)
        inner.addLayout(bar)
        inner.addWidget(note)
        return box

    def _month_box(self) -> QGroupBox:
        self.month = QCalendarWidget()
        self.month.setGridVisible(True)
        self.month.setVerticalHeaderFormat(QCalendarWidget.VerticalHeaderFormat.NoVerticalHeader)
        self.month.setFirstDayOfWeek(Qt.DayOfWeek.Monday)
        self.month.setMinimumSize(420, 300)
        self.day_label = QLabel()
        self.day_label.setStyleSheet("font-weight: bold; color: #1f3a5a;")
        legend = QLabel(
            f"<span style='background:{HOLIDAY_BG}; color:{HOLIDAY_FG};'>&nbsp;休&nbsp;</span> 放假"
            f"&nbsp;&nbsp;&nbsp;<span style='background:{MAKEUP_BG}; color:{MAKEUP_FG};'>"
            "&nbsp;班&nbsp;</span> 调休上班&nbsp;&nbsp;&nbsp;"
            f"<span style='color:{UNKNOWN_FG};'>灰色</span> 该年无数据")
        row = QHBoxLayout()
        row.addWidget(self.day_label, 1)
        row.addWidget(legend)
        box = QGroupBox("日历")
        inner = QVBoxLayout(box)
        inner.addWidget(self.month, 1)
        inner.addLayout(row)
        return box

    def _trial_box(self) -> QGroupBox:
        self.trial_start = QDateTimeEdit()
        self.trial_start.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.trial_start.setCalendarPopup(True)
        self.trial_start.setDateTime(QDateTime.currentDateTime())
        self.trial_amount = QSpinBox()
        self.trial_amount.setRange(0, 365)
        self.trial_amount.setValue(3)
        self.trial_unit = QComboBox()
        for label, _unit in UNITS:
            self.trial_unit.addItem(label)
        self.trial_result = QLabel("—")
        self.trial_result.setWordWrap(True)
        self.trial_result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        inputs = QHBoxLayout()
        inputs.addWidget(QLabel("受理时间"))
        inputs.addWidget(self.trial_start)
        inputs.addSpacing(16)
        inputs.addWidget(QLabel("期限"))
        inputs.addWidget(self.trial_amount)
        inputs.addWidget(self.trial_unit)
        inputs.addStretch(1)
        rule = QLabel("工作日从受理次日起算，至第 N 个工作日 24 时止；工作小时只计工作日 "
                      "8:30–12:00、13:30–17:30。")
        rule.setStyleSheet(MUTED)
        form = QFormLayout()
        form.addRow(inputs)
        form.addRow("办理期限", self.trial_result)
        form.addRow(rule)
        box = QGroupBox("期限试算")
        box.setLayout(form)
        return box

    def _connect(self) -> None:
        self.import_button.clicked.connect(self._on_import)
        self.template_button.clicked.connect(self._on_template)
        self.month.currentPageChanged.connect(lambda year, _month: self.paint_year(year))
        self.month.selectionChanged.connect(self._show_day)
        self.view.clicked.connect(self._on_year_clicked)
        self.trial_start.dateTimeChanged.connect(self.update_trial)
        self.trial_amount.valueChanged.connect(self.update_trial)
        self.trial_unit.currentIndexChanged.connect(self.update_trial)

    # --- loading ---------------------------------------------------------------------
    async def reload(self) -> None:
        context = self.env.context
        self.status = await self.env.tasks.db(calendar_status, context.uow())
        self.calendar = await self.env.tasks.db(load_calendar, context.uow())
        self._show_status(self.status)
        self.painted_year = None
        self.paint_year(self.month.yearShown())
        self._show_day()
        self.update_trial()
        self.loaded = True

    def _show_status(self, status: CalendarStatus) -> None:
        self.model.set_rows(status.years)
        self.banner.setText(f"⚠ {status.warning}")
        self.banner.setVisible(bool(status.warning))
        if status.missing:
            self.import_year_box.setValue(status.missing[0])
        elif status.last_year is not None:
            self.import_year_box.setValue(status.last_year + 1)

    # --- the month view --------------------------------------------------------------
    def paint_year(self, year: int) -> None:
        """Colour a year's holidays and make-up workdays (grey when the year is unknown)."""
        if self.calendar is None or year == self.painted_year:
            return
        self.month.setDateTextFormat(QDate(), QTextCharFormat())  # clears every format
        if self.calendar.knows(year):
            holiday = _format(HOLIDAY_BG, HOLIDAY_FG, bold=True)
            makeup = _format(MAKEUP_BG, MAKEUP_FG, bold=True)
            for special in self.calendar.exceptions_of(year):
                self.month.setDateTextFormat(_qdate(special.day),
                                             makeup if special.is_workday else holiday)
        else:
            grey = _format(None, UNKNOWN_FG)
            day = QDate(year, 1, 1)
            while day.year() == year:
                self.month.setDateTextFormat(day, grey)
                day = day.addDays(1)
        self.painted_year = year

    def _show_day(self) -> None:
        if self.calendar is None:
            return
        selected = self.month.selectedDate()
        self.day_label.setText(self.calendar.describe(
            date(selected.year(), selected.month(), selected.day())))

    def show_year(self, year: int) -> None:
        shown = self.month.selectedDate()
        self.month.setSelectedDate(QDate(year, shown.month(), min(shown.day(), 28)))

    def _on_year_clicked(self, index: QModelIndex) -> None:
        self.show_year(self.model.row_at(index.row()).year)

    # --- the trial -------------------------------------------------------------------
    def trial(self) -> DeadlineResult | None:
        if self.calendar is None:
            return None
        start = self.trial_start.dateTime().toPython()
        assert isinstance(start, datetime)
        unit = UNITS[self.trial_unit.currentIndex()][1]
        rule = DeadlineRule(None, None, unit, self.trial_amount.value(), False, False)
        return compute_deadline(rule, start.replace(second=0, microsecond=0), self.calendar)

    def update_trial(self, *_args: object) -> None:
        result = self.trial()
        if result is None:
            return
        self.trial_result.setText(result.text)
        self.trial_result.setStyleSheet(OK_STYLE if result.known else FLAG_STYLE)

    def set_trial(self, start: datetime, amount: int, unit: DeadlineUnit) -> None:
        """Fill the trial's inputs (tests and the demands page's 「试算」 link use it)."""
        self.trial_unit.setCurrentIndex([u for _label, u in UNITS].index(unit))
        self.trial_amount.setValue(amount)
        self.trial_start.setDateTime(QDateTime(_qdate(start.date()),
                                               QTime(start.hour, start.minute)))
        self.update_trial()

    # --- import and template ---------------------------------------------------------
    @page_slot
    async def _on_import(self) -> None:
        year = self.import_year_box.value()
        path = self.ask_open_path(f"选择{year}年节假日安排文件", FILE_FILTER)
        if not path:
            return
        context = self.env.context

        def work(progress: ProgressCallback, cancel: CancelToken) -> object:
            return import_year(context.uow(), actor=context.actor, year=year, path=Path(path),
                               progress=progress, cancel=cancel)

        try:
            summary = await run_with_progress(self.env.tasks, self, f"导入{year}年节假日安排", work)
        except Exception as error:
            self.show_error(error)
            return
        self.data_changed.emit()
        await self.reload()
        self.show_year(year)
        self.notify("导入完成", getattr(summary, "message", ""))

    @page_slot
    async def _on_template(self) -> None:
        year = self.import_year_box.value()
        path = self.ask_save_path("保存节假日安排模板", f"{year}年节假日安排.xlsx")
        if not path:
            return
        known = self.calendar is not None and self.calendar.knows(year)
        days = self.calendar.exceptions_of(year) if known and self.calendar else []
        try:
            await self.env.tasks.cpu(write_year_template, Path(path), year, days=days)
        except Exception as error:
            self.show_error(error)
            return
        filled = f"已预填{year}年现有的安排，可直接修改后导入。" if days else "请按“填写说明”工作表填写后导入。"
        self.notify("模板已保存", f"模板已保存到：\n{path}\n\n{filled}")

    # --- dialogs (tests replace these) ---------------------------------------------------
    def ask_open_path(self, title: str, file_filter: str) -> str | None:
        path, _chosen = QFileDialog.getOpenFileName(self, title, "", file_filter)
        return path or None

    def ask_save_path(self, title: str, name: str) -> str | None:
        path, _chosen = QFileDialog.getSaveFileName(self, title, name, "Excel 工作簿 (*.xlsx)")
        return path or None

    def show_error(self, error: BaseException) -> None:
        self.last_error = error
        messages.show_error(self, error)

    def notify(self, title: str, text: str) -> None:
        """Tell the user what happened without blocking the loop."""
        self.last_notice = (title, text)
        self.status_message.emit(text.splitlines()[0] if text else title)
        box = QMessageBox(QMessageBox.Icon.Information, title, text,
                          QMessageBox.StandardButton.Ok, self)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
