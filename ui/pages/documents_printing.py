"""Printing and saving on the 文书 page: one document or a batch, through Qt's print
dialog at true scale, with a progress bar and a cancel button; and 另存为PDF.

Per document: the core checks and reads it (db thread), renders it unless archived
(cpu pool), the pages are painted onto the printer (cpu pool; QPainter on a QPrinter
is allowed off the GUI thread), and the print is recorded (db thread) — the first
print archives exactly the bytes that were painted. A cancel stops between pages; the
documents finished before it stay recorded.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtPrintSupport import QPrintDialog, QPrinter

from desktop.domain.errors import CancelledError
from desktop.services.document_output import (
    export_job,
    print_job,
    record_export,
    record_print,
    render_job,
    seal_path,
)
from desktop.services.document_rows import DocumentRow
from ui.dialogs import messages
from ui.pages.base import page_slot
from ui.tasks import ProgressDialog
from ui.widgets.pdf_preview import PrintSession

if TYPE_CHECKING:
    from ui.pages.documents_page import DocumentsPage

PDF_FILTER = "PDF 文件 (*.pdf)"


@dataclass
class PrintReport:
    printed: list[str] = field(default_factory=list)  # numbers (or titles) printed
    pages: int = 0
    cancelled: bool = False

    def message(self, total: int) -> str:
        done = f"已打印 {len(self.printed)} 份公文（共 {self.pages} 页）"
        if self.cancelled:
            return f"{done}，其余 {total - len(self.printed)} 份已取消，未打印。"
        return done + "。首次打印的公文已归档原件。"


class DocumentOutput:
    """The page's print and save commands (kept apart so the page stays about the life)."""

    def __init__(self, page: DocumentsPage) -> None:
        self.page = page
        self.env = page.env
        self.last_report: PrintReport | None = None
        self.progress: ProgressDialog | None = None

    async def choose_printer(self) -> QPrinter | None:
        """Qt's print dialog (tests replace this with a PDF-file printer)."""
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        dialog = QPrintDialog(printer, self.page)
        dialog.setWindowTitle("打印公文")
        return printer if await self.page.run_dialog(dialog) else None

    @page_slot
    async def print_current(self) -> None:
        if self.page.current is not None:
            await self.print_rows([self.page.current.row])

    @page_slot
    async def print_selected(self) -> None:
        rows = [row for row in self.page.selected_rows() if row.printable]
        if rows:
            await self.print_rows(rows)

    async def print_rows(self, rows: list[DocumentRow]) -> PrintReport | None:
        printer = await self.choose_printer()
        if printer is None:
            return None
        report = PrintReport()
        dialog = ProgressDialog("打印公文", self.page)
        self.progress = dialog
        dialog.show()
        session = PrintSession(printer)
        try:
            await self._print_all(rows, session, dialog, report)
        except CancelledError:
            report.cancelled = True
        except Exception as error:  # the core's refusal, or the printer failed
            messages.show_error(self.page, error)
        finally:
            await self.env.tasks.cpu(session.finish)
            dialog.hide()
            dialog.deleteLater()
            self.progress = None
        self.last_report = report
        last = rows[-1].id if len(rows) == 1 else None
        await self.page.changed(report.message(len(rows)), select=last)
        return report

    async def _print_all(self, rows: list[DocumentRow], session: PrintSession,
                         dialog: ProgressDialog, report: PrintReport) -> None:
        context, tasks = self.env.context, self.env.tasks
        seal, progress = seal_path(context.paths), dialog.progress_callback()
        for done, row in enumerate(rows):
            dialog.token.raise_if_cancelled()
            progress(done, len(rows), f"正在打印第 {done + 1} / {len(rows)} 份："
                                      f"{row.number or ''}「{row.title}」")
            job = await tasks.db(print_job, context.uow(), actor=context.actor,
                                 document_id=row.id, seal_png=seal)
            pdf = await tasks.cpu(render_job, job)
            report.pages += await tasks.cpu(session.paint, pdf, dialog.token)
            await tasks.db(record_print, context.uow(), actor=context.actor,
                           document_id=row.id, pdf=pdf)
            report.printed.append(row.number or row.title)
        progress(len(rows), len(rows), "正在结束打印……")

    @page_slot
    async def save_pdf(self) -> None:
        if self.page.current is None:
            return
        row = self.page.current.row
        name = f"{row.number or row.title}.pdf".replace("/", "-")
        target = self.page.ask_save_path("另存为 PDF", name, PDF_FILTER)
        if not target:
            return
        context, tasks = self.env.context, self.env.tasks
        try:
            job = await tasks.db(export_job, context.uow(), actor=context.actor,
                                 document_id=row.id, seal_png=seal_path(context.paths))
            pdf = await tasks.cpu(render_job, job)
            await tasks.cpu(Path(target).write_bytes, pdf)
            await tasks.db(record_export, context.uow(), actor=context.actor,
                           document_id=row.id, target=target, pdf=pdf)
        except Exception as error:
            messages.show_error(self.page, error)
            return
        self.page.status_message.emit(f"已保存 {target}")
