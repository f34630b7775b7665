"""User accounts of this install: password rules, login with lockout, and the system
administrator's account management.

Passwords are stored only as argon2id hashes (argon2-cffi's defaults; a hash made with
older parameters is upgraded at the next successful login). A login names no reason
that would tell a stranger whether a username exists: an unknown user and a wrong
password get the same sentence, and an unknown user costs the same hashing time.

Every login, failed login and account change is written to the audit trail in the same
transaction as the change. A failed login is COMMITTED (failure count, lock, audit row)
before the refusal is raised, so an attacker cannot roll back the counter by failing.

Threading: plain functions, run on the database thread by the GUI.
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NoReturn

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from desktop.clock import now
from desktop.domain.accounts import (
    check_confirmation,
    display_name_of,
    normalize_username,
    parse_role,
    validate_password,
)
from desktop.domain.actor import LOCAL_ADMIN, Actor, Role
from desktop.domain.errors import (
    ConflictError,
    DomainError,
    NotFoundError,
    ValidationError,
)
from desktop.domain.ids import new_id
from desktop.domain.permissions import Permission, require
from desktop.services import audit
from desktop.services.audit import AuditAction
from desktop.services.subcenter import SubCenterInfo, add_sub_center
from local_db.models import User
from local_db.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)

__all__ = [  # the rules from desktop.domain.accounts are re-exported for the UI and CLI
    "DISABLED_MESSAGE", "LOCKOUT_ATTEMPTS", "LOCKOUT_MINUTES", "WRONG_CREDENTIALS",
    "AuthenticationError", "InstallSetUp", "UserRow", "actor_for", "add_first_admin",
    "add_user", "authenticate", "change_password", "check_confirmation", "create_first_admin",
    "create_user", "hash_password", "list_users", "needs_password_change", "normalize_username",
    "parse_role", "reset_password", "set_disabled", "set_role", "set_up_install",
    "user_row", "users_exist", "validate_password",
]

LOCKOUT_ATTEMPTS = 5
LOCKOUT_MINUTES = 15
WRONG_CREDENTIALS = "用户名或密码错误，请检查后重新输入。"
DISABLED_MESSAGE = "账号已停用，请联系系统管理员。"
ENTITY = "user_account"

_hasher = PasswordHasher()


class AuthenticationError(DomainError):
    """A login was refused; the message is safe to show to whoever typed it."""


@dataclass(frozen=True)
class UserRow:
    """One account as the accounts tab and the command line show it (never the hash).
    ``locked_until`` is set only while the lock is still running when the row was read."""

    id: str
    username: str
    display_name: str
    role: Role
    disabled: bool
    must_change_password: bool
    locked_until: datetime | None
    last_login_at: datetime | None

    @property
    def state_label(self) -> str:
        if self.disabled:
            return "已停用"
        if self.locked_until is not None:
            return f"已锁定至 {self.locked_until:%H:%M}"
        if self.must_change_password:
            return "须修改密码"
        return "正常"


@dataclass(frozen=True)
class InstallSetUp:
    """The first-run result: the sub-center, its first administrator, logged in."""

    sub_center: SubCenterInfo
    admin: UserRow
    actor: Actor


def actor_for(user: User | UserRow) -> Actor:
    return Actor(name=user.display_name, role=Role(user.role), user_id=user.id)


def user_row(user: User, at: datetime | None = None) -> UserRow:
    at = at or now()
    locked = user.locked_until if user.locked_until and user.locked_until > at else None
    return UserRow(
        id=user.id, username=user.username, display_name=user.display_name,
        role=Role(user.role), disabled=user.disabled,
        must_change_password=user.must_change_password, locked_until=locked,
        last_login_at=user.last_login_at,
    )


# --- hashing ---------------------------------------------------------------------------
def hash_password(password: str) -> str:
    return _hasher.hash(password)


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except VerificationError:
        return False
    except InvalidHashError:
        log.error("a stored password hash is not an argon2 hash; the login is refused")
        return False


@functools.cache
def _dummy_hash() -> str:
    """Checked against for unknown usernames, so they take as long as a wrong password."""
    return _hasher.hash("no-such-user-0")


# --- queries ---------------------------------------------------------------------------
def users_exist(uow: UnitOfWork) -> bool:
    with uow:
        return uow.users.count() > 0


def list_users(uow: UnitOfWork, *, actor: Actor) -> list[UserRow]:
    require(actor, Permission.ACCOUNT_MANAGE)
    with uow:
        at = now()
        return [user_row(user, at) for user in uow.users.all()]


def needs_password_change(uow: UnitOfWork, *, actor: Actor) -> bool:
    """After login: must this user choose a new password before working?"""
    with uow:
        user = uow.users.get(actor.user_id) if actor.user_id else None
        return bool(user and user.must_change_password)


# --- creating accounts -----------------------------------------------------------------
def add_user(uow: UnitOfWork, actor: Actor, *, username: str, display_name: str, role: Role,
              password: str, must_change: bool, password_hash: str | None = None) -> User:
    """Validate, hash, insert and audit one account inside an open unit of work."""
    name = normalize_username(username)
    shown = display_name_of(display_name)
    validate_password(password, name)
    if uow.users.by_username(name) is not None:
        raise ConflictError(f"登录名“{name}”已被使用，请换一个。")
    stamp = now()
    user = User(
        id=new_id(), username=name, display_name=shown, role=role.value,
        password_hash=password_hash or hash_password(password), disabled=False,
        must_change_password=must_change, failed_attempts=0, version=1,
        created_at=stamp, updated_at=stamp,
    )
    uow.users.add(user)
    audit.record(uow, actor, AuditAction.ACCOUNT, entity_type=ENTITY, entity_id=user.id,
                 summary=f"新建账号 {name}（{shown}，{role.label}）",
                 changes={"登录名": (None, name), "姓名": (None, shown), "角色": (None, role.label),
                          "须修改密码": (None, must_change)})
    return user


def add_first_admin(uow: UnitOfWork, *, username: str, display_name: str, password: str,
                    actor: Actor = LOCAL_ADMIN) -> UserRow:
    """The install's first system administrator, inside an open unit of work (no commit),
    so it is stored together with the sub-center's set-up. Refused once any user exists."""
    if uow.users.count():
        raise ConflictError("本机已有用户账号，不能再创建首个管理员。请由系统管理员在“设置 › 用户账号”中新建。")
    user = add_user(uow, actor, username=username, display_name=display_name,
                     role=Role.SYSADMIN, password=password, must_change=False)
    return user_row(user)


def create_first_admin(uow: UnitOfWork, *, username: str, display_name: str,
                       password: str) -> UserRow:
    with uow:
        row = add_first_admin(uow, username=username, display_name=display_name,
                              password=password)
        uow.commit()
        return row


def set_up_install(
    uow: UnitOfWork, *, actor: Actor, street_name: str, division_code: str,
    issuing_authority: str, doc_prefix: str, center_name: str = "",
    admin_username: str, admin_display_name: str, admin_password: str,
) -> InstallSetUp:
    """First run: the sub-center and its first administrator in ONE transaction, so a
    refused password leaves the install exactly as empty as before. The administrator
    is logged in at once (audited), so the app does not ask for the password just set."""
    with uow:
        info = add_sub_center(
            uow, actor=actor, street_name=street_name, division_code=division_code,
            issuing_authority=issuing_authority, doc_prefix=doc_prefix, center_name=center_name)
        admin = add_first_admin(uow, username=admin_username, display_name=admin_display_name,
                                password=admin_password, actor=actor)
        user = uow.users.get(admin.id)
        assert user is not None
        admin_actor = _log_in(uow, user, "首次设置本分中心后登录")
        uow.commit()
        return InstallSetUp(info, user_row(user), admin_actor)


def create_user(uow: UnitOfWork, *, actor: Actor, username: str, display_name: str,
                role: Role, password: str) -> UserRow:
    """A new account; its owner must choose their own password at the first login."""
    require(actor, Permission.ACCOUNT_MANAGE)
    with uow:
        user = add_user(uow, actor, username=username, display_name=display_name, role=role,
                         password=password, must_change=True)
        uow.commit()
        return user_row(user)


# --- login -----------------------------------------------------------------------------
def _locked_message(until: datetime) -> str:
    return (f"连续 {LOCKOUT_ATTEMPTS} 次密码错误，账号已锁定，请于 {until:%H:%M} 后再试，"
            "或请系统管理员重置密码。")


def _refuse(uow: UnitOfWork, actor: Actor, entity_id: str, summary: str,
            message: str) -> NoReturn:
    """Audit and COMMIT the failed attempt (and its counters), then refuse."""
    audit.record(uow, actor, AuditAction.LOGIN_FAILED, entity_type=ENTITY, entity_id=entity_id,
                 summary=summary)
    uow.commit()
    raise AuthenticationError(message)


def _log_in(uow: UnitOfWork, user: User, summary: str) -> Actor:
    user.failed_attempts = 0
    user.locked_until = None
    user.last_login_at = now()
    actor = actor_for(user)
    audit.record(uow, actor, AuditAction.LOGIN, entity_type=ENTITY, entity_id=user.id,
                 summary=summary)
    return actor


def authenticate(uow: UnitOfWork, *, username: str, password: str) -> Actor:
    """Check a username and password; the Actor the session works as, or
    AuthenticationError with the Chinese reason (after committing the failed attempt)."""
    name = username.strip().lower()
    if not name or not password:
        raise AuthenticationError("请输入用户名和密码。")
    with uow:
        at = now()
        user = uow.users.by_username(name)
        if user is None:
            _verify(_dummy_hash(), password)
            stranger = Actor(name=name[:40], role=Role.OPERATOR)
            _refuse(uow, stranger, "", f"以不存在的登录名“{name[:40]}”登录失败",
                    WRONG_CREDENTIALS)
        actor = actor_for(user)
        if user.locked_until is not None and user.locked_until > at:
            _refuse(uow, actor, user.id, f"{user.username} 在账号锁定期间尝试登录",
                    _locked_message(user.locked_until))
        if not _verify(user.password_hash, password):
            user.failed_attempts += 1
            if user.failed_attempts < LOCKOUT_ATTEMPTS:
                _refuse(uow, actor, user.id,
                        f"{user.username} 密码错误（连续第 {user.failed_attempts} 次）",
                        WRONG_CREDENTIALS)
            user.failed_attempts = 0
            user.locked_until = at + timedelta(minutes=LOCKOUT_MINUTES)
            _refuse(uow, actor, user.id,
                    f"{user.username} 连续 {LOCKOUT_ATTEMPTS} 次密码错误，"
                    f"账号锁定至 {user.locked_until:%H:%M}",
                    _locked_message(user.locked_until))
        if user.disabled:
            _refuse(uow, actor, user.id, f"已停用的账号 {user.username} 尝试登录",
                    DISABLED_MESSAGE)
        if _hasher.check_needs_rehash(user.password_hash):
            user.password_hash = hash_password(password)
        actor = _log_in(uow, user, f"{user.username}（{user.display_name}）登录")
        uow.commit()
        return actor


def change_password(uow: UnitOfWork, *, actor: Actor, old_password: str,
                    new_password: str) -> None:
    """The logged-in user changes their own password (also the forced first change)."""
    with uow:
        user = uow.users.get(actor.user_id) if actor.user_id else None
        if user is None:
            raise NotFoundError("当前身份没有对应的用户账号，无法修改密码。请用自己的账号登录后再试。")
        if not _verify(user.password_hash, old_password):
            raise ValidationError("原密码", "不正确，请重新输入。")
        validate_password(new_password, user.username, field="新密码")
        if new_password == old_password:
            raise ValidationError("新密码", "不能与原密码相同。")
        forced = user.must_change_password
        user.password_hash = hash_password(new_password)
        user.must_change_password = False
        _touch(user)
        audit.record(uow, actor, AuditAction.ACCOUNT, entity_type=ENTITY, entity_id=user.id,
                     summary=f"{user.username} 修改了自己的密码",
                     changes={"须修改密码": (True, False)} if forced else None)
        uow.commit()


# --- administration --------------------------------------------------------------------
def _touch(user: User) -> None:
    user.updated_at = now()
    user.version += 1


def _account(uow: UnitOfWork, username: str) -> User:
    user = uow.users.by_username(username.strip().lower())
    if user is None:
        raise NotFoundError(f"没有登录名为“{username.strip()}”的账号，请检查后重试。")
    return user


def _is_last_active_admin(uow: UnitOfWork, user: User) -> bool:
    if user.role != Role.SYSADMIN.value or user.disabled:
        return False
    active = [u for u in uow.users.all() if u.role == Role.SYSADMIN.value and not u.disabled]
    return len(active) <= 1


def reset_password(uow: UnitOfWork, *, actor: Actor, username: str,
                   new_password: str) -> UserRow:
    """A temporary password the owner must change at the next login; lifts a lock."""
    require(actor, Permission.ACCOUNT_MANAGE)
    with uow:
        user = _account(uow, username)
        validate_password(new_password, user.username, field="新密码")
        before = user_row(user)
        user.password_hash = hash_password(new_password)
        user.must_change_password = True
        user.failed_attempts = 0
        user.locked_until = None
        _touch(user)
        after = user_row(user)
        audit.record(uow, actor, AuditAction.ACCOUNT, entity_type=ENTITY, entity_id=user.id,
                     summary=f"重置 {user.username}（{user.display_name}）的密码",
                     changes={"状态": (before.state_label, after.state_label)})
        uow.commit()
        return after


def set_disabled(uow: UnitOfWork, *, actor: Actor, username: str, disabled: bool) -> UserRow:
    """停用/启用. Refuses one's own account and the last active system administrator,
    so the install can never end up with nobody able to manage accounts."""
    require(actor, Permission.ACCOUNT_MANAGE)
    with uow:
        user = _account(uow, username)
        if disabled and not user.disabled:
            if actor.user_id == user.id:
                raise ConflictError("不能停用自己正在使用的账号。如确需停用，请由另一名系统管理员操作。")
            if _is_last_active_admin(uow, user):
                raise ConflictError(
                    f"{user.username}（{user.display_name}）是唯一在用的系统管理员，不能停用。"
                    "请先把另一个账号设为系统管理员。")
        if user.disabled != disabled:
            before = user_row(user)
            user.disabled = disabled
            _touch(user)
            verb = "停用" if disabled else "启用"
            audit.record(uow, actor, AuditAction.ACCOUNT, entity_type=ENTITY, entity_id=user.id,
                         summary=f"{verb}账号 {user.username}（{user.display_name}）",
                         changes={"状态": (before.state_label, user_row(user).state_label)})
            uow.commit()
        return user_row(user)


def set_role(uow: UnitOfWork, *, actor: Actor, username: str, role: Role) -> UserRow:
    """Change an account's role; not one's own, and never the last system administrator's."""
    require(actor, Permission.ACCOUNT_MANAGE)
    with uow:
        user = _account(uow, username)
        before = Role(user.role)
        if before == role:
            return user_row(user)
        if actor.user_id == user.id:
            raise ConflictError("不能修改自己的角色。如确需修改，请由另一名系统管理员操作。")
        if before == Role.SYSADMIN and _is_last_active_admin(uow, user):
            raise ConflictError(
                f"{user.username}（{user.display_name}）是唯一在用的系统管理员，不能改为其他角色。"
                "请先把另一个账号设为系统管理员。")
        user.role = role.value
        _touch(user)
        audit.record(uow, actor, AuditAction.ACCOUNT, entity_type=ENTITY, entity_id=user.id,
                     summary=f"将 {user.username}（{user.display_name}）的角色改为{role.label}",
                     changes={"角色": (before.label, role.label)})
        uow.commit()
        return user_row(user)
