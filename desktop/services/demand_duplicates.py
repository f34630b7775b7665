"""Duplicate suggestions while a demand is being taken in (重复件提示).

The same matter is often reported twice: by two neighbours, or by the same person
through 12345 and at the counter. While the operator types, the desk shows demands
that may be the same one, so that the new call is merged into the demand already being
handled instead of dispatched a second time. Two signals, from the seeds' practice:

- **same place and kind of problem**: the same grid and the same category (小类)
  within ``days`` days;
- **similar words**: the title, address and content share enough three-character
  pieces (the trigram index's unit) with a demand of the last ``days`` days.

A suggestion is a hint, never a rule: the operator decides ("合并为重复件" or
"仍然新建"). Demands that can no longer receive a duplicate (already merged, sent back
to the district) are not suggested.

Threading: blocking reads; run on the database executor.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from desktop import clock
from desktop.domain.demand_states import TERMINAL, DemandStatus
from local_db.demand_similarity import DemandSimilarity
from local_db.unit_of_work import UnitOfWork

__all__ = ["DEFAULT_DAYS", "DuplicateSuggestion", "suggest_duplicates", "trigrams"]

DEFAULT_DAYS = 30
MAX_QUERY_TRIGRAMS = 40  # a long content adds noise, not recall
MIN_SHARED = 0.3  # share of the typed text's pieces a similar demand must hold
_RUNS = re.compile(r"[0-9A-Za-z\u3400-\u9fff]+")
_CLOSED_TO_MERGE = frozenset(status.value for status in TERMINAL)


@dataclass(frozen=True)
class DuplicateSuggestion:
    id: str
    number: str
    title: str
    address: str
    received_at: datetime
    status: DemandStatus
    grid_name: str
    same_place: bool  # same grid and category within the window
    similarity: float  # 0–1: share of the typed text's pieces found in this demand

    @property
    def reason(self) -> str:
        parts = []
        if self.same_place:
            parts.append("同网格同类别")
        if self.similarity >= MIN_SHARED:
            parts.append(f"内容相似 {self.similarity:.0%}")
        return "，".join(parts)

    @property
    def text(self) -> str:
        """One line of the side list."""
        return (f"{self.number}〔{self.status.label}〕{self.title}"
                f"（{self.received_at:%m-%d}，{self.grid_name or '未定网格'}；{self.reason}）")


def trigrams(text: str) -> list[str]:
    """The distinct three-character pieces of ``text``'s words and numbers, in order
    of first appearance (punctuation and spaces split words)."""
    found: dict[str, None] = {}
    for run in _RUNS.findall(text):
        for start in range(len(run) - 2):
            found.setdefault(run[start:start + 3].lower(), None)
    return list(found)


def _similarity(wanted: Iterable[str], row: tuple[Any, ...]) -> float:
    pieces = list(wanted)
    if not pieces:
        return 0.0
    haystack = " ".join(str(value or "") for value in (row[1], row[2], row[3], row[4])).lower()
    return sum(piece in haystack for piece in pieces) / len(pieces)


def suggest_duplicates(uow: UnitOfWork, *, grid_id: str | None, category_id: str | None,
                       text: str, received_at: datetime | None = None,
                       days: int = DEFAULT_DAYS, limit: int = 8,
                       exclude_id: str | None = None) -> list[DuplicateSuggestion]:
    """Demands of the ``days`` days before ``received_at`` (default now) that may be
    the same matter: same grid and category, or a similar text. Best first: both
    signals, then the more similar, then the newer."""
    moment = received_at or clock.now()
    since = moment - timedelta(days=max(1, days))
    pieces = trigrams(text)[:MAX_QUERY_TRIGRAMS]
    with uow:
        similarity = DemandSimilarity(uow.session)
        place = similarity.same_place(grid_id, category_id, since) if grid_id else []
        # a category alone says little; without a grid it is not a "same place"
        worded = similarity.text_matches(pieces, since) if pieces else []
    found: dict[str, DuplicateSuggestion] = {}
    place_ids = {row[0] for row in place}
    for row in [*place, *worded]:
        demand_id, status = row[0], row[6]
        if demand_id in found or demand_id == exclude_id or status in _CLOSED_TO_MERGE:
            continue
        score = _similarity(pieces, row)
        if demand_id not in place_ids and score < MIN_SHARED:
            continue
        found[demand_id] = DuplicateSuggestion(
            demand_id, row[1], row[2], row[3] or "", _moment(row[5]), DemandStatus(status),
            row[7] or "", demand_id in place_ids, score)
    ranked = sorted(found.values(), key=lambda s: (s.same_place and s.similarity >= MIN_SHARED,
                                                   s.similarity, s.received_at), reverse=True)
    return ranked[:limit]


def _moment(value: object) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
