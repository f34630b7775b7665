"""The records a new document can be drafted from, as the 新建 dialog offers them.

Each kind names its source type (``KIND_SPECS``): the newest demands, whistles,
handovers, joint actions and the active grids come from the database; the monthly
report is drafted for a month, the roster print for the whole roster or one force.
The clerk may also type an id or a printed number (受理编号, 哨号) instead.
"""

from __future__ import annotations

from sqlalchemy.exc import OperationalError

from desktop import clock
from desktop.documents.kinds import KIND_SPECS, DocumentKind
from desktop.domain.roster import Force
from desktop.services.document_rows import SourceChoice
from local_db.unit_of_work import UnitOfWork

_LETTER_SOURCES = ("demand", "whistle")  # a 函告 is drafted from a demand or a whistle


def _months(count: int = 12) -> list[SourceChoice]:
    """This month and the ones before it (the report of a month is drafted after it)."""
    year, month = clock.today().year, clock.today().month
    months = []
    for _ in range(count):
        months.append(SourceChoice(f"{year:04d}-{month:02d}", f"{year}年{month}月"))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return months


def _roster() -> list[SourceChoice]:
    return [SourceChoice("all", "全部执法人员"),
            *(SourceChoice(force.value, force.label) for force in Force)]


def source_choices(uow: UnitOfWork, kind: DocumentKind, limit: int = 200) -> list[SourceChoice]:
    """Choices for ``kind``, newest first."""
    source_type = KIND_SPECS[DocumentKind(kind)].source_type
    if source_type == "month":
        return _months()
    if source_type == "roster":
        return _roster()
    types = _LETTER_SOURCES if kind is DocumentKind.LETTER else (source_type,)
    choices: list[SourceChoice] = []
    with uow:
        for name in types:
            try:
                rows = uow.documents.source_rows(name, limit)
            except OperationalError:  # a table of a module not installed yet
                rows = []
            prefix = "吹哨 " if name == "whistle" else ""
            choices.extend(SourceChoice(key, prefix + label) for key, label in rows)
    return choices


def all_source_choices(uow: UnitOfWork) -> dict[DocumentKind, list[SourceChoice]]:
    return {kind: source_choices(uow, kind) for kind in DocumentKind}
