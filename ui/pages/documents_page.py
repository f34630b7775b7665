"""文书: the official documents of the street — the list (by kind, state and year), a
new draft filled from a record, the clerk's edits before approval, submitting,
approving (which takes the number), sending back, voiding, the preview, printing one
or many documents at true scale, saving a PDF, and the register of every number.

The page holds no rule: each command is a ``desktop`` service on the database thread,
refused in Chinese by the core when the role or the state does not allow it; the
buttons follow the same matrix and the same life (``DocumentRow.can``), with a tooltip
saying why a command is off. Rendering runs on the cpu pool; printing is in
``documents_printing``. Dialogs are opened with ``open()`` and awaited.
"""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, QSortFilterProxyModel, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.documents.kinds import DocumentKind, field_labels, record_fields
from desktop.domain.documents import DocumentAction, DocumentState
from desktop.domain.permissions import allowed
from desktop.services import documents as docs
from desktop.services.document_output import preview_job, render_job, seal_path
from desktop.services.document_rows import DocumentDetail, DocumentRow, RegisterRow
from ui.dialogs import messages
from ui.dialogs.document_dialogs import NewDocumentDialog, ReasonDialog
from ui.env import UiEnv
from ui.models.row_table import ROW_ROLE, SORT_ROLE, RowTableModel
from ui.pages.base import page_slot
from ui.pages.documents_data import listed_documents, offered_sources
from ui.pages.documents_editor import FieldEditor
from ui.pages.documents_layout import (
    COMMANDS,
    DOCUMENT_COLUMNS,
    DOCUMENT_WIDTHS,
    FONT_TIP,
    REGISTER_COLUMNS,
    REGISTER_WIDTHS,
    command_bar,
    filter_bar,
    fit_columns,
    font_note,
)
from ui.pages.documents_printing import DocumentOutput
from ui.pages.work_page import TIP_PROPERTY, WorkPage, gate, list_table, role_note_label
from ui.widgets.pdf_preview import PdfPreview

A = DocumentAction


class DocumentsPage(WorkPage):
    last_dir_key = "documents_last_dir"
    title = "文书"

    def __init__(self, env: UiEnv, parent: QWidget | None = None) -> None:
        super().__init__(env, parent)
        self.current: DocumentDetail | None = None
        self.last_error: BaseException | None = None
        self.font_note: str | None = None
        self._generation = 0
        self.model: RowTableModel[DocumentRow] = RowTableModel(DOCUMENT_COLUMNS, self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSortRole(SORT_ROLE)
        self.proxy.setSourceModel(self.model)
        self.register_model: RowTableModel[RegisterRow] = RowTableModel(REGISTER_COLUMNS, self)
        self.output = DocumentOutput(self)
        self.preview = PdfPreview(env.tasks)  # fits the page's width by default
        self.preview.note.setToolTip(FONT_TIP)
        self.editor = FieldEditor()
        self.role_note = role_note_label()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(8)
        layout.addLayout(self._header())
        self.tabs = QTabWidget()
        self.tabs.addTab(self._documents_tab(), "公文")
        self.tabs.addTab(self._register_tab(), "发文登记簿")
        layout.addWidget(self.tabs, 1)
        self._connect()
        self.update_commands()

    # --- building ---------------------------------------------------------------------
    def _header(self) -> QHBoxLayout:
        title = QLabel("文书")
        title.setObjectName("pageTitle")
        row = QHBoxLayout()
        row.addWidget(title)
        row.addSpacing(12)
        row.addWidget(self.role_note, 1)
        return row

    def _documents_tab(self) -> QWidget:
        self.table = list_table(self.proxy, sort_column=0, multi_select=True)
        self.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
        fit_columns(self.table, DOCUMENT_WIDTHS)
        text, _permission, tip = COMMANDS["save_button"]
        self.save_button = QPushButton(text)
        self.save_button.setProperty(TIP_PROPERTY, tip)
        editor_tab = QWidget()
        editor_layout = QVBoxLayout(editor_tab)
        editor_layout.addWidget(self.editor, 1)
        editor_layout.addWidget(self.save_button, alignment=Qt.AlignmentFlag.AlignRight)
        self.detail_tabs = QTabWidget()
        self.detail_tabs.addTab(self.preview, "预览")
        self.detail_tabs.addTab(editor_tab, "内容")
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(self.detail_tabs)
        self.splitter.setStretchFactor(0, 11)
        self.splitter.setStretchFactor(1, 9)
        self.splitter.setSizes([11000, 9000])  # 55 % for the list at any window size
        self.splitter.setChildrenCollapsible(False)
        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addLayout(command_bar(self))
        layout.addLayout(filter_bar(self))
        layout.addWidget(self.splitter, 1)
        return tab

    def _register_tab(self) -> QWidget:
        self.register_year = QComboBox()
        self.register_count = QLabel("")
        self.register_table = list_table(self.register_model, sort_column=0)
        fit_columns(self.register_table, REGISTER_WIDTHS)
        bar = QHBoxLayout()
        bar.addWidget(QLabel("年度"))
        bar.addWidget(self.register_year)
        bar.addSpacing(12)
        bar.addWidget(QLabel("每个发文字号都登记在此，作废的号码保留并注明原因，不再使用。"))
        bar.addStretch(1)
        bar.addWidget(self.register_count)
        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.register_table, 1)
        return tab

    def _connect(self) -> None:
        for combo in (self.kind_filter, self.state_filter, self.year_filter):
            combo.currentIndexChanged.connect(lambda _i: self.run(self.load_documents()))
        self.register_year.currentIndexChanged.connect(lambda _i: self.run(self.load_register()))
        self.table.selectionModel().selectionChanged.connect(lambda *_a: self._on_selection())
        self.new_button.clicked.connect(self.new_document)
        self.save_button.clicked.connect(self.save_fields)
        self.submit_button.clicked.connect(self.submit)
        self.approve_button.clicked.connect(self.approve)
        self.send_back_button.clicked.connect(self.send_back)
        self.void_button.clicked.connect(self.void)
        self.print_button.clicked.connect(self.output.print_current)
        self.batch_button.clicked.connect(self.output.print_selected)
        self.save_pdf_button.clicked.connect(self.output.save_pdf)

    # --- loading ---------------------------------------------------------------------
    async def reload(self, select: str | None = None) -> None:  # type: ignore[override]
        years = await self.env.tasks.db(docs.document_years, self.env.context.uow())
        for combo, first in ((self.year_filter, "全部年度"), (self.register_year, "全部年度")):
            kept = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(first, None)
            for year in years:
                combo.addItem(f"{year}年", year)
            combo.setCurrentIndex(max(0, combo.findData(kept)))
            combo.blockSignals(False)
        await self.load_documents(select=select)
        await self.load_register()
        self.loaded = True

    async def load_documents(self, select: str | None = None) -> None:
        keep = select or (self.current.row.id if self.current else None)
        kind, state = self.kind_filter.currentData(), self.state_filter.currentData()
        rows = await self.env.tasks.db(
            listed_documents, self.env.context.uow, kind=DocumentKind(kind) if kind else None,
            state=DocumentState(state) if state else None, year=self.year_filter.currentData())
        self.model.set_rows(rows)
        self.count_label.setText(f"共 {len(rows)} 份")
        if keep and any(row.id == keep for row in rows):
            self.select_document(keep)
        elif rows:
            self.select_document(self.proxy.index(0, 0).data(ROW_ROLE).id)
        else:
            self.current = None
            self.preview.clear("没有符合条件的公文。点“新建”从诉求、吹哨等记录起草一份。")
            self.editor.clear("")
            self.update_commands()

    async def load_register(self) -> None:
        rows = await self.env.tasks.db(docs.number_register, self.env.context.uow(),
                                       year=self.register_year.currentData())
        self.register_model.set_rows(rows)
        voided = sum(1 for row in rows if row.voided)
        self.register_count.setText(f"共 {len(rows)} 个号，其中作废 {voided} 个")

    def select_document(self, document_id: str, add: bool = False) -> None:
        for row in range(self.proxy.rowCount()):
            index = self.proxy.index(row, 0)
            if index.data(ROW_ROLE).id == document_id:
                flags = (QItemSelectionModel.SelectionFlag.Rows
                         | (QItemSelectionModel.SelectionFlag.Select if add
                            else QItemSelectionModel.SelectionFlag.ClearAndSelect))
                if not add:
                    self.table.selectionModel().setCurrentIndex(index, flags)
                self.table.selectionModel().select(index, flags)
                self.table.scrollTo(index)
                return

    def selected_rows(self) -> list[DocumentRow]:
        return [index.data(ROW_ROLE) for index in self.table.selectionModel().selectedRows()]

    def _on_selection(self) -> None:
        rows = self.selected_rows()
        current = self.table.currentIndex()
        row = current.data(ROW_ROLE) if current.isValid() else (rows[0] if rows else None)
        if row is None or (self.current and self.current.row.id == row.id
                           and self.current.row.version == row.version):
            self.update_commands()
            return
        self.run(self.show_document(row.id))

    async def show_document(self, document_id: str) -> None:
        """The detail, its field editor and its preview (rendered on the cpu pool)."""
        self._generation += 1
        generation = self._generation
        detail = await self.env.tasks.db(docs.get_document, self.env.context.uow(), document_id)
        if generation != self._generation:
            return
        self.current = detail
        row = detail.row
        editable = row.can(A.EDIT) and self._may(COMMANDS["save_button"][1])
        labels = await self.env.tasks.cpu(field_labels, row.kind)  # imports the renderer
        if generation != self._generation:
            return
        self.editor.set_fields(detail.fields, editable=editable, hint=self._editor_hint(row),
                               labels=labels, hidden=record_fields(row.kind))
        self.update_commands()
        job = await self.env.tasks.db(preview_job, self.env.context.uow(), document_id=row.id,
                                      seal_png=seal_path(self.env.context.paths))
        pdf = await self.env.tasks.cpu(render_job, job)
        if generation == self._generation:
            await self.preview.show_pdf(pdf, await self._preview_note(row))

    async def _preview_note(self, row: DocumentRow) -> str:
        """The state of what is shown (draft, archived original) and, always, which font
        roles this machine prints in a stand-in face."""
        if self.font_note is None:
            from desktop.documents.font_roles import resolve_fonts

            self.font_note = font_note(await self.env.tasks.cpu(resolve_fonts))
        if row.archived_sha256:
            state = (f"已归档原件（SHA-256 {row.archived_sha256[:16]}…），"
                     "重印与首次打印的文件完全相同。")
        elif row.approved_at:
            state = ""
        else:
            state = "草稿预览：不显示发文字号和成文日期，审批时取号。"
        return "\n".join(part for part in (state, self.font_note) if part)

    @staticmethod
    def _editor_hint(row: DocumentRow) -> str:
        if row.state is DocumentState.DRAFT:
            return "可在审批前修改公文文字；修改后点“保存修改”，预览随之更新。"
        return f"公文{row.state.label}，文字不能再修改（如需改动，请退回修改或作废后重新起草）。"

    # --- commands ------------------------------------------------------------------------
    def _may(self, permission) -> bool:  # type: ignore[no-untyped-def]
        return allowed(self.env.context.actor.role, permission)

    def update_commands(self) -> None:
        """Each button on when the selection's state and the role allow it."""
        row = self.current.row if self.current else None
        selected = self.selected_rows()
        wanted = {
            "new_button": True,
            "save_button": row is not None and row.can(A.EDIT),
            "submit_button": row is not None and row.can(A.SUBMIT),
            "approve_button": row is not None and row.can(A.APPROVE),
            "send_back_button": row is not None and row.can(A.SEND_BACK),
            "void_button": row is not None and row.can(A.VOID),
            "print_button": row is not None and row.printable,
            "batch_button": any(r.printable for r in selected),
            "save_pdf_button": row is not None,
        }
        role = self.env.context.actor.role
        for name, (_text, permission, _tip) in COMMANDS.items():
            gate(getattr(self, name), permission, role, wanted[name])
        editing = any(self._may(p) for _t, p, _tip in COMMANDS.values()
                      if p.value.startswith("document."))
        note = "" if editing else f"只读：您的角色（{role.label}）可以查看公文，不能起草、审批或打印"
        self.role_note.setText(note)
        self.role_note.setVisible(bool(note))

    def _row(self) -> DocumentRow:
        assert self.current is not None
        return self.current.row

    async def _act(self, message: str, call, **kwargs) -> bool:  # type: ignore[no-untyped-def]
        """Run a life-cycle service on the db thread; show its refusal; reload on success."""
        try:
            result = await self.env.tasks.db(call, self.env.context.uow(),
                                             actor=self.env.context.actor, **kwargs)
        except Exception as error:  # the core's Chinese refusal, shown without blocking
            self.last_error = error
            messages.show_error(self, error)
            return False
        row = getattr(result, "row", result)
        self.current = None
        await self.changed(message.format(number=row.number or "", title=row.title),
                           select=row.id)
        return True

    @page_slot
    async def new_document(self) -> None:
        choices, preferred = await self.env.tasks.db(offered_sources, self.env.context.uow)
        dialog = NewDocumentDialog(choices, self, preferred=preferred)
        if not await self.run_dialog(dialog):
            return
        await self._act("已起草「{title}」，可在“内容”中修改文字后提交审批。", docs.create_draft,
                        kind=dialog.kind, source_id=dialog.source_id)
        self.detail_tabs.setCurrentIndex(1)

    @page_slot
    async def save_fields(self) -> None:
        await self._save()

    async def _save(self) -> bool:
        row = self._row()
        try:
            fields = self.editor.values()
        except Exception as error:
            messages.show_error(self, error)
            return False
        return await self._act("已保存「{title}」的修改。", docs.update_fields, document_id=row.id,
                               expected_version=row.version, fields=fields)

    @page_slot
    async def submit(self) -> None:
        """Submits what the editor shows: unsaved edits are saved first."""
        row = self._row()
        if row.can(A.EDIT) and self.editor.is_modified() and not await self._save():
            return
        await self._act("已提交审批：「{title}」。", docs.submit, document_id=row.id)

    async def confirm(self, title: str, text: str) -> bool:
        """A yes/no question (tests replace it)."""
        return await messages.ask(self, title, text)

    @page_slot
    async def approve(self) -> None:
        row = self._row()
        what = "并按顺序取发文字号（取号后不能收回，作废也保留在登记簿）" if row.numbered_kind else ""
        if not await self.confirm("审批公文", f"审批通过「{row.title}」{what}？"):
            return
        await self._act("已审批「{title}」，发文字号 {number}。", docs.approve, document_id=row.id,
                        expected_version=row.version)

    async def ask_reason(self, title: str, prompt: str) -> str | None:
        dialog = ReasonDialog(title, prompt, self)
        return dialog.reason if await self.run_dialog(dialog) else None

    @page_slot
    async def send_back(self) -> None:
        row = self._row()
        reason = await self.ask_reason("退回修改", "请写明退回修改的原因：")
        if reason:
            await self._act("已退回「{title}」。", docs.send_back, document_id=row.id,
                            reason=reason, expected_version=row.version)

    @page_slot
    async def void(self) -> None:
        row = self._row()
        reason = await self.ask_reason(
            "作废公文", f"请写明作废「{row.title}」的原因（已取的号 {row.number or '无'} 将保留在登记簿）：")
        if reason:
            await self._act("已作废「{title}」{number}。", docs.void, document_id=row.id,
                            reason=reason, expected_version=row.version)
