"""Which changes of a district work order travel as commands (desktop/sync/work_orders.py):
the first step after receipt signs for it (accept); an order the pull already shows as
recalled gets no command at all, only the street's own upserts."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from desktop.domain.actor import Actor, Role
from desktop.domain.demand_states import HandlingLevel
from desktop.domain.ids import new_id
from desktop.services import demands
from desktop.services.demand_flow import Routing
from desktop.services.subcenter import set_up_sub_center
from desktop.sync.store import apply_page
from district.workorders import new_work_order_fields
from tests.conftest import STREET
from tests.integration.sync_helpers import outbox, synced_context

OPERATOR = Actor("李坐席", Role.OPERATOR)


def _work_order(context, **district) -> str:  # type: ignore[no-untyped-def]
    record_id, received = new_id(), datetime.now().replace(microsecond=0) - timedelta(hours=1)
    fields = new_work_order_fields(
        number=f"QP{record_id[-8:]}", title="井盖缺失", content="芙蓉路 88 号井盖缺失。",
        kind="livelihood", nature="complaint", urgent=False, address="芙蓉路 88 号",
        reporter_name="", reporter_phone="", received_at=received,
        deadline_at=received + timedelta(days=5), deadline_note="") | district
    apply_page(context.engine, [{"table": "demand", "id": record_id, "version": 2,
                                 "deleted": False, "fields": fields}], "c1", 0)
    return record_id


def _triage(context, demand_id: str) -> None:  # type: ignore[no-untyped-def]
    version = demands.get_demand(context.uow(), demand_id).demand.version
    demands.triage(context.uow(), actor=OPERATOR, demand_id=demand_id,
                   expected_version=version, routing=Routing(HandlingLevel.COMMUNITY))


def test_a_recalled_order_sends_no_command_a_dispatched_one_is_signed_for(
        tmp_path: Path) -> None:
    from desktop.bootstrap import AppContext

    context: AppContext = synced_context(tmp_path)
    try:
        set_up_sub_center(context.uow(), actor=Actor("管理员", Role.SYSADMIN), **STREET)
        dispatched = _work_order(context, district_status="dispatched")
        recalled = _work_order(context, district_status="recalled", district_note="派错街道")
        _triage(context, dispatched)
        _triage(context, recalled)
        ops = [(record, op) for _table, record, op, _state in outbox(context)
               if record in (dispatched, recalled)]
        assert (dispatched, "command") in ops  # accept (签收)
        assert (recalled, "upsert") in ops  # the street's own work still travels
        assert (recalled, "command") not in ops
    finally:
        context.close()
