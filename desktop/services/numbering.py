"""The numbers an install gives (受理编号, 哨号, 行动编号) carry its 终端号 (install
number), so two PCs of one street never give the same one.

Each install numbers by itself, offline, without gaps, reading its last number under
SQLite's write lock. Two PCs of one street did that independently and both made
``20261123-0001``: the other PC's record then broke the local unique rule on pull and
the PCs never converged. The district gives each enrolled install of a street a small
number at enrolment (``SyncState.install_number``); install 1 and an install not
enrolled (or whose link was cleared by a restore) keep the plain format, install k ≥ 2
inserts ``k-``: ``20261123-2-0001``, ``哨-20261123-2-001``, ``LX2026-2-0001``.

The last-number query matches the install's own shape exactly (SQLite GLOB with one
``[0-9]`` per digit), so install 1's ``20261123-`` never reads install 2's
``20261123-2-0001`` (and the reverse), and each install's sequence stays gap-free on
its own. GLOB with a literal prefix is served by the column's unique index.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import InstrumentedAttribute

from local_db.unit_of_work import UnitOfWork

_GLOB_SPECIALS = frozenset("*?[]")


def install_number(uow: UnitOfWork) -> int | None:
    """This install's 终端号 when it is ≥ 2 and the install is enrolled, else None
    (the plain, single-PC format)."""
    state = uow.sync.peek_state()
    if state is None or not state.client_id or state.install_number is None:
        return None
    return state.install_number if state.install_number >= 2 else None


def own_prefix(base: str, install: int | None) -> str:
    """``base`` (e.g. ``20261123-``) with the install's ``k-`` inserted when k ≥ 2."""
    return f"{base}{install}-" if install else base


def last_sequence(uow: UnitOfWork, column: InstrumentedAttribute[str], prefix: str,
                  digits: int) -> int:
    """The highest sequence number of ``prefix`` followed by exactly ``digits`` digits
    (0 when none). Call after the repository's ``take_write_lock()``."""
    if _GLOB_SPECIALS & set(prefix):
        raise ValueError(f"number prefix {prefix!r} has GLOB wildcards")
    pattern = prefix + "[0-9]" * digits
    last = uow.session.scalar(select(func.max(column)).where(column.op("GLOB")(pattern)))
    return int(last[len(prefix):]) if last else 0
