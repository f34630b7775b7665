"""What the 文书 page reads on the database thread beyond a single service call: the
list with distinct titles, and the 新建 dialog's records with the one it selects first."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from desktop.documents.kinds import DocumentKind, list_title, preferred_source
from desktop.services import documents as docs
from desktop.services.document_rows import DocumentRow, SourceChoice
from desktop.services.document_sources import all_source_choices

UowFactory = Callable[[], Any]  # AppContext.uow: a fresh unit of work per call
FORM_TITLES = ("督办单", "案件移送书")


def listed_documents(uow: UowFactory, **filters: Any) -> list[DocumentRow]:
    """The list: forms titled by their kind (督办单, 案件移送书) get their matter in the
    title (``kinds.list_title``), so the list tells them apart."""
    rows = docs.list_documents(uow(), **filters)
    for index, row in enumerate(rows):
        if row.title in (row.kind.label, *FORM_TITLES):
            fields = docs.get_document(uow(), row.id).fields
            rows[index] = replace(row, title=list_title(row.kind, fields, row.source_id))
    return rows


def offered_sources(uow: UowFactory) -> tuple[dict[DocumentKind, list[SourceChoice]],
                                              dict[DocumentKind, str]]:
    """The records offered per kind, and the one the dialog selects first: the kind's
    sample, or the newest whose draft has no placeholder (``kinds.preferred_source``)."""
    choices = all_source_choices(uow())
    preferred = {kind: preferred_source(uow(), kind, [choice.id for choice in offered])
                 for kind, offered in choices.items()}
    return choices, {kind: source for kind, source in preferred.items() if source}
