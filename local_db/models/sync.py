"""District sync state: the outbox written in the same transaction as each change, the
pull cursor, conflicts with both sides, and the history of sync runs.
"""

from __future__ import annotations
