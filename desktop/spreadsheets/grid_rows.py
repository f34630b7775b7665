"""What one row of the grid sheet means: the columns (shared by the template, the import
and the export) and the checks of a single row. Checks across rows and against the
database are in ``grid_plan``."""

from __future__ import annotations

from dataclasses import dataclass

from desktop.domain.errors import ValidationError
from desktop.domain.grids import (
    CommunityKind,
    DedicatedType,
    GridCategory,
    GridKind,
    GridStatus,
    parse_grid_code,
    validate_community_code,
)
from desktop.services.grids import GridFields
from desktop.spreadsheets.cells import (
    CellError,
    E,
    cell_text,
    parse_choice,
    parse_code,
    parse_float,
    parse_int,
)
from desktop.spreadsheets.common import Column, Errors, SheetRow, bare

GRID_SHEET = "网格"
C_COMMUNITY = "社区/村"
C_COMMUNITY_KIND = "社区类型"
C_COMMUNITY_CODE = "社区代码"
C_CODE = "网格编码"
C_NAME = "网格名称"
C_KIND = "网格类型"
C_DEDICATED = "专属类型"
C_CATEGORY = "网格类别"
C_HOUSEHOLDS = "户数"
C_POPULATION = "人口"
C_AREA = "面积(平方公里)"
C_NOTE = "备注"
C_STATUS = "状态"

GRID_COLUMNS: tuple[Column, ...] = (
    Column(C_COMMUNITY, 16, required=True,
           help="网格所属社区或村的名称。系统中还没有的社区/村会自动新建。",
           aliases=("社区", "村", "社区名称", "村名称", "所属社区", "所属社区/村", "社区村", "村/社区")),
    Column(C_COMMUNITY_KIND, 10, choices=tuple(CommunityKind.labels()),
           help="新建社区/村时必填（社区 或 村）；系统中已有的社区/村可不填。"),
    Column(C_COMMUNITY_CODE, 10, text_format=True,
           help="3 位数字（001–999），即社区/村统计区划代码的最后 3 位。可不填：新社区/村自动取下一个空闲代码。"),
    Column(C_CODE, 19, text_format=True,
           help="15 位：本街道代码 9 位 + 社区代码 3 位 + 网格序号 3 位。可不填：按该社区/村下一个空闲序号自动编码。"),
    Column(C_NAME, 22, required=True, help="同一社区/村内不能重名，最多 80 个字。"),
    Column(C_KIND, 12, required=True, choices=tuple(GridKind.labels()), help="基础网格 或 专属网格。"),
    Column(C_DEDICATED, 12, choices=tuple(DedicatedType.labels()), help="专属网格必填；基础网格不填。"),
    Column(C_CATEGORY, 18, required=True, choices=tuple(GridCategory.labels()),
           help="城市社区、城中村城郊接合部、一般村或山区村。"),
    Column(C_HOUSEHOLDS, 10, whole_number=True, help="不小于 0 的整数，不能多于人口。可不填（按 0 计）。"),
    Column(C_POPULATION, 10, whole_number=True, help="不小于 0 的整数。可不填（按 0 计）。",
           aliases=("人口数", "人数")),
    Column(C_AREA, 14, help="平方公里，可带小数。可不填（按 0 计）。", aliases=("面积",)),
    Column(C_NOTE, 30, help="选填。"),
)
STATUS_COLUMN = Column(C_STATUS, 10, choices=tuple(GridStatus.labels()),
                       help="仅导出时有；导入时“在用”以外的行会跳过。")
EXPORT_COLUMNS = (*GRID_COLUMNS, STATUS_COLUMN)

# ValidationError field (from GridFields) → the column it came from.
FIELD_COLUMNS = {"网格名称": C_NAME, "专属网格类型": C_DEDICATED, "户数": C_HOUSEHOLDS,
                  "人口": C_POPULATION, "面积": C_AREA, "网格序号": C_CODE}

@dataclass
class GridDraft:
    """One checked row, ready to be written; ``seq`` is planned before writing."""

    row: int
    community: str
    community_kind: CommunityKind | None
    community_code: str | None
    code: str | None
    code_community: str | None  # digits 10–12 of ``code``
    fields: GridFields
    seq: int | None = None


def is_skipped(row: SheetRow) -> bool:
    """An exported retired/merged/split grid: kept in the export as a record, not re-imported."""
    try:
        status = parse_choice(row.get(C_STATUS), GridStatus)
    except CellError:
        return False
    return status is not None and status is not GridStatus.ACTIVE


def parse_row(row: SheetRow, errors: Errors, division: str) -> GridDraft | None:
    """Check one row on its own; every problem is recorded, ``None`` if there was one."""
    before = len(errors)
    community = cell_text(row.get(C_COMMUNITY))
    if not community:
        errors.add(row.number, C_COMMUNITY, "不能为空，请填写网格所属的社区或村。")
    elif len(community) > 60:
        errors.add(row.number, C_COMMUNITY, "不能超过 60 个字。")
    community_kind = errors.parse(row, C_COMMUNITY_KIND, parse_choice, CommunityKind)
    community_code = errors.parse(row, C_COMMUNITY_CODE, _parse_community_code)
    code = errors.parse(row, C_CODE, parse_code, length=15)
    code_community = _check_grid_code(row, errors, division, code)
    kind = _required(row, errors, C_KIND, GridKind)
    dedicated = errors.parse(row, C_DEDICATED, parse_choice, DedicatedType)
    category = _required(row, errors, C_CATEGORY, GridCategory)
    if not cell_text(row.get(C_NAME)):
        errors.add(row.number, C_NAME, "不能为空。")
    if kind is GridKind.BASE and dedicated is not None:
        errors.add(row.number, C_DEDICATED, "基础网格不填专属类型；如是专属网格，请把「网格类型」改为“专属网格”。")
    if kind is GridKind.DEDICATED and dedicated is None and row.get(C_DEDICATED) is None:
        errors.add(row.number, C_DEDICATED, "专属网格须填写专属类型（学校、医院、商圈市场等）。")
    numbers = [errors.parse(row, C_HOUSEHOLDS, parse_int), errors.parse(row, C_POPULATION, parse_int),
               errors.parse(row, C_AREA, parse_float)]
    if len(errors) > before or kind is None or category is None:
        return None
    households, population, area = numbers
    fields = GridFields(name=cell_text(row.get(C_NAME)), kind=kind, category=category,
                        dedicated_type=dedicated, households=households or 0,
                        population=population or 0, area_km2=area or 0.0,
                        note=cell_text(row.get(C_NOTE)))
    try:
        fields = fields.validated()
    except ValidationError as error:
        errors.add(row.number, FIELD_COLUMNS.get(error.field, C_NAME), bare(error))
        return None
    return GridDraft(row.number, community, community_kind, community_code, code,
                     code_community, fields)


def _required(row: SheetRow, errors: Errors, column: str, enum: type[E]) -> E | None:
    if row.get(column) is None:
        errors.add(row.number, column, f"不能为空，应为：{'、'.join(enum.labels())}。")
        return None
    return errors.parse(row, column, parse_choice, enum)


def _parse_community_code(value: object) -> str | None:
    code = parse_code(value, length=3)
    if code is None:
        return None
    try:
        return validate_community_code(code)
    except ValidationError as error:
        raise CellError(bare(error)) from None


def _check_grid_code(row: SheetRow, errors: Errors, division: str, code: str | None) -> str | None:
    """The community code inside a grid code of this street, or None (error recorded)."""
    if code is None:
        return None
    try:
        community_code, _seq = parse_grid_code(division, code)
    except ValidationError as error:
        errors.add(row.number, C_CODE, bare(error))
        return None
    return community_code


