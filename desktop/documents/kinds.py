"""The kinds of official document and the one door to drafting and rendering them.

The document life (numbering, approval, printing, archive) knows documents only by
their kind, the record they were drafted from and a dict of editable text fields; this
module maps each kind to its renderer module. ``draft_fields`` fills the fields from the
records (the clerk edits them before approval); ``render`` turns the fields, the number
and the issue date into PDF bytes that are the same for the same input (reportlab's
invariant mode), which the archive relies on.

The renderer modules are imported on first use so that importing this module stays
cheap and never fails because one renderer is broken.
"""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Protocol

from desktop.documents.font_roles import FontSet
from desktop.domain.labels import LabeledEnum
from local_db.unit_of_work import UnitOfWork


class DocumentKind(LabeledEnum):
    LETTER = ("letter", "函告")
    HANDOVER = ("handover", "案件移送书")
    SUPERVISION = ("supervision", "督办单")
    ACTION_NOTICE = ("action-notice", "联合执法行动通知")
    GRID_BOARD = ("grid-board", "网格公示牌")
    ROSTER = ("roster", "执法人员花名册")
    MONTHLY_REPORT = ("monthly-report", "月度工作报告")


@dataclass(frozen=True)
class KindSpec:
    """``series_word`` is the word of the number's series (芙街函〔2026〕N号), "" when the
    kind is not numbered; ``source_type`` names the record a document is drafted from:
    demand / whistle / handover / action / grid id, a month "YYYY-MM", or for the roster
    "all" or a force code (1, X, Y)."""

    kind: DocumentKind
    numbered: bool
    series_word: str
    source_type: str


KIND_SPECS: dict[DocumentKind, KindSpec] = {
    DocumentKind.LETTER: KindSpec(DocumentKind.LETTER, True, "函", "demand"),
    DocumentKind.HANDOVER: KindSpec(DocumentKind.HANDOVER, True, "移", "handover"),
    DocumentKind.SUPERVISION: KindSpec(DocumentKind.SUPERVISION, True, "督", "demand"),
    DocumentKind.ACTION_NOTICE: KindSpec(DocumentKind.ACTION_NOTICE, True, "通", "action"),
    DocumentKind.GRID_BOARD: KindSpec(DocumentKind.GRID_BOARD, False, "", "grid"),
    DocumentKind.ROSTER: KindSpec(DocumentKind.ROSTER, False, "", "roster"),
    DocumentKind.MONTHLY_REPORT: KindSpec(DocumentKind.MONTHLY_REPORT, False, "", "month"),
}

_MODULES: dict[DocumentKind, str] = {
    DocumentKind.LETTER: "desktop.documents.letter_kind",
    DocumentKind.HANDOVER: "desktop.documents.handover",
    DocumentKind.SUPERVISION: "desktop.documents.supervision",
    DocumentKind.ACTION_NOTICE: "desktop.documents.action_notice",
    DocumentKind.GRID_BOARD: "desktop.documents.grid_board",
    DocumentKind.ROSTER: "desktop.documents.roster_kind",
    DocumentKind.MONTHLY_REPORT: "desktop.documents.monthly_report",
}


class KindModule(Protocol):
    """What every renderer module provides (module-level functions)."""

    def draft(self, uow: UnitOfWork, source_id: str) -> dict[str, Any]: ...

    def render(self, fields: dict[str, Any], *, number: str | None, issued_on: date | None,
               fonts: FontSet, seal_png: Path | None) -> bytes: ...

    def sample_source(self, uow: UnitOfWork) -> str | None: ...


def _module(kind: DocumentKind) -> KindModule:
    return importlib.import_module(_MODULES[DocumentKind(kind)])  # type: ignore[return-value]


def draft_fields(uow: UnitOfWork, kind: DocumentKind, source_id: str) -> dict[str, Any]:
    """The editable text fields of a new document of ``kind`` filled from its record
    (JSON-able: strings, numbers, lists and dicts of them). Opens ``uow`` itself.

    For a letter ``source_id`` may be a demand's or a whistle's id (or 受理编号/哨号).
    Raises NotFoundError (Chinese message) when the record does not exist.
    """
    return _module(kind).draft(uow, source_id)


def render(kind: DocumentKind, fields: dict[str, Any], *, number: str | None,
           issued_on: date | None, fonts: FontSet, seal_png: Path | None) -> bytes:
    """The document as PDF bytes (A4, fonts subset-embedded, identical for identical input).

    ``number`` is None for a draft (the number's place stays blank); ``issued_on`` None
    prints no date (draft). The seal is only printed when ``seal_png`` is given.
    """
    return _module(kind).render(fields, number=number, issued_on=issued_on, fonts=fonts,
                                seal_png=seal_png)


# --- the field editor's labels ---------------------------------------------------------

# Labels of the fields that are particular to one kind (the common ones are in
# ``fields.LABELS``, and each renderer module may name its own in a ``LABELS`` dict).
KIND_LABELS: dict[DocumentKind, dict[str, str]] = {
    DocumentKind.LETTER: {"deadline_workdays": "办结时限（工作日）", "deadline": "办结日期"},
    DocumentKind.HANDOVER: {"recipient": "接收机关", "reported_on": "报告日期",
                            "due_on": "移送期限（报告后3个工作日内）"},
    DocumentKind.SUPERVISION: {
        "recipient": "主送（责任单位）", "demand_number": "受理编号",
        "overdue_workdays": "已逾期（工作日）", "deadline_workdays": "督办时限（工作日）",
        "deadline": "督办办结日期", "legal_basis": "法律法规依据"},
    DocumentKind.ACTION_NOTICE: {"printer": "印发机关", "action_number": "行动编号"},
    DocumentKind.GRID_BOARD: {
        "street": "街道", "center": "分中心", "grid_name": "网格名称", "grid_code": "网格编码",
        "community": "所属社区（村）", "category": "网格类型", "households": "户数",
        "population": "人口", "area_km2": "面积（平方千米）", "boundary": "网格边界（坐标）"},
    DocumentKind.ROSTER: {"street": "街道", "force": "人员范围", "lines": "人员名单"},
    DocumentKind.MONTHLY_REPORT: {
        "month": "月份", "printer": "印发机关",
        "indicators": "表1　主要指标（指标｜分子｜分母｜结果，每行一项）",
        "by_kind": "表2　按诉求类别（类别｜件数｜占比｜备注）",
        "by_source": "表3　按诉求来源（来源｜件数｜占比｜备注）",
        "by_community": "表4　按社区（村）（社区｜件数｜占比｜备注）"},
}

# Fields that record where the text came from (a count of working days, a record's
# number, coordinates, the roster's lines) rather than printed wording: the editor
# keeps them unchanged and does not show them, since editing them would not change the
# printed text (the roster's lines are edited on the 执法人员 page).
RECORD_FIELDS: dict[DocumentKind, frozenset[str]] = {
    DocumentKind.LETTER: frozenset({"deadline_workdays", "deadline"}),
    DocumentKind.SUPERVISION: frozenset({"demand_number", "overdue_workdays",
                                         "deadline_workdays", "deadline"}),
    DocumentKind.ACTION_NOTICE: frozenset({"action_number"}),
    DocumentKind.GRID_BOARD: frozenset({"boundary"}),
    DocumentKind.ROSTER: frozenset({"force", "lines"}),
    DocumentKind.MONTHLY_REPORT: frozenset({"month"}),
}


def field_labels(kind: DocumentKind) -> dict[str, str]:
    """Chinese labels of every field a document of ``kind`` may have (imports the
    renderer module: call it off the GUI thread the first time)."""
    from desktop.documents import fields

    own = getattr(_module(kind), "LABELS", {})
    return {**fields.LABELS, **own, **KIND_LABELS.get(DocumentKind(kind), {})}


def record_fields(kind: DocumentKind) -> frozenset[str]:
    return RECORD_FIELDS.get(DocumentKind(kind), frozenset())


# Titles that name the form, not the matter: the list adds the matter to tell them apart.
_FORM_TITLES = frozenset({"督办单", "案件移送书"})
_QUOTED = re.compile(r"“([^”]{2,40})”")


def list_title(kind: DocumentKind, fields: dict[str, Any], source_id: str) -> str:
    """The title a list shows: the document's title, and for a form titled by its kind
    (督办单, 案件移送书) the matter and its 受理编号, e.g.
    "督办单：朝阳新村小区路灯损坏（20260924-0005）"."""
    title = str(fields.get("title") or "").replace("\n", "").strip()
    if title and title not in _FORM_TITLES and title != DocumentKind(kind).label:
        return title
    title = title or DocumentKind(kind).label
    case = str(fields.get("case") or "").strip()  # 案由 of a 案件移送书
    if case:
        return f"{title}：{case}".replace("（受理编号", "（")
    matter = _QUOTED.search(str(fields.get("matter") or ""))
    number = str(fields.get("demand_number") or "").strip()
    subject = matter.group(1) if matter else ""
    if subject or number:
        return f"{title}：{subject}" + (f"（{number}）" if number else "")
    return f"{title}（{source_id}）"


# --- samples ------------------------------------------------------------------------------

_PLACEHOLDERS = ("（主送机关）", "（接收机关）", "（责任单位）", "（请填写", "（当事人姓名或名称）")


def is_complete(draft: dict[str, Any]) -> bool:
    """No placeholder left where the records had no data (a demand without a lead unit
    or a responsibility list item drafts "（主送机关）", "（请填写法律法规依据）")."""
    texts = [value for value in draft.values() if isinstance(value, str)]
    return not any(mark in text for text in texts for mark in _PLACEHOLDERS)


def _complete_demand_ids(uow: UnitOfWork, limit: int) -> list[str]:
    """Newest demands routed to a unit other than the street's own, with a list item."""
    from sqlalchemy import select

    from local_db.models import Demand, Unit

    with uow:
        return list(uow.session.scalars(
            select(Demand.id).join(Unit, Unit.id == Demand.lead_unit_id)
            .where(Demand.responsibility_item_id.is_not(None), Unit.kind != "street_office")
            .order_by(Demand.received_at.desc(), Demand.number).limit(limit)))


def sample_source(uow: UnitOfWork, kind: DocumentKind, *, tries: int = 30) -> str | None:
    """A record in the current data to fill a sample of ``kind`` from, or None.

    The kind's own choice first; when its draft would show placeholders (no lead unit,
    no list item, no party), the newest demand with a lead unit and a list item whose
    draft is complete. When nothing is complete the kind's choice stays: placeholders
    then mark data that is genuinely missing.
    """
    kind = DocumentKind(kind)
    chosen = _module(kind).sample_source(uow)
    if chosen is None or KIND_SPECS[kind].source_type != "demand":
        return chosen
    if is_complete(draft_fields(uow, kind, chosen)):
        return chosen
    for demand_id in _complete_demand_ids(uow, tries):
        if is_complete(draft_fields(uow, kind, demand_id)):
            return demand_id
    return chosen


def preferred_source(uow: UnitOfWork, kind: DocumentKind, offered: list[str]) -> str | None:
    """Which of the ``offered`` record ids (newest first) the 新建 dialog selects: the
    kind's sample when offered, else the newest whose draft is complete, else None (the
    dialog keeps its first)."""
    kind = DocumentKind(kind)
    if not offered:
        return None
    sample = sample_source(uow, kind)
    if sample in offered:
        return sample
    if KIND_SPECS[kind].source_type != "demand":
        return None
    complete = set(_complete_demand_ids(uow, 500))
    return next((source for source in offered if source in complete), None)
