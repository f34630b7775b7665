"""Enums whose members carry the Chinese label shown to users.

Values stored in the database are short English codes (stable, sortable, sync-safe);
the UI, spreadsheets and documents show ``member.label``.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Self


class LabeledEnum(StrEnum):
    label: str

    def __new__(cls, value: str, label: str) -> Self:
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member

    @classmethod
    def from_label(cls, text: str) -> Self | None:
        """The member whose label (or code) is ``text``, ignoring surrounding spaces."""
        text = text.strip()
        for member in cls:
            if text in (member.label, member.value):
                return member
        return None

    @classmethod
    def labels(cls) -> list[str]:
        return [member.label for member in cls]
