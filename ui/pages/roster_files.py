"""The 执法队伍 page's files: the 花名册 import wizard, the Excel and PDF exports of the
roster, and the printable duty table — every long job behind a progress dialog.

Paths come from the page's ``ask_open_path``/``ask_save_path`` (tests replace them).
A refused file shows the row-level report; a good one the summary, then the page
reloads.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QMenu

from desktop.domain.roster import Force
from desktop.progress import CancelToken, ProgressCallback
from ui.dialogs import messages
from ui.dialogs.roster_import_dialog import RosterImportDialog
from ui.pages.base import page_slot
from ui.tasks import run_with_progress

if TYPE_CHECKING:
    from ui.pages.roster_page import RosterPage

XLSX_FILTER = "Excel 工作簿 (*.xlsx)"
PDF_FILTER = "PDF 文件 (*.pdf)"


class RosterFiles(QObject):
    """Owns the page's 导出 menu and runs imports and exports."""

    def __init__(self, page: RosterPage) -> None:
        super().__init__(page)
        self.page = page
        self.env = page.env
        self.export_menu = QMenu("导出", page)
        self.export_menu.addAction("Excel 花名册…", self.export_excel)
        self.export_menu.addAction("PDF 花名册（打印）…", self.export_pdf)

    @page_slot
    async def import_roster(self) -> None:
        dialog = RosterImportDialog(
            self.env, lambda: self.page.ask_open_path("选择花名册文件", XLSX_FILTER), self.page)
        if not await self.page.run_dialog(dialog) or dialog.summary is None:
            return
        summary = dialog.summary
        self.page.data_changed.emit()
        await self.page.reload()
        self.page.notify("导入花名册完成", summary.message)

    @page_slot
    async def export_excel(self) -> None:
        from desktop.spreadsheets.roster import export_roster

        await self.export("导出 Excel 花名册", f"执法人员花名册-{date.today():%Y%m%d}.xlsx",
                          XLSX_FILTER, export_roster, progress=True)

    @page_slot
    async def export_pdf(self) -> None:
        """The printable roster: of the force chosen on the left, else everyone."""
        from desktop.documents.roster_print import write_roster_pdf

        kind, value = self.page.proxy.group
        force = Force(value) if kind == "force" else None
        part = f"（{force.short}）" if force else ""
        await self.export("打印花名册", f"执法人员花名册{part}-{date.today():%Y%m%d}.pdf", PDF_FILTER,
                          write_roster_pdf, progress=False, force=force)

    async def export(self, title: str, name: str, file_filter: str,
                     service: Callable[..., int], *, progress: bool,
                     what: str = "人", **arguments: object) -> str | None:
        """Ask where, write with ``service(uow, path, actor=...)``, tell the user; the
        path written (None when cancelled or refused)."""
        path = self.page.ask_save_path(title, name, file_filter)
        if not path:
            return None
        context = self.env.context

        def work(report: ProgressCallback, cancel: CancelToken) -> int:
            extra = {"progress": report, "cancel": cancel} if progress else {"cancel": cancel}
            return service(context.uow(), Path(path), actor=context.actor, **extra, **arguments)

        try:
            count = await run_with_progress(self.env.tasks, self.page, f"正在{title}", work)
        except Exception as error:
            messages.show_error(self.page, error)
            return None
        self.page.notify(f"{title}完成", f"已导出 {count} {what}到：\n{path}")
        return path
