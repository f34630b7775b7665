"""The district's responsibility list (属地管理事项清单): versions and items. Never commits."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from local_db.models import ResponsibilityItem, ResponsibilityListVersion


class ResponsibilityRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def current_version(self) -> ResponsibilityListVersion | None:
        return self.session.scalars(
            select(ResponsibilityListVersion).where(ResponsibilityListVersion.is_current)
        ).first()

    def items(self, version_id: str) -> Sequence[ResponsibilityItem]:
        return self.session.scalars(
            select(ResponsibilityItem).where(ResponsibilityItem.version_id == version_id)
            .order_by(ResponsibilityItem.code)
        ).all()

    def item(self, item_id: str) -> ResponsibilityItem | None:
        return self.session.get(ResponsibilityItem, item_id)
