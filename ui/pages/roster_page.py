"""执法队伍: the street's 1+X+Y enforcement force — the people (by force, unit and
squad, with their certificates, availability today and history), the counts of
certified officers per force and domain, the leave calendar, the emergency duty
table and the unit directory with its 应哨人.

The page holds no rule: every change is a ``desktop`` service called on the database
thread, with the service's Chinese refusal shown inline in the dialog that asked for
it. Dialogs are opened with ``open()`` and awaited; ``active_dialog`` exposes the one
on screen so tests can drive it like a user. The other tabs are ``Page``s of their own
(``roster_tabs``, ``roster_units``) that run their dialogs through this page.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QDialog, QMessageBox, QTabWidget, QVBoxLayout, QWidget

from desktop.services.certificates import CertificateWarning, expiring_certificates
from desktop.services.roster import list_officers, officer_history
from desktop.services.roster_rows import OfficerRow
from desktop.services.units import UnitRow, list_units
from ui.env import UiEnv
from ui.models.officer_list import OfficerFilterProxy, officer_table_model
from ui.pages.base import Page
from ui.pages.roster_commands import RosterCommands, certificate_selectable
from ui.pages.roster_files import RosterFiles
from ui.pages.roster_layout import (
    ACTION_PERMISSIONS,
    BUTTON_PERMISSIONS,
    GROUP_ROLE,
    banner_html,
    build_actions,
    build_banner,
    build_people_tab,
    build_toolbar,
    fill_groups,
    fit_officer_columns,
    page_header,
    page_read_only_note,
)
from ui.pages.roster_tabs import CountsTab, DutyTab, LeaveTab
from ui.pages.roster_units import UnitsTab
from ui.pages.work_page import WorkPage
from ui.widgets.officer_detail import OfficerDetail

TAB_TITLES = ("人员", "力量统计", "请假日历", "应急值班表", "单位名录")


class RosterPage(WorkPage):
    last_dir_key = "roster_last_dir"

    title = "执法队伍"

    def __init__(self, env: UiEnv, parent: QWidget | None = None) -> None:
        super().__init__(env, parent)
        self.active_dialog: QDialog | None = None
        self.notice_box: QMessageBox | None = None
        self.last_notice: tuple[str, str] | None = None
        self.units: list[UnitRow] = []
        self.warnings: list[CertificateWarning] = []
        self._detail_generation = 0
        self._reloading = False
        self.files = RosterFiles(self)
        self.commands = RosterCommands(self)
        self.short_names: dict[str, str] = {}  # unit id → 简称, for the list
        self.model = officer_table_model(self, self.short_names)
        self.proxy = OfficerFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        self.detail = OfficerDetail()
        self.officer_actions = build_actions(self)
        self.toolbar = build_toolbar(self, self.officer_actions)
        self.banner = build_banner(self)
        self.people_tab = build_people_tab(self)
        for action in self.officer_actions.values():  # their shortcuts work in this tab only
            self.removeAction(action)
            self.people_tab.addAction(action)
        self.counts_tab = CountsTab(env, self)
        self.leave_tab = LeaveTab(env, self)
        self.duty_tab = DutyTab(env, self)
        self.units_tab = UnitsTab(env, self)
        self.tabs = QTabWidget()
        for widget, caption in zip((self.people_tab, self.counts_tab, self.leave_tab,
                                    self.duty_tab, self.units_tab), TAB_TITLES, strict=True):
            self.tabs.addTab(widget, caption)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(8)
        layout.addLayout(page_header(self))
        layout.addWidget(self.tabs, 1)
        self._connect()
        self._update_actions()

    def _connect(self) -> None:
        self.table.selectionModel().selectionChanged.connect(self._on_selection)
        self.table.doubleClicked.connect(lambda _index: self.officer_actions["edit"].trigger())
        for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            QShortcut(QKeySequence(key), self.table, self.officer_actions["edit"].trigger,
                      context=Qt.ShortcutContext.WidgetShortcut)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Find), self, self.focus_search,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.search.textChanged.connect(self._on_filter)
        self.groups.currentItemChanged.connect(self._on_group)
        self.detail.certificateSelectionChanged.connect(self._update_actions)
        self.detail.revealRequested.connect(self.commands.reveal_id)
        self.tabs.currentChanged.connect(self._on_tab)
        self.table.horizontalHeader().sortIndicatorChanged.connect(
            lambda *_sort: fit_officer_columns(self.table))
        for tab in self.tab_pages():
            tab.status_message.connect(self.status_message)

    def tab_pages(self) -> list[Page]:
        return [self.counts_tab, self.leave_tab, self.duty_tab, self.units_tab]

    # --- loading ---------------------------------------------------------------------
    async def reload(self, select: str | None = None) -> None:
        """Reload the roster, the warnings and the tab shown; keep or set the selection.
        The other tabs reload when next shown."""
        current = self.current_officer()
        keep = select or (current.id if current else None)
        context = self.env.context
        rows = await self.env.tasks.db(list_officers, context.uow())
        self.warnings = await self.env.tasks.db(expiring_certificates, context.uow())
        self.units = await self.env.tasks.db(list_units, context.uow())
        self.short_names.clear()
        self.short_names.update({u.id: u.short_name for u in self.units if u.short_name})
        self._reloading = True
        try:
            self._apply(rows)
            if keep is not None:
                self.select_officer(keep, reveal=select is not None)
        finally:
            self._reloading = False
        for tab in self.tab_pages():
            tab.loaded = False
        shown = self.tabs.currentWidget()
        if isinstance(shown, Page):
            await shown.reload()
        await self._show_current()
        self.loaded = True

    def _apply(self, rows: Sequence[OfficerRow]) -> None:
        self.model.set_rows(rows)
        fill_groups(self.groups, rows, self.proxy.group)
        fit_officer_columns(self.table)
        self._show_count()
        text, style = banner_html(self.warnings)
        self.banner.setText(text)
        self.banner.setStyleSheet(style)
        self.banner.setVisible(bool(text))
        on_roll = [r for r in rows if r.status.value != "left"]
        certified = sum(1 for r in on_roll if r.is_enforcement_officer_today)
        available = sum(1 for r in on_roll if r.available_today and r.is_enforcement_officer_today)
        street = self.env.sub_center.street_name if self.env.sub_center else ""
        self.summary_label.setText(
            f"{street + ' · ' if street else ''}在册 {len(on_roll)} 人 · 持证 {certified} 人 · "
            f"今日可出勤持证 {available} 人 · {len(self.units)} 个单位")

    async def _show_current(self) -> None:
        current = self.current_officer()
        self.detail.show_officer(current)
        if current is not None:
            await self._load_history(current)
        self._update_actions()

    async def _load_history(self, officer: OfficerRow) -> None:
        self._detail_generation += 1
        generation = self._detail_generation
        history = await self.env.tasks.db(officer_history, self.env.context.uow(), officer.id)
        if generation == self._detail_generation:  # else the user has moved on
            self.detail.set_history(history)

    # --- selection -------------------------------------------------------------------
    def current_officer(self) -> OfficerRow | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        return self.model.row_at(self.proxy.mapToSource(rows[0]).row())

    def select_officer(self, officer_id: str, reveal: bool = True) -> bool:
        """Select a person in the list; with ``reveal``, clear the filters hiding them."""
        index = self._proxy_index(officer_id)
        if not index.isValid() and reveal:
            self.search.clear()
            self.proxy.set_group("all")
            fill_groups(self.groups, self.model.rows(), self.proxy.group)
            index = self._proxy_index(officer_id)
        if not index.isValid():
            return False
        if reveal:
            self.tabs.setCurrentWidget(self.people_tab)
        self.table.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows)
        self.table.scrollTo(index)
        return True

    def _proxy_index(self, officer_id: str) -> QModelIndex:
        for row, item in enumerate(self.model.rows()):
            if item.id == officer_id:
                return self.proxy.mapFromSource(self.model.index(row, 0))
        return QModelIndex()

    def _on_selection(self, *_args: object) -> None:
        if self._reloading:
            return
        current = self.current_officer()
        if current is None or self.detail.officer is None or current.id != self.detail.officer.id:
            self.detail.show_officer(current)
            if current is not None:
                self.run(self._load_history(current))
        self._update_actions()

    def _on_filter(self, text: str) -> None:
        self.proxy.set_text(text)
        self._show_count()

    def _on_group(self, item: object, _previous: object = None) -> None:
        group = item.data(0, GROUP_ROLE) if item is not None else None  # type: ignore[attr-defined]
        if group is None:
            return
        kind, value = group
        self.proxy.set_group(kind, value)
        self._show_count()

    def _on_tab(self, _index: int) -> None:
        shown = self.tabs.currentWidget()
        if isinstance(shown, Page) and not shown.loaded and self.loaded:
            self.run(shown.reload())

    def _show_count(self) -> None:
        self.count_label.setText(f"显示 {self.proxy.rowCount()} / 共 {self.model.rowCount()} 人")

    def focus_search(self) -> None:
        self.tabs.setCurrentWidget(self.people_tab)
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def _update_actions(self) -> None:
        """Enable what the selection allows AND the role may do; a command the role may
        not use stays disabled whatever is selected, its tooltip saying why."""
        role = self.env.context.actor.role
        officer = self.current_officer()
        shown = officer is not None and self.detail.officer is not None \
            and self.detail.officer.id == officer.id
        certificate = self.detail.selected_certificate() if shown else None
        live = certificate is not None and not certificate.revoked
        one = officer is not None
        enables = {"new": True, "edit": one, "status": one, "secondment": one,
                   "leave": one and officer.status.value != "left",  # type: ignore[union-attr]
                   "cert_add": one, "cert_renew": live and certificate_selectable(officer),
                   "cert_revoke": live}
        self.gate_controls(wanted=enables, actions=self.officer_actions,
                           permissions=ACTION_PERMISSIONS, buttons=BUTTON_PERMISSIONS,
                           note=page_read_only_note(role))

    # --- dialogs ---------------------------------------------------------------------
    # --- files and messages (tests replace the file choosers) -------------------------
