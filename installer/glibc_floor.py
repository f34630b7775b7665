"""The oldest Linux a frozen folder runs on: the symbol versions its ELF files need.

    python3 installer/glibc_floor.py dist/subcenter                 # report, exit 1 above floor
    python3 installer/glibc_floor.py dist/subcenter --glibc 2.28 --glibcxx 3.4.25
    python3 installer/glibc_floor.py dist/subcenter --print-glibc   # e.g. 2.28 (for libc6 >= …)

A shared library or executable names, in its ``.gnu.version_r`` section (what
``readelf -V`` shows as "Version needs"), each symbol version it needs from each
library: ``GLIBC_2.34`` from libc.so.6, ``GLIBCXX_3.4.29`` from libstdc++.so.6 and so on.
The dynamic loader refuses to start a program when a needed version is not defined by
the library it loads, so the highest needed version is the real floor, whatever the
wheel tags promise. Grepping for ``GLIBC_`` strings over-counts (a libc that *defines*
versions, text in a binary); this reads the ELF sections with the standard library only.

A need is satisfied inside the bundle when a bundled library with that soname defines
the version (``.gnu.version_d``): a bundled libstdc++ covers the GLIBCXX needs of its
neighbours, so only needs on libraries from the system count. The defaults are the
oldest target desktops: 统信 UOS V20 and Debian 10 (glibc 2.28, gcc 8's libstdc++:
GLIBCXX_3.4.25, CXXABI_1.3.11); 麒麟 Kylin V10 has glibc 2.28–2.31.
"""

from __future__ import annotations

import argparse
import json
import re
import struct
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

ELF_MAGIC = b"\x7fELF"
SHT_DYNAMIC = 6
SHT_GNU_VERDEF = 0x6FFFFFFD
SHT_GNU_VERNEED = 0x6FFFFFFE
DT_NULL, DT_NEEDED, DT_SONAME = 0, 1, 14
# The version families that decide where a bundle runs, and the target floors.
FAMILIES = ("GLIBC", "GLIBCXX", "CXXABI")
DEFAULT_FLOORS = {"GLIBC": "2.28", "GLIBCXX": "3.4.25", "CXXABI": "1.3.11"}
VERSION_NAME = re.compile(r"^(GLIBC|GLIBCXX|CXXABI)_(\d+(?:\.\d+)*)$")


def parse_version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split("."))


@dataclass
class ElfVersions:
    """What one ELF file needs (library -> version names) and defines."""

    path: Path
    soname: str
    needs: dict[str, set[str]] = field(default_factory=dict)
    defines: set[str] = field(default_factory=set)
    needed: list[str] = field(default_factory=list)  # DT_NEEDED: the libraries it links


class _Reader:
    """Little helpers over the bytes of one ELF file (32/64-bit, either byte order)."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.is64 = data[4] == 2
        self.order = "<" if data[5] == 1 else ">"

    def unpack(self, fmt: str, offset: int) -> tuple[int, ...]:
        return struct.unpack_from(self.order + fmt, self.data, offset)

    def string(self, offset: int) -> str:
        end = self.data.index(b"\0", offset)
        return self.data[offset:end].decode("ascii", "replace")

    def sections(self) -> list[tuple[int, int, int, int, int]]:
        """(type, offset, size, link, info) of every section header."""
        if self.is64:
            shoff, = self.unpack("Q", 0x28)
            shentsize, shnum = self.unpack("HH", 0x3A)
            fmt = "IIQQQQII"
        else:
            shoff, = self.unpack("I", 0x20)
            shentsize, shnum = self.unpack("HH", 0x2E)
            fmt = "IIIIIIII"
        headers = []
        for index in range(shnum):
            fields = self.unpack(fmt, shoff + index * shentsize)
            _name, kind, _flags, _addr, offset, size, link, info = fields
            headers.append((kind, offset, size, link, info))
        return headers


def read_versions(path: Path) -> ElfVersions | None:
    """The version needs/definitions of one ELF file; None when it is not ELF or has no
    section headers (a stripped-to-the-bone file, which then needs nothing versioned)."""
    data = path.read_bytes()
    if data[:4] != ELF_MAGIC or len(data) < 64:
        return None
    reader = _Reader(data)
    try:
        sections = reader.sections()
    except struct.error:
        return None
    result = ElfVersions(path=path, soname=path.name)
    for kind, offset, size, link, count in sections:
        if kind not in (SHT_GNU_VERNEED, SHT_GNU_VERDEF, SHT_DYNAMIC) or link >= len(sections):
            continue
        strtab = sections[link][1]
        if kind == SHT_GNU_VERNEED:
            for library, version in _verneed(reader, offset, count, strtab):
                result.needs.setdefault(library, set()).add(version)
        elif kind == SHT_GNU_VERDEF:
            result.defines.update(_verdef(reader, offset, count, strtab))
        else:
            soname, result.needed = _dynamic(reader, offset, size, strtab)
            result.soname = soname or result.soname
    return result


def _verneed(reader: _Reader, offset: int, count: int, strtab: int) -> Iterator[tuple[str, str]]:
    for _ in range(count):
        _version, aux_count, file_name, aux, next_entry = reader.unpack("HHIII", offset)
        library = reader.string(strtab + file_name)
        aux_offset = offset + aux
        for _ in range(aux_count):
            _hash, _flags, _other, name, aux_next = reader.unpack("IHHII", aux_offset)
            yield library, reader.string(strtab + name)
            if not aux_next:
                break
            aux_offset += aux_next
        if not next_entry:
            break
        offset += next_entry


def _verdef(reader: _Reader, offset: int, count: int, strtab: int) -> Iterator[str]:
    for _ in range(count):
        _version, _flags, _ndx, _cnt, _hash, aux, next_entry = reader.unpack("HHHHIII", offset)
        name, = reader.unpack("I", offset + aux)
        yield reader.string(strtab + name)
        if not next_entry:
            break
        offset += next_entry


def _dynamic(reader: _Reader, offset: int, size: int,
             strtab: int) -> tuple[str | None, list[str]]:
    """(DT_SONAME, [DT_NEEDED, ...]) of the dynamic section."""
    fmt, width = ("qQ", 16) if reader.is64 else ("iI", 8)
    soname, needed = None, []
    for entry in range(offset, offset + size, width):
        tag, value = reader.unpack(fmt, entry)
        if tag == DT_NULL:
            break
        if tag == DT_SONAME:
            soname = reader.string(strtab + value)
        elif tag == DT_NEEDED:
            needed.append(reader.string(strtab + value))
    return soname, needed


def elf_versions(folder: Path) -> list[ElfVersions]:
    """Every regular ELF file under the folder (symbolic links are read once, as files)."""
    found = []
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not path.is_symlink():
            versions = read_versions(path)
            if versions is not None:
                found.append(versions)
    return found


def system_needs(files: list[ElfVersions]) -> dict[Path, dict[str, str]]:
    """file -> {family: highest version it needs from a library the bundle does not
    satisfy itself}. A bundled library satisfies a need when its soname matches and it
    defines the version (a bundled libstdc++ covers GLIBCXX, say)."""
    defined = {(item.soname, name) for item in files for name in item.defines}
    result: dict[Path, dict[str, str]] = {}
    for item in files:
        highest: dict[str, str] = {}
        for library, names in item.needs.items():
            for name in names:
                match = VERSION_NAME.match(name)
                if match is None or (library, name) in defined:
                    continue
                family, number = match.groups()
                if family not in highest or parse_version(number) > parse_version(highest[family]):
                    highest[family] = number
        if highest:
            result[item.path] = highest
    return result


def interpreter_files(files: list[ElfVersions]) -> set[Path]:
    """The Python runtime's own files: libpython, the lib-dynload extension modules, and
    the bundled libraries only they link (libssl, libffi, libsqlite3 ... of a system
    Python). ``--exempt-interpreter`` leaves them out of the check when the build could
    not use an old-glibc Python (python-build-standalone), so the check still covers
    everything the spec and the wheels decide."""
    def is_seed(item: ElfVersions) -> bool:
        return item.path.name.startswith("libpython") or "lib-dynload" in item.path.parts

    by_soname = {item.soname: item for item in files}

    def closure(start: list[ElfVersions]) -> set[Path]:
        seen = {item.path for item in start}
        stack = list(start)
        while stack:
            for name in stack.pop().needed:
                found = by_soname.get(name)
                if found is not None and found.path not in seen:
                    seen.add(found.path)
                    stack.append(found)
        return seen

    seeds = [item for item in files if is_seed(item)]
    from_interpreter = closure(seeds)
    others = [item for item in files if item.path not in from_interpreter]
    return from_interpreter - closure(others)


def floors(needs: dict[Path, dict[str, str]]) -> dict[str, str]:
    """family -> highest version any file needs."""
    result: dict[str, str] = {}
    for highest in needs.values():
        for family, number in highest.items():
            if family not in result or parse_version(number) > parse_version(result[family]):
                result[family] = number
    return result


def above(needs: dict[Path, dict[str, str]], limits: dict[str, str]) -> dict[Path, list[str]]:
    """file -> the version names it needs above the limits (sorted)."""
    result = {}
    for path, highest in needs.items():
        over = [f"{family}_{number}" for family, number in sorted(highest.items())
                if family in limits and parse_version(number) > parse_version(limits[family])]
        if over:
            result[path] = over
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="the frozen folder (dist/subcenter)")
    for family in FAMILIES:
        parser.add_argument(f"--{family.lower()}", default=DEFAULT_FLOORS[family],
                            help=f"the highest {family}_ version allowed "
                                 f"(default {DEFAULT_FLOORS[family]})")
    parser.add_argument("--print-glibc", action="store_true",
                        help="print only the GLIBC floor (for the .deb's libc6 (>= …))")
    parser.add_argument("--exempt-interpreter", action="store_true",
                        help="leave the Python runtime's own files out (a build on the "
                             "system's Python, which cannot meet the floor)")
    parser.add_argument("--json", type=Path, help="also write the report as JSON here")
    args = parser.parse_args(argv)
    if not args.folder.is_dir():
        parser.error(f"{args.folder} is not a folder")
    files = elf_versions(args.folder)
    needs = system_needs(files)
    found = floors(needs)
    exempt = interpreter_files(files) if args.exempt_interpreter else set()
    if args.print_glibc:
        print(found.get("GLIBC", "2.17"))
        return 0
    limits = {family: getattr(args, family.lower()) for family in FAMILIES}
    offenders = above({path: need for path, need in needs.items() if path not in exempt},
                      limits)
    root = args.folder.resolve()
    print(f"{len(files)} ELF files in {args.folder}")
    for family in FAMILIES:
        print(f"  {family:8} floor {found.get(family, '-'):8} (allowed {limits[family]})")
    for path, over in sorted(offenders.items(), key=lambda item: str(item[0])):
        print(f"  ABOVE    {path.resolve().relative_to(root)}: {', '.join(over)}")
    for path, over in sorted(above({p: needs[p] for p in exempt if p in needs}, limits).items()):
        print(f"  EXEMPT   {path.resolve().relative_to(root)}: {', '.join(over)} (Python runtime)")
    if args.json:
        report = {"floors": found, "limits": limits,
                  "above": {str(p.resolve().relative_to(root)): o for p, o in offenders.items()}}
        args.json.write_text(json.dumps(report, indent=1, sort_keys=True), encoding="utf-8")
    if offenders:
        print(f"FAIL: {len(offenders)} files need newer symbol versions than allowed",
              file=sys.stderr)
        return 1
    print("ok   every ELF file runs on the floor")
    return 0


if __name__ == "__main__":
    sys.exit(main())
