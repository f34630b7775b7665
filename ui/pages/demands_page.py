"""诉求与吹哨: the daily closed loop, a tab per task (see ``TabHostPage``)."""

from __future__ import annotations

from ui.pages.tab_host import TabHostPage, TabSpec

DEMAND_TABS: tuple[TabSpec, ...] = (
    ("诉求列表", "ui.pages.demand_list_tab:DemandListTab", None),
    ("受理", "ui.pages.demand_intake_tab:DemandIntakeTab", None),
    ("督办", "ui.pages.supervision_tab:SupervisionTab", None),
    ("吹哨", "ui.pages.whistles_tab:WhistlesTab", None),
    ("双向派单", "ui.pages.handovers_tab:HandoversTab", None),
    ("考评指标", "ui.pages.indicators_tab:IndicatorsTab", None),
)


class DemandsPage(TabHostPage):
    heading = "诉求与吹哨"
    tab_specs = DEMAND_TABS
