"""``subcenter print``: a document to a PDF file, or one sample of every kind.

- ``subcenter print ID --out FILE`` writes the document: the archived bytes when it has
  been printed (the very bytes that went out), otherwise a fresh render (a draft
  without number). ``ID`` may also be the number (芙街函〔2026〕12号). Writing a file is
  an export: audited, and it does not count as a print.
- ``subcenter print --samples DIR`` writes letter.pdf, handover.pdf, … (one per kind)
  filled from the current data: the record ``kinds.sample_source`` picks, a sample
  number (〔year〕1号) and today's date. Kinds without a record to fill from are named.
"""

from __future__ import annotations

from pathlib import Path

from desktop.bootstrap import AppContext
from desktop.clock import today
from desktop.documents import kinds
from desktop.documents.font_roles import resolve_fonts
from desktop.documents.kinds import KIND_SPECS, DocumentKind
from desktop.domain.documents import format_number
from desktop.domain.errors import DomainError, ValidationError
from desktop.domain.permissions import Permission, require
from desktop.services import audit
from desktop.services.audit import AuditAction
from desktop.services.document_output import export_pdf, seal_path
from desktop.services.documents import get_document


def run_print(context: AppContext, *, document_id: str | None, out: str | None,
              samples: str | None) -> str:
    """The command's text on success; a DomainError (Chinese) for a non-zero exit."""
    if samples and document_id:
        raise ValidationError("print", "请只指定公文 ID（配合 --out）或 --samples 其中之一。")
    if samples:
        return write_samples(context, Path(samples))
    if not document_id:
        raise ValidationError("print", "请指定公文 ID 并用 --out 指定输出文件，"
                                       "或用 --samples 目录 生成每种公文的样张。")
    if not out:
        raise ValidationError("--out", "请用 --out 指定输出的 PDF 文件，如 --out 函告.pdf。")
    return _write_document(context, document_id, Path(out))


def _write_document(context: AppContext, document_id: str, path: Path) -> str:
    if path.suffix.lower() != ".pdf":
        raise ValidationError("--out", f"{path} 应以 .pdf 结尾。")
    if not path.parent.exists():
        raise ValidationError("--out", f"目录 {path.parent} 不存在，请先建立该目录。")
    detail = get_document(context.uow(), document_id)  # NotFoundError in Chinese
    row = detail.row
    export_pdf(context.uow(), actor=context.actor, document_id=row.id, target=path,
               seal_png=seal_path(context.paths))
    if row.archived_sha256:
        what = f"已归档原件，SHA-256 {row.archived_sha256[:16]}…"
    elif row.number or row.approved_at:
        what = f"{row.state.label}，尚未打印归档"
    else:
        what = f"{row.state.label}，未编号"
    return f"已输出{row.kind.label}{row.number or ''}「{row.title}」到 {path}（{what}）"


def write_samples(context: AppContext, folder: Path) -> str:
    """One PDF per kind filled from the current data; says which kinds had no record."""
    require(context.actor, Permission.DATA_EXPORT)
    if folder.exists() and not folder.is_dir():
        raise ValidationError("--samples", f"{folder} 不是目录。")
    folder.mkdir(parents=True, exist_ok=True)
    fonts, seal, on = resolve_fonts(), seal_path(context.paths), today()
    prefix = _prefix(context)
    written: list[str] = []
    missing: list[str] = []
    failed: list[str] = []
    for kind in DocumentKind:
        try:
            source = kinds.sample_source(context.uow(), kind)
            if source is None:
                missing.append(kind.label)
                continue
            fields = kinds.draft_fields(context.uow(), kind, source)
            spec = KIND_SPECS[kind]
            number = format_number(prefix, spec.series_word, on.year, 1) if spec.numbered else None
            pdf = kinds.render(kind, fields, number=number, issued_on=on, fonts=fonts,
                               seal_png=seal)
        except (DomainError, ImportError) as error:
            failed.append(f"{kind.label}：{getattr(error, 'message', error)}")
            continue
        (folder / f"{kind.value}.pdf").write_bytes(pdf)
        written.append(f"{kind.value}.pdf（{kind.label}）")
    _audit_samples(context, folder, written)
    return _samples_message(folder, written, missing, failed, fonts.substitutions())


def _prefix(context: AppContext) -> str:
    with context.uow() as uow:
        sub_center = uow.sub_center.get()
        return sub_center.doc_prefix if sub_center is not None else ""


def _audit_samples(context: AppContext, folder: Path, written: list[str]) -> None:
    if not written:
        return
    with context.uow() as uow:
        audit.record(uow, context.actor, AuditAction.EXPORT, entity_type="document",
                     summary=f"生成公文样张 {len(written)} 份到 {folder}")
        uow.commit()


def _samples_message(folder: Path, written: list[str], missing: list[str], failed: list[str],
                     substitutions: list[str]) -> str:
    lines = [f"已在 {folder} 生成 {len(written)} 份公文样张：" + "、".join(written)]
    if missing:
        lines.append("当前数据中没有可用于生成样张的记录：" + "、".join(missing))
    if substitutions:
        lines.append("字体替代：" + "；".join(substitutions))
    if failed:
        lines.append("以下公文未能生成：" + "；".join(failed))
        raise _SamplesIncomplete("\n".join(lines))
    return "\n".join(lines)


class _SamplesIncomplete(DomainError):
    """Some kinds failed to render: the others are written, the exit code is 1."""
