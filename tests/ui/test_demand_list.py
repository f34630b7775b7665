"""The 诉求列表 tab: filters, the debounced search, saved filters, rows paged in as the
list scrolls, export of the filtered list with a progress bar (a real xlsx read back),
the 督办 tab; screenshots with the demo street."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from desktop.domain.demand_states import DemandAction
from tests.demo_street import load_demo_street
from tests.integration.demand_helpers import Desk, build_desk
from tests.ui.conftest import run, screenshot, settle, type_text
from tests.ui.demand_ui_helpers import DIRECTOR, open_tab
from ui.pages.demand_list_tab import DemandListTab
from ui.pages.supervision_tab import SupervisionTab

A = DemandAction


@pytest.fixture
def desk(ui_env) -> Desk:  # type: ignore[no-untyped-def]
    ui_env.context.actor = DIRECTOR
    return build_desk(ui_env.context)


def titles(page: DemandListTab) -> list[str]:
    return [page.model.row_at(r).title for r in range(page.model.rowCount())]


def test_filter_search_and_saved_filters(qtbot, ui_env, desk: Desk,  # type: ignore[no-untyped-def]
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    desk.intake(title="商户占道经营")
    second = desk.intake(title="朝阳新村井盖缺失", content="井盖缺失有危险。",
                         category_id=desk.categories["井盖缺失"])
    desk.advance(second.id, (A.TRIAGE,))
    page = open_tab(qtbot, ui_env, DemandListTab)
    assert sorted(titles(page)) == ["商户占道经营", "朝阳新村井盖缺失"]
    assert page.total_label.text() == "共 2 件"

    page.status_combo.setCurrentIndex(page.status_combo.findData("triaged"))
    settle(qtbot, ui_env)
    assert titles(page) == ["朝阳新村井盖缺失"] and page.total_label.text() == "共 1 件"
    monkeypatch.setattr(page, "ask_filter_name", lambda: "已研判")
    page.save_current_filter()
    page.clear_filters()
    settle(qtbot, ui_env)
    assert len(titles(page)) == 2

    type_text(qtbot, page.search, "占道经营")  # one query after the pause, not four
    qtbot.waitUntil(lambda: titles(page) == ["商户占道经营"], timeout=3000)
    page.search.clear()
    type_text(qtbot, page.search, "井盖")  # two characters: the bounded fallback
    qtbot.waitUntil(lambda: titles(page) == ["朝阳新村井盖缺失"], timeout=3000)
    settle(qtbot, ui_env)

    page.saved_combo.setCurrentIndex(page.saved_combo.findData("已研判"))
    page.saved_combo.activated.emit(page.saved_combo.currentIndex())
    settle(qtbot, ui_env)
    assert page.status_combo.currentData() == "triaged" and page.search.text() == ""
    assert titles(page) == ["朝阳新村井盖缺失"]
    page.delete_saved_filter()
    assert page.saved_combo.findData("已研判") < 0


def test_rows_are_paged_in_as_the_view_asks(qtbot, ui_env, desk: Desk,  # type: ignore[no-untyped-def]
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    from desktop.services import demand_lists

    for n in range(7):
        desk.intake(title=f"诉求{n}")
    calls: list[object] = []

    def pages_of_three(uow, **kw):  # type: ignore[no-untyped-def]
        calls.append(kw.get("after"))
        return demand_lists.list_demands(uow, **(kw | {"page_size": 3}))

    monkeypatch.setattr("ui.pages.demand_list_tab.list_demands", pages_of_three)
    page = open_tab(qtbot, ui_env, DemandListTab)
    # the view fills its screen by asking for more pages, one after the other
    assert page.model.rowCount() == 7 and not page.model.canFetchMore()
    assert calls[0] is None and len(calls) == 3 and all(c is not None for c in calls[1:])
    assert len({r.id for r in page.model.rows()}) == 7
    assert page.total_label.text() == "共 7 件"  # counted after the first rows


def test_export_the_filtered_list_with_progress(qtbot, ui_env, desk: Desk, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    desk.intake(title="商户占道经营")
    desk.intake(title="朝阳新村井盖缺失", category_id=desk.categories["井盖缺失"])
    page = open_tab(qtbot, ui_env, DemandListTab)
    type_text(qtbot, page.search, "井盖缺失")
    qtbot.waitUntil(lambda: len(titles(page)) == 1, timeout=3000)
    target = tmp_path / "诉求.xlsx"
    monkeypatch.setattr(page, "ask_save_path", lambda title, name, file_filter: str(target))
    seen: list[tuple[int, int, str]] = []
    from ui import tasks

    original = tasks.ProgressDialog._show_progress
    monkeypatch.setattr(tasks.ProgressDialog, "_show_progress",
                        lambda self, d, t, text: (seen.append((d, t, text)),
                                                  original(self, d, t, text)))
    assert page.export_button.isEnabled()
    page.export()
    settle(qtbot, ui_env)
    assert page.last_notice is not None and "已导出 1 件" in page.last_notice[1]
    page.notice_box.accept()
    values = [[c for c in row if c is not None]
              for row in load_workbook(target).active.iter_rows(values_only=True)]
    cells = " ".join(str(c) for row in values for c in row)
    assert "朝阳新村井盖缺失" in cells and "商户占道经营" not in cells
    assert "13812345678" not in cells and "138****5678" in cells
    assert seen and seen[-1][:2] == (1, 1) and "已导出" in seen[-1][2]


@pytest.mark.slow
def test_screenshots_with_the_demo_street(qtbot, ui_env) -> None:  # type: ignore[no-untyped-def]
    load_demo_street(ui_env.context)
    ui_env.context.actor = DIRECTOR
    page = open_tab(qtbot, ui_env, DemandListTab, (1600, 900))
    assert page.model.rowCount() == 100 and page.model.canFetchMore()
    page.deadline_combo.setCurrentIndex(3)  # overdue or due soon
    settle(qtbot, ui_env)
    states = {r.deadline_state.label for r in page.model.rows()}
    assert states <= {"已超期", "即将到期"} and states
    page.clear_filters()
    settle(qtbot, ui_env)
    screenshot(page, "demands-list")

    supervision = open_tab(qtbot, ui_env, SupervisionTab, (1400, 800))
    assert supervision.model.rowCount() > 0
    deadlines = [r.deadline_at for r in supervision.model.rows()]
    assert deadlines == sorted(deadlines)
    first = supervision.model.index(0, len(supervision.model.columns) - 1).data()
    assert first.startswith("超期") or first == "即将到期"
    screenshot(supervision, "demands-supervision")
    run(qtbot, ui_env, supervision.reload())


def test_received_date_presets_and_ranges() -> None:
    from datetime import date

    from ui.pages.demand_list_layout import received_choice, received_range

    today = date(2026, 3, 10)
    assert received_range("today", today) == (today, today)
    assert received_range("7d", today) == (date(2026, 3, 4), today)
    assert received_range("month", today) == (date(2026, 3, 1), today)
    assert received_range("last_month", today) == (date(2026, 2, 1), date(2026, 2, 28))
    assert received_range(None, today) == (None, None)
    assert received_choice(today, today, today) == "today"
    assert received_choice(date(2026, 2, 1), date(2026, 2, 28), today) == "last_month"
    odd = received_choice(date(2026, 1, 5), None, today)
    assert odd == ("range", date(2026, 1, 5), None)
    assert received_range(odd, today) == (date(2026, 1, 5), None)


def test_a_received_range_filters_the_list_and_round_trips(  # type: ignore[no-untyped-def]
        qtbot, ui_env, desk: Desk) -> None:
    from dataclasses import replace

    from desktop import clock

    desk.intake(title="今天受理的诉求")
    page = open_tab(qtbot, ui_env, DemandListTab)
    today = clock.today()
    page.apply_filter(replace(page.current_filter(), received_from=today, received_to=today))
    settle(qtbot, ui_env)
    assert page.received_combo.currentData() == "today"
    assert titles(page) == ["今天受理的诉求"]
    long_ago = today.replace(year=today.year - 5)
    page.apply_filter(replace(page.current_filter(), received_from=long_ago,
                              received_to=long_ago))
    settle(qtbot, ui_env)
    assert page.current_filter().received_from == long_ago
    assert page.received_combo.currentText() == f"受理 {long_ago} 至 {long_ago}"
    assert titles(page) == [] and page.total_label.text() == "共 0 件"
    page.clear_filters()
    settle(qtbot, ui_env)
    assert page.received_combo.count() == 5 and titles(page) == ["今天受理的诉求"]
