"""Official documents, their series and numbers."""

from __future__ import annotations

from sqlalchemy.orm import Session


class DocumentRepository:
    def __init__(self, session: Session) -> None:
        self.session = session
