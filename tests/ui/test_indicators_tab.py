"""考评指标 on the demo street: the month's cards, a figure drilled down to its records,
and the weights gated to the administrator."""

from __future__ import annotations

from desktop.domain.actor import Actor, Role
from desktop.domain.indicators import Dimension, IndicatorKind
from desktop.services.subcenter import get_sub_center
from tests.demo_street import load_demo_street
from tests.ui.conftest import run, screenshot, settle
from ui.pages.demands_page import DemandsPage
from ui.pages.indicators_tab import KINDS, IndicatorsTab, WeightsDialog


def _open(qtbot, env) -> tuple[DemandsPage, IndicatorsTab]:  # type: ignore[no-untyped-def]
    env.sub_center = get_sub_center(env.context.uow())
    page = DemandsPage(env)
    qtbot.addWidget(page)
    page.resize(1500, 820)
    page.show()
    tab = page.show_tab("考评指标")
    assert isinstance(tab, IndicatorsTab)
    run(qtbot, env, tab.reload())
    return page, tab


def test_the_month_figures_drill_down(qtbot, ui_env) -> None:  # type: ignore[no-untyped-def]
    load_demo_street(ui_env.context)
    ui_env.context.actor = Actor("赵主任", Role.DIRECTOR)
    page, tab = _open(qtbot, ui_env)
    assert tab.assessment is not None
    assert tab.table.item(0, 0).text() == "全街道"
    assert tab.table.rowCount() >= 3  # the street and the units with work this month
    column = KINDS.index(IndicatorKind.RESOLUTION) + 1
    street = tab.assessment.cards[0].indicators[IndicatorKind.RESOLUTION]
    assert street.denominator, "the demo street has demands received this month"
    assert tab.table.item(0, column).text() == street.text
    tab.table.cellClicked.emit(0, column)
    qtbot.waitUntil(lambda: tab.drill_model.rowCount() == len(street.denominator))
    first = tab.drill_model.row_at(0)
    if street.missing:  # the records that did not count come first
        assert first[2] != "已结案"
    assert "解决率" in tab.drill_title.text()
    assert not tab.weights_button.isEnabled()  # a director reads, the administrator weighs
    settle(qtbot, ui_env)
    screenshot(page, "demands-indicators")


def test_the_administrator_changes_the_weights(qtbot, ui_env) -> None:  # type: ignore[no-untyped-def]
    load_demo_street(ui_env.context)
    _page, tab = _open(qtbot, ui_env)  # the local administrator
    before = tab.table.item(0, len(KINDS) + 1).text()
    tab.weights_button.click()
    qtbot.waitUntil(lambda: isinstance(tab.active_dialog, WeightsDialog))
    dialog = tab.active_dialog
    for kind, spin in dialog.spins.items():
        spin.setValue(100 if kind is IndicatorKind.SATISFACTION else 0)
    dialog.ok_button.click()
    qtbot.waitUntil(lambda: tab.active_dialog is None)
    settle(qtbot, ui_env)
    satisfaction = tab.assessment.cards[0].indicators[IndicatorKind.SATISFACTION].rate
    expected = "—" if satisfaction is None else f"{100 * satisfaction:.1f}"
    assert tab.table.item(0, len(KINDS) + 1).text() == expected
    assert expected != before or satisfaction is None


def test_the_dimension_switch_groups_by_grid_category_and_month(qtbot, ui_env) -> None:  # type: ignore[no-untyped-def]
    load_demo_street(ui_env.context)
    ui_env.context.actor = Actor("赵主任", Role.DIRECTOR)
    page, tab = _open(qtbot, ui_env)
    tab.set_dimension(Dimension.GRID)
    qtbot.waitUntil(lambda: tab.assessment is not None
                    and tab.assessment.dimension is Dimension.GRID)
    settle(qtbot, ui_env)
    assert tab.table.horizontalHeaderItem(0).text() == "网格"
    assert tab.table.rowCount() == len(tab.assessment.cards) > 2
    assert tab.table.item(1, 0).text() == tab.assessment.name_of(tab.assessment.cards[1])
    column = KINDS.index(IndicatorKind.DUPLICATE) + 1
    grid_card = tab.assessment.cards[1]
    duplicates = grid_card.indicators[IndicatorKind.DUPLICATE]
    assert tab.table.item(1, column).text() == duplicates.text
    tab.table.cellClicked.emit(1, column)
    qtbot.waitUntil(lambda: "重复诉求率" in tab.drill_title.text())
    assert tab.drill_model.rowCount() == len(duplicates.denominator)
    settle(qtbot, ui_env)
    screenshot(page, "demands-indicators-grid")

    tab.set_dimension(Dimension.CATEGORY)
    qtbot.waitUntil(lambda: tab.assessment is not None
                    and tab.assessment.dimension is Dimension.CATEGORY)
    levels = [tab.assessment.level_of(card) for card in tab.assessment.cards]
    assert 0 in levels[1:] and 1 in levels  # 大类 rows with their 小类 beneath
    sub = levels.index(1)
    assert tab.table.item(sub, 0).text().startswith("　　")

    tab.set_dimension(Dimension.MONTH)
    qtbot.waitUntil(lambda: tab.trend is not None)
    settle(qtbot, ui_env)
    assert tab.table.horizontalHeaderItem(0).text() == "月份"
    assert tab.table.rowCount() == 12
    this_month = tab.trend.rows[-1]
    column = KINDS.index(IndicatorKind.RESOLUTION) + 1
    assert tab.table.item(11, column).text() == this_month.figures[IndicatorKind.RESOLUTION].text
    tab.table.cellClicked.emit(11, column)
    qtbot.waitUntil(lambda: "解决率" in tab.drill_title.text())
    settle(qtbot, ui_env)
    assert tab.drill_model.rowCount() == this_month.figures[IndicatorKind.RESOLUTION].denominator
    screenshot(page, "demands-indicators-trend")


def test_the_monthly_report_is_exported_with_charts(qtbot, ui_env, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from openpyxl import load_workbook

    load_demo_street(ui_env.context)
    _page, tab = _open(qtbot, ui_env)
    target = tmp_path / "月报.xlsx"
    tab.ask_save_path = lambda *_args: str(target)  # type: ignore[method-assign]
    assert tab.export_button.isEnabled()
    tab.export_button.click()
    qtbot.waitUntil(lambda: tab.last_notice is not None, timeout=20_000)
    settle(qtbot, ui_env)
    assert "考评月报" in tab.last_notice[1]
    book = load_workbook(target)
    assert book.sheetnames == ["说明", "按单位", "按网格", "按类别", "月度趋势"]
    assert book["按单位"]._charts and book["月度趋势"]._charts
    street = tab.assessment.cards[0].indicators[IndicatorKind.RESOLUTION]
    cell = book["按单位"].cell(row=5, column=2 + 3 * KINDS.index(IndicatorKind.RESOLUTION) + 2)
    assert cell.value == len(street.denominator)
    tab.notice_box.close()
