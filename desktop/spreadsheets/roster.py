"""The 花名册 (1+X+Y enforcement roster) in and out of Excel.

Import is all or nothing: the header is found wherever it is (``roster_columns``),
every row is checked with the roster services' rules (``roster_rows``), duplicates
are looked for within the file and against the database, and only a file without a
single problem is stored, in one transaction: unknown source units are added to the
directory, then the people, their certificates and the first lines of their history,
and one audit row for the file. ``preview_roster`` runs the same checks without
writing, for the page's preview step; the mapping the user chose there is passed back
to ``import_roster`` and remembered once the import succeeds.

Speed (docs/performance.md: 10,000 rows ≤ 2× a bare openpyxl read): the file is read
once in read-only mode, existing ID and certificate numbers and the unit directory are
loaded once, and the rows are inserted with bulk statements, not one ORM flush each.

Threading: blocking work for a worker thread; ``progress`` and ``cancel`` link back.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from desktop.clock import today
from desktop.domain.actor import Actor
from desktop.domain.errors import ImportRejectedError, RowError
from desktop.domain.permissions import Permission, require
from desktop.domain.privacy import mask_id_number, mask_phone
from desktop.progress import NEVER_CANCELLED, CancelToken, ProgressCallback, no_progress
from desktop.services import audit
from desktop.spreadsheets.common import (
    Errors,
    data_sheets,
    open_xlsx,
    rejected,
    sheet_values,
    tick,
)
from desktop.spreadsheets.roster_columns import (
    ALIAS_KIND,
    HEADER_SEARCH_ROWS,
    REQUIRED,
    HeaderColumn,
    HeaderLayout,
    RosterField,
    Vocabulary,
    expected_header_text,
    field_of,
    find_header,
    key_of,
)
from desktop.spreadsheets.roster_export import export_roster
from desktop.spreadsheets.roster_rows import Columns, OfficerDraft, RowReader, is_blank_or_footer
from desktop.spreadsheets.roster_store import Known, store_drafts
from local_db.unit_of_work import UnitOfWork

__all__ = ["HeaderMapping", "PreviewRow", "RosterField", "RosterImportSummary", "RosterPreview",
           "export_roster", "import_roster", "preview_roster"]

ROSTER_SHEET = "花名册"
PREVIEW_ROWS = 20
# {header text as the preview shows it: field (member, code or label), or None to skip}
HeaderMapping = Mapping[str, RosterField | str | None]


@dataclass(frozen=True)
class RosterImportSummary:
    officers_created: int
    certificates_created: int
    units_created: tuple[str, ...]
    message: str


@dataclass(frozen=True)
class PreviewRow:
    """A parsed row as the preview shows it (personal data masked)."""

    row: int
    name: str
    gender: str
    id_number_masked: str
    phone_masked: str
    unit_name: str
    force: str
    staffing_type: str
    position: str
    squad: str
    status: str
    certificates: str


@dataclass(frozen=True)
class RosterPreview:
    """What an import of ``file_name`` would do, without doing it."""

    file_name: str
    sheet_title: str
    header_row: int  # 1-based first header row; 0 when no header was found
    header_depth: int
    columns: tuple[HeaderColumn, ...]
    unknown_headers: tuple[str, ...]
    rows: tuple[PreviewRow, ...]
    total_rows: int
    errors: tuple[RowError, ...]
    notes: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def missing_required(self) -> tuple[RosterField, ...]:
        mapped = {c.field for c in self.columns}
        return tuple(f for f in REQUIRED if f not in mapped)


@dataclass
class _Analysis:
    file_name: str
    sheet_title: str = ""
    layout: HeaderLayout | None = None
    drafts: list[OfficerDraft] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    total_rows: int = 0
    new_units: list[str] = field(default_factory=list)


def _header_problems(name: str, layout: HeaderLayout | None) -> list[RowError]:
    if layout is None:
        wanted = "、".join(f"「{f.label}」" for f in REQUIRED)
        return [RowError(name, 0, "", f"前 {HEADER_SEARCH_ROWS} 行中找不到花名册的表头（应包含 {wanted} "
                                      "等列）。请检查工作表，或把表头移到前 12 行内。")]
    problems = [
        RowError(name, 0, f.label, f"表头中找不到{expected_header_text(f)}列。请在表头中补上该列，"
                                   f"或在导入预览中把对应的列指定为「{f.label}」。")
        for f in REQUIRED if f not in layout.fields
    ]
    for f, first, second in layout.duplicates():
        problems.append(RowError(
            name, 0, f.label, f"「{first.text}」（{first.letter} 列）和「{second.text}」"
                              f"（{second.letter} 列）都对应「{f.label}」，请删除多余的一列，"
                              "或在导入预览中把其中一列设为不导入。"))
    return problems


def _certificate_columns(name: str, layout: HeaderLayout,
                         rows: Sequence[Sequence[Any]]) -> list[RowError]:
    """Certificate numbers without the columns every certificate needs: one header
    error, not the same message on every row."""
    fields = layout.fields
    position = fields.get(RosterField.CERT_NUMBER)
    if position is None:
        return []
    needed = [f for f in (RosterField.CERT_AUTHORITY, RosterField.CERT_DOMAINS,
                          RosterField.CERT_UNTIL) if f not in fields]
    if not needed or not any(len(r) > position and r[position] not in (None, "")
                             for r in rows[layout.first_data_row:]):
        return []
    return [RowError(name, 0, f.label, f"文件中填写了执法证号，但表头中找不到{expected_header_text(f)}"
                                       f"列：每张执法证都须写明{f.label}。请补上该列，或在导入预览中指定对应的列。")
            for f in needed]


def _read(path: Path, vocabulary: Vocabulary, progress: ProgressCallback,
          cancel: CancelToken) -> tuple[str, HeaderLayout | None, list[tuple[Any, ...]]]:
    """The sheet with a complete header (the 花名册 sheet first), else the closest one."""
    workbook = open_xlsx(path)
    try:
        sheets = data_sheets(workbook, ROSTER_SHEET)
        if not sheets:
            raise rejected(path.name, "文件中没有工作表。")
        closest: tuple[str, HeaderLayout | None, list[tuple[Any, ...]]] | None = None
        for sheet in sheets:
            rows = sheet_values(sheet, path.name, progress, cancel)
            layout = find_header(rows, vocabulary)
            if layout is not None and layout.complete:
                return sheet.title, layout, rows
            if closest is None or (layout is not None and (
                    closest[1] is None or len(layout.fields) > len(closest[1].fields))):
                closest = (sheet.title, layout, rows)
    finally:
        workbook.close()
    assert closest is not None
    return closest


def _analyse(uow: UnitOfWork, path: Path, mapping: HeaderMapping | None,
             progress: ProgressCallback, cancel: CancelToken) -> tuple[_Analysis, Known]:
    """Read and check the whole file inside the caller's open unit of work; nothing is
    written. Header problems stop the analysis; row problems are all collected."""
    vocabulary = Vocabulary.build(uow.roster.header_aliases(ALIAS_KIND), mapping)
    sheet_title, layout, rows = _read(path, vocabulary, progress, cancel)
    analysis = _Analysis(path.name, sheet_title, layout)
    known = Known(uow)
    analysis.errors = _header_problems(path.name, layout)
    if layout is not None and not analysis.errors:
        analysis.errors = _certificate_columns(path.name, layout, rows)
    if analysis.errors or layout is None:
        return analysis, known
    errors = Errors(path.name)
    reader = RowReader(Columns(layout), errors, today())
    columns = reader.columns
    data = rows[layout.first_data_row:]
    for index, row in enumerate(data, start=1):
        tick(index, len(data), "正在检查", progress, cancel)
        cells = columns.cells(row)
        if is_blank_or_footer(cells):
            continue
        analysis.total_rows += 1
        draft = reader.read(layout.first_data_row + index, cells)
        if draft is not None and known.accept(draft, errors, columns):
            analysis.drafts.append(draft)
    if not analysis.total_rows:
        errors.add(0, "", "表头下没有可导入的人员，请填写后再导入。")
    analysis.errors = sorted(errors.items, key=lambda e: e.row)
    analysis.new_units = known.new_units
    return analysis, known


@contextmanager
def _paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while a file is checked and stored.

    The import holds some 10^5 live objects (rows, drafts); every full collection walks
    them all again, which cost a third of a 10,000-row import. Reference counting still
    frees everything as usual; only cycles wait until the end. Process-wide, so it is
    switched back on only if it was on (another import may be running in parallel:
    the worst case is a collection that runs a little early)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def preview_roster(uow: UnitOfWork, path: Path, *,
                   mapping: HeaderMapping | None = None) -> RosterPreview:
    """The header found, the column mapping, the first rows as understood and every
    problem of the file: what ``import_roster`` would do, without writing."""
    path = Path(path)
    with _paused_gc(), uow:
        analysis, _known = _analyse(uow, path, mapping, no_progress, NEVER_CANCELLED)
    layout = analysis.layout
    return RosterPreview(
        file_name=analysis.file_name, sheet_title=analysis.sheet_title,
        header_row=layout.row + 1 if layout else 0, header_depth=layout.depth if layout else 0,
        columns=layout.columns if layout else (),
        unknown_headers=tuple(layout.unknown) if layout else (),
        rows=tuple(_preview_row(d) for d in analysis.drafts[:PREVIEW_ROWS]),
        total_rows=analysis.total_rows, errors=tuple(analysis.errors),
        notes=tuple(_notes(analysis)),
    )


def _preview_row(draft: OfficerDraft) -> PreviewRow:
    v = draft.values
    certificates = "；".join(f"{c.number}（至 {c.valid_until}）" for c in draft.certificates)
    return PreviewRow(draft.row, v.name, v.gender, mask_id_number(v.id_number),
                      mask_phone(v.phone), v.unit_name, v.force.label,
                      v.staffing_type.label + ("（推定）" if draft.staffing_guessed else ""),
                      v.position, v.squad, v.status.label, certificates)


def _notes(analysis: _Analysis) -> list[str]:
    """What the import will assume, for the user to check."""
    notes = []
    if analysis.new_units:
        notes.append(f"单位名录中没有以下 {len(analysis.new_units)} 个单位，导入时将新建："
                     f"{'、'.join(analysis.new_units)}。")
    guessed = sum(d.staffing_guessed for d in analysis.drafts)
    if guessed:
        notes.append(f"{guessed} 人未填编制，已按力量类型记为“行政”（1、X）或“协管”（Y），请导入后核对。")
    starts = sum(d.start_guessed for d in analysis.drafts)
    if starts:
        notes.append(f"{starts} 张执法证未填发证日期，以导入当天（已过期的证以其到期日）作为有效期起始日。")
    return notes


def import_roster(
    uow: UnitOfWork,
    *,
    actor: Actor,
    path: Path,
    mapping: HeaderMapping | None = None,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken = NEVER_CANCELLED,
) -> RosterImportSummary:
    """Import a 花名册 xlsx, all or nothing. Needs ``ROSTER_IMPORT``.

    Raises ImportRejectedError listing every problem (file, row, column, Chinese
    message; nothing stored) or CancelledError (nothing stored). ``mapping`` is the
    user's {header text: field} from the preview, remembered when the import succeeds.
    """
    require(actor, Permission.ROSTER_IMPORT)
    path = Path(path)
    with _paused_gc(), uow:
        analysis, known = _analyse(uow, path, mapping, progress, cancel)
        if analysis.errors:
            raise ImportRejectedError(analysis.file_name, analysis.errors)
        created = store_drafts(uow, actor, analysis.drafts, known, analysis.file_name,
                               progress, cancel)
        _remember(uow, mapping)
        cancel.raise_if_cancelled()
        summary = _summary(analysis, created)
        audit.record(uow, actor, audit.AuditAction.IMPORT, entity_type="officer",
                     summary=summary.message.split("\n")[0],
                     changes={"文件": (None, analysis.file_name),
                              "新增人员": (None, summary.officers_created),
                              "新增执法证": (None, summary.certificates_created),
                              "新建单位": (None, "、".join(summary.units_created) or None)})
        uow.commit()
    progress(len(analysis.drafts), len(analysis.drafts), summary.message.split("\n")[0])
    return summary


def _remember(uow: UnitOfWork, mapping: HeaderMapping | None) -> None:
    for header, value in (mapping or {}).items():
        key = key_of(header)
        chosen = field_of(value)
        if chosen is not None and key and len(key) <= 80:
            uow.roster.remember_alias(ALIAS_KIND, key, chosen.value)


def _summary(analysis: _Analysis, certificates: int) -> RosterImportSummary:
    count = len(analysis.drafts)
    units = tuple(analysis.new_units)
    message = f"已从 {analysis.file_name} 导入 {count} 名执法人员、{certificates} 张执法证"
    message += f"，新建单位 {len(units)} 个（{'、'.join(units)}）。" if units else "。"
    notes = [n for n in _notes(analysis) if not n.startswith("单位名录")]
    if notes:
        message += "\n" + "\n".join(notes)
    return RosterImportSummary(count, certificates, units, message)
