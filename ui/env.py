"""What every page and dialog receives: the core context and the task runner.

Passed explicitly (no global app object); pages reach the core only through
``desktop`` services called via ``env.tasks``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the window frame paints before the core (and SQLAlchemy) is imported
    from desktop.bootstrap import AppContext
    from desktop.services.subcenter import SubCenterInfo
    from ui.tasks import TaskRunner


@dataclass
class UiEnv:
    context: AppContext
    tasks: TaskRunner
    sub_center: SubCenterInfo | None = field(default=None)
