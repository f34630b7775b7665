"""Backups of the database file with SQLite's online backup API (safe while the app
runs), kept in the data folder's backups directory and rotated."""

from __future__ import annotations

from pathlib import Path

from desktop.bootstrap import AppContext
from local_db.migrate import backup_database, backup_file_name

DEFAULT_KEEP = 30


def backup_now(context: AppContext, target: Path | None = None, *, keep: int = DEFAULT_KEEP) -> Path:
    """Copy the live database to ``target`` (default: a dated file in backups/), then
    keep only the newest ``keep`` manual backups."""
    destination = target or context.paths.backups / backup_file_name("manual")
    backup_database(context.paths.database, destination)
    if target is None:
        rotate(context.paths.backups, "manual", keep)
    return destination


def rotate(folder: Path, reason: str, keep: int) -> list[Path]:
    """Delete the oldest backups of one kind beyond ``keep``; returns what was deleted."""
    files = sorted(folder.glob(f"subcenter-*-{reason}.sqlite3"))
    doomed = files[:-keep] if keep > 0 else files
    for path in doomed:
        path.unlink(missing_ok=True)
    return doomed
