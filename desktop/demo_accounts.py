"""The demo street's accounts: one per role, all with the published password
``DEMO_PASSWORD``, so a trainer can show what each role sees.

None of them is forced to change the password (the demo is for trying things out, and
the password is printed in the README and on the login screen of a demo install).
"""

from __future__ import annotations

from desktop.domain.actor import LOCAL_ADMIN, Actor, Role
from desktop.services.accounts import UserRow, add_user, hash_password, user_row
from local_db.unit_of_work import UnitOfWork

DEMO_PASSWORD = "demo2026"
DEMO_ADMIN = "admin"

# (username, display name, role)
DEMO_ACCOUNTS: tuple[tuple[str, str, Role], ...] = (
    (DEMO_ADMIN, "周立新", Role.SYSADMIN),
    ("zuoxi", "李晓燕", Role.OPERATOR),
    ("wangge", "王建军", Role.GRID_ADMIN),
    ("zhuren", "赵国强", Role.DIRECTOR),
    ("wenshu", "陈静怡", Role.CLERK),
)


def add_demo_accounts(uow: UnitOfWork, *, actor: Actor = LOCAL_ADMIN) -> list[UserRow]:
    """Create the demo accounts inside an open unit of work (no commit)."""
    # One hash for all five: they share the published password, and hashing once keeps
    # the demo build ~0.4 s faster. Each account still verifies on its own.
    shared = hash_password(DEMO_PASSWORD)
    return [
        user_row(add_user(uow, actor, username=username, display_name=name, role=role,
                       password=DEMO_PASSWORD, must_change=False, password_hash=shared))
        for username, name, role in DEMO_ACCOUNTS
    ]


def demo_accounts_hint() -> str:
    """The line the login screen of a demo install shows."""
    listed = "　".join(f"{username} {role.label}" for username, _name, role in DEMO_ACCOUNTS)
    return f"演示账号（密码均为 {DEMO_PASSWORD}）：\n{listed}"
