"""``subcenter print``: a document to a file (the archived bytes once printed, a draft
rendered without number), samples of every kind from the demo street, and Chinese
refusals for an unknown id or a missing --out."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pymupdf
import pytest

from desktop.bootstrap import open_migrated_context
from desktop.cli import main
from desktop.demo import build_demo_street
from desktop.documents.kinds import DocumentKind
from desktop.services import document_output as output
from tests.integration.document_helpers import CLERK, approved_letter, doc_street, draft_letter

SAMPLE_FILES = ["letter.pdf", "handover.pdf", "supervision.pdf", "action-notice.pdf",
                "grid-board.pdf", "roster.pdf", "monthly-report.pdf"]


def test_the_sample_names_are_the_kinds() -> None:
    assert [f"{kind.value}.pdf" for kind in DocumentKind] == SAMPLE_FILES


@pytest.fixture(scope="module")
def demo_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("demo")
    context = open_migrated_context(home)
    build_demo_street(context)
    context.close()
    return home


def test_samples_of_every_kind_from_the_demo_street(
    demo_home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "样张"
    code = main(["--home", str(demo_home), "print", "--samples", str(folder)])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert sorted(p.name for p in folder.iterdir()) == sorted(SAMPLE_FILES)
    for name in SAMPLE_FILES:
        with pymupdf.open(folder / name) as document:
            assert document.page_count >= 1, name
            assert document[0].get_text().strip(), f"{name} has no text"
    assert "生成 7 份公文样张" in out
    with pymupdf.open(folder / "letter.pdf") as letter:
        assert "〔" in letter[0].get_text() and "1号" in letter[0].get_text()


def test_print_writes_the_archived_bytes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    context = open_migrated_context(tmp_path / "data")
    street = doc_street(context, demands_count=1)
    row = approved_letter(street)
    printed = output.print_document(context.uow(), actor=CLERK, document_id=row.id)
    context.close()
    target = tmp_path / "函告.pdf"
    code = main(["--home", str(tmp_path / "data"), "print", row.id, "--out", str(target)])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert target.read_bytes() == printed.pdf
    assert hashlib.sha256(target.read_bytes()).hexdigest() == printed.sha256
    assert row.number and row.number in out and "已归档原件" in out
    by_number = tmp_path / "按文号.pdf"  # the number works as well as the id
    assert main(["--home", str(tmp_path / "data"), "print", row.number, "--out",
                 str(by_number)]) == 0
    assert by_number.read_bytes() == printed.pdf


def test_print_renders_a_draft_without_number(tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    context = open_migrated_context(tmp_path / "data")
    row = draft_letter(doc_street(context, demands_count=1))
    context.close()
    target = tmp_path / "草稿.pdf"
    assert main(["--home", str(tmp_path / "data"), "print", row.id, "--out", str(target)]) == 0
    assert "草稿，未编号" in capsys.readouterr().out
    with pymupdf.open(target) as document:
        text = document[0].get_text()
    assert "〔" not in text and "函" in text


def test_unknown_id_and_missing_out_are_refused_in_chinese(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    context = open_migrated_context(tmp_path / "data")
    doc_street(context, demands_count=0)
    context.close()
    home = str(tmp_path / "data")
    assert main(["--home", home, "print", "no-such-id", "--out", str(tmp_path / "x.pdf")]) == 1
    assert "找不到公文 no-such-id" in capsys.readouterr().err
    assert main(["--home", home, "print", "no-such-id"]) == 1
    assert "请用 --out 指定输出的 PDF 文件" in capsys.readouterr().err
    assert main(["--home", home, "print"]) == 1
    assert "--samples" in capsys.readouterr().err
    assert not (tmp_path / "x.pdf").exists()
