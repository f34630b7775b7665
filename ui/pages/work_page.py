"""What every working page shares: dialogs shown without blocking the loop, file
choosers that remember their folder (and that tests replace), a non-blocking notice,
and commands enabled only when both the selection and the role allow them.

Subclasses set ``last_dir_key`` and implement ``reload(select=...)``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFileDialog,
    QHeaderView,
    QLabel,
    QMessageBox,
    QTableView,
)

from desktop.domain.actor import Role
from desktop.domain.permissions import Permission, allowed, denied_message
from ui.dialogs.form_dialog import await_dialog
from ui.pages.base import Page

TIP_PROPERTY = "allowedTip"  # the tooltip a control shows when the role may use it


def denied_tip(role: Role, permission: Permission) -> str:
    return denied_message(role, permission)


def permission_tip(role: Role, permission: Permission, allowed_tip: str) -> str:
    return allowed_tip if allowed(role, permission) else denied_tip(role, permission)


def read_only_note(role: Role, edit_permissions: Iterable[Permission], subject: str) -> str:
    """A word in the header when the role may change nothing on the page ("" otherwise)."""
    if any(allowed(role, permission) for permission in edit_permissions):
        return ""
    export = "和导出" if allowed(role, Permission.DATA_EXPORT) else ""
    return f"只读：您的角色（{role.label}）可以查看{export}{subject}，不能修改"


NOTE_STYLE = "color: #7a5b00; background: #fff4d6; border-radius: 3px; padding: 2px 8px;"


def role_note_label() -> QLabel:
    """The amber note a page shows in its header (e.g. "只读：…"); hidden until set."""
    label = QLabel()
    label.setObjectName("roleNote")
    label.setWordWrap(True)
    label.setStyleSheet(NOTE_STYLE)
    label.hide()
    return label


def list_table(model: Any, *, sort_column: int = 0, multi_select: bool = False) -> QTableView:
    """A page's main list: sortable, whole rows selected, read-only, compact rows,
    columns sized by the page (Interactive, no stretched last section)."""
    table = QTableView()
    table.setModel(model)
    table.setSortingEnabled(True)
    table.sortByColumn(sort_column, Qt.SortOrder.AscendingOrder)
    table.setAlternatingRowColors(True)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection if multi_select
                           else QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setWordWrap(False)
    table.setTextElideMode(Qt.TextElideMode.ElideRight)
    table.verticalHeader().setVisible(False)
    table.verticalHeader().setDefaultSectionSize(26)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setStretchLastSection(False)
    header.setHighlightSections(False)
    return table


def gate(control: Any, permission: Permission, role: Role, wanted: bool = True) -> None:
    """Enable ``control`` (a QAction or a widget) when the selection wants it and the
    role may use it; its tooltip says why not."""
    control.setEnabled(bool(wanted) and allowed(role, permission))
    tip = permission_tip(role, permission, str(control.property(TIP_PROPERTY) or ""))
    control.setToolTip(tip)
    if hasattr(control, "setStatusTip"):
        control.setStatusTip(tip)


class WorkPage(Page):
    last_dir_key = "last_dir"
    active_dialog: QDialog | None = None
    last_notice: tuple[str, str, list[str]] | None = None
    notice_box: QMessageBox | None = None

    def gate_controls(self, *, wanted: Mapping[str, object], actions: Mapping[str, Any],
                      permissions: Mapping[str, Permission],
                      buttons: Mapping[str, Permission], note: str) -> None:
        """Enable each command the selection wants and the role may use, each button the
        role may use; show the read-only note; let the detail reveal personal data only
        for roles that may (all with tooltips that say why not)."""
        role = self.env.context.actor.role
        for key, value in wanted.items():
            gate(actions[key], permissions[key], role, bool(value))
        for name, permission in buttons.items():
            gate(getattr(self, name), permission, role)
        self.role_note.setText(note)
        self.role_note.setVisible(bool(note))
        may_reveal = allowed(role, Permission.PERSONAL_DATA_REVEAL)
        self.detail.set_reveal_permission(
            may_reveal, "" if may_reveal else denied_tip(role, Permission.PERSONAL_DATA_REVEAL))

    async def run_dialog(self, dialog: QDialog) -> bool:
        """Show a dialog without blocking the loop, exposed as ``active_dialog``."""
        self.active_dialog = dialog
        try:
            return await await_dialog(dialog) == QDialog.DialogCode.Accepted
        finally:
            self.active_dialog = None
            dialog.deleteLater()

    async def changed(self, message: str, select: Any = None) -> None:
        """After a change: tell the status bar and the other pages, then reload."""
        self.status_message.emit(message)
        self.data_changed.emit()
        await self.reload(select=select)  # type: ignore[call-arg]

    # --- files (tests replace these choosers) ------------------------------------------
    def ask_open_path(self, title: str, file_filter: str) -> str | None:
        path, _chosen = QFileDialog.getOpenFileName(self, title, self._last_dir(), file_filter)
        return self._remember(path)

    def ask_save_path(self, title: str, name: str, file_filter: str) -> str | None:
        start = f"{self._last_dir()}/{name}" if self._last_dir() else name
        path, _chosen = QFileDialog.getSaveFileName(self, title, start, file_filter)
        suffix = Path(name).suffix
        if path and suffix and not path.lower().endswith(suffix.lower()):
            path += suffix
        return self._remember(path)

    def _last_dir(self) -> str:
        return str(self.env.context.settings.get(self.last_dir_key, ""))

    def _remember(self, path: str) -> str | None:
        if not path:
            return None
        self.env.context.settings.set(self.last_dir_key, str(Path(path).parent))
        return path

    # --- messages ----------------------------------------------------------------------
    def notify(self, title: str, text: str, details: Sequence[str] = ()) -> None:
        """Tell the user what an import, export or change did, without blocking the loop."""
        self.last_notice = (title, text, list(details))
        self.status_message.emit(text.splitlines()[0])
        box = QMessageBox(QMessageBox.Icon.Information, title, text,
                          QMessageBox.StandardButton.Ok, self)
        if details:
            box.setDetailedText("\n".join(details))
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.finished.connect(lambda _code: setattr(self, "notice_box", None))
        self.notice_box = box
        box.open()
