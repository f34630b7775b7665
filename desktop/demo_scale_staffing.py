"""Staffing the scale data set's joint actions from the ~300 officers, fast and within the
basic rules (desktop/domain/joint_actions.py), without the full check per candidate
that approval runs (5,000 actions × 300 people would take minutes):

- 行政处罚法 §42: at least two officers holding a certificate valid on every day of the
  action for its domain, preferably of the lead unit;
- an enforcing officer (force 1 or X) only with a valid certificate covering one of the
  action's domains; cooperating forces (Y) support without one;
- every listed unit sends someone (a unit that cannot is left off the action, as a
  planner would), and a cooperating unit of another domain is asked for one officer
  certified in its own domain (an ``action_need``), so its officer may enforce there;
- nobody on leave, outside the 下沉 period or away (the roster's periods), nobody on two
  actions less than the rest period apart (the actions are staffed in start order, so
  the end of a person's last action is enough, plus the demo street's own actions).

Which officers go is drawn from a random point of each unit's list, so the load spreads.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from desktop.domain.joint_actions import (
    DEFAULT_REST_HOURS,
    MIN_CERTIFIED,
    OfficerFacts,
    action_days,
)
from desktop.domain.roster import EnforcementDomain

REST = timedelta(hours=DEFAULT_REST_HOURS)
_NEVER = datetime.min


@dataclass
class Staffing:
    """Who goes (leader first), the cooperating units that could send someone, and the
    forces asked of the units of another domain: (unit id, domain, count, certified)."""

    people: list[OfficerFacts] = field(default_factory=list)
    units: list[str] = field(default_factory=list)
    needs: list[tuple[str, EnforcementDomain, int, int]] = field(default_factory=list)


@dataclass(frozen=True)
class Window:
    starts_at: datetime
    ends_at: datetime
    domain: EnforcementDomain

    @property
    def days(self) -> tuple:
        return action_days(self.starts_at, self.ends_at)


class Staffer:
    def __init__(self, officers: Iterable[OfficerFacts],
                 fixed: Iterable[tuple[str, datetime, datetime]], rng: random.Random) -> None:
        self.rng = rng
        self.by_unit: dict[str | None, list[OfficerFacts]] = {}
        for officer in sorted(officers, key=lambda o: o.officer_id):
            self.by_unit.setdefault(officer.unit_id, []).append(officer)
        self.everyone = [o for unit in self.by_unit.values() for o in unit]
        self.free_at: dict[str, datetime] = {}
        self.fixed: dict[str, list[tuple[datetime, datetime]]] = {}
        for officer_id, start, end in fixed:  # the demo street's own actions
            self.fixed.setdefault(officer_id, []).append((start, end))
        self.load: dict[str, int] = {}

    def _free(self, person: OfficerFacts, window: Window) -> bool:
        start, end = window.starts_at, window.ends_at
        if self.free_at.get(person.officer_id, _NEVER) > start:
            return False
        if any(s - REST < end and start < e + REST for s, e in self.fixed.get(person.officer_id, ())):
            return False
        return not any(p.start < end and start < p.end for p in person.unavailable)

    def _take(self, pool: Sequence[OfficerFacts], count: int, chosen: list[OfficerFacts],
              window: Window, accept: Callable[[OfficerFacts], bool]) -> int:
        if count <= 0 or not pool:
            return 0
        taken, ids = 0, {p.officer_id for p in chosen}
        offset = self.rng.randrange(len(pool))
        for index in range(len(pool)):
            person = pool[(offset + index) % len(pool)]
            if person.officer_id in ids or not accept(person) or not self._free(person, window):
                continue
            chosen.append(person)
            ids.add(person.officer_id)
            taken += 1
            if taken == count:
                break
        return taken

    def staff(self, window: Window, lead: str, cooperating: Sequence[tuple[str, EnforcementDomain
                                                                           | None]],
              size: int) -> Staffing | None:
        """Staff one action (in start order) or None when §42 cannot be met then.
        ``cooperating``: (unit id, the unit's own domain or None for a force Y unit)."""
        days, domain = window.days, window.domain
        staffing = Staffing()
        chosen = staffing.people

        def certified(person: OfficerFacts) -> bool:
            return person.certified_for(domain, days)

        if not self._take(self.by_unit.get(lead, []), MIN_CERTIFIED, chosen, window, certified):
            return None  # the lead unit must be there (and lead it)
        missing = MIN_CERTIFIED - sum(1 for p in chosen if certified(p))
        self._take(self.everyone, missing, chosen, window, certified)
        if sum(1 for p in chosen if certified(p)) < MIN_CERTIFIED:
            return None
        domains = {domain}
        for unit_id, own in cooperating:
            other = own is not None and own is not domain
            need = own if other else domain
            accept = (lambda p, d=need: p.certified_for(d, days)) if other else \
                (lambda p: not p.enforces or certified(p))
            if self._take(self.by_unit.get(unit_id, []), 1, chosen, window, accept):
                staffing.units.append(unit_id)
                if other and own is not None:
                    staffing.needs.append((unit_id, own, 1, 1))
                    domains.add(own)
        self._extras(staffing, window, lead, domains, size)
        for person in chosen:
            busy = window.ends_at + REST  # never lowered: days may be staffed out of order
            self.free_at[person.officer_id] = max(busy, self.free_at.get(person.officer_id, busy))
            self.load[person.officer_id] = self.load.get(person.officer_id, 0) + 1
        return staffing

    def _extras(self, staffing: Staffing, window: Window, lead: str,
                domains: set[EnforcementDomain], size: int) -> None:
        """More of the lead unit (certified) and of the units along, up to ``size``."""
        days = window.days

        def may_go(person: OfficerFacts) -> bool:
            return not person.enforces or bool(person.domains_on_all(days) & domains)

        chosen = staffing.people
        for unit_id in (lead, *staffing.units):
            wanted = size - len(chosen)
            if wanted <= 0:
                return
            share = wanted if unit_id == lead else max(1, wanted // 2)
            self._take(self.by_unit.get(unit_id, []), self.rng.randint(0, share), chosen,
                       window, may_go)
