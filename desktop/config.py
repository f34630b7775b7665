"""Where the app keeps its data, and the small settings file beside the database.

The data folder is the per-user data directory (platformdirs), so it survives upgrades
and uninstalls of the program itself. ``SUBCENTER_HOME`` overrides it for tests,
portable installs and running two street databases side by side.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import platformdirs

APP_NAME = "subcenter"
HOME_ENV = "SUBCENTER_HOME"
DATABASE_FILE = "subcenter.sqlite3"
SETTINGS_FILE = "settings.json"


@dataclass(frozen=True)
class DataPaths:
    """Every path the app writes to, derived from one root folder."""

    root: Path

    @property
    def database(self) -> Path:
        return self.root / DATABASE_FILE

    @property
    def backups(self) -> Path:
        return self.root / "backups"

    @property
    def logs(self) -> Path:
        return self.root / "logs"

    @property
    def attachments(self) -> Path:
        return self.root / "attachments"

    @property
    def settings_file(self) -> Path:
        return self.root / SETTINGS_FILE

    def ensure(self) -> DataPaths:
        for folder in (self.root, self.backups, self.logs, self.attachments):
            folder.mkdir(parents=True, exist_ok=True)
        return self


def default_data_root() -> Path:
    override = os.environ.get(HOME_ENV)
    if override:
        return Path(override).expanduser().resolve()
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False, roaming=False))


def data_paths(root: Path | None = None) -> DataPaths:
    return DataPaths(Path(root) if root is not None else default_data_root())


class Settings:
    """A small JSON key/value file for machine-local preferences (not business data).

    Business data lives in the database; this file only holds things like the backup
    folder or the last page shown. Writes go through a temporary file and an atomic
    rename so a crash never leaves half a file.
    """

    def __init__(self, path: Path) -> None:
        self._path = path
        self._values: dict[str, Any] = {}
        if path.exists():
            try:
                self._values = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                # A damaged preference file must not stop the app; defaults are safe.
                self._values = {}

    def get(self, key: str, default: Any = None) -> Any:
        return self._values.get(key, default)

    def set(self, key: str, value: Any) -> None:
        self._values[key] = value
        self._path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self._path.parent, prefix=".settings-", suffix=".json")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(self._values, handle, ensure_ascii=False, indent=2)
        os.replace(tmp, self._path)
