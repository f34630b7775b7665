"""The 属地管理事项清单 from Excel: the import of a whole new version and its template.

The district owns the list and publishes it as a whole; until the sync exists, the
system administrator imports the file the district sent. Every import is a NEW
version, numbered after the last and made the version in force in the same
transaction; earlier versions stay for history (demands keep pointing at the item
they were routed by). All or nothing: every bad cell is reported with its row and
column (``ImportRejectedError``) and nothing is stored.

Permissions and audit: ``RESPONSIBILITY_EDIT``; one audit row per import (file,
version numbers, item counts and what changed against the previous version).

Threading: blocking work for a worker thread; ``progress`` and ``cancel`` link back.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from desktop.clock import today
from desktop.domain.actor import Actor
from desktop.domain.permissions import Permission, require
from desktop.domain.responsibilities import (
    MAX_CODE,
    MAX_NAME,
    MAX_TITLE,
    MAX_TYPE,
    MAX_UNITS,
    ItemDraft,
    ListSource,
    join_units,
    split_units,
)
from desktop.progress import NEVER_CANCELLED, CancelToken, ProgressCallback, no_progress
from desktop.services import audit
from desktop.services.responsibilities import add_list_version, current_drafts, diff_counts
from desktop.spreadsheets.cells import cell_text, normalize
from desktop.spreadsheets.common import Errors, SheetRow, rejected, tick
from desktop.spreadsheets.responsibility_sheet import (
    C_BASIS,
    C_CODE,
    C_COOPERATING,
    C_DISTRICT,
    C_LEAD,
    C_NAME,
    C_SEQ,
    C_STREET,
    C_TYPE,
    COLUMNS,
    SHEET_TITLE,
    ListSheet,
    read_list_sheet,
)
from desktop.spreadsheets.writing import write_template
from local_db.unit_of_work import UnitOfWork

__all__ = ["ResponsibilityImportSummary", "import_responsibility_list",
           "write_responsibility_template"]


@dataclass(frozen=True)
class ResponsibilityImportSummary:
    version_id: str
    number: int
    items: int
    added: int
    removed: int
    changed: int
    rows_skipped: int
    message: str


def import_responsibility_list(
    uow: UnitOfWork,
    *,
    actor: Actor,
    path: Path,
    title: str | None = None,
    published_on: date | None = None,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken = NEVER_CANCELLED,
) -> ResponsibilityImportSummary:
    """Import a whole list as a new version in force, all or nothing.

    ``title`` defaults to the title row above the header (else the file name),
    ``published_on`` to today. Raises ImportRejectedError listing every bad cell,
    CancelledError, or PermissionDeniedError; in each case nothing is stored."""
    require(actor, Permission.RESPONSIBILITY_EDIT)
    path = Path(path)
    sheet = read_list_sheet(path, progress=progress, cancel=cancel)
    drafts = _parse(sheet, progress, cancel)
    name = _title(title, sheet, path)
    with uow:
        previous, before = current_drafts(uow)
        version = add_list_version(uow, title=name, published_on=published_on or today(),
                                   source=ListSource.IMPORT, items=drafts)
        added, removed, changed = diff_counts(before, drafts)
        summary = _summary(sheet, version.id, version.number, previous, len(drafts),
                           (added, removed, changed))
        audit.record(uow, actor, audit.AuditAction.IMPORT, entity_type="responsibility_list",
                     entity_id=version.id, summary=summary.message,
                     changes={"文件": (None, sheet.file_name), "清单名称": (None, name),
                              "现行版本": (previous or None, version.number),
                              "事项数": (len(before) or None, len(drafts)),
                              "新增/删除/修改": (None, f"{added}/{removed}/{changed}")})
        cancel.raise_if_cancelled()
        uow.commit()
    progress(1, 1, "导入完成")
    return summary


def _title(title: str | None, sheet: ListSheet, path: Path) -> str:
    text = (title or "").strip() or sheet.title or path.stem
    return text[:MAX_TITLE]


def _summary(sheet: ListSheet, version_id: str, number: int, previous: int, items: int,
             diff: tuple[int, int, int]) -> ResponsibilityImportSummary:
    added, removed, changed = diff
    message = f"已从 {sheet.file_name} 导入属地管理事项清单第 {number} 版（{items} 项），并设为现行版本"
    if previous:
        if any(diff):
            message += (f"；与第 {previous} 版相比新增 {added} 项、删除 {removed} 项、"
                        f"修改 {changed} 项，第 {previous} 版保留备查")
        else:
            message += f"；内容与第 {previous} 版相同"
    if sheet.skipped:
        message += f"；跳过 {sheet.skipped} 行分类标题或备注"
    return ResponsibilityImportSummary(version_id, number, items, added, removed, changed,
                                       sheet.skipped, message + "。")


# --- checking the rows -----------------------------------------------------------------


def _parse(sheet: ListSheet, progress: ProgressCallback, cancel: CancelToken) -> list[ItemDraft]:
    errors = Errors(sheet.file_name)
    drafts: list[ItemDraft] = []
    first_row: dict[str, int] = {}
    for index, row in enumerate(sheet.rows, start=1):
        tick(index, len(sheet.rows), "正在检查", progress, cancel)
        draft = _parse_row(row, errors)
        if draft is None:
            continue
        seen = first_row.setdefault(draft.code, row.number)
        if seen != row.number:
            errors.add(row.number, _code_column(row),
                       f"事项编号“{draft.code}”与第 {seen} 行重复，同一清单中的事项编号不能重复。")
            continue
        drafts.append(draft)
    if not drafts and not errors:
        raise rejected(sheet.file_name, "表头下没有可导入的事项，请填写后再导入。")
    errors.raise_if_any()
    return drafts


def _code_column(row: SheetRow) -> str:
    return C_CODE if C_CODE in row.cells else C_SEQ


def _code(value: object) -> str:
    return re.sub(r"\s+", "", normalize(cell_text(value)))


def _long_text(value: object) -> str:
    """Duties and legal bases keep their line breaks (numbered duties read better)."""
    if value is None:
        return ""
    text = cell_text(value) if not isinstance(value, str) else value
    lines = [line.strip() for line in re.split(r"\r\n|\r|\n", text)]
    return "\n".join(line for line in lines if line)


def _required(errors: Errors, row: SheetRow, column: str, value: str, limit: int,
              what: str) -> bool:
    if not value:
        errors.add(row.number, column, f"不能为空，请填写{what}。")
        return False
    if len(value) > limit:
        errors.add(row.number, column, f"不能超过 {limit} 个字（现为 {len(value)} 个字）。")
        return False
    return True


def _parse_row(row: SheetRow, errors: Errors) -> ItemDraft | None:
    """One row as an item, or None after recording its problems."""
    column = _code_column(row)
    code = _code(row.get(column))
    item_type, name = cell_text(row.get(C_TYPE)), cell_text(row.get(C_NAME))
    leads = split_units(cell_text(row.get(C_LEAD)) if row.get(C_LEAD) is not None else "")
    lead = join_units(leads)
    checks = [
        _required(errors, row, column, code, MAX_CODE, "事项编号（没有编号的清单可填序号）"),
        _required(errors, row, C_TYPE, item_type, MAX_TYPE, "事项类型，如 城市管理"),
        _required(errors, row, C_NAME, name, MAX_NAME, "事项名称"),
        _required(errors, row, C_LEAD, lead, MAX_UNITS,
                  "主体责任单位（由街道负责的填“街道”）"),
    ]
    if not all(checks):
        return None
    cooperating = tuple(n for n in split_units(_long_text(row.get(C_COOPERATING)))
                        if n not in leads)
    return ItemDraft(code, item_type, name, _long_text(row.get(C_DISTRICT)),
                     _long_text(row.get(C_STREET)), _long_text(row.get(C_BASIS)), lead,
                     cooperating)


# --- the template ------------------------------------------------------------------------

_NOTES = (
    "本模板用于导入区级下发的属地管理事项清单。每次导入都会生成一个新版本并设为现行版本，"
    "旧版本保留备查，已办理的诉求仍关联原版本的事项。",
    "「事项编号」「事项类型」「事项名称」「主体责任单位」每行必填；没有事项编号的清单可只填「序号」。",
    "区级下发的原表可直接导入：表头上方的标题行、两行表头、合并单元格、“一、城市管理”之类的分类行"
    "和“注：”备注行都能识别；列名也可用“类别”“职能部门职责”“属地职责”“设定依据”“牵头单位”"
    "“协同单位”等常见写法。",
    "多个单位用顿号“、”分隔。由街道负责的事项，主体责任单位填“街道”。",
    "导入是“全部或全不”：只要有一处错误，系统会列出所有出错的行和列，不导入任何数据。",
)
_EXAMPLES = (
    ("CG-001", "城市管理", "擅自占用城市道路、人行道摆摊设点",
     "1.负责占道经营的查处；\n2.指导街道开展日常巡查。",
     "1.负责日常巡查、劝导；\n2.发现问题及时制止并报告区城管执法局。",
     "《城市市容和环境卫生管理条例》第十四条", "区城管执法局", "区市场监管局、街道"),
    ("SC-001", "市场监管", "无照经营的查处", "负责无照经营的查处。",
     "发现无照经营及时报告并配合查处。", "《无证无照经营查处办法》第五条", "区市场监管局",
     "街道"),
)


def write_responsibility_template(path: Path) -> None:
    """The blank list template users download, fill in and import."""
    columns = tuple(column for column in COLUMNS if column.title != C_SEQ)
    write_template(Path(path), sheet_title=SHEET_TITLE, columns=columns, notes=_NOTES,
                   examples=_EXAMPLES)
