"""The navigation entries, in order: plain data, so the window frame can show them
before any page module (or the core) is imported."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PageSpec:
    key: str
    title: str
    target: str = ""  # "module:Class"; empty while the module is planned
    planned: str = ""  # what the planned module will do, shown on its placeholder


PAGE_SPECS: tuple[PageSpec, ...] = (
    PageSpec("dashboard", "工作台", "ui.pages.dashboard_page:DashboardPage"),
    PageSpec("grids", "网格", "ui.pages.grids_page:GridsPage"),
    PageSpec("roster", "执法队伍", "ui.pages.roster_page:RosterPage"),
    PageSpec("actions", "联合行动", "ui.pages.actions_page:ActionsPage"),
    PageSpec("demands", "诉求与吹哨", "ui.pages.demands_page:DemandsPage"),
    PageSpec("documents", "文书", "ui.pages.documents_page:DocumentsPage"),
    PageSpec("responsibilities", "事项清单", "ui.pages.responsibilities_page:ResponsibilitiesPage"),
    PageSpec("sync", "同步", "ui.pages.sync_page:SyncPage"),
    PageSpec("settings", "设置", "ui.pages.settings_page:SettingsPage"),
)
