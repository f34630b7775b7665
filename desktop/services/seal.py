"""The sub-center's seal image: what is installed, installing a new one, removing it.

The seal is a file in the data folder (``document_output.SEAL_FILE``), not a database
row: the renderer reads it when an approved document is drawn. Before this service the
file was copied there by hand, so ``seal_status`` also says why a file already in place
would be refused now (``problem``).

A seal presses on the sender and the date, so its background must be transparent: an
image without an alpha channel, or whose corners are opaque, is refused. It prints
``PRINT_WIDTH_MM`` wide; below ``MIN_WIDTH_PX`` pixels it would print visibly blurred.
The new file is written under a temporary name beside the old one and renamed over it
(``os.replace``), so a refused image or a failed copy leaves the old seal as it was;
the change and its audit row commit together (the file is put back if the commit fails).

Only the director (DOCUMENT_APPROVE: the seal goes on what the director approves) may
change it. Threading: blocking file and image work, for a worker thread.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from desktop.config import DataPaths
from desktop.domain.actor import Actor
from desktop.domain.errors import ConflictError, DomainError
from desktop.domain.permissions import Permission, require
from desktop.services import audit
from desktop.services.audit import AuditAction
from desktop.services.document_output import SEAL_FILE
from local_db.unit_of_work import UnitOfWork

ENTITY = "seal"
PERMISSION = Permission.DOCUMENT_APPROVE
PRINT_WIDTH_MM = 42.0  # desktop/documents/official.py SignOff.seal_width_mm
MIN_WIDTH_PX = 300  # ≈ 180 dpi at 42 mm; 500 px and more gives 300 dpi
MAX_SIDE_PX = 6000
MAX_FILE_BYTES = 5 * 1024 * 1024
CORNER_SHARE = 0.05  # each corner patch is this share of the side (at least 2 px)
ASK_FOR_BETTER = "请向印章管理部门索取电子印章图片（背景透明的 PNG，宽 500 像素以上）。"
TRANSPARENT_ONLY = ("盖在文字上会遮住文字。请使用背景透明的 PNG 图片"
                    "（可请印章管理部门提供电子印章图片）。")


class SealImageError(DomainError):
    """The chosen file cannot be the seal; the message names it and says what to do."""


@dataclass(frozen=True)
class SealStatus:
    """The seal in the data folder as it is now (``present`` False: documents print
    without a seal)."""

    path: Path
    present: bool
    width_px: int = 0
    height_px: int = 0
    file_size: int = 0
    sha256: str = ""
    modified_at: datetime | None = None
    problem: str | None = None  # why this file would be refused (a hand-copied file)

    @property
    def sha256_short(self) -> str:
        return self.sha256[:12]

    @property
    def size_text(self) -> str:
        return f"{self.width_px} × {self.height_px} 像素" if self.width_px else "—"

    @property
    def file_size_text(self) -> str:
        if self.file_size >= 1024 * 1024:
            return f"{self.file_size / (1024 * 1024):.1f} MB"
        return f"{max(1, round(self.file_size / 1024))} KB"

    @property
    def print_dpi(self) -> int:
        """The resolution the seal prints at, ``PRINT_WIDTH_MM`` wide."""
        return round(self.width_px / (PRINT_WIDTH_MM / 25.4))


@dataclass(frozen=True)
class _Checked:
    data: bytes  # what goes into the data folder (an RGBA PNG)
    width: int
    height: int


# --- reading -----------------------------------------------------------------------------


def seal_file(paths: DataPaths) -> Path:
    return paths.root / SEAL_FILE


def seal_status(paths: DataPaths) -> SealStatus:
    """What is installed (reading needs no permission)."""
    path = seal_file(paths)
    if not path.is_file():
        return SealStatus(path, present=False)
    data = path.read_bytes()
    stat = path.stat()
    width = height = 0
    problem = None
    try:
        checked = check_seal_bytes(data, path.name)
        width, height = checked.width, checked.height
    except SealImageError as refused:
        problem = refused.message
        with contextlib.suppress(Exception):
            width, height = Image.open(io.BytesIO(data)).size
    return SealStatus(path, True, width, height, len(data), hashlib.sha256(data).hexdigest(),
                      datetime.fromtimestamp(stat.st_mtime).replace(microsecond=0), problem)


# --- checking an image -------------------------------------------------------------------


def check_seal_image(source: Path) -> _Checked:
    """Read and check ``source``; raises SealImageError (Chinese, naming the file)."""
    name = source.name
    if not source.is_file():
        raise SealImageError(f"找不到文件“{source}”。请重新选择印章图片。")
    size = source.stat().st_size
    if size > MAX_FILE_BYTES:
        raise SealImageError(
            f"印章图片“{name}”有 {size / (1024 * 1024):.1f} MB，超过 "
            f"{MAX_FILE_BYTES // (1024 * 1024)} MB 的上限。{ASK_FOR_BETTER}")
    try:
        data = source.read_bytes()
    except OSError as error:
        raise SealImageError(f"无法读取文件“{name}”（{error.strerror or error}）。"
                             "请确认文件没有被其他程序占用后重试。") from error
    return check_seal_bytes(data, name)


def check_seal_bytes(data: bytes, name: str) -> _Checked:
    """The checks of ``check_seal_image`` on bytes already read."""
    image = _open_png(data, name)
    width, height = image.size
    if width < MIN_WIDTH_PX:
        raise SealImageError(
            f"印章图片“{name}”宽 {width} 像素，太小：印章按 {PRINT_WIDTH_MM:g} 毫米宽打印，"
            f"至少需要 {MIN_WIDTH_PX} 像素宽，否则打印出来模糊。{ASK_FOR_BETTER}")
    if max(width, height) > MAX_SIDE_PX:
        raise SealImageError(
            f"印章图片“{name}”为 {width} × {height} 像素，过大（每边不超过 {MAX_SIDE_PX} 像素）。"
            "请把图片缩小到宽 500–2000 像素后再选择。")
    try:
        image.load()
    except (OSError, ValueError) as error:
        raise SealImageError(f"印章图片“{name}”已损坏，无法完整读取。{ASK_FOR_BETTER}") from error
    rgba = _with_alpha(image, name)
    _check_background(rgba, name)
    stored = data if image.mode == "RGBA" else _png_bytes(rgba)
    return _Checked(stored, width, height)


def _open_png(data: bytes, name: str) -> Image.Image:
    try:
        image = Image.open(io.BytesIO(data))
    except (UnidentifiedImageError, OSError, ValueError) as error:
        raise SealImageError(
            f"文件“{name}”不是图片（或已损坏）。请选择背景透明的 PNG 印章图片。") from error
    if image.format != "PNG":
        kind = image.format or "未知格式"
        why = "JPEG 图片没有透明背景，" if kind in ("JPEG", "MPO") else ""
        raise SealImageError(
            f"印章图片“{name}”是 {kind} 格式，{why}不能用作印章。请使用背景透明的 PNG 图片"
            "（可请印章管理部门提供电子印章图片）。")
    return image


def _with_alpha(image: Image.Image, name: str) -> Image.Image:
    """The image as RGBA, refused when it has no transparency at all."""
    has_alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    if not has_alpha:
        raise SealImageError(f"印章图片“{name}”没有透明背景：{TRANSPARENT_ONLY}")
    return image.convert("RGBA")


def _check_background(rgba: Image.Image, name: str) -> None:
    """The four corners (outside a round or oval seal) must be see-through, and some of
    the image must not be: an empty image would print nothing."""
    alpha = rgba.getchannel("A")
    width, height = rgba.size
    side = max(2, round(min(width, height) * CORNER_SHARE))
    for left, top in ((0, 0), (width - side, 0), (0, height - side), (width - side, height - side)):
        patch = alpha.crop((left, top, left + side, top + side))
        opaque = sum(count for value, count in enumerate(patch.histogram()) if value >= 128)
        if opaque * 2 > side * side:
            raise SealImageError(
                f"印章图片“{name}”没有透明背景（四角不透明）：{TRANSPARENT_ONLY}")
    _low, high = alpha.getextrema()
    if high < 128:
        raise SealImageError(f"印章图片“{name}”是全透明的空白图片。请重新选择印章图片。")


def _png_bytes(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


# --- changing it -------------------------------------------------------------------------


def install_seal(uow: UnitOfWork, paths: DataPaths, *, actor: Actor, source: Path) -> SealStatus:
    """Check ``source`` and make it the seal (replacing any seal), audited. A refused or
    failed install leaves the old seal in place."""
    require(actor, PERMISSION)
    checked = check_seal_image(source)
    target = seal_file(paths)
    before = seal_status(paths)
    digest = hashlib.sha256(checked.data).hexdigest()
    replaced = "更换" if before.present else "设置"
    with uow:
        audit.record(
            uow, actor, AuditAction.UPDATE if before.present else AuditAction.CREATE,
            entity_type=ENTITY, entity_id=SEAL_FILE,
            summary=f"{replaced}本分中心的印章图片：{source.name}"
                    f"（{checked.width} × {checked.height} 像素）",
            changes={"印章 SHA-256": (before.sha256 or None, digest),
                     "尺寸（像素）": (_dims(before), f"{checked.width} × {checked.height}")})
        old = target.read_bytes() if before.present else None
        _write_atomically(target, checked.data)
        _commit_or_put_back(uow, target, old)
    return seal_status(paths)


def remove_seal(uow: UnitOfWork, paths: DataPaths, *, actor: Actor) -> SealStatus:
    """Remove the seal (documents approved from then on print without one), audited."""
    require(actor, PERMISSION)
    before = seal_status(paths)
    if not before.present:
        raise ConflictError("当前没有设置印章，无需移除。")
    target = seal_file(paths)
    with uow:
        audit.record(uow, actor, AuditAction.DELETE, entity_type=ENTITY, entity_id=SEAL_FILE,
                     summary="移除本分中心的印章图片：此后审批的公文打印时不盖章",
                     changes={"印章 SHA-256": (before.sha256, None),
                              "尺寸（像素）": (_dims(before), None)})
        old = target.read_bytes()
        try:
            target.unlink()
        except OSError as error:
            raise _write_error(paths.root, error) from error
        _commit_or_put_back(uow, target, old)
    return seal_status(paths)


def _dims(status: SealStatus) -> str | None:
    return f"{status.width_px} × {status.height_px}" if status.width_px else None


def _commit_or_put_back(uow: UnitOfWork, target: Path, old: bytes | None) -> None:
    """Commit the audit row; if that fails the file goes back to what it was."""
    try:
        uow.commit()
    except BaseException:
        if old is None:
            target.unlink(missing_ok=True)
        else:
            _write_atomically(target, old)
        raise


def _write_atomically(target: Path, data: bytes) -> None:
    """Write ``data`` under a temporary name in the target's folder, then rename it over
    ``target``: readers (a print on another thread) see the old file or the new one."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(dir=target.parent, prefix=".seal-", suffix=".partial")
    except OSError as error:
        raise _write_error(target.parent, error) from error
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temp, target)
    except OSError as error:
        raise _write_error(target.parent, error) from error
    finally:
        with contextlib.suppress(OSError):
            Path(temp).unlink(missing_ok=True)


def _write_error(folder: Path, error: OSError) -> DomainError:
    return DomainError(
        f"无法写入数据目录 {folder}（{error.strerror or error}），印章未作更改。"
        "请检查磁盘空间和该文件夹的写入权限后重试。")
