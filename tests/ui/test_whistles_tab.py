"""The 吹哨 tab driven as a user would, on the demo street with its whistles: the list
with the negative-list flags coloured, a whistle called from a demand with the
proposed units (keyboard: Ctrl+N), its 报到 recorded, the month's 负面清单, and the
commands disabled for a role without 吹哨 (the service refuses it too)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from desktop.clock import today
from desktop.demo import DEMO_SEED, build_demo_street
from desktop.demo_whistles import add_demo_whistles
from desktop.domain.actor import Actor, Role
from desktop.domain.permissions import Permission
from desktop.domain.whistles import TargetState, WhistleKind
from desktop.services.subcenter import get_sub_center
from desktop.services.whistles import list_whistles
from tests.integration.permission_cases import lacking
from tests.ui.conftest import run, screenshot, settle, type_text
from ui.dialogs.whistle_dialogs import ArrivalDialog, CallWhistleDialog
from ui.models.row_table import ROW_ROLE
from ui.pages.whistles_layout import RED, NegativeListDialog
from ui.pages.whistles_tab import WhistlesTab


@pytest.fixture(scope="module")
def demo_folder(tmp_path_factory):  # type: ignore[no-untyped-def]
    """The demo street with its whistles, built once and copied for each test."""
    from desktop.bootstrap import open_migrated_context

    root = tmp_path_factory.mktemp("whistles-demo")
    context = open_migrated_context(root / "data")
    build_demo_street(context)
    if not list_whistles(context.uow()).total:  # until build_demo_street adds them itself
        with context.uow() as uow:
            add_demo_whistles(uow, actor=context.actor, rng_seed=DEMO_SEED, on=today())
            uow.commit()
    context.close()
    return root / "data"


@pytest.fixture
def demo_env(ui_env, demo_folder):  # type: ignore[no-untyped-def]
    import shutil

    from desktop.bootstrap import open_migrated_context

    ui_env.context.close()
    target = ui_env.context.paths.root
    shutil.rmtree(target)
    shutil.copytree(demo_folder, target)
    ui_env.context = open_migrated_context(target)
    ui_env.context.actor = Actor("李晓燕", Role.OPERATOR)
    ui_env.sub_center = get_sub_center(ui_env.context.uow())
    yield ui_env
    ui_env.context.close()


def open_tab(qtbot, env) -> WhistlesTab:  # type: ignore[no-untyped-def]
    tab = WhistlesTab(env)
    qtbot.addWidget(tab)
    tab.resize(1500, 900)
    tab.show()
    run(qtbot, env, tab.reload())
    settle(qtbot, env)
    return tab


def column(tab: WhistlesTab, title: str) -> int:
    return next(i for i in range(tab.model.columnCount())
                if tab.model.headerData(i, Qt.Orientation.Horizontal) == title)


def test_the_list_shows_the_demo_whistles_with_their_flags(qtbot, demo_env) -> None:  # type: ignore[no-untyped-def]
    tab = open_tab(qtbot, demo_env)
    assert tab.model.rowCount() >= 12
    flags = column(tab, "负面清单")
    texts = {tab.model.index(r, flags).data() for r in range(tab.model.rowCount())}
    assert {"不报到", "乱吹哨", "推诿", "报到不作为"} <= texts
    late = next(r for r in range(tab.model.rowCount()) if tab.model.index(r, flags).data() == "不报到")
    assert tab.model.index(late, flags).data(Qt.ItemDataRole.BackgroundRole).color().name() == RED
    kinds = {tab.model.index(r, 1).data() for r in range(tab.model.rowCount())}
    assert kinds == {"日常哨", "应急哨", "攻坚哨"}
    assert tab.detail.detail is not None and tab.detail.targets_model.rowCount() >= 1

    flagged_by_domain = {tab.model.index(r, 0).data() for r in range(tab.model.rowCount())
                         if tab.model.index(r, flags).data() != "—"}
    tab.flagged.setChecked(True)  # the SQL filter must pick exactly the same whistles
    settle(qtbot, demo_env)
    assert {tab.model.index(r, 0).data() for r in range(tab.model.rowCount())} == flagged_by_domain


def test_a_whistle_called_and_its_arrival_recorded_through_the_ui(qtbot, demo_env) -> None:  # type: ignore[no-untyped-def]
    tab = open_tab(qtbot, demo_env)
    before = tab.page_data.total  # type: ignore[union-attr]
    tab.table.setFocus()
    qtbot.keyClick(tab.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: isinstance(tab.active_dialog, CallWhistleDialog)
                    and tab.active_dialog.isVisible())
    dialog = tab.active_dialog
    assert isinstance(dialog, CallWhistleDialog)
    dialog.kind.set_value(WhistleKind.EMERGENCY)
    wanted, demand = next((i, d) for i, d in enumerate(dialog.choices.demands, start=1)
                          if d.item_id)
    dialog.demand.setCurrentIndex(wanted)
    qtbot.waitUntil(lambda: dialog.proposal is not None and dialog.proposal.item_id == demand.item_id
                    and dialog.kind.value() is WhistleKind.EMERGENCY)
    assert dialog.targets.rowCount() >= 1  # proposed from the demand's list item
    proposed = dialog.targets.item(0, 0).text()
    qtbot.keyClick(dialog.title, Qt.Key.Key_Return)  # OK is the default button
    settle(qtbot, demo_env)
    assert tab.active_dialog is None
    assert tab.page_data.total == before + 1  # type: ignore[union-attr]
    current = tab.current_whistle()
    assert current is not None and current.number.startswith(f"哨-{today():%Y%m%d}-")
    assert current.kind is WhistleKind.EMERGENCY and current.units_text.startswith(proposed)
    assert tab.buttons["arrive"].isEnabled()

    qtbot.mouseClick(tab.buttons["arrive"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: isinstance(tab.active_dialog, ArrivalDialog)
                    and tab.active_dialog.isVisible())
    arrival = tab.active_dialog
    assert isinstance(arrival, ArrivalDialog)
    type_text(qtbot, arrival.arrived_by, "王科长")
    qtbot.keyClick(arrival.arrived_by, Qt.Key.Key_Return)
    settle(qtbot, demo_env)
    detail = tab.detail.detail
    assert detail is not None and detail.whistle.id == current.id
    first = detail.targets[0]
    assert first.state is TargetState.ARRIVED and first.responder == "王科长"
    assert first.arrived_at is not None
    assert tab.detail.targets_model.index(0, 2).data() == "已报到"
    screenshot(tab, "demands-whistles")


def test_the_negative_list_of_the_month(qtbot, demo_env) -> None:  # type: ignore[no-untyped-def]
    tab = open_tab(qtbot, demo_env)
    qtbot.mouseClick(tab.negative_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: isinstance(tab.active_dialog, NegativeListDialog))
    dialog = tab.active_dialog
    assert isinstance(dialog, NegativeListDialog)
    qtbot.waitUntil(lambda: dialog.result_list is not None)  # the dialog's own task is open
    assert dialog.model.rowCount() > 0
    assert "负面清单" in dialog.summary.text()
    entry = dialog.model.index(0, 0).data(ROW_ROLE)
    assert entry.flag.reason and dialog.model.index(0, 4).data() == entry.flag.reason
    screenshot(dialog, "demands-whistles-negative-list")
    dialog.reject()
    settle(qtbot, demo_env)
    assert tab.active_dialog is None


@pytest.mark.parametrize("role", lacking(Permission.WHISTLE_CALL))
def test_commands_are_disabled_for_a_role_without_whistle_call(qtbot, demo_env, role) -> None:  # type: ignore[no-untyped-def]
    demo_env.context.actor = Actor("测试", role)
    tab = open_tab(qtbot, demo_env)
    for key, button in tab.buttons.items():
        assert not button.isEnabled(), key
        assert f"您的角色（{role.label}）无权“{Permission.WHISTLE_CALL.label}”" in button.toolTip()
    assert tab.role_note.isVisible() and "只读" in tab.role_note.text()
    assert tab.negative_button.isEnabled()  # reading is for everyone
