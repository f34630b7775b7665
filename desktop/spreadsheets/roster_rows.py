"""One 花名册 row → a checked draft of a person and their certificates.

The cells are understood by ``roster_cells`` (ID numbers damaged by Excel, 1/X/Y, dates
in every form); the person's and the certificates' rules are the roster services' own
(``OfficerInput.validated``, ``validate_certificate``), so a row is accepted exactly
when the same values typed into the roster page would be. Every problem is recorded
against the file's row and the column as the file names it.

Rules of the file that the forms do not have:
- 编制 left empty (or no such column) is taken from the force: Y → 协管, 1/X → 行政,
  and the summary says how many were so taken, to be checked.
- A certificate without a 发证日期/有效期自 starts on the import day (or on its end
  day when that is earlier): rosters rarely carry the issue date.
- Several certificates of one person go one per line in the certificate cells
  ("湘A001⏎湘A002"), as the export writes them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from desktop.domain.errors import ValidationError
from desktop.domain.roster import Force, OfficerStatus, StaffingType
from desktop.services.certificates import CertificateValues, validate_certificate
from desktop.services.roster import OfficerInput, OfficerValues
from desktop.spreadsheets.cells import CellError, cell_text
from desktop.spreadsheets.common import Errors, bare
from desktop.spreadsheets.roster_cells import (
    cell_lines,
    clean_text,
    compact,
    id_number_text,
    parse_domains,
    parse_force,
    parse_gender,
    parse_roster_date,
    parse_staffing,
    parse_status,
    phone_text,
)
from desktop.spreadsheets.roster_columns import CERTIFICATE_FIELDS, HeaderLayout, RosterField

F = RosterField

# ValidationError.field of the services → the column it is about.
_SERVICE_FIELDS = {
    "姓名": F.NAME, "身份证号码": F.ID_NUMBER, "性别": F.GENDER, "联系电话": F.PHONE,
    "原单位": F.SOURCE_UNIT, "力量类别": F.FORCE, "编制类型": F.STAFFING, "职务": F.POSITION,
    "中队/小组": F.SQUAD, "状态": F.STATUS, "下沉开始日期": F.SECONDMENT_START,
    "下沉结束日期": F.SECONDMENT_END, "备注": F.NOTE, "执法证号": F.CERT_NUMBER,
    "发证机关": F.CERT_AUTHORITY, "执法领域": F.CERT_DOMAINS, "有效期自": F.CERT_FROM,
    "有效期至": F.CERT_UNTIL,
}
_CJK = re.compile(r"[\u4e00-\u9fff]")
_FOOTER = re.compile(r"^(填表|填报|审核|制表|负责人|单位负责人|联系人|注[:：]|说明|合计|总计|共计)")


@dataclass(frozen=True)
class OfficerDraft:
    """A row that passed every check on its own (duplicates are checked across rows)."""

    row: int
    values: OfficerValues
    certificates: tuple[CertificateValues, ...]
    staffing_guessed: bool = False
    start_guessed: int = 0  # certificates whose 有效期自 was not in the file


class Columns:
    """Where each field is in the sheet, and how the file names its column."""

    def __init__(self, layout: HeaderLayout) -> None:
        self.positions = layout.fields
        self.titles = {c.field: c.text for c in layout.columns if c.field is not None}
        self._pairs = tuple(self.positions.items())

    def title(self, field: RosterField) -> str:
        return self.titles.get(field, field.label)

    def cells(self, row: Sequence[Any]) -> dict[RosterField, Any]:
        """Field → raw value (``None`` for empty or missing cells)."""
        width = len(row)
        cells: dict[RosterField, Any] = {}
        for field, position in self._pairs:
            value = row[position] if position < width else None
            if isinstance(value, str) and not value.strip():
                value = None
            cells[field] = value
        return cells


def is_blank_or_footer(cells: dict[RosterField, Any]) -> bool:
    """Nothing to import: an empty (maybe pre-numbered) row, or a "填表人：…" line."""
    if all(value is None for value in cells.values()):
        return True
    if cells.get(F.ID_NUMBER) is not None or cells.get(F.FORCE) is not None:
        return False
    return any(isinstance(v, str) and _FOOTER.match(v.strip()) for v in cells.values())


def _name(value: Any) -> str:
    """"张  三" → "张三": Chinese names are padded with spaces to line up in Excel."""
    text = clean_text(value)
    return text.replace(" ", "") if _CJK.search(text) else text


class RowReader:
    """Turns rows into drafts, recording every problem in ``errors``."""

    def __init__(self, columns: Columns, errors: Errors, on: date) -> None:
        self.columns = columns
        self.errors = errors
        self.on = on
        # parser → {cell value: result}: a roster repeats its units, forces, dates and
        # domain lists thousands of times, and 10,000 rows must check in well under a second
        self._memo: dict[Any, dict[Any, Any]] = {}

    def _add(self, row: int, field: RosterField, message: str) -> None:
        self.errors.add(row, self.columns.title(field), message)

    def _parse(self, row: int, cells: dict[RosterField, Any], field: RosterField,
               parser: Any) -> Any:
        value = cells.get(field)
        if value is None:
            return None
        memo = self._memo.setdefault(parser, {})
        if value in memo:
            return memo[value]
        try:
            result = memo[value] = parser(value)
        except CellError as error:
            self._add(row, field, str(error))
            return None
        return result

    def _invalid(self, row: int, error: ValidationError) -> None:
        field = _SERVICE_FIELDS.get(error.field)
        if field is None:
            self.errors.add(row, error.field, bare(error))
        else:
            self._add(row, field, bare(error))

    def read(self, row: int, cells: dict[RosterField, Any]) -> OfficerDraft | None:
        """The draft of one row, or ``None`` when it has a problem (recorded)."""
        before = len(self.errors)
        id_text = self._parse(row, cells, F.ID_NUMBER, id_number_text)
        if cells.get(F.ID_NUMBER) is None:
            self._add(row, F.ID_NUMBER, "不能为空，请填写 18 位身份证号码。")
        force = self._parse(row, cells, F.FORCE, parse_force)
        if force is None and cells.get(F.FORCE) is None:
            self._add(row, F.FORCE, "不能为空，应为 1（街道综合执法队）、X（区直部门下沉）或 Y（协同力量）。")
        staffing = self._parse(row, cells, F.STAFFING, parse_staffing)
        guessed = staffing is None and cells.get(F.STAFFING) is None
        if guessed and force is not None:
            staffing = StaffingType.AUXILIARY if force is Force.COOPERATING else \
                StaffingType.CIVIL_SERVANT
        gender = self._parse(row, cells, F.GENDER, parse_gender)
        status = self._parse(row, cells, F.STATUS, parse_status) or OfficerStatus.ON_DUTY
        phone = self._parse(row, cells, F.PHONE, phone_text) or ""
        start = self._parse(row, cells, F.SECONDMENT_START, parse_roster_date)
        end = self._parse(row, cells, F.SECONDMENT_END, parse_roster_date)
        certificates = self._certificates(row, cells)
        if len(self.errors) > before or id_text is None or force is None:
            return None
        data = OfficerInput(
            _name(cells.get(F.NAME)), id_text, force, staffing, gender=gender or "",
            phone=phone,
            unit_name=self._parse(row, cells, F.SOURCE_UNIT, compact) or "",
            position=self._parse(row, cells, F.POSITION, clean_text) or "",
            squad=self._parse(row, cells, F.SQUAD, clean_text) or "",
            status=status, secondment_start=start, secondment_end=end,
            note=cell_text(cells.get(F.NOTE)),
        )
        try:
            values = data.validated(on=self.on)
        except ValidationError as error:
            self._invalid(row, error)
            return None
        if certificates is None:
            return None
        drafts, start_guessed = certificates
        return OfficerDraft(row, values, drafts, guessed, start_guessed)

    def _certificates(self, row: int, cells: dict[RosterField, Any]
                      ) -> tuple[tuple[CertificateValues, ...], int] | None:
        """The row's certificates (one per line of the 证号 cell); ``None`` on a problem."""
        raw = cells.get(F.CERT_NUMBER)
        if raw is None:
            if any(cells.get(field) is not None for field in CERTIFICATE_FIELDS):
                self._add(row, F.CERT_NUMBER, "填写了执法证的其他信息，却没有执法证号；"
                                              "请补上证号，或清空该行的执法证各列。")
                return None
            return (), 0
        if not (isinstance(raw, str) and "\n" in raw.strip()):  # one certificate: the usual
            values = self._certificate(row, compact(raw), cells)
            return None if values is None else ((values,), cells.get(F.CERT_FROM) is None)
        numbers = [compact(n) for n in cell_lines(raw)]
        parts = {field: self._lines(row, cells, field, len(numbers))
                 for field in CERTIFICATE_FIELDS[1:]}
        if any(part is None for part in parts.values()):
            return None
        found: list[CertificateValues] = []
        guessed = 0
        for index, number in enumerate(numbers):
            one = {field: lines[index] if len(lines) > 1 else (lines[0] if lines else None)
                   for field, lines in parts.items() if lines is not None}
            values = self._certificate(row, number, one)
            if values is None:
                return None
            guessed += one.get(F.CERT_FROM) is None
            found.append(values)
        return tuple(found), guessed

    def _lines(self, row: int, cells: dict[RosterField, Any], field: RosterField,
               count: int) -> list[object] | None:
        lines = cell_lines(cells.get(field))
        if len(lines) > 1 and len(lines) != count:
            self._add(row, field, f"有 {len(lines)} 行，与执法证号的 {count} 个不对应"
                                  "（一人多证时，每个证号一行，各列逐行对应）。")
            return None
        return lines

    def _certificate(self, row: int, number: str,
                     one: dict[RosterField, object]) -> CertificateValues | None:
        before = len(self.errors)
        domains = self._parse(row, one, F.CERT_DOMAINS, parse_domains)
        valid_from = self._parse(row, one, F.CERT_FROM, parse_roster_date)
        valid_until = self._parse(row, one, F.CERT_UNTIL, parse_roster_date)
        if len(self.errors) > before:
            return None
        if valid_from is None and valid_until is not None:
            valid_from = min(self.on, valid_until)
        try:
            return validate_certificate(
                number=number,
                issuing_authority=self._parse(row, one, F.CERT_AUTHORITY, clean_text) or "",
                domains=domains or (), valid_from=valid_from, valid_until=valid_until)
        except ValidationError as error:
            self._invalid(row, error)
            return None
