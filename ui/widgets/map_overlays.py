"""What the grid map paints over the polygons in viewport pixels (the legend, a scale
bar, a north arrow; the painter's transform is the identity) and the population
colour classes the legend explains."""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRect, QRectF, QSizeF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QPainter,
    QPainterPath,
    QPen,
)

MARGIN = 12
PADDING = 10
PANEL = QColor(255, 255, 255, 235)
PANEL_BORDER = QColor("#d3dae3")
TEXT = QColor("#2b3846")
MUTED = QColor("#5f6b78")
POPULATION_RAMP = (QColor("#fff1c1"), QColor("#fdcb7e"), QColor("#f79a5a"),
                   QColor("#de5f3f"), QColor("#a92a2a"))


def ramp(t: float) -> QColor:
    """The population colour for ``t`` in [0, 1], interpolated between ramp stops."""
    t = min(1.0, max(0.0, t)) * (len(POPULATION_RAMP) - 1)
    low = min(int(t), len(POPULATION_RAMP) - 2)
    a, b, f = POPULATION_RAMP[low], POPULATION_RAMP[low + 1], t - low
    return QColor.fromRgbF(a.redF() + (b.redF() - a.redF()) * f,
                           a.greenF() + (b.greenF() - a.greenF()) * f,
                           a.blueF() + (b.blueF() - a.blueF()) * f)


class PopulationClasses:
    """Quantile classes of population (up to five), the usual choropleth practice: one
    school of 3,000 pupils would otherwise wash every ordinary grid out to the palest
    colour. Each class is labelled with the range of values actually in it."""

    def __init__(self, populations: Sequence[int], count: int = len(POPULATION_RAMP)) -> None:
        values = sorted(populations)
        cuts = {values[len(values) * i // count] for i in range(1, count)} if values else set()
        self.cuts = sorted(cuts - {values[0]}) if values else []
        members: list[list[int]] = [[] for _ in range(len(self.cuts) + 1)]
        for value in values:
            members[self.index(value)].append(value)
        self.ranges = [(min(m), max(m)) for m in members if m]

    def index(self, population: int) -> int:
        return bisect_right(self.cuts, population)

    def colour(self, population: int) -> QColor:
        classes = len(self.cuts) + 1
        return ramp(self.index(population) / (classes - 1) if classes > 1 else 0.5)

    def legend_entries(self) -> list[tuple[QColor, str, bool]]:
        return [(self.colour(low), f"{low:,}" if low == high else f"{low:,}–{high:,}", False)
                for low, high in self.ranges]


def _panel(painter: QPainter, box: QRectF) -> None:
    painter.setPen(QPen(PANEL_BORDER, 1))
    painter.setBrush(PANEL)
    painter.drawRoundedRect(box, 6, 6)


@dataclass(frozen=True)
class Legend:
    """A title over colour swatches with labels; ``dashed`` entries get a dashed outline."""

    title: str
    entries: Sequence[tuple[QColor, str, bool]] = ()

    def size(self, font: QFont) -> QSizeF:
        """Outer size of the panel, so the map can keep clear of it when fitting."""
        metrics = QFontMetricsF(font)
        width = max([metrics.horizontalAdvance(self.title) * 1.1]  # the title is bold
                    + [metrics.height() * 0.9 + 8 + metrics.horizontalAdvance(text)
                       for _c, text, _d in self.entries])
        height = metrics.height() + (metrics.height() + 6) * len(self.entries)
        return QSizeF(width + 2 * PADDING, height + 2 * PADDING)

    def draw(self, painter: QPainter, viewport: QRect) -> None:
        """In the bottom-left corner of ``viewport``."""
        metrics = QFontMetricsF(painter.font())
        size = self.size(painter.font())
        box = QRectF(QPointF(MARGIN, viewport.height() - MARGIN - size.height()), size)
        _panel(painter, box)
        x, y = box.left() + PADDING, box.top() + PADDING
        bold = painter.font()
        bold.setBold(True)
        painter.save()
        painter.setFont(bold)
        painter.setPen(TEXT)
        painter.drawText(QPointF(x, y + metrics.ascent()), self.title)
        painter.restore()
        y += metrics.height() + 6
        swatch = metrics.height() * 0.9
        for colour, text, dashed in self.entries:
            pen = QPen(colour.darker(140) if dashed else colour.darker(125), 1.4 if dashed else 1)
            pen.setStyle(Qt.PenStyle.DashLine if dashed else Qt.PenStyle.SolidLine)
            painter.setPen(pen)
            painter.setBrush(colour)
            painter.drawRoundedRect(QRectF(x, y + (metrics.height() - swatch) / 2, swatch, swatch), 3, 3)
            painter.setPen(TEXT)
            painter.drawText(QPointF(x + swatch + 8, y + metrics.ascent()), text)
            y += metrics.height() + 6


def nice_length(metres: float) -> float:
    """The largest 1, 2 or 5 × 10ⁿ not above ``metres``."""
    if metres <= 0:
        return 0.0
    power = 10 ** math.floor(math.log10(metres))
    return max(step * power for step in (1, 2, 5) if step * power <= metres)


def distance_text(metres: float) -> str:
    return f"{metres / 1000:g} 公里" if metres >= 1000 else f"{metres:g} 米"


SCALE_BAR_MAX = 120  # pixels


def scale_bar_size(font: QFont) -> QSizeF:
    metrics = QFontMetricsF(font)
    return QSizeF(SCALE_BAR_MAX + 2 * PADDING, metrics.height() + 14 + 2 * PADDING)


def north_arrow_size(font: QFont) -> QSizeF:
    return QSizeF(36, 32 + QFontMetricsF(font).height() + 8)


def draw_scale_bar(painter: QPainter, viewport: QRect, pixels_per_metre: float) -> None:
    """A bar of a round length (at most 120 px) in the bottom-right corner."""
    if pixels_per_metre <= 0:
        return
    metres = nice_length(SCALE_BAR_MAX / pixels_per_metre)
    length = metres * pixels_per_metre
    metrics = QFontMetricsF(painter.font())
    text = distance_text(metres)
    width = max(length, metrics.horizontalAdvance(text))
    box = QRectF(viewport.width() - MARGIN - width - 2 * PADDING,
                 viewport.height() - MARGIN - metrics.height() - 14 - 2 * PADDING,
                 width + 2 * PADDING, metrics.height() + 14 + 2 * PADDING)
    _panel(painter, box)
    left = box.right() - PADDING - length
    base = box.bottom() - PADDING - 2
    pen = QPen(TEXT, 2)
    pen.setCapStyle(Qt.PenCapStyle.FlatCap)
    painter.setPen(pen)
    painter.drawLine(QPointF(left, base), QPointF(left + length, base))
    for x in (left, left + length):
        painter.drawLine(QPointF(x, base), QPointF(x, base - 7))
    painter.drawText(QPointF(box.right() - PADDING - metrics.horizontalAdvance(text),
                            box.top() + PADDING + metrics.ascent()), text)


def draw_north_arrow(painter: QPainter, viewport: QRect) -> None:
    """A small north arrow with 北 in the top-right corner."""
    metrics = QFontMetricsF(painter.font())
    size = 16.0
    outer = north_arrow_size(painter.font())
    box = QRectF(QPointF(viewport.width() - MARGIN - outer.width(), MARGIN), outer)
    _panel(painter, box)
    cx, top = box.center().x(), box.top() + 6
    painter.setPen(TEXT)
    painter.drawText(QRectF(box.left(), top, box.width(), metrics.height()),
                     Qt.AlignmentFlag.AlignHCenter, "北")
    tip = top + metrics.height() + 2
    left_half, right_half = QPainterPath(), QPainterPath()
    left_half.moveTo(cx, tip)
    left_half.lineTo(cx - size / 2, tip + size * 1.6)
    left_half.lineTo(cx, tip + size * 1.2)
    left_half.closeSubpath()
    right_half.moveTo(cx, tip)
    right_half.lineTo(cx + size / 2, tip + size * 1.6)
    right_half.lineTo(cx, tip + size * 1.2)
    right_half.closeSubpath()
    painter.setPen(QPen(TEXT, 1))
    painter.setBrush(TEXT)
    painter.drawPath(left_half)
    painter.setBrush(QColor("white"))
    painter.drawPath(right_half)
