"""Checks of built installers, run by verify-linux.sh (and by CI on the real MSI).

    python installer/checks.py artifacts DIR          # the smoke run's PDF and xlsx
    python installer/checks.py samples DIR            # `subcenter print --samples DIR`
    python installer/checks.py ics FILE.ics --week 2026-W48   # `subcenter export actions`
    python installer/checks.py bundle REPORT          # SUBCENTER_BUNDLE_CHECK's report
    python installer/checks.py msi FILE.msi FROZEN_DIR --version 0.1.0
    python installer/checks.py deb FILE.deb --version 0.1.0

Each prints what it verified and exits 1 with a line per failure. The MSI is read with
msitools (msiinfo, msiextract), the .deb with dpkg-deb; ``samples`` asks the installed
app which document kinds exist, ``ics`` reads the calendar back with icalendar.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from freeze_rules import numeric_version  # noqa: E402

WXS = HERE / "wix" / "subcenter.wxs"
PDF_FONT = b"WenQuanYiMicroHei"  # the subset name reportlab embeds for the bundled font


class Report:
    def __init__(self) -> None:
        self.failures: list[str] = []

    def check(self, ok: bool, what: str) -> None:
        print(f"  {'ok  ' if ok else 'FAIL'} {what}")
        if not ok:
            self.failures.append(what)

    def exit_code(self) -> int:
        for failure in self.failures:
            print(f"FAIL: {failure}", file=sys.stderr)
        return 1 if self.failures else 0


def check_artifacts(folder: Path) -> int:
    """The smoke run's files: a real PDF with the CJK font, an xlsx openpyxl reads."""
    report = Report()
    pdfs, workbooks = sorted(folder.glob("*.pdf")), sorted(folder.glob("*.xlsx"))
    report.check(len(pdfs) == 1 and len(workbooks) == 1, f"one PDF and one xlsx in {folder}")
    for pdf in pdfs:
        data = pdf.read_bytes()
        report.check(data.startswith(b"%PDF-"), f"{pdf.name} starts with %PDF-")
        report.check(PDF_FONT in data, f"{pdf.name} embeds {PDF_FONT.decode()}")
        text = _pdf_text(pdf)
        if text is not None:
            report.check("自检" in text, f"{pdf.name} text contains 自检 (read back with pymupdf)")
    for workbook in workbooks:
        from openpyxl import load_workbook

        try:
            sheets = load_workbook(workbook, read_only=True).sheetnames
        except Exception as error:  # any failure to open is the finding
            report.check(False, f"{workbook.name} opens with openpyxl ({error!r})")
        else:
            report.check(bool(sheets), f"{workbook.name} opens with openpyxl: {sheets}")
    return report.exit_code()


def _pdf_text(pdf: Path) -> str | None:
    try:
        import pymupdf
    except ImportError:
        return None
    with pymupdf.open(pdf) as document:
        return "".join(page.get_text() for page in document)


def check_samples(folder: Path) -> int:
    """One PDF per document kind (``subcenter print --samples``), each a real PDF."""
    from desktop.documents.kinds import DocumentKind

    report = Report()
    expected = {f"{kind.value}.pdf" for kind in DocumentKind}
    found = {path.name for path in folder.glob("*.pdf")}
    report.check(found == expected, f"{len(expected)} sample PDFs, one per document kind"
                                    f" (missing {sorted(expected - found)},"
                                    f" extra {sorted(found - expected)})")
    for name in sorted(found & expected):
        data = (folder / name).read_bytes()
        report.check(data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
                     and b"/FontFile" in data,
                     f"{name}: a complete PDF with embedded fonts ({len(data) // 1024} KB)")
    return report.exit_code()


def check_ics(path: Path, week: str) -> int:
    """The week's joint actions as iCalendar: events in Asia/Shanghai with its VTIMEZONE."""
    from datetime import timedelta

    from icalendar import Calendar

    report = Report()
    calendar = Calendar.from_ical(path.read_bytes())
    events = list(calendar.walk("VEVENT"))
    zones = [str(zone["TZID"]) for zone in calendar.walk("VTIMEZONE")]
    report.check(week in str(calendar.get("X-WR-CALNAME", "")),
                 f"calendar of week {week}: {calendar.get('X-WR-CALNAME')}")
    report.check(zones == ["Asia/Shanghai"], f"one VTIMEZONE Asia/Shanghai: {zones}")
    report.check(bool(events), f"{len(events)} VEVENTs (demo data has actions every week)")
    uids = [str(event["UID"]) for event in events]
    report.check(len(set(uids)) == len(uids), "every event has its own UID")
    offsets = {event["DTSTART"].dt.utcoffset() for event in events}
    report.check(offsets <= {timedelta(hours=8)}, f"every DTSTART at UTC+8: {offsets}")
    return report.exit_code()


def check_bundle(path: Path) -> int:
    """The frozen bundle check's report (installer/bundle_check.py)."""
    report = Report()
    lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
    failures = [line for line in lines if line.startswith("FAIL")]
    summary = lines[-1] if lines else "(no report)"
    report.check(bool(lines) and summary.startswith("bundle check:") and not failures,
                 f"bundle check: {summary}")
    for line in failures:
        report.check(False, line.removeprefix("FAIL").strip())
    return report.exit_code()


def msi_table(msi: Path, table: str) -> list[dict[str, str]]:
    """Rows of an MSI table (msiinfo export: names, types, key line, then rows)."""
    text = subprocess.run(["msiinfo", "export", str(msi), table], capture_output=True,
                          text=True, check=True).stdout
    lines = text.splitlines()
    columns = lines[0].split("\t")
    return [dict(zip(columns, line.split("\t"), strict=False)) for line in lines[3:] if line]


def fixed_upgrade_code() -> str:
    match = re.search(r'<\?define UpgradeCode = "([0-9A-F-]{36})"\?>', WXS.read_text("utf-8"))
    if match is None:
        raise SystemExit(f"no UpgradeCode define in {WXS}")
    return "{" + match.group(1) + "}"


def check_msi(msi: Path, frozen: Path, version: str) -> int:
    report = Report()
    properties = {row["Property"]: row["Value"] for row in msi_table(msi, "Property")}
    code = fixed_upgrade_code()
    report.check(properties.get("UpgradeCode") == code, f"UpgradeCode is the fixed {code}")
    report.check(properties.get("ProductVersion") == numeric_version(version),
                 f"ProductVersion {properties.get('ProductVersion')} = package {version}")
    report.check(properties.get("ALLUSERS") == "1", "ALLUSERS=1 (per-machine)")
    report.check(properties.get("ARPPRODUCTICON") == "subcenter.ico", "ARPPRODUCTICON set")
    report.check(bool(properties.get("Manufacturer")), "Manufacturer set")
    shortcuts = msi_table(msi, "Shortcut")
    report.check(any(row["Directory_"] == "ProgramMenuFolder" for row in shortcuts),
                 "a Start-menu shortcut row")
    _check_upgrade_rows(report, msi, code, numeric_version(version))
    _check_round_trip(report, msi, frozen)
    return report.exit_code()


def _check_upgrade_rows(report: Report, msi: Path, code: str, version: str) -> None:
    rows = [row for row in msi_table(msi, "Upgrade") if row["UpgradeCode"] == code]
    upgrade = [r for r in rows if r["ActionProperty"] == "WIX_UPGRADE_DETECTED"]
    downgrade = [r for r in rows if r["ActionProperty"] == "WIX_DOWNGRADE_DETECTED"]
    report.check(len(upgrade) == 1 and _version_key(upgrade[0]["VersionMax"])
                 > _version_key(version), "major upgrade row (replaces <= this version)")
    report.check(len(downgrade) == 1 and downgrade[0]["VersionMin"] == version
                 and int(downgrade[0]["Attributes"]) & 2 == 2,
                 "downgrade detection row (only detect, newer than this version)")
    conditions = [row["Condition"] for row in msi_table(msi, "LaunchCondition")]
    report.check("NOT WIX_DOWNGRADE_DETECTED" in conditions, "launch condition refuses downgrade")
    actions = {row["Action"] for row in msi_table(msi, "InstallExecuteSequence")}
    report.check({"FindRelatedProducts", "RemoveExistingProducts"} <= actions,
                 "FindRelatedProducts and RemoveExistingProducts are sequenced")


def _version_key(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split("."))


def _check_round_trip(report: Report, msi: Path, frozen: Path) -> None:
    """msiextract the package and compare every file with the frozen folder."""
    expected = {p.relative_to(frozen).as_posix(): _sha256(p)
                for p in frozen.rglob("*") if p.is_file()}
    with tempfile.TemporaryDirectory() as temp:
        subprocess.run(["msiextract", "-C", temp, str(msi)], check=True,
                       stdout=subprocess.DEVNULL)
        roots = [p for p in Path(temp).iterdir() if p.is_dir()]
        report.check(len(roots) == 1, f"one install folder in the MSI: {[p.name for p in roots]}")
        if len(roots) != 1:
            return
        actual = {p.relative_to(roots[0]).as_posix(): _sha256(p)
                  for p in roots[0].rglob("*") if p.is_file()}
    missing, extra = sorted(expected.keys() - actual.keys()), sorted(actual.keys() - expected)
    changed = sorted(k for k in expected.keys() & actual.keys() if expected[k] != actual[k])
    report.check(not missing and not extra and not changed,
                 f"byte-identical round trip: {len(actual)} files, sha256 all equal"
                 f" (missing {missing[:3]}, extra {extra[:3]}, changed {changed[:3]})")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def check_deb(deb: Path, version: str) -> int:
    report = Report()
    fields = _deb_fields(deb)
    report.check(fields.get("Package") == "subcenter", "Package: subcenter")
    report.check(fields.get("Version") == version, f"Version {fields.get('Version')} = {version}")
    report.check(fields.get("Architecture") == "amd64", "Architecture: amd64")
    depends = fields.get("Depends", "")
    for name in ("libgl1", "libegl1", "libxkbcommon0", "libfontconfig1", "libdbus-1-3",
                 "libglib2.0-0", "libxcb-cursor0", "libc6"):
        report.check(re.search(rf"(^|[\s,]){re.escape(name)}([\s,(]|$)", depends) is not None,
                     f"Depends names {name}")
    listing = subprocess.run(["dpkg-deb", "--contents", str(deb)], capture_output=True,
                             text=True, check=True).stdout
    paths = {line.split()[5].lstrip(".") for line in listing.splitlines()}
    for path in ("/opt/subcenter/subcenter", "/usr/bin/subcenter",
                 "/usr/share/applications/subcenter.desktop",
                 "/usr/share/icons/hicolor/256x256/apps/subcenter.png"):
        report.check(path in paths, f"contains {path}")
    report.check(all(line.split()[1] == "root/root" for line in listing.splitlines()),
                 "every file owned by root/root")
    with tempfile.TemporaryDirectory() as temp:
        subprocess.run(["dpkg-deb", "--control", str(deb), temp], check=True)
        scripts = sorted(p.name for p in Path(temp).iterdir()
                         if p.name in {"preinst", "postinst", "prerm", "postrm"})
    report.check(not scripts, f"no maintainer scripts (none can touch user data): {scripts}")
    return report.exit_code()


def _deb_fields(deb: Path) -> dict[str, str]:
    text = subprocess.run(["dpkg-deb", "--field", str(deb)], capture_output=True, text=True,
                          check=True).stdout
    fields: dict[str, str] = {}
    key = ""
    for line in text.splitlines():
        if line.startswith((" ", "\t")) and key:
            fields[key] += "\n" + line.strip()
        elif ":" in line:
            key, value = line.split(":", 1)
            fields[key] = value.strip()
    return fields


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="checks of built installers")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("artifacts").add_argument("folder", type=Path)
    commands.add_parser("samples").add_argument("folder", type=Path)
    ics = commands.add_parser("ics")
    ics.add_argument("file", type=Path)
    ics.add_argument("--week", required=True)
    commands.add_parser("bundle").add_argument("report", type=Path)
    msi = commands.add_parser("msi")
    msi.add_argument("msi", type=Path)
    msi.add_argument("frozen", type=Path)
    msi.add_argument("--version", required=True)
    deb = commands.add_parser("deb")
    deb.add_argument("deb", type=Path)
    deb.add_argument("--version", required=True)
    args = parser.parse_args(argv)
    if args.command == "artifacts":
        return check_artifacts(args.folder)
    if args.command == "samples":
        return check_samples(args.folder)
    if args.command == "ics":
        return check_ics(args.file, args.week)
    if args.command == "bundle":
        return check_bundle(args.report)
    if args.command == "msi":
        return check_msi(args.msi, args.frozen, args.version)
    return check_deb(args.deb, args.version)


if __name__ == "__main__":
    sys.exit(main())
