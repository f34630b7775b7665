"""A restore cuts the install's link to the district: the backup's outbox numbers are
rewound, so going on with the old client_id would make the district take new changes
for ones it already applied and drop them. The server address, street and proxy stay;
the client_id and 终端号 go; the message tells the user to enrol again."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from desktop.bootstrap import AppContext, open_migrated_context
from desktop.services.backup import backup_now
from desktop.services.restore import restore_in_app
from desktop.services.subcenter import SubCenterInfo


def _link(database: Path) -> tuple:
    with sqlite3.connect(database) as connection:
        return connection.execute(
            "select client_id, install_number, server_url, street_code, proxy, "
            "mutation_offset from sync_state").fetchone()


def _enrol(context: AppContext) -> None:
    with context.uow() as uow:
        state = uow.sync.state()
        state.client_id, state.install_number = "0190-old-client", 2
        state.server_url, state.street_code = "https://district.example.gov.cn", "430102007000"
        state.proxy, state.mutation_offset = "http://proxy.example:3128", 5
        uow.commit()


def test_restoring_an_enrolled_backup_requires_enrolling_again(
        context: AppContext, street: SubCenterInfo) -> None:
    _enrol(context)
    backup = backup_now(context)
    assert _link(backup)[0] == "0190-old-client"  # the backup itself is enrolled

    result = restore_in_app(context, backup)

    assert result.unlinked
    assert _link(context.paths.database) == (
        None, None, "https://district.example.gov.cn", "430102007000",
        "http://proxy.example:3128", 5)
    assert _link(backup)[0] == "0190-old-client"  # the backup file is never written to
    assert "同步注册已解除" in result.message and "重新注册本机" in result.message
    reopened = open_migrated_context(context.paths.root)
    try:
        from desktop.sync.store import read_link

        assert read_link(reopened.uow) is None  # a sync now stops with "not enrolled"
    finally:
        reopened.close()


def test_restoring_a_backup_that_was_never_enrolled_says_nothing_of_sync(
        context: AppContext, street: SubCenterInfo) -> None:
    backup = backup_now(context)
    result = restore_in_app(context, backup)
    assert not result.unlinked
    assert "同步" not in result.message
