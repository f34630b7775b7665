#!/usr/bin/env bash
# Freeze the app with PyInstaller (installer/subcenter.spec) into dist/subcenter/, the
# onedir folder that build-deb.sh packages. The same spec runs on Windows and macOS (see
# installer/ci/build-installers.yml); this script adds the Linux-only finishing touch.
#
#   bash installer/build-linux.sh          # needs the project's .venv (README)
set -euo pipefail
source "$(dirname "$0")/common.sh"

if ! "$PY" -c "import PyInstaller" 2>/dev/null; then
    echo "installing PyInstaller into $(dirname "$(dirname "$PY")")"
    "$PY" -m pip install -q -r "$INSTALLER/requirements.txt"
fi

"$PY" -m PyInstaller --noconfirm --log-level WARN \
    --distpath "$DIST" --workpath "$WORK/pyinstaller" "$INSTALLER/subcenter.spec"

# The Python runtime of a pyenv/python.org build carries debug symbols (libpython alone is
# ~23 MB). Strip only it: PyInstaller's own strip option also hits the auditwheel-patched
# libraries of numpy and Pillow, which then fail to load.
if command -v strip >/dev/null; then
    find "$DIST/subcenter/_internal" -maxdepth 1 -name 'libpython3*.so*' -type f \
        -exec strip --strip-unneeded {} +
    find "$DIST/subcenter/_internal" -path '*/lib-dynload/*.so' -type f \
        -exec strip --strip-unneeded {} +
fi
echo "frozen: $DIST/subcenter ($(size_mb "$DIST/subcenter") MB)"
