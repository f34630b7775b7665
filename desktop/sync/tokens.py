"""Where the refresh token lives: the OS keyring, or a clearly named file beside it.

The token is never written to the database (a copied backup must carry no credential)
nor to a log. On a machine without a usable keyring backend (a headless Linux server:
``keyring.errors.NoKeyringError`` or the ``fail`` backend) it goes to
``sync-token.secret`` in the data folder, created with permissions 0600 (readable by the
user only), written through a temporary file and an atomic rename.
"""

from __future__ import annotations

import contextlib
import logging
import os
from pathlib import Path

import keyring
import keyring.errors

log = logging.getLogger(__name__)

SERVICE = "subcenter-district-sync"
FALLBACK_FILE = "sync-token.secret"


def _usable_keyring() -> bool:
    backend = keyring.get_keyring()
    name = f"{type(backend).__module__}.{type(backend).__name__}"
    return "fail" not in name.lower() and getattr(backend, "priority", 1) > 0


class TokenStore:
    """The refresh token of one data folder (``account`` names the folder's install)."""

    def __init__(self, data_root: Path, account: str) -> None:
        self.file = Path(data_root) / FALLBACK_FILE
        self.account = account

    def save(self, token: str) -> None:
        if _usable_keyring():
            try:
                keyring.set_password(SERVICE, self.account, token)
                with contextlib.suppress(FileNotFoundError):
                    self.file.unlink()  # an older fallback copy must not linger
                return
            except keyring.errors.KeyringError:
                log.warning("the OS keyring refused the sync token; using %s", self.file.name)
        self._write_file(token)

    def load(self) -> str | None:
        if _usable_keyring():
            try:
                token = keyring.get_password(SERVICE, self.account)
                if token:
                    return token
            except keyring.errors.KeyringError:
                log.warning("the OS keyring could not be read; trying %s", self.file.name)
        try:
            return self.file.read_text(encoding="utf-8").strip() or None
        except FileNotFoundError:
            return None

    def clear(self) -> None:
        if _usable_keyring():
            with contextlib.suppress(keyring.errors.KeyringError):
                keyring.delete_password(SERVICE, self.account)
        with contextlib.suppress(FileNotFoundError):
            self.file.unlink()

    @property
    def where(self) -> str:
        """Where the token is kept, for the settings page (never the token itself)."""
        return "系统密钥环" if _usable_keyring() else f"数据目录中的 {FALLBACK_FILE}（仅本用户可读）"

    def _write_file(self, token: str) -> None:
        self.file.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.file.with_name(f".{FALLBACK_FILE}.tmp")
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(token)
        os.chmod(temporary, 0o600)  # the umask cannot widen it, but be explicit
        os.replace(temporary, self.file)
