"""Entry script of the frozen app (PyInstaller needs a script file, not ``module:func``).

It hands over to ``ui.app.main``, the same function the ``subcenter`` console script
runs, so the frozen app and the installed wheel behave alike. One exception, for the
installer checks only: with SUBCENTER_BUNDLE_CHECK=FILE set, it runs ``bundle_check``
(is every module and native library the app needs in the bundle, and nothing trimmed?)
and writes the report to FILE instead of starting the app.
"""

import os
import sys

if __name__ == "__main__":
    report = os.environ.get("SUBCENTER_BUNDLE_CHECK")
    if report:
        from pathlib import Path

        import bundle_check

        sys.exit(bundle_check.run(Path(report)))
    from ui.app import main

    sys.exit(main())
