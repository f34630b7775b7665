"""The outbox is written in the same transaction as each change, by the session hook,
without any service knowing about it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from desktop.domain.actor import LOCAL_ADMIN
from desktop.domain.errors import DomainError
from desktop.domain.grids import CommunityKind
from desktop.services import grids
from desktop.services.subcenter import set_up_sub_center
from local_db.models import Community
from local_db.outbox_events import APPLYING_PULL
from tests.conftest import STREET
from tests.integration.permission_cases import fields
from tests.integration.sync_helpers import outbox, query, synced_context


@pytest.fixture
def context(tmp_path: Path):  # type: ignore[no-untyped-def]
    ctx = synced_context(tmp_path / "data")
    set_up_sub_center(ctx.uow(), actor=LOCAL_ADMIN, **STREET)
    yield ctx
    ctx.close()


def test_a_created_and_an_edited_record_each_leave_one_outbox_row(context) -> None:  # type: ignore[no-untyped-def]
    community = grids.create_community(context.uow(), actor=LOCAL_ADMIN, name="东风社区",
                                       kind=CommunityKind.COMMUNITY, code="001")
    grid = grids.create_grid(context.uow(), actor=LOCAL_ADMIN, community_id=community.id,
                             fields=fields("东风一网格"))
    grids.update_grid(context.uow(), actor=LOCAL_ADMIN, grid_id=grid.id,
                      expected_version=grid.version, fields=fields("东风一网格", population=450))

    rows = outbox(context)
    assert rows == [("community", community.id, "upsert", "pending"),
                    ("grid", grid.id, "upsert", "pending"),
                    ("grid", grid.id, "upsert", "pending")]
    payload, version, base = query(context, "select payload, version, base_version "
                                   "from sync_outbox order by seq desc limit 1")[0]
    assert json.loads(payload)["population"] == 450
    # the create still waits: the edit's base is the district's version (none yet), not
    # the install's own number 1 (see local_db.outbox_events._waiting_bases)
    assert (version, base) == (grid.version + 1, 0)
    # the sub-center row is local (set up from the district at enrolment): not queued
    assert all(table != "sub_center" for table, *_ in rows)


def test_a_rolled_back_change_leaves_no_outbox_row(context) -> None:  # type: ignore[no-untyped-def]
    with context.uow() as uow:
        uow.session.add(Community(id="c-1", code="009", name="回滚社区", kind="community",
                                  retired=False, created_at=_at(), updated_at=_at()))
        uow.flush()
        assert query(context, "select count(*) from sync_outbox")[0][0] == 0  # not committed
    # left without commit: rolled back
    assert outbox(context) == []
    with pytest.raises(DomainError):  # a refused service call rolls back too
        grids.create_community(context.uow(), actor=LOCAL_ADMIN, name="", kind=CommunityKind.COMMUNITY)
    assert outbox(context) == []


def test_two_flushes_of_one_record_in_one_transaction_are_one_mutation(context) -> None:  # type: ignore[no-untyped-def]
    with context.uow() as uow:
        row = Community(id="c-2", code="008", name="甲社区", kind="community", retired=False,
                        created_at=_at(), updated_at=_at())
        uow.session.add(row)
        uow.flush()
        row.name = "乙社区"
        uow.commit()
    rows = query(context, "select op, version, base_version, payload from sync_outbox")
    assert len(rows) == 1
    op, version, base, payload = rows[0]
    assert (op, version, base) == ("upsert", 1, 0)
    assert json.loads(payload)["name"] == "乙社区"


def test_a_delete_is_queued_and_changes_applied_from_a_pull_are_not(context) -> None:  # type: ignore[no-untyped-def]
    with context.uow() as uow:
        uow.session.info[APPLYING_PULL] = True
        uow.session.add(Community(id="c-3", code="007", name="平台社区", kind="community",
                                  retired=False, version=4, created_at=_at(), updated_at=_at()))
        uow.commit()
    assert outbox(context) == []
    with context.uow() as uow:
        uow.session.delete(uow.grids.community("c-3"))
        uow.commit()
    assert outbox(context) == [("community", "c-3", "delete", "pending")]
    assert query(context, "select base_version from sync_outbox")[0][0] == 4


def _at():  # type: ignore[no-untyped-def]
    from desktop.clock import now

    return now()


def test_every_new_session_factory_gets_the_hooks_after_old_ones_are_collected(
        tmp_path: Path) -> None:
    """SQLAlchemy's ``event.contains`` keys by id(); factories made one after another,
    each dropped before the next (as a restore or a test run opens data folders), often
    reuse an id and once looked hooked while writing no outbox row at all."""
    from sqlalchemy.orm import sessionmaker

    from local_db.outbox_events import _record_outbox, install_outbox

    missing = 0
    for _ in range(20):  # freed by reference counting: the next one often gets its id
        factory: sessionmaker = sessionmaker()
        install_outbox(factory)
        session = factory()
        if _record_outbox not in list(session.dispatch.after_flush):
            missing += 1
        session.close()
        del session, factory
    assert missing == 0
    # one context after another, each writing: every one queues its change
    for number in range(3):
        ctx = synced_context(tmp_path / f"folder-{number}")
        set_up_sub_center(ctx.uow(), actor=LOCAL_ADMIN, **STREET)
        grids.create_community(ctx.uow(), actor=LOCAL_ADMIN, name="东风社区",
                               kind=CommunityKind.COMMUNITY, code="001")
        assert [table for table, *_ in outbox(ctx)] == ["community"]
        ctx.close()
        del ctx
