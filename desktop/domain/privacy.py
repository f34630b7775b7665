"""Masking of personal data (个人信息保护法): lists, exports and prints show masked values."""

from __future__ import annotations


def mask_phone(phone: str) -> str:
    """138****5678 for mobiles; other numbers keep their last 4 digits."""
    digits = phone.strip()
    if len(digits) == 11 and digits.isdigit():
        return f"{digits[:3]}****{digits[7:]}"
    if len(digits) > 4:
        return "*" * (len(digits) - 4) + digits[-4:]
    return digits


def mask_id_number(id_number: str) -> str:
    """430105********1234: region kept, birth date and sequence hidden."""
    value = id_number.strip()
    if len(value) == 18:
        return f"{value[:6]}********{value[14:]}"
    if len(value) > 4:
        return "*" * (len(value) - 4) + value[-4:]
    return value
