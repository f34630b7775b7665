"""Joint enforcement actions."""

from __future__ import annotations

from sqlalchemy.orm import Session


class ActionRepository:
    def __init__(self, session: Session) -> None:
        self.session = session
