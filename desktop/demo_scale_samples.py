"""A random share of the scale data set's demands, kept as the rows stream by, that the
later steps build on: the demands whistles are called for, the demands that trigger a
joint action, the demands letters, 督办单 and 移送书 are drafted from.

Why a sample and not queries: the demands are written in one pass with the indexes
off; reading them back by topic, unit and date would cost more than keeping ~25,000 of
them (a few megabytes) while they are made. The sampler draws from its own random
generator, so taking more or fewer samples never changes the demands themselves.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from desktop.demo_scale_rows import DEMAND_COLUMNS
from desktop.demo_scale_text import TOPICS, Topic

_TOPICS_BY_LENGTH = sorted(TOPICS, key=lambda t: -len(t.title))


@dataclass(frozen=True)
class DemandSample:
    """What whistles, actions and documents need to know about one demand."""

    id: str
    number: str
    kind: str
    source: str
    title: str
    content: str
    address: str
    grid_id: str
    item_id: str | None
    lead_unit_id: str | None
    status: str
    received_at: datetime
    deadline_at: datetime | None
    closed_at: datetime | None
    topic: Topic | None

    def open_at(self, moment: datetime) -> bool:
        """Not yet closed at ``moment`` (a closed demand's end is its 结案 time)."""
        return self.received_at <= moment and (self.closed_at is None or moment < self.closed_at)


def topic_of(title: str) -> Topic | None:
    """The topic a demand's title was made from (road + topic title)."""
    return next((t for t in _TOPICS_BY_LENGTH if title.endswith(t.title)), None)


def _moment(value: object) -> datetime | None:
    return datetime.fromisoformat(str(value)) if value else None


_COLUMNS = ("id", "number", "kind", "source", "title", "content", "address", "grid_id",
            "responsibility_item_id", "lead_unit_id", "status", "received_at", "deadline_at",
            "closed_at")
_INDEXES = tuple(DEMAND_COLUMNS.index(c) for c in _COLUMNS)


def sample_of(row: Sequence[object]) -> DemandSample:
    (id_, number, kind, source, title, content, address, grid_id, item_id, lead_unit_id,
     status, received, deadline, closed) = (row[i] for i in _INDEXES)
    received_at = _moment(received)
    assert received_at is not None
    return DemandSample(str(id_), str(number), str(kind), str(source), str(title),
                        str(content), str(address), str(grid_id),
                        str(item_id) if item_id else None,
                        str(lead_unit_id) if lead_unit_id else None, str(status), received_at,
                        _moment(deadline), _moment(closed), topic_of(str(title)))


class DemandSampler:
    """Keeps each row with probability ``chance`` (its own generator: see above)."""

    def __init__(self, rng: random.Random, chance: float) -> None:
        self.rng, self.chance = rng, min(1.0, chance)
        self.samples: list[DemandSample] = []

    def take(self, rows: Sequence[Sequence[object]]) -> None:
        rng, chance = self.rng, self.chance
        for row in rows:
            if rng.random() < chance:
                self.samples.append(sample_of(row))
