"""The main window shell: navigation, planned pages, dashboard figures."""

from __future__ import annotations

from desktop.services.subcenter import get_sub_center
from tests.ui.conftest import run, settle
from ui.main_window import MainWindow
from ui.pages.base import PlannedPage
from ui.pages.registry import PAGE_SPECS


def test_every_navigation_entry_has_a_page(qtbot, ui_env, street):
    ui_env.sub_center = get_sub_center(ui_env.context.uow())
    window = MainWindow(ui_env)
    qtbot.addWidget(window)
    window.show()
    window.start()
    settle(qtbot, ui_env)
    titles = [window.nav.item(i).text() for i in range(window.nav.count())]
    assert titles == ["工作台", "网格", "执法队伍", "联合行动", "诉求与吹哨", "文书", "事项清单",
                      "同步", "设置"]
    assert len(window.pages) == len(PAGE_SPECS)
    assert all(spec.target for spec in PAGE_SPECS), "every module is built: none planned"
    sync_page = window.show_page("sync")
    assert not isinstance(sync_page, PlannedPage)
    assert "测试街道综合指挥分中心" in window.windowTitle()
    assert "测试街道综合指挥分中心" in window.sub_center_label.text()


def test_dashboard_counts_grids_and_warns(qtbot, ui_env, street):
    from desktop.domain.grids import CommunityKind, GridCategory, GridKind
    from desktop.services import grids

    uow = ui_env.context.uow
    actor = ui_env.context.actor
    community = grids.create_community(uow(), actor=actor, name="东风社区",
                                       kind=CommunityKind.COMMUNITY)
    grids.create_grid(uow(), actor=actor, community_id=community.id,
                      fields=grids.GridFields("东风一网格", GridKind.BASE,
                                              GridCategory.URBAN_COMMUNITY,
                                              households=100, population=300))
    window = MainWindow(ui_env)
    qtbot.addWidget(window)
    page = window.pages["dashboard"]
    run(qtbot, ui_env, page.reload())
    assert page.cards["base_grids"].value_label.text() == "1"
    assert page.cards["population"].value_label.text() == "300"
    problems = {page.warnings_model.row_at(r).kind.label
                for r in range(page.warnings_model.rowCount())}
    assert problems == {"无网格长", "无网格员", "指导员不足"}
