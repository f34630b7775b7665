"""The offline grid map: clicking, zooming, colouring, labels, and how it looks."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import random

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication

from desktop.domain.grids import GridCategory, GridKind
from desktop.services.boundaries import MapData, MapGrid
from tests.ui.conftest import screenshot
from ui.widgets.grid_map import CATEGORY_COLOURS, SELECTED, GridMapView


def square_grid(grid_id: str, name: str, x0: float, size: float, *,
                category: GridCategory = GridCategory.URBAN_COMMUNITY,
                population: int = 1000) -> MapGrid:
    ring = ((x0, 0.0), (x0 + size, 0.0), (x0 + size, size), (x0, size), (x0, 0.0))
    return MapGrid(grid_id, f"43010200700100{grid_id[-1]}", name, "东风社区", category,
                   GridKind.BASE, population, (ring,), (x0 + size / 2, size / 2), size * size)


def two_squares() -> MapData:
    return MapData(
        grids=(square_grid("g1", "东风一网格", 0, 100, population=600),
               square_grid("g2", "柳岸二网格", 150, 100, category=GridCategory.URBAN_VILLAGE,
                           population=2400)),
        bounds=(0.0, 0.0, 250.0, 100.0),
    )


@pytest.fixture
def view(qtbot, styled_app: QApplication) -> GridMapView:  # type: ignore[no-untyped-def]
    widget = GridMapView()
    qtbot.addWidget(widget)
    widget.resize(600, 400)
    widget.show()
    qtbot.waitExposed(widget)
    widget.set_map(two_squares())
    return widget


def view_pos(view: GridMapView, x: float, y: float) -> QPoint:
    """Where the plane point (x metres east, y metres north) is on the viewport."""
    return view.mapFromScene(QPointF(x, -y))


def wheel(view: GridMapView, at: QPoint, notches: int) -> None:
    event = QWheelEvent(QPointF(at), QPointF(view.viewport().mapToGlobal(at)), QPoint(),
                        QPoint(0, 120 * notches), Qt.MouseButton.NoButton,
                        Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(view.viewport(), event)


def test_clicking_inside_a_grid_emits_its_id_and_highlights_it(qtbot, view: GridMapView) -> None:  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(view.gridClicked, timeout=1000) as clicked:
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view_pos(view, 200, 50))

    assert clicked.args == ["g2"]
    assert view.selected_grid_id == "g2"
    assert view.grid_item("g2").pen().color() == SELECTED
    assert view.grid_item("g1").pen().color() != SELECTED


def test_clicking_between_grids_emits_nothing(qtbot, view: GridMapView) -> None:  # type: ignore[no-untyped-def]
    with qtbot.assertNotEmitted(view.gridClicked):
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view_pos(view, 125, 50))
    assert view.selected_grid_id is None


def test_the_map_is_drawn_north_up_and_east_right(view: GridMapView) -> None:
    south_west, north_east = view_pos(view, 0, 0), view_pos(view, 250, 100)
    assert north_east.x() > south_west.x()
    assert north_east.y() < south_west.y()


def test_wheel_zooms_in_around_the_mouse(view: GridMapView) -> None:
    before = view.current_scale()
    at = view_pos(view, 50, 50)

    wheel(view, at, 2)

    assert view.current_scale() == pytest.approx(before * 1.25 ** 2, rel=1e-6)
    still_there = view.mapToScene(at)
    assert (still_there.x(), -still_there.y()) == pytest.approx((50, 50), abs=2 / view.current_scale())


def test_labels_hide_when_their_grid_is_too_small_on_screen(view: GridMapView) -> None:
    label = view.label_item("g1")
    assert label.isVisible()

    for _ in range(4):
        wheel(view, view_pos(view, 125, 50), -3)

    assert not label.isVisible()
    view.fit_all()
    assert label.isVisible()


def test_switching_colour_mode_recolours_polygons(view: GridMapView) -> None:
    item = view.grid_item("g1")
    assert item.brush().color().rgb() == CATEGORY_COLOURS[GridCategory.URBAN_COMMUNITY].rgb()

    view.set_colour_mode("population")

    small, large = item.brush().color(), view.grid_item("g2").brush().color()
    assert small.rgb() != CATEGORY_COLOURS[GridCategory.URBAN_COMMUNITY].rgb()
    assert large.lightness() < small.lightness()  # more people, darker
    with pytest.raises(ValueError):
        view.set_colour_mode("rainbow")


def test_select_grid_from_outside_centres_it(view: GridMapView) -> None:
    wheel(view, view_pos(view, 50, 50), 6)

    view.select_grid("g2")

    centre = view.mapToScene(view.viewport().rect().center())
    assert (centre.x(), -centre.y()) == pytest.approx((200, 50), abs=3)
    assert view.grid_item("g2").zValue() > view.grid_item("g1").zValue()


def test_an_empty_map_is_harmless(view: GridMapView) -> None:
    view.set_map(MapData())
    view.fit_all()
    wheel(view, QPoint(10, 10), 1)
    assert view.grid_ids() == []


# --- screenshot ----------------------------------------------------------------------

COMMUNITIES = (
    ("东风社区", GridCategory.URBAN_COMMUNITY, "东风"),
    ("幸福社区", GridCategory.URBAN_COMMUNITY, "幸福"),
    ("柳岸村", GridCategory.URBAN_VILLAGE, "柳岸"),
    ("青山村", GridCategory.MOUNTAIN_VILLAGE, "青山"),
)
NUMERALS = "一二三四五六"


def street() -> MapData:
    """A 5 × 4 jittered lattice (shared vertices, so no gaps) cut among four
    communities, with a school carved out of one grid: close to what streets import."""
    rng = random.Random(7)
    cols, rows, cell = 5, 4, 420.0
    corners = {(i, j): (i * cell + (rng.uniform(-90, 90) if 0 < i < cols else 0),
                        j * cell + (rng.uniform(-90, 90) if 0 < j < rows else 0))
               for i in range(cols + 1) for j in range(rows + 1)}
    counters: dict[str, int] = {}
    grids = []
    for j in range(rows):
        for i in range(cols):
            community, category, short = COMMUNITIES[(j // 2) * 2 + (i >= 3)]
            counters[short] = counters.get(short, 0) + 1
            ring = (corners[i, j], corners[i + 1, j], corners[i + 1, j + 1], corners[i, j + 1],
                    corners[i, j])
            cx = sum(x for x, _ in ring[:4]) / 4
            cy = sum(y for _, y in ring[:4]) / 4
            rings: tuple = (ring,)
            label = (cx, cy)
            if (i, j) == (1, 2):  # the school's hole
                hole = ((cx - 90, cy - 70), (cx - 90, cy + 70), (cx + 90, cy + 70),
                        (cx + 90, cy - 70), (cx - 90, cy - 70))
                rings = (ring, hole)
                label = (cx, cy - 130)
                grids.append(MapGrid("school", "430102007001099", "实验小学", community,
                                     category, GridKind.DEDICATED, 1800, (hole,), (cx, cy), 25200))
            grids.append(MapGrid(f"g{i}{j}", f"4301020070{j}{i}0{counters[short]:02d}",
                                 f"{short}{NUMERALS[counters[short] - 1]}网格", community,
                                 category, GridKind.BASE, rng.randint(800, 5200), rings, label,
                                 cell * cell))
    return MapData(tuple(grids), (0.0, 0.0, cols * cell, rows * cell))


def test_screenshot_of_the_street_map(qtbot, styled_app: QApplication) -> None:  # type: ignore[no-untyped-def]
    view = GridMapView()
    qtbot.addWidget(view)
    view.resize(960, 640)
    view.show()
    qtbot.waitExposed(view)
    view.set_map(street())
    view.select_grid("g21", centre=False)

    path = screenshot(view, "widget-grid-map")
    view.set_colour_mode("population")
    screenshot(view, "widget-grid-map-population")

    assert path.stat().st_size > 10_000
    base_grids = [grid_id for grid_id in view.grid_ids() if grid_id.startswith("g")]
    assert all(view.label_item(grid_id).isVisible() for grid_id in base_grids)
