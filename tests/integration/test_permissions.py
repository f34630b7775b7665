"""Every permission is enforced in the core, whoever calls: for each service that needs
a permission, a role lacking it is refused with a Chinese message naming the role, and
the database is exactly as before; a role holding it succeeds with the same call.

The matching UI (disabled buttons) is tested in tests/ui/test_permissions_ui.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop.bootstrap import AppContext, open_migrated_context
from desktop.domain.actor import Actor, Role
from desktop.domain.errors import PermissionDeniedError
from desktop.domain.permissions import ROLE_PERMISSIONS, Permission, allowed
from desktop.services.subcenter import set_up_sub_center
from tests.conftest import STREET
from tests.integration.permission_cases import (
    NOT_ENFORCED_YET,
    SERVICE_CASES,
    Street,
    build_street,
    holder,
    lacking,
    narrowed,
    snapshot,
)


@pytest.fixture
def street(context: AppContext, tmp_path: Path) -> Street:  # shadows the plain street
    set_up_sub_center(context.uow(), actor=context.actor, **STREET)
    return build_street(context, tmp_path / "files")


def _first_lacking(permission: Permission) -> Role:
    roles = lacking(permission)
    return roles[0] if roles else Role.OPERATOR  # narrowed in the test


@pytest.mark.parametrize("case", list(SERVICE_CASES))
def test_a_role_lacking_the_permission_is_refused_and_nothing_changes(
    case: str, street: Street, monkeypatch: pytest.MonkeyPatch
) -> None:
    permission, call = SERVICE_CASES[case]
    role = _first_lacking(permission)
    if not lacking(permission):  # every role holds it today: take it from 坐席 for the test
        monkeypatch.setattr("desktop.domain.permissions.ROLE_PERMISSIONS", narrowed(permission))
    before = snapshot(street.context)
    files_before = sorted(p.name for p in street.folder.iterdir())

    with pytest.raises(PermissionDeniedError) as refused:
        call(street, Actor("测试", role))

    assert f"您的角色（{role.label}）无权“{permission.label}”" in refused.value.message
    assert snapshot(street.context) == before, "a refused call must not change the database"
    assert sorted(p.name for p in street.folder.iterdir()) == files_before, "nor write a file"
    monkeypatch.undo()
    call(street, Actor("测试", holder(permission)))  # the same call is fine for a holder


@pytest.fixture(scope="module")
def shared_street(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Street]:
    """One street for the every-role checks: refusals change nothing, so it is shared."""
    root = tmp_path_factory.mktemp("shared")
    context = open_migrated_context(root / "data")
    set_up_sub_center(context.uow(), actor=context.actor, **STREET)
    yield build_street(context, root / "files")
    context.close()


ROLE_CASES = [
    (name, role)
    for name, (permission, _call) in SERVICE_CASES.items()
    for role in lacking(permission)
]


@pytest.mark.parametrize(("case", "role"), ROLE_CASES, ids=[f"{c}-{r.value}" for c, r in ROLE_CASES])
def test_every_role_lacking_a_permission_is_refused(case: str, role: Role,
                                                    shared_street: Street) -> None:
    _permission, call = SERVICE_CASES[case]
    before = snapshot(shared_street.context)
    with pytest.raises(PermissionDeniedError, match=role.label):
        call(shared_street, Actor("测试", role))
    assert snapshot(shared_street.context) == before


def test_every_permission_has_a_service_case_or_a_stated_reason() -> None:
    """Adding a Permission without enforcing and testing it fails here."""
    covered = {permission for permission, _call in SERVICE_CASES.values()}
    assert covered | set(NOT_ENFORCED_YET) == set(Permission)
    assert not covered & set(NOT_ENFORCED_YET)


def test_the_command_line_administrator_holds_every_grid_permission() -> None:
    """Existing callers (the CLI, the demo) act as the local administrator."""
    for permission in (Permission.GRID_EDIT, Permission.GRID_STAFF_EDIT, Permission.GRID_IMPORT,
                       Permission.DATA_EXPORT, Permission.AUDIT_VIEW):
        assert allowed(Role.SYSADMIN, permission)
    assert Permission.PERSONAL_DATA_REVEAL not in ROLE_PERMISSIONS[Role.SYSADMIN]
