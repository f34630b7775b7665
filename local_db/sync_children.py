"""Aggregate sync: child rows with local integer ids travel inside their parent's record.

Only ``SyncedRecord`` tables travel to the district (UUIDv7 ids that never collide).
A demand's timeline, a joint action's participants or an officer's history are rows
with LOCAL integer ids: they cannot travel on their own, and without them two office
PCs of one street never converge. So they travel as part of the parent record:

- push: a change to a child row makes its parent travel again, one version up (the
  session hook in ``local_db.outbox_events``), and the parent's payload carries ALL its
  children as one field, ``"_children": {"demand_step": [{...}, ...], ...}`` — every
  registered child table, even when empty (so removing the last one travels too), rows
  without the local id and the parent key, in local-id order;
- pull: an applied parent record whose fields hold ``_children`` gets its children
  replaced (delete, then one executemany insert per table: new local ids, same order);
  a record without ``_children`` (a district work order the street never touched)
  leaves the local children alone;
- the district stores ``_children`` as one more street-owned field of the record.

The registry below is the one place that says which table is whose child. A child
with ``carried=False`` only makes its parent travel.

File links (``files=True``: a demand's or a joint action's photos) are carried children
whose rows also hold the linked file's ``size`` and ``media_type`` (from the local
``attachment`` row): a pulled link creates the ``attachment`` row the link needs, so the
install knows the file before its bytes arrive (``desktop.sync.downloads`` fetches them
after the pull). The bytes themselves travel as content-addressed uploads, named by the
mutation's ``attachments`` list (``desktop.sync.store._attach_files``).
"""

from __future__ import annotations

import mimetypes
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import Select, Table, bindparam, delete, insert, inspect, select
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from local_db.models.actions import (
    ActionAttachment,
    ActionDemand,
    ActionGrid,
    ActionNeed,
    ActionParticipant,
    ActionUnit,
    JointAction,
)
from local_db.models.demands import Attachment, Demand, DemandAttachment, DemandStep, DemandUnit
from local_db.models.grids import Grid, GridAssignment, GridEvent, GridLineage, GridPresence
from local_db.models.roster import Officer, OfficerEvent

CHILDREN_FIELD = "_children"
FILE_FIELDS = ("size", "media_type")  # what a file link carries besides its columns
_CHUNK = 900  # SQLite's bound-parameter limit, with room to spare

Children = dict[str, list[dict[str, Any]]]  # child table name -> rows, in local-id order
Convert = Callable[[Any], Any]
Decode = Callable[[Table, dict[str, Any]], dict[str, Any]]


@dataclass(frozen=True)
class ChildTable:
    """A table whose rows belong to one record of ``parent`` through column ``key``."""

    model: type[Any]
    parent: type[Any]
    key: str
    carried: bool = True  # False: a change only makes the parent travel again
    files: bool = False  # rows link a file in ``attachment`` by their ``sha256``

    @property
    def table(self) -> Table:
        return self.model.__table__  # type: ignore[no-any-return]

    @property
    def name(self) -> str:
        return str(self.table.name)  # a plain str: orjson refuses str subclasses as keys

    @property
    def parent_table(self) -> str:
        return self.parent.__table__.name  # type: ignore[no-any-return]

    @property
    def fields(self) -> list[str]:
        """The columns that travel: all but the local id and the parent key."""
        return [str(c.name) for c in self.table.columns if c.name not in ("id", self.key)]

    @property
    def wire_fields(self) -> list[str]:
        """What a carried row holds: its columns, and a file link's file facts."""
        return [*self.fields, *FILE_FIELDS] if self.files else self.fields


REGISTRY: tuple[ChildTable, ...] = (
    ChildTable(DemandStep, Demand, "demand_id"),
    ChildTable(DemandUnit, Demand, "demand_id"),
    ChildTable(DemandAttachment, Demand, "demand_id", files=True),
    ChildTable(ActionUnit, JointAction, "action_id"),
    ChildTable(ActionNeed, JointAction, "action_id"),
    ChildTable(ActionParticipant, JointAction, "action_id"),
    ChildTable(ActionGrid, JointAction, "action_id"),
    ChildTable(ActionDemand, JointAction, "action_id"),
    ChildTable(ActionAttachment, JointAction, "action_id", files=True),
    ChildTable(GridEvent, Grid, "grid_id"),
    # an edge of a merge or split names two grids; it travels with the grid it made
    # (the successor, new in the same transaction), and a grid's lineage view reads both
    # directions, so every edge still shows on both grids
    ChildTable(GridLineage, Grid, "successor_id"),
    # presence is per assignment (a SyncedRecord of its own), not per grid
    ChildTable(GridPresence, GridAssignment, "assignment_id"),
    ChildTable(OfficerEvent, Officer, "officer_id"),
)

_BY_MODEL: dict[type[Any], ChildTable] = {child.model: child for child in REGISTRY}
_CARRIED: dict[str, tuple[ChildTable, ...]] = {}
for _child in REGISTRY:
    if _child.carried:
        _CARRIED[_child.parent_table] = (*_CARRIED.get(_child.parent_table, ()), _child)


def file_links() -> tuple[ChildTable, ...]:
    """The child tables whose rows link content-addressed files (sha256)."""
    return tuple(child for child in REGISTRY if child.files)


def child_of(instance: object) -> ChildTable | None:
    """The registry entry of a child row instance (None for any other object)."""
    return _BY_MODEL.get(type(instance))


def carried_children(parent_table: str) -> tuple[ChildTable, ...]:
    """The child tables that travel inside records of ``parent_table``."""
    return _CARRIED.get(parent_table, ())


def parent_id_of(child: ChildTable, instance: object) -> str | None:
    """The parent's id of a child row, also before the flush has copied it from a
    relationship (``OfficerEvent(officer=officer)`` has no ``officer_id`` yet)."""
    value = getattr(instance, child.key, None)
    if value is not None:
        return str(value)
    parent = _related_parent(child, instance)
    parent_id = getattr(parent, "id", None)
    return str(parent_id) if parent_id is not None else None


def parent_in_session(session: Session, child: ChildTable, instance: object
                      ) -> tuple[str | None, object | None]:
    """(parent id, parent instance) of a child row: the related object when the child
    holds it, else the session's identity map, else the database (one SELECT)."""
    parent = _related_parent(child, instance)
    if parent is not None:
        return getattr(parent, "id", None), parent
    parent_id = getattr(instance, child.key, None)
    if parent_id is None:
        return None, None
    key = inspect(child.parent).identity_key_from_primary_key((parent_id,))
    found = session.identity_map.get(key)
    if found is None:
        with session.no_autoflush:
            found = session.get(child.parent, parent_id)
    return str(parent_id), found


def _related_parent(child: ChildTable, instance: object) -> object | None:
    """The parent object the child row holds already (loaded, never lazy-loaded)."""
    attribute = _relationship_key(child)
    return instance.__dict__.get(attribute) if attribute else None


@cache
def _relationship_key(child: ChildTable) -> str | None:
    for relation in inspect(child.model).relationships:
        if any(column.name == child.key for column in relation.local_columns):
            return relation.key
    return None


def pending_children(session: Session, parent_table: str, *, convert: Convert = lambda v: v
                     ) -> dict[str, Children]:
    """After a flush, the children of the parents that flush INSERTED, from the session
    (no query): a parent inserted now can have no child rows but those inserted with it.
    Only parents with children are keys."""
    tables = {child.model: child for child in carried_children(parent_table)}
    found: dict[str, Children] = {}
    rows: list[tuple[int, str, ChildTable, object]] = []
    for instance in session.new:
        child = tables.get(type(instance))
        parent_id = parent_id_of(child, instance) if child is not None else None
        if child is not None and parent_id is not None:
            rows.append((int(getattr(instance, "id", 0) or 0), parent_id, child, instance))
    for _id, parent_id, child, instance in sorted(rows, key=lambda row: row[0]):
        children = found.setdefault(parent_id, empty_children(parent_table))
        values = {name: convert(getattr(instance, attribute))
                  for name, attribute in _attributes(child)}
        if child.files:
            values.update(_file_facts(session, str(values.get("sha256"))))
        children[child.name].append(values)
    return found


def _file_facts(session: Session, sha256: str) -> dict[str, Any]:
    """``size`` and ``media_type`` of a linked file, from the session (a file stored
    in the same flush) or the database."""
    found = next((o for o in session.new if isinstance(o, Attachment) and o.sha256 == sha256),
                 None)
    if found is None:
        with session.no_autoflush:
            found = session.get(Attachment, sha256)
    if found is None:
        return {"size": None, "media_type": None}
    return {"size": found.size, "media_type": found.media_type}


@cache
def _attributes(child: ChildTable) -> tuple[tuple[str, str], ...]:
    """(column name, mapped attribute name) of each travelling column."""
    mapper = inspect(child.model)
    return tuple((name, mapper.get_property_by_column(child.table.c[name]).key)
                 for name in child.fields)


@cache
def _select(child: ChildTable) -> Select[Any]:
    """The children of a list of parents (``ids``), built once per table."""
    key = child.table.c[child.key]
    columns = [key, *(child.table.c[name] for name in child.fields)]
    query = select(*columns)
    if child.files:  # the file facts travel with the link
        files = Attachment.__table__
        query = select(*columns, files.c.size, files.c.media_type).select_from(
            child.table.outerjoin(files, files.c.sha256 == child.table.c.sha256))
    return (query.where(key.in_(bindparam("ids", expanding=True)))
            .order_by(key, child.table.c.id))


def read_children(connection: Connection | Session, parent_table: str,
                  parent_ids: Sequence[str], *, convert: Convert = lambda v: v
                  ) -> dict[str, Children]:
    """The children of each parent, every carried table present (empty when none),
    rows as {column: convert(value)} in local-id order."""
    tables = carried_children(parent_table)
    found: dict[str, Children] = {pid: {c.name: [] for c in tables} for pid in parent_ids}
    for child in tables:
        names = child.wire_fields
        for start in range(0, len(parent_ids), _CHUNK):
            chunk = list(parent_ids[start:start + _CHUNK])
            for row in connection.execute(_select(child), {"ids": chunk}):
                found[str(row[0])][child.name].append(
                    {name: convert(value) for name, value in zip(names, row[1:], strict=True)})
    return found


def children_of_new_rows(parent_table: str, parent_ids: Sequence[str],
                         rows: Mapping[str, Sequence[Mapping[str, Any]]]) -> dict[str, Children]:
    """The children of parents inserted together with ``rows`` (child table name ->
    the rows inserted, in insertion order, as column -> value): what ``read_children``
    would read back, built without a query. Such parents have no other children.
    File links need their file facts from the database: use ``read_children``."""
    tables = carried_children(parent_table)
    found: dict[str, Children] = {pid: {c.name: [] for c in tables} for pid in parent_ids}
    for child in tables:
        name, key, fields = child.name, child.key, child.fields
        if child.files and rows.get(name):
            raise ValueError(f"{name}: file links carry file facts; read them back")
        for row in rows.get(name, ()):
            found[str(row[key])][name].append({field: row.get(field) for field in fields})
    return found


def children_payload(connection: Connection | Session, parent_table: str, parent_id: str,
                     *, convert: Convert = lambda v: v) -> Children:
    return read_children(connection, parent_table, [parent_id], convert=convert)[parent_id]


def empty_children(parent_table: str) -> Children:
    """What a parent with no children carries (no query needed)."""
    return {child.name: [] for child in carried_children(parent_table)}


def delete_children(session: Session, parent_table: str, parent_ids: Iterable[str]) -> None:
    """Remove the carried children of these parents (a pulled tombstone, or before
    the pulled children replace them)."""
    ids = list(parent_ids)
    for child in carried_children(parent_table):
        key = child.table.c[child.key]
        for start in range(0, len(ids), _CHUNK):
            session.execute(delete(child.table).where(key.in_(ids[start:start + _CHUNK])))


def replace_children(session: Session, parent_table: str,
                     pulled: Mapping[str, Mapping[str, Any]], *, decode: Decode) -> int:
    """Give each parent in ``pulled`` (parent id -> its ``_children`` field) exactly the
    children listed there: delete the local ones, insert the pulled ones (new local
    ids, in the listed order). Tables the field does not name are left alone (a
    record from an older client). Returns the number of child rows written."""
    written = 0
    for child in carried_children(parent_table):
        owners = [pid for pid, children in pulled.items() if child.name in children]
        if not owners:
            continue
        key = child.table.c[child.key]
        for start in range(0, len(owners), _CHUNK):
            session.execute(delete(child.table).where(key.in_(owners[start:start + _CHUNK])))
        defaults = _defaults(child)
        rows = []
        if child.files:
            _ensure_files(session, [fields for pid in owners
                                    for fields in pulled[pid][child.name] or []])
        for pid in owners:
            for fields in pulled[pid][child.name] or []:
                values = decode(child.table, fields)
                values.pop("id", None)  # a new local id; the parent key is the record's
                rows.append({**defaults, **values, child.key: pid})
        if rows:  # one executemany, every row with every column: ids follow the list
            session.execute(insert(child.table), rows)
            written += len(rows)
    return written


def _ensure_files(session: Session, links: list[Mapping[str, Any]]) -> None:
    """The ``attachment`` row each pulled file link needs (the link's foreign key),
    from the facts the link carries; an existing row stays as it is. A link without
    facts (sent by a client older than them) gets size 0 and the media type its file
    name suggests (the way ``desktop.services.attachments`` guesses it); the download
    corrects the size once the bytes are here."""
    stamp = datetime.now().replace(microsecond=0)
    rows: dict[str, dict[str, Any]] = {}
    for link in links:
        sha256 = str(link.get("sha256") or "")
        if not sha256 or sha256 in rows:
            continue
        media_type = link.get("media_type") or mimetypes.guess_type(
            str(link.get("file_name") or ""))[0] or "application/octet-stream"
        rows[sha256] = {"sha256": sha256, "size": int(link.get("size") or 0),
                        "media_type": str(media_type)[:80], "stored_at": stamp}
    if rows:
        session.execute(sqlite_insert(Attachment.__table__).on_conflict_do_nothing(
            index_elements=["sha256"]), list(rows.values()))


def _defaults(child: ChildTable) -> dict[str, Any]:
    """Each travelling column's value when a pulled row lacks it (its scalar default,
    else NULL), so all rows of a table share one column list."""
    values: dict[str, Any] = {}
    for name in child.fields:
        default = child.table.c[name].default
        values[name] = default.arg if default is not None and default.is_scalar else None
    return values
