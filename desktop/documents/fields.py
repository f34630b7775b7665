"""The editable fields of a drafted document, as plain JSON-able values.

The clerk edits a document's text before approval in an ordinary form, so the fields
are strings wherever possible: the body is one text with a paragraph per line, whose
headings are recognised by their numbering (一、 （一） 1. （1）) the way a clerk types
them; a run-in heading (（一）依法查处。请贵局……) keeps its first sentence as the
heading and the rest in 仿宋. Lists (附件, 抄送) are one item per line. Tables and
evidence lists are lists of lists of strings.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date
from pathlib import Path
from typing import Any

from desktop.documents.official import Level, OfficialText, Paragraph, SignOff

_HEADINGS = (
    (Level.H1, re.compile(r"^[一二三四五六七八九十]+、")),
    (Level.H2, re.compile(r"^（[一二三四五六七八九十]+）")),
    (Level.H3, re.compile(r"^\d+[.．](?!\d)")),
    (Level.H4, re.compile(r"^（\d+）")),
)
_SENTENCE_END = re.compile(r"[。：！？]")

# Labels of the common fields for the editing form (kind modules add their own).
LABELS: dict[str, str] = {
    "issuing_organ": "发文机关标志",
    "recipient": "主送机关",
    "title": "标题",
    "body": "正文（每段一行；一、（一）1.（1）开头的为标题）",
    "attachments": "附件（每行一件）",
    "sender": "发文机关署名",
    "contact_person": "联系人",
    "contact_phone": "联系电话",
    "cc": "抄送（每行一个单位）",
    "drafted_on": "起草日期",
}


def parse_body(text: str) -> tuple[Paragraph, ...]:
    """Paragraphs from the edited body text (blank lines ignored)."""
    paragraphs = []
    for raw in text.splitlines():
        line = raw.strip()
        if line:
            paragraphs.append(_paragraph(line))
    return tuple(paragraphs)


def _paragraph(line: str) -> Paragraph:
    for level, pattern in _HEADINGS:
        if pattern.match(line):
            if level is Level.H1:  # 一、 headings stand alone in 黑体
                return Paragraph(line, level)
            end = _SENTENCE_END.search(line)
            if end and end.end() < len(line):
                return Paragraph(line[:end.end()], level, line[end.end():])
            return Paragraph(line, level)
    return Paragraph(line)


def body_text(paragraphs: Iterable[Paragraph]) -> str:
    return "\n".join(p.text + p.tail for p in paragraphs)


def items(value: Any) -> tuple[str, ...]:
    """A list field: a list of strings or one string with an item per line."""
    if isinstance(value, str):
        return tuple(line.strip() for line in value.splitlines() if line.strip())
    if isinstance(value, Iterable):
        return tuple(str(v).strip() for v in value if str(v).strip())
    return ()


def text(fields: Mapping[str, Any], key: str, default: str = "") -> str:
    value = fields.get(key)
    return default if value is None else str(value).strip()


def official_text(fields: Mapping[str, Any], day: date, seal_png: Path | None, *,
                  paragraphs: tuple[Paragraph, ...] | None = None) -> OfficialText:
    """The type-area content shared by the official kinds, from the common fields."""
    person, phone = text(fields, "contact_person"), text(fields, "contact_phone")
    note = "，".join(part for part in (f"联系人：{person}" if person else "",
                                       f"联系电话：{phone}" if phone else "") if part)
    return OfficialText(
        title=text(fields, "title"), recipient=text(fields, "recipient"),
        paragraphs=parse_body(text(fields, "body")) if paragraphs is None else paragraphs,
        sign_off=SignOff(text(fields, "sender"), day, seal_png),
        attachments=items(fields.get("attachments")), note=note, cc=items(fields.get("cc")))


def table_rows(value: Any, columns: int) -> tuple[tuple[str, ...], ...]:
    """Rows of a table field, each padded or cut to ``columns`` cells."""
    rows = []
    for row in value or ():
        cells = [str(cell).strip() for cell in (row if isinstance(row, list | tuple) else [row])]
        rows.append(tuple((cells + [""] * columns)[:columns]))
    return tuple(rows)
