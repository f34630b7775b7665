"""Numbers are taken in the approval's transaction, per 代字 + word + year: they never
repeat (two approvals at once, from two connections, get consecutive numbers), never
skip (a failed approval gives its number back), and a voided number stays in the
register with its reason."""

from __future__ import annotations

import sqlite3
import threading
import time
from datetime import date
from pathlib import Path

import pytest

from desktop.bootstrap import AppContext, open_context
from desktop.domain.documents import DocumentState, parse_number
from desktop.domain.errors import ConflictError, PermissionDeniedError, ValidationError
from desktop.services import audit
from desktop.services import documents as docs
from tests.integration.document_helpers import (
    CLERK,
    DIRECTOR,
    PREFIX,
    DocStreet,
    approved_letter,
    doc_street,
    draft_letter,
    submitted_letter,
)


@pytest.fixture
def street(context: AppContext) -> DocStreet:
    return doc_street(context, demands_count=6)


def _register(street: DocStreet) -> list[tuple[str, int, str | None]]:
    return [(row.number, row.seq, row.void_reason)
            for row in docs.number_register(street.context.uow())]


def test_approval_takes_the_first_number_of_the_year(street: DocStreet) -> None:
    row = submitted_letter(street)
    approved = docs.approve(street.context.uow(), actor=DIRECTOR, document_id=row.id,
                            on=date(2026, 11, 23))
    assert approved.number == f"{PREFIX}函〔2026〕1号"
    assert approved.state is DocumentState.NUMBERED
    assert (approved.year, approved.approved_by, approved.issued_on) == (
        2026, DIRECTOR.name, date(2026, 11, 23))
    assert _register(street) == [(f"{PREFIX}函〔2026〕1号", 1, None)]


def test_each_year_has_its_own_series(street: DocStreet) -> None:
    days = (date(2026, 12, 30), date(2026, 12, 31), date(2027, 1, 4))
    numbers = [docs.approve(street.context.uow(), actor=DIRECTOR,
                            document_id=submitted_letter(street, n).id, on=day).number
               for n, day in enumerate(days)]
    assert numbers == [f"{PREFIX}函〔2026〕1号", f"{PREFIX}函〔2026〕2号", f"{PREFIX}函〔2027〕1号"]


def _approve_in_thread(root: Path, document_id: str, results: dict[str, str],
                       errors: list[BaseException], start: threading.Barrier) -> None:
    """Its own engine, hence its own SQLite connection, on the same file."""
    context = open_context(root)
    try:
        start.wait()
        row = docs.approve(context.uow(), actor=DIRECTOR, document_id=document_id)
        results[document_id] = row.number or ""
    except BaseException as error:  # reported to the test thread
        errors.append(error)
    finally:
        context.close()


def test_two_approvals_at_once_get_consecutive_numbers(
    street: DocStreet, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The series is read, then advanced 0.2 s later: without the write lock taken first
    both approvals would read the same next number."""
    real_take = docs.take_number

    def slow_take(*args, **kwargs):  # type: ignore[no-untyped-def]
        number = real_take(*args, **kwargs)
        time.sleep(0.2)  # hold the transaction open while the other approval tries
        return number

    monkeypatch.setattr(docs, "take_number", slow_take)
    ids = [submitted_letter(street, n).id for n in range(2)]
    results: dict[str, str] = {}
    errors: list[BaseException] = []
    start = threading.Barrier(2)
    threads = [threading.Thread(target=_approve_in_thread,
                                args=(street.context.paths.root, doc_id, results, errors, start))
               for doc_id in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert sorted(parse_number(n).seq for n in results.values()) == [1, 2]
    assert [seq for _n, seq, _r in _register(street)] == [1, 2]


def test_many_approvals_from_many_threads_never_repeat_or_skip(street: DocStreet) -> None:
    ids = [submitted_letter(street, n).id for n in range(6)]
    results: dict[str, str] = {}
    errors: list[BaseException] = []
    start = threading.Barrier(len(ids))
    threads = [threading.Thread(target=_approve_in_thread,
                                args=(street.context.paths.root, doc_id, results, errors, start))
               for doc_id in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert sorted(parse_number(n).seq for n in results.values()) == [1, 2, 3, 4, 5, 6]
    for doc_id, number in results.items():  # each document holds the number it was given
        assert docs.get_document(street.context.uow(), doc_id).row.number == number


def test_a_failed_approval_gives_its_number_back(
    street: DocStreet, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = submitted_letter(street, 0)

    def broken_audit(*_args, **_kwargs):  # type: ignore[no-untyped-def]
        raise sqlite3.OperationalError("disk I/O error")  # after the number was taken

    monkeypatch.setattr(audit, "record", broken_audit)
    with pytest.raises(sqlite3.OperationalError):
        docs.approve(street.context.uow(), actor=DIRECTOR, document_id=first.id)
    monkeypatch.undo()

    after = docs.get_document(street.context.uow(), first.id).row
    assert (after.state, after.number) == (DocumentState.SUBMITTED, None)
    assert _register(street) == []
    again = docs.approve(street.context.uow(), actor=DIRECTOR, document_id=first.id)
    assert again.number == f"{PREFIX}函〔{again.year}〕1号"  # not 2号: nothing was skipped


def test_voiding_keeps_the_number_with_its_reason(street: DocStreet) -> None:
    voided_row = approved_letter(street, 0)
    voided = docs.void(street.context.uow(), actor=DIRECTOR, document_id=voided_row.id,
                       reason="主送机关写错")
    assert (voided.state, voided.number, voided.void_reason) == (
        DocumentState.VOIDED, voided_row.number, "主送机关写错")
    second = approved_letter(street, 1)
    year = second.year
    assert second.number == f"{PREFIX}函〔{year}〕2号"  # the voided 1号 is never given again
    assert _register(street) == [(f"{PREFIX}函〔{year}〕1号", 1, "主送机关写错"),
                                 (f"{PREFIX}函〔{year}〕2号", 2, None)]
    register = docs.number_register(street.context.uow(), year=year, word="函")
    assert [r.voided for r in register] == [True, False]
    assert register[0].state is DocumentState.VOIDED


def test_a_void_needs_a_reason_and_the_director(street: DocStreet) -> None:
    row = approved_letter(street)
    with pytest.raises(ValidationError, match="作废原因"):
        docs.void(street.context.uow(), actor=DIRECTOR, document_id=row.id, reason=" ")
    with pytest.raises(PermissionDeniedError, match="文书"):
        docs.void(street.context.uow(), actor=CLERK, document_id=row.id, reason="写错了")
    assert docs.get_document(street.context.uow(), row.id).row.state is DocumentState.NUMBERED


def test_the_clerk_cannot_approve_and_a_draft_cannot_be_approved(street: DocStreet) -> None:
    row = draft_letter(street)
    with pytest.raises(PermissionDeniedError, match="文书"):
        docs.approve(street.context.uow(), actor=CLERK, document_id=row.id)
    with pytest.raises(ConflictError, match="草稿"):
        docs.approve(street.context.uow(), actor=DIRECTOR, document_id=row.id)
    assert _register(street) == []


def test_only_a_draft_is_edited_and_the_edit_is_what_is_approved(street: DocStreet) -> None:
    row = draft_letter(street)
    detail = docs.get_document(street.context.uow(), row.id)
    fields = {**detail.fields, "title": "关于黄兴中路占道经营问题的函"}
    edited = docs.update_fields(street.context.uow(), actor=CLERK, document_id=row.id,
                                expected_version=row.version, fields=fields)
    assert edited.row.title == "关于黄兴中路占道经营问题的函"
    with pytest.raises(ConflictError, match="他人"):  # a stale page
        docs.update_fields(street.context.uow(), actor=CLERK, document_id=row.id,
                           expected_version=row.version, fields=fields)
    docs.submit(street.context.uow(), actor=CLERK, document_id=row.id)
    with pytest.raises(ConflictError, match="待审批"):
        docs.update_fields(street.context.uow(), actor=CLERK, document_id=row.id,
                           expected_version=None, fields={**fields, "title": "改"})
    sent_back = docs.send_back(street.context.uow(), actor=DIRECTOR, document_id=row.id,
                               reason="请补充法律依据")
    assert sent_back.state is DocumentState.DRAFT


def test_an_unknown_document_is_named_in_chinese(street: DocStreet) -> None:
    with pytest.raises(Exception, match="找不到公文 nope"):
        docs.get_document(street.context.uow(), "nope")
