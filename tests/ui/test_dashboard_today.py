"""工作台 · 今日工作 on the demo street: the cards show the service's figures and open
the records behind them, the charts (QtCharts) draw the same data, and QtCharts is not
imported with the page module (start-up stays light)."""

from __future__ import annotations

import json
import subprocess
import sys

from desktop.services.dashboard import today_work
from desktop.services.subcenter import get_sub_center
from tests.conftest import PROJECT_ROOT
from tests.demo_street import load_demo_street
from tests.ui.conftest import run, screenshot, settle
from ui.main_window import MainWindow
from ui.pages.dashboard_page import TODAY_CARDS, DashboardPage


def _window(qtbot, ui_env) -> tuple[MainWindow, DashboardPage]:  # type: ignore[no-untyped-def]
    load_demo_street(ui_env.context)
    ui_env.sub_center = get_sub_center(ui_env.context.uow())
    window = MainWindow(ui_env)
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    page = window.show_page("dashboard")
    assert isinstance(page, DashboardPage)
    run(qtbot, ui_env, page.reload())
    settle(qtbot, ui_env)
    return window, page


def test_today_cards_and_charts(qtbot, ui_env) -> None:  # type: ignore[no-untyped-def]
    window, page = _window(qtbot, ui_env)
    expected = today_work(ui_env.context.uow())
    assert page.today is not None
    shown = {key: card.value_label.text() for key, card in page.today_cards.items()}
    assert shown["new_today"] == f"{expected.new_today:,}"
    assert shown["overdue"] == f"{expected.overdue:,}"
    assert shown["due_today"] == f"{expected.due_today:,}"
    assert shown["whistles"] == f"{expected.whistles_waiting:,}"
    assert shown["extensions"] == f"{expected.extensions_pending:,}"
    assert shown["certificates"] == f"{expected.certificates_expiring:,}"
    assert expected.certificates_expiring >= 1  # the demo has expiring certificates
    assert set(shown) == set(TODAY_CARDS)
    daily = page.daily_chart.series
    assert [s.label() for s in daily.barSets()] == list(expected.received.by_kind)
    drawn = sum(s.at(i) for s in daily.barSets() for i in range(s.count()))
    assert drawn == sum(sum(c) for c in expected.received.by_kind.values()) > 0
    slices = page.status_chart.series.slices()
    assert [sl.value() for sl in slices] == [float(n) for _l, n in expected.open_by_status]
    assert slices and slices[0].label().startswith(expected.open_by_status[0][0])
    bars = page.units_chart.series.barSets()[0]
    assert bars.count() == max(1, len(expected.overdue_by_unit))
    screenshot(window, "page-dashboard-today")


def test_cards_open_the_records_behind_them(qtbot, ui_env) -> None:  # type: ignore[no-untyped-def]
    window, page = _window(qtbot, ui_env)
    page.today_cards["overdue"].activated.emit()
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.pages["demands"])
    settle(qtbot, ui_env)
    demands = window.pages["demands"]
    assert demands.tabs.tabText(demands.tabs.currentIndex()) == "诉求列表"
    listing = demands.tab_pages["诉求列表"]
    assert listing.current_filter().overdue and not listing.current_filter().due_soon
    window.show_page("dashboard")
    page.today_cards["new_today"].activated.emit()
    settle(qtbot, ui_env)
    received = listing.current_filter()
    assert received.received_from == received.received_to == page.today.day
    assert not received.overdue
    window.show_page("dashboard")
    page.today_cards["whistles"].activated.emit()
    settle(qtbot, ui_env)
    assert demands.tabs.tabText(demands.tabs.currentIndex()) == "吹哨"
    window.show_page("dashboard")
    page.today_cards["certificates"].activated.emit()
    settle(qtbot, ui_env)
    assert page.sections.currentIndex() == 1  # the certificate list on the second tab
    assert page.certificates_model.rowCount() == page.today.certificates_expiring


PROBE = """
import json, sys
from PySide6.QtWidgets import QApplication
app = QApplication(sys.argv[:1])
import ui.pages.dashboard_page
print(json.dumps("PySide6.QtCharts" in sys.modules))
"""


def test_qtcharts_is_not_imported_with_the_page() -> None:
    done = subprocess.run([sys.executable, "-c", PROBE], cwd=PROJECT_ROOT, capture_output=True,
                          text=True, timeout=60, check=True,
                          env={"QT_QPA_PLATFORM": "offscreen", "PATH": ""})
    assert json.loads(done.stdout.strip().splitlines()[-1]) is False
