"""Accounts on a real migrated SQLite file: argon2 hashes, the same refusal for a wrong
password and an unknown user, lockout and its end, disabled accounts, the last system
administrator, permissions, and the audit trail every login and change leaves."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from desktop.demo_accounts import DEMO_ACCOUNTS, DEMO_PASSWORD, add_demo_accounts
from desktop.domain.actor import LOCAL_ADMIN, Actor, Role
from desktop.domain.errors import (
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    ValidationError,
)
from desktop.services import accounts
from desktop.services.accounts import AuthenticationError
from desktop.services.audit import verify
from desktop.services.subcenter import get_sub_center
from local_db.models import AuditRecord, User
from tests.conftest import STREET

ADMIN_PASSWORD = "fr2026zgl"


# Cheap argon2 parameters keep the tests fast; the rehash test shows the app's defaults.
CHEAP = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


@pytest.fixture(autouse=True)
def cheap_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(accounts, "_hasher", CHEAP)


class Clock:
    """The accounts module's clock, moved by hand."""

    def __init__(self) -> None:
        self.value = datetime(2026, 5, 11, 9, 0, 0)

    def __call__(self) -> datetime:
        return self.value


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    fixed = Clock()
    monkeypatch.setattr(accounts, "now", fixed)
    return fixed


@pytest.fixture
def admin(context) -> Actor:  # type: ignore[no-untyped-def]
    accounts.create_first_admin(context.uow(), username="admin", display_name="周管理",
                                password=ADMIN_PASSWORD)
    return accounts.authenticate(context.uow(), username="admin", password=ADMIN_PASSWORD)


def _user(context, username: str) -> User:  # type: ignore[no-untyped-def]
    with context.uow() as uow:
        user = uow.users.by_username(username)
        assert user is not None
        uow.session.expunge(user)
        return user


def _audit(context) -> list[AuditRecord]:  # type: ignore[no-untyped-def]
    with context.uow() as uow:
        rows = list(uow.session.scalars(select(AuditRecord).order_by(AuditRecord.id)))
        uow.session.expunge_all()
        return rows


def _login(context, username: str, password: str) -> Actor:  # type: ignore[no-untyped-def]
    return accounts.authenticate(context.uow(), username=username, password=password)


def _refusal(context, username: str, password: str) -> str:  # type: ignore[no-untyped-def]
    with pytest.raises(AuthenticationError) as caught:
        _login(context, username, password)
    return caught.value.message


def test_the_password_is_stored_only_as_an_argon2id_hash(context, admin) -> None:
    stored = _user(context, "admin").password_hash
    assert stored.startswith("$argon2id$")
    assert ADMIN_PASSWORD not in stored
    with context.uow() as uow:  # nowhere else in the audit trail either
        assert not any(ADMIN_PASSWORD in row.changes_json + row.summary
                       for row in uow.audit.in_order())


def test_a_login_upgrades_a_hash_made_with_weaker_parameters(context, admin,
                                                            monkeypatch) -> None:
    assert "m=1024,t=1,p=1" in _user(context, "admin").password_hash
    monkeypatch.setattr(accounts, "_hasher", PasswordHasher())
    _login(context, "admin", ADMIN_PASSWORD)
    upgraded = _user(context, "admin").password_hash
    assert "m=65536,t=3,p=4" in upgraded
    assert _login(context, "admin", ADMIN_PASSWORD).name == "周管理"
    assert _user(context, "admin").password_hash == upgraded  # not rehashed twice


def test_a_login_gives_the_users_actor_and_records_the_time(context, admin, clock) -> None:
    clock.value = datetime(2026, 5, 11, 10, 30)
    actor = _login(context, " ADMIN ", ADMIN_PASSWORD)  # spaces and case do not matter
    assert actor == Actor(name="周管理", role=Role.SYSADMIN, user_id=_user(context, "admin").id)
    assert _user(context, "admin").last_login_at == datetime(2026, 5, 11, 10, 30)


def test_wrong_password_and_unknown_user_get_the_same_sentence(context, admin) -> None:
    wrong = _refusal(context, "admin", "fr2026wrong")
    unknown = _refusal(context, "nobody", ADMIN_PASSWORD)
    assert wrong == unknown == accounts.WRONG_CREDENTIALS
    assert "用户名或密码错误" in wrong


def test_five_failures_lock_the_account_for_fifteen_minutes(context, admin, clock) -> None:
    for attempt in range(1, accounts.LOCKOUT_ATTEMPTS):
        assert _refusal(context, "admin", f"wrong{attempt}x") == accounts.WRONG_CREDENTIALS
        assert _user(context, "admin").failed_attempts == attempt  # committed despite the raise
    message = _refusal(context, "admin", "wrong5xx")
    assert message.startswith("连续 5 次密码错误，账号已锁定，请于 09:15 后再试")
    # Even the right password is refused while the lock runs.
    clock.value += timedelta(minutes=14, seconds=59)
    assert "09:15" in _refusal(context, "admin", ADMIN_PASSWORD)
    clock.value += timedelta(seconds=1)
    assert _login(context, "admin", ADMIN_PASSWORD).name == "周管理"
    user = _user(context, "admin")
    assert user.failed_attempts == 0 and user.locked_until is None


def test_a_success_resets_the_failure_count(context, admin) -> None:
    for _ in range(accounts.LOCKOUT_ATTEMPTS - 1):
        _refusal(context, "admin", "wrong1x")
    _login(context, "admin", ADMIN_PASSWORD)
    for _ in range(accounts.LOCKOUT_ATTEMPTS - 1):
        assert _refusal(context, "admin", "wrong1x") == accounts.WRONG_CREDENTIALS


def test_a_disabled_account_is_refused_only_with_the_right_password(context, admin) -> None:
    accounts.create_user(context.uow(), actor=admin, username="lina", display_name="李娜",
                         role=Role.OPERATOR, password="start2026")
    accounts.set_disabled(context.uow(), actor=admin, username="lina", disabled=True)
    assert _refusal(context, "lina", "start2026") == accounts.DISABLED_MESSAGE
    # A wrong password must not reveal that the account exists and is disabled.
    assert _refusal(context, "lina", "guess2026") == accounts.WRONG_CREDENTIALS
    accounts.set_disabled(context.uow(), actor=admin, username="lina", disabled=False)
    assert _login(context, "lina", "start2026").role is Role.OPERATOR


def test_the_last_active_sysadmin_can_be_neither_disabled_nor_demoted(context, admin) -> None:
    accounts.create_user(context.uow(), actor=admin, username="second", display_name="二号",
                         role=Role.SYSADMIN, password="other2026x")
    with pytest.raises(ConflictError, match="不能停用自己"):
        accounts.set_disabled(context.uow(), actor=admin, username="admin", disabled=True)
    # The command line's local administrator is nobody's account: only the rule applies.
    accounts.set_disabled(context.uow(), actor=LOCAL_ADMIN, username="second", disabled=True)
    with pytest.raises(ConflictError, match="唯一在用的系统管理员"):
        accounts.set_disabled(context.uow(), actor=LOCAL_ADMIN, username="admin", disabled=True)
    with pytest.raises(ConflictError, match="唯一在用的系统管理员"):
        accounts.set_role(context.uow(), actor=LOCAL_ADMIN, username="admin", role=Role.CLERK)
    assert not _user(context, "admin").disabled
    assert _user(context, "admin").role == "sysadmin"


def test_new_users_must_change_their_password_at_first_login(context, admin) -> None:
    row = accounts.create_user(context.uow(), actor=admin, username="WangQiang",
                               display_name="王强", role=accounts.parse_role("网格管理员"),
                               password="start2026")
    assert (row.username, row.role, row.state_label) == ("wangqiang", Role.GRID_ADMIN, "须修改密码")
    actor = _login(context, "wangqiang", "start2026")
    assert accounts.needs_password_change(context.uow(), actor=actor)
    with pytest.raises(ValidationError, match="原密码"):
        accounts.change_password(context.uow(), actor=actor, old_password="nope2026",
                                 new_password="mine2026x")
    with pytest.raises(ValidationError, match="不能与原密码相同"):
        accounts.change_password(context.uow(), actor=actor, old_password="start2026",
                                 new_password="start2026")
    accounts.change_password(context.uow(), actor=actor, old_password="start2026",
                             new_password="mine2026x")
    assert not accounts.needs_password_change(context.uow(), actor=actor)
    assert _login(context, "wangqiang", "mine2026x") == actor


def test_reset_lifts_a_lock_and_forces_a_change(context, admin) -> None:
    accounts.create_user(context.uow(), actor=admin, username="chen", display_name="陈静",
                         role=Role.CLERK, password="start2026")
    for _ in range(accounts.LOCKOUT_ATTEMPTS):
        _refusal(context, "chen", "wrong1x")
    listed = {row.username: row for row in accounts.list_users(context.uow(), actor=admin)}
    assert listed["chen"].state_label.startswith("已锁定至")
    row = accounts.reset_password(context.uow(), actor=admin, username="chen",
                                  new_password="temp2026")
    assert row.state_label == "须修改密码"
    assert _login(context, "chen", "temp2026").name == "陈静"


def test_duplicate_and_missing_accounts_are_named(context, admin) -> None:
    with pytest.raises(ConflictError, match="登录名“admin”已被使用"):
        accounts.create_user(context.uow(), actor=admin, username="Admin", display_name="重复",
                             role=Role.CLERK, password="start2026")
    with pytest.raises(NotFoundError, match="没有登录名为“ghost”的账号"):
        accounts.reset_password(context.uow(), actor=admin, username="ghost",
                                new_password="temp2026")
    with pytest.raises(ConflictError, match="已有用户账号"):
        accounts.create_first_admin(context.uow(), username="other", display_name="又一个",
                                    password="other2026")


def test_only_account_managers_may_manage_accounts(context, admin) -> None:
    accounts.create_user(context.uow(), actor=admin, username="zhuren", display_name="赵主任",
                         role=Role.DIRECTOR, password="start2026")
    director = _login(context, "zhuren", "start2026")
    with pytest.raises(PermissionDeniedError) as caught:
        accounts.create_user(context.uow(), actor=director, username="sneaky",
                             display_name="某人", role=Role.SYSADMIN, password="start2026")
    assert caught.value.message.startswith("您的角色（执法办主任）无权“管理用户账号”")
    for call in (
        lambda: accounts.list_users(context.uow(), actor=director),
        lambda: accounts.set_role(context.uow(), actor=director, username="zhuren",
                                  role=Role.SYSADMIN),
        lambda: accounts.reset_password(context.uow(), actor=director, username="admin",
                                        new_password="temp2026"),
        lambda: accounts.set_disabled(context.uow(), actor=director, username="admin",
                                      disabled=True),
    ):
        with pytest.raises(PermissionDeniedError):
            call()
    assert _user(context, "zhuren").role == "director"
    assert [u.username for u in accounts.list_users(context.uow(), actor=admin)] == [
        "admin", "zhuren"]


def test_logins_failures_and_changes_are_audited_and_the_chain_holds(context, admin) -> None:
    accounts.create_user(context.uow(), actor=admin, username="lina", display_name="李娜",
                         role=Role.OPERATOR, password="start2026")
    accounts.set_role(context.uow(), actor=admin, username="lina", role=Role.CLERK)
    _refusal(context, "lina", "wrong1x")
    _refusal(context, "nobody", "wrong1x")
    accounts.set_disabled(context.uow(), actor=admin, username="lina", disabled=True)
    rows = _audit(context)
    actions = [row.action for row in rows]
    assert actions == ["account", "login", "account", "account", "login_failed",
                       "login_failed", "account"]
    role_change = rows[3]
    assert (role_change.actor_name, role_change.user_id) == ("周管理", admin.user_id)
    assert json.loads(role_change.changes_json) == {"角色": ["坐席", "文书"]}
    assert json.loads(rows[6].changes_json) == {"状态": ["须修改密码", "已停用"]}
    assert "nobody" in rows[5].summary
    for row in rows:
        assert "$argon2" not in row.changes_json and "start2026" not in row.changes_json
    assert verify(context.uow()).ok


def test_set_up_install_stores_sub_center_and_admin_together(context) -> None:
    fields = dict(STREET, admin_username="admin", admin_display_name="周管理")
    with pytest.raises(ValidationError, match="密码"):
        accounts.set_up_install(context.uow(), actor=LOCAL_ADMIN, admin_password="weak",
                                **fields)
    assert get_sub_center(context.uow()) is None
    assert not accounts.users_exist(context.uow())
    done = accounts.set_up_install(context.uow(), actor=LOCAL_ADMIN,
                                   admin_password=ADMIN_PASSWORD, **fields)
    assert done.sub_center == get_sub_center(context.uow())
    assert done.actor == Actor("周管理", Role.SYSADMIN, done.admin.id)
    assert done.admin.last_login_at is not None
    assert [row.action for row in _audit(context)] == ["create", "account", "login"]
    assert _login(context, "admin", ADMIN_PASSWORD) == done.actor


def test_demo_accounts_log_in_with_the_published_password(context) -> None:
    with context.uow() as uow:
        rows = add_demo_accounts(uow)
        uow.commit()
    assert [row.username for row in rows] == [username for username, _, _ in DEMO_ACCOUNTS]
    assert {row.role for row in rows} == set(Role)
    for username, name, role in DEMO_ACCOUNTS:
        actor = _login(context, username, DEMO_PASSWORD)
        assert (actor.name, actor.role) == (name, role)
        assert not accounts.needs_password_change(context.uow(), actor=actor)
