"""Understanding one cell of a messy spreadsheet: full-width characters, numbers stored
as text or as floats, codes that lost their leading zeros, dates in every form.

Why so lenient: real files come from WPS and Excel on many desks, retyped and re-saved.
We accept whatever an office worker would consider "the same value" and refuse only
what is really ambiguous. Every parser returns ``None`` for an empty cell and raises
``CellError`` (a Chinese message naming the value) for one it cannot understand.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, time
from typing import TypeVar

from openpyxl.utils.datetime import from_excel

from desktop.domain.labels import LabeledEnum

E = TypeVar("E", bound=LabeledEnum)


class CellError(ValueError):
    """A cell's value cannot be understood; the message is Chinese and names the value."""


def normalize(text: str) -> str:
    """Full-width digits, letters and brackets to half-width (NFKC), spaces trimmed."""
    return unicodedata.normalize("NFKC", text).strip()


def cell_text(value: object) -> str:
    """A cell as text: ``None`` → "", 300.0 → "300", inner newlines → spaces."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d") if value.time() == time() else str(value)
    return re.sub(r"\s*[\r\n]+\s*", " ", str(value)).strip()


def header_key(text: object) -> str:
    """How a header cell is compared: no spaces or newlines, half-width, no required-mark,
    and no explanation in brackets ("面积（平方公里）" → "面积")."""
    key = re.sub(r"\s+", "", normalize(cell_text(text)))
    key = key.strip("*")
    key = re.sub(r"\([^()]*\)$", "", key)
    return key.strip("*:")


def parse_int(value: object, *, minimum: int | None = 0) -> int | None:
    """An integer from 300, 300.0, "300", "３００", "1,200"; ``None`` when empty."""
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    elif isinstance(value, float):
        raise CellError(f"应为整数，现为 {value:g}。")
    else:
        text = normalize(cell_text(value)).replace(",", "").replace("，", "")
        if not text:
            return None
        match = re.fullmatch(r"([+-]?\d+)(\.0+)?", text)
        if match is None:
            raise CellError(f"“{cell_text(value)}”不是整数。")
        number = int(match.group(1))
    if minimum is not None and number < minimum:
        raise CellError(f"不能小于 {minimum}（现为 {number}）。")
    return number


_AREA_UNITS = re.compile(r"(平方公里|平方千米|km2|km²)$", re.IGNORECASE)


def parse_float(value: object) -> float | None:
    """A non-negative decimal; a trailing unit (平方公里, km²) is tolerated."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise CellError(f"“{cell_text(value)}”不是数字。")
    if isinstance(value, int | float):
        number = float(value)
    else:
        text = _AREA_UNITS.sub("", normalize(str(value)).replace(",", "")).strip()
        if not text:
            return None
        try:
            number = float(text)
        except ValueError:
            raise CellError(f"“{cell_text(value)}”不是数字。") from None
    if number < 0 or number != number:  # negative or NaN
        raise CellError(f"不能为负数（现为 {cell_text(value)}）。")
    return number


SHORT_CODE = 3  # community codes: short enough that a lost leading zero is unambiguous


def parse_code(value: object, *, length: int) -> str | None:
    """A fixed-length digit code. A short code that Excel turned into a number lost its
    leading zeros ("1" → "001"); long codes (grid codes start with a province code, never
    0) are taken as written, so a missing digit is reported, not papered over."""
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        text = str(value)
    else:
        text = re.sub(r"[\s\-]", "", normalize(cell_text(value)))
        if not text:
            return None
        if re.search(r"\d[eE]\+?\d", text):
            raise CellError(f"“{text}”被 Excel 显示成了科学计数法，请把该列设为文本格式后重新填写完整编码。")
    if text.isdigit() and len(text) < length <= SHORT_CODE:
        text = text.zfill(length)
    if not text.isdigit() or len(text) != length:
        raise CellError(f"应为 {length} 位数字，现为“{cell_text(value)}”。")
    return text


_DATE_TEXT = re.compile(
    r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(\s+\d{1,2}:\d{2}(:\d{2})?)?"
)


def parse_date(value: object) -> date | None:
    """A date from an Excel date, an Excel serial number, or text such as 2026-11-01,
    2026/11/1, 2026.11.1, 2026年11月1日 or 20261101."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return _plausible(value.date(), value)
    if isinstance(value, date):
        return _plausible(value, value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _from_serial(value)
    text = normalize(cell_text(value))
    if not text:
        return None
    if re.fullmatch(r"\d{5}(\.\d+)?", text):
        return _from_serial(float(text))
    match = _DATE_TEXT.fullmatch(text) or re.fullmatch(r"(\d{4})(\d{2})(\d{2})", text)
    if match is None:
        raise CellError(f"“{text}”不是日期，请填写如 2026-11-01 的日期。")
    try:
        day = date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        raise CellError(f"“{text}”不是有效的日期。") from None
    return _plausible(day, text)


def _from_serial(serial: float) -> date:
    if not 1 <= serial < 2958466:
        raise CellError(f"“{cell_text(serial)}”不是有效的日期。")
    converted = from_excel(serial)
    day = converted.date() if isinstance(converted, datetime) else converted
    if not isinstance(day, date):
        raise CellError(f"“{cell_text(serial)}”不是有效的日期。")
    return _plausible(day, serial)


def _plausible(day: date, shown: object) -> date:
    if not 1949 <= day.year <= 2100:
        raise CellError(f"“{cell_text(shown)}”的年份不合理，请核对。")
    return day


def parse_choice(value: object, enum: type[E]) -> E | None:
    """A member of a labelled enum from its Chinese label (or stored code)."""
    text = cell_text(value)
    if not text:
        return None
    member = enum.from_label(text) or enum.from_label(normalize(text))
    if member is None:
        raise CellError(f"“{text}”不是可选值，应为：{'、'.join(enum.labels())}。")
    return member

