"""The running server's state: settings, database, signing key, attachment store."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from pathlib import Path

from district.attachments import AttachmentStore
from district.db import Database, SettingRow


@dataclass(frozen=True)
class Settings:
    db_url: str = "sqlite:///district.db"
    files_dir: Path | None = None  # None → next to the SQLite file, or ./district-files
    admin_token: str = field(default_factory=lambda: secrets.token_urlsafe(18))
    access_token_ttl: int = 15 * 60
    demo: bool = False


def default_files_dir(db_url: str) -> Path:
    if db_url.startswith("sqlite:///") and not db_url.endswith(":memory:"):
        return Path(db_url.removeprefix("sqlite:///") + ".files")
    return Path("district-files")


class Server:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.db = Database(settings.db_url)
        self.signing_key = self._signing_key()
        files = settings.files_dir or default_files_dir(settings.db_url)
        files.mkdir(parents=True, exist_ok=True)
        self.attachments = AttachmentStore(self.db, files)

    def _signing_key(self) -> bytes:
        """Made once and kept in the database, so tokens survive a restart."""
        with self.db.write() as w:
            row = w.session.get(SettingRow, "signing_key")
            if row is None:
                row = SettingRow(name="signing_key", value=secrets.token_hex(32))
                w.session.add(row)
            return bytes.fromhex(row.value)

    def close(self) -> None:
        self.db.dispose()
