"""考评指标 on the demo street: the month's cards, a figure drilled down to its records,
and the weights gated to the administrator."""

from __future__ import annotations

from desktop.demo import build_demo_street
from desktop.domain.actor import Actor, Role
from desktop.domain.indicators import IndicatorKind
from desktop.services.subcenter import get_sub_center
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
    build_demo_street(ui_env.context)
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
    build_demo_street(ui_env.context)
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
