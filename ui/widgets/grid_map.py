"""The grid map: the street's grids drawn offline from their boundaries (no tiles).

It takes the frozen DTOs of ``desktop.services.boundaries.map_data``, draws one polygon per grid on a plane in metres with
north up, colours it by category or by population, and labels it with its name.
Wheel zooms around the mouse, dragging pans, a click selects a grid and emits
``gridClicked``. No database, no I/O: the page fetches the data off the GUI thread and
hands it to ``set_map``.

Scene coordinates are (x, −y) of the plane, so north is up without flipping the view
(a flipped view would mirror the labels).
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetricsF,
    QPainter,
    QPainterPath,
    QPen,
    QPolygonF,
    QResizeEvent,
    QWheelEvent,
)
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsPathItem,
    QGraphicsScene,
    QGraphicsView,
    QStyleOptionGraphicsItem,
    QWidget,
)

from desktop.domain.grids import GridCategory, GridKind
from desktop.services.boundaries import MapData, MapGrid
from ui.widgets.map_overlays import (
    MARGIN,
    Legend,
    PopulationClasses,
    draw_north_arrow,
    draw_scale_bar,
    north_arrow_size,
    scale_bar_size,
)

CATEGORY_COLOURS = {
    GridCategory.URBAN_COMMUNITY: QColor("#6f9fd8"),
    GridCategory.URBAN_VILLAGE: QColor("#f2a65a"),
    GridCategory.ORDINARY_VILLAGE: QColor("#7cc08f"),
    GridCategory.MOUNTAIN_VILLAGE: QColor("#a98fcb"),
}
BACKGROUND = QColor("#eef2f6")
SELECTED = QColor("#1f3a5a")
INK = QColor("#23303d")
COLOUR_MODES = ("category", "population")
ZOOM_STEP = 1.25
CLICK_SLOP = 4  # pixels a press may move and still count as a click


class GridItem(QGraphicsPathItem):
    """One grid's polygon (outer rings and holes, odd-even fill)."""

    def __init__(self, grid: MapGrid) -> None:
        path = QPainterPath()
        path.setFillRule(Qt.FillRule.OddEvenFill)
        for ring in grid.rings:
            path.addPolygon(QPolygonF([QPointF(x, -y) for x, y in ring]))
            path.closeSubpath()
        super().__init__(path)
        self.grid = grid
        self.setToolTip(
            f"{grid.name}\n编码：{grid.code}\n社区/村：{grid.community_name}\n"
            f"类别：{grid.category.label}　{grid.kind.label}\n人口：{grid.population:,} 人\n"
            f"面积：{grid.area_m2 / 1_000_000:.3f} 平方公里"
        )

    def set_fill(self, colour: QColor, selected: bool) -> None:
        """Dedicated grids (a school, a market) sit on top with a dashed outline."""
        dedicated = self.grid.kind is GridKind.DEDICATED
        fill = QColor(colour)
        fill.setAlpha(215)
        self.setBrush(QBrush(fill))
        if selected:
            pen = QPen(SELECTED, 3.0)
        elif dedicated:
            pen = QPen(colour.darker(150), 1.6, Qt.PenStyle.DashLine)
        else:
            pen = QPen(QColor(255, 255, 255, 230), 1.2)
        pen.setCosmetic(True)  # same width on screen at any zoom
        pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
        self.setPen(pen)
        self.setZValue(3 if selected else 2 if dedicated else 1)


class LabelItem(QGraphicsItem):
    """A grid's name in screen pixels (ignores the zoom), with a white halo."""

    def __init__(self, text: str, font: QFont) -> None:
        super().__init__()
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations)
        self.setZValue(4)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)  # clicks reach the grid below
        self.text = text
        metrics = QFontMetricsF(font)
        width = metrics.horizontalAdvance(text)
        self._path = QPainterPath()
        self._path.addText(-width / 2, metrics.ascent() - metrics.height() / 2, font, text)
        self._rect = QRectF(-width / 2 - 3, -metrics.height() / 2 - 3, width + 6, metrics.height() + 6)

    def boundingRect(self) -> QRectF:
        return self._rect

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem,
              widget: QWidget | None = None) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        halo = QPen(QColor(255, 255, 255, 220), 3.2)
        halo.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
        painter.strokePath(self._path, halo)
        painter.fillPath(self._path, INK)


class GridMapView(QGraphicsView):
    """The map. ``set_map`` replaces what is drawn; ``select_grid`` highlights a grid."""

    gridClicked = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setScene(QGraphicsScene(self))
        self.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.NoAnchor)
        self.setResizeAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.FullViewportUpdate)
        self.setBackgroundBrush(BACKGROUND)
        self.setFrameShape(QGraphicsView.Shape.NoFrame)
        self._items: dict[str, GridItem] = {}
        self._labels: dict[str, LabelItem] = {}
        self._bounds = QRectF()
        self._fit_scale = 1.0
        self._mode = "category"
        self._selected: str | None = None
        self._classes = PopulationClasses([])
        self._press: QPoint | None = None
        self._auto_fit = True  # keep the whole street in view until the user zooms or pans

    # --- content -------------------------------------------------------------------
    def set_map(self, data: MapData) -> None:
        """Replace the drawing with ``data`` and fit it to the view."""
        scene = self.scene()
        scene.clear()
        self._items.clear()
        self._labels.clear()
        self._selected = None
        label_font = QFont(self.font())
        label_font.setWeight(QFont.Weight.DemiBold)
        for grid in data.grids:
            item = GridItem(grid)
            scene.addItem(item)
            self._items[grid.id] = item
            label = LabelItem(grid.name, label_font)
            label.setPos(grid.label_point[0], -grid.label_point[1])
            scene.addItem(label)
            self._labels[grid.id] = label
        self._classes = PopulationClasses([grid.population for grid in data.grids])
        if data.bounds:
            min_x, min_y, max_x, max_y = data.bounds
            self._bounds = QRectF(min_x, -max_y, max_x - min_x, max_y - min_y)
        else:
            self._bounds = QRectF()
        # Room to pan and to zoom out around the street (hidden scroll bars need range).
        margin = max(self._bounds.width(), self._bounds.height(), 100.0) * 3
        scene.setSceneRect(self._bounds.adjusted(-margin, -margin, margin, margin))
        self._recolour()
        self.fit_all()
        self._auto_fit = True

    def grid_ids(self) -> list[str]:
        return list(self._items)

    def grid_item(self, grid_id: str) -> GridItem | None:
        return self._items.get(grid_id)

    def label_item(self, grid_id: str) -> LabelItem | None:
        return self._labels.get(grid_id)

    # --- colours -------------------------------------------------------------------
    @property
    def colour_mode(self) -> str:
        return self._mode

    def set_colour_mode(self, mode: str) -> None:
        """``"category"`` (one colour per GridCategory) or ``"population"``
        (a sequential ramp over quantile classes)."""
        if mode not in COLOUR_MODES:
            raise ValueError(f"unknown colour mode {mode!r}; expected one of {COLOUR_MODES}")
        self._mode = mode
        self._recolour()
        self.viewport().update()

    def colour_of(self, grid: MapGrid) -> QColor:
        if self._mode == "category":
            colour = CATEGORY_COLOURS.get(grid.category, QColor("#b0b8c0"))
            return colour.darker(118) if grid.kind is GridKind.DEDICATED else colour
        return self._classes.colour(grid.population)

    def legend(self) -> Legend:
        if self._mode == "population":
            return Legend("人口（人）", self._classes.legend_entries())
        grids = [item.grid for item in self._items.values()]
        entries = [(CATEGORY_COLOURS[c], c.label, False)
                   for c in GridCategory if any(g.category is c for g in grids)]
        if any(g.kind is GridKind.DEDICATED for g in grids):
            entries.append((QColor("#c9d1da"), GridKind.DEDICATED.label, True))
        return Legend("网格类别", entries)

    def _recolour(self) -> None:
        for grid_id, item in self._items.items():
            item.set_fill(self.colour_of(item.grid), grid_id == self._selected)

    # --- selection -----------------------------------------------------------------
    @property
    def selected_grid_id(self) -> str | None:
        return self._selected

    def select_grid(self, grid_id: str | None, *, centre: bool = True) -> None:
        """Highlight ``grid_id`` (``None`` or unknown clears) and bring it into view."""
        self._selected = grid_id if grid_id in self._items else None
        self._recolour()
        if self._selected and centre:
            self.centerOn(self._items[self._selected])
            self._auto_fit = False
        self.viewport().update()

    def grid_at(self, view_pos: QPoint) -> str | None:
        for item in self.items(view_pos):
            if isinstance(item, GridItem):
                return item.grid.id
        return None

    def mousePressEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        if event.button() == Qt.MouseButton.LeftButton:
            self._press = event.position().toPoint()
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        super().mouseReleaseEvent(event)
        press, self._press = self._press, None
        if event.button() != Qt.MouseButton.LeftButton or press is None:
            return
        pos = event.position().toPoint()
        if (pos - press).manhattanLength() > CLICK_SLOP:
            self._auto_fit = False
            return  # that was a drag (pan)
        grid_id = self.grid_at(pos)
        self.select_grid(grid_id, centre=False)
        if grid_id is not None:
            self.gridClicked.emit(grid_id)

    # --- zoom ----------------------------------------------------------------------
    def current_scale(self) -> float:
        """Screen pixels per metre."""
        return self.transform().m11()

    def fit_all(self) -> None:
        """Show the whole street, keeping clear of the legend, scale bar and arrow:
        they go beside the map (left/right bands) or below/above it, whichever leaves
        the map bigger."""
        if self._bounds.isEmpty():
            return
        area, scale = self._fit_area()
        self.resetTransform()
        self.scale(scale, scale)
        offset = (QRectF(self.viewport().rect()).center() - area.center()) / scale
        self.centerOn(self._bounds.center() + offset)
        self._fit_scale = scale
        self._auto_fit = True
        self._update_labels()

    def _fit_area(self) -> tuple[QRectF, float]:
        font = self.font()
        legend, bar, arrow = self.legend().size(font), scale_bar_size(font), north_arrow_size(font)
        view = QRectF(self.viewport().rect())
        beside = view.adjusted(legend.width() + 2 * MARGIN, MARGIN,
                               -(max(bar.width(), arrow.width()) + 2 * MARGIN), -MARGIN)
        stacked = view.adjusted(MARGIN, arrow.height() + 2 * MARGIN, -MARGIN,
                                -(max(legend.height(), bar.height()) + 2 * MARGIN))
        options = []
        for area in (beside, stacked):
            if area.width() > 0 and area.height() > 0:
                scale = min(area.width() / self._bounds.width(),
                            area.height() / max(self._bounds.height(), 1e-9))
                options.append((scale, area))
        if not options:  # a tiny widget: use all of it
            return view, min(view.width() / self._bounds.width(),
                             view.height() / max(self._bounds.height(), 1e-9))
        scale, area = max(options, key=lambda option: option[0])
        return area, scale

    def zoom_at(self, factor: float, view_pos: QPointF) -> None:
        """Zoom by ``factor`` keeping the scene point under ``view_pos`` where it is."""
        target = min(max(self.current_scale() * factor, self._fit_scale / 4), self._fit_scale * 200)
        factor = target / self.current_scale()
        anchor = self.mapToScene(view_pos.toPoint())
        self.scale(factor, factor)
        moved = self.mapFromScene(anchor) - view_pos.toPoint()
        self.horizontalScrollBar().setValue(self.horizontalScrollBar().value() + moved.x())
        self.verticalScrollBar().setValue(self.verticalScrollBar().value() + moved.y())
        self._auto_fit = False
        self._update_labels()

    def wheelEvent(self, event: QWheelEvent) -> None:
        steps = event.angleDelta().y() / 120
        if steps and not self._bounds.isEmpty():
            self.zoom_at(ZOOM_STEP ** steps, event.position())
        event.accept()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self._auto_fit:
            self.fit_all()
        else:
            self._update_labels()

    def _update_labels(self) -> None:
        """Show a name only where its grid is big enough on screen to hold it."""
        scale = self.current_scale()
        for grid_id, label in self._labels.items():
            shape = self._items[grid_id].boundingRect()
            text = label.boundingRect()
            label.setVisible(shape.width() * scale * 0.9 >= text.width()
                             and shape.height() * scale * 0.8 >= text.height())

    # --- overlays ------------------------------------------------------------------
    def drawForeground(self, painter: QPainter, rect: QRectF) -> None:
        painter.save()
        painter.resetTransform()  # from here on, viewport pixels
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setFont(self.font())
        if not self._items:
            painter.setPen(QColor("#6b7785"))
            painter.drawText(self.viewport().rect(), Qt.AlignmentFlag.AlignCenter,
                             "暂无网格边界\n请导入 GeoJSON 或 Shapefile 边界文件")
        else:
            self.legend().draw(painter, self.viewport().rect())
            draw_scale_bar(painter, self.viewport().rect(), self.current_scale())
            draw_north_arrow(painter, self.viewport().rect())
        painter.restore()

