"""Applying a push exactly once (PROTOCOL.md "POST /api/push").

Each mutation runs in its own writing transaction, which also advances the client's
``last_mutation_id`` and stores the mutation's result: the effect, the counter and the
answer commit together or not at all. A resend of an answered id gets the stored answer;
a gap stops the batch; a mutation that crashes the server is answered ``rejected`` (in a
fresh transaction) so it can never block the client's queue. Database trouble
(OperationalError) is not the mutation's fault: it propagates and becomes a 503.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from desktop.domain.demand_states import DemandStatus
from district.auth import Principal
from district.db import (
    AttachmentRow,
    ClientRow,
    ConflictRow,
    Database,
    MutationResultRow,
    Writer,
    utcnow,
)
from district.errors import ApiError
from district.ownership import Policy, judge_update, policy_of
from district.records import find, write
from district.schemas import (
    Mutation,
    MutationOp,
    MutationResult,
    PushRequest,
    PushResponse,
    PushStop,
    ResultStatus,
)
from district.workorders import CommandRejected, apply_command, is_work_order

log = logging.getLogger(__name__)
_CHAIN_LOOKBACK = 500  # answers of one client searched for its previous edit of a record


class Rejected(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message


def push(db: Database, principal: Principal, request: PushRequest) -> PushResponse:
    if request.client_id != principal.client_id:
        raise ApiError(403, "client_mismatch", "上传请求的本机标识与登录凭证不符，请重新注册本机。")
    with db.read() as session:
        client = session.get(ClientRow, principal.client_id)
        if client is None:
            raise ApiError(401, "token_invalid", "本机的注册已失效，请重新注册本机。")
        last = client.last_mutation_id
    results: list[MutationResult] = []
    stopped: PushStop | None = None
    for mutation in request.mutations:
        if mutation.id <= last:
            results.append(_stored(db, principal.client_id, mutation.id))
            continue
        if mutation.id > last + 1:
            stopped = PushStop(mutation_id=mutation.id, code="gap", expected_mutation_id=last + 1,
                               message=f"上传序号不连续：平台等待第 {last + 1} 条，收到第 {mutation.id} 条。")
            break
        missing = _missing_attachments(db, principal.street, mutation.attachments)
        if missing:
            stopped = PushStop(mutation_id=mutation.id, code="attachment_missing",
                               missing_attachments=missing,
                               message="该记录引用的附件尚未完整上传，请先上传附件。")
            break
        result, last = _apply_once(db, principal, mutation)
        results.append(result)
    return PushResponse(results=results, last_mutation_id=last, stopped=stopped)


def _stored(db: Database, client_id: str, mutation_id: int) -> MutationResult:
    with db.read() as session:
        row = session.get(MutationResultRow, (client_id, mutation_id))
    if row is None:  # answered long ago and pruned: all we know is that it was answered
        return MutationResult(mutation_id=mutation_id, status=ResultStatus.DUPLICATE)
    stored = MutationResult.model_validate(row.result)
    return stored.model_copy(update={"status": ResultStatus.DUPLICATE,
                                     "original_status": stored.status})


def _missing_attachments(db: Database, street: str, hashes: list[str]) -> list[str]:
    if not hashes:
        return []
    with db.read() as session:
        done = set(session.scalars(select(AttachmentRow.sha256).where(
            AttachmentRow.street == street, AttachmentRow.sha256.in_(hashes),
            AttachmentRow.complete.is_(True))))
    return [sha for sha in hashes if sha not in done]


def _apply_once(db: Database, principal: Principal, m: Mutation) -> tuple[MutationResult, int]:
    try:
        return _in_transaction(db, principal, m, _effect)
    except OperationalError:
        raise
    except Exception:  # a poison mutation: answer it for good, never block the queue
        log.exception("mutation %s of %s failed", m.id, principal.client_id)

        def _poison(_w: Writer, _p: Principal, mm: Mutation) -> MutationResult:
            return _result(mm, ResultStatus.REJECTED, "internal_error",
                           "区级平台处理该条修改时出错，已放弃该条；请联系区级平台管理员。")

        return _in_transaction(db, principal, m, _poison)


def _in_transaction(db: Database, principal: Principal, m: Mutation,
                    effect: Any) -> tuple[MutationResult, int]:
    with db.write() as w:
        client = w.session.get(ClientRow, principal.client_id)
        assert client is not None
        if client.last_mutation_id >= m.id:  # a concurrent request got there first
            answered = client.last_mutation_id
        else:
            result = effect(w, principal, m)
            client.last_mutation_id = m.id
            stored = result.model_dump(mode="json") | {"base_version": m.base_version}
            w.session.add(MutationResultRow(client_id=principal.client_id, mutation_id=m.id,
                                            result=stored, created_at=utcnow()))
            return result, m.id
    return _stored(db, principal.client_id, m.id), answered


def _result(m: Mutation, status: ResultStatus, code: str = "", message: str = "",
            **extra: Any) -> MutationResult:
    return MutationResult(mutation_id=m.id, status=status, code=code, message=message,
                          table=m.table, record_id=m.record_id, **extra)


def _effect(w: Writer, p: Principal, m: Mutation) -> MutationResult:
    try:
        return _dispatch(w, p, m)
    except Rejected as exc:
        return _result(m, ResultStatus.REJECTED, exc.code, exc.message)
    except CommandRejected as exc:
        return _result(m, ResultStatus.REJECTED, exc.code, exc.message)


def _dispatch(w: Writer, p: Principal, m: Mutation) -> MutationResult:
    if m.op is MutationOp.VOID:
        raise Rejected("void", "本机未上传该条修改（超过平台的单条大小上限），平台已记为拒收。")
    policy = policy_of(m.table)
    if policy is None:
        raise Rejected("unknown_table", f"区级平台不接收“{m.table}”表的数据，请升级客户端。")
    existing = find(w.session, p.street, m.table, m.record_id)
    if m.op is MutationOp.COMMAND:
        return _command(w, p, m, existing)
    if existing is None:
        return _create(w, p, m, policy)
    current = dict(existing.fields)
    incoming = {} if m.op is MutationOp.DELETE else dict(m.fields)
    if m.op is MutationOp.DELETE:
        if existing.owner == "district":
            return _conflict(w, p, m, existing, "district_owned",
                             "该记录由区级平台维护，本机不能删除，已保留区级平台的内容。")
        incoming = current
    _validate(m.table, incoming)
    verdict = judge_update(policy, owner=existing.owner, current=current, incoming=incoming,
                           base_version=m.base_version, version=existing.version,
                           district_version=existing.district_version,
                           own_chain=policy is Policy.JOINT_ACTION
                           and _continues_own_edit(w, p, m, existing))
    deleted = m.op is MutationOp.DELETE
    changes = verdict.fields != current or deleted != existing.deleted
    if changes and verdict.conflict in (None, "district_owned"):
        write(w, street=existing.street, table=m.table, record_id=m.record_id,
              fields=verdict.fields, owner=existing.owner, by=p.client_id,
              deleted=deleted if verdict.conflict is None else existing.deleted,
              existing=existing)
    if verdict.conflict:
        return _conflict(w, p, m, existing, verdict.conflict, verdict.message)
    # the district kept some of its own values: tell the client what it stores now, or
    # the client, holding the same version number, would never take the kept values
    kept = None if deleted or verdict.fields == {**current, **incoming} else verdict.fields
    return _result(m, ResultStatus.APPLIED, version=existing.version, server_fields=kept)


def _continues_own_edit(w: Writer, p: Principal, m: Mutation, existing: Any) -> bool:
    """The record is as this client's last earlier mutation of it left it (applied,
    nobody wrote since) and this one has the same base: one run of edits made before
    the first was answered. (A client gives every edit of such a run the district's
    last version as base, so a second edit of an approved action is based on the
    version before the first one.) Looks back over the client's recent answers only;
    the base is stored with each answer (not part of the API's MutationResult)."""
    if m.base_version == existing.version or existing.updated_by != p.client_id:
        return False
    results = w.session.scalars(
        select(MutationResultRow.result).where(MutationResultRow.client_id == p.client_id,
                                               MutationResultRow.mutation_id < m.id)
        .order_by(MutationResultRow.mutation_id.desc()).limit(_CHAIN_LOOKBACK))
    for result in results:
        if result.get("table") == m.table and result.get("record_id") == m.record_id:
            return bool(result.get("status") == ResultStatus.APPLIED.value
                        and result.get("version") == existing.version
                        and result.get("base_version") == m.base_version)
    return False


def _create(w: Writer, p: Principal, m: Mutation, policy: Policy) -> MutationResult:
    if policy is Policy.PULL_ONLY:
        raise Rejected("pull_only_table", "该类数据只能由区级平台发布，本机新增的内容不会上传。")
    try:
        uuid.UUID(m.record_id)
    except ValueError:
        raise Rejected("invalid_record_id", f"记录标识“{m.record_id[:40]}”不是有效的 UUID。") from None
    fields = dict(m.fields)
    _validate(m.table, fields)
    row = write(w, street=p.street, table=m.table, record_id=m.record_id, fields=fields,
                owner="street", by=p.client_id, deleted=m.op is MutationOp.DELETE)
    return _result(m, ResultStatus.APPLIED, version=row.version)


def _validate(table: str, fields: dict[str, Any]) -> None:
    if table == "demand" and "status" in fields:
        try:
            DemandStatus(str(fields["status"]))
        except ValueError:
            raise Rejected("invalid_value", f"诉求状态“{fields['status']}”无效。") from None


def _command(w: Writer, p: Principal, m: Mutation, existing: Any) -> MutationResult:
    if m.table != "demand" or not m.command:
        raise Rejected("unknown_command", "只有区级派单可以发送办理指令。")
    if existing is None:
        raise Rejected("record_not_found", "区级平台上没有这条派单。")
    if not is_work_order(existing.owner, existing.fields):
        raise Rejected("not_a_work_order", "该诉求不是区级派单，无需向区级平台发送办理指令。")
    outcome = apply_command(dict(existing.fields), m.command, m.args, utcnow())
    if outcome.conflict:
        return _conflict(w, p, m, existing, outcome.conflict, outcome.message)
    if outcome.fields is not None:
        write(w, street=existing.street, table=m.table, record_id=m.record_id,
              fields=outcome.fields, owner=existing.owner, by=p.client_id, existing=existing)
    return _result(m, ResultStatus.APPLIED, version=existing.version,
                   server_fields=outcome.fields)


def _conflict(w: Writer, p: Principal, m: Mutation, existing: Any, code: str,
              message: str) -> MutationResult:
    client_side = (dict(m.fields) if m.op is not MutationOp.COMMAND
                   else {"command": m.command, "args": m.args})
    if m.op is MutationOp.DELETE:
        client_side = {"deleted": True}
    row = ConflictRow(street=p.street, client_id=p.client_id, mutation_id=m.id,
                      table_name=m.table, record_id=m.record_id, code=code, message=message,
                      client_fields=client_side, server_fields=dict(existing.fields),
                      created_at=utcnow())
    w.session.add(row)
    w.session.flush()
    return _result(m, ResultStatus.CONFLICT, code, message, version=existing.version,
                   conflict_id=row.id, server_fields=dict(existing.fields))
