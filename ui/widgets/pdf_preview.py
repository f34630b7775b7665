"""PDF preview (zoom, fit to width or page, page navigation) and printing at true scale,
both with QtPdf (PDFium inside Qt).

The preview is a ``QPdfView`` over a ``QPdfDocument`` owned by the widget: the view
paints from a multi-threaded page renderer, so rasterising never blocks the GUI thread.
Printing opens its own ``QPdfDocument`` on the worker that prints (QtPdf objects live
in the thread that made them; PDFium calls are serialised by QtPdf), renders each page
with ``QPdfDocument.render`` at the printer's resolution and paints it onto a QPrinter
(QPainter on a QPrinter is allowed off the GUI thread) whose page is set to the PDF
page's own size and orientation, so 1 mm in the document is 1 mm on paper.

Threading contract: ``PrintSession.paint``/``finish`` run on a worker; the widget's
methods run on the GUI thread.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from PySide6.QtCore import (
    QBuffer,
    QByteArray,
    QIODevice,
    QMargins,
    QMarginsF,
    QPointF,
    QRect,
    QSize,
    QSizeF,
    Qt,
)
from PySide6.QtGui import QColor, QPageLayout, QPageSize, QPainter, QPalette
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.progress import NEVER_CANCELLED, CancelToken
from ui.tasks import TaskRunner

FIT_WIDTH = "fit-width"
FIT_PAGE = "fit-page"
ZOOMS: tuple[tuple[str, str | float], ...] = (
    ("适合宽度", FIT_WIDTH), ("适合页面", FIT_PAGE), ("50%", 0.5), ("75%", 0.75),
    ("100%", 1.0), ("125%", 1.25), ("150%", 1.5), ("200%", 2.0))
MAX_PRINT_DPI = 300  # laser-printer quality; an A4 page is a 35 MB raster at 300 dpi
POINTS_PER_INCH = 72.0


class PdfError(OSError):
    """A PDF QtPdf cannot open (never expected for the app's own documents)."""


@contextmanager
def opened_pdf(pdf: bytes) -> Iterator[QPdfDocument]:
    """``pdf`` as a QPdfDocument made in (and closed by) the calling thread."""
    buffer = QBuffer()
    buffer.setData(QByteArray(pdf))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    document = QPdfDocument()
    try:
        document.load(buffer)
        if document.status() != QPdfDocument.Status.Ready:
            raise PdfError(f"无法打开公文 PDF（{document.error().name}），请重新生成后再试。")
        yield document
    finally:
        document.close()
        buffer.close()


def page_layout(size_pt: QSizeF) -> QPageLayout:
    """A margin-less page of the PDF page's size, as a standard size where it is one
    (A4 stays A4 for the printer driver) and landscape when wider than high."""
    width, height = size_pt.width(), size_pt.height()
    landscape = width > height
    portrait = QSizeF(min(width, height), max(width, height))
    size = QPageSize(portrait, QPageSize.Unit.Point, "", QPageSize.SizeMatchPolicy.FuzzyMatch)
    orientation = (QPageLayout.Orientation.Landscape if landscape
                   else QPageLayout.Orientation.Portrait)
    return QPageLayout(size, orientation, QMarginsF(0, 0, 0, 0))


@dataclass
class PrintSession:
    """One print job on ``printer`` made of many PDFs (a batch prints as one job)."""

    printer: QPrinter
    painter: QPainter | None = None
    pages: int = 0

    def paint(self, pdf: bytes, cancel: CancelToken = NEVER_CANCELLED) -> int:
        """Print every page of ``pdf`` at its real size; returns the pages printed."""
        with opened_pdf(pdf) as document:
            count = document.pageCount()
            for index in range(count):
                cancel.raise_if_cancelled()
                self._page(document.pagePointSize(index))
                assert self.painter is not None
                target = self.printer.paperRect(QPrinter.Unit.DevicePixel).toRect()
                dpi = min(self.printer.resolution(), MAX_PRINT_DPI)
                size = document.pagePointSize(index) * (dpi / POINTS_PER_INCH)
                image = document.render(index, QSize(round(size.width()), round(size.height())))
                self.painter.drawImage(QRect(0, 0, target.width(), target.height()), image)
                self.pages += 1
        return count

    def _page(self, size_pt: QSizeF) -> None:
        layout = page_layout(size_pt)
        if self.painter is None:
            self.printer.setFullPage(True)
            self.printer.setPageLayout(layout)
            self.painter = QPainter()
            if not self.painter.begin(self.printer):
                self.painter = None
                raise OSError("无法开始打印：打印机不可用或输出文件无法写入。")
            self.painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        else:
            self.printer.setPageLayout(layout)
            self.printer.newPage()

    def finish(self) -> None:
        if self.painter is not None:
            self.painter.end()
            self.painter = None


class PdfPreview(QWidget):
    """Pages of one PDF, scrolled continuously, with zoom (适合宽度 by default) and page
    navigation, and a line under it (e.g. which font roles were substituted)."""

    def __init__(self, tasks: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._tasks = tasks
        self._buffer: QBuffer | None = None
        self.zoom: str | float = FIT_WIDTH
        self.document = QPdfDocument(self)
        self.view = QPdfView()
        self.view.setObjectName("pdfView")
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setPageSpacing(12)
        self.view.setDocumentMargins(QMargins(12, 12, 12, 12))
        palette = self.view.palette()  # QPdfView paints around the pages in Dark
        palette.setColor(QPalette.ColorRole.Dark, QColor("#d5dae0"))
        self.view.setPalette(palette)
        self.placeholder = QLabel("请在左侧选择一份公文")
        self.placeholder.setObjectName("pdfPlaceholder")
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setWordWrap(True)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.placeholder)
        self.stack.addWidget(self.view)
        self.note = QLabel("")
        self.note.setObjectName("pdfNote")
        self.note.setWordWrap(True)
        self.note.setStyleSheet("color: #7a5b00;")
        self.note.setVisible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self._bar())
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.note)
        self.view.pageNavigator().currentPageChanged.connect(lambda _p: self._update_bar())
        self._apply_zoom()
        self._update_bar()

    def _bar(self) -> QHBoxLayout:
        self.prev_button = QPushButton("上一页")
        self.next_button = QPushButton("下一页")
        self.page_label = QLabel("")
        self.page_label.setMinimumWidth(90)
        self.page_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.zoom_combo = QComboBox()
        for text, zoom in ZOOMS:
            self.zoom_combo.addItem(text, zoom)
        self.zoom_combo.setCurrentIndex(0)
        self.prev_button.clicked.connect(lambda: self.go_to(self.page - 1))
        self.next_button.clicked.connect(lambda: self.go_to(self.page + 1))
        self.zoom_combo.currentIndexChanged.connect(
            lambda _i: self.set_zoom(self.zoom_combo.currentData()))
        bar = QHBoxLayout()
        bar.addWidget(self.prev_button)
        bar.addWidget(self.page_label)
        bar.addWidget(self.next_button)
        bar.addStretch(1)
        bar.addWidget(QLabel("缩放"))
        bar.addWidget(self.zoom_combo)
        return bar

    @property
    def page_count(self) -> int:
        return self.document.pageCount() if self._buffer is not None else 0

    @property
    def page(self) -> int:
        return self.view.pageNavigator().currentPage()

    async def show_pdf(self, pdf: bytes, note: str = "") -> None:
        """Show ``pdf`` from its first page (keeps the zoom)."""
        buffer = QBuffer()
        buffer.setData(QByteArray(pdf))
        buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.document.load(buffer)
        while self.document.status() == QPdfDocument.Status.Loading:
            await asyncio.sleep(0.01)
        old, self._buffer = self._buffer, buffer
        if old is not None:
            old.close()
        if self.document.status() != QPdfDocument.Status.Ready:
            self.clear(f"无法显示预览（{self.document.error().name}），请重新选择公文。")
            return
        self.stack.setCurrentWidget(self.view)
        self.view.pageNavigator().clear()
        self.view.pageNavigator().jump(0, QPointF(0, 0), self.view.pageNavigator().currentZoom())
        self.view.verticalScrollBar().setValue(0)
        self.set_note(note)
        self._update_bar()

    def set_note(self, note: str) -> None:
        self.note.setText(note)
        self.note.setVisible(bool(note))

    def clear(self, text: str) -> None:
        self.document.close()
        if self._buffer is not None:
            self._buffer.close()
            self._buffer = None
        self.placeholder.setText(text)
        self.stack.setCurrentWidget(self.placeholder)
        self.set_note("")
        self._update_bar()

    def go_to(self, page: int) -> None:
        if 0 <= page < self.page_count and page != self.page:
            navigator = self.view.pageNavigator()
            navigator.jump(page, QPointF(0, 0), navigator.currentZoom())
            self._update_bar()

    def set_zoom(self, zoom: str | float) -> None:
        """A factor (1.0 = real size on a 96 dpi screen), FIT_WIDTH or FIT_PAGE."""
        self.zoom = zoom
        index = self.zoom_combo.findData(zoom)
        if index >= 0 and index != self.zoom_combo.currentIndex():
            self.zoom_combo.setCurrentIndex(index)  # calls back here with the same zoom
        self._apply_zoom()

    def _apply_zoom(self) -> None:
        if self.zoom == FIT_WIDTH:
            self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        elif self.zoom == FIT_PAGE:
            self.view.setZoomMode(QPdfView.ZoomMode.FitInView)
        else:
            self.view.setZoomMode(QPdfView.ZoomMode.Custom)
            self.view.setZoomFactor(float(self.zoom))

    def _update_bar(self) -> None:
        count, page = self.page_count, self.page
        self.page_label.setText(f"第 {page + 1} / {count} 页" if count else "")
        self.prev_button.setEnabled(count > 0 and page > 0)
        self.next_button.setEnabled(page + 1 < count)
