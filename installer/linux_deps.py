"""Which Debian packages the frozen folder needs from the system, read off its binaries.

    python3 installer/linux_deps.py dist/subcenter [--check installer/linux/control.in]
    python3 installer/linux_deps.py --glibc dist/subcenter     # prints e.g. 2.36

PyInstaller bundles most libraries but leaves out the ones that must match the system
(libc, libGL/libEGL, Wayland, some xcb). ``ldd`` over every ELF file of the folder
(with the bundle's own folders on the library path) lists what resolves outside the
bundle, counting only each file's own DT_NEEDED libraries (a system library's own
dependencies are its package's business); ``dpkg -S`` names the owning packages. With ``--check`` the script fails when
one of them is missing from the Depends line of the .deb's control template, so a new
Qt or a new wheel cannot silently add a dependency the package does not declare. It
also prints the glibc floor for ``libc6 (>= …)``: the highest GLIBC_ symbol version a file
needs (``glibc_floor.py``, which reads the ELF version sections).
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import glibc_floor  # beside this file

ELF_MAGIC = b"\x7fELF"
# Packages every Debian system has (Essential or pulled by libc6 itself).
ALWAYS_PRESENT = {"libc6", "libgcc-s1", "libstdc++6", "zlib1g"}


def elf_files(folder: Path) -> list[Path]:
    found = []
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not path.is_symlink():
            with open(path, "rb") as file:
                if file.read(4) == ELF_MAGIC:
                    found.append(path)
    return found


def library_dirs(folder: Path, files: list[Path]) -> list[str]:
    return sorted({str(path.parent) for path in files if ".so" in path.name})


def newest_glibc(folder: Path) -> str:
    """The highest GLIBC_x.y symbol version any ELF file of the folder needs."""
    needs = glibc_floor.system_needs(glibc_floor.elf_versions(folder))
    return glibc_floor.floors(needs).get("GLIBC", "2.17")


def system_libraries(folder: Path) -> tuple[set[str], set[str], str]:
    """(resolved system library paths, names ldd could not find, max GLIBC_ version)."""
    files = elf_files(folder)
    env = {"LD_LIBRARY_PATH": ":".join(library_dirs(folder, files)), "PATH": "/usr/bin:/bin"}
    outside: set[str] = set()
    missing: set[str] = set()
    root = str(folder.resolve())
    for path in files:
        versions = glibc_floor.read_versions(path)
        direct = set(versions.needed) if versions is not None else set()
        result = subprocess.run(["ldd", str(path)], capture_output=True, text=True, env=env,
                                check=False)
        for line in result.stdout.splitlines():
            match = re.match(r"\s*(\S+) => (not found|(\S+) \(0x)", line)
            if not match or match.group(1) not in direct:
                continue
            if match.group(2) == "not found":
                missing.add(match.group(1))
            elif not str(Path(match.group(3)).resolve()).startswith(root):
                outside.add(str(Path(match.group(3)).resolve()))
    return outside, missing, newest_glibc(folder)


def owning_packages(paths: set[str]) -> dict[str, str]:
    """library path -> Debian package (``dpkg -S``; also tries the /usr-merged alias)."""
    owners = {}
    for path in sorted(paths):
        for candidate in (path, path.replace("/usr/lib/", "/lib/", 1)):
            result = subprocess.run(["dpkg", "-S", candidate], capture_output=True, text=True,
                                    check=False)
            if result.returncode == 0:
                owners[path] = result.stdout.split(":", 1)[0]
                break
        else:
            owners[path] = "?"
    return owners


def declared_depends(control: Path) -> set[str]:
    text = control.read_text(encoding="utf-8")
    match = re.search(r"^Depends:(.*(?:\n .*)*)", text, re.MULTILINE)
    if match is None:
        return set()
    return {re.split(r"[\s(:]", part.strip())[0]
            for part in match.group(1).replace("\n", " ").split(",") if part.strip()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--check", type=Path, help="control template whose Depends must cover")
    parser.add_argument("--glibc", action="store_true", help="print the glibc floor only")
    args = parser.parse_args(argv)
    if args.glibc:
        print(newest_glibc(args.folder))
        return 0
    outside, missing, glibc = system_libraries(args.folder)
    owners = owning_packages(outside)
    needed = set(owners.values()) - ALWAYS_PRESENT
    print(f"system packages needed: {', '.join(sorted(needed))}")
    print(f"newest glibc symbol: GLIBC_{glibc}")
    problems = [f"ldd cannot resolve {name}" for name in sorted(missing)]
    problems += [f"no package owns {path}" for path, owner in owners.items() if owner == "?"]
    if args.check:
        undeclared = needed - declared_depends(args.check)
        problems += [f"{name} is needed but not in Depends of {args.check}"
                     for name in sorted(undeclared)]
    for problem in problems:
        print(f"FAIL: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
