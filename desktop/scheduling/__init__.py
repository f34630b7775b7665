"""Assisted scheduling of joint enforcement actions (OR-Tools CP-SAT).

``propose`` returns participants meeting every hard rule of
``desktop.domain.joint_actions`` with the workload spread fairly; ``greedy`` is the
baseline it is measured against. Pure core: no database, no Qt.
"""

from desktop.scheduling.propose import explain_infeasible, greedy, propose
from desktop.scheduling.types import (
    ActionChange,
    Fairness,
    InfeasibleScheduleError,
    Proposal,
    fairness_of,
)

__all__ = ["ActionChange", "Fairness", "InfeasibleScheduleError", "Proposal", "explain_infeasible",
           "fairness_of", "greedy", "propose"]
