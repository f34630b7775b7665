"""The joint-action calendar: a day, a week or a month of actions, painted by hand.

Day and week views are time grids (07:00–24:00, one column per day; actions that
overlap share their column side by side); the month view is the usual 6×7 grid with
one chip per action. Colour says the state, a red frame and ⚠ say the action breaks a
hard rule. An action that may still change can be dragged to another slot (snapped to
half hours; in the month view to another day, same hours): ``moved`` asks the page to
move it, and the page re-reads the checks. A pure view: it holds plain items and never
calls the core.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import Enum

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from desktop.domain.action_states import ActionState

WEEKDAYS = "一二三四五六日"
FIRST_HOUR, LAST_HOUR = 7, 24
SNAP_MINUTES = 30
HEADER, GUTTER = 30, 46
CHIP = 20
STATE_COLOURS = {
    ActionState.DRAFT: "#eceff3", ActionState.SUBMITTED: "#fff1c7",
    ActionState.APPROVED: "#d7ecff", ActionState.NOTIFIED: "#c4ddf7",
    ActionState.UNDER_WAY: "#d4f0d9", ActionState.COMPLETED: "#e4e4e4",
    ActionState.RESULTS_RECORDED: "#e1dcf3", ActionState.EVALUATED: "#d9d2ef",
    ActionState.CANCELLED: "#f6f6f6",
}
CONFLICT = "#c0392b"


class CalendarMode(Enum):
    DAY = "日"
    WEEK = "周"
    MONTH = "月"


@dataclass(frozen=True)
class CalendarItem:
    id: str
    title: str
    state: ActionState
    starts_at: datetime
    ends_at: datetime
    hard_count: int = 0
    participants: int = 0
    movable: bool = False


def period_of(mode: CalendarMode, day: date) -> tuple[date, date]:
    """The first and last day a view shows around ``day``."""
    if mode is CalendarMode.DAY:
        return day, day
    if mode is CalendarMode.WEEK:
        monday = day - timedelta(days=day.weekday())
        return monday, monday + timedelta(days=6)
    first = day.replace(day=1)
    start = first - timedelta(days=first.weekday())
    return start, start + timedelta(days=41)


class ActionCalendar(QWidget):
    selected = Signal(str)
    activated = Signal(str)
    moved = Signal(str, object, object)  # action id, new start, new end

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.mode = CalendarMode.WEEK
        self.anchor = date.today()
        self.items: list[CalendarItem] = []
        self.current_id: str | None = None
        self._press: tuple[str, QPointF, datetime] | None = None
        self._ghost: tuple[datetime, datetime] | None = None
        self.setMouseTracking(True)  # moves reach us during a drag whatever the platform
        self.setMinimumSize(560, 420)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

    # --- data ------------------------------------------------------------------------
    def set_view(self, mode: CalendarMode, anchor: date, items: list[CalendarItem]) -> None:
        self.mode, self.anchor, self.items = mode, anchor, list(items)
        self._press = self._ghost = None
        self.update()

    def select(self, action_id: str | None) -> None:
        self.current_id = action_id
        self.update()

    @property
    def days(self) -> list[date]:
        first, last = period_of(self.mode, self.anchor)
        return [first + timedelta(days=n) for n in range((last - first).days + 1)]

    # --- geometry ----------------------------------------------------------------------
    def _column_width(self) -> float:
        return (self.width() - GUTTER) / (1 if self.mode is CalendarMode.DAY else 7)

    def _hour_height(self) -> float:
        return (self.height() - HEADER) / (LAST_HOUR - FIRST_HOUR)

    def _cell(self, day: date) -> QRectF:
        """A day's box: its column in the time grids, its cell in the month."""
        index = (day - self.days[0]).days
        if self.mode is CalendarMode.MONTH:
            width, height = self.width() / 7, (self.height() - HEADER) / 6
            return QRectF((index % 7) * width, HEADER + (index // 7) * height, width, height)
        return QRectF(GUTTER + index * self._column_width(), HEADER, self._column_width(),
                      self.height() - HEADER)

    def _y(self, moment: datetime, day: date) -> float:
        hours = (moment - datetime.combine(day, time())).total_seconds() / 3600
        hours = min(max(hours, FIRST_HOUR), LAST_HOUR)
        return HEADER + (hours - FIRST_HOUR) * self._hour_height()

    def _lanes(self, day: date) -> list[tuple[CalendarItem, int, int]]:
        """The day's items with (lane, lanes): overlapping actions side by side."""
        shown = sorted((i for i in self.items if self._on(i, day)),
                       key=lambda i: (i.starts_at, i.ends_at))
        placed: list[tuple[CalendarItem, int]] = []
        ends: list[datetime] = []
        for item in shown:
            lane = next((n for n, end in enumerate(ends) if end <= item.starts_at), None)
            if lane is None:
                lane = len(ends)
                ends.append(item.ends_at)
            else:
                ends[lane] = item.ends_at
            placed.append((item, lane))
        return [(item, lane, max(len(ends), 1)) for item, lane in placed]

    def _on(self, item: CalendarItem, day: date) -> bool:
        return item.starts_at.date() <= day <= (item.ends_at - timedelta(microseconds=1)).date()

    def boxes(self) -> list[tuple[CalendarItem, QRectF]]:
        """Every box drawn: (item, rect), one per day an item touches (chips in the
        month view, as many as fit in the cell)."""
        found: list[tuple[CalendarItem, QRectF]] = []
        for day in self.days:
            cell = self._cell(day)
            if self.mode is CalendarMode.MONTH:
                chips = [i for i in self.items if self._on(i, day)]
                for n, item in enumerate(chips[:self._chips_per_cell()]):
                    found.append((item, QRectF(cell.x() + 3, cell.y() + 22 + n * (CHIP + 2),
                                               cell.width() - 6, CHIP)))
                continue
            for item, lane, lanes in self._lanes(day):
                width = (cell.width() - 6) / lanes
                top, bottom = self._y(item.starts_at, day), self._y(item.ends_at, day)
                found.append((item, QRectF(cell.x() + 3 + lane * width, top, width - 2,
                                           max(bottom - top, 18))))
        return found

    def item_rects(self, item_id: str) -> list[QRectF]:
        return [rect for item, rect in self.boxes() if item.id == item_id]

    def point_for(self, moment: datetime) -> QPointF:
        """The point of the grid standing for ``moment`` (tests drag to it)."""
        cell = self._cell(moment.date())
        if self.mode is CalendarMode.MONTH:
            return cell.center()
        return QPointF(cell.center().x(), self._y(moment, moment.date()) + 1)

    def _moment_at(self, point: QPointF) -> datetime | None:
        for day in self.days:
            cell = self._cell(day)
            if cell.left() <= point.x() < cell.right() and cell.top() <= point.y() < cell.bottom():
                if self.mode is CalendarMode.MONTH:
                    return datetime.combine(day, time())
                hours = FIRST_HOUR + (point.y() - HEADER) / self._hour_height()
                return datetime.combine(day, time()) + timedelta(hours=hours)
        return None

    def _chips_per_cell(self) -> int:
        return max(1, int((self._cell(self.days[0]).height() - 24) // (CHIP + 2)))

    def item_at(self, point: QPointF) -> CalendarItem | None:
        for item, rect in reversed(self.boxes()):
            if rect.contains(point):
                return item
        return None

    # --- mouse: select, open, drag -----------------------------------------------------
    def mousePressEvent(self, event: QMouseEvent) -> None:
        item = self.item_at(event.position())
        if item is None or event.button() != Qt.MouseButton.LeftButton:
            return
        self.current_id = item.id
        self.selected.emit(item.id)
        start = self._moment_at(event.position())
        if item.movable and start is not None:
            self._press = (item.id, event.position(), start)
        self.update()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._press is None:
            return
        item_id, origin, grabbed = self._press
        if (event.position() - origin).manhattanLength() < 4:
            return
        here = self._moment_at(event.position())
        item = next((i for i in self.items if i.id == item_id), None)
        if here is None or item is None:
            return
        self._ghost = self._shifted(item, here - grabbed)
        self.update()

    def _shifted(self, item: CalendarItem, delta: timedelta) -> tuple[datetime, datetime]:
        if self.mode is CalendarMode.MONTH:
            delta = timedelta(days=round(delta.total_seconds() / 86400))
        else:
            step = SNAP_MINUTES * 60
            delta = timedelta(seconds=round(delta.total_seconds() / step) * step)
        return item.starts_at + delta, item.ends_at + delta

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        press, ghost = self._press, self._ghost
        self._press = self._ghost = None
        self.update()
        if press is None or ghost is None:
            return
        item = next((i for i in self.items if i.id == press[0]), None)
        if item is not None and ghost[0] != item.starts_at:
            self.moved.emit(item.id, ghost[0], ghost[1])

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        item = self.item_at(event.position())
        if item is not None:
            self.activated.emit(item.id)

    # --- painting ----------------------------------------------------------------------
    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor("#ffffff"))
        if self.mode is CalendarMode.MONTH:
            self._paint_month(painter)
        else:
            self._paint_grid(painter)
        for item, rect in self.boxes():
            self._paint_box(painter, item, rect, chip=self.mode is CalendarMode.MONTH)
        self._paint_ghost(painter)
        painter.end()

    def _paint_header(self, painter: QPainter, day: date, rect: QRectF) -> None:
        today = date.today()
        if day == today:
            painter.fillRect(rect, QColor("#fff8e1"))
        painter.setPen(QColor("#1f3a5a") if day.weekday() < 5 else QColor("#a0522d"))
        text = f"{day.month}月{day.day}日 周{WEEKDAYS[day.weekday()]}"
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)

    def _paint_grid(self, painter: QPainter) -> None:
        line = QPen(QColor("#e3e8ef"))
        for day in self.days:
            cell = self._cell(day)
            if day.weekday() >= 5:
                painter.fillRect(cell, QColor("#f7f8fa"))
            self._paint_header(painter, day, QRectF(cell.x(), 0, cell.width(), HEADER))
            painter.setPen(line)
            painter.drawLine(cell.topLeft(), cell.bottomLeft())
        painter.setPen(QColor("#6b7785"))
        for hour in range(FIRST_HOUR, LAST_HOUR + 1):
            y = HEADER + (hour - FIRST_HOUR) * self._hour_height()
            painter.setPen(line)
            painter.drawLine(QPointF(GUTTER, y), QPointF(self.width(), y))
            if hour < LAST_HOUR:
                painter.setPen(QColor("#6b7785"))
                painter.drawText(QRectF(0, y, GUTTER - 6, 16),
                                 Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop,
                                 f"{hour:02d}:00")

    def _paint_box(self, painter: QPainter, item: CalendarItem, rect: QRectF, chip: bool) -> None:
        broken = item.hard_count > 0
        border = QColor(CONFLICT) if broken else QColor("#8a98a8")
        if item.id == self.current_id:
            border = QColor(CONFLICT) if broken else QColor("#1f5fa8")
        painter.setPen(QPen(border, 2.2 if broken or item.id == self.current_id else 1))
        painter.setBrush(QColor(STATE_COLOURS.get(item.state, "#eceff3")))
        painter.drawRoundedRect(rect, 4, 4)
        font = QFont(painter.font())
        font.setStrikeOut(item.state is ActionState.CANCELLED)
        painter.setFont(font)
        painter.setPen(QColor(CONFLICT) if broken else QColor("#1d2733"))
        mark = f"⚠{item.hard_count} " if broken else ""
        if chip:
            text = f"{mark}{item.starts_at:%H:%M} {item.title}"
        else:
            text = (f"{mark}{item.title}\n{item.starts_at:%H:%M}—{item.ends_at:%H:%M} · "
                    f"{item.state.label} · {item.participants}人")
        inner = rect.adjusted(5, 2, -4, -2)
        if chip:
            text = painter.fontMetrics().elidedText(text, Qt.TextElideMode.ElideRight,
                                                    int(inner.width()))
            painter.drawText(inner, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                             text)
        else:
            painter.save()
            painter.setClipRect(inner)
            painter.drawText(inner, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop
                             | Qt.TextFlag.TextWordWrap, text)
            painter.restore()
        font.setStrikeOut(False)
        painter.setFont(font)

    def _paint_ghost(self, painter: QPainter) -> None:
        if self._ghost is None or self._press is None:
            return
        start, end = self._ghost
        cell = self._cell(start.date()) if start.date() in self.days else None
        if cell is None:
            return
        painter.setPen(QPen(QColor("#1f5fa8"), 2, Qt.PenStyle.DashLine))
        painter.setBrush(QColor(31, 95, 168, 40))
        if self.mode is CalendarMode.MONTH:
            painter.drawRoundedRect(cell.adjusted(2, 2, -2, -2), 4, 4)
            return
        top, bottom = self._y(start, start.date()), self._y(end, start.date())
        rect = QRectF(cell.x() + 3, top, cell.width() - 6, max(bottom - top, 18))
        painter.drawRoundedRect(rect, 4, 4)
        painter.setPen(QColor("#1f5fa8"))
        painter.drawText(rect.adjusted(4, 2, -2, -2), Qt.AlignmentFlag.AlignLeft,
                         f"移到 {start:%m-%d %H:%M}—{end:%H:%M}")

    def _paint_month(self, painter: QPainter) -> None:
        width = self.width() / 7
        painter.setPen(QColor("#1f3a5a"))
        for n in range(7):
            painter.drawText(QRectF(n * width, 0, width, HEADER), Qt.AlignmentFlag.AlignCenter,
                             f"周{WEEKDAYS[n]}")
        month = self.anchor.month
        for day in self.days:
            cell = self._cell(day)
            painter.fillRect(cell, QColor("#fff8e1") if day == date.today()
                             else QColor("#f7f8fa") if day.month != month else QColor("#ffffff"))
            painter.setPen(QPen(QColor("#e3e8ef")))
            painter.drawRect(cell)
            painter.setPen(QColor("#9aa5b1") if day.month != month else QColor("#1f3a5a"))
            painter.drawText(cell.adjusted(6, 2, -6, 0), Qt.AlignmentFlag.AlignLeft, f"{day.day}")
            chips = [i for i in self.items if self._on(i, day)]
            hidden = len(chips) - self._chips_per_cell()
            if hidden > 0:
                painter.setPen(QColor("#6b7785"))
                painter.drawText(cell.adjusted(6, 0, -6, -2),
                                 Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignBottom,
                                 f"另有 {hidden} 项")
