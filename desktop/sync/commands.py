"""Enrolment and one sync run, for the command line (``subcenter enroll`` / ``sync``)
and the app (the async functions, awaited on the qasync loop with ``db`` = the app's
DB thread).

Enrolment on an EMPTY data folder also sets the sub-center up from the street the
district returns, so the second PC of a street starts by enrolling; then it runs a
first sync (its first download resumes from the saved cursor if interrupted).
"""

from __future__ import annotations

import asyncio
import hashlib
import socket
from dataclasses import dataclass
from typing import Any

from desktop.bootstrap import AppContext
from desktop.clock import now
from desktop.domain.actor import Actor
from desktop.domain.errors import ConflictError, DomainError
from desktop.domain.permissions import Permission, require
from desktop.services import audit
from desktop.services.subcenter import add_sub_center
from desktop.sync.client import Connection, SyncError
from desktop.sync.engine import DbRunner, RunSummary, SyncSetup, client_for, in_thread, run_once
from desktop.sync.services import check_server_url
from desktop.sync.tokens import TokenStore
from local_db.unit_of_work import UnitOfWork


class SyncIncompleteError(DomainError):
    """The run ended without draining the outbox or reaching the head (exit code 1)."""


def token_store(context: AppContext) -> TokenStore:
    """The token of this data folder (two folders on one PC are two installs)."""
    folder = str(context.paths.root.resolve())
    return TokenStore(context.paths.root, "install-" + hashlib.sha256(folder.encode()).hexdigest()[:16])


def sync_setup(context: AppContext, *, db: DbRunner = in_thread, **options: Any) -> SyncSetup:
    options.setdefault("attachments", context.paths.attachments)
    return SyncSetup(uow=context.uow, engine=context.engine, tokens=token_store(context), db=db,
                     **options)


@dataclass(frozen=True)
class Enrolment:
    client_id: str
    street_code: str
    street_name: str
    set_up_here: bool  # the sub-center was set up from the district's street
    install_number: int | None = None  # 终端号 within the street (None: the server sent none)


async def enroll(setup: SyncSetup, *, actor: Actor, server: str, street: str, user: str,
                 password: str, ca_file: str = "", proxy: str = "") -> Enrolment:
    """Register this install with the district and keep its refresh token."""
    require(actor, Permission.SYNC_CONFIGURE)
    url = check_server_url(server)
    previous = await setup.db(_previous_client, setup.uow)
    async with await client_for(setup, Connection(url, ca_file or "", proxy or "")) as client:
        await client.hello()
        answer = await client.enroll(street_code=street.strip(), user=user, password=password,
                                     client_id=previous, client_name=socket.gethostname())
    setup.tokens.save(answer["refresh_token"])
    try:
        return await setup.db(_store_enrolment, setup.uow, actor, url, ca_file or "", proxy or "",
                              answer, previous)
    except DomainError:
        setup.tokens.clear()
        raise


def _previous_client(uow_factory: Any) -> str | None:
    with uow_factory() as uow:
        state = uow.sync.peek_state()
        return state.client_id if state else None


def _store_enrolment(uow_factory: Any, actor: Actor, url: str, ca_file: str, proxy: str,
                     answer: dict[str, Any], previous: str | None) -> Enrolment:
    street = answer["street"]
    with uow_factory() as uow:
        set_up_here = _ensure_sub_center(uow, actor, street)
        state = uow.sync.state()
        client_id = str(answer["client_id"])
        if client_id != previous:  # a new mutation counter at the district: renumber
            first = uow.sync.first_waiting_seq() or uow.sync.next_seq()
            state.mutation_offset = first - (int(answer.get("last_mutation_id") or 0) + 1)
            state.pull_cursor, state.pulled_records, state.initial_pull_done = None, 0, False
        state.client_id, state.server_url, state.street_code = client_id, url, street["code"]
        state.ca_file, state.proxy, state.enrolled_at = ca_file, proxy, now()
        state.install_number = _install_number(answer)
        state.last_error = ""
        audit.record(uow, actor, audit.AuditAction.SYNC, entity_type="sync_state", entity_id="1",
                     summary=f"本机在区级平台注册：{street['name']}（{street['code']}），平台 {url}")
        uow.commit()
        return Enrolment(client_id, street["code"], street["name"], set_up_here,
                         state.install_number)


def _install_number(answer: dict[str, Any]) -> int | None:
    """The 终端号 the district gave (a server without it: None, numbers stay as on a
    single-PC street)."""
    value = answer.get("install_number")
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 1 \
        else None


def _ensure_sub_center(uow: UnitOfWork, actor: Actor, street: dict[str, Any]) -> bool:
    existing = uow.sub_center.get()
    if existing is None:
        add_sub_center(uow, actor=actor, street_name=street["name"],
                       division_code=street["code"], center_name=street.get("center_name", ""),
                       issuing_authority=street["issuing_authority"],
                       doc_prefix=street["doc_prefix"])
        return True
    if existing.division_code != street["code"]:
        raise ConflictError(
            f"本机数据属于“{existing.street_name}”（区划代码 {existing.division_code}），"
            f"不能注册为“{street['name']}”（{street['code']}）。请核对街道代码，"
            "或为另一个街道使用新的数据目录。")
    return False


async def sync(setup: SyncSetup, *, actor: Actor, trigger: str = "manual", **run: Any
               ) -> RunSummary:
    """One run for an actor allowed to sync (the app's 立即同步 and its timer)."""
    require(actor, Permission.SYNC_RUN)
    return await run_once(setup, trigger=trigger, **run)


def _complete_or_raise(summary: RunSummary) -> str:
    if summary.complete:
        return summary.message
    raise SyncIncompleteError(
        f"{summary.message[:-1]}，但本次同步未全部完成（仍有 {summary.waiting} 条待上传"
        f"{'' if summary.reached_head else '，下载未到最新'}）。请稍后再运行 subcenter sync。")


def run_enroll(context: AppContext, *, server: str, street: str, user: str, password: str,
               ca_file: str | None, proxy: str | None) -> str:
    """``subcenter enroll``: register, set the sub-center up if the folder is empty, and
    download the street's data."""
    setup = sync_setup(context)

    async def work() -> tuple[Enrolment, RunSummary | None, str]:
        enrolment = await enroll(setup, actor=context.actor, server=server, street=street,
                                 user=user, password=password, ca_file=ca_file or "",
                                 proxy=proxy or "")
        try:
            return enrolment, await run_once(setup, trigger="enroll"), ""
        except SyncError as error:
            return enrolment, None, str(error)

    enrolment, summary, problem = asyncio.run(work())
    terminal = (f"终端号 {enrolment.install_number}，" if enrolment.install_number else "")
    head = (f"本机已在区级平台注册为“{enrolment.street_name}”（{enrolment.street_code}）的一台终端"
            f"（{terminal}终端标识 {enrolment.client_id}）。")
    if enrolment.set_up_here:
        head += "已按平台信息建立本分中心。"
    if summary is None:
        raise SyncIncompleteError(head + f"但首次同步未完成：{problem} 请稍后运行 subcenter sync 继续。")
    return head + _complete_or_raise(summary)


def run_sync(context: AppContext) -> str:
    """``subcenter sync``: one run; exit 0 only when the outbox is drained and the pull
    reached the head (otherwise a DomainError with the reason → exit code 1)."""
    require(context.actor, Permission.SYNC_RUN)
    summary = asyncio.run(run_once(sync_setup(context), trigger="cli"))
    return _complete_or_raise(summary)
