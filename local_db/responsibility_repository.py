"""The district's responsibility list (属地管理事项清单): versions and items. Never commits.

A street holds a few hundred items per version and a handful of versions, so search
is a plain LIKE over the text columns; no index beyond ``version_id`` is needed.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from local_db.models import ResponsibilityItem, ResponsibilityListVersion

SEARCHED_COLUMNS = (
    ResponsibilityItem.code, ResponsibilityItem.name, ResponsibilityItem.item_type,
    ResponsibilityItem.district_duty, ResponsibilityItem.street_duty,
    ResponsibilityItem.legal_basis, ResponsibilityItem.lead_unit,
    ResponsibilityItem.cooperating_units,
)


def _like_pattern(term: str) -> str:
    """``term`` as a LIKE substring pattern, its own % and _ taken literally."""
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


class ResponsibilityRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    # versions ----------------------------------------------------------------------
    def current_version(self) -> ResponsibilityListVersion | None:
        return self.session.scalars(
            select(ResponsibilityListVersion).where(ResponsibilityListVersion.is_current)
            .order_by(ResponsibilityListVersion.number.desc())
        ).first()

    def version(self, version_id: str) -> ResponsibilityListVersion | None:
        return self.session.get(ResponsibilityListVersion, version_id)

    def versions(self) -> Sequence[ResponsibilityListVersion]:
        """Newest first."""
        return self.session.scalars(
            select(ResponsibilityListVersion).order_by(ResponsibilityListVersion.number.desc())
        ).all()

    def last_number(self) -> int:
        return int(self.session.scalar(
            select(func.coalesce(func.max(ResponsibilityListVersion.number), 0))) or 0)

    def item_counts(self) -> dict[str, int]:
        """Items per version id."""
        rows = self.session.execute(
            select(ResponsibilityItem.version_id, func.count())
            .group_by(ResponsibilityItem.version_id)
        ).all()
        return {version_id: int(count) for version_id, count in rows}

    def add_version(self, version: ResponsibilityListVersion) -> None:
        self.session.add(version)

    def clear_current(self) -> None:
        """No version is current (the caller then marks the new one)."""
        self.session.execute(
            update(ResponsibilityListVersion).where(ResponsibilityListVersion.is_current)
            .values(is_current=False)
        )

    # items -------------------------------------------------------------------------
    def items(self, version_id: str) -> Sequence[ResponsibilityItem]:
        return self.session.scalars(
            select(ResponsibilityItem).where(ResponsibilityItem.version_id == version_id)
            .order_by(ResponsibilityItem.code)
        ).all()

    def item(self, item_id: str) -> ResponsibilityItem | None:
        return self.session.get(ResponsibilityItem, item_id)

    def add_items(self, items: Sequence[ResponsibilityItem]) -> None:
        self.session.add_all(items)

    def search(self, version_id: str, *, terms: Sequence[str] = (),
               item_type: str | None = None) -> Sequence[ResponsibilityItem]:
        """Items of a version holding every term somewhere in their text (code, name,
        type, duties, basis, units), optionally of one type."""
        query = select(ResponsibilityItem).where(ResponsibilityItem.version_id == version_id)
        if item_type:
            query = query.where(ResponsibilityItem.item_type == item_type)
        for term in terms:
            pattern = _like_pattern(term)
            query = query.where(or_(*(column.like(pattern, escape="\\")
                                      for column in SEARCHED_COLUMNS)))
        return self.session.scalars(query.order_by(ResponsibilityItem.code)).all()

    def item_types(self, version_id: str) -> list[str]:
        """The distinct types of a version, in order of first appearance by code."""
        rows = self.session.scalars(
            select(ResponsibilityItem.item_type).where(ResponsibilityItem.version_id == version_id)
            .group_by(ResponsibilityItem.item_type)
            .order_by(func.min(ResponsibilityItem.code))
        ).all()
        return list(rows)
