"""Checking 花名册 drafts against each other and the database, and storing them.

``Known`` loads what is already stored once (ID numbers, certificate numbers, the unit
directory), so 10,000 rows cost no query each. ``store_drafts`` writes people,
certificates and their first history lines with one executemany per table: the same
records ``roster.add_officer`` and ``certificates.attach_certificate`` make one by one
(fields set as their ``_apply`` does; a test imports a row and compares it, down to
the stored date text, with the same person entered through ``create_officer``),
without an ORM flush per row, and one history line per person. No audit here: the
import writes one audit row for the file.

The executemany is ``local_db.bulk.insert_many``; the same module queues the records
for the district, since bulk statements bypass the outbox hooks.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from desktop.clock import now, today
from desktop.domain.actor import Actor
from desktop.domain.ids import new_id
from desktop.domain.privacy import mask_id_number
from desktop.domain.roster import UnitKind
from desktop.progress import CancelToken, ProgressCallback
from desktop.services.roster_rows import OfficerEventKind, domain_labels, encode_domains
from desktop.services.units import UnitInput, add_unit
from desktop.spreadsheets.common import Errors
from desktop.spreadsheets.roster_columns import RosterField
from desktop.spreadsheets.roster_rows import Columns, OfficerDraft
from local_db.bulk import insert_many, queue_bulk_inserts
from local_db.models import Certificate, Officer, OfficerEvent, Unit
from local_db.unit_of_work import UnitOfWork

CHUNK = 2500

_COOPERATING = ("派出所", "交警", "交通警察", "消防", "公安")
_DEPARTMENT = ("局", "委员会", "委", "办公室")


def guess_unit_kind(name: str) -> UnitKind:
    """派出所/交警/消防 are cooperating forces, a …所 is stationed by a department,
    局/分局 are district departments, the street's own team is a street office."""
    if any(word in name for word in _COOPERATING):
        return UnitKind.COOPERATING
    if name.endswith("所"):
        return UnitKind.STATIONED
    if any(word in name for word in _DEPARTMENT):
        return UnitKind.DEPARTMENT
    if "街道" in name or name.endswith("执法队"):
        return UnitKind.STREET_OFFICE
    return UnitKind.DEPARTMENT


def unit_key(name: str) -> str:
    return "".join(name.split())


class Known:
    """What the database already holds, plus what earlier rows of the file claimed."""

    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow
        self.id_numbers = uow.roster.id_numbers()
        self.certificate_numbers = uow.roster.certificate_numbers()
        units = uow.roster.units(include_retired=True)
        self.units: dict[str, Unit] = {unit_key(u.short_name): u for u in units if u.short_name}
        self.units.update({unit_key(u.name): u for u in units})  # a full name beats a short one
        self.new_units: list[str] = []
        self._ids_seen: dict[str, int] = {}
        self._certificates_seen: dict[str, int] = {}

    def accept(self, draft: OfficerDraft, errors: Errors, columns: Columns) -> bool:
        """Record duplicates (within the file, against the database) and retired units;
        True when the draft can be stored."""
        before = len(errors)
        row, values = draft.row, draft.values
        id_column = columns.title(RosterField.ID_NUMBER)
        if values.id_number in self._ids_seen:
            errors.add(row, id_column, f"与第 {self._ids_seen[values.id_number]} 行的身份证号码"
                                       f"（{mask_id_number(values.id_number)}）相同，"
                                       "同一人只能登记一次，请删除重复的行。")
        elif values.id_number in self.id_numbers:
            holder = self.uow.roster.officer_by_id_number(values.id_number)
            errors.add(row, id_column, f"身份证号码 {mask_id_number(values.id_number)} 已登记为"
                                       f"“{holder.name if holder else ''}”，同一人不能重复登记；"
                                       "请删除此行，或在花名册中编辑该人员。")
        else:
            self._ids_seen[values.id_number] = row
        self._check_certificates(draft, errors, columns)
        self._check_unit(draft, errors, columns)
        return len(errors) == before

    def _check_certificates(self, draft: OfficerDraft, errors: Errors, columns: Columns) -> None:
        column = columns.title(RosterField.CERT_NUMBER)
        for certificate in draft.certificates:
            number = certificate.number
            if number in self._certificates_seen:
                where = self._certificates_seen[number]
                errors.add(draft.row, column, f"执法证号 {number} 在本行填写了两次，请删除重复的证号。"
                           if where == draft.row else
                           f"执法证号 {number} 与第 {where} 行重复，同一证号只能登记一次，请核对。")
            elif number in self.certificate_numbers:
                errors.add(draft.row, column, f"执法证号 {number} 已登记在册，同一证号不能重复登记，请核对。")
            else:
                self._certificates_seen[number] = draft.row

    def _check_unit(self, draft: OfficerDraft, errors: Errors, columns: Columns) -> None:
        name = draft.values.unit_name
        if not name:
            return
        unit = self.units.get(unit_key(name))
        if unit is None:
            if name not in self.new_units:
                self.new_units.append(name)
        elif unit.retired:
            errors.add(draft.row, columns.title(RosterField.SOURCE_UNIT),
                       f"“{unit.name}”已从单位名录撤销，不能再选用；请改填现有单位。")

    def unit_ids(self) -> dict[str, str]:
        return {key: unit.id for key, unit in self.units.items()}


def _create_units(uow: UnitOfWork, known: Known) -> dict[str, str]:
    """Unit key → id, after adding the units the file names and the directory lacks."""
    ids = known.unit_ids()
    for name in known.new_units:
        unit = add_unit(uow, data=UnitInput(name, guess_unit_kind(name)))
        ids[unit_key(name)] = unit.id
    uow.flush()
    return ids


_encoded = lru_cache(maxsize=256)(encode_domains)  # a few domain sets, thousands of rows
_labels = lru_cache(maxsize=256)(domain_labels)


def _records(actor: Actor, drafts: Sequence[OfficerDraft], unit_ids: dict[str, str],
             file_name: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]],
                                      list[dict[str, Any]]]:
    """Officer, certificate and history rows. One history line per person names their
    certificates too (entered by hand they would be two lines): half the rows to write."""
    stamp, day, who = now(), today(), actor.name
    created = OfficerEventKind.CREATED.value
    officers: list[dict[str, Any]] = []
    certificates: list[dict[str, Any]] = []
    events: list[dict[str, Any]] = []
    for draft in drafts:
        v = draft.values
        officer_id = new_id()
        officers.append({
            "id": officer_id, "version": 1, "created_at": stamp, "updated_at": stamp,
            "name": v.name, "gender": v.gender, "phone": v.phone, "id_number": v.id_number,
            "source_unit_id": unit_ids.get(unit_key(v.unit_name)) if v.unit_name else None,
            "force": v.force.value, "staffing_type": v.staffing_type.value,
            "position": v.position, "squad": v.squad, "status": v.status.value,
            "status_since": v.status_since or day, "secondment_start": v.secondment_start,
            "secondment_end": v.secondment_end, "photo_sha256": None, "note": v.note,
        })
        summary = (f"登记入册（导入自 {file_name}）：{v.force.label}，{v.unit_name or '未填原单位'}，"
                   f"{v.position or '未填职务'}")
        for c in draft.certificates:
            certificates.append({
                "id": new_id(), "version": 1, "created_at": stamp, "updated_at": stamp,
                "officer_id": officer_id, "number": c.number,
                "issuing_authority": c.issuing_authority, "domains": _encoded(c.domains),
                "valid_from": c.valid_from, "valid_until": c.valid_until, "revoked": False,
            })
            summary += (f"；登记执法证 {c.number}（{_labels(c.domains)}，"
                        f"{c.valid_from} 至 {c.valid_until}，{c.issuing_authority}）")
        events.append({"officer_id": officer_id, "kind": created, "occurred_at": stamp,
                       "actor": who, "summary": summary})
    return officers, certificates, events


def store_drafts(uow: UnitOfWork, actor: Actor, drafts: Sequence[OfficerDraft], known: Known,
                 file_name: str, progress: ProgressCallback, cancel: CancelToken) -> int:
    """Insert everything inside the caller's unit of work (no commit); returns the number
    of certificates stored."""
    unit_ids = _create_units(uow, known)
    officers, certificates, events = _records(actor, drafts, unit_ids, file_name)
    total = len(officers) + len(certificates) + len(events)
    done = 0
    for model, rows in ((Officer, officers), (Certificate, certificates), (OfficerEvent, events)):
        for start in range(0, len(rows), CHUNK):
            chunk = rows[start:start + CHUNK]
            insert_many(uow.session, model.__table__, chunk)
            done += len(chunk)
            cancel.raise_if_cancelled()
            progress(done, total, f"正在写入数据库（{done}/{total}）")
    # the bulk statements bypass the outbox hooks: queue the people and certificates
    # for the district in this transaction, each officer carrying its first history
    # line (built from the rows above: new people have no other history)
    queue_bulk_inserts(uow.session, Officer.__table__, officers,
                       children={OfficerEvent.__tablename__: events})
    queue_bulk_inserts(uow.session, Certificate.__table__, certificates, children={})
    return len(certificates)
