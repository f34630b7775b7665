"""The sync outbox, cursor, conflicts and runs."""

from __future__ import annotations

from sqlalchemy.orm import Session


class SyncRepository:
    def __init__(self, session: Session) -> None:
        self.session = session
