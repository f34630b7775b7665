"""Self-check of a frozen bundle: is everything the app needs in it, and nothing trimmed?

    SUBCENTER_BUNDLE_CHECK=report.txt QT_QPA_PLATFORM=offscreen dist/subcenter/subcenter

``frozen_main.py`` runs this instead of the app when SUBCENTER_BUNDLE_CHECK names a file
(a windowed Windows program has no stdout, so the report goes there too). It exercises,
inside the frozen interpreter, what a missing hidden import or a too eager trim breaks
only when a user reaches that corner of the app:

- every module of desktop/, ui/, local_db/ imports (pages are imported by name);
- what the spec excluded is really absent (bundle-manifest.json, written by the spec:
  district, fastapi, uvicorn, test tools, unused Qt bindings, WebEngine first);
- QtCharts draws a chart, QtPdf renders a PDF page (no imageformats plugin needed),
  QtPrintSupport prints to PDF, the Chinese Qt translation loads, JPEG/SVG read;
- OR-Tools CP-SAT solves with parameters, workers and a solution callback (its native
  libraries and protobuf runtime), and the app's own scheduler proposes a demo week;
- Asia/Shanghai comes from the bundled tzdata with the system tz database switched off
  (what Windows has), and icalendar writes and reads it back;
- keyring lists its backends (entry-point metadata) and the system's backend imports;
- httpx builds a client (certifi's CA file), argon2 hashes, shapely computes.

Every import goes through ``importlib.import_module`` with a computed name, so this
module adds nothing to the bundle: it only sees what the spec collected. It prints
``ok``/``FAIL`` lines and exits 1 when anything failed. From a virtualenv
(``python installer/bundle_check.py report.txt``) it runs the same checks except the
absent ones (everything is installed there).
"""

from __future__ import annotations

import importlib
import json
import os
import pkgutil
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

MANIFEST = "bundle-manifest.json"


def _mod(name: str) -> Any:
    return importlib.import_module(name)


class Report:
    def __init__(self) -> None:
        self.lines: list[str] = []
        self.failed = 0

    def run(self, name: str, check: Callable[[], str]) -> None:
        started = time.perf_counter()
        try:
            detail = check()
        except Exception as error:
            self.failed += 1
            where = traceback.format_exception(error)[-2].strip().splitlines()[0]
            self.add(f"FAIL {name}: {error!r} ({where})")
        else:
            self.add(f"ok   {name}: {detail} [{time.perf_counter() - started:.2f} s]")

    def add(self, line: str) -> None:
        print(line, flush=True)
        self.lines.append(line)


def _manifest() -> dict:
    base = Path(getattr(sys, "_MEIPASS", Path(__file__).resolve().parent))
    path = base / MANIFEST
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


# --- Python side --------------------------------------------------------------------


def check_app_modules(manifest: dict) -> str:
    packages = manifest.get("app_packages", ["desktop", "ui", "local_db"])
    skip = tuple(manifest.get("skip_modules", ["local_db.migrations", "local_db.make_migration"]))
    names: list[str] = []
    for package in packages:
        root = _mod(package)
        names.append(package)
        for info in pkgutil.walk_packages(root.__path__, prefix=f"{package}."):
            if not info.name.startswith(skip):
                names.append(info.name)
    failures = []
    for name in names:
        try:
            _mod(name)
        except Exception as error:
            failures.append(f"{name}: {error!r}")
    if failures:
        raise ImportError("; ".join(failures[:8]) + (" …" if len(failures) > 8 else ""))
    if len(names) < 50:
        raise ImportError(f"only {len(names)} modules found: is the app collected?")
    return f"{len(names)} modules of {', '.join(packages)} import"


def check_absent(manifest: dict) -> str:
    util = _mod("importlib.util")
    absent = manifest.get("absent", [])
    present = []
    for name in absent:
        try:
            if util.find_spec(name) is not None:
                present.append(name)
        except (ImportError, ValueError):
            pass  # its parent package is absent: so is it
    if present:
        raise AssertionError(f"trimmed modules are in the bundle: {present}")
    return f"{len(absent)} excluded modules absent (e.g. {', '.join(absent[:6])})"


def check_ortools() -> str:
    cp_model = _mod("ortools.sat.python.cp_model")
    model = cp_model.CpModel()
    xs = [model.new_int_var(0, 10, f"x{i}") for i in range(6)]
    model.add_all_different(xs)
    model.add(sum(xs) >= 20)
    model.minimize(cp_model.LinearExpr.WeightedSum(xs, [1, 2, 3, 4, 5, 6]))

    class Counter(cp_model.CpSolverSolutionCallback):
        def __init__(self) -> None:
            super().__init__()
            self.solutions = 0

        def on_solution_callback(self) -> None:
            self.solutions += 1

    solver, counter = cp_model.CpSolver(), Counter()
    solver.parameters.max_time_in_seconds = 5.0
    solver.parameters.num_workers = 2
    status = solver.solve(model, counter)
    if status != cp_model.OPTIMAL or counter.solutions < 1:
        raise AssertionError(f"status {solver.status_name(status)}, {counter.solutions} callbacks")
    return (f"CP-SAT {_mod('ortools').__version__}: OPTIMAL objective "
            f"{solver.objective_value:.0f}, {counter.solutions} solution callback(s), 2 workers")


def check_scheduler() -> str:
    """The app's scheduler on a small demo week (desktop.scheduling)."""
    scheduling = _mod("desktop.scheduling")
    demo_week = _mod("desktop.scheduling.demo_week").demo_week
    actions, officers, existing = demo_week(7, actions=6, officers=120)
    proposal = scheduling.propose(actions, officers, existing_load=existing, time_limit_s=2.0)
    assigned = sum(len(people) for people in proposal.assignment.values())
    if not assigned:
        raise AssertionError("the proposal assigns nobody")
    return f"propose(): {len(actions)} actions, {assigned} assignments"


def check_timezone() -> str:
    zoneinfo = _mod("zoneinfo")
    datetime = _mod("datetime")
    saved = zoneinfo.TZPATH
    zoneinfo.reset_tzpath(to=[])  # no system tz database, as on Windows: tzdata only
    try:
        zone = zoneinfo.ZoneInfo.no_cache("Asia/Shanghai")
        offset = datetime.datetime(2026, 7, 1, 12, tzinfo=zone).utcoffset()
    finally:
        zoneinfo.reset_tzpath(to=saved)
    if offset != datetime.timedelta(hours=8):
        raise AssertionError(f"Asia/Shanghai offset {offset}")
    icalendar = _mod("icalendar")
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//subcenter//bundle check//ZH")
    calendar.add("version", "2.0")
    calendar.add_component(icalendar.Timezone.from_tzinfo(zone))
    event = icalendar.Event()
    event.add("uid", "bundle-check@subcenter")
    event.add("summary", "联合执法行动")
    event.add("dtstart", datetime.datetime(2026, 7, 1, 9, tzinfo=zone))
    calendar.add_component(event)
    back = icalendar.Calendar.from_ical(calendar.to_ical())
    start = next(iter(back.walk("VEVENT")))["DTSTART"].dt
    if start.utcoffset() != datetime.timedelta(hours=8) or "VTIMEZONE" not in str(
            calendar.to_ical()):
        raise AssertionError(f"icalendar round trip gave {start!r}")
    return (f"Asia/Shanghai from tzdata {_mod('tzdata').IANA_VERSION}; icalendar "
            f"{icalendar.__version__} VTIMEZONE + VEVENT round trip")


def check_keyring() -> str:
    metadata = _mod("importlib.metadata")
    points = sorted(ep.name for ep in metadata.entry_points(group="keyring.backends"))
    if not points:
        raise AssertionError("no keyring.backends entry points (keyring's metadata missing)")
    if sys.platform == "win32":
        system = ["keyring.backends.Windows", "win32ctypes.pywin32.win32cred"]
    elif sys.platform == "darwin":
        system = ["keyring.backends.macOS", "keyring.backends.macOS.api"]
    else:
        system = ["keyring.backends.SecretService", "secretstorage", "secretstorage.dhcrypto",
                  "keyring.backends.kwallet", "jeepney.io.blocking"]
    for name in system:
        _mod(name)
    backend = _mod("keyring").get_keyring()
    return (f"entry points {points}; {', '.join(system)} import; "
            f"active here: {type(backend).__module__}.{type(backend).__name__}")


def check_network_and_natives() -> str:
    httpx = _mod("httpx")
    certifi = _mod("certifi")
    with httpx.Client(timeout=1.0):
        pass
    if not Path(certifi.where()).is_file():
        raise AssertionError(f"certifi CA file missing: {certifi.where()}")
    hasher = _mod("argon2").PasswordHasher()
    if not hasher.verify(hasher.hash("自检"), "自检"):
        raise AssertionError("argon2 verify failed")
    shapely = _mod("shapely")
    area = shapely.box(0, 0, 2, 3).area
    return f"httpx {httpx.__version__} client (certifi CA), argon2 hash, shapely area {area:.0f}"


def check_migrations() -> str:
    migrate = _mod("local_db.migrate")
    head = migrate.head_revision()
    return f"alembic scripts found, head {head}"


# --- Qt side --------------------------------------------------------------------------


def _reportlab_pdf(path: Path) -> bytes:
    canvas = _mod("reportlab.pdfgen.canvas")
    page = canvas.Canvas(str(path), pagesize=(595, 842))
    page.setFont("Helvetica-Bold", 48)
    page.drawString(72, 700, "BUNDLE CHECK")
    page.rect(72, 400, 300, 200, fill=1)
    page.showPage()
    page.save()
    return path.read_bytes()


def _dark_pixels(image: Any) -> int:  # a QImage
    return sum(1 for x in range(0, image.width(), 4) for y in range(0, image.height(), 4)
               if image.pixelColor(x, y).lightness() < 100)


def check_qt_bindings(manifest: dict) -> str:
    wanted = manifest.get("qt_bindings") or ["QtCore", "QtGui", "QtWidgets", "QtCharts",
                                             "QtPdf", "QtPdfWidgets", "QtPrintSupport"]
    for name in wanted:
        _mod(f"PySide6.{name}")
    core = _mod("PySide6.QtCore")
    return f"PySide6 {_mod('PySide6').__version__} (Qt {core.qVersion()}): {', '.join(wanted)}"


def check_charts() -> str:
    charts = _mod("PySide6.QtCharts")
    core = _mod("PySide6.QtCore")
    chart = charts.QChart()
    series = charts.QBarSeries()
    bars = charts.QBarSet("诉求")
    bars.append([3, 5, 2, 8])
    series.append(bars)
    chart.addSeries(series)
    chart.createDefaultAxes()
    view = charts.QChartView(chart)
    view.resize(core.QSize(400, 300))
    image = view.grab().toImage()
    if image.isNull() or _dark_pixels(image) == 0:
        raise AssertionError("the chart view painted nothing")
    return f"QChartView painted a bar chart ({image.width()}×{image.height()})"


def check_pdf(folder: Path) -> str:
    pdf_module = _mod("PySide6.QtPdf")
    widgets = _mod("PySide6.QtPdfWidgets")
    core = _mod("PySide6.QtCore")
    data = _reportlab_pdf(folder / "check.pdf")
    buffer = core.QBuffer()
    buffer.setData(core.QByteArray(data))
    buffer.open(core.QIODevice.OpenModeFlag.ReadOnly)
    document = pdf_module.QPdfDocument()
    document.load(buffer)
    if document.status() != pdf_module.QPdfDocument.Status.Ready or document.pageCount() != 1:
        raise AssertionError(f"QPdfDocument status {document.status()}, {document.error()}")
    image = document.render(0, core.QSize(298, 421))
    if image.isNull() or _dark_pixels(image) < 50:
        raise AssertionError("QPdfDocument.render gave a blank page")
    view = widgets.QPdfView()
    view.setDocument(document)
    return f"QPdfDocument rendered a reportlab page ({_dark_pixels(image)} dark samples); QPdfView"


def check_printing(folder: Path) -> str:
    printing = _mod("PySide6.QtPrintSupport")
    gui = _mod("PySide6.QtGui")
    target = folder / "printed.pdf"
    printer = printing.QPrinter(printing.QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(printing.QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(target))
    painter = gui.QPainter(printer)
    painter.drawText(100, 100, "自检 bundle check")
    painter.end()
    if not target.read_bytes().startswith(b"%PDF-"):
        raise AssertionError("QPrinter wrote no PDF")
    return f"QPrinter (PdfFormat) wrote {target.stat().st_size} bytes"


def check_qt_resources() -> str:
    core = _mod("PySide6.QtCore")
    gui = _mod("PySide6.QtGui")
    folder = core.QLibraryInfo.path(core.QLibraryInfo.LibraryPath.TranslationsPath)
    translator = core.QTranslator()
    if not translator.load("qtbase_zh_CN", folder):
        raise AssertionError(f"qtbase_zh_CN.qm not found in {folder}")
    formats = {bytes(f).decode() for f in gui.QImageReader.supportedImageFormats()}
    missing = {"png", "jpg", "svg", "ico"} - formats
    if missing:
        raise AssertionError(f"image formats missing: {sorted(missing)}")
    return f"qtbase_zh_CN.qm loads; image formats {', '.join(sorted(formats))}"


# --- driver ---------------------------------------------------------------------------


def run(target: Path | None) -> int:
    report = Report()
    manifest = _manifest()
    frozen = getattr(sys, "frozen", False)
    report.add(f"bundle check of subcenter {manifest.get('version', '?')} "
               f"({'frozen' if frozen else 'not frozen'}, {sys.platform})")
    report.run("app modules", lambda: check_app_modules(manifest))
    if manifest and frozen:
        report.run("trimmed modules absent", lambda: check_absent(manifest))
    report.run("alembic migrations", check_migrations)
    report.run("OR-Tools CP-SAT", check_ortools)
    report.run("app scheduler", check_scheduler)
    report.run("tzdata + icalendar", check_timezone)
    report.run("keyring backends", check_keyring)
    report.run("httpx, argon2, shapely", check_network_and_natives)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    widgets = _mod("PySide6.QtWidgets")
    app = widgets.QApplication.instance() or widgets.QApplication(sys.argv[:1])
    with tempfile.TemporaryDirectory(prefix="subcenter-check-") as temp:
        report.run("Qt bindings", lambda: check_qt_bindings(manifest))
        report.run("QtCharts", check_charts)
        report.run("QtPdf", lambda: check_pdf(Path(temp)))
        report.run("QtPrintSupport", lambda: check_printing(Path(temp)))
        report.run("Qt translation and image formats", check_qt_resources)
    del app
    summary = f"bundle check: {len(report.lines) - 1 - report.failed} ok, {report.failed} failed"
    report.add(summary)
    if target is not None:
        target.write_text("\n".join(report.lines) + "\n", encoding="utf-8")
    return 1 if report.failed else 0


if __name__ == "__main__":
    sys.exit(run(Path(sys.argv[1]) if len(sys.argv) > 1 else None))
