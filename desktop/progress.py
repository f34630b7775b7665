"""Progress and cancellation for long core work (imports, exports, sync, batch print).

The core knows nothing of Qt: it calls ``progress(done, total, text)`` now and then and
checks ``cancel.raise_if_cancelled()`` between steps. ``ui/tasks.py`` turns these into a
progress bar and a cancel button. Both may be called from a worker thread.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from desktop.domain.errors import CancelledError

ProgressCallback = Callable[[int, int, str], None]


def no_progress(_done: int, _total: int, _text: str) -> None:
    """Default when nobody watches."""


class CancelToken:
    """Set from the GUI thread, polled by the worker. Thread-safe."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def raise_if_cancelled(self) -> None:
        if self._event.is_set():
            raise CancelledError()


NEVER_CANCELLED = CancelToken()
