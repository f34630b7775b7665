"""Screenshots of every page with the demo street, written to test-output/screenshots/.

Not a pixel comparison: the PNGs are for people to look at (README, reviews). The test
still checks what can be checked: every page was shown with data and the image is not
blank.
"""

from __future__ import annotations

import pytest
from PySide6.QtGui import QImage

from desktop.services.subcenter import get_sub_center
from tests.demo_street import load_demo_street
from tests.ui.conftest import run, screenshot, settle
from ui.main_window import MainWindow
from ui.pages.registry import PAGE_SPECS


def _distinct_colours(image: QImage) -> int:
    step = max(1, image.width() // 64)
    return len({image.pixel(x, y) for x in range(0, image.width(), step)
                for y in range(0, image.height(), step)})


@pytest.mark.slow
def test_every_page_with_the_demo_street(qtbot, ui_env) -> None:
    load_demo_street(ui_env.context)
    ui_env.sub_center = get_sub_center(ui_env.context.uow())
    window = MainWindow(ui_env)
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    for spec in PAGE_SPECS:
        page = window.show_page(spec.key)
        run(qtbot, ui_env, page.reload())
        settle(qtbot, ui_env)
        path = screenshot(window, f"page-{spec.key}")
        image = QImage(str(path))
        assert image.width() >= 1200 and image.height() >= 700
        assert _distinct_colours(image) > 8, f"{path.name} looks blank"
    dashboard = window.show_page("dashboard")
    run(qtbot, ui_env, dashboard.reload())
    settle(qtbot, ui_env)
    assert int(dashboard.cards["base_grids"].value_label.text()) >= 50
    assert int(dashboard.cards["certified"].value_label.text()) > 10
    assert dashboard.certificates_model.rowCount() >= 1  # the demo has expiring certificates
