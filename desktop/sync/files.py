"""Which files a push batch must upload first, and which files this install lacks.

A record's files (a demand's and a joint action's photos and documents) are file links,
carried children of the record (``local_db.sync_children.file_links``). They travel in
two parts: the link inside the record's ``_children`` (with the file's size and media
type), and the bytes as a content-addressed upload that must be complete before the
district takes the record (the mutation's ``attachments`` list). The other installs of
the street create the links when they pull the record and then download the bytes
(``desktop.sync.downloads``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import select, union
from sqlalchemy.orm import Session

from local_db.models import Attachment
from local_db.sync_children import CHILDREN_FIELD, ChildTable, file_links

Files = dict[str, tuple[int, str]]  # sha256 -> (size, media type)


def attach_files(session: Session, mutations: list[dict[str, Any]]) -> Files:
    """Set each upsert's ``attachments`` (the SHA-256 of the files its record links)
    and return the files of the whole batch with their size and media type (from the
    local ``attachment`` rows). The links are read from the payload that goes (what the
    district will store); a payload queued before links were carried is completed from
    the database."""
    links = {child.parent_table: child for child in file_links()}
    by_record: dict[int, set[str]] = {}
    unread: dict[str, list[dict[str, Any]]] = {}  # table -> upserts without their links
    for mutation in mutations:
        child = links.get(mutation["table"])
        if child is None or mutation["op"] != "upsert":
            continue
        carried = (mutation.get("fields") or {}).get(CHILDREN_FIELD) or {}
        if child.name in carried:
            by_record[id(mutation)] = {str(row["sha256"]) for row in carried[child.name] or []
                                       if row.get("sha256")}
        else:
            unread.setdefault(child.name, []).append(mutation)
    for name, waiting in unread.items():
        child = next(c for c in links.values() if c.name == name)
        linked = _linked(session, child, [m["record_id"] for m in waiting])
        for mutation in waiting:
            by_record[id(mutation)] = linked.get(mutation["record_id"], set())
    wanted = set().union(*by_record.values()) if by_record else set()
    if not wanted:
        return {}
    files = _facts(session, sorted(wanted))
    for mutation in mutations:
        hashes = by_record.get(id(mutation))
        if hashes:
            mutation["attachments"] = sorted(hashes)
    return files


def _linked(session: Session, child: ChildTable, record_ids: list[str]) -> dict[str, set[str]]:
    key, sha = child.table.c[child.key], child.table.c.sha256
    found: dict[str, set[str]] = {}
    for record_id, sha256 in session.execute(select(key, sha).where(key.in_(record_ids))):
        found.setdefault(str(record_id), set()).add(str(sha256))
    return found


def _facts(session: Session, hashes: list[str]) -> Files:
    rows = session.execute(select(Attachment.sha256, Attachment.size, Attachment.media_type)
                           .where(Attachment.sha256.in_(hashes)))
    return {str(sha): (int(size), str(media)) for sha, size, media in rows}


def linked_hashes(session: Session) -> list[str]:
    """Every file some record of this install links to, sorted."""
    queries = [select(child.table.c.sha256) for child in file_links()]
    return sorted({str(row[0]) for row in session.execute(union(*queries))})


def file_path(folder: Path, sha256: str) -> Path:
    """Where ``desktop.services.attachments`` stores a file (sha256[:2]/sha256)."""
    return folder / sha256[:2] / sha256


def missing_files(session: Session, folder: Path) -> list[tuple[str, int]]:
    """(sha256, recorded size) of the linked files whose bytes are not in ``folder``."""
    sizes = {str(sha): size for sha, size in session.execute(
        select(Attachment.sha256, Attachment.size))}
    return [(sha, int(sizes.get(sha) or 0)) for sha in linked_hashes(session)
            if not file_path(folder, sha).is_file()]
