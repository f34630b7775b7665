"""设置: a tab per concern (see ``TabHostPage``)."""

from __future__ import annotations

from PySide6.QtCore import Signal

from desktop.domain.permissions import Permission
from ui.pages.base import Page
from ui.pages.tab_host import TabHostPage, TabSpec

SETTINGS_TABS: tuple[TabSpec, ...] = (
    ("概况", "ui.pages.settings_general:GeneralTab", None),
    ("用户账号", "ui.pages.settings_accounts:AccountsTab", Permission.ACCOUNT_MANAGE),
    ("节假日", "ui.pages.settings_calendar:CalendarTab", None),
    ("文书与印章", "ui.pages.settings_documents:DocumentsTab", None),
    ("备份与恢复", "ui.pages.settings_backups:BackupsTab", Permission.BACKUP_MANAGE),
    ("审计日志", "ui.pages.settings_audit:AuditTab", Permission.AUDIT_VIEW),
)


class SettingsPage(TabHostPage):
    heading = "设置"
    tab_specs = SETTINGS_TABS
    # The database file was swapped under the running program (a restore): nothing may
    # read it again before a restart.
    restart_required = Signal(str)

    def connect_tab(self, tab: Page) -> None:
        if hasattr(tab, "restart_required"):
            tab.restart_required.connect(self.restart_required)
