"""The 文书 page driven as the clerk and the director would: a 函告 drafted from a demand
of the demo street, its text edited, submitted, approved by the director (taking the
number), printed to a PDF file at true scale (archived; the printed page is A4 and its
text sits where the source has it, within 0.5 mm), the register showing the number;
batch printing with cancel; a draft of every kind in the field editor (Chinese labels,
text boxes as tall as their text), the list without horizontal scrolling at 1280×800 and
1480×860 with distinct titles; every document command disabled, with the reason, for a
role that may not use it. Screenshots: documents-list, documents-preview,
documents-register, documents-editor.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pymupdf
import pytest
from PySide6.QtCore import Qt
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrinter

from desktop.documents.kinds import DocumentKind, sample_source
from desktop.domain.actor import Actor, Role
from desktop.domain.documents import DocumentState
from desktop.domain.errors import PermissionDeniedError
from desktop.domain.permissions import Permission
from desktop.services import documents as docs
from desktop.services.document_output import export_pdf
from desktop.services.document_sources import source_choices
from tests.demo_street import load_demo_street
from tests.integration.permission_cases import lacking
from tests.ui.conftest import run, screenshot, settle
from ui.dialogs.document_dialogs import NewDocumentDialog
from ui.pages.documents_editor import AutoHeightTextEdit
from ui.pages.documents_page import DocumentsPage
from ui.widgets.pdf_preview import FIT_PAGE, FIT_WIDTH

CLERK = Actor("文书小王", Role.CLERK)
DIRECTOR = Actor("执法办刘主任", Role.DIRECTOR)
A4 = (595.3, 841.9)


@pytest.fixture
def demo(ui_env):  # type: ignore[no-untyped-def]
    load_demo_street(ui_env.context)
    return ui_env


def open_page(qtbot, env, actor: Actor,  # type: ignore[no-untyped-def]
              size: tuple[int, int] = (1480, 860)) -> DocumentsPage:
    env.context.actor = actor
    page = DocumentsPage(env)
    qtbot.addWidget(page)
    page.resize(*size)
    page.show()
    run(qtbot, env, page.reload())
    settle(qtbot, env)
    return page


def as_actor(page: DocumentsPage, actor: Actor) -> None:
    page.env.context.actor = actor
    page.update_commands()


def click(qtbot, env, button) -> None:  # type: ignore[no-untyped-def]
    assert button.isEnabled(), button.toolTip()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    settle(qtbot, env)


def pdf_printer(path: Path, dpi: int = 120) -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    printer.setResolution(dpi)  # keeps the test fast; the app prints at the printer's own
    return printer


def use_printer(page: DocumentsPage, monkeypatch: pytest.MonkeyPatch, path: Path,
                dpi: int = 120) -> None:
    async def choose() -> QPrinter:
        return pdf_printer(path, dpi)

    monkeypatch.setattr(page.output, "choose_printer", choose)


def rows(page: DocumentsPage) -> list:  # type: ignore[type-arg]
    return page.model.rows()


def test_draft_edit_submit_approve_print_and_register(
    qtbot, demo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch  # type: ignore[no-untyped-def]
) -> None:
    page = open_page(qtbot, demo, CLERK)
    assert rows(page) == [] and not page.print_button.isEnabled()

    qtbot.mouseClick(page.new_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: isinstance(page.active_dialog, NewDocumentDialog))
    dialog = page.active_dialog
    assert isinstance(dialog, NewDocumentDialog)
    dialog.choose(DocumentKind.LETTER)
    newest = source_choices(demo.context.uow(), DocumentKind.LETTER)[0].id
    assert dialog.source_id and dialog.source_id != newest  # a demand with a lead unit
    dialog.accept()
    settle(qtbot, demo)
    [draft] = rows(page)
    assert (draft.kind, draft.state, draft.number) == (DocumentKind.LETTER, DocumentState.DRAFT, None)
    qtbot.waitUntil(lambda: page.preview.page_count >= 1)
    assert "草稿预览" in page.preview.note.text()
    assert page.preview.zoom == FIT_WIDTH
    assert page.editor.editors["recipient"].text() not in ("", "（主送机关）")
    assert "请填写" not in page.editor.editors["body"].toPlainText()

    page.editor.editors["title"].setText("关于黄兴中路商户占道经营问题的函")
    click(qtbot, demo, page.save_button)
    assert rows(page)[0].title == "关于黄兴中路商户占道经营问题的函"
    click(qtbot, demo, page.submit_button)
    assert rows(page)[0].state is DocumentState.SUBMITTED
    assert not page.approve_button.isEnabled() and "文书" in page.approve_button.toolTip()
    with pytest.raises(PermissionDeniedError):  # the core refuses the clerk just the same
        docs.approve(demo.context.uow(), actor=CLERK, document_id=draft.id)

    as_actor(page, DIRECTOR)

    async def yes(_title: str, _text: str) -> bool:
        return True

    monkeypatch.setattr(page, "confirm", yes)
    click(qtbot, demo, page.approve_button)
    [numbered] = rows(page)
    year = numbered.year
    assert numbered.state is DocumentState.NUMBERED
    assert numbered.number == f"芙街函〔{year}〕1号"

    as_actor(page, CLERK)
    use_printer(page, monkeypatch, tmp_path / "printed.pdf")
    click(qtbot, demo, page.print_button)
    report = page.output.last_report
    assert report is not None and report.printed == [numbered.number] and not report.cancelled
    with pymupdf.open(tmp_path / "printed.pdf") as printed:
        assert printed.page_count == report.pages >= 1
        width, height = printed[0].rect.width, printed[0].rect.height
    assert abs(width - A4[0]) < 1 and abs(height - A4[1]) < 1  # true scale: A4 on A4
    [archived] = rows(page)
    assert (archived.state, archived.print_count) == (DocumentState.ARCHIVED, 1)
    qtbot.waitUntil(lambda: "已归档原件" in page.preview.note.text())

    page.tabs.setCurrentIndex(1)
    assert [r.number for r in page.register_model.rows()] == [numbered.number]
    screenshot(page, "documents-register")
    page.tabs.setCurrentIndex(0)
    page.detail_tabs.setCurrentIndex(0)
    settle(qtbot, demo)
    qtbot.wait(300)  # QPdfView renders its pages on its own thread
    screenshot(page, "documents-list")
    assert "系统未安装" in page.preview.note.text() or not fonts_substituted()
    page.preview.set_zoom(1.0)
    assert page.preview.view.zoomFactor() == 1.0
    assert page.preview.view.zoomMode() is QPdfView.ZoomMode.Custom
    page.preview.set_zoom(FIT_PAGE)
    page.preview.go_to(page.preview.page_count - 1)
    settle(qtbot, demo)
    qtbot.wait(300)
    assert page.preview.page_label.text() == f"第 {page.preview.page_count} / {page.preview.page_count} 页"
    screenshot(page.detail_tabs, "documents-preview")


def fonts_substituted() -> bool:
    from desktop.documents.font_roles import resolve_fonts

    return bool(resolve_fonts().substitutions())


def _ink_box(page, clip, dpi: int = 200) -> tuple[float, ...] | None:  # type: ignore[no-untyped-def]
    """The bounding box (mm from the top-left) of what is printed inside ``clip``."""
    pixmap = page.get_pixmap(dpi=dpi, clip=clip, colorspace=pymupdf.csGRAY)
    ink = np.frombuffer(pixmap.samples, np.uint8).reshape(pixmap.height, pixmap.stride)
    ink = ink[:, :pixmap.width] < 140
    rows, cols = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
    if not rows.size:
        return None
    mm = 25.4 / dpi
    return (clip.x0 * 25.4 / 72 + cols[0] * mm, clip.y0 * 25.4 / 72 + rows[0] * mm,
            clip.x0 * 25.4 / 72 + (cols[-1] + 1) * mm, clip.y0 * 25.4 / 72 + (rows[-1] + 1) * mm)


def test_printing_is_true_scale_a4_with_text_where_the_source_has_it(
    qtbot, demo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch  # type: ignore[no-untyped-def]
) -> None:
    [letter] = _approved_letters(demo, 1)
    page = open_page(qtbot, demo, CLERK)
    page.select_document(letter)
    settle(qtbot, demo)
    use_printer(page, monkeypatch, tmp_path / "printed.pdf", dpi=200)
    click(qtbot, demo, page.print_button)
    source_pdf = export_pdf(demo.context.uow(), actor=CLERK, document_id=letter,
                            target=tmp_path / "source.pdf")  # the archived original
    with pymupdf.open(stream=source_pdf) as source, pymupdf.open(tmp_path / "printed.pdf") as printed:
        assert printed.page_count == source.page_count
        for number, (original, paper) in enumerate(zip(source, printed, strict=True)):
            width_mm, height_mm = paper.rect.width * 25.4 / 72, paper.rect.height * 25.4 / 72
            assert abs(width_mm - 210) < 0.5 and abs(height_mm - 297) < 0.5, number
            assert not paper.get_text().strip()  # the print is the rendered page
            spans = [span for block in original.get_text("dict")["blocks"]
                     for line in block.get("lines", ()) for span in line["spans"]
                     if span["text"].strip()]
            assert len(spans) >= 2
            for span in spans:
                x0, y0, x1, y1 = span["bbox"]
                clip = pymupdf.Rect(x0 - 4, y0 - 4, x1 + 4, y1 + 4)
                want, got = _ink_box(original, clip), _ink_box(paper, clip)
                assert want is not None and got is not None, span["text"]
                worst = max(abs(a - b) for a, b in zip(want, got, strict=True))
                assert worst < 0.5, (number, span["text"], want, got)


def _approved_letters(env, count: int) -> list[str]:  # type: ignore[no-untyped-def]
    uow = env.context.uow
    ids = []
    for choice in source_choices(uow(), DocumentKind.LETTER)[:count]:
        row = docs.create_draft(uow(), actor=CLERK, kind=DocumentKind.LETTER,
                                source_id=choice.id).row
        docs.submit(uow(), actor=CLERK, document_id=row.id)
        ids.append(docs.approve(uow(), actor=DIRECTOR, document_id=row.id).id)
    return ids


def test_batch_print_of_selected_documents_and_cancel(
    qtbot, demo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch  # type: ignore[no-untyped-def]
) -> None:
    ids = _approved_letters(demo, 3)
    page = open_page(qtbot, demo, CLERK)
    for n, doc_id in enumerate(ids):
        page.select_document(doc_id, add=n > 0)
    assert len(page.selected_rows()) == 3
    use_printer(page, monkeypatch, tmp_path / "batch.pdf")
    click(qtbot, demo, page.batch_button)
    report = page.output.last_report
    assert report is not None and len(report.printed) == 3 and not report.cancelled
    with pymupdf.open(tmp_path / "batch.pdf") as printed:
        assert printed.page_count == report.pages >= 3
    assert [r.print_count for r in rows(page)] == [1, 1, 1]

    import ui.pages.documents_printing as printing

    real_record = printing.record_print

    def record_then_cancel(*args, **kwargs):  # type: ignore[no-untyped-def]
        result = real_record(*args, **kwargs)
        assert page.output.progress is not None
        page.output.progress.token.cancel()  # the user presses 取消 after the first one
        return result

    monkeypatch.setattr(printing, "record_print", record_then_cancel)
    for n, doc_id in enumerate(ids):
        page.select_document(doc_id, add=n > 0)
    use_printer(page, monkeypatch, tmp_path / "cancelled.pdf")
    click(qtbot, demo, page.batch_button)
    report = page.output.last_report
    assert report is not None and report.cancelled and len(report.printed) == 1
    assert sorted(r.print_count for r in rows(page)) == [1, 1, 2]


def _draft_every_kind(env) -> dict[DocumentKind, str]:  # type: ignore[no-untyped-def]
    """A draft of each kind from its sample record, and a second 督办单 and 移送书."""
    uow, ids = env.context.uow, {}
    for kind in DocumentKind:
        source = sample_source(uow(), kind)
        assert source is not None, kind
        ids[kind] = docs.create_draft(uow(), actor=CLERK, kind=kind, source_id=source).row.id
    for kind in (DocumentKind.SUPERVISION, DocumentKind.HANDOVER):
        other = next(c.id for c in source_choices(uow(), kind)
                     if c.id != sample_source(uow(), kind))
        docs.create_draft(uow(), actor=CLERK, kind=kind, source_id=other)
    return ids


def _no_horizontal_scrolling(page: DocumentsPage) -> None:
    assert page.table.horizontalScrollBar().maximum() == 0
    assert page.preview.view.horizontalScrollBar().maximum() == 0  # fits to width


def test_every_kind_in_the_editor_and_the_list_fits_at_both_window_sizes(
    qtbot, demo  # type: ignore[no-untyped-def]
) -> None:
    ids = _draft_every_kind(demo)
    page = open_page(qtbot, demo, CLERK, size=(1280, 800))
    qtbot.wait(300)
    _no_horizontal_scrolling(page)
    screenshot(page, "documents-list-1280")
    titles = [row.title for row in rows(page)]
    assert len(titles) == 9 and len(set(titles)) == 9  # 督办单 and 移送书 told apart
    assert sum(title.startswith("督办单：") for title in titles) == 2
    assert sum(title.startswith("案件移送书：") for title in titles) == 2
    page.detail_tabs.setCurrentIndex(1)
    for kind, doc_id in ids.items():
        page.select_document(doc_id)
        settle(qtbot, demo)
        assert page.current is not None and page.current.row.id == doc_id
        assert page.editor.editors, kind
        for key, editor in page.editor.editors.items():
            label = page.editor.labels.get(key, "")
            assert label and any("\u4e00" <= char <= "\u9fff" for char in label), (kind, key)
            if isinstance(editor, AutoHeightTextEdit):
                lines = editor.document().documentLayout().documentSize().height()
                if lines <= editor.max_lines:  # the whole text shows, no scrolling
                    assert editor.verticalScrollBar().maximum() == 0, (kind, key, lines)
        assert "body" not in page.editor.editors or isinstance(
            page.editor.editors["body"], AutoHeightTextEdit)
    assert page.editor.values() == page.current.fields  # hidden fields kept, tables intact
    page.resize(1480, 860)
    page.select_document(ids[DocumentKind.HANDOVER])
    settle(qtbot, demo)
    qtbot.wait(200)
    _no_horizontal_scrolling(page)
    screenshot(page, "documents-editor")


def test_the_table_fields_edit_as_lines_and_come_back_as_tables(
    qtbot, demo  # type: ignore[no-untyped-def]
) -> None:
    source = sample_source(demo.context.uow(), DocumentKind.HANDOVER)
    doc = docs.create_draft(demo.context.uow(), actor=CLERK, kind=DocumentKind.HANDOVER,
                            source_id=source).row
    page = open_page(qtbot, demo, CLERK)
    page.select_document(doc.id)
    settle(qtbot, demo)
    evidence = page.editor.editors["evidence"]
    assert "｜" in evidence.toPlainText() and "[" not in evidence.toPlainText()
    evidence.setPlainText(evidence.toPlainText() + "\n现场照片｜6｜3｜原件")
    click(qtbot, demo, page.save_button)
    stored = docs.get_document(demo.context.uow(), doc.id).fields["evidence"]
    assert stored[-1] == ["现场照片", "6", "3", "原件"]


BUTTONS = {
    Permission.DOCUMENT_DRAFT: ("new_button",),
    Permission.DOCUMENT_APPROVE: ("approve_button", "send_back_button"),
    Permission.DOCUMENT_VOID: ("void_button",),
    Permission.DOCUMENT_PRINT: ("print_button", "batch_button"),
}
CASES = [(p, r) for p in BUTTONS for r in lacking(p)]


@pytest.mark.parametrize(("permission", "role"), CASES,
                         ids=[f"{p.value}-{r.value}" for p, r in CASES])
def test_commands_a_role_may_not_use_are_disabled_with_the_reason(
    qtbot, demo, permission: Permission, role: Role  # type: ignore[no-untyped-def]
) -> None:
    """Whatever is selected (a submitted and a numbered letter exist), the role's
    forbidden commands stay off, and the tooltip names the role."""
    [numbered] = _approved_letters(demo, 1)
    choice = source_choices(demo.context.uow(), DocumentKind.LETTER)[1]
    submitted = docs.create_draft(demo.context.uow(), actor=CLERK, kind=DocumentKind.LETTER,
                                  source_id=choice.id).row
    docs.submit(demo.context.uow(), actor=CLERK, document_id=submitted.id)
    page = open_page(qtbot, demo, Actor("测试", role))
    for doc_id in (submitted.id, numbered):
        page.select_document(doc_id)
        settle(qtbot, demo)
        for name in BUTTONS[permission]:
            button = getattr(page, name)
            assert not button.isEnabled(), name
            assert f"您的角色（{role.label}）无权" in button.toolTip()
