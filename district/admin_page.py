"""A tiny HTML admin page: the streets, their work orders and whistle targets, and forms
for the district-side edits. Plain HTML forms posting to /admin/form/<action> with the
admin token in a hidden field (no JavaScript, no extra packages)."""

from __future__ import annotations

from datetime import date, datetime
from html import escape
from typing import Any
from urllib.parse import parse_qs, quote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from district import district_edits as edits
from district.db import Database
from district.errors import ApiError
from district.records import street_records
from district.schemas import (
    HolidayTable,
    ResponsibilityItemIn,
    ResponsibilityListPublish,
    WhistleResponse,
    WorkOrderCreate,
)

router = APIRouter(include_in_schema=False)
_STYLE = ("body{font-family:sans-serif;margin:2em;max-width:1100px}table{border-collapse:"
          "collapse}td,th{border:1px solid #ccc;padding:4px 8px}form{margin:.5em 0}"
          "input,textarea{margin:2px}.ok{color:green}.err{color:#b00}")


def _token_ok(request: Request, token: str) -> bool:
    return bool(token) and token == request.app.state.server.settings.admin_token


@router.get("/admin", response_class=HTMLResponse)
async def page(request: Request, token: str = "", note: str = "") -> HTMLResponse:
    if not _token_ok(request, token):
        return HTMLResponse(_wrap("<p class=err>请在地址后加上 ?token=管理口令（服务启动时打印）。</p>"),
                            status_code=403)
    body = await run_in_threadpool(_render, request.app.state.server.db, token)
    flash = f"<p class=ok>{escape(note)}</p>" if note else ""
    return HTMLResponse(_wrap(flash + body))


def _wrap(body: str) -> str:
    return (f"<!doctype html><html lang=zh-CN><meta charset=utf-8><title>区级平台（参考实现）</title>"
            f"<style>{_STYLE}</style><h1>区级平台（参考实现）管理页</h1>{body}</html>")


def _form(action: str, token: str, inner: str, button: str) -> str:
    return (f"<form method=post action='/admin/form/{action}'>"
            f"<input type=hidden name=token value='{escape(token)}'>{inner}"
            f"<button>{button}</button></form>")


def _render(db: Database, token: str) -> str:
    parts = ["<h2>街道</h2><table><tr><th>代码</th><th>名称</th><th>已注册终端</th>"
             "<th>记录数</th><th>冲突</th></tr>"]
    streets = edits.list_streets(db)
    for s in streets:
        parts.append(f"<tr><td>{s.code}</td><td>{escape(s.name)}</td><td>{s.clients}</td>"
                     f"<td>{s.records}</td><td>{s.open_conflicts}</td></tr>")
    parts.append("</table>")
    for s in streets:
        parts.append(_street_section(db, token, s.code, s.name))
    parts.append("<h2>全区发布</h2>")
    parts.append(_form("holidays", token, "年份 <input name=year size=5> 节假日（每行：日期,休/班,名称）"
                       "<br><textarea name=days rows=4 cols=60></textarea><br>", "发布节假日安排"))
    parts.append(_form("responsibilities", token,
                       "版本号 <input name=number size=4> 标题 <input name=title size=30>"
                       " 街道代码（留空=全区）<input name=street size=12><br>事项（每行：编码,类型,名称,牵头单位）"
                       "<br><textarea name=items rows=4 cols=60></textarea><br>", "发布责任清单"))
    return "".join(parts)


def _street_section(db: Database, token: str, code: str, name: str) -> str:
    with db.read() as session:
        orders = [r for r in street_records(session, code, "demand", 50)
                  if r.owner == "district"]
        targets = street_records(session, code, "whistle_target", 50)
    rows = "".join(
        f"<tr><td>{escape(str(o.fields.get('number')))}</td><td>{escape(str(o.fields.get('title')))}</td>"
        f"<td>{escape(str(o.fields.get('district_status')))}</td><td>{escape(str(o.fields.get('status')))}</td>"
        f"<td>{_form('recall', token, _hidden(code, o.id), '撤回')}</td></tr>" for o in orders)
    answers = "".join(
        f"<tr><td>{t.id}</td><td>{escape(str(t.fields.get('unit_id')))}</td>"
        f"<td>{_form('whistle', token, _hidden(code, t.id) + '答复 <input name=response>', '部门答复')}</td></tr>"
        for t in targets)
    dispatch = _form("dispatch", token, f"<input type=hidden name=street value={code}>"
                     "标题 <input name=title size=30> 内容 <input name=content size=40> "
                     "期限 <input name=deadline type=date>", "派单")
    return (f"<h2>{escape(name)}（{code}）</h2>{dispatch}<table><tr><th>编号</th><th>标题</th>"
            f"<th>区级状态</th><th>街道办理状态</th><th></th></tr>{rows}</table>"
            f"<h3>吹哨应哨单位</h3><table>{answers}</table>")


def _hidden(street: str, record_id: str) -> str:
    return (f"<input type=hidden name=street value={street}>"
            f"<input type=hidden name=record_id value={escape(record_id)}>")


@router.post("/admin/form/{action}")
async def form(request: Request, action: str) -> Any:
    values = {k: v[0] for k, v in parse_qs((await request.body()).decode()).items()}
    token = values.get("token", "")
    if not _token_ok(request, token):
        return HTMLResponse(_wrap("<p class=err>管理口令不正确。</p>"), status_code=403)
    db = request.app.state.server.db
    try:
        note = await run_in_threadpool(_do, db, action, values)
    except (ApiError, ValidationError, ValueError, KeyError) as exc:
        note = f"未完成：{getattr(exc, 'message', exc)}"
    return RedirectResponse(f"/admin?token={quote(token)}&note={quote(note)}", status_code=303)


def _do(db: Database, action: str, v: dict[str, str]) -> str:
    if action == "dispatch":
        deadline = (datetime.combine(date.fromisoformat(v["deadline"]), datetime.min.time())
                    .replace(hour=17) if v.get("deadline") else None)
        order = edits.dispatch_work_order(db, v["street"], WorkOrderCreate(
            title=v.get("title", ""), content=v.get("content", ""), deadline_at=deadline))
        return f"已派单：{order.fields['number']}"
    if action == "recall":
        edits.recall_work_order(db, v["street"], v["record_id"], "区级平台撤回")
        return "已撤回派单"
    if action == "whistle":
        edits.answer_whistle(db, v["street"], v["record_id"], WhistleResponse(
            response=v.get("response", ""), arrived_at=datetime.now().replace(microsecond=0)))
        return "已登记部门答复"
    if action == "holidays":
        days = [line.split(",") for line in v.get("days", "").splitlines() if line.strip()]
        edits.publish_holidays(db, HolidayTable(year=int(v["year"]), published_on=date.today(),
                                                days=[{"day": d[0].strip(), "is_workday": d[1].strip() == "班",
                                                       "name": d[2].strip() if len(d) > 2 else ""}
                                                      for d in days]))
        return f"已发布 {v['year']} 年节假日安排"
    if action == "responsibilities":
        items = [line.split(",") for line in v.get("items", "").splitlines() if line.strip()]
        edits.publish_responsibility_list(db, ResponsibilityListPublish(
            number=int(v["number"]), title=v["title"], published_on=date.today(),
            items=[ResponsibilityItemIn(code=i[0], item_type=i[1], name=i[2],
                                        lead_unit=i[3] if len(i) > 3 else "") for i in items]),
            v.get("street") or None)
        return "已发布责任清单"
    raise ValueError(f"未知操作 {action}")
