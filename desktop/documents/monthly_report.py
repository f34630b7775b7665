"""月度工作报告: the month's figures from the demands, in the general format with tables.

Indicators are printed with their numerators and denominators (a rate without them
cannot be checked): received, closed, closed on time / closed with a deadline,
satisfied or fairly satisfied / rated, overdue at the month's end, whistles called.
Breakdowns by kind, by source and by community are tables whose last column carries a
bar (the chart, on the grid). The narrative is one editable text; the tables are
figures, kept as drafted.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from desktop.documents import records
from desktop.documents.fields import official_text, parse_body, table_rows, text
from desktop.documents.font_roles import FontSet
from desktop.documents.general import GeneralDocument, Table, render_general
from desktop.documents.official import Level, Paragraph
from desktop.domain.deadlines import DemandKind, DemandSource
from desktop.domain.errors import ValidationError
from local_db.models import Demand, Grid, Whistle
from local_db.unit_of_work import UnitOfWork

GOOD = ("satisfied", "fairly_satisfied")
CLOSED = ("closed", "rated")
DONE = (*CLOSED, "merged", "sent_back")


@dataclass(frozen=True)
class Ratio:
    numerator: int
    denominator: int

    @property
    def text(self) -> str:
        return f"{100 * self.numerator / self.denominator:.1f}%" if self.denominator else "—"


def month_bounds(month: str) -> tuple[datetime, datetime]:
    try:
        first = date.fromisoformat(f"{month.strip()}-01")
    except ValueError as error:
        raise ValidationError("月份", f"“{month}”不是有效的月份，请写成 2026-10 的形式。") from error
    following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return datetime.combine(first, time()), datetime.combine(following, time())


def draft(uow: UnitOfWork, source_id: str) -> dict[str, Any]:
    start, end = month_bounds(source_id)
    with uow:
        issuer = records.issuer(uow)
        month = uow.session.scalars(select(Demand).where(Demand.received_at >= start,
                                                         Demand.received_at < end)).all()
        closed = uow.session.scalars(select(Demand).where(Demand.closed_at >= start,
                                                          Demand.closed_at < end)).all()
        overdue = uow.session.scalar(select(func.count()).select_from(Demand).where(
            Demand.status.not_in(DONE), Demand.received_at < end,
            Demand.deadline_at < end)) or 0
        whistles = uow.session.scalar(select(func.count()).select_from(Whistle).where(
            Whistle.called_at >= start, Whistle.called_at < end)) or 0
        communities = _communities(uow, month)
        dated = [d for d in closed if d.deadline_at is not None]
        on_time = Ratio(sum(1 for d in dated if d.closed_at <= d.deadline_at), len(dated))
        rated = [d for d in closed if d.rating]
        satisfied = Ratio(sum(1 for d in rated if d.rating in GOOD), len(rated))
        kinds = Counter(_label(DemandKind, d.kind) for d in month)
        sources = Counter(_label(DemandSource, d.source) for d in month)
    label = f"{start.year}年{start.month}月"
    indicators = [
        ["受理诉求", str(len(month)), "—", f"{len(month)}件"],
        ["办结诉求", str(len(closed)), "—", f"{len(closed)}件"],
        ["按期办结率", str(on_time.numerator), str(on_time.denominator), on_time.text],
        ["群众满意率", str(satisfied.numerator), str(satisfied.denominator), satisfied.text],
        ["月末逾期未办结", str(overdue), "—", f"{overdue}件"],
        ["吹哨次数", str(whistles), "—", f"{whistles}次"],
    ]
    return {
        "drafted_on": records.drafted_on(), "month": source_id.strip(),
        "issuing_organ": issuer.organ, "sender": issuer.organ, "recipient": "",
        "title": f"{issuer.center}{label}工作报告",
        "body": _narrative(label, len(month), len(closed), on_time, satisfied, overdue, whistles,
                           kinds, communities),
        "indicators": indicators, "by_kind": _shares(kinds), "by_source": _shares(sources),
        "by_community": _shares(communities), "contact_person": "", "contact_phone": "",
        "cc": "", "printer": issuer.center,
    }


def _label(enum: Any, code: str) -> str:
    try:
        return enum(code).label
    except ValueError:
        return code


def _communities(uow: UnitOfWork, demands: list[Demand]) -> Counter[str]:
    names = {grid.id: grid.community.name for grid in uow.session.scalars(select(Grid))
             if grid.community}
    return Counter(names.get(d.grid_id or "", "未关联网格") for d in demands)


def _shares(counter: Counter[str]) -> list[list[str]]:
    total = sum(counter.values())
    rows = sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))
    return [[name, str(count), f"{100 * count / total:.1f}%" if total else "—", ""]
            for name, count in rows]


def _narrative(label: str, received: int, closed: int, on_time: Ratio, satisfied: Ratio,
               overdue: int, whistles: int, kinds: Counter[str],
               communities: Counter[str]) -> str:
    top_kind = kinds.most_common(1)[0][0] if kinds else "—"
    top_place = communities.most_common(1)[0][0] if communities else "—"
    return "\n".join([
        f"{label}，分中心坚持“接诉即办”，依托网格化服务管理和“街道吹哨、部门报到”机制，"
        "推动群众诉求闭环办理。现将本月工作情况报告如下。",
        "一、主要指标",
        f"本月受理诉求{received}件，办结{closed}件；按期办结{on_time.numerator}件，"
        f"按期办结率{on_time.text}（{on_time.numerator}/{on_time.denominator}）；"
        f"参与评价{satisfied.denominator}件，满意和基本满意{satisfied.numerator}件，"
        f"满意率{satisfied.text}。月末逾期未办结{overdue}件，本月吹哨{whistles}次。",
        "二、诉求分布",
        f"从类别看，{top_kind}最多；从地域看，{top_place}反映较为集中。分布情况见下表。",
        "三、存在问题",
        f"部分诉求办理超期，月末仍有{overdue}件逾期未办结，个别单位退单、延期较多。",
        "四、下一步工作",
        "（一）加强督办。对逾期诉求逐件督办，压实责任单位办理责任。",
        "（二）强化源头治理。对诉求集中的区域和类别开展专项整治，减少重复诉求。",
    ])


def body_blocks(fields: dict[str, Any]) -> tuple[Paragraph | Table, ...]:
    paragraphs = parse_body(text(fields, "body"))
    tables = {
        "一、": [Table(("指标", "分子", "分母", "数值"), table_rows(fields.get("indicators"), 4),
                      (4.0, 2.0, 2.0, 2.4), caption="表1　主要指标")],
        "二、": [_share_table("表2　按诉求类别", fields.get("by_kind")),
                _share_table("表3　按诉求来源", fields.get("by_source")),
                _share_table("表4　按社区（村）", fields.get("by_community"))],
    }
    blocks: list[Paragraph | Table] = []
    pending: list[Table] = []
    for paragraph in paragraphs:
        if paragraph.level is Level.H1 and pending:
            blocks += pending
            pending = []
        blocks.append(paragraph)
        for prefix, group in tables.items():
            if paragraph.level is Level.H1 and paragraph.text.startswith(prefix):
                pending = list(group)
    return tuple(blocks + pending)


def _share_table(caption: str, value: Any) -> Table:
    rows = table_rows(value, 4)
    counts = [int(row[1]) if row[1].isdigit() else 0 for row in rows]
    top = max(counts, default=0) or 1
    return Table(("项目", "件数", "占比", "分布"), rows, (3.4, 1.6, 1.8, 4.6), caption=caption,
                 bar_column=3, bars=tuple(count / top for count in counts))


def render(fields: dict[str, Any], *, number: str | None, issued_on: date | None,
           fonts: FontSet, seal_png: Path | None) -> bytes:
    day = records.field_date(fields, issued_on)
    document = GeneralDocument(
        mark=text(fields, "issuing_organ"), number=number or "",
        text=official_text(fields, day, seal_png, paragraphs=()), blocks=body_blocks(fields),
        printer=text(fields, "printer"), printed_on=day, author=text(fields, "sender"))
    return render_general(document, fonts)


def sample_source(uow: UnitOfWork) -> str | None:
    """The last full month before the drafting day (the demo has three months)."""
    day = date.fromisoformat(records.drafted_on())
    year, month = (day.year, day.month - 1) if day.month > 1 else (day.year - 1, 12)
    return f"{year:04d}-{month:02d}"
