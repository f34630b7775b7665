"""Account rules that need no database: usernames, display names, password strength,
roles typed as text. The services and the dialogs share them, so a form and the
command line refuse the same things with the same sentence."""

from __future__ import annotations

import re

from desktop.domain.actor import Role
from desktop.domain.errors import ValidationError

MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 128
_USERNAME = re.compile(r"[a-z][a-z0-9_.\-]{1,31}")


def parse_role(text: str) -> Role:
    """A role from its code (``operator``) or its Chinese label (``坐席``)."""
    role = Role.from_label(text)
    if role is None:
        raise ValidationError("角色", f"“{text}”不是有效的角色，可选：{'、'.join(Role.labels())}。")
    return role


def normalize_username(text: str) -> str:
    """Usernames are compared in lower case: ``Admin`` and ``admin`` are one account."""
    name = text.strip().lower()
    if not _USERNAME.fullmatch(name):
        raise ValidationError(
            "登录名", "只能使用英文字母、数字、下划线、点或连字符，以字母开头，"
            "长 2 至 32 个字符（如 zhangsan）。")
    return name


def display_name_of(text: str) -> str:
    name = text.strip()
    if not name:
        raise ValidationError("姓名", "不能为空。")
    if len(name) > 40:
        raise ValidationError("姓名", f"不能超过 40 个字（现为 {len(name)} 个）。")
    return name


def validate_password(password: str, username: str, *, field: str = "密码") -> None:
    """At least 8 characters, with both letters and digits, not containing the username."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationError(field, f"至少需要 {MIN_PASSWORD_LENGTH} 个字符（现为 {len(password)} 个）。")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise ValidationError(field, f"不能超过 {MAX_PASSWORD_LENGTH} 个字符。")
    if not re.search(r"[A-Za-z]", password) or not re.search(r"\d", password):
        raise ValidationError(field, "须同时包含英文字母和数字。")
    if username and username.strip().lower() in password.lower():
        raise ValidationError(field, "不能包含登录名，请换一个不易猜到的密码。")


def check_confirmation(password: str, confirmation: str, *, field: str = "确认密码") -> None:
    if password != confirmation:
        raise ValidationError(field, "与上面输入的密码不一致，请重新输入。")
