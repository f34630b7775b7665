"""Taking one action on one demand from a page: the right form for the action, the
service call on the database thread with the version the page showed, and what
happens after (the page reloads; a stale version says so and reloads too).

Shared by the 诉求列表 detail and the 督办 list, so both act through the same forms.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from desktop.domain.demand_states import DemandAction, HandlingLevel
from desktop.domain.errors import ValidationError
from desktop.services import demands
from desktop.services.demand_desk import DeskChoices, desk_choices
from desktop.services.demand_duplicates import suggest_duplicates
from desktop.services.demand_extensions import decide_extension, request_extension
from desktop.services.demand_flow import Routing
from desktop.services.demand_lists import DemandFilter, list_demands
from desktop.services.demand_routing import propose_routing, triage_routing
from desktop.services.demand_rows import DemandDetail
from desktop.services.responsibilities import RoutingProposal
from ui.dialogs import messages
from ui.dialogs.demand_action_dialogs import (
    ActionDialog,
    ExtensionDecisionDialog,
    ExtensionRequestDialog,
    MergeDialog,
    NoteDialog,
    RateDialog,
    RoutingDialog,
)

if TYPE_CHECKING:
    from ui.pages.work_page import WorkPage

A = DemandAction
Call = Callable[[ActionDialog], Awaitable[Any]]


class DemandActions:
    """Opens the form of an action for ``page`` and runs it; ``after(demand_id)`` is
    awaited once the demand changed (or turned out stale)."""

    def __init__(self, page: WorkPage, after: Callable[[str], Awaitable[None]]) -> None:
        self.page = page
        self.env = page.env
        self.after = after
        self.choices: DeskChoices | None = None

    async def _choices(self) -> DeskChoices:
        if self.choices is None:
            self.choices = await self.env.tasks.db(desk_choices, self.env.context.uow())
        return self.choices

    async def perform(self, detail: DemandDetail, action: DemandAction) -> bool:
        """Show the form, run it; True when the demand changed."""
        dialog = await self.dialog_for(detail, action)
        accepted = await self.page.run_dialog(dialog)
        if dialog.stale is not None:
            messages.show_error(self.page, dialog.stale)
            await self.after(detail.demand.id)
            return False
        if accepted:
            self.page.status_message.emit(f"诉求 {detail.demand.number} 已{action.label}")
            self.page.data_changed.emit()
            await self.after(detail.demand.id)
        return accepted

    async def dialog_for(self, detail: DemandDetail, action: DemandAction) -> ActionDialog:
        parent = self.page
        if action in (A.TRIAGE, A.DISPATCH):
            dialog: ActionDialog = RoutingDialog(self.env, detail, action, await self._choices(),
                                                 self._routing_call(detail, action), parent)
            dialog.item.currentIndexChanged.connect(
                lambda _i: self.env.tasks.spawn(self._propose(dialog)))  # type: ignore[arg-type]
            return dialog
        if action is A.RATE:
            return RateDialog(self.env, detail, self._call(detail, action), parent)
        if action is A.MERGE:
            merge = MergeDialog(self.env, detail, self._call(detail, action), parent)
            merge.show_suggestions(await self.env.tasks.db(
                suggest_duplicates, self.env.context.uow(), grid_id=detail.demand.grid_id,
                category_id=detail.demand.category_id,
                text=f"{detail.demand.title} {detail.demand.address}",
                received_at=detail.demand.received_at, exclude_id=detail.demand.id))
            return merge
        if action is A.REQUEST_EXTENSION:
            return ExtensionRequestDialog(self.env, detail, self._call(detail, action), parent)
        if action is A.DECIDE_EXTENSION:
            return ExtensionDecisionDialog(self.env, detail, self._call(detail, action), parent)
        return NoteDialog(self.env, detail, action, self._call(detail, action), parent)

    async def _propose(self, dialog: RoutingDialog) -> None:
        item_id = dialog.item.currentData()
        if item_id is None:
            dialog.proposal_label.setText("")
            return
        context, category = self.env.context, dialog.category.currentData()

        def read() -> tuple[Any, RoutingProposal]:
            proposal = propose_routing(context.uow(), responsibility_item_id=item_id)
            with context.uow() as uow:
                routing = triage_routing(uow, proposal, category_id=category)
            return routing, proposal

        routing, proposal = await self.env.tasks.db(read)
        text = f"清单建议：主责 {proposal.item.lead_unit or '—'}"
        if proposal.item.cooperating_units:
            text += f"；配合 {proposal.item.cooperating_text}"
        if proposal.unmatched:
            text += f"（单位名录中未找到：{'、'.join(proposal.unmatched)}，请手工选择）"
        dialog.apply_proposal(routing, text)

    # --- service calls (the form is read on the GUI thread, the service runs on the db one)
    def _routing_call(self, detail: DemandDetail, action: DemandAction) -> Call:
        context, demand = self.env.context, detail.demand

        def work(routing: Routing, changed: bool, note: str) -> Any:
            version = demand.version
            if action is A.TRIAGE:
                return demands.triage(context.uow(), actor=context.actor, demand_id=demand.id,
                                      expected_version=version, routing=routing, note=note)
            unit = routing.lead_unit_id
            if unit is None and HandlingLevel(routing.handling_level) is not HandlingLevel.COMMUNITY:
                raise ValidationError("承办单位", "请选择派遣的承办单位。")
            if changed:  # 派遣 with other units or another level: 研判 again first
                version = demands.triage(context.uow(), actor=context.actor,
                                         demand_id=demand.id, expected_version=version,
                                         routing=routing, note="派遣时调整").version
            return demands.dispatch(context.uow(), actor=context.actor, demand_id=demand.id,
                                    expected_version=version, unit_id=unit, note=note)

        async def call(dialog: ActionDialog) -> Any:
            assert isinstance(dialog, RoutingDialog)
            return await self.env.tasks.db(work, dialog.routing(), dialog.changed_routing(),
                                           dialog.note_text())

        return call

    def _call(self, detail: DemandDetail, action: DemandAction) -> Call:
        context, demand = self.env.context, detail.demand
        common = {"actor": context.actor, "demand_id": demand.id,
                  "expected_version": demand.version}

        async def call(dialog: ActionDialog) -> Any:
            inputs = form_inputs(dialog)
            return await self.env.tasks.db(run_action, context, detail, action, inputs, common)

        return call


def form_inputs(dialog: ActionDialog) -> dict[str, Any]:
    """What the form says, read on the GUI thread."""
    inputs: dict[str, Any] = {"note": dialog.note_text()}
    if isinstance(dialog, RateDialog):
        inputs["rating"] = dialog.rating()
    elif isinstance(dialog, MergeDialog):
        inputs["master"] = dialog.master.text().strip()
    elif isinstance(dialog, ExtensionRequestDialog):
        inputs["workdays"] = dialog.workdays.value()
    elif isinstance(dialog, ExtensionDecisionDialog):
        inputs["approve"] = dialog.approve.isChecked()
    elif isinstance(dialog, NoteDialog):
        inputs["files"] = list(dialog.files)
        inputs["satisfied"] = dialog.satisfied.currentData()
    return inputs


def run_action(context: Any, detail: DemandDetail, action: DemandAction,
               inputs: dict[str, Any], common: dict[str, Any]) -> Any:
    """The service call of ``action`` (database thread)."""
    uow, note = context.uow(), inputs["note"]
    if action is A.RATE:
        return demands.rate(uow, rating=inputs["rating"], note=note, **common)
    if action is A.MERGE:
        return demands.merge_duplicate(uow, into_id=_demand_id(context, inputs["master"]),
                                       note=note, **common)
    if action is A.REQUEST_EXTENSION:
        return request_extension(uow, workdays=inputs["workdays"], reason=note, **common)
    if action is A.DECIDE_EXTENSION:
        pending = detail.pending_extension
        if pending is None:
            raise ValidationError("审批意见", "没有待审批的延期申请，请刷新。")
        return decide_extension(uow, actor=context.actor, request_id=pending.id,
                                expected_version=detail.demand.version,
                                approve=inputs["approve"], note=note)
    return _note_action(uow, action, inputs, common, context)


def _demand_id(context: Any, number: str) -> str:
    if not number:
        raise ValidationError("并入诉求", "请填写要并入的诉求的受理编号，或在下方选择。")
    page = list_demands(context.uow(), filter=DemandFilter(text=number), page_size=20,
                        with_total=False)
    found = next((row.id for row in page.rows if row.number == number), None)
    if found is None:
        raise ValidationError("并入诉求", f"找不到受理编号为“{number}”的诉求，请核对后重试。")
    return found


def _note_action(uow: Any, action: DemandAction, inputs: dict[str, Any],
                 common: dict[str, Any], context: Any) -> Any:
    note = inputs["note"]
    simple = {A.START: demands.start_handling, A.CLOSE: demands.close,
              A.RESUME: demands.resume, A.SUPERVISE: demands.supervise}
    if action in simple:
        return simple[action](uow, note=note, **common)
    reasoned = {A.RETURN: demands.return_demand, A.SEND_BACK: demands.send_back,
                A.SUSPEND: demands.suspend, A.REOPEN: demands.reopen}
    if action in reasoned:
        return reasoned[action](uow, reason=note, **common)
    if action in (A.VERIFY, A.REJECT):
        return demands.verify(uow, passed=action is A.VERIFY, note=note, **common)
    if action is A.REPORT:
        files: list[Path] = inputs.get("files", [])
        return demands.report_result(uow, note=note, attachments=files,
                                     paths=context.paths, **common)
    if action is A.CALLBACK:
        return demands.callback(uow, note=note, satisfied=inputs.get("satisfied"), **common)
    raise ValueError(f"no form for {action}")
