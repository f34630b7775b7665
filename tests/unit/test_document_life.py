"""The life of a document as pure rules: legal steps, refusals in Chinese that say what
to do, and the number's format (GB/T 9704: 〔〕 U+3014/U+3015, no padding, no 第)."""

from __future__ import annotations

import pytest

from desktop.domain.documents import (
    TRANSITIONS,
    DocNumber,
    DocumentAction,
    DocumentState,
    after_approval,
    can,
    check_void_reason,
    format_number,
    is_printable,
    next_state,
    parse_number,
)
from desktop.domain.errors import ConflictError, ValidationError

S, A = DocumentState, DocumentAction

THE_LIFE = [(S.DRAFT, A.SUBMIT, S.SUBMITTED), (S.SUBMITTED, A.APPROVE, S.APPROVED),
            (S.APPROVED, A.NUMBER, S.NUMBERED), (S.NUMBERED, A.PRINT, S.PRINTED),
            (S.PRINTED, A.ARCHIVE, S.ARCHIVED), (S.ARCHIVED, A.PRINT, S.ARCHIVED)]


@pytest.mark.parametrize(("state", "action", "target"), THE_LIFE)
def test_the_life_goes_forward_one_step_at_a_time(state, action, target) -> None:  # type: ignore[no-untyped-def]
    assert next_state(state, action) is target


def test_a_numbered_kind_is_numbered_by_its_approval_and_others_stop_at_approved() -> None:
    assert after_approval(numbered_kind=True) is S.NUMBERED
    assert after_approval(numbered_kind=False) is S.APPROVED


ILLEGAL = [
    (S.DRAFT, A.APPROVE), (S.DRAFT, A.PRINT), (S.DRAFT, A.NUMBER),
    (S.SUBMITTED, A.EDIT), (S.SUBMITTED, A.SUBMIT), (S.SUBMITTED, A.PRINT),
    (S.APPROVED, A.EDIT), (S.NUMBERED, A.EDIT), (S.NUMBERED, A.APPROVE),
    (S.NUMBERED, A.NUMBER), (S.PRINTED, A.SUBMIT), (S.ARCHIVED, A.EDIT),
    (S.ARCHIVED, A.ARCHIVE), (S.VOIDED, A.PRINT), (S.VOIDED, A.VOID), (S.VOIDED, A.EDIT),
]


@pytest.mark.parametrize(("state", "action"), ILLEGAL)
def test_illegal_steps_are_refused_in_chinese(state: DocumentState, action: DocumentAction) -> None:
    with pytest.raises(ConflictError) as refused:
        next_state(state, action)
    message = refused.value.message
    assert f"公文当前为“{state.label}”，不能{action.label}" in message
    assert message.endswith("。") and "请" in message  # says what to do instead
    assert not can(state, action)


def test_a_numbered_kind_cannot_be_printed_before_its_number() -> None:
    with pytest.raises(ConflictError):
        next_state(S.APPROVED, A.PRINT, numbered_kind=True)
    assert next_state(S.APPROVED, A.PRINT, numbered_kind=False) is S.PRINTED
    assert not is_printable(S.APPROVED, numbered_kind=True)
    assert is_printable(S.APPROVED, numbered_kind=False)
    assert not is_printable(S.SUBMITTED, numbered_kind=False)


def test_only_a_draft_can_be_edited_and_every_state_but_voided_can_be_voided() -> None:
    assert [s for s in S if can(s, A.EDIT)] == [S.DRAFT]
    assert [s for s in S if not can(s, A.VOID)] == [S.VOIDED]


def test_a_submitted_document_can_be_sent_back_to_draft() -> None:
    assert next_state(S.SUBMITTED, A.SEND_BACK) is S.DRAFT
    assert not can(S.NUMBERED, A.SEND_BACK)


def test_no_transition_leads_out_of_voided() -> None:
    assert not [key for key in TRANSITIONS if key[0] is S.VOIDED]


def test_the_number_has_no_padding_and_the_standards_brackets() -> None:
    number = format_number("芙街", "函", 2026, 7)
    assert number == "芙街函\u30142026\u30157号"
    assert format_number("芙街", "函", 2026, 12) == "芙街函〔2026〕12号"
    assert "第" not in number and "07" not in number
    with pytest.raises(ValueError):
        format_number("芙街", "函", 2026, 0)


def test_a_number_reads_back_into_its_parts() -> None:
    assert parse_number("芙街函〔2026〕12号") == DocNumber("芙街", "函", 2026, 12)
    assert str(parse_number("芙街督〔2027〕1号")) == "芙街督〔2027〕1号"
    for wrong in ("芙街函〔2026〕012号", "芙街函[2026]12号", "芙街函〔2026〕第12号", "芙街函〔26〕1号"):
        with pytest.raises(ValidationError):
            parse_number(wrong)


def test_a_void_needs_a_reason() -> None:
    assert check_void_reason("  文字有误  ") == "文字有误"
    for reason in ("", " ", "错"):
        with pytest.raises(ValidationError, match="作废原因"):
            check_void_reason(reason)
