"""The start-up sign-in sequence: demo flag, an install set up from the command line
(no account yet), and an ordinary login. The dialogs themselves have their own tests;
here the dialog functions are replaced at the edge to check which one runs when."""

from __future__ import annotations

from argparse import Namespace

from desktop.domain.actor import Actor, Role
from desktop.services.subcenter import get_sub_center
from tests.ui.conftest import run
from ui import sign_in as module
from ui.dialogs import first_run, login


def _args(**overrides) -> Namespace:  # type: ignore[no-untyped-def]
    return Namespace(**{"smoke": False, "demo": False, **overrides})


def test_demo_flag_loads_the_demo_street_and_signs_in_its_administrator(qtbot, ui_env):
    assert run(qtbot, ui_env, module.sign_in(ui_env, _args(demo=True)), timeout=60_000)
    assert ui_env.sub_center is not None and ui_env.sub_center.is_demo
    assert ui_env.context.actor.role is Role.SYSADMIN
    assert ui_env.context.actor.user_id is not None


def test_an_install_without_accounts_asks_for_the_first_administrator(
    qtbot, ui_env, street, monkeypatch
):
    ui_env.sub_center = get_sub_center(ui_env.context.uow())
    admin = Actor("管理员", Role.SYSADMIN, "u1")
    calls: list[str] = []

    async def first_admin(env):  # type: ignore[no-untyped-def]
        calls.append("first_admin")
        return admin

    async def login_dialog(env):  # type: ignore[no-untyped-def]
        calls.append("login")
        return None

    monkeypatch.setattr(first_run, "run_first_admin", first_admin)
    monkeypatch.setattr(login, "run_login", login_dialog)
    assert run(qtbot, ui_env, module.sign_in(ui_env, _args()))
    assert calls == ["first_admin"] and ui_env.context.actor == admin


def test_with_accounts_the_login_dialog_decides(qtbot, ui_env, street, monkeypatch):
    from desktop.services.accounts import create_first_admin

    create_first_admin(ui_env.context.uow(), username="admin", display_name="管理员",
                       password="secret2026")
    ui_env.sub_center = get_sub_center(ui_env.context.uow())

    async def refused(env):  # type: ignore[no-untyped-def]
        return None  # the user closed the login dialog

    monkeypatch.setattr(login, "run_login", refused)
    assert run(qtbot, ui_env, module.sign_in(ui_env, _args())) is False
