"""What goes into the frozen app and what is trimmed out of it.

``subcenter.spec`` imports this module on every system, and the fast installer tests
import it too, so the rules are plain functions over paths with no PyInstaller import.
Paths in a PyInstaller TOC are destination names relative to the bundle, with the
system's separator; every rule here normalises them to ``/`` first.
"""

from __future__ import annotations

import ast
import re
import tomllib
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

TocEntry = tuple[str, str, str]  # (dest_name, src_name, typecode)

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

# The PySide6 bindings the app imports. PySide6-Addons brings some forty more (WebEngine,
# 3D, Multimedia, Quick/QML, Designer, …) and PyInstaller's Qt hooks pull a few of them
# in as "dependencies" (QtCharts' hook adds QtOpenGL and QtOpenGLWidgets, 8.6 MB of
# bindings nothing imports: QtCharts needs only their C++ libraries, which stay). The spec
# excludes every installed binding not listed here (``qt_binding_excludes``), so a new
# Addons module can never slip into the bundle. QtSvg is allowed but not forced: the SVG
# icon and image plugins need only libQt6Svg.
REQUIRED_QT_BINDINGS = frozenset({
    "QtCore", "QtGui", "QtWidgets", "QtPrintSupport",
    "QtCharts",  # the 工作台 charts (ui/widgets/charts.py)
    "QtPdf", "QtPdfWidgets",  # the document preview (ui/widgets/pdf_preview.py)
})
KEPT_QT_BINDINGS = REQUIRED_QT_BINDINGS | {"QtSvg", "QtSvgWidgets"}

# Never in the bundle: tests, the reference district server and its web stack, development
# tools, other Qt bindings qasync probes for, the Qt modules a widgets app has no use for,
# and optional extras of our dependencies that nothing of ours reaches. PyInstaller only
# collects modules something imports, so these names matter when a dependency drags one
# in; a module the app uses (QtCharts, QtPdf, QtPrintSupport, QtSvg) is never listed.
EXCLUDED_MODULES = (
    "tests", "district", "local_db.make_migration", "local_db.migrations",
    # the reference district server's stack and the test tools (pyproject's extras)
    "fastapi", "uvicorn", "starlette", "schemathesis", "hypothesis", "hypothesis_graphql",
    "pytest", "_pytest", "pytestqt", "pytest_timeout", "ruff", "importlinter", "grimp",
    "pip", "tkinter", "_tkinter", "IPython", "yaml", "pygments",
    # httpx's command-line client (httpx._main) drags in rich, click and markdown-it;
    # httpx imports it inside try/except and works without it.
    "httpx._main", "rich", "click", "markdown_it",
    # Pillow's AVIF codec (libavif, 4.7 MB): the app never decodes AVIF (Pillow imports
    # its format plugins inside try/except); Tk is not in the bundle.
    "PIL._avif", "PIL.AvifImagePlugin", "PIL.ImageTk", "PIL._imagingtk",
    "PyQt5", "PyQt6", "PySide2",
    # WebEngine first: never wanted (200 MB on Windows with its resources)
    "PySide6.QtWebEngineCore", "PySide6.QtWebEngineWidgets", "PySide6.QtWebEngineQuick",
    "PySide6.QtWebChannel", "PySide6.QtWebView", "PySide6.QtWebSockets",
    "PySide6.QtQml", "PySide6.QtQuick", "PySide6.QtQuickWidgets", "PySide6.QtQuickControls2",
    "PySide6.QtQuickTest", "PySide6.QtQuick3D", "PySide6.QtQmlFeatures",
    "PySide6.Qt3DCore", "PySide6.Qt3DRender", "PySide6.Qt3DInput", "PySide6.Qt3DLogic",
    "PySide6.Qt3DAnimation", "PySide6.Qt3DExtras",
    "PySide6.QtMultimedia", "PySide6.QtMultimediaWidgets", "PySide6.QtSpatialAudio",
    "PySide6.QtTextToSpeech", "PySide6.QtDataVisualization", "PySide6.QtGraphs",
    "PySide6.QtGraphsWidgets", "PySide6.QtCanvasPainter", "PySide6.QtLocation",
    "PySide6.QtPositioning", "PySide6.QtSensors", "PySide6.QtSerialPort",
    "PySide6.QtSerialBus", "PySide6.QtBluetooth", "PySide6.QtNfc", "PySide6.QtRemoteObjects",
    "PySide6.QtScxml", "PySide6.QtStateMachine", "PySide6.QtHttpServer",
    "PySide6.QtNetworkAuth", "PySide6.QtSql", "PySide6.QtConcurrent", "PySide6.QtXml",
    "PySide6.QtAxContainer", "PySide6.QtDesigner", "PySide6.QtHelp", "PySide6.QtUiTools",
    "PySide6.QtTest", "PySide6.QtLabsStyleKit",
    # Added by the QtCharts hook; only their C++ libraries are needed (see above).
    "PySide6.QtOpenGL", "PySide6.QtOpenGLWidgets",
    # PyInstaller's PySide6 hooks add these two; the app talks HTTP through httpx and never
    # uses D-Bus itself (QtGui's own D-Bus use goes through libQt6DBus, which stays; QtPdf
    # links libQt6Network, which stays too: only the Python bindings are left out).
    "PySide6.QtNetwork", "PySide6.QtDBus",
)

# Installed for the tests only (pyproject's ``test`` extra). They are left out unless a
# module of the app imports them at run time: then they stay, since leaving them out
# would break that module (``test_only_excludes`` reads the app's sources to decide).
TEST_ONLY_MODULES = {"pymupdf": ("pymupdf", "fitz"), "fitz": ("pymupdf", "fitz")}

KEPT_TRANSLATIONS = {"qtbase_zh_CN.qm"}
# Plugin folders the app needs: windowing on each system, images, input methods (ibus,
# compose), desktop themes, printing, styles. Everything else (QML tooling, designer,
# SQL drivers, network information, EGL/evdev for embedded boards) is dropped.
KEPT_PLUGIN_FOLDERS = {
    "platforms", "imageformats", "iconengines", "platforminputcontexts", "platformthemes",
    "printsupport", "styles", "xcbglintegrations", "wayland-decoration-client",
    "wayland-graphics-integration-client", "wayland-shell-integration",
}
# imageformats/qpdf (a QImage reader for PDF files) is dropped too: QtPdf's QPdfDocument
# renders through the PDFium inside libQt6Pdf and needs no plugin (the frozen bundle check
# renders a page to prove it), and the plugin would link libQt6Pdf even into a build
# without the preview.
DROPPED_PLUGINS = re.compile(
    r"(qeglfs|qlinuxfb|qminimalegl|qvkkhrdisplay|qvnc|qdirect2d|qtvirtualkeyboard|qgtk3"
    r"|qpdf|qtga|qtiff|qwbmp|qwebp)[^/]*$",
    re.IGNORECASE,
)
# Qt libraries (Linux .so, Windows .dll, macOS frameworks) only the excluded modules and
# the dropped plugins use. On Linux, prune_orphans also removes whatever else they left.
# Kept on purpose: Charts, OpenGL and OpenGLWidgets (libQt6Charts links them), Pdf and
# PdfWidgets, Network (libQt6Pdf links it), Svg (icon/image plugins), DBus, Wayland/Xcb.
DROPPED_QT_LIBRARIES = re.compile(
    r"(^|/)(lib)?Qt6?(Quick|Qml|WebEngine|WebChannel|WebView|WebSockets|VirtualKeyboard"
    r"|Designer|Help|UiTools|Test|3D|ShaderTools|LabsStyleKit|Graphs|DataVisualization"
    r"|Location|Positioning|Scxml|StateMachine|RemoteObjects|Sensors|SerialPort|SerialBus"
    r"|Bluetooth|Nfc|HttpServer|NetworkAuth|SpatialAudio|TextToSpeech|Multimedia|FFmpeg"
    r"|CanvasPainter|PdfQuick|Sql|Concurrent|Xml)[^/]*$",
    re.IGNORECASE,
)
# Software OpenGL for Qt Quick on Windows (20 MB); a widgets app paints without it.
DROPPED_FILES = {"opengl32sw.dll"}
# The tzdata package is the time-zone database where the system has none (Windows): the
# app needs Asia/Shanghai (joint actions in iCalendar). Its ~600 zone files would double
# the bundle's file count (one MSI component each), so only China's zones, UTC and the
# index files stay.
KEPT_TZDATA = re.compile(
    r"^tzdata/(zones|zoneinfo/(Asia/(Shanghai|Chongqing|Chungking|Harbin|Urumqi|Kashgar"
    r"|Hong_Kong|Macau|Macao|Taipei)|Etc/(UTC|UCT|GMT|Universal|Zulu)|UTC|UCT|GMT|PRC"
    r"|Universal|Zulu|[^/]+\.(tab|zi)|leapseconds))$"
)


def qt_binding_excludes(installed: Iterable[str]) -> list[str]:
    """``PySide6.<name>`` for every installed binding the app does not use.

    ``installed`` are the binding names found in the PySide6 package (``QtCore``,
    ``QtWebEngineCore``, …, from ``QtCore.abi3.so``/``QtCore.pyd``); the spec passes them
    so that a binding a future Addons wheel adds is excluded without editing this file.
    """
    return sorted(f"PySide6.{name}" for name in set(installed) - KEPT_QT_BINDINGS
                  if re.fullmatch(r"Qt[A-Za-z0-9]+", name))


def imported_names(root: Path, packages: Iterable[str] = APP_PACKAGES) -> set[str]:
    """Top-level module names the app's sources import (``import x``, ``from x.y import``),
    anywhere in a module, lazily inside functions included."""
    names: set[str] = set()
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            try:
                tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
            except SyntaxError:
                continue  # a file being edited; the freeze itself will report it
            for node in ast.walk(tree):
                if isinstance(node, ast.Import):
                    names.update(alias.name.split(".")[0] for alias in node.names)
                elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                    names.add(node.module.split(".")[0])
    return names


def test_only_excludes(app_imports: set[str]) -> list[str]:
    """The test-only packages to exclude: all of them, except the ones the app imports
    (and their aliases, e.g. ``fitz`` for ``pymupdf``)."""
    used = {alias for name in app_imports & TEST_ONLY_MODULES.keys()
            for alias in TEST_ONLY_MODULES[name]}
    return sorted({alias for aliases in TEST_ONLY_MODULES.values() for alias in aliases} - used)


def excluded_modules(root: Path, installed_qt_bindings: Iterable[str]) -> list[str]:
    """Everything the spec passes to ``Analysis(excludes=…)``."""
    return sorted({*EXCLUDED_MODULES, *qt_binding_excludes(installed_qt_bindings),
                   *test_only_excludes(imported_names(root))})


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
    path = _posix(dest_name)
    name = path.rsplit("/", 1)[-1]
    if name.lower() in DROPPED_FILES:
        return False
    if path.startswith("tzdata/"):
        return KEPT_TZDATA.match(path) is not None or path.endswith(".py")
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


def trim(entries: Iterable[TocEntry]) -> Iterator[TocEntry]:
    """A PyInstaller TOC (dest_name, src_name, typecode) without the unneeded files."""
    return (entry for entry in entries if keep_in_bundle(entry[0]))


# Shared libraries loaded with dlopen() rather than linked: no kept file names them.
LOADED_AT_RUN_TIME = re.compile(r"^(libpython|libdbus-1)")


def _posix(path: str) -> str:
    """A TOC path with ``/`` separators (Windows TOCs use ``\\``, on any host)."""
    return path.replace("\\", "/")


def _basename(path: str) -> str:
    return _posix(path).rsplit("/", 1)[-1]


def _is_shared_library(entry: TocEntry) -> bool:
    dest, _src, typecode = entry
    name = _basename(dest)
    return (typecode == "BINARY" and name.startswith("lib") and ".so" in name
            and "/plugins/" not in f"/{_posix(dest)}")


def prune_orphans(entries: Iterable[TocEntry],
                  imports_of: Callable[[str], Iterable[str]]) -> list[TocEntry]:
    """Drop Linux shared libraries that no kept binary links against.

    PyInstaller collects a plugin's libraries before ``trim`` drops the plugin (GTK,
    cairo and pango stay behind the GTK theme plugin, Kerberos behind QtNetwork). Starting
    from every extension module, plugin and executable, follow the link-time imports
    (``imports_of(source path)`` gives the names) and keep only the libraries reached.
    """
    entries = list(entries)
    libraries = {_basename(e[0]): e for e in entries if _is_shared_library(e)}
    stack = [e for e in entries if e[2] in {"BINARY", "EXTENSION", "EXECUTABLE"}
             and _basename(e[0]) not in libraries]
    stack += [e for name, e in libraries.items() if LOADED_AT_RUN_TIME.match(name)]
    reached = {_basename(e[0]) for e in stack}
    while stack:
        entry = stack.pop()
        for imported in imports_of(entry[1]):
            name = _basename(imported)
            if name in libraries and name not in reached:
                reached.add(name)
                stack.append(libraries[name])
    return [e for e in entries if not _is_shared_library(e) or _basename(e[0]) in reached]


# Linux: libraries the target desktops (统信 UOS V20, 麒麟 Kylin V10, Debian 10+) provide
# and the .deb names in Depends (installer/linux/control.in). PyInstaller copies them from
# the build machine, and a copy from a newer system needs its newer glibc (libX11, glib,
# libstdc++ of Debian 12 need GLIBC_2.34-2.36: installer/glibc_floor.py). The system's
# own copies also match its X server, GL driver and fonts. What wheels vendor (hashed
# names such as libxcb-9065bb12.so, Qt's own libraries) comes from site-packages and stays.
SYSTEM_PROVIDED_LIBRARIES = re.compile(
    r"^lib("
    # X11 / xcb platform. libxcb-util.so.1 stays bundled: Debian 10 (UOS V20's base) has
    # only libxcb-util0 (.so.0), and the copy needs nothing newer than GLIBC_2.14.
    r"X11|X11-xcb|Xau|Xdmcp|xcb|xcb-(?!util\.so)[a-z-]+|xkbcommon|xkbcommon-x11"
    r"|GL|EGL|GLX|OpenGL|GLdispatch|drm|gbm|wayland-[a-z]+"  # GL, Wayland
    r"|fontconfig|freetype|png16|expat|brotli[a-z]*|harfbuzz|graphite2"  # fonts
    r"|glib-2\.0|gobject-2\.0|gio-2\.0|gmodule-2\.0|gthread-2\.0|pcre2?-8?"  # glib
    r"|dbus-1|systemd|cap|gcrypt|gpg-error|lz4|zstd"  # D-Bus and what libsystemd links
    r"|cups|avahi-[a-z]+|gnutls|p11-kit|idn2|unistring|tasn1|nettle|hogweed|gmp"  # printing
    r"|gssapi_krb5|krb5|k5crypto|krb5support|com_err|keyutils"  # Kerberos (QtNetwork)
    r"|bsd|md|stdc\+\+|gcc_s"  # libXdmcp's helpers; the C++ runtime (libstdc++6 (>= 8))
    r")\.so(\.\d+)*$"
)
SYSTEM_LIBRARY_DIRS = ("/lib/", "/lib64/", "/usr/lib/", "/usr/lib64/", "/usr/local/lib/")


def drop_system_libraries(entries: Iterable[TocEntry]) -> list[TocEntry]:
    """Linux only: the TOC without the system libraries the .deb depends on instead.

    Only files copied from the system's library folders go; a wheel's own copy of the
    same library (under site-packages, usually with a hashed name) stays, and so do the
    libraries of the Python runtime itself (libpython, and libssl/libffi/... of the
    interpreter's extension modules when the build uses the system's Python).
    """
    def provided(entry: TocEntry) -> bool:
        dest, source, typecode = entry
        source = _posix(source)
        return (typecode == "BINARY" and source.startswith(SYSTEM_LIBRARY_DIRS)
                and "-packages/" not in source
                and SYSTEM_PROVIDED_LIBRARIES.match(_basename(dest)) is not None)

    return [entry for entry in entries if not provided(entry)]


def drop_dangling_symlinks(entries: Iterable[TocEntry],
                           collected: Iterable[TocEntry]) -> list[TocEntry]:
    """``entries`` without the SYMLINK entries whose target is no longer ``collected``
    (PyInstaller lists the top-level links to Qt's libraries among the datas)."""
    files = {_posix(e[0]) for e in collected if e[2] != "SYMLINK"}
    return [e for e in entries if e[2] != "SYMLINK" or _symlink_target(e) in files]


def _symlink_target(entry: TocEntry) -> str:
    """Bundle-relative path a SYMLINK entry points to (its source is relative to it)."""
    dest, target, _typecode = entry
    parts = _posix(dest).split("/")[:-1]
    for part in _posix(target).split("/"):
        if part == "..":
            parts.pop()
        elif part not in {"", "."}:
            parts.append(part)
    return "/".join(parts)


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
