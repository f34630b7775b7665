"""The scale data set (docs/performance.md): on top of the demo street, ~300 officers,
1,000,000 demands over three years, ~20,000 whistles with their called units, ~5,000
joint enforcement actions and ~10,000 official documents with their number register,
so the lists, searches, filters, exports, the calendar and the documents page can be
measured at a real street's size (``subcenter demo --scale``, ``python -m
tests.benchmarks``).

Speed ("1M demands in minutes, not hours", issue 10): rows are made as tuples
(``demo_scale_rows``) and written with ``executemany`` in batches of 10,000 on the
session's own SQLite connection (``demo_scale_db``), inside one transaction per step,
with a larger page cache during the load. Measured on a million demands: with the FTS5
triggers and every index in place the load takes 111 s; with the triggers dropped and
the index rebuilt in one pass afterwards (automerge off during the rebuild, which
saves another 6 s of its 16) about a minute; dropping the list indexes too and
building them by sorting afterwards saves a few seconds more. The triggers go back
exactly as the migration wrote them (``FTS_SQL``). Everything of a step is one
transaction: a cancel or an error rolls the triggers and indexes back with the rows.
``ANALYZE`` runs at the end so the query planner knows the shape of the data.

The steps after the demands build on a random sample of them kept while they stream by
(``demo_scale_samples``): whistles called for sampled demands and naming their list
item (``demo_scale_whistles``), actions triggered by them and staffed within the basic
rules (``demo_scale_actions``, ``_staffing``, ``_action_life``), documents drafted from
demands, whistles and actions (``demo_scale_documents``, ``_doc_plan``, ``_doc_fields``).
Each is a few seconds; counts of actions and documents follow the number of demands
unless given (5,000 and 10,000 at a million).

Officers go through the roster's building blocks (``add_officer``,
``attach_certificate``) like the demo street's, since 260 of them take a second.
"""

from __future__ import annotations

import importlib
import random
import sqlite3
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import Index, select

from desktop import clock
from desktop.demo import DEMO_SEED
from desktop.demo_officers import demo_officers
from desktop.demo_scale_actions import load_actions
from desktop.demo_scale_db import SCALE_MARK, driver, insert_sql
from desktop.demo_scale_documents import load_documents
from desktop.demo_scale_rows import (
    DEMAND_COLUMNS,
    Catalog,
    Deadlines,
    DemandMaker,
    Place,
    day_counts,
    demand_rows,
)
from desktop.demo_scale_samples import DemandSample, DemandSampler
from desktop.demo_scale_text import TOPIC_ITEMS
from desktop.demo_scale_whistles import load_whistles, whistle_seeds
from desktop.domain.actor import Actor
from desktop.domain.errors import ConflictError
from desktop.domain.roster import domains_of
from desktop.domain.workdays import WorkCalendar
from desktop.progress import NEVER_CANCELLED, CancelToken, ProgressCallback, no_progress
from desktop.services import audit
from desktop.services.audit import AuditAction
from desktop.services.calendar import calendar_in
from desktop.services.certificates import attach_certificate
from desktop.services.roster import OfficerInput, add_officer
from local_db.models import AuditRecord, Community, Demand, DemandCategory, Grid, Officer, Unit
from local_db.unit_of_work import UnitOfWork

if TYPE_CHECKING:
    from desktop.bootstrap import AppContext

DEMANDS, WHISTLES, OFFICERS, YEARS = 1_000_000, 20_000, 300, 3
ACTIONS, DOCUMENTS = 5_000, 10_000  # at a million demands; proportional below
BATCH = 10_000
LOAD_CACHE_KIB = 512_000  # the page cache during the load (the app's default is 2 MB)
_FTS = importlib.import_module("local_db.migrations.versions.0005_demands_whistles_handovers_")
FTS_SQL: tuple[str, ...] = _FTS.FTS_SQL  # (create table, insert, delete, update triggers)
FTS_REBUILD: str = _FTS.FTS_REBUILD
FTS_TRIGGERS = ("demand_fts_insert", "demand_fts_delete", "demand_fts_update")
FTS_CONFIG = "INSERT INTO demand_fts(demand_fts, rank) VALUES"
FTS5_AUTOMERGE = 4  # FTS5's default, restored after the rebuild


@dataclass(frozen=True)
class ScaleSummary:
    officers_added: int
    demands: int
    whistles: int
    whistle_targets: int
    actions: int
    documents: int
    seconds: float
    message: str


def _share(count: int | None, base: int, demands: int) -> int:
    """A count given, or ``base`` scaled to the number of demands (5,000 actions and
    10,000 documents at a million demands)."""
    return count if count is not None else round(base * demands / DEMANDS)


def add_scale_data(
    context: AppContext,
    *,
    seed: int = DEMO_SEED,
    demands: int = DEMANDS,
    whistles: int = WHISTLES,
    officers: int = OFFICERS,
    actions: int | None = None,
    documents: int | None = None,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken = NEVER_CANCELLED,
) -> ScaleSummary:
    """Add the scale data set to a data folder holding the demo street (and no demands
    yet). Each step commits on its own; a cancel rolls back the step under way.
    Blocking: minutes for a million demands; run it on a worker thread."""
    started = time.perf_counter()
    actor, now = context.actor, clock.now()
    actions, documents = _share(actions, ACTIONS, demands), _share(documents, DOCUMENTS, demands)
    with context.uow() as uow:
        _refuse_unless_ready(uow)
        added = _top_up_officers(uow, actor, seed, officers, now.date())
        uow.commit()
    progress(0, demands, f"已补充 {added} 名执法人员，开始生成 {demands:,} 件诉求")
    with context.uow() as uow:
        catalog = _catalog(uow)
        calendar = calendar_in(uow)
    maker = DemandMaker(random.Random(f"{seed}:scale-demands"), catalog, Deadlines(calendar), now)
    wanted = 0.7 * whistles + 2 * actions + documents + 200  # a margin for the picky ones
    sampler = DemandSampler(random.Random(f"{seed}:scale-sample"), wanted / max(demands, 1))
    samples = _load_demands(context, actor, maker, now, demands, sampler, progress, cancel)
    called, targets, made, written = _records_from(
        context, samples, catalog, calendar, now, (whistles, actions, documents), seed,
        lambda text: progress(demands, demands, text), cancel)
    progress(demands, demands, "正在更新查询统计信息（ANALYZE）……")
    _analyze(context)
    seconds = time.perf_counter() - started
    message = (f"已生成大规模演示数据：补充 {added} 名执法人员（共 {officers} 名左右），"
               f"{demands:,} 件诉求（{YEARS} 年），{called:,} 次吹哨（{targets:,} 个应哨单位），"
               f"{made:,} 项联合执法行动，{written:,} 份公文，用时 {seconds:.0f} 秒。")
    progress(demands, demands, message)
    return ScaleSummary(added, demands, called, targets, made, written, seconds, message)


def _records_from(context: AppContext, samples: Sequence[DemandSample], catalog: Catalog,
                  calendar: WorkCalendar, now: datetime, counts: tuple[int, int, int],
                  seed: int, say: Callable[[str], None],
                  cancel: CancelToken) -> tuple[int, int, int, int]:
    """Whistles, actions and documents made from the sampled demands, each step in its
    own transaction: (whistles, called units, actions, documents) written."""
    whistles, actions, documents = counts
    actor = context.actor
    say(f"正在生成 {whistles:,} 次吹哨……")
    seeds = whistle_seeds(random.Random(f"{seed}:scale-whistle-seeds"), samples,
                          catalog.places, now, whistles)
    called, targets, refs = load_whistles(context, actor, seeds, calendar, now, seed, cancel)
    say(f"正在生成 {actions:,} 项联合执法行动……")
    made = load_actions(context, actor, catalog, samples, refs, now, actions, seed, cancel)
    say(f"正在生成 {documents:,} 份公文……")
    written = load_documents(context, actor, samples, made, refs, calendar, now, documents,
                             seed, cancel)
    return called, targets, len(made), written


def has_scale_data(context: AppContext) -> bool:
    """Whether ``add_scale_data`` already ran here (the benchmarks reuse such a folder)."""
    with context.uow() as uow:
        return _marked(uow)


def _marked(uow: UnitOfWork) -> bool:
    found = uow.session.scalars(select(AuditRecord.id).where(
        AuditRecord.entity_type == "demand", AuditRecord.entity_id == SCALE_MARK).limit(1))
    return found.first() is not None


def _refuse_unless_ready(uow: UnitOfWork) -> None:
    """Only on top of the demo street, and only once."""
    sub_center = uow.sub_center.get()
    if sub_center is not None and not sub_center.is_demo:
        raise ConflictError(f"“{sub_center.center_name}”不是演示街道，不能加入大规模演示数据"
                            "（会与真实数据混在一起）。请在一个新的数据目录中载入演示街道后再生成。")
    if sub_center is None or not uow.grids.all():
        raise ConflictError("请先载入演示街道（subcenter demo），再生成大规模演示数据。")
    if _marked(uow):
        raise ConflictError("本数据目录已生成过大规模演示数据，不能再次生成（诉求会重复）。"
                            "如需重新生成，请另选一个只载入了演示街道的数据目录。")


# --- officers -------------------------------------------------------------------------


def _top_up_officers(uow: UnitOfWork, actor: Actor, seed: int, total: int, on: date) -> int:
    """Officers up to ``total``, drawn from the demo roster's generator (same mix of
    forces and units), skipping any ID or certificate number already on file."""
    existing = list(uow.roster.officers())
    if len(existing) >= total:
        return 0
    ids, numbers = uow.roster.id_numbers(), uow.roster.certificate_numbers()
    rng = random.Random(f"{seed}:scale-officers")
    added = 0
    for demo in demo_officers(seed, count=total, on=on)[len(existing):]:
        if demo.id_number in ids or demo.certificate_number in numbers:
            continue
        ids.add(demo.id_number)
        start = on - timedelta(days=rng.randint(60, 720)) if demo.force == "X" else None
        officer = add_officer(uow, actor=actor, on=on, data=OfficerInput(
            demo.name, demo.id_number, demo.force, demo.staffing_type, gender=demo.gender,
            phone=demo.phone, unit_name=demo.source_unit, position=demo.position,
            squad=demo.squad, secondment_start=start,
            secondment_end=start + timedelta(days=3 * 365) if start else None))
        domains, _unknown = domains_of(demo.domains)
        if demo.has_certificate and domains:
            attach_certificate(uow, actor=actor, officer=officer, number=demo.certificate_number,
                               issuing_authority=demo.certificate_authority, domains=domains,
                               valid_from=demo.valid_from, valid_until=demo.valid_until,
                               known_numbers=numbers)
        added += 1
    audit.record(uow, actor, AuditAction.CREATE, entity_type="roster", entity_id=SCALE_MARK,
                 summary=f"载入大规模演示数据：补充 {added} 名执法人员")
    return added


def _catalog(uow: UnitOfWork) -> Catalog:
    session = uow.session
    rows = session.execute(
        select(Grid.id, Grid.community_id, Community.name, Grid.population)
        .join(Community, Community.id == Grid.community_id)
        .where(Grid.status == "active").order_by(Grid.code)).all()
    places = [Place(g, c, name, max(population, 200)) for g, c, name, population in rows]
    units = {name: unit_id for unit_id, name in session.execute(
        select(Unit.id, Unit.name).where(Unit.retired.is_(False)).order_by(Unit.name))}
    leaves = {name: category_id for category_id, name in session.execute(
        select(DemandCategory.id, DemandCategory.name).where(
            DemandCategory.parent_id.is_not(None), DemandCategory.retired.is_(False)))}
    people = list(session.scalars(select(Officer.name).order_by(Officer.id_number)))
    return Catalog(places, units, leaves, people or ["分中心值班员"], _taken_numbers(uow),
                   _topic_items(uow))


def _topic_items(uow: UnitOfWork) -> dict[str, str]:
    """Topic title → the id of its item in the list in force (none without a list)."""
    version = uow.responsibilities.current_version()
    if version is None:
        return {}
    ids = {item.code: item.id for item in uow.responsibilities.items(version.id)}
    return {title: ids[code] for title, code in TOPIC_ITEMS.items() if code in ids}


def _taken_numbers(uow: UnitOfWork) -> dict[date, int]:
    """The last 受理编号 (YYYYMMDD-NNNN) used on each day by the demo's own demands."""
    taken: dict[date, int] = {}
    for number in uow.session.scalars(select(Demand.number)):
        day, _dash, seq = number.partition("-")
        if len(day) == 8 and day.isdigit() and seq.isdigit():
            key = date(int(day[:4]), int(day[4:6]), int(day[6:]))
            taken[key] = max(taken.get(key, 0), int(seq))
    return taken


# --- bulk loading ------------------------------------------------------------------------


def _list_indexes() -> list[Index]:
    """The secondary indexes of ``demand`` (the unique ones stay: they check the data)."""
    return sorted((i for i in Demand.__table__.indexes if not i.unique), key=lambda i: i.name)


def _load_demands(context: AppContext, actor: Actor, maker: DemandMaker, now: datetime,
                  total: int, sampler: DemandSampler, progress: ProgressCallback,
                  cancel: CancelToken) -> list[DemandSample]:
    """All demands in one transaction: triggers and list indexes off, rows in, indexes
    rebuilt, the FTS index rebuilt, one audit row. Returns the sampled demands."""
    start = (now - timedelta(days=YEARS * 365)).date()
    counts = day_counts(start, now.date(), total, maker.rng)
    with context.uow() as uow:
        db = driver(uow)
        db.execute(f"PRAGMA cache_size=-{LOAD_CACHE_KIB}")
        try:
            indexes = _triggers_and_indexes_off(db)
            sql, written = insert_sql("demand", DEMAND_COLUMNS), 0
            for rows in demand_rows(maker, start, counts, BATCH):
                cancel.raise_if_cancelled()
                db.executemany(sql, rows)
                written += len(rows)
                sampler.take(rows)
                progress(written, total, f"已生成 {written:,}/{total:,} 件诉求")
            cancel.raise_if_cancelled()
            progress(written, total, "正在重建诉求列表索引……")
            connection = uow.session.connection()
            for index in indexes:
                index.create(connection)
            cancel.raise_if_cancelled()
            progress(written, total, "正在重建全文检索索引……")
            db.execute(f"{FTS_CONFIG}('automerge', 0)")  # one pass, no merging: 40% faster
            db.execute(FTS_REBUILD)
            db.execute(f"{FTS_CONFIG}('automerge', {FTS5_AUTOMERGE})")
            for statement in FTS_SQL[1:]:  # the triggers, exactly as the migration made them
                db.execute(statement)
            cancel.raise_if_cancelled()
            audit.record(uow, actor, AuditAction.CREATE, entity_type="demand",
                         entity_id=SCALE_MARK, summary=f"载入大规模演示数据：{written:,} 件诉求")
            uow.commit()
        finally:
            db.execute("PRAGMA cache_size=-2000")  # the connection goes back to the pool
    return sampler.samples


def _triggers_and_indexes_off(db: sqlite3.Connection) -> list[Index]:
    """Drop the FTS triggers and the list indexes (inside the open transaction, so a
    rollback restores them); returns the indexes to build again."""
    for trigger in FTS_TRIGGERS:
        db.execute(f"DROP TRIGGER {trigger}")
    indexes = _list_indexes()
    for index in indexes:
        db.execute(f"DROP INDEX {index.name}")
    return indexes


def _analyze(context: AppContext) -> None:
    """Statistics for the planner, then fold the write-ahead log back into the file."""
    with context.engine.connect() as connection:
        db = connection.connection.driver_connection
        assert isinstance(db, sqlite3.Connection)
        db.execute("ANALYZE")
        db.commit()
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
