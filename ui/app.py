"""Entry point of ``subcenter``: headless subcommands go to ``desktop.cli``; with no
subcommand the GUI starts here.

Start-up order: Qt application, Chinese translations and a CJK font, then the main
window's frame is shown and painted at once, before the core, SQLAlchemy, asyncio or any
page is imported (``docs/performance.md``: show, then load). Behind the painted frame:
logging to the data folder, the excepthook, the database migrated (backed up first, under
a splash) only when a migration is pending, the first-run wizard or the login, and only
then the environment is attached to the window and the first page loads its data.

Qt is imported inside ``run_gui`` so that headless commands never load it.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from argparse import Namespace
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from desktop import cli

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication, QSplashScreen

    from ui.env import UiEnv
    from ui.main_window import MainWindow

log = logging.getLogger(__name__)
SMOKE_RESULT_ENV = "SUBCENTER_SMOKE_RESULT"
SMOKE_ARTIFACTS_ENV = "SUBCENTER_SMOKE_ARTIFACTS"
SMOKE_PAGE_ENV = "SUBCENTER_SMOKE_PAGE"  # the page a smoke run loads (default 工作台)


def main(argv: list[str] | None = None) -> int:
    return cli.main(argv, gui=run_gui)


def run_gui(args: Namespace) -> int:
    started = time.perf_counter()
    from PySide6.QtWidgets import QApplication

    from ui.look import install_look, prepare_high_dpi

    if QApplication.instance() is None:
        prepare_high_dpi()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    # The app decides when to quit (closing the splash must not end the event loop).
    app.setQuitOnLastWindowClosed(False)
    app.setApplicationName("subcenter")
    app.setDesktopFileName("subcenter")  # Wayland matches the menu entry and its icon
    app.setApplicationDisplayName("街道综合指挥分中心")
    install_look(app)
    window = _paint_frame(app, args)
    painted = Painted(time.perf_counter() - started, time.time())
    import asyncio

    import qasync

    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    with loop:
        try:
            return loop.run_until_complete(_async_main(app, args, window, painted))
        except Exception as error:
            if not args.smoke:
                raise
            # Smoke runs are unattended (tests, installers): fail loudly, never show a dialog.
            print(f"smoke failed: {error!r}", file=sys.stderr)
            return 1


class Painted(NamedTuple):
    """When the main window first painted: seconds since ``run_gui`` began, and the wall
    clock (so a benchmark can measure from the moment it launched the process)."""

    seconds: float
    at: float


def _paint_frame(app: QApplication, args: Namespace) -> MainWindow:
    """Show the window frame where the user left it and wait for its first paint."""
    from desktop.config import Settings, data_paths
    from ui.main_window import GEOMETRY_KEY, MainWindow

    window = MainWindow()
    try:
        paths = data_paths(Path(args.home) if args.home else None)
        window.restore_geometry(Settings(paths.settings_file).get(GEOMETRY_KEY))
    except (OSError, ValueError):
        pass  # geometry is a nicety; the real problems are reported once the core opens
    window.show()
    from PySide6.QtCore import QEventLoop

    # A bounded number of waits (PySide6 6.12 leaks a reference per processEvents call).
    for _ in range(200):
        if window.painted:
            break
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 25)
    return window


async def _async_main(app: QApplication, args: Namespace, window: MainWindow,
                      painted: Painted) -> int:
    from desktop.bootstrap import open_context
    from desktop.logs import configure_logging
    from desktop.services.backup import record_pending_restore
    from desktop.services.subcenter import get_sub_center
    from ui.env import UiEnv
    from ui.errors import install_excepthook
    from ui.sign_in import sign_in
    from ui.tasks import TaskRunner

    tasks = TaskRunner()
    splash: QSplashScreen | None = None
    try:
        context = await tasks.db(open_context, Path(args.home) if args.home else None)
        configure_logging(context.paths.logs)
        if not args.smoke:
            install_excepthook(tasks)
        if await tasks.db(context.pending_migrations):
            # Only a migration is slow enough to deserve a splash.
            splash = _splash("正在升级数据库（已先行备份）……")
            await tasks.db(context.migrate)
            splash.close()
        await tasks.db(record_pending_restore, context)
        env = UiEnv(context=context, tasks=tasks)
        env.sub_center = await tasks.db(get_sub_center, context.uow())
        if not await sign_in(env, args):
            window.close()
            return 0  # the user closed the wizard or the login: nothing to show
        return await _show_main_window(app, env, args, window, painted)
    finally:
        if splash is not None:
            splash.close()
        await tasks.wait_idle()
        tasks.shutdown()


async def _show_main_window(
    app: QApplication, env: UiEnv, args: Namespace, window: MainWindow, painted: Painted
) -> int:
    window.attach(env)
    log.info("main window painted after %.3f s", painted.seconds)
    if args.smoke:
        # Prove the pages work on this data: the first page loads for real.
        await window.show_page(os.environ.get(SMOKE_PAGE_ENV) or "dashboard").reload()
        await _write_smoke_artifacts(env)
        return _finish_smoke(window, env, painted)
    window.start()
    import asyncio

    from ui.background import BackgroundJobs
    from ui.sync_status import controller_for

    controller_for(env).start_timer()  # background sync every few minutes, never blocking
    jobs = BackgroundJobs(env, window)
    jobs.start()
    closed: asyncio.Future[None] = asyncio.get_running_loop().create_future()
    app.lastWindowClosed.connect(lambda: closed.done() or closed.set_result(None))
    await closed
    jobs.stop()
    return 0


async def _write_smoke_artifacts(env: UiEnv) -> None:
    """Installer checks: with SUBCENTER_SMOKE_ARTIFACTS=DIR the smoke run also writes a
    PDF and an xlsx there (desktop.smoke), proving the frozen app's bundled parts work."""
    folder = os.environ.get(SMOKE_ARTIFACTS_ENV)
    if folder:
        from desktop.smoke import write_smoke_artifacts

        paths = await env.tasks.db(write_smoke_artifacts, env.context, Path(folder))
        log.info("smoke artifacts written: %s", ", ".join(str(path) for path in paths))


def _finish_smoke(window: MainWindow, env: UiEnv, painted: Painted) -> int:
    """Smoke mode: print the seconds to first paint (and write them where asked, since a
    windowed Windows program has no stdout), then leave."""
    result = f"{painted.seconds:.3f}"
    print(result, flush=True)
    target = os.environ.get(SMOKE_RESULT_ENV)
    if target:
        Path(target).write_text(
            f"ok {result} pages={len(window.pages)} data={env.context.paths.root} "
            f"painted_at={painted.at:.6f} peak_rss_mb={peak_rss_mb():.1f}\n",
            encoding="utf-8",
        )
    window.close()
    return 0


def peak_rss_mb() -> float:
    """This process's peak resident memory. Linux: VmHWM, which starts afresh at exec
    (``getrusage`` would also count the launching parent's pages, inherited through
    fork until exec); elsewhere the rusage figure; 0 where neither is available."""
    try:
        for line in Path("/proc/self/status").read_text(encoding="ascii").splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    try:
        import resource
    except ImportError:  # Windows
        return 0.0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def _splash(message: str) -> QSplashScreen:
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QColor, QPixmap
    from PySide6.QtWidgets import QSplashScreen

    pixmap = QPixmap(420, 160)
    pixmap.fill(QColor("#1f4e79"))
    splash = QSplashScreen(pixmap)
    splash.showMessage(f"街道综合指挥分中心\n\n{message}", Qt.AlignmentFlag.AlignCenter,
                       QColor("white"))
    splash.show()
    return splash


if __name__ == "__main__":
    raise SystemExit(main())
