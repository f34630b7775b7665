"""The seal image service on real files in a real data folder: a transparent PNG is
installed (atomically, audited), images that would print badly are refused with a
Chinese message naming the file, the old seal survives every refusal and failure, only
the director may change it, and an approved document renders with the installed seal."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sqlite3
from pathlib import Path

import pymupdf
import pytest
from PIL import Image, ImageDraw

from desktop.bootstrap import AppContext
from desktop.domain.actor import Actor, Role
from desktop.domain.errors import ConflictError, DomainError, PermissionDeniedError
from desktop.services import seal as seal_service
from desktop.services.audit import verify
from desktop.services.document_output import print_document, render_pdf, seal_path
from desktop.services.seal import (
    MIN_WIDTH_PX,
    SealImageError,
    install_seal,
    remove_seal,
    seal_status,
)
from tests.integration.document_helpers import CLERK, approved_letter, doc_street, draft_letter

DIRECTOR = Actor("执法办刘主任", Role.DIRECTOR)
RED = (230, 0, 0, 255)


def round_seal(path: Path, pixels: int = 600, *, background: tuple[int, ...] = (0, 0, 0, 0),
               mode: str = "RGBA") -> Path:
    """A red ring and star-ish dot on ``background`` (transparent by default)."""
    image = Image.new("RGBA", (pixels, pixels), background)
    draw = ImageDraw.Draw(image)
    ring = max(2, pixels // 30)
    draw.ellipse((ring, ring, pixels - ring, pixels - ring), outline=RED, width=ring)
    draw.ellipse((pixels * 0.4, pixels * 0.4, pixels * 0.6, pixels * 0.6), fill=RED)
    if mode == "RGBA":
        image.save(path)
    elif mode == "JPEG":
        image.convert("RGB").save(path, format="JPEG")
    else:
        image.convert(mode).save(path, format="PNG")
    return path


def audit_rows(context: AppContext) -> list[sqlite3.Row]:
    with contextlib.closing(sqlite3.connect(context.paths.database)) as db:
        db.row_factory = sqlite3.Row
        return db.execute("select * from audit_record where entity_type = 'seal' "
                          "order by id").fetchall()


def installed_bytes(context: AppContext) -> bytes | None:
    path = context.paths.root / "seal.png"
    return path.read_bytes() if path.is_file() else None


def leftovers(context: AppContext) -> list[str]:
    return sorted(p.name for p in context.paths.root.iterdir() if p.name.startswith(".seal-"))


def test_no_seal_at_first(context: AppContext) -> None:
    status = seal_status(context.paths)
    assert not status.present and status.path == context.paths.root / "seal.png"
    assert seal_path(context.paths) is None


def test_a_transparent_png_is_installed_with_its_facts_and_audited(
        context: AppContext, tmp_path: Path) -> None:
    source = round_seal(tmp_path / "芙蓉街道电子印章.png")
    status = install_seal(context.uow(), context.paths, actor=DIRECTOR, source=source)

    assert installed_bytes(context) == source.read_bytes()  # an RGBA PNG is kept as it is
    assert seal_path(context.paths) == context.paths.root / "seal.png"
    digest = hashlib.sha256(source.read_bytes()).hexdigest()
    assert (status.present, status.width_px, status.height_px) == (True, 600, 600)
    assert (status.sha256, status.sha256_short, status.problem) == (digest, digest[:12], None)
    assert status.file_size == source.stat().st_size and status.modified_at is not None
    assert status.print_dpi == 363  # 600 px over 42 mm
    [row] = audit_rows(context)
    assert (row["action"], row["entity_id"], row["actor_role"]) == ("create", "seal.png", "director")
    assert "芙蓉街道电子印章.png" in row["summary"] and "600 × 600" in row["summary"]
    assert json.loads(row["changes_json"])["印章 SHA-256"] == [None, digest]
    assert verify(context.uow()).ok
    assert leftovers(context) == []


def test_replacing_and_removing_are_audited(context: AppContext, tmp_path: Path) -> None:
    first = round_seal(tmp_path / "旧章.png")
    second = round_seal(tmp_path / "新章.png", 800)
    install_seal(context.uow(), context.paths, actor=DIRECTOR, source=first)
    status = install_seal(context.uow(), context.paths, actor=DIRECTOR, source=second)
    assert status.width_px == 800 and installed_bytes(context) == second.read_bytes()

    removed = remove_seal(context.uow(), context.paths, actor=DIRECTOR)
    assert not removed.present and installed_bytes(context) is None
    assert [r["action"] for r in audit_rows(context)] == ["create", "update", "delete"]
    update = json.loads(audit_rows(context)[1]["changes_json"])
    assert update["尺寸（像素）"] == ["600 × 600", "800 × 800"]
    with pytest.raises(ConflictError, match="当前没有设置印章"):
        remove_seal(context.uow(), context.paths, actor=DIRECTOR)
    assert verify(context.uow()).ok


def test_a_palette_png_with_transparency_is_stored_as_rgba(context: AppContext,
                                                           tmp_path: Path) -> None:
    source = tmp_path / "调色板.png"
    image = Image.new("P", (400, 400), 0)
    image.putpalette([255, 255, 255, 230, 0, 0] + [0] * 762)
    ImageDraw.Draw(image).ellipse((40, 40, 360, 360), outline=1, width=12)
    image.save(source, transparency=0)
    install_seal(context.uow(), context.paths, actor=DIRECTOR, source=source)
    with Image.open(context.paths.root / "seal.png") as stored:
        assert stored.mode == "RGBA" and stored.getpixel((0, 0))[3] == 0


REFUSALS = {  # name → (how the file is made, what the message must say)
    "opaque RGB": (lambda p: round_seal(p, background=(255, 255, 255, 255), mode="RGB"),
                   "没有透明背景：盖在文字上会遮住文字。请使用背景透明的 PNG 图片"),
    "white behind an alpha channel": (lambda p: round_seal(p, background=(255, 255, 255, 255)),
                                      "没有透明背景（四角不透明）"),
    "too small": (lambda p: round_seal(p, 200), f"宽 200 像素，太小：印章按 42 毫米宽打印，至少需要 {MIN_WIDTH_PX} 像素宽"),
    "not an image": (lambda p: p.write_text("这不是图片", encoding="utf-8") and p,
                     "不是图片（或已损坏）"),
    "JPEG": (lambda p: round_seal(p, mode="JPEG"), "是 JPEG 格式，JPEG 图片没有透明背景"),
    "empty": (lambda p: Image.new("RGBA", (600, 600), (0, 0, 0, 0)).save(p) or p, "全透明的空白图片"),
    "truncated": (lambda p: p.write_bytes(round_seal(p).read_bytes()[:2000]) and p, "已损坏"),
}


@pytest.mark.parametrize("case", list(REFUSALS))
def test_a_bad_image_is_refused_naming_the_file_and_the_old_seal_stays(
        case: str, context: AppContext, tmp_path: Path) -> None:
    old = round_seal(tmp_path / "原印章.png")
    install_seal(context.uow(), context.paths, actor=DIRECTOR, source=old)
    make, expected = REFUSALS[case]
    bad = tmp_path / "新印章.png"
    make(bad)

    with pytest.raises(SealImageError) as refused:
        install_seal(context.uow(), context.paths, actor=DIRECTOR, source=bad)

    assert expected in refused.value.message
    assert "新印章.png" in refused.value.message
    assert installed_bytes(context) == old.read_bytes()
    assert len(audit_rows(context)) == 1 and leftovers(context) == []


def test_a_file_over_the_size_limit_is_refused(context: AppContext, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    source = round_seal(tmp_path / "大图.png")
    monkeypatch.setattr(seal_service, "MAX_FILE_BYTES", source.stat().st_size - 1)
    with pytest.raises(SealImageError, match=r"大图\.png.*超过"):
        install_seal(context.uow(), context.paths, actor=DIRECTOR, source=source)
    assert installed_bytes(context) is None


def test_a_failed_write_leaves_the_old_seal_and_no_audit_row(
        context: AppContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    old = round_seal(tmp_path / "原印章.png")
    install_seal(context.uow(), context.paths, actor=DIRECTOR, source=old)

    def full_disk(_src: object, _dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full_disk)  # the file system is the edge
    with pytest.raises(DomainError, match=r"无法写入数据目录.*印章未作更改"):
        install_seal(context.uow(), context.paths, actor=DIRECTOR,
                     source=round_seal(tmp_path / "新印章.png", 700))
    monkeypatch.undo()
    assert installed_bytes(context) == old.read_bytes()
    assert len(audit_rows(context)) == 1 and leftovers(context) == []
    assert verify(context.uow()).ok


@pytest.mark.parametrize("role", [Role.CLERK, Role.SYSADMIN, Role.OPERATOR])
def test_only_the_director_may_change_the_seal(role: Role, context: AppContext,
                                               tmp_path: Path) -> None:
    source = round_seal(tmp_path / "印章.png")
    with pytest.raises(PermissionDeniedError, match=f"您的角色（{role.label}）无权“审批公文"):
        install_seal(context.uow(), context.paths, actor=Actor("某人", role), source=source)
    assert installed_bytes(context) is None and audit_rows(context) == []
    install_seal(context.uow(), context.paths, actor=DIRECTOR, source=source)
    with pytest.raises(PermissionDeniedError):
        remove_seal(context.uow(), context.paths, actor=Actor("某人", role))
    assert installed_bytes(context) == source.read_bytes()


def test_a_hand_copied_opaque_seal_is_reported(context: AppContext) -> None:
    round_seal(context.paths.root / "seal.png", background=(255, 255, 255, 255), mode="RGB")
    status = seal_status(context.paths)
    assert status.present and status.width_px == 600
    assert status.problem is not None and "没有透明背景" in status.problem


# --- the installed seal on an approved document ------------------------------------------


def seal_images(pdf: bytes) -> list[tuple[int, int]]:
    """(width, height) in pixels of every image in the PDF."""
    document = pymupdf.open(stream=pdf, filetype="pdf")
    return [(info[2], info[3]) for page in document for info in page.get_images(full=True)]


def test_an_approved_document_renders_with_the_installed_seal(context: AppContext,
                                                              tmp_path: Path) -> None:
    street = doc_street(context, demands_count=2)
    install_seal(context.uow(), context.paths, actor=DIRECTOR,
                 source=round_seal(tmp_path / "电子印章.png", 520))
    approved = approved_letter(street, 0)
    draft = draft_letter(street, 1)
    seal = seal_path(context.paths)  # what the documents page and the printing pass
    assert seal is not None

    assert seal_images(render_pdf(context.uow(), document_id=approved.id, seal_png=seal)) == [
        (520, 520)]
    assert seal_images(render_pdf(context.uow(), document_id=draft.id, seal_png=seal)) == []
    printed = print_document(context.uow(), actor=CLERK, document_id=approved.id, seal_png=seal)
    assert seal_images(printed.pdf) == [(520, 520)]  # the archive keeps the seal

    remove_seal(context.uow(), context.paths, actor=DIRECTOR)
    assert seal_path(context.paths) is None
    reprint = print_document(context.uow(), actor=CLERK, document_id=approved.id,
                             seal_png=seal_path(context.paths))
    assert reprint.pdf == printed.pdf  # archived bytes: removing the seal changes nothing
