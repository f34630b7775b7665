"""A district work order (区级派单) in the 诉求列表 tab: the detail shows the district's
status in plain Chinese (a recall with its reason), and a recalled order is marked in
the list. The order arrives through the real pull path (desktop.sync.store.apply_page)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from desktop.domain.ids import new_id
from desktop.sync.store import apply_page
from district.workorders import new_work_order_fields
from tests.integration.demand_helpers import build_desk
from tests.ui.conftest import screenshot
from tests.ui.demand_ui_helpers import DIRECTOR, open_tab
from ui.models.demand_list_model import RECALLED_COLOUR, RECALLED_MARK
from ui.pages.demand_list_tab import DemandListTab


def _pull_work_order(context: Any, *, title: str, received_at: datetime,
                     **district: Any) -> str:
    """One work order as the district sends it, applied like a pulled page."""
    record_id = new_id()
    fields = new_work_order_fields(
        number=f"QP{received_at:%Y%m%d%H%M%S}", title=title, content=f"{title}，请街道核实处置。",
        kind="livelihood", nature="complaint", urgent=False, address="芙蓉中路二段 88 号",
        reporter_name="张女士", reporter_phone="13800138000", received_at=received_at,
        deadline_at=received_at + timedelta(days=5), deadline_note="") | district
    apply_page(context.engine, [{"table": "demand", "id": record_id, "version": 2,
                                 "deleted": False, "fields": fields}], "c1", 0)
    return record_id


def test_a_recalled_work_order_is_marked_in_the_list_and_explained_in_the_detail(
        qtbot, ui_env) -> None:  # type: ignore[no-untyped-def]
    ui_env.context.actor = DIRECTOR
    desk = build_desk(ui_env.context)
    own = desk.intake(title="商户占道经营")
    now = datetime.now().replace(microsecond=0)
    accepted = _pull_work_order(ui_env.context, title="小区路灯不亮", received_at=now,
                                district_status="accepted",
                                accepted_at=(now + timedelta(minutes=5)).isoformat(),
                                extension_request={"workdays": 3, "reason": "需协调供电公司",
                                                   "requested_at": now.isoformat()})
    recalled = _pull_work_order(ui_env.context, title="井盖缺失", received_at=now
                                + timedelta(minutes=1),
                                district_status="recalled", district_note="派错街道")
    page = open_tab(qtbot, ui_env, DemandListTab, (1600, 900))

    rows = {row.id: (r, row) for r, row in enumerate(page.model.rows())}
    assert set(rows) == {own.id, accepted, recalled}
    title_column = 4
    index = page.model.index(rows[recalled][0], title_column)
    assert index.data() == f"{RECALLED_MARK}井盖缺失"
    assert page.model.data(index, 9).color().name() == RECALLED_COLOUR  # ForegroundRole
    assert page.model.index(rows[accepted][0], title_column).data() == "小区路灯不亮"
    assert page.model.index(rows[own.id][0], title_column).data() == "商户占道经营"

    page.table.selectRow(rows[recalled][0])
    qtbot.waitUntil(lambda: page.detail.detail is not None
                    and page.detail.detail.demand.id == recalled, timeout=5000)
    shown = page.detail.district_label
    assert shown.isVisible()
    assert shown.text().startswith("区级平台状态：已撤回（原因：派错街道）")
    assert "区级已撤回" in page.detail.heading.text()
    screenshot(page, "demands-work-order-recalled")

    page.table.selectRow(rows[accepted][0])
    qtbot.waitUntil(lambda: page.detail.detail.demand.id == accepted, timeout=5000)
    text = shown.text()
    assert text.startswith("区级平台状态：已签收")
    assert f"签收时间：{now + timedelta(minutes=5):%Y-%m-%d %H:%M}" in text
    assert "已向区级申请延期 3 个工作日：需协调供电公司" in text

    page.table.selectRow(rows[own.id][0])
    qtbot.waitUntil(lambda: page.detail.detail.demand.id == own.id, timeout=5000)
    assert not shown.isVisible()  # the street's own demand has no district status
