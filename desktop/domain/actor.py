"""Who is doing something: every service call takes an ``actor`` so that permissions
and the audit trail are decided in the core, not in widgets."""

from __future__ import annotations

from dataclasses import dataclass

from desktop.domain.labels import LabeledEnum


class Role(LabeledEnum):
    OPERATOR = ("operator", "坐席")
    GRID_ADMIN = ("grid_admin", "网格管理员")
    DIRECTOR = ("director", "执法办主任")
    CLERK = ("clerk", "文书")
    SYSADMIN = ("sysadmin", "系统管理员")


@dataclass(frozen=True)
class Actor:
    name: str
    role: Role
    user_id: str | None = None


# The command line and the first-run set-up act as the local administrator until
# accounts exist.
LOCAL_ADMIN = Actor(name="本机管理员", role=Role.SYSADMIN)
