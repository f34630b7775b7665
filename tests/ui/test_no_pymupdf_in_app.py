"""PyMuPDF is a test tool only (AGPL, and not in the frozen app): nothing under ui/ or
desktop/ may import it. Every module of both packages is imported in a fresh
interpreter, then sys.modules must hold neither ``pymupdf`` nor ``fitz``; the sources
are also searched, for imports a module makes only inside a function."""

from __future__ import annotations

import re
import subprocess
import sys

from tests.conftest import PROJECT_ROOT

IMPORT_ALL = """
import importlib, pkgutil, sys
import desktop, ui
for package in (desktop, ui):
    for module in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        importlib.import_module(module.name)
loaded = sorted(name for name in sys.modules if name.split(".")[0] in ("pymupdf", "fitz"))
print("LOADED:" + ",".join(loaded))
"""
IMPORT_LINE = re.compile(r"^\s*(import|from)\s+(pymupdf|fitz)\b", re.MULTILINE)


def test_no_app_module_loads_pymupdf() -> None:
    result = subprocess.run([sys.executable, "-c", IMPORT_ALL], cwd=PROJECT_ROOT,
                            capture_output=True, text=True, timeout=120,
                            env={"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin"})
    assert result.returncode == 0, result.stderr[-2000:]
    assert "LOADED:\n" in result.stdout, result.stdout


def test_no_app_source_imports_pymupdf() -> None:
    offenders = [str(path.relative_to(PROJECT_ROOT))
                 for folder in ("ui", "desktop")
                 for path in (PROJECT_ROOT / folder).rglob("*.py")
                 if IMPORT_LINE.search(path.read_text(encoding="utf-8"))]
    assert offenders == []


def test_the_source_search_would_see_an_import() -> None:
    assert IMPORT_LINE.search("def f():\n    import pymupdf\n")
    assert IMPORT_LINE.search("from fitz import open\n")
    assert not IMPORT_LINE.search("# pymupdf is used by the tests\n")
