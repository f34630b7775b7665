"""Who is using the program: the first-run set-up (which creates the administrator and
signs them in), the first administrator for installs set up from the command line, or
the login dialog. Returns False when the user closed the dialog (the program ends)."""

from __future__ import annotations

from argparse import Namespace

from desktop.services.accounts import users_exist
from ui.env import UiEnv


async def sign_in(env: UiEnv, args: Namespace) -> bool:
    from ui.dialogs.first_run import run_first_admin, run_first_run
    from ui.dialogs.login import run_login

    if args.smoke:
        return True  # unattended start-up check: no one to sign in
    actor = None
    if env.sub_center is None:
        result = await run_first_run(env, demo=args.demo)
        if result is None:
            return False
        env.sub_center, actor = result.sub_center, result.actor
    elif not await env.tasks.db(users_exist, env.context.uow()):
        actor = await run_first_admin(env)  # set up by `subcenter init`: no account yet
        if actor is None:
            return False
    if actor is None:
        actor = await run_login(env)
        if actor is None:
            return False
    env.context.actor = actor
    return True
