"""Whistles (吹哨) and their target units."""

from __future__ import annotations

from sqlalchemy.orm import Session


class WhistleRepository:
    def __init__(self, session: Session) -> None:
        self.session = session
