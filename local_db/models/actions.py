"""Joint enforcement actions (联合执法行动): the action, its units, places, required forces,
participants, and recorded results.
"""

from __future__ import annotations
