"""受理: the intake form, built for a phone call — keyboard only (Tab through the
fields, Enter or Ctrl+Enter to save), defaults that are right most of the time (source
12345热线, received now, the kind from the category), the grid picked from the
address (addresses already filed bring their grid), by name, or on the map, and the
list item proposing the units. While the operator types, possible duplicates appear
beside the form ("合并为重复件" or "仍然新建").

Saving goes through ``intake_at_desk`` on the database thread (intake, and the triage
or merge decided at the desk, in one transaction). Afterwards the form clears for the
next call and says the 受理编号.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QDateTime, Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QCompleter, QHBoxLayout, QLabel, QListWidgetItem, QVBoxLayout, QWidget

from desktop.domain.errors import DomainError, ValidationError
from desktop.domain.permissions import Permission, allowed
from desktop.services.demand_desk import DeskChoices, DeskResult, desk_choices, intake_at_desk
from desktop.services.demand_duplicates import DuplicateSuggestion, suggest_duplicates
from desktop.services.demand_flow import Routing
from desktop.services.demand_intake import IntakeInput
from desktop.services.demand_routing import propose_routing, triage_routing
from ui.dialogs import messages
from ui.dialogs.demand_map_dialog import GridMapPickDialog
from ui.env import UiEnv
from ui.pages.base import page_slot
from ui.pages.demand_intake_form import KIND_BY_MAJOR, build_duplicates, build_form
from ui.pages.work_page import WorkPage, gate, role_note_label

SUGGEST_DELAY_MS = 400


class DemandIntakeTab(WorkPage):
    title = "受理"

    def __init__(self, env: UiEnv, parent: QWidget | None = None) -> None:
        super().__init__(env, parent)
        self.choices: DeskChoices | None = None
        self.address_grids: dict[str, str] = {}
        self.proposed: Routing | None = None
        self.suggestions: list[DuplicateSuggestion] = []
        self.last_result: DeskResult | None = None
        self._suggest_generation = 0
        self.suggest_timer = QTimer(self)
        self.suggest_timer.setSingleShot(True)
        self.suggest_timer.setInterval(SUGGEST_DELAY_MS)
        self.role_note = role_note_label()
        heading = QLabel("受理新诉求")
        heading.setObjectName("sectionTitle")
        heading.setStyleSheet("font-size: 15px; font-weight: 600;")
        row = QHBoxLayout()
        row.addWidget(build_form(self), 3)
        row.addSpacing(12)
        row.addWidget(build_duplicates(self), 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.addWidget(heading)
        layout.addWidget(self.role_note)
        layout.addLayout(row, 1)
        self._connect()
        self._gate()

    def _connect(self) -> None:
        for edit in (self.title_edit, self.reporter, self.phone, self.address, self.external):
            edit.returnPressed.connect(self.save)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self, self.save,
                      context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.save_button.clicked.connect(self.save)
        self.clear_button.clicked.connect(self.reset_form)
        self.category.picked.connect(self._on_category)
        self.item.picked.connect(lambda _v: self.run(self._propose()))
        self.address.editingFinished.connect(self._grid_from_address)
        self.map_button.clicked.connect(self.pick_on_map)
        for signal in (self.title_edit.textChanged, self.content.textChanged,
                       self.address.textChanged, self.grid.picked, self.category.picked):
            signal.connect(lambda *_a: self.suggest_timer.start())
        self.suggest_timer.timeout.connect(lambda: self.run(self.suggest()))
        self.merge_button.clicked.connect(self.merge_into_selected)
        self.new_anyway_button.clicked.connect(self.dismiss_suggestions)
        self.duplicates.currentRowChanged.connect(lambda _r: self._gate())

    def _gate(self) -> None:
        role = self.env.context.actor.role
        gate(self.save_button, Permission.DEMAND_INTAKE, role)
        gate(self.merge_button, Permission.DEMAND_HANDLE, role,
             allowed(role, Permission.DEMAND_INTAKE) and self.selected_suggestion() is not None)
        self.new_anyway_button.setEnabled(bool(self.suggestions))
        note = "" if allowed(role, Permission.DEMAND_INTAKE) else \
            f"只读：您的角色（{role.label}）不能受理诉求"
        self.role_note.setText(note)
        self.role_note.setVisible(bool(note))

    # --- loading -----------------------------------------------------------------------
    async def reload(self, select: Any = None) -> None:
        self.choices = choices = await self.env.tasks.db(desk_choices, self.env.context.uow())
        self.category.set_entries([(c.path, c.id) for c in choices.categories if c.is_leaf])
        self.grid.set_entries([(f"{g.name}（{g.community_name}）", g.id) for g in choices.grids])
        self.item.set_entries([(i.label, i.id) for i in choices.items])
        self.address_grids = {address: grid_id for address, grid_id, _n in choices.addresses}
        completer = QCompleter(list(self.address_grids), self.address)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.activated.connect(lambda _text: self._grid_from_address())
        self.address.setCompleter(completer)
        if not self.loaded:
            self.reset_form()
        self.loaded = True

    # --- defaults and proposals ------------------------------------------------------------
    def _on_category(self, category_id: str | None) -> None:
        row = next((c for c in self.choices.categories if c.id == category_id), None) \
            if self.choices and category_id else None
        kind = KIND_BY_MAJOR.get(row.parent_name) if row else None
        if row is not None:
            self.kind.setCurrentIndex(self.kind.findData(kind or self.kind.itemData(2)))

    def _grid_from_address(self) -> None:
        grid_id = self.address_grids.get(self.address.text().strip())
        if grid_id and self.grid.value() is None:
            self.grid.set_value(grid_id)

    async def _propose(self) -> None:
        item_id = self.item.value()
        self.proposed = None
        if item_id is None:
            self.proposal.setText("")
            return
        context = self.env.context

        def read() -> tuple[Routing, Any]:
            proposal = propose_routing(context.uow(), responsibility_item_id=item_id)
            with context.uow() as uow:
                return triage_routing(uow, proposal), proposal

        routing, proposal = await self.env.tasks.db(read)
        if self.item.value() != item_id:
            return
        self.proposed = routing
        names = {u.id: u.name for u in self.choices.units} if self.choices else {}
        lead = names.get(routing.lead_unit_id or "", proposal.item.lead_unit or "—")
        helpers = "、".join(names.get(u, "") for u in routing.cooperating_unit_ids) or "—"
        text = f"清单建议：主责 {lead}；配合 {helpers}"
        if proposal.unmatched:
            text += f"（名录中未找到：{'、'.join(proposal.unmatched)}）"
        self.proposal.setText(text)
        self.level.setCurrentIndex(self.level.findData(routing.handling_level))

    @page_slot
    async def pick_on_map(self) -> None:
        names = {g.id: g.name for g in self.choices.grids} if self.choices else {}
        dialog = GridMapPickDialog(self.env, names, self)
        await dialog.load()
        if await self.run_dialog(dialog) and dialog.grid_id:
            self.grid.set_value(dialog.grid_id)

    # --- duplicates --------------------------------------------------------------------
    def _suggest_text(self) -> str:
        return " ".join((self.title_edit.text(), self.address.text(),
                         self.content.toPlainText()[:200]))

    async def suggest(self) -> None:
        self._suggest_generation += 1
        generation = self._suggest_generation
        grid_id, category_id, text = self.grid.value(), self.category.value(), self._suggest_text()
        if not grid_id and len(text.strip()) < 3:
            self.show_suggestions([])
            return
        found = await self.env.tasks.db(suggest_duplicates, self.env.context.uow(),
                                        grid_id=grid_id, category_id=category_id, text=text,
                                        received_at=self.received.dateTime().toPython())
        if generation == self._suggest_generation:
            self.show_suggestions(found)

    def show_suggestions(self, found: list[DuplicateSuggestion]) -> None:
        self.suggestions = list(found)
        self.duplicates.clear()
        for suggestion in found:
            item = QListWidgetItem(suggestion.text)
            item.setToolTip(f"{suggestion.title}\n{suggestion.address}")
            self.duplicates.addItem(item)
        if found:
            self.duplicates.setCurrentRow(0)
        self.duplicates_hint.setText(
            f"发现 {len(found)} 件可能重复的诉求：是同一件事请选中后“合并为重复件”，否则“仍然新建”。"
            if found else "未发现可能重复的诉求。")
        self._gate()

    def selected_suggestion(self) -> DuplicateSuggestion | None:
        row = self.duplicates.currentRow()
        return self.suggestions[row] if 0 <= row < len(self.suggestions) else None

    def dismiss_suggestions(self) -> None:
        self.show_suggestions([])
        self.duplicates_hint.setText("已忽略重复提示，将作为新诉求保存。")
        self.title_edit.setFocus()

    @page_slot
    async def merge_into_selected(self) -> None:
        chosen = self.selected_suggestion()
        if chosen is not None:
            await self._save(merge_into_id=chosen.id)

    # --- saving ------------------------------------------------------------------------
    def intake_input(self) -> IntakeInput:
        return IntakeInput(
            self.title_edit.text(), self.content.toPlainText(), self.kind.currentData(),
            self.source.currentData(), self.nature.currentData(), urgent=self.urgent.isChecked(),
            category_id=self.category.value(), reporter_name=self.reporter.text(),
            reporter_phone=self.phone.text(), address=self.address.text(),
            grid_id=self.grid.value(), external_number=self.external.text() or None,
            received_at=None if self.received.dateTime() == self._received_default
            else self.received.dateTime().toPython().replace(second=0, microsecond=0))

    def routing(self) -> Routing | None:
        level = self.level.currentData()
        if level is None:
            return None
        base = self.proposed
        return Routing(level, base.lead_unit_id if base else None,
                       base.cooperating_unit_ids if base else (), self.category.value(),
                       self.item.value())

    @page_slot
    async def save(self) -> None:
        await self._save()

    async def _save(self, merge_into_id: str | None = None) -> None:
        if not self.save_button.isEnabled():
            return
        self.category.resolve()
        self.grid.resolve()
        self.item.resolve()
        self.error_label.hide()
        if self.category.value() is None:
            self._refuse(ValidationError("诉求分类", "请选择诉求分类（小类），可输入名称的一部分查找。"))
            return
        context = self.env.context
        try:
            data, routing = self.intake_input(), self.routing()
            result = await self.env.tasks.db(intake_at_desk, context.uow(), actor=context.actor,
                                             data=data, routing=routing,
                                             merge_into_id=merge_into_id)
        except ValidationError as error:
            self._refuse(error)
            return
        except DomainError as error:
            messages.show_error(self, error)
            return
        self.last_result = result
        self.reset_form()
        self.result_label.setText(result.message)
        self.status_message.emit(result.message)
        self.data_changed.emit()

    def _refuse(self, error: ValidationError) -> None:
        self.error_label.setText(error.message)
        self.error_label.show()
        widget = {"标题": self.title_edit, "诉求内容": self.content, "联系电话": self.phone,
                  "诉求人": self.reporter, "地址": self.address, "所属网格": self.grid,
                  "诉求分类": self.category, "受理时间": self.received, "主责单位": self.item,
                  "清单事项": self.item, "区级工单号": self.external}.get(error.field)
        if widget is not None:
            widget.setFocus(Qt.FocusReason.OtherFocusReason)

    def reset_form(self) -> None:
        """Ready for the next call: defaults back, the words cleared."""
        self.source.setCurrentIndex(0)
        for picker in (self.category, self.grid, self.item):
            picker.set_value(None)
        self.kind.setCurrentIndex(2)
        self.urgent.setChecked(False)
        for edit in (self.title_edit, self.reporter, self.phone, self.address, self.external):
            edit.clear()
        self.content.clear()
        self.level.setCurrentIndex(0)
        self.proposed = None
        self.proposal.setText("")
        self._received_default = QDateTime.currentDateTime()
        self.received.setDateTime(self._received_default)
        self._received_default = self.received.dateTime()  # as the editor rounds it
        self.error_label.hide()
        self.suggest_timer.stop()
        self.show_suggestions([])
        self.duplicates_hint.setText("填写网格、分类或标题后，这里会列出近 30 天同网格同类别或内容相似的诉求。")
        self.category.setFocus(Qt.FocusReason.OtherFocusReason)
