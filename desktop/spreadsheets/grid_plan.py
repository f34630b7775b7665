"""Checks of the grid file across rows and against the database, done before anything
is written: one community per name (kind and code agreeing on every row and with the
database), unique codes and names, and the sequence every new grid will get.

Why plan first: all-or-nothing imports must report every problem at once, and the
codes users see in the error list must be the codes that would be stored.
"""

from __future__ import annotations

from dataclasses import dataclass

from desktop.domain.grids import CommunityKind, GridStatus
from desktop.services.grids import add_community
from desktop.spreadsheets.common import Errors
from desktop.spreadsheets.grid_rows import (
    C_CODE,
    C_COMMUNITY,
    C_COMMUNITY_CODE,
    C_COMMUNITY_KIND,
    C_NAME,
    GridDraft,
)
from local_db.models import Community, Grid
from local_db.unit_of_work import UnitOfWork


@dataclass
class CommunityPlan:
    """A community named in the file: an existing one, or one to create."""

    name: str
    first_row: int
    existing: Community | None = None
    kind: CommunityKind | None = None
    kind_row: int = 0  # 0: from the database
    code: str | None = None
    code_row: int = 0
    code_column: str = C_COMMUNITY_CODE


def plan_communities(uow: UnitOfWork, drafts: list[GridDraft], errors: Errors
                     ) -> dict[str, CommunityPlan]:
    stored = {community.name: community for community in uow.grids.communities()}
    plans: dict[str, CommunityPlan] = {}
    for draft in drafts:
        plan = plans.get(draft.community)
        if plan is None:
            plan = plans[draft.community] = _start(draft, stored.get(draft.community))
        if plan.existing is not None and plan.existing.retired:
            errors.add(draft.row, C_COMMUNITY, f"“{plan.name}”已撤销，不能再添加网格。")
        _agree_kind(plan, draft, errors)
        _agree_code(plan, draft, C_COMMUNITY_CODE, draft.community_code, errors)
        _agree_code(plan, draft, C_CODE, draft.code_community, errors)
    _check_new(plans, stored, errors)
    return plans


def _start(draft: GridDraft, existing: Community | None) -> CommunityPlan:
    plan = CommunityPlan(draft.community, draft.row, existing)
    if existing is not None:
        plan.kind, plan.code = CommunityKind(existing.kind), existing.code
    return plan


def _agree_kind(plan: CommunityPlan, draft: GridDraft, errors: Errors) -> None:
    kind = draft.community_kind
    if kind is None or kind is plan.kind:
        return
    if plan.kind is None:
        plan.kind, plan.kind_row = kind, draft.row
    elif plan.kind_row == 0:
        errors.add(draft.row, C_COMMUNITY_KIND,
                   f"系统中“{plan.name}”是{plan.kind.label}，与此处填写的“{kind.label}”不符。")
    else:
        errors.add(draft.row, C_COMMUNITY_KIND,
                   f"与第 {plan.kind_row} 行填写的“{plan.kind.label}”不一致，同一社区/村只能有一种类型。")


def _agree_code(plan: CommunityPlan, draft: GridDraft, column: str, code: str | None,
                errors: Errors) -> None:
    """The community code given in 社区代码, or implied by digits 10–12 of 网格编码."""
    if code is None or code == plan.code:
        return
    if plan.code is None:
        plan.code, plan.code_row, plan.code_column = code, draft.row, column
        return
    what = "第 10–12 位（社区代码）" if column == C_CODE else "社区代码"
    if plan.code_row == 0:
        where = f"系统中“{plan.name}”的社区代码 {plan.code}"
    elif plan.code_row == draft.row:
        where = f"本行「社区代码」{plan.code}"
    else:
        where = f"第 {plan.code_row} 行“{plan.name}”的社区代码 {plan.code}"
    errors.add(draft.row, column, f"{what} {code} 与{where}不符。")


def _check_new(plans: dict[str, CommunityPlan], stored: dict[str, Community],
               errors: Errors) -> None:
    """New communities need a kind and a code nobody else has; free codes are handed
    out last, in file order, so explicit codes always win."""
    taken = {community.code: community.name for community in stored.values()}
    new = [plan for plan in plans.values() if plan.existing is None]
    for plan in new:
        if plan.kind is None:
            errors.add(plan.first_row, C_COMMUNITY_KIND,
                       f"“{plan.name}”是新的社区/村，请填写社区类型（社区 或 村）。")
        if plan.code is None:
            continue
        if plan.code in taken:
            errors.add(plan.code_row, plan.code_column,
                       f"社区代码 {plan.code} 已被“{taken[plan.code]}”使用，请核对。")
        else:
            taken[plan.code] = plan.name
    for plan in new:
        if plan.code is None:
            free = next((c for c in range(1, 1000) if f"{c:03d}" not in taken), None)
            if free is None:
                errors.add(plan.first_row, C_COMMUNITY_CODE, "社区代码已用完（最多 999 个）。")
                continue
            plan.code = f"{free:03d}"
            taken[plan.code] = plan.name


def create_communities(uow: UnitOfWork, plans: dict[str, CommunityPlan]) -> dict[str, str]:
    """Insert the new communities (no commit) through ``add_community``; returns community name → id for every community of the file."""
    ids: dict[str, str] = {}
    for plan in plans.values():
        if plan.existing is not None:
            ids[plan.name] = plan.existing.id
            continue
        assert plan.kind is not None and plan.code is not None  # ensured by the plan
        community = add_community(uow, name=plan.name, kind=plan.kind, code=plan.code)
        ids[plan.name] = community.id
    return ids


def plan_grids(uow: UnitOfWork, drafts: list[GridDraft], plans: dict[str, CommunityPlan],
               errors: Errors) -> None:
    """Duplicate codes and names (in the file and against the database), then a sequence
    for every grid: explicit ones first, the free ones in file order."""
    _check_codes(uow, drafts, errors)
    _check_names(uow, drafts, plans, errors)
    used: dict[str, set[int]] = {
        name: set(uow.grids.used_seqs(plan.existing.id)) if plan.existing else set()
        for name, plan in plans.items()
    }
    for draft in drafts:
        if draft.code is not None:
            draft.seq = int(draft.code[12:])
            used[draft.community].add(draft.seq)
    for draft in drafts:
        if draft.seq is None:
            free = next((s for s in range(1, 1000) if s not in used[draft.community]), None)
            if free is None:
                errors.add(draft.row, C_CODE, f"“{draft.community}”的网格序号已用完（最多 999 个）。")
                continue
            draft.seq = free
            used[draft.community].add(free)


def _check_codes(uow: UnitOfWork, drafts: list[GridDraft], errors: Errors) -> None:
    first_row: dict[str, int] = {}
    for draft in drafts:
        if draft.code is None:
            continue
        if draft.code in first_row:
            errors.add(draft.row, C_CODE, f"网格编码 {draft.code} 与第 {first_row[draft.code]} 行重复。")
        else:
            first_row[draft.code] = draft.row
    codes = list(first_row)
    for start in range(0, len(codes), 500):
        for code, grid in uow.grids.by_codes(codes[start:start + 500]).items():
            state = "" if grid.status == GridStatus.ACTIVE else f"（{GridStatus(grid.status).label}）"
            errors.add(first_row[code], C_CODE,
                       f"网格编码 {code} 已被系统中的“{grid.community.name} {grid.name}”{state}使用。")


def _check_names(uow: UnitOfWork, drafts: list[GridDraft], plans: dict[str, CommunityPlan],
                 errors: Errors) -> None:
    stored: dict[tuple[str, str], Grid] = {
        (grid.community_id, grid.name): grid for grid in uow.grids.all()
    }
    first_row: dict[tuple[str, str], int] = {}
    for draft in drafts:
        key = (draft.community, draft.fields.name)
        if key in first_row:
            errors.add(draft.row, C_NAME, f"“{draft.community}”中已有同名网格（第 {first_row[key]} 行）。")
            continue
        first_row[key] = draft.row
        existing = plans[draft.community].existing
        grid = stored.get((existing.id, draft.fields.name)) if existing else None
        if grid is not None:
            errors.add(draft.row, C_NAME, f"系统中“{draft.community}”已有名为“{grid.name}”的网格"
                                          f"（编码 {grid.code}），如需修改请到网格页面编辑。")
