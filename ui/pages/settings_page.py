"""设置: a tab per concern. Each tab is a ``Page`` (it loads in ``reload``) and shows only
for roles that hold its permission; the services refuse the same operations anyway."""

from __future__ import annotations

import importlib

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QTabWidget, QVBoxLayout, QWidget

from desktop.domain.permissions import Permission, allowed
from ui.env import UiEnv
from ui.pages.base import Page

# (tab title, "module:Class", permission needed to see it or None)
SETTINGS_TABS: tuple[tuple[str, str, Permission | None], ...] = (
    ("概况", "ui.pages.settings_general:GeneralTab", None),
    ("用户账号", "ui.pages.settings_accounts:AccountsTab", Permission.ACCOUNT_MANAGE),
    ("节假日", "ui.pages.settings_calendar:CalendarTab", None),
    ("备份与恢复", "ui.pages.settings_backups:BackupsTab", Permission.BACKUP_MANAGE),
    ("审计日志", "ui.pages.settings_audit:AuditTab", Permission.AUDIT_VIEW),
)


class SettingsPage(Page):
    # The database file was swapped under the running program (a restore): nothing may
    # read it again before a restart.
    restart_required = Signal(str)

    def __init__(self, env: UiEnv, parent: QWidget | None = None) -> None:
        super().__init__(env, parent)
        title = QLabel("设置")
        title.setObjectName("pageTitle")
        self.tabs = QTabWidget()
        self.tab_pages: dict[str, Page] = {}
        role = env.context.actor.role
        for caption, target, permission in SETTINGS_TABS:
            if permission is not None and not allowed(role, permission):
                continue
            module_name, class_name = target.split(":")
            tab: Page = getattr(importlib.import_module(module_name), class_name)(env)
            tab.status_message.connect(self.status_message)
            tab.data_changed.connect(self.data_changed)
            if hasattr(tab, "restart_required"):
                tab.restart_required.connect(self.restart_required)
            self.tab_pages[caption] = tab
            self.tabs.addTab(tab, caption)
        self.tabs.currentChanged.connect(self._on_tab)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 16, 24, 16)
        layout.addWidget(title)
        layout.addWidget(self.tabs, 1)

    def _on_tab(self, index: int) -> None:
        tab = self.tabs.widget(index)
        if isinstance(tab, Page) and not tab.loaded:
            self.run(tab.reload())

    async def reload(self) -> None:
        current = self.tabs.currentWidget()
        if isinstance(current, Page):
            await current.reload()
        for tab in self.tab_pages.values():
            if tab is not current:
                tab.loaded = False
        self.loaded = True
