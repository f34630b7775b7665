#!/usr/bin/env bash
# Freeze the app with PyInstaller (installer/subcenter.spec) into dist/subcenter/, the
# onedir folder that build-deb.sh packages, for glibc 2.28 (统信 UOS V20, 麒麟 Kylin V10):
#
#   bash installer/build-linux.sh          # needs python3 and network (PyPI; GitHub for uv's Python)
#
# A frozen folder runs only where the glibc is at least the newest one any of its files
# needs, so the freeze does not use the project's .venv (the build machine's Python and
# PySide6 6.12 need glibc 2.34-2.36) but a build venv, $SUBCENTER_BUILD/freeze-venv:
#   - the interpreter: uv's CPython 3.11 (python-build-standalone, built for glibc 2.17,
#     its ssl/sqlite/ffi/lzma statically linked), from `uv python install`;
#   - the wheels: `uv pip install --python-platform x86_64-manylinux_2_28` with
#     installer/linux/overrides.txt (PySide6 6.9.3, the newest Qt for glibc 2.28);
#   - the spec leaves out the system libraries the .deb depends on (freeze_rules.py).
# Then installer/glibc_floor.py fails the build when any file needs more than glibc 2.28
# (GLIBCXX 3.4.25, CXXABI 1.3.11: gcc 8's libstdc++ on UOS V20 / Debian 10).
#
# Where uv cannot download its Python (a machine that reaches only the package
# registries), the build venv uses the system's python3.11 instead and says so: the
# check then exempts the Python runtime's own files (libpython, lib-dynload and the
# libraries only they link), whose glibc is the build machine's, and the .deb's
# libc6 (>= …) says that higher floor. SUBCENTER_REQUIRE_FLOOR_PYTHON=1 (the release CI)
# turns that fallback into an error. The same spec runs on Windows and macOS (see
# installer/ci/build-installers.yml) with their own Python; this script is Linux only.
set -euo pipefail
source "$(dirname "$0")/common.sh"

FLOOR_GLIBC="${SUBCENTER_GLIBC_FLOOR:-2.28}"
FREEZE_VENV="$WORK/freeze-venv"
UV_TOOL="$WORK/uv-tool"
PYTHON_SERIES=3.11

# uv itself, from PyPI, in a small venv of its own (the project's .venv stays as it is).
if [[ ! -x "$UV_TOOL/bin/uv" ]]; then
    python3 -m venv "$UV_TOOL"
    "$UV_TOOL/bin/python" -m pip install -q "uv>=0.8,<1"
fi
UV="$UV_TOOL/bin/uv"

# The interpreter: uv's managed CPython, else the system's (see the header).
FLOOR_PYTHON=managed
if ! BASE_PYTHON="$("$UV" python find --managed-python "$PYTHON_SERIES" 2>/dev/null)"; then
    if "$UV" python install "$PYTHON_SERIES" >"$WORK/uv-python-install.log" 2>&1; then
        BASE_PYTHON="$("$UV" python find --managed-python "$PYTHON_SERIES")"
    else
        [[ "${SUBCENTER_REQUIRE_FLOOR_PYTHON:-0}" != 1 ]] \
            || { cat "$WORK/uv-python-install.log" >&2; fail "uv python install $PYTHON_SERIES failed"; }
        FLOOR_PYTHON=system
        BASE_PYTHON="$("$UV" python find --system "$PYTHON_SERIES")" \
            || fail "no Python $PYTHON_SERIES: uv could not download one and the system has none"
        echo "WARNING: uv could not download its Python $PYTHON_SERIES: $(grep -m1 -i -E "error|failed" "$WORK/uv-python-install.log")"
        echo "WARNING: freezing with the system's $BASE_PYTHON: the Python runtime's files need this machine's glibc"
    fi
fi
if [[ ! -x "$FREEZE_VENV/bin/python" ]] \
        || [[ "$(cat "$FREEZE_VENV/base-python.txt" 2>/dev/null)" != "$BASE_PYTHON" ]]; then
    rm -rf "$FREEZE_VENV"
    "$UV" venv -q --python "$BASE_PYTHON" "$FREEZE_VENV"
    echo "$BASE_PYTHON" > "$FREEZE_VENV/base-python.txt"
fi
FREEZE_PY="$FREEZE_VENV/bin/python"
"$UV" pip install -q --python "$FREEZE_PY" --python-platform x86_64-manylinux_2_28 \
    --override "$INSTALLER/linux/overrides.txt" -e "$ROOT" -r "$INSTALLER/requirements.txt"
echo "build venv: $("$FREEZE_PY" -c 'import platform, PySide6; print(f"Python {platform.python_version()} ({platform.python_build()[0]}), PySide6 {PySide6.__version__}")') from $BASE_PYTHON ($FLOOR_PYTHON)"

"$FREEZE_PY" -m PyInstaller --noconfirm --log-level WARN \
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

# The floor: every file must run on glibc $FLOOR_GLIBC (the exit code fails the build).
echo "$FLOOR_PYTHON" > "$WORK/freeze-python.txt"  # managed or system, for verify-linux.sh
declare -a EXEMPT=()
[[ "$FLOOR_PYTHON" == managed ]] || EXEMPT=(--exempt-interpreter)
python3 "$INSTALLER/glibc_floor.py" "$DIST/subcenter" --glibc "$FLOOR_GLIBC" "${EXEMPT[@]}" \
    --json "$WORK/glibc-floor.json" \
    || fail "the frozen folder needs a newer glibc than $FLOOR_GLIBC (files above)"
