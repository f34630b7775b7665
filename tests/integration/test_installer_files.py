"""Fast checks of the installer sources (no freezing; installer/verify-linux.sh builds).

What a broken installer build would otherwise only show at release time: the spec and
its rules (data folders, what is trimmed), the WiX source (fixed UpgradeCode, upgrade
rows, per-machine, ASCII names), the payload generator, the .desktop entry, the scripts,
the CI workflow, the icons, and the smoke artifacts the frozen app must write.
"""

from __future__ import annotations

import ast
import configparser
import importlib.util
import re
import shutil
import subprocess
import sys
import tomllib
import xml.etree.ElementTree as ET
from pathlib import Path
from types import ModuleType

import pytest
from openpyxl import load_workbook
from PIL import Image

from desktop import __version__
from desktop.bootstrap import AppContext, open_context
from desktop.domain.errors import ConflictError
from desktop.smoke import write_smoke_artifacts

ROOT = Path(__file__).resolve().parents[2]
INSTALLER = ROOT / "installer"
WXS = INSTALLER / "wix" / "subcenter.wxs"
WIX = "{http://schemas.microsoft.com/wix/2006/wi}"
# Generated once for the first release; every future MSI must carry the same one, or
# Windows would install a new version beside the old instead of upgrading it.
FIXED_UPGRADE_CODE = "C6C99E50-8D38-47B5-8521-ABF365215882"
SCRIPTS = ("build-linux.sh", "build-msi.sh", "build-deb.sh", "build-dmg.sh", "verify-linux.sh")


def _load(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[path.stem] = module
    spec.loader.exec_module(module)
    return module


sys.path.insert(0, str(INSTALLER))  # checks.py imports freeze_rules by name
rules = _load(INSTALLER / "freeze_rules.py")
payload = _load(INSTALLER / "wix" / "payload.py")
checks = _load(INSTALLER / "checks.py")
linux_deps = _load(INSTALLER / "linux_deps.py")


# --- the spec and its rules ------------------------------------------------------------


def test_spec_parses_and_uses_the_shared_rules() -> None:
    source = (INSTALLER / "subcenter.spec").read_text(encoding="utf-8")
    ast.parse(source)
    for needle in ("import freeze_rules as rules", "rules.data_files(ROOT)", "frozen_main.py",
                   "rules.trim(a.binaries)", "rules.EXCLUDED_MODULES", "BUNDLE(",
                   "LSMinimumSystemVersion", "NSHighResolutionCapable", "rules.BUNDLE_ID"):
        assert needle in source, needle
    assert (INSTALLER / "frozen_main.py").read_text(encoding="utf-8").count("from ui.app import main")


def test_data_files_ship_migrations_and_resources_at_their_source_paths() -> None:
    pairs = rules.data_files(ROOT)
    destinations = {(Path(src).name, dest) for src, dest in pairs}
    assert ("script.py.mako", "local_db/migrations") in destinations
    assert ("env.py", "local_db/migrations") in destinations
    versions = {name for name, dest in destinations if dest == "local_db/migrations/versions"}
    on_disk = {p.name for p in (ROOT / "local_db/migrations/versions").glob("*.py")}
    assert versions == on_disk and any(name.startswith("0001_") for name in versions)
    assert ("wqy-microhei.ttc", "resources/fonts") in destinations
    assert ("app.qss", "resources/qss") in destinations
    assert ("subcenter.png", "resources/icons") in destinations
    for src, dest in pairs:  # found at run time next to the module: same relative path
        assert Path(src).parent.relative_to(ROOT).as_posix() == dest
        assert "__pycache__" not in src and not src.endswith(".pyc")
    assert not any(dest == "resources" and src.endswith(".py") for src, dest in pairs)
    assert {"resources", "local_db/migrations"} == set(rules.DATA_FOLDERS)


def test_excluded_modules_keep_tests_district_and_dev_tools_out() -> None:
    for name in ("tests", "district", "pytest", "hypothesis", "local_db.make_migration",
                 "PySide6.QtQuick", "PySide6.QtQml", "PySide6.QtWebEngineCore"):
        assert name in rules.EXCLUDED_MODULES
    assert not {"desktop", "ui", "local_db", "alembic", "PySide6.QtWidgets", "PySide6.QtCharts",
                "PySide6.QtPrintSupport", "PySide6.QtPdf", "PySide6.QtSvg"} & set(
        rules.EXCLUDED_MODULES)


@pytest.mark.parametrize(("dest", "kept"), [
    ("PySide6/Qt/translations/qtbase_zh_CN.qm", True),
    ("PySide6/Qt/translations/qtbase_de.qm", False),
    ("PySide6/translations/qtbase_zh_CN.qm", True),  # Windows wheel layout
    ("PySide6/Qt/plugins/platforms/libqxcb.so", True),
    ("PySide6/Qt/plugins/platforms/libqoffscreen.so", True),
    ("PySide6/plugins/platforms/qwindows.dll", True),
    ("PySide6/Qt/plugins/platforms/libqcocoa.dylib", True),
    ("PySide6/Qt/plugins/platforms/libqeglfs.so", False),
    ("PySide6/Qt/plugins/platformthemes/libqgtk3.so", False),
    ("PySide6/Qt/plugins/qmltooling/libqmldbg_tcp.so", False),
    ("PySide6/Qt/plugins/sqldrivers/libqsqlite.so", False),
    ("PySide6/Qt/plugins/imageformats/libqjpeg.so", True),
    ("PySide6/Qt/plugins/imageformats/libqpdf.so", False),
    ("PySide6/Qt/lib/libQt6Widgets.so.6", True),
    ("PySide6/Qt/lib/libQt6Quick.so.6", False),
    ("PySide6/Qt/lib/libQt6Charts.so.6", True),  # a widgets chart page may come
    ("PySide6/Qt6PrintSupport.dll", True),
    ("PySide6/Qt6WebEngineCore.dll", False),
    ("PySide6/Qt/lib/QtQml.framework/Versions/A/QtQml", False),
    ("PySide6/Qt/qml/QtQuick/Controls/qmldir", False),
    ("PySide6/opengl32sw.dll", False),
    ("resources/fonts/wqy-microhei.ttc", True),
    ("local_db/migrations/versions/0001_initial.py", True),
])
def test_trim_rules(dest: str, kept: bool) -> None:
    assert rules.keep_in_bundle(dest) is kept
    assert rules.keep_in_bundle(dest.replace("/", "\\")) is kept  # Windows TOC paths


def test_prune_orphans_follows_link_time_imports() -> None:
    entries = [
        ("PySide6/QtGui.abi3.so", "/src/QtGui.abi3.so", "EXTENSION"),
        ("PySide6/Qt/lib/libQt6Gui.so.6", "/src/libQt6Gui.so.6", "BINARY"),
        ("libfreetype.so.6", "/usr/lib/libfreetype.so.6", "BINARY"),
        ("libpango-1.0.so.0", "/usr/lib/libpango-1.0.so.0", "BINARY"),  # left by gtk3 theme
        ("libpython3.11.so.1.0", "/usr/lib/libpython3.11.so.1.0", "BINARY"),  # dlopen()ed
        ("PySide6/Qt/plugins/platforms/libqxcb.so", "/src/libqxcb.so", "BINARY"),
    ]
    graph = {"/src/QtGui.abi3.so": ["libQt6Gui.so.6"],
             "/src/libQt6Gui.so.6": ["/usr/lib/libfreetype.so.6", "libc.so.6"]}
    kept = rules.prune_orphans(entries, lambda source: graph.get(source, []))
    names = [Path(dest).name for dest, _src, _type in kept]
    assert names == ["QtGui.abi3.so", "libQt6Gui.so.6", "libfreetype.so.6",
                     "libpython3.11.so.1.0", "libqxcb.so"]
    datas = [("libQt6Gui.so.6", "PySide6/Qt/lib/libQt6Gui.so.6", "SYMLINK"),
             ("libQt6Network.so.6", "PySide6/Qt/lib/libQt6Network.so.6", "SYMLINK")]
    assert rules.drop_dangling_symlinks(datas, kept) == datas[:1]


def test_versions() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert rules.project_version(ROOT) == pyproject["project"]["version"] == __version__
    assert rules.numeric_version("1.2") == "1.2.0"
    assert rules.numeric_version("0.3.1rc2") == "0.3.1"
    for bad in ("v1", "256.0.0", "1.2.70000"):
        with pytest.raises(ValueError):
            rules.numeric_version(bad)


def test_macos_minimum_comes_from_the_pyside_wheel_tag(tmp_path: Path) -> None:
    (tmp_path / "WHEEL").write_text("Wheel-Version: 1.0\nTag: cp310-abi3-macosx_14_0_universal2\n")
    assert rules.macos_minimum(tmp_path) == "14.0"
    assert rules.macos_minimum(None) == "11.0"


# --- the WiX source and the payload generator ------------------------------------------


def _wxs() -> tuple[str, ET.Element]:
    text = WXS.read_text(encoding="utf-8")
    return text, ET.fromstring(text.encode("utf-8"))


def test_wxs_is_well_formed_wix3_with_a_fixed_upgrade_code() -> None:
    text, root = _wxs()
    assert root.tag == f"{WIX}Wix"
    assert f'<?define UpgradeCode = "{FIXED_UPGRADE_CODE}"?>' in text
    product = root.find(f"{WIX}Product")
    assert product is not None
    assert product.get("Id") == "*"  # a new ProductCode for every build
    assert product.get("UpgradeCode") == "$(var.UpgradeCode)"
    assert product.get("Version") == "$(var.Version)"
    package = product.find(f"{WIX}Package")
    assert package is not None and package.get("InstallScope") == "perMachine"
    properties = {p.get("Id"): p.get("Value") for p in product.iter(f"{WIX}Property")}
    assert properties["ARPPRODUCTICON"] == "subcenter.ico"
    assert product.find(f"{WIX}Icon").get("Id") == "subcenter.ico"


def test_wxs_upgrades_in_place_and_refuses_downgrades() -> None:
    _text, root = _wxs()
    upgrade = root.find(f".//{WIX}Upgrade")
    assert upgrade is not None and upgrade.get("Id") == "$(var.UpgradeCode)"
    rows = {row.get("Property"): row for row in upgrade.findall(f"{WIX}UpgradeVersion")}
    assert rows["WIX_UPGRADE_DETECTED"].get("Maximum") == "$(var.NextVersion)"
    assert rows["WIX_UPGRADE_DETECTED"].get("IncludeMaximum") == "no"
    assert rows["WIX_DOWNGRADE_DETECTED"].get("OnlyDetect") == "yes"
    assert rows["WIX_DOWNGRADE_DETECTED"].get("Minimum") == "$(var.Version)"
    condition = root.find(f".//{WIX}Condition")
    assert condition is not None and condition.text == "NOT WIX_DOWNGRADE_DETECTED"
    sequence = root.find(f".//{WIX}InstallExecuteSequence/{WIX}RemoveExistingProducts")
    assert sequence is not None and sequence.get("After") == "InstallValidate"


def test_wxs_installs_into_program_files_with_a_start_menu_shortcut() -> None:
    _text, root = _wxs()
    program_files = root.find(f".//{WIX}Directory[@Id='ProgramFiles64Folder']")
    assert program_files is not None
    install_dir = program_files.find(f"{WIX}Directory[@Id='INSTALLDIR']")
    assert install_dir is not None and install_dir.get("Name") == "Subcenter"
    shortcut = root.find(f".//{WIX}Shortcut")
    assert shortcut is not None and shortcut.get("Directory") == "ProgramMenuFolder"
    assert all(c.get("Win64") == "yes" for c in root.iter(f"{WIX}Component"))
    refs = [ref.get("Id") for ref in root.iter(f"{WIX}ComponentGroupRef")]
    assert refs == [payload.GROUP]


def test_wxs_names_and_messages_are_ascii() -> None:
    """wixl writes any non-ASCII string as an empty one (checked with wixl 0.101)."""
    _text, root = _wxs()
    for element in root.iter():
        for name, value in element.attrib.items():
            assert value.isascii(), f"{element.tag} {name}={value!r}"
        assert (element.text or "").isascii()


def test_payload_fragment_lists_every_file_once(tmp_path: Path) -> None:
    frozen = tmp_path / "subcenter"
    for relative in ("subcenter.exe", "_internal/base_library.zip",
                     "_internal/PySide6/Qt6Core.dll", "_internal/PySide6/plugins/a/b.dll",
                     "_internal/resources/fonts/x.ttc"):
        (frozen / relative).parent.mkdir(parents=True, exist_ok=True)
        (frozen / relative).write_bytes(relative.encode())
    files = payload.collect(frozen, {"subcenter.exe"})
    assert "subcenter.exe" not in files and len(files) == 4
    root = ET.fromstring(payload.render("payload", files).encode("utf-8"))
    file_elements = list(root.iter(f"{WIX}File"))
    assert sorted(f.get("Source") for f in file_elements) == sorted(
        f"payload/{relative}" for relative in files)
    defining = {f"{WIX}{tag}" for tag in ("Directory", "Component", "File", "ComponentGroup")}
    ids = [e.get("Id") for e in root.iter() if e.tag in defining]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.]{0,71}", i) for i in ids)
    refs = {ref.get("Id") for ref in root.iter(f"{WIX}ComponentRef")}
    assert refs == {c.get("Id") for c in root.iter(f"{WIX}Component")}
    assert payload.render("payload", files) == payload.render("payload", list(files))


def test_payload_refuses_non_ascii_names(tmp_path: Path) -> None:
    (tmp_path / "说明.txt").write_text("x", encoding="utf-8")
    with pytest.raises(SystemExit, match="non-ASCII"):
        payload.collect(tmp_path, set())


# --- Linux package, scripts, CI --------------------------------------------------------


def test_desktop_entry_validates() -> None:
    entry = INSTALLER / "linux" / "subcenter.desktop"
    validator = shutil.which("desktop-file-validate")
    if validator:
        result = subprocess.run([validator, str(entry)], capture_output=True, text=True,
                                check=False)
        assert result.returncode == 0 and not result.stdout.strip(), result.stdout
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # keys are case-sensitive
    parser.read(entry, encoding="utf-8")
    section = parser["Desktop Entry"]
    assert section["Type"] == "Application" and section["Exec"] == "subcenter"
    assert section["Icon"] == "subcenter" and section["Terminal"] == "false"
    assert section["Name[zh_CN]"] == rules.DISPLAY_NAME


def test_deb_control_depends_on_the_qt_system_libraries() -> None:
    control = INSTALLER / "linux" / "control.in"
    depends = linux_deps.declared_depends(control)
    assert {"libc6", "libgl1", "libegl1", "libxkbcommon0", "libfontconfig1", "libdbus-1-3",
            "libglib2.0-0", "libxcb-cursor0"} <= depends
    assert "@GLIBC@" in control.read_text(encoding="utf-8")
    assert not list((INSTALLER / "linux").glob("*post*")), "no maintainer scripts"


@pytest.mark.parametrize("name", SCRIPTS)
def test_scripts_are_strict_executable_bash(name: str) -> None:
    script = INSTALLER / name
    assert script.stat().st_mode & 0o111, f"{name} is not executable"
    text = script.read_text(encoding="utf-8")
    assert text.startswith("#!/usr/bin/env bash\n")
    assert "\nset -euo pipefail\n" in text
    subprocess.run(["bash", "-n", str(script)], check=True)


def test_pyinstaller_version_is_pinned_to_a_range() -> None:
    lines = (INSTALLER / "requirements.txt").read_text(encoding="utf-8").splitlines()
    assert any(re.fullmatch(r"pyinstaller>=6\.\d+,<7", line) for line in lines)


def test_ci_workflow_copy_matches_and_covers_every_system() -> None:
    source = INSTALLER / "ci" / "build-installers.yml"
    copy = ROOT / ".github" / "workflows" / "installers.yml"
    assert copy.read_bytes() == source.read_bytes()
    yaml = pytest.importorskip("yaml")
    workflow = yaml.safe_load(source.read_text(encoding="utf-8"))
    jobs = workflow["jobs"]
    assert jobs["windows-freeze"]["runs-on"] == "windows-latest"
    assert jobs["msi"]["needs"] == "windows-freeze"
    assert jobs["msi-install"]["needs"] == "msi"
    text = source.read_text(encoding="utf-8")
    for needle in ("installer/build-msi.sh", "msiexec.exe", "/qn", "/x", "SUBCENTER_SMOKE_RESULT",
                   "installer/build-dmg.sh", "installer/verify-linux.sh"):
        assert needle in text, needle
    signing = [step for job in jobs.values() for step in job["steps"]
               if step.get("name", "").startswith(("Sign ", "Import the signing"))]
    assert len(signing) == 3  # Windows exe, MSI, macOS certificate (build-dmg.sh checks its own)
    assert signing and all(step.get("if", "").endswith("!= ''") for step in signing)


def test_icons_in_three_formats() -> None:
    icons = ROOT / "resources" / "icons"
    with Image.open(icons / "subcenter.png") as png:
        assert png.size == (256, 256) and png.mode == "RGBA"
        assert png.getpixel((0, 0))[3] == 0  # transparent corner outside the rounded tile
        assert png.getpixel((128, 30))[:3] == (0x1F, 0x3A, 0x5A)  # navy tile
        assert png.getpixel((128, 128))[:3] == (255, 255, 255)  # the grid's centre dot
    with Image.open(icons / "subcenter.ico") as ico:
        assert {(16, 16), (32, 32), (48, 48), (256, 256)} <= set(ico.info["sizes"])
    with Image.open(icons / "subcenter.icns") as icns:
        assert icns.format == "ICNS" and icns.size == (1024, 1024)


# --- the smoke artifacts the frozen app writes -----------------------------------------


def test_smoke_artifacts_are_a_pdf_and_an_xlsx(context: AppContext, tmp_path: Path) -> None:
    pdf, xlsx = write_smoke_artifacts(context, tmp_path / "artifacts")
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF-") and checks.PDF_FONT in data
    assert "网格" in load_workbook(xlsx, read_only=True).sheetnames
    assert checks.check_artifacts(tmp_path / "artifacts") == 0
    xlsx.unlink()
    assert checks.check_artifacts(tmp_path / "artifacts") == 1


def test_smoke_artifacts_refuse_an_unmigrated_database(tmp_path: Path) -> None:
    context = open_context(tmp_path / "data")
    try:
        with pytest.raises(ConflictError, match="未执行的升级"):
            write_smoke_artifacts(context, tmp_path / "artifacts")
    finally:
        context.close()
    assert not (tmp_path / "artifacts").exists()
