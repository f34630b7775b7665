"""Two-way dispatch handovers (双向派单)."""

from __future__ import annotations

from sqlalchemy.orm import Session


class HandoverRepository:
    def __init__(self, session: Session) -> None:
        self.session = session
