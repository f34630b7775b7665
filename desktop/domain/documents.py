"""The life of an official document and its number, as pure rules.

draft → submitted → approved (by a role allowed to approve) → numbered (the next number
of its series, in the approval's transaction) → printed (print count) → archived (the
exact PDF bytes). A submitted document can be sent back to draft; any document not yet
voided can be voided, and a voided number stays in the register with its reason.

Kinds without a number (公示牌, 花名册, 月报) stop at approved before printing. The clerk
edits the text only while the document is a draft: what the director approved is what
is printed.

The number follows GB/T 9704 §7.2.4: 代字 + series word + 〔full year〕 + sequence
without padding or 第 + 号, brackets U+3014/U+3015, e.g. 芙街函〔2026〕12号.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from desktop.domain.errors import ConflictError, ValidationError
from desktop.domain.labels import LabeledEnum


class DocumentState(LabeledEnum):
    DRAFT = ("draft", "草稿")
    SUBMITTED = ("submitted", "待审批")
    APPROVED = ("approved", "已审批")
    NUMBERED = ("numbered", "已编号")
    PRINTED = ("printed", "已打印")
    ARCHIVED = ("archived", "已归档")
    VOIDED = ("voided", "已作废")


class DocumentAction(LabeledEnum):
    EDIT = ("edit", "修改")
    SUBMIT = ("submit", "提交审批")
    SEND_BACK = ("send_back", "退回修改")
    APPROVE = ("approve", "审批")
    NUMBER = ("number", "取号")
    PRINT = ("print", "打印")
    ARCHIVE = ("archive", "归档")
    VOID = ("void", "作废")


S, A = DocumentState, DocumentAction
_PRINTABLE = frozenset({S.NUMBERED, S.PRINTED, S.ARCHIVED})

# (state, action) → next state. PRINT from an approved state only for unnumbered kinds
# (checked in ``next_state``); a numbered kind is numbered in the approval itself.
TRANSITIONS: dict[tuple[DocumentState, DocumentAction], DocumentState] = {
    (S.DRAFT, A.EDIT): S.DRAFT,
    (S.DRAFT, A.SUBMIT): S.SUBMITTED,
    (S.SUBMITTED, A.SEND_BACK): S.DRAFT,
    (S.SUBMITTED, A.APPROVE): S.APPROVED,
    (S.APPROVED, A.NUMBER): S.NUMBERED,
    (S.APPROVED, A.PRINT): S.PRINTED,
    (S.NUMBERED, A.PRINT): S.PRINTED,
    (S.PRINTED, A.PRINT): S.PRINTED,
    (S.ARCHIVED, A.PRINT): S.ARCHIVED,  # a reprint: the same bytes, one more copy
    (S.PRINTED, A.ARCHIVE): S.ARCHIVED,
    **{(state, A.VOID): S.VOIDED for state in S if state is not S.VOIDED},
}

_WHAT_TO_DO: dict[DocumentState, str] = {
    S.DRAFT: "请先提交审批。",
    S.SUBMITTED: "请等待执法办主任审批，或由主任退回修改。",
    S.APPROVED: "该公文已审批，不能再修改；如需改动，请作废后重新起草。",
    S.NUMBERED: "该公文已编号，不能再修改；如需改动，请作废后重新起草。",
    S.PRINTED: "该公文已打印，不能再修改；如需改动，请作废后重新起草。",
    S.ARCHIVED: "该公文已归档，只能重印；如需改动，请作废后重新起草。",
    S.VOIDED: "该公文已作废，请重新起草一份。",
}


def next_state(state: DocumentState, action: DocumentAction, *,
               numbered_kind: bool = True) -> DocumentState:
    """The state after ``action``, or a Chinese refusal saying what can be done instead."""
    target = TRANSITIONS.get((state, action))
    if target is not None and action is A.PRINT and state is S.APPROVED and numbered_kind:
        target = None  # a numbered kind cannot go out without its number
    if target is None:
        raise ConflictError(f"公文当前为“{state.label}”，不能{action.label}。{_WHAT_TO_DO[state]}")
    return target


def after_approval(numbered_kind: bool) -> DocumentState:
    """Where an approval ends: numbered kinds take their number in the same step."""
    state = next_state(S.SUBMITTED, A.APPROVE)
    return next_state(state, A.NUMBER) if numbered_kind else state


def can(state: DocumentState, action: DocumentAction, *, numbered_kind: bool = True) -> bool:
    """Whether ``action`` is possible now (the page enables its buttons with this)."""
    try:
        next_state(state, action, numbered_kind=numbered_kind)
    except ConflictError:
        return False
    return True


def is_printable(state: DocumentState, numbered_kind: bool) -> bool:
    return state in _PRINTABLE or (state is S.APPROVED and not numbered_kind)


# --- numbers --------------------------------------------------------------------------

NUMBER_PATTERN = re.compile(r"^(?P<prefix>.+?)(?P<word>[^〔〕\d]?)〔(?P<year>\d{4})〕(?P<seq>[1-9]\d*)号$")


@dataclass(frozen=True)
class DocNumber:
    prefix: str  # 代字, e.g. 芙街
    word: str  # 函 / 移 / 督 / 通
    year: int
    seq: int

    def __str__(self) -> str:
        return format_number(self.prefix, self.word, self.year, self.seq)


def format_number(prefix: str, word: str, year: int, seq: int) -> str:
    """``芙街函〔2026〕12号``: no padding, no 第, the brackets U+3014/U+3015."""
    if seq < 1:
        raise ValueError(f"sequence must start at 1, not {seq}")
    return f"{prefix}{word}〔{year}〕{seq}号"


def parse_number(text: str, word: str = "") -> DocNumber:
    """Read a number back (the register and the tests use it); refuses padding and 第."""
    match = NUMBER_PATTERN.match(text.strip())
    if match is None:
        raise ValidationError("发文字号", f"“{text}”不是“代字〔年份〕序号号”的格式，如 芙街函〔2026〕12号。")
    prefix, found = match["prefix"], match["word"]
    if word and found != word and prefix.endswith(word):  # the word was taken into the prefix
        prefix, found = prefix[: -len(word)], word
    return DocNumber(prefix, found, int(match["year"]), int(match["seq"]))


def check_void_reason(reason: str) -> str:
    reason = reason.strip()
    if len(reason) < 2:
        raise ValidationError("作废原因", "请写明作废原因（至少 2 个字），登记簿会保留这个编号和原因。")
    if len(reason) > 200:
        raise ValidationError("作废原因", f"不能超过 200 个字（现为 {len(reason)} 个）。")
    return reason
