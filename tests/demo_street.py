"""The demo street for tests that only need its data, built once per test session.

``build_demo_street`` takes several seconds (hundreds of staff, demands, documents in
one transaction) and dozens of page tests start from it. The first call for a given
seed, day and actor builds it for real into a session folder; every call copies that
database page for page into the test's own, already migrated database with SQLite's
backup API. The copy holds exactly the rows the builder wrote (outbox rows included),
so a test sees what ``subcenter demo`` would have given it. Tests of the builder itself
(tests/integration/test_demo.py) call ``build_demo_street`` directly.
"""

from __future__ import annotations

import atexit
import shutil
import sqlite3
import tempfile
from datetime import date
from pathlib import Path

from desktop import demo
from desktop.bootstrap import AppContext, open_migrated_context
from desktop.domain.actor import Actor


class DemoTemplates:
    """Built demo databases under ``folder``, one per (seed, day, actor)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._built: dict[tuple[int, date, Actor], Path] = {}

    def load(self, context: AppContext, *, seed: int = demo.DEMO_SEED) -> None:
        """Give ``context`` (migrated, still empty) the demo street."""
        template = self._template(seed, demo.today(), context.actor)
        with sqlite3.connect(template) as source, context.engine.connect() as target:
            source.backup(target.connection.driver_connection)  # type: ignore[arg-type]

    def _template(self, seed: int, day: date, actor: Actor) -> Path:
        key = (seed, day, actor)
        if key not in self._built:
            built = open_migrated_context(self.folder / f"demo-{len(self._built)}", actor=actor)
            try:
                demo.build_demo_street(built, seed=seed)
            finally:
                built.close()
            self._built[key] = built.paths.database
        return self._built[key]


_TEMPLATES: DemoTemplates | None = None


def load_demo_street(context: AppContext, *, seed: int = demo.DEMO_SEED) -> None:
    """``build_demo_street(context)`` for tests of pages and reports: a copy of the
    session's build (the folder is removed when the test run ends)."""
    global _TEMPLATES
    if _TEMPLATES is None:
        folder = Path(tempfile.mkdtemp(prefix="subcenter-demo-templates-"))
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        _TEMPLATES = DemoTemplates(folder)
    _TEMPLATES.load(context, seed=seed)
