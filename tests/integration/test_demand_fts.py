"""The demand search index (FTS5 trigram) follows inserts, edits and deletes through
its triggers, so Chinese substring search never shows stale or missing rows."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, text

from desktop.domain.ids import new_id
from local_db.models import Demand


def _demand(number: str, title: str, content: str) -> Demand:
    stamp = datetime(2026, 11, 23, 9, 0)
    return Demand(id=new_id(), number=number, kind="livelihood", nature="complaint",
                  source="hotline_12345", title=title, content=content, address="五一大道",
                  handling_level="street", status="accepted", received_at=stamp,
                  created_at=stamp, updated_at=stamp)


def _search(session, phrase: str) -> list[str]:  # type: ignore[no-untyped-def]
    rows = session.execute(text(
        "SELECT d.number FROM demand_fts JOIN demand d ON d.rowid = demand_fts.rowid "
        "WHERE demand_fts MATCH :q ORDER BY d.number"), {"q": f'"{phrase}"'}).all()
    return [number for (number,) in rows]


def test_the_index_follows_insert_update_and_delete(context) -> None:
    with context.uow() as uow:
        uow.session.add_all([
            _demand("D1", "商户占道经营", "黄兴中路商户长期占用人行道经营"),
            _demand("D2", "噪音扰民", "夜间施工噪音扰民严重"),
        ])
        uow.commit()
    with context.uow() as uow:
        assert _search(uow.session, "占道经营") == ["D1"]
        assert _search(uow.session, "噪音扰民") == ["D2"]
        assert _search(uow.session, "五一大道") == ["D1", "D2"]  # the address is indexed
        demand = uow.session.scalars(select(Demand).where(Demand.number == "D2")).one()
        demand.content = "工地夜间施工，渣土车占道经营"
        uow.commit()
    with context.uow() as uow:
        assert _search(uow.session, "占道经营") == ["D1", "D2"]
        assert _search(uow.session, "噪音扰民") == ["D2"]  # still in the title
        uow.session.delete(uow.session.scalars(select(Demand).where(Demand.number == "D1")).one())
        uow.commit()
    with context.uow() as uow:
        assert _search(uow.session, "占道经营") == ["D2"]
        integrity = uow.session.execute(text(
            "INSERT INTO demand_fts(demand_fts, rank) VALUES ('integrity-check', 1)"))
        assert integrity is not None  # raises when the index disagrees with the table
