"""Account rules that need no database: password strength, usernames, roles typed as
text, and how an account's state reads in the list."""

from __future__ import annotations

from datetime import datetime

import pytest

from desktop.domain.accounts import (
    check_confirmation,
    display_name_of,
    normalize_username,
    parse_role,
    validate_password,
)
from desktop.domain.actor import Role
from desktop.domain.errors import ValidationError
from desktop.services.accounts import UserRow


@pytest.mark.parametrize(("password", "reason"), [
    ("ab12cd3", "至少需要 8 个字符（现为 7 个）"),
    ("abcdefgh", "须同时包含英文字母和数字"),
    ("12345678", "须同时包含英文字母和数字"),
    ("xx-zhangsan-9", "不能包含登录名"),
    ("XXZhangSan9", "不能包含登录名"),  # case does not hide the username
    ("a1" * 65, "不能超过 128 个字符"),
])
def test_weak_passwords_are_refused_with_the_reason(password: str, reason: str) -> None:
    with pytest.raises(ValidationError) as caught:
        validate_password(password, "zhangsan")
    assert reason in caught.value.message
    assert caught.value.field == "密码"


@pytest.mark.parametrize("password", ["fr2026jd", "Xy7" * 3, "长沙abc12345"])
def test_good_passwords_pass(password: str) -> None:
    validate_password(password, "zhangsan")


def test_the_field_named_in_the_message_is_the_callers() -> None:
    with pytest.raises(ValidationError) as caught:
        validate_password("short1", "li", field="新密码")
    assert caught.value.message.startswith("「新密码」")


def test_confirmation_must_match() -> None:
    check_confirmation("fr2026jd", "fr2026jd")
    with pytest.raises(ValidationError, match="不一致"):
        check_confirmation("fr2026jd", "fr2026JD")


@pytest.mark.parametrize(("typed", "stored"), [("ZhangSan", "zhangsan"), (" li.na_2 ", "li.na_2")])
def test_usernames_are_stored_in_lower_case(typed: str, stored: str) -> None:
    assert normalize_username(typed) == stored


@pytest.mark.parametrize("typed", ["", "a", "2zhang", "张三", "zhang san", "x" * 33])
def test_bad_usernames_are_refused(typed: str) -> None:
    with pytest.raises(ValidationError, match="登录名"):
        normalize_username(typed)


def test_display_names_are_required_and_short() -> None:
    assert display_name_of("  王芳 ") == "王芳"
    with pytest.raises(ValidationError, match="不能为空"):
        display_name_of("   ")
    with pytest.raises(ValidationError, match="不能超过 40 个字"):
        display_name_of("名" * 41)


@pytest.mark.parametrize(("text", "role"), [
    ("operator", Role.OPERATOR), ("坐席", Role.OPERATOR), (" 系统管理员 ", Role.SYSADMIN),
    ("grid_admin", Role.GRID_ADMIN), ("文书", Role.CLERK),
])
def test_roles_parse_from_code_or_label(text: str, role: Role) -> None:
    assert parse_role(text) is role


def test_an_unknown_role_lists_the_choices() -> None:
    with pytest.raises(ValidationError) as caught:
        parse_role("boss")
    assert "坐席" in caught.value.message and "系统管理员" in caught.value.message


def _row(**changes) -> UserRow:  # type: ignore[no-untyped-def]
    values = dict(id="1", username="li", display_name="李", role=Role.OPERATOR, disabled=False,
                  must_change_password=False, locked_until=None, last_login_at=None)
    values.update(changes)
    return UserRow(**values)


def test_state_label_reads_the_most_important_state_first() -> None:
    assert _row().state_label == "正常"
    assert _row(must_change_password=True).state_label == "须修改密码"
    locked = _row(must_change_password=True, locked_until=datetime(2026, 5, 1, 9, 5))
    assert locked.state_label == "已锁定至 09:05"
    assert _row(disabled=True, locked_until=datetime(2026, 5, 1, 9, 5)).state_label == "已停用"
