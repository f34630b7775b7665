"""What goes into the frozen app and what is trimmed out of it.

``subcenter.spec`` imports this module on every system, and the fast installer tests
import it too, so the rules are plain functions over paths with no PyInstaller import.
Paths in a PyInstaller TOC are destination names relative to the bundle, with the
system's separator; every rule here normalises them to ``/`` first.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Iterator
from pathlib import Path, PurePath

APP_NAME = "subcenter"
DISPLAY_NAME = "街道综合指挥分中心"
BUNDLE_ID = "cn.gov.subcenter.client"
ENTRY_MODULE = "ui.app"  # frozen_main.py calls ui.app.main()

# Folders copied as data at the same relative path as in the source tree, because the
# code finds them next to its own module (``Path(__file__).parent``): resources/ (fonts,
# qss, icons, translations, templates) and alembic's scripts (env.py, versions/*.py,
# script.py.mako), which alembic reads as files, not as imported modules.
DATA_FOLDERS = ("resources", "local_db/migrations")
DATA_SUFFIXES = {
    "resources": None,  # everything but Python sources
    "local_db/migrations": {".py", ".mako"},
}

# Our packages are imported by name at run time (page registry, settings tabs), so
# PyInstaller's import scan cannot see them all: collect them whole.
APP_PACKAGES = ("desktop", "ui", "local_db", "resources")
# Never in the bundle: tests, the reference district server, development tools, other
# Qt bindings qasync probes for, and the Qt modules the app does not use.
EXCLUDED_MODULES = (
    "tests", "district", "local_db.make_migration", "local_db.migrations",
    "pytest", "_pytest", "pytestqt", "hypothesis", "fitz", "pymupdf", "ruff",
    "importlinter", "grimp", "pip", "tkinter", "_tkinter", "IPython", "PIL",
    "PyQt5", "PyQt6", "PySide2",
    "PySide6.QtQml", "PySide6.QtQuick", "PySide6.QtQuickWidgets",
    "PySide6.QtQuickControls2", "PySide6.QtQuickTest", "PySide6.QtWebEngineCore",
    "PySide6.QtWebEngineWidgets", "PySide6.QtWebChannel", "PySide6.QtDesigner",
    "PySide6.QtHelp", "PySide6.QtUiTools", "PySide6.QtTest", "PySide6.QtSql",
    "PySide6.QtNetwork", "PySide6.QtOpenGL", "PySide6.QtOpenGLWidgets",
    "PySide6.QtConcurrent", "PySide6.QtXml", "PySide6.QtDBus", "PySide6.QtLabsStyleKit",
    "PySide6.QtQmlFeatures", "PySide6.QtPdf", "PySide6.QtPdfWidgets",
    "PySide6.QtMultimedia", "PySide6.QtCharts", "PySide6.QtDataVisualization",
)

KEPT_TRANSLATIONS = {"qtbase_zh_CN.qm"}
# Plugin folders the app needs: windowing on each system, images, input methods (ibus,
# compose), desktop themes, printing, styles. Everything else (QML tooling, designer,
# SQL drivers, network information, EGL/evdev for embedded boards) is dropped.
KEPT_PLUGIN_FOLDERS = {
    "platforms", "imageformats", "iconengines", "platforminputcontexts", "platformthemes",
    "printsupport", "styles", "xcbglintegrations", "wayland-decoration-client",
    "wayland-graphics-integration-client", "wayland-shell-integration",
}
DROPPED_PLUGINS = re.compile(
    r"(qeglfs|qlinuxfb|qminimalegl|qvkkhrdisplay|qvnc|qdirect2d|qtvirtualkeyboard"
    r"|qpdf|qtga|qtiff|qwbmp|qwebp)[^/]*$",
    re.IGNORECASE,
)
# Qt libraries (Linux .so, Windows .dll, macOS frameworks) only the trimmed modules use.
DROPPED_QT_LIBRARIES = re.compile(
    r"(^|/)(lib)?Qt6?(Quick|Qml|WebEngine|WebChannel|WebSockets|Pdf|VirtualKeyboard"
    r"|Designer|Help|Test|Sql|Multimedia|3D|Charts|DataVisualization|Graphs|Location"
    r"|Positioning|Sensors|SerialPort|RemoteObjects|Scxml|StateMachine|TextToSpeech"
    r"|HttpServer|Bluetooth|Nfc|SpatialAudio|ShaderTools|LabsStyleKit|UiTools)[^/]*$",
    re.IGNORECASE,
)
# Software OpenGL for Qt Quick on Windows (20 MB); a widgets app paints without it.
DROPPED_FILES = {"opengl32sw.dll"}


def project_version(root: Path) -> str:
    """The package version, the one number every installer carries."""
    with open(root / "pyproject.toml", "rb") as file:
        return str(tomllib.load(file)["project"]["version"])


def numeric_version(version: str) -> str:
    """``major.minor.patch`` as Windows Installer wants it (digits only, 3 fields)."""
    match = re.match(r"^(\d+)\.(\d+)(?:\.(\d+))?", version)
    if match is None:
        raise ValueError(f"version {version!r} does not start with major.minor")
    major, minor, patch = (int(part or 0) for part in match.groups())
    if major > 255 or minor > 255 or patch > 65535:
        raise ValueError(f"version {version!r} is out of the MSI range 255.255.65535")
    return f"{major}.{minor}.{patch}"


def data_files(root: Path) -> list[tuple[str, str]]:
    """(source file, destination folder) pairs for PyInstaller's ``datas``."""
    pairs: list[tuple[str, str]] = []
    for folder in DATA_FOLDERS:
        suffixes = DATA_SUFFIXES[folder]
        for path in sorted((root / folder).rglob("*")):
            if not path.is_file() or "__pycache__" in path.parts:
                continue
            if suffixes is None and path.suffix in {".py", ".pyc"}:
                continue
            if suffixes is not None and path.suffix not in suffixes:
                continue
            destination = path.parent.relative_to(root).as_posix()
            pairs.append((str(path), destination))
    return pairs


def keep_in_bundle(dest_name: str) -> bool:
    """False for a collected file the app does not need (see the module's rules)."""
    path = PurePath(dest_name).as_posix()
    name = path.rsplit("/", 1)[-1]
    if name.lower() in DROPPED_FILES:
        return False
    if path.endswith(".qm") and "/translations/" in f"/{path}":
        return name in KEPT_TRANSLATIONS
    if "/plugins/" in f"/{path}":
        folder = path.split("plugins/", 1)[1].split("/", 1)[0]
        if folder not in KEPT_PLUGIN_FOLDERS:
            return False
        return DROPPED_PLUGINS.search(path) is None
    if "/qml/" in f"/{path}":
        return False
    return DROPPED_QT_LIBRARIES.search(path) is None


def trim(entries: Iterable[tuple[str, str, str]]) -> Iterator[tuple[str, str, str]]:
    """A PyInstaller TOC (dest_name, src_name, typecode) without the unneeded files."""
    return (entry for entry in entries if keep_in_bundle(entry[0]))


def macos_minimum(pyside_dist_info: Path | None) -> str:
    """LSMinimumSystemVersion: the macOS the bundled PySide6 wheel was built for (its
    WHEEL tag, e.g. ``macosx_14_0_universal2``); 11.0 when it cannot be read."""
    if pyside_dist_info is not None:
        wheel = pyside_dist_info / "WHEEL"
        if wheel.exists():
            match = re.search(r"macosx_(\d+)_(\d+)_", wheel.read_text(encoding="utf-8"))
            if match:
                return f"{match.group(1)}.{match.group(2)}"
    return "11.0"
