"""Import: a 10,000-row 花名册 xlsx validated and stored, against a bare openpyxl
read-only iteration of the same file (bar ≤ 2×, docs/performance.md).

The file looks like a real one (``write_roster_file``): a merged title, a "填报单位"
row, a two-level merged header, dates as Excel dates and as text, lowercase check
characters, auxiliaries without certificates and a 填表人 footer. Like a file saved by
Excel or WPS it has a <dimension> and a shared-strings table (openpyxl writes inline
strings, which are twice as slow to read: they would flatter the ratio).

Each timed import goes into a fresh, already migrated data folder: the folders are
copied from one migrated template before timing starts, so migrations are not timed.
"""

from __future__ import annotations

import random
import re
import shutil
import zipfile
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path

from openpyxl import Workbook, load_workbook

from desktop.bootstrap import AppContext, open_context, open_migrated_context
from desktop.demo_data import NameMaker
from desktop.domain.actor import LOCAL_ADMIN
from desktop.domain.identity import gb11643_check_digit
from desktop.spreadsheets.roster import import_roster
from tests.benchmarks.harness import Case

ROWS = 10_000
TITLE = "芙蓉街道综合执法人员花名册"
TOP = ["序号", "姓名", "性别", "身份证号码", "联系电话", "原单位", "力量类型（1/X/Y）", "编制", "职务",
       "中队", "状态", "下沉时间", None, "执法证", None, None, None, "备注"]
BELOW = [None] * 11 + ["开始", "结束", "证号", "发证机关", "执法领域", "有效期至", None]
# (unit, force, staffing, position, domains; "" = no certificate), weighted as a street's mix
KINDS = (
    ("芙蓉街道综合行政执法队", "1", "行政", "执法队员", "城市管理、市场监管", 30),
    ("区城管执法局", "X", "行政", "执法队员", "城管", 20),
    ("区市场监管局", "X", "行政", "执法队员", "市场监管；食品安全", 12),
    ("长沙市生态环境局芙蓉分局", "X", "事业", "执法队员", "环保", 6),
    ("区住房和城乡建设局", "X", "行政", "执法队员", "住建、城市管理", 6),
    ("芙蓉派出所", "Y", "行政", "社区民警", "", 8),
    ("芙蓉街道综合行政执法队", "Y", "协管", "城管协管员", "", 18),
)
AUTHORITY = "湖南省人民政府"
REGIONS = ("430102", "430103", "430104", "430105", "430111", "430121", "430181")


def _id_number(rng: random.Random, male: bool, taken: set[str]) -> str:
    while True:
        born = date(1966, 1, 1) + timedelta(days=rng.randrange(13000))
        sequence = rng.randrange(500) * 2 + (1 if male else 0)
        first17 = f"{rng.choice(REGIONS)}{born:%Y%m%d}{sequence:03d}"
        number = first17 + gb11643_check_digit(first17)
        if number not in taken:
            taken.add(number)
            return number


def _row(index: int, rng: random.Random, names: NameMaker, taken: set[str]) -> list[object]:
    unit, force, staffing, position, domains = rng.choices(
        [k[:5] for k in KINDS], weights=[k[5] for k in KINDS])[0]
    male = rng.random() < 0.75
    id_number = _id_number(rng, male, taken)
    if rng.random() < 0.3:
        id_number = id_number.lower()
    start = date(2025, 1, 1) + timedelta(days=rng.randrange(500)) if force == "X" else None
    until = date(2026, 12, 1) + timedelta(days=rng.randrange(1500))
    shown_until: object = datetime.combine(until, datetime.min.time())
    if index % 4 == 1:
        shown_until = f"{until.year}/{until.month}/{until.day}"
    elif index % 4 == 2:
        shown_until = f"{until.year}年{until.month}月{until.day}日"
    certificate = [f"湘43010{index:06d}", AUTHORITY, domains, shown_until] if domains else \
        [None] * 4
    return [index, names.name("男" if male else "女"), ("男" if male else "女") if index % 3 else None,
            id_number, names.phone(), unit, force, staffing, position, f"{index % 6 + 1}中队", "在岗",
            start, None, *certificate, None]


def write_roster_file(path: Path, rows: int = ROWS, *, seed: int = 4) -> Path:
    """A realistic 花名册 of ``rows`` valid people (deterministic for a seed)."""
    rng = random.Random(seed)
    names = NameMaker(rng)
    taken: set[str] = set()
    workbook = Workbook()
    ws = workbook.active
    ws.title = "花名册"
    ws.append([TITLE])
    ws.append(["填报单位：芙蓉街道综合行政执法办（盖章）", None, None, None, None, None, None, None,
               None, None, None, None, None, "填报日期：2026年11月1日"])
    ws.append(TOP)
    ws.append(BELOW)
    for merged in ("A1:R1", "L3:M3", "N3:Q3", *(f"{c}3:{c}4" for c in "ABCDEFGHIJKR")):
        ws.merge_cells(merged)
    for index in range(1, rows + 1):
        ws.append(_row(index, rng, names, taken))
    ws.append([])
    ws.append([None, "填表人：张敏", None, None, "审核人：刘洋"])
    for letter in "LMQ":
        ws.column_dimensions[letter].width = 12
    workbook.save(path)
    share_strings(path)
    return path


_INLINE = re.compile(r'<c r="([A-Z]+\d+)"((?: s="\d+")?) t="inlineStr"><is><t(?: xml:space="preserve")?>'
                     r"(.*?)</t></is></c>", re.DOTALL)
_SST = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_SST_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
_SST_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"


def share_strings(path: Path) -> None:
    """Rewrite an openpyxl file's inline strings into a shared-strings table, as Excel
    and WPS store text."""
    with zipfile.ZipFile(path) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    index: dict[str, int] = {}

    def shared(match: re.Match[str]) -> str:
        number = index.setdefault(match.group(3), len(index))
        return f'<c r="{match.group(1)}"{match.group(2)} t="s"><v>{number}</v></c>'

    for name in [n for n in parts if n.startswith("xl/worksheets/sheet")]:
        parts[name] = _INLINE.sub(shared, parts[name].decode("utf-8")).encode("utf-8")
    items = "".join(f'<si><t xml:space="preserve">{text}</t></si>' for text in index)
    parts["xl/sharedStrings.xml"] = (f'<sst xmlns="{_SST}" count="{len(index)}" '
                                     f'uniqueCount="{len(index)}">{items}</sst>').encode()
    types = parts["[Content_Types].xml"].decode("utf-8")
    parts["[Content_Types].xml"] = types.replace("</Types>", (
        f'<Override PartName="/xl/sharedStrings.xml" ContentType="{_SST_TYPE}"/></Types>')).encode()
    rels = parts["xl/_rels/workbook.xml.rels"].decode("utf-8")
    parts["xl/_rels/workbook.xml.rels"] = rels.replace("</Relationships>", (
        f'<Relationship Type="{_SST_REL}" Target="sharedStrings.xml" Id="rIdShared"/>'
        "</Relationships>")).encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            target.writestr(name, data)


def read_only_iteration(path: Path) -> int:
    """The floor: every row of the file through openpyxl read-only, values only."""
    workbook = load_workbook(path, read_only=True, data_only=True)
    count = 0
    for sheet in workbook.worksheets:
        for _row in sheet.iter_rows(values_only=True):
            count += 1
    workbook.close()
    return count


def _fresh_folders(workdir: Path, template: Path) -> Iterator[AppContext]:
    """Migrated data folders, copied from ``template`` ahead of use."""
    number = 0
    while True:
        number += 1
        folder = workdir / f"run-{number}"
        shutil.rmtree(folder, ignore_errors=True)
        shutil.copytree(template, folder)
        yield open_context(folder)


def roster_import_case(workdir: Path, *, rows: int = ROWS, runs: int = 9) -> Case:
    """``runs`` fresh folders are prepared now (the harness times 1 warm-up and up to
    7 repetitions); more are copied on demand, inside the timing, if ever needed."""
    workdir.mkdir(parents=True, exist_ok=True)
    path = workdir / f"roster-{rows}.xlsx"
    if not path.exists():
        write_roster_file(path, rows)
    template = workdir / "template"
    shutil.rmtree(template, ignore_errors=True)
    open_migrated_context(template).close()
    folders = _fresh_folders(workdir / "runs", template)
    ready = [next(folders) for _ in range(runs)]
    previous: list[AppContext] = []

    def ours() -> None:
        context = ready.pop(0) if ready else next(folders)
        for done in previous:
            done.close()
        previous[:] = [context]
        import_roster(context.uow(), actor=LOCAL_ADMIN, path=path)

    def floor() -> None:
        read_only_iteration(path)

    return Case("import", ours, floor, bar_ratio=2.0, bar_text="≤ 2×")
