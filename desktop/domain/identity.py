"""Resident identity numbers (居民身份证号码, GB 11643-1999).

An 18-character number: 6-digit region code (GB/T 2260, the place of first registration,
which may be an old code no longer in use), 8-digit birth date YYYYMMDD, 3-digit
sequence (odd for men, even for women) and a check character computed with ISO 7064
MOD 11-2. The check character is a digit or ``X`` (standing for 10).

Lowercase ``x``: people and spreadsheets often type the check character as ``x``.
``normalize_id_number`` accepts it and returns the number with an uppercase ``X``; stored
and compared numbers are always uppercase. ``gb11643_check_digit`` always returns ``"X"``,
never ``"x"``.

The roster stores these numbers; lists and prints mask them (``privacy.mask_id_number``).
"""

from __future__ import annotations

import re
from datetime import date

from desktop.domain.errors import ValidationError
from desktop.domain.grids import PROVINCE_PREFIXES

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)  # 2^(17-i) mod 11
_CHECK_CHARS = "10X98765432"  # indexed by (weighted sum mod 11)
_SHAPE = re.compile(r"^\d{17}[\dX]$")
_FIELD = "身份证号码"
_FOLD = str.maketrans("０１２３４５６７８９ｘＸ", "0123456789XX")  # full-width digits, x


def gb11643_check_digit(first17: str) -> str:
    """The check character (``"0"``–``"9"`` or uppercase ``"X"``) for 17 digits."""
    if len(first17) != 17 or not first17.isdigit() or not first17.isascii():
        raise ValueError(f"need exactly 17 ASCII digits, got {first17!r}")
    total = sum(int(digit) * weight for digit, weight in zip(first17, _WEIGHTS, strict=True))
    return _CHECK_CHARS[total % 11]


def birth_date_of(id_number: str) -> date:
    """The birth date in an 18-character number (raises ValueError when impossible)."""
    text = id_number[6:14]
    return date(int(text[:4]), int(text[4:6]), int(text[6:8]))


def normalize_id_number(raw: str, *, today: date | None = None) -> str:
    """Check an ID number and return it stripped, full-width digits folded, ``x`` → ``X``.

    Refuses, with a message that says what is wrong: a wrong length, a bad province,
    an impossible or future birth date, and a wrong check character.
    """
    text = raw.strip().translate(_FOLD).upper()
    if not _SHAPE.match(text):
        raise ValidationError(_FIELD, f"应为 18 位（前 17 位为数字，末位为数字或 X），现为“{raw}”。")
    if text[:2] not in PROVINCE_PREFIXES:
        raise ValidationError(_FIELD, f"“{raw}”前两位“{text[:2]}”不是有效的省级代码，请核对。")
    try:
        born = birth_date_of(text)
    except ValueError:
        raise ValidationError(
            _FIELD, f"“{raw}”第 7–14 位“{text[6:14]}”不是有效的出生日期，请核对。"
        ) from None
    if born > (today or date.today()) or born.year < 1900:
        raise ValidationError(_FIELD, f"“{raw}”中的出生日期 {born:%Y-%m-%d} 不合理，请核对。")
    expected = gb11643_check_digit(text[:17])
    if text[17] != expected:
        raise ValidationError(
            _FIELD, f"“{raw}”校验位不符（按前 17 位应为 {expected}），可能有数字录错，请核对。"
        )
    return text


def is_valid_id_number(raw: str) -> bool:
    try:
        normalize_id_number(raw)
    except ValidationError:
        return False
    return True


def gender_of(id_number: str) -> str:
    """"男" or "女", from the parity of the 17th digit (odd = man)."""
    return "男" if int(id_number[16]) % 2 == 1 else "女"
